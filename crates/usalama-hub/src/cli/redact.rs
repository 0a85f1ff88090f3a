//! `redact`: the administrator replaces a report's content everywhere.

use usalama_protocol::domain::Report;

use super::{open, print_json, usage, Failure};

pub(crate) fn run(
    db: &str,
    id: &str,
    file: &std::path::Path,
    reason: &str,
    json: bool,
) -> Result<(), Failure> {
    use std::io::Read;
    let name = if file == std::path::Path::new("-") {
        "standard input".to_owned()
    } else {
        file.display().to_string()
    };
    let mut text = String::new();
    let read = if file == std::path::Path::new("-") {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(file).map(|t| text = t)
    };
    read.map_err(|e| usage(format!("{name}: cannot read the file: {e}")))?;
    let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        usage(format!(
            "{name}: not valid JSON at line {}, column {}: {e}",
            e.line(),
            e.column()
        ))
    })?;
    // `usalama report show --json` output, edited, will do: the fields it adds are set aside.
    let doc = match doc {
        serde_json::Value::Object(mut map) if map.contains_key("timeline") => {
            map.retain(|k, _| {
                usalama_protocol::domain::report::REPORT_FIELDS.contains(&k.as_str())
            });
            serde_json::Value::Object(map)
        }
        other => other,
    };
    let now = time::OffsetDateTime::now_utc();
    let replacement = Report::parse(&doc, now).map_err(|p| usage(p.within(&name).to_string()))?;
    let done = open(db)?.redact(id, &replacement, reason)?;
    if json {
        print_json(&done);
    } else {
        say!(
            "Redacted report {}: the content of {} earlier {} was removed from the hub; every \
             device that holds the report removes it at its next sync.",
            done.id,
            done.removed,
            if done.removed == 1 {
                "entry"
            } else {
                "entries"
            }
        );
    }
    Ok(())
}
