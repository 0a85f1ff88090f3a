//! Needs assessments: recording one, and listing them with the gaps of the open ones.

use std::path::Path;

use serde_json::json;
use time::OffsetDateTime;

use super::input::{display_name, read_json};
use super::unlock::{open, print_json};
use crate::failure::Failure;

use usalama_core::domain::text::escape_line;

pub(super) fn add(home: &Path, file: &Path, json: bool) -> Result<(), Failure> {
    let doc = read_json(file)?;
    let mut store = open(home)?;
    let id = store.add_needs(&doc).map_err(|e| match e {
        usalama_core::Error::Invalid(problems) => Failure::from(usalama_core::Error::Invalid(
            problems.within(&display_name(file)),
        )),
        other => Failure::from(other),
    })?;
    if json {
        return print_json(&json!({ "id": id.to_string() }));
    }
    say!("{id}");
    Ok(())
}

pub(super) fn list(home: &Path, open_only: bool, json: bool) -> Result<(), Failure> {
    let store = open(home)?;
    let today = OffsetDateTime::now_utc()
        .to_offset(usalama_core::EAT)
        .date();
    let needs: Vec<_> = store
        .needs()?
        .into_iter()
        .filter(|n| !open_only || n.needs.open_on(today))
        .collect();
    let gaps = usalama_core::needs::total_gaps(needs.iter().map(|n| &n.needs), today);
    if json {
        return print_json(&json!({ "assessments": needs, "open_gaps": gaps }));
    }
    for n in &needs {
        say!(
            "{}  {}  {} to {}  lead {}  {}  ({})",
            n.id,
            escape_line(&n.needs.area),
            n.needs.from,
            n.needs.to,
            n.needs.lead,
            escape_line(&n.needs.operation),
            escape_line(&n.by.name)
        );
        for item in &n.needs.items {
            say!(
                "    {:<16} have {:>7}  need {:>7}  gap {:>7}{}",
                item.resource,
                item.have,
                item.need,
                item.gap(),
                item.note
                    .as_deref()
                    .map(|s| format!("  {}", escape_line(s)))
                    .unwrap_or_default()
            );
        }
    }
    say!("Gaps across open operations:");
    for (resource, gap) in &gaps {
        say!("    {resource:<16} {gap}");
    }
    Ok(())
}
