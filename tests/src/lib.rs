//! Shared pieces of the integration tests and their helper binaries.

use serde_json::{json, Value};

/// A valid report document; `n` varies its narrative and counts.
pub fn report_doc(n: u64) -> Value {
    json!({
        "type": if n % 3 == 0 { "livestock_raid" } else { "early_warning" },
        "urgency": "urgent",
        "occurred_at": "2026-11-20T05:30:00+03:00",
        "unit": "ke-024-v-takaywa",
        "place": format!("Borehole number {n}"),
        "narrative": format!("Report {n}: herders moved towards the river at dawn."),
        "people": {"killed": n % 4, "injured": null},
        "livestock": [{"species": "cattle", "stolen": n % 200, "estimate": true}]
    })
}
