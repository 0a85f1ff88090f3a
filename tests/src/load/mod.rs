//! The load generator behind `usalama-load`: synthetic devices against a real hub, for the
//! hub's throughput, latency and memory under a mix of syncs, pushes and officers' pulls.
//!
//! A run: a fresh database; invites made with the hub's library; a real `usalama-hub serve`
//! on 127.0.0.1; every device enrolled over HTTP; the stored reports pushed by seeders; the
//! officers caught up; then the timed mix; then the figures per kind and the hub's memory.
//!
//! Who sees what: reporters sit in the county's smallest units, and the reports pushed (by
//! seeders and pushers alike) name two units where no synthetic reporter sits, so only the
//! county-wide officers receive them. A sync with nothing new stays so, a push carries
//! reports and an acknowledgement back, and an officer's pull carries every report pushed.
//! Reporters start the run from where the officers' catching up ended, as devices that had
//! synced before: their first pull of the county's device list is not part of the run.
//!
//! # Layout
//!
//! - `device`: one synthetic device in memory, its requests sealed and answers checked.
//! - `exchange`: one request on the wire and what became of it.
//! - `hub`: the hub under test, its database, its invites and its memory.
//! - `setup`: enrolling, seeding and catching up, before the clock starts.
//! - `mix`: the timed run, at offered rates or as fast as the hub answers.
//! - `tally`: counts, percentiles and errors by kind.
//! - `outcome`: what a run measured, as a table or JSON.
//! - `error`: what stops a run.

pub mod device;
pub mod error;
pub mod exchange;
pub mod hub;
pub mod mix;
pub mod outcome;
pub mod setup;
pub mod tally;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ed25519_dalek::VerifyingKey;
use rand::rngs::StdRng;
use rand::SeedableRng;
use usalama_core::domain::{Agency, Role};
use usalama_core::ledger::DeviceId;

use device::{Device, Keys};
use error::LoadError;
use hub::{Database, Invitee, Served};
use mix::{Kind, Pools, Rate};
use outcome::{Memory, Outcome, Phase};
use tally::Tally;

/// A device shared by the tasks that may pick it; one request at a time.
pub type Shared = Arc<tokio::sync::Mutex<Device>>;

/// How a run goes.
#[derive(Debug, Clone)]
pub struct Config {
    /// Reporters' devices (chiefs), quiet ones and pushers together.
    pub devices: usize,
    /// Of those, the ones that push (default: a tenth, at least one).
    pub pushers: Option<usize>,
    /// County-wide officers' devices, which pull.
    pub officers: usize,
    /// Reports stored before the run.
    pub seed_reports: u64,
    pub duration: Duration,
    pub sync: Rate,
    pub push: Rate,
    pub pull: Rate,
    /// Reports per push, inclusive.
    pub push_size: (usize, usize),
    /// Requests in flight at most, all kinds together.
    pub max_in_flight: usize,
    /// Enrollments in flight at once during the set-up.
    pub enroll_concurrency: usize,
    /// A `postgres://` URL whose role may create databases; SQLite when `None`.
    pub db: Option<String>,
    pub hub_bin: Option<PathBuf>,
    /// Given to `usalama-hub serve` after the tool's own options.
    pub hub_args: Vec<String>,
    pub hub_log: Option<PathBuf>,
    /// Reuse connections; by default every request opens its own, as devices in the field do.
    pub keep_alive: bool,
    pub rng_seed: u64,
}

/// The hub's address and the client that reaches it.
#[derive(Debug)]
pub struct Link {
    pub url: String,
    pub client: reqwest::Client,
}

/// What every request needs: the link, the hub's identity, and the keys answers are checked
/// against.
#[derive(Debug)]
pub struct Fleet {
    pub link: Link,
    pub hub_id: DeviceId,
    pub hub_key: VerifyingKey,
    pub keys: Keys,
}

/// Every synthetic device, by what it does.
#[derive(Debug, Default)]
struct Devices {
    pools: Pools,
    seeders: Vec<Shared>,
    /// Every device, in the order of the invites.
    all: Vec<Shared>,
}

/// The two units the pushed reports name, and how many seeders push the stored reports.
const SINKS: usize = 2;
const REPORTS_PER_SEEDER: u64 = 10_000;

