//! Prometheus metrics: entries stored, syncs, refusals by reason.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

#[derive(Debug, Default)]
pub struct Metrics {
    syncs: AtomicU64,
    entries_stored: AtomicU64,
    entries_sent: AtomicU64,
    entries_refused: AtomicU64,
    enrollments: AtomicU64,
    refusals: Mutex<BTreeMap<&'static str, u64>>,
}

impl Metrics {
    pub fn synced(&self, stored: u64, sent: usize) {
        self.syncs.fetch_add(1, Ordering::Relaxed);
        self.entries_stored.fetch_add(stored, Ordering::Relaxed);
        self.entries_sent.fetch_add(sent as u64, Ordering::Relaxed);
    }

    pub fn enrolled(&self) {
        self.enrollments.fetch_add(1, Ordering::Relaxed);
    }

    pub fn refused_entry(&self) {
        self.entries_refused.fetch_add(1, Ordering::Relaxed);
    }

    /// A request refused, by its machine-readable reason.
    pub fn refused(&self, reason: &'static str) {
        if let Ok(mut map) = self.refusals.lock() {
            *map.entry(reason).or_default() += 1;
        }
    }

    /// The Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut counter = |name: &str, help: &str, value: u64| {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n"
            ));
        };
        counter(
            "usalama_syncs_total",
            "Sync exchanges completed.",
            self.syncs.load(Ordering::Relaxed),
        );
        counter(
            "usalama_entries_stored_total",
            "Entries stored from devices.",
            self.entries_stored.load(Ordering::Relaxed),
        );
        counter(
            "usalama_entries_sent_total",
            "Entries sent to devices.",
            self.entries_sent.load(Ordering::Relaxed),
        );
        counter(
            "usalama_entries_refused_total",
            "Entries kept without effect (not allowed for their author).",
            self.entries_refused.load(Ordering::Relaxed),
        );
        counter(
            "usalama_enrollments_total",
            "Devices enrolled.",
            self.enrollments.load(Ordering::Relaxed),
        );
        out.push_str("# HELP usalama_requests_refused_total Requests refused, by reason.\n");
        out.push_str("# TYPE usalama_requests_refused_total counter\n");
        if let Ok(map) = self.refusals.lock() {
            for (reason, n) in map.iter() {
                out.push_str(&format!(
                    "usalama_requests_refused_total{{reason=\"{reason}\"}} {n}\n"
                ));
            }
        }
        out
    }
}
