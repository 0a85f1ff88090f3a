//! What the requests did, per kind: how many, how fast they were answered (percentiles of
//! the time from a request's first byte to its answer's last), how many entries went each
//! way, and every failure counted under its kind, with the first message of each.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{json, Value};

use super::exchange::{Done, Failure};

/// The requests of one kind.
#[derive(Debug, Default, Clone)]
struct Kind {
    /// Microseconds each answered request took.
    latencies: Vec<u64>,
    /// Microseconds each failed request took (a refusal is quick; a timeout is not).
    failed: Vec<u64>,
    entries_up: u64,
    entries_down: u64,
    errors: BTreeMap<String, u64>,
    first_messages: BTreeMap<String, String>,
    protocol_failures: u64,
    /// Requests the schedule called for but no idle device or free place could send.
    skipped: u64,
}

/// Every kind's requests, shared by the tasks that make them.
#[derive(Debug, Default)]
pub struct Tally {
    // A `std` mutex: nothing awaits while it is held.
    kinds: Mutex<BTreeMap<&'static str, Kind>>,
}

/// One kind's figures over a period.
#[derive(Debug, Clone)]
pub struct Summary {
    pub kind: &'static str,
    pub sent: u64,
    pub ok: u64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub entries_up: u64,
    pub entries_down: u64,
    pub skipped: u64,
    pub errors: BTreeMap<String, u64>,
    pub first_messages: BTreeMap<String, String>,
    pub protocol_failures: u64,
}

impl Tally {
    pub fn record(&self, kind: &'static str, done: &Done) {
        let mut kinds = self.kinds.lock().unwrap_or_else(|p| p.into_inner());
        let k = kinds.entry(kind).or_default();
        let micros = done.latency.as_micros() as u64;
        match &done.result {
            Ok(applied) => {
                k.latencies.push(micros);
                k.entries_up += done.sent;
                k.entries_down += applied.received;
            }
            Err(failure) => {
                k.failed.push(micros);
                count(k, failure);
            }
        }
    }

    /// A failure outside any request (a device that could not be prepared).
    pub fn fail(&self, kind: &'static str, failure: &Failure) {
        let mut kinds = self.kinds.lock().unwrap_or_else(|p| p.into_inner());
        count(kinds.entry(kind).or_default(), failure);
    }

    pub fn skip(&self, kind: &'static str) {
        let mut kinds = self.kinds.lock().unwrap_or_else(|p| p.into_inner());
        kinds.entry(kind).or_default().skipped += 1;
    }

    /// Each kind's figures, throughput over `period`.
    pub fn summaries(&self, period: Duration) -> Vec<Summary> {
        self.summaries_each(|_| period)
    }

    /// Each kind's figures, throughput over the period `period` gives for it.
    pub fn summaries_each(&self, period: impl Fn(&str) -> Duration) -> Vec<Summary> {
        let kinds = self.kinds.lock().unwrap_or_else(|p| p.into_inner());
        kinds
            .iter()
            .map(|(name, k)| summary(name, k, period(name)))
            .collect()
    }
}

fn count(k: &mut Kind, failure: &Failure) {
    *k.errors.entry(failure.kind.clone()).or_default() += 1;
    k.first_messages
        .entry(failure.kind.clone())
        .or_insert_with(|| failure.message.clone());
    if failure.protocol {
        k.protocol_failures += 1;
    }
}

fn summary(name: &'static str, k: &Kind, period: Duration) -> Summary {
    let mut sorted = k.latencies.clone();
    sorted.sort_unstable();
    let ms = |us: u64| us as f64 / 1000.0;
    let errors: u64 = k.errors.values().sum();
    Summary {
        kind: name,
        sent: sorted.len() as u64 + k.failed.len() as u64,
        ok: sorted.len() as u64,
        per_second: sorted.len() as f64 / period.as_secs_f64().max(1e-9),
        p50_ms: ms(percentile(&sorted, 50.0)),
        p99_ms: ms(percentile(&sorted, 99.0)),
        max_ms: ms(sorted.last().copied().unwrap_or(0)),
        entries_up: k.entries_up,
        entries_down: k.entries_down,
        skipped: k.skipped,
        errors: k.errors.clone(),
        first_messages: k.first_messages.clone(),
        protocol_failures: k.protocol_failures.min(errors),
    }
}

/// The nearest-rank percentile of sorted values (0 when there are none).
pub fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

impl Summary {
    pub fn errors_total(&self) -> u64 {
        self.errors.values().sum()
    }

    pub fn to_json(&self) -> Value {
        json!({
            "kind": self.kind,
            "sent": self.sent,
            "ok": self.ok,
            "per_second": round(self.per_second),
            "p50_ms": round(self.p50_ms),
            "p99_ms": round(self.p99_ms),
            "max_ms": round(self.max_ms),
            "entries_up": self.entries_up,
            "entries_down": self.entries_down,
            "skipped": self.skipped,
            "errors": self.errors,
            "protocol_failures": self.protocol_failures,
            "first_messages": self.first_messages,
        })
    }
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The table of `summaries`, one row per kind, then every error kind with its first message.
pub fn table(summaries: &[Summary]) -> String {
    let mut out = format!(
        "{:<9} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>7} {:>7}\n",
        "kind",
        "sent",
        "ok",
        "ok/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "up",
        "down",
        "skipped",
        "errors"
    );
    for s in summaries {
        out.push_str(&format!(
            "{:<9} {:>8} {:>8} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>9} {:>9} {:>7} {:>7}\n",
            s.kind,
            s.sent,
            s.ok,
            s.per_second,
            s.p50_ms,
            s.p99_ms,
            s.max_ms,
            s.entries_up,
            s.entries_down,
            s.skipped,
            s.errors_total()
        ));
    }
    for s in summaries {
        for (kind, n) in &s.errors {
            let message = s.first_messages.get(kind).map_or("", String::as_str);
            out.push_str(&format!("  {} {kind}: {n} (first: {message})\n", s.kind));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&v, 50.0), 50);
        assert_eq!(percentile(&v, 99.0), 99);
        assert_eq!(percentile(&v, 100.0), 100);
        assert_eq!(percentile(&[7], 99.0), 7);
        assert_eq!(percentile(&[], 50.0), 0);
    }
}
