//! Prometheus metrics: entries stored, syncs, refusals by reason, unverified SMS webhook requests,
//! bytes of releases sent, kept and written out by
//! `prometheus-client` in the OpenMetrics text format (which Prometheus reads).
//!
//! A counter is registered under its name without `_total`: the format names the family
//! `usalama_syncs` and its sample `usalama_syncs_total`. The library ends each help text with a
//! full stop, so the texts here have none.

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::registry::Registry;

/// The content type of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The hub's counters, and the registry that writes them out.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    syncs: Counter,
    entries_stored: Counter,
    entries_sent: Counter,
    entries_refused: Counter,
    enrollments: Counter,
    release_bytes: Counter,
    webhook_unverified: Counter,
    refusals: Family<Vec<(&'static str, &'static str)>, Counter>,
}

impl Default for Metrics {
    fn default() -> Metrics {
        let mut registry = Registry::default();
        let mut counter = |name: &str, help: &str| {
            let c = Counter::default();
            registry.register(name, help, c.clone());
            c
        };
        let syncs = counter("usalama_syncs", "Sync exchanges completed");
        let entries_stored = counter("usalama_entries_stored", "Entries stored from devices");
        let entries_sent = counter("usalama_entries_sent", "Entries sent to devices");
        let entries_refused = counter(
            "usalama_entries_refused",
            "Entries kept without effect (not allowed for their author)",
        );
        let enrollments = counter("usalama_enrollments", "Devices enrolled");
        let release_bytes = counter(
            "usalama_release_bytes_sent",
            "Bytes of packages and deltas sent to devices by the update endpoint",
        );
        let webhook_unverified = counter(
            "usalama_sms_webhook_unverified",
            "SMS webhook requests not signed by the county's gateway, not stored",
        );
        let refusals = Family::default();
        registry.register(
            "usalama_requests_refused",
            "Requests refused, by reason",
            refusals.clone(),
        );
        Metrics {
            registry,
            syncs,
            entries_stored,
            entries_sent,
            entries_refused,
            enrollments,
            release_bytes,
            webhook_unverified,
            refusals,
        }
    }
}

impl Metrics {
    pub fn synced(&self, stored: u64, sent: usize) {
        self.syncs.inc();
        self.entries_stored.inc_by(stored);
        self.entries_sent.inc_by(sent as u64);
    }

    pub fn enrolled(&self) {
        self.enrollments.inc();
    }

    /// Bytes of a package or a delta sent in one chunk.
    pub fn release_sent(&self, bytes: usize) {
        self.release_bytes.inc_by(bytes as u64);
    }

    /// A webhook request whose signature or time did not verify.
    pub fn webhook_unverified(&self) {
        self.webhook_unverified.inc();
    }

    pub fn refused_entry(&self) {
        self.entries_refused.inc();
    }

    /// A request refused, by its machine-readable reason.
    pub fn refused(&self, reason: &'static str) {
        self.refusals.get_or_create(&vec![("reason", reason)]).inc();
    }

    /// The OpenMetrics text exposition ([`CONTENT_TYPE`]).
    pub fn render(&self) -> String {
        let mut out = String::new();
        if let Err(e) = encode(&mut out, &self.registry) {
            // Writing to a `String` does not fail; should the encoder refuse, say so in the log
            // and serve what was written.
            tracing::error!(error = %e, "the metrics could not be written out");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_counter_is_written_with_its_name_type_and_help() {
        let m = Metrics::default();
        m.synced(3, 2);
        m.enrolled();
        m.refused_entry();
        m.webhook_unverified();
        m.release_sent(4096);
        m.refused("busy");
        m.refused("busy");
        let text = m.render();
        for (name, help, value) in [
            ("usalama_syncs", "Sync exchanges completed.", 1),
            ("usalama_entries_stored", "Entries stored from devices.", 3),
            ("usalama_entries_sent", "Entries sent to devices.", 2),
            (
                "usalama_entries_refused",
                "Entries kept without effect (not allowed for their author).",
                1,
            ),
            ("usalama_enrollments", "Devices enrolled.", 1),
            (
                "usalama_release_bytes_sent",
                "Bytes of packages and deltas sent to devices by the update endpoint.",
                4096,
            ),
            (
                "usalama_sms_webhook_unverified",
                "SMS webhook requests not signed by the county's gateway, not stored.",
                1,
            ),
        ] {
            assert!(text.contains(&format!("# HELP {name} {help}\n")), "{text}");
            assert!(text.contains(&format!("# TYPE {name} counter\n")), "{text}");
            assert!(text.contains(&format!("{name}_total {value}\n")), "{text}");
        }
        assert!(text.contains("# HELP usalama_requests_refused Requests refused, by reason.\n"));
        assert!(
            text.contains("usalama_requests_refused_total{reason=\"busy\"} 2\n"),
            "{text}"
        );
        assert!(text.ends_with("# EOF\n"), "{text}");
    }
}
