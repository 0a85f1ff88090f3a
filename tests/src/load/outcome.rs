//! What a run measured: the scenario, the set-up's steps and how long each took, each kind's
//! figures during the timed run, and the hub's memory; printed as a table or as JSON.

use std::time::Duration;

use serde_json::{json, Value};

use super::mix::Rate;
use super::tally::{self, Summary};
use super::Config;

/// One step of the set-up.
#[derive(Debug, Clone)]
pub struct Phase {
    pub name: &'static str,
    pub seconds: f64,
    /// What it handled: invites, devices, reports.
    pub count: u64,
}

impl Phase {
    pub fn timed(name: &'static str, took: Duration, count: u64) -> Phase {
        Phase {
            name,
            seconds: took.as_secs_f64(),
            count,
        }
    }
}

/// The hub process's resident memory, KiB.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    /// The peak (VmHWM) from its start to the end of the set-up.
    pub setup_peak_kib: Option<u64>,
    /// The peak during the timed run (VmHWM, reset when the run starts).
    pub run_peak_kib: Option<u64>,
    /// The largest VmRSS sampled every 100 ms during the run.
    pub run_rss_max_kib: Option<u64>,
    pub end_rss_kib: Option<u64>,
}

/// What a run measured.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub scenario: Value,
    pub backend: &'static str,
    pub phases: Vec<Phase>,
    pub setup: Vec<Summary>,
    pub run: Vec<Summary>,
    pub memory: Memory,
    /// The hub process was still running at the end.
    pub hub_survived: bool,
}

impl Outcome {
    pub fn new(
        config: &Config,
        phases: Vec<Phase>,
        setup: Vec<Summary>,
        run: Vec<Summary>,
        memory: Memory,
    ) -> Outcome {
        let rate = |r: Rate| match r {
            Rate::PerSecond(r) => json!(r),
            Rate::Max(w) => json!(format!("max ({w} workers)")),
        };
        let scenario = json!({
            "devices": config.devices,
            "pushers": config.pushers,
            "officers": config.officers,
            "seed_reports": config.seed_reports,
            "duration_s": config.duration.as_secs_f64(),
            "rate_sync": rate(config.sync),
            "rate_push": rate(config.push),
            "rate_pull": rate(config.pull),
            "push_size": [config.push_size.0, config.push_size.1],
            "keep_alive": config.keep_alive,
            "hub_args": config.hub_args,
            "machine": machine(),
        });
        Outcome {
            scenario,
            backend: "",
            phases,
            setup,
            run,
            memory,
            hub_survived: true,
        }
    }

    /// Failures that a correct device and hub never meet, in the set-up and the run.
    pub fn protocol_failures(&self) -> u64 {
        self.setup
            .iter()
            .chain(&self.run)
            .map(|s| s.protocol_failures)
            .sum()
    }

    pub fn to_json(&self) -> Value {
        let mib = |k: Option<u64>| k.map(|k| (k as f64 / 1024.0 * 10.0).round() / 10.0);
        json!({
            "scenario": self.scenario,
            "backend": self.backend,
            "setup": self.phases.iter().map(|p| json!({
                "step": p.name, "seconds": (p.seconds * 100.0).round() / 100.0, "count": p.count,
            })).collect::<Vec<_>>(),
            "setup_requests": self.setup.iter().map(Summary::to_json).collect::<Vec<_>>(),
            "run": self.run.iter().map(Summary::to_json).collect::<Vec<_>>(),
            "hub_memory_mib": {
                "setup_peak": mib(self.memory.setup_peak_kib),
                "run_peak": mib(self.memory.run_peak_kib),
                "run_rss_max_sampled": mib(self.memory.run_rss_max_kib),
                "end_rss": mib(self.memory.end_rss_kib),
            },
            "hub_survived": self.hub_survived,
            "protocol_failures": self.protocol_failures(),
        })
    }

    pub fn to_text(&self) -> String {
        let mut out = format!(
            "scenario: {} on {}\n\nset-up:\n",
            self.scenario, self.backend
        );
        for p in &self.phases {
            out.push_str(&format!(
                "  {:<9} {:>9} in {:>8.1} s\n",
                p.name, p.count, p.seconds
            ));
        }
        out.push_str(&tally::table(&self.setup));
        out.push_str("\nrun:\n");
        out.push_str(&tally::table(&self.run));
        let mib =
            |k: Option<u64>| k.map_or("-".to_owned(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
        out.push_str(&format!(
            "\nhub memory: set-up peak {}, run peak {} (sampled max {}), at the end {}\n",
            mib(self.memory.setup_peak_kib),
            mib(self.memory.run_peak_kib),
            mib(self.memory.run_rss_max_kib),
            mib(self.memory.end_rss_kib)
        ));
        if !self.hub_survived {
            out.push_str("THE HUB PROCESS DIED during the run\n");
        }
        let failures = self.protocol_failures();
        if failures > 0 {
            out.push_str(&format!(
                "PROTOCOL FAILURES: {failures} (answers a correct hub never gives, or refusals a \
                 correct device never meets; see the errors above)\n"
            ));
        }
        out
    }
}

/// The machine: processors and memory.
fn machine() -> Value {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo").ok().and_then(|m| {
        m.lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    });
    json!({
        "cpus": cpus,
        "memory_gib": memory.map(|k| (k as f64 / 1024.0 / 1024.0 * 10.0).round() / 10.0),
    })
}
