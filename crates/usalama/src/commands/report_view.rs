//! One report as people read it on a terminal: its fields, its sections and its timeline,
//! every value escaped.

use std::borrow::Cow;

use serde_json::{json, Value};
use time::OffsetDateTime;
use usalama_core::store::ReportView;
use usalama_core::Store;

use usalama_core::domain::text::escape_line;

pub(super) fn print_report(store: &Store, v: &ReportView) {
    print_heading(store, v);
    print_counts(v);
    print_sections(v);
    print_narrative(v);
    print_timeline(v);
}

/// A text field of the document on its one line (every value but the narrative is).
fn one_line<'v>(v: &'v ReportView, key: &str) -> Cow<'v, str> {
    escape_line(v.document.get(key).and_then(Value::as_str).unwrap_or("-"))
}

/// What, when, by whom and where.
fn print_heading(store: &Store, v: &ReportView) {
    say!("Report {}  ({})", v.id, v.status);
    say!(
        "Type:        {}   urgency: {}",
        one_line(v, "type"),
        one_line(v, "urgency")
    );
    say!("Occurred:    {}", one_line(v, "occurred_at"));
    say!(
        "Recorded:    {} by {} ({})",
        v.recorded_at,
        escape_line(&v.reported_by.name),
        escape_line(&v.reported_by.role)
    );
    say!(
        "Unit:        {} ({})",
        escape_line(&unit_name(store, &v.unit_counted)),
        escape_line(&v.unit_counted)
    );
    if let Some(place) = v.document.get("place").and_then(Value::as_str) {
        say!("Place:       {}", escape_line(place));
    }
    if let Some(gps) = v.document.get("gps").filter(|g| !g.is_null()) {
        say!("GPS:         {}, {}", gps["lat"], gps["lon"]);
    }
}

/// People, and livestock one line per species.
fn print_counts(v: &ReportView) {
    if let Some(Value::Object(people)) = v.document.get("people") {
        let parts: Vec<String> = people
            .iter()
            .map(|(k, n)| format!("{k} {}", figure(n)))
            .collect();
        say!("People:      {}", parts.join(", "));
    }
    if let Some(Value::Array(lines)) = v.document.get("livestock") {
        for line in lines {
            let about = if line["estimate"] == json!(true) {
                "about "
            } else {
                ""
            };
            let parts: Vec<String> = ["stolen", "recovered", "killed"]
                .iter()
                .filter_map(|k| line.get(*k).map(|n| format!("{k} {about}{}", figure(n))))
                .collect();
            say!(
                "Livestock:   {}: {}",
                text_of(&line["species"]),
                parts.join(", ")
            );
        }
    }
}

/// The other sections, each on one line; the source marked restricted.
fn print_sections(v: &ReportView) {
    for (key, label) in [
        ("suspects", "Suspects"),
        ("agencies_notified", "Notified"),
        ("ob", "OB"),
        ("source", "Source"),
    ] {
        if let Some(value) = v.document.get(key).filter(|v| !v.is_null()) {
            let restricted = if key == "source" {
                "  [restricted]"
            } else {
                ""
            };
            say!(
                "{:<12} {}{restricted}",
                format!("{label}:"),
                escape_line(&flat(value))
            );
        }
    }
    if v.source_sealed {
        say!("Source:      sealed [restricted]: this device holds no key for it");
    }
    if v.relay_differs {
        say!(
            "Warning:     the SMS alert the county hub relayed for this report is not the one \
             its device made; tell the county ICT office"
        );
    }
    if let Some(counter) = v.relayed_alert {
        say!(
            "Arrived:     by SMS (alert {counter}), vouched for by the county hub; the full \
             report has not arrived yet"
        );
    }
}

fn print_narrative(v: &ReportView) {
    say!("Narrative:");
    let narrative = v.document.get("narrative").and_then(Value::as_str);
    for line in narrative.unwrap_or("-").lines() {
        say!("  {line}");
    }
}

fn print_timeline(v: &ReportView) {
    say!("Timeline:");
    for item in &v.timeline {
        let by = match &item.by.agency {
            Some(a) => format!("{} ({}, {a})", item.by.name, item.by.role),
            None => format!("{} ({})", item.by.name, item.by.role),
        };
        say!("  {}  {}  by {}", item.at, item.kind, escape_line(&by));
        if let Some(mark) = &item.redacted {
            say!(
                "      redacted by {} at {}",
                escape_line(&mark.by.name),
                mark.at
            );
        } else if item.kind == "report_amended" {
            say!("      changed: {}", escape_line(&item.content.to_string()));
        } else if item.kind == "report_redacted" {
            say!(
                "      reason: {}",
                escape_line(&text_of(&item.content["reason"]))
            );
        }
    }
}

/// A count as people read it: the number, or "unknown"; a split as "men 1 women 2".
fn figure(n: &Value) -> String {
    match n {
        Value::Null => "unknown".into(),
        Value::Object(split) => split
            .iter()
            .map(|(k, v)| format!("{k} {}", figure(v)))
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    }
}

fn text_of(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

/// A section as `key: value` pairs on one line.
fn flat(value: &Value) -> String {
    match value {
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{k}: {}", flat(v)))
            .collect::<Vec<_>>()
            .join("; "),
        Value::Array(items) => items.iter().map(flat).collect::<Vec<_>>().join(", "),
        other => text_of(other),
    }
}

/// A date and time as `YYYY-MM-DD HH:MM` in East Africa Time, whatever offset it was given in.
pub(super) fn in_eat(text: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .and_then(|t| t.to_offset(usalama_core::EAT).format(&format).ok())
        .unwrap_or_else(|| text.to_owned())
}

pub(super) fn unit_name(store: &Store, id: &str) -> String {
    store
        .unit(id)
        .map_or_else(|| id.to_owned(), |u| u.name.clone())
}