/// Makes the devices and their invitees, reporters spread over the units with none below
/// them (but the sinks), officers county-wide.
fn plan(
    config: &Config,
    leaves: &[String],
    county: &str,
) -> Result<(Devices, Vec<Invitee>), LoadError> {
    if leaves.len() <= SINKS {
        return Err(LoadError::Hub("the gazetteer has too few units".into()));
    }
    let (sinks, homes) = leaves.split_at(SINKS);
    let mut rng = StdRng::seed_from_u64(config.rng_seed);
    let pushers = config
        .pushers
        .unwrap_or(config.devices / 10)
        .clamp(1, config.devices.max(1));
    let seeders = config.seed_reports.div_ceil(REPORTS_PER_SEEDER) as usize;
    let mut devices = Devices::default();
    let mut invitees = Vec::new();
    let mut all = Vec::new();
    let mut make = |role: Role, unit: &str, files_for: &str, agency: Option<Agency>| {
        invitees.push(Invitee {
            role,
            unit: unit.to_owned(),
            agency,
        });
        let device = Device::new(&mut rng, role, unit, files_for);
        let shared = Arc::new(tokio::sync::Mutex::new(device));
        all.push(shared.clone());
        shared
    };
    for i in 0..config.devices {
        let home = &homes[i % homes.len()];
        let d = make(Role::Chief, home, &sinks[i % SINKS], None);
        if i < pushers {
            devices.pools.pushers.push(d);
        } else {
            devices.pools.quiet.push(d);
        }
    }
    for i in 0..seeders {
        let d = make(
            Role::Chief,
            &homes[i % homes.len()],
            &sinks[i % SINKS],
            None,
        );
        devices.seeders.push(d);
    }
    for _ in 0..config.officers.max(1) {
        let d = make(Role::Officer, county, county, Some(Agency::Nps));
        devices.pools.officers.push(d);
    }
    devices.all = all;
    Ok((devices, invitees))
}

/// Runs the whole scenario and returns what it measured.
pub fn run(config: &Config) -> Result<Outcome, LoadError> {
    let bin = match &config.hub_bin {
        Some(b) => b.clone(),
        None => hub::default_bin()?,
    };
    let dir = tempfile::tempdir()?;
    let db = Database::fresh(config.db.as_deref(), dir.path())?;
    let mut phases = Vec::new();
    let started = Instant::now();
    let (devices, codes) = {
        let hub = hub::open(&db)?;
        let (leaves, county) = hub::leaves(&hub)?;
        let (devices, invitees) = plan(config, &leaves, &county)?;
        (devices, hub::invite(&hub, &invitees)?)
    };
    done(
        &mut phases,
        Phase::timed("invite", started.elapsed(), codes.len() as u64),
    );
    let mut args = vec![
        // Every synthetic device speaks from 127.0.0.1: the limits per address are lifted;
        // the hub's own (requests worked on and waiting) stay as `serve` sets them.
        "--per-address".to_owned(),
        "1000000".to_owned(),
        "--rate-per-minute".to_owned(),
        "1000000000".to_owned(),
        "--rate-burst".to_owned(),
        "1000000000".to_owned(),
    ];
    args.extend(config.hub_args.iter().cloned());
    let mut served = Served::start(&bin, &db, dir.path(), &args, config.hub_log.as_deref())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let outcome = runtime.block_on(measure(config, &mut served, devices, &codes, phases));
    let alive = served.alive();
    let mut outcome = outcome?;
    outcome.backend = db.backend();
    outcome.hub_survived = alive;
    Ok(outcome)
}

