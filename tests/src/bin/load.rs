//! `usalama-load`: synthetic devices against a real hub (see `usalama_tests::load`), e.g.
//!
//! ```text
//! usalama-load --devices 2000 --officers 4 --seed-reports 100000 --duration 60s \
//!     --rate-sync 300 --rate-push 60 --push-size 10..10 [--db postgres://…] [--json]
//! ```
//!
//! Exit status: 0 when the run completed, 2 when an answer broke the protocol or a correct
//! device met a refusal it never should (the figures are printed all the same), 1 when the run
//! could not be set up.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use usalama_tests::load::mix::Rate;
use usalama_tests::load::Config;

/// Synthetic devices against a real `usalama-hub serve`: enrolls them, stores reports, then
/// runs a mix of syncs with nothing new, pushes and officers' pulls for a bounded time, and
/// reports throughput, latency percentiles and errors per kind and the hub's peak memory.
#[derive(Debug, Parser)]
#[command(name = "usalama-load")]
struct Args {
    /// Reporters' devices (quiet ones and pushers).
    #[arg(long, default_value_t = 200)]
    devices: usize,
    /// Of the reporters, how many push (default: a tenth).
    #[arg(long)]
    pushers: Option<usize>,
    /// County-wide officers' devices, which pull what is pushed.
    #[arg(long, default_value_t = 2)]
    officers: usize,
    /// Reports stored before the run (pushed by seeders of their own).
    #[arg(long, default_value_t = 1_000)]
    seed_reports: u64,
    /// How long the timed run lasts: 30s, 2m, 500ms.
    #[arg(long, default_value = "10s", value_parser = duration)]
    duration: Duration,
    /// Syncs with nothing new per second, or `max` (as fast as the hub answers).
    #[arg(long, default_value = "50", value_parser = rate)]
    rate_sync: RateArg,
    /// Pushes per second, or `max`.
    #[arg(long, default_value = "10", value_parser = rate)]
    rate_push: RateArg,
    /// Officers' pulls per second, or `max`.
    #[arg(long, default_value = "1", value_parser = rate)]
    rate_pull: RateArg,
    /// Reports per push: N or LOW..HIGH (inclusive).
    #[arg(long, default_value = "1..10", value_parser = range)]
    push_size: (usize, usize),
    /// Workers per kind whose rate is `max`.
    #[arg(long, default_value_t = 8)]
    workers: usize,
    /// Requests in flight at most, all kinds together (beyond it a request is skipped).
    #[arg(long, default_value_t = 4096)]
    max_in_flight: usize,
    /// Enrollments in flight at once during the set-up.
    #[arg(long, default_value_t = 4)]
    enroll_concurrency: usize,
    /// A postgres:// URL whose role may create databases: the hub runs on a fresh database
    /// made beside it and dropped afterwards. Without it, a fresh SQLite file.
    #[arg(long)]
    db: Option<String>,
    /// The usalama-hub binary (default: the one beside this one).
    #[arg(long)]
    hub_bin: Option<PathBuf>,
    /// An option for `usalama-hub serve`, after the tool's own (repeat it).
    #[arg(long = "hub-arg", allow_hyphen_values = true)]
    hub_args: Vec<String>,
    /// Where the hub's log goes (default: nowhere).
    #[arg(long)]
    hub_log: Option<PathBuf>,
    /// Reuse connections (by default each request opens its own, as devices in the field do).
    #[arg(long)]
    keep_alive: bool,
    /// The seed of the devices' keys and reports.
    #[arg(long, default_value_t = 1)]
    rng_seed: u64,
    /// Print the figures as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy)]
enum RateArg {
    PerSecond(f64),
    Max,
}

fn duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let n: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration such as 30s, 2m or 500ms"))?;
    let seconds = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        _ => return Err(format!("{text:?}: the unit is ms, s or m")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("{text:?}: {e}"))
}

fn rate(text: &str) -> Result<RateArg, String> {
    if text == "max" {
        return Ok(RateArg::Max);
    }
    match text.parse::<f64>() {
        Ok(r) if r >= 0.0 && r.is_finite() => Ok(RateArg::PerSecond(r)),
        _ => Err(format!(
            "{text:?} is not a rate: a number of requests per second, or max"
        )),
    }
}

fn range(text: &str) -> Result<(usize, usize), String> {
    let bad = || format!("{text:?} is not N or LOW..HIGH with 1 <= LOW <= HIGH");
    let (low, high) = match text.split_once("..") {
        Some((l, h)) => (
            l.parse().map_err(|_| bad())?,
            h.trim_start_matches('=').parse().map_err(|_| bad())?,
        ),
        None => {
            let n = text.parse().map_err(|_| bad())?;
            (n, n)
        }
    };
    if low == 0 || low > high {
        return Err(bad());
    }
    Ok((low, high))
}

fn main() -> ExitCode {
    let args = Args::parse();
    let rate = |r: RateArg| match r {
        RateArg::PerSecond(r) => Rate::PerSecond(r),
        RateArg::Max => Rate::Max(args.workers),
    };
    let config = Config {
        devices: args.devices,
        pushers: args.pushers,
        officers: args.officers,
        seed_reports: args.seed_reports,
        duration: args.duration,
        sync: rate(args.rate_sync),
        push: rate(args.rate_push),
        pull: rate(args.rate_pull),
        push_size: args.push_size,
        max_in_flight: args.max_in_flight,
        enroll_concurrency: args.enroll_concurrency,
        db: args.db.clone(),
        hub_bin: args.hub_bin.clone(),
        hub_args: args.hub_args.clone(),
        hub_log: args.hub_log.clone(),
        keep_alive: args.keep_alive,
        rng_seed: args.rng_seed,
    };
    match usalama_tests::load::run(&config) {
        Ok(outcome) => {
            if args.json {
                println!("{}", outcome.to_json());
            } else {
                print!("{}", outcome.to_text());
            }
            if outcome.protocol_failures() > 0 || !outcome.hub_survived {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("usalama-load: {e}");
            ExitCode::from(1)
        }
    }
}
