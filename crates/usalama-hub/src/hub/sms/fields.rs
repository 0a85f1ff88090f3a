//! An accepted alert's fields as JSON, in the words and shapes of a report document: a figure
//! not said is absent, an unknown one is `null`, never 0.

use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use usalama_protocol::sms::{Alert, Form};

/// The alert's fields, and the form it came in.
pub(super) fn json(alert: &Alert, form: Form) -> Value {
    let people = alert.people();
    let livestock: Map<String, Value> = alert
        .stolen
        .iter()
        .map(|(species, tally)| (species.as_str().to_owned(), json!({ "stolen": tally })))
        .collect();
    let mut fields = json!({
        "form": form.name(),
        "type": alert.kind.as_str(),
        "urgency": alert.urgency.as_str(),
        "unit": alert.unit,
        "occurred_at": when(alert.occurred_at),
        "sent_at": when(alert.sent_at),
        "people": people,
        "livestock": livestock,
        "estimate": alert.estimate,
    });
    if let Some(position) = &alert.position {
        fields["gps"] = json!({ "lat": position.lat(), "lon": position.lon() });
    }
    if !alert.note.as_str().is_empty() {
        fields["note"] = json!(alert.note.as_str());
    }
    fields
}

/// A time in East Africa Time, as reports write it.
fn when(at: OffsetDateTime) -> String {
    at.to_offset(usalama_protocol::EAT)
        .format(&Rfc3339)
        .unwrap_or_else(|_| at.to_string())
}