/// The set-up over HTTP, then the timed run, then the figures.
async fn measure(
    config: &Config,
    served: &mut Served,
    devices: Devices,
    codes: &[String],
    mut phases: Vec<Phase>,
) -> Result<Outcome, LoadError> {
    let link = Link {
        url: served.url.clone(),
        client: client(config.keep_alive)?,
    };
    let setup = Tally::default();
    let all = devices.all.clone();
    let started = Instant::now();
    let hub_key = setup::enroll(&link, &all, codes, config.enroll_concurrency, &setup).await?;
    done(
        &mut phases,
        Phase::timed("enroll", started.elapsed(), all.len() as u64),
    );
    let mut keys = Keys::new();
    keys.insert(DeviceId::of(&hub_key), hub_key);
    for d in &all {
        let d = d.lock().await;
        keys.insert(d.id, d.public_key());
    }
    let fleet = Arc::new(Fleet {
        link,
        hub_id: DeviceId::of(&hub_key),
        hub_key,
        keys,
    });
    let started = Instant::now();
    setup::seed(&fleet, &devices.seeders, config.seed_reports, &setup).await?;
    done(
        &mut phases,
        Phase::timed("seed", started.elapsed(), config.seed_reports),
    );
    let started = Instant::now();
    setup::catch_up(&fleet, &devices.pools.officers, &setup, "catch-up").await?;
    let officers = devices.pools.officers.len() as u64;
    done(
        &mut phases,
        Phase::timed("catch-up", started.elapsed(), officers),
    );
    start_where_officers_are(&devices).await;
    let setup_peak = hub::status_kib(served.pid(), "VmHWM");
    let reset = hub::reset_peak(served.pid());
    eprintln!("usalama-load: the timed run ({:?})", config.duration);
    let (summaries, sampled) = timed(config, served.pid(), fleet, devices.pools).await;
    let memory = Memory {
        setup_peak_kib: setup_peak,
        run_peak_kib: reset
            .then(|| hub::status_kib(served.pid(), "VmHWM"))
            .flatten(),
        run_rss_max_kib: sampled,
        end_rss_kib: hub::status_kib(served.pid(), "VmRSS"),
    };
    let setup = setup.summaries_each(|kind| {
        let step = phases.iter().find(|p| p.name == kind);
        Duration::from_secs_f64(step.map_or(1.0, |p| p.seconds))
    });
    Ok(Outcome::new(config, phases, setup, summaries, memory))
}

/// Records a finished set-up step and says so on stderr, so that a long set-up shows progress.
fn done(phases: &mut Vec<Phase>, phase: Phase) {
    eprintln!(
        "usalama-load: {} ({}) done in {:.1} s",
        phase.name, phase.count, phase.seconds
    );
    phases.push(phase);
}

/// Reporters start from the officers' cursor: what they would hold had they synced before.
async fn start_where_officers_are(devices: &Devices) {
    let mut cursor = 0;
    for o in &devices.pools.officers {
        cursor = cursor.max(o.lock().await.cursor);
    }
    for d in devices.pools.quiet.iter().chain(&devices.pools.pushers) {
        d.lock().await.cursor = cursor;
    }
}

/// The timed mix, with the hub's resident memory sampled every 100 ms. Returns each kind's
/// figures and the largest sample.
async fn timed(
    config: &Config,
    pid: u32,
    fleet: Arc<Fleet>,
    pools: Pools,
) -> (Vec<tally::Summary>, Option<u64>) {
    let run = Arc::new(mix::Run {
        fleet,
        pools,
        tally: Tally::default(),
        push_size: config.push_size,
        places: tokio::sync::Semaphore::new(config.max_in_flight.max(1)),
    });
    let deadline = tokio::time::Instant::now() + config.duration;
    let sampler = tokio::spawn(async move {
        let mut max = None;
        while tokio::time::Instant::now() < deadline {
            max = max.max(hub::status_kib(pid, "VmRSS"));
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        max
    });
    let kinds = [
        (Kind::Sync, config.sync),
        (Kind::Push, config.push),
        (Kind::Pull, config.pull),
    ];
    let drivers: Vec<_> = kinds
        .into_iter()
        .map(|(kind, rate)| tokio::spawn(mix::drive(run.clone(), kind, rate, deadline)))
        .collect();
    for d in drivers {
        let _ = d.await;
    }
    let sampled = sampler.await.ok().flatten();
    (run.tally.summaries(config.duration), sampled)
}

/// The devices' HTTP client: plain HTTP to the loopback hub, a fresh connection per request
/// unless `keep_alive`.
fn client(keep_alive: bool) -> Result<reqwest::Client, LoadError> {
    // The device's own client installs the process's TLS provider, which reqwest needs even
    // for plain HTTP.
    usalama_core::sync::http_client(None).map_err(|e| LoadError::Hub(e.to_string()))?;
    let builder = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(30))
        .timeout(Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none());
    let builder = if keep_alive {
        builder
    } else {
        builder.pool_max_idle_per_host(0)
    };
    builder.build().map_err(|e| LoadError::Hub(e.to_string()))
}
