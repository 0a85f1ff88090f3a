//! Early warnings: listing those this device's reports raise, and acknowledging one.

use std::path::Path;

use serde_json::json;
use usalama_core::domain::text::escape_line;
use usalama_core::store::WarningView;
use usalama_core::warning::{Reason, Rule};

use super::unlock::{open, print_json};
use crate::failure::Failure;

pub(super) fn list(home: &Path, open_only: bool, json: bool) -> Result<(), Failure> {
    let store = open(home)?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    let mut view = (*store.warnings(now)?).clone();
    if open_only {
        view.warnings.retain(|w| w.acknowledgements.is_empty());
    }
    if json {
        return print_json(&view);
    }
    if view.warnings.is_empty() {
        say!("No warnings.");
    }
    for w in &view.warnings {
        let mark = if w.overdue { "  NOT ACKNOWLEDGED" } else { "" };
        say!(
            "{}  {}  {}  {}{mark}",
            w.warning.id,
            w.warning.day,
            escape_line(&w.area_name),
            what(w)
        );
        for a in &w.acknowledgements {
            say!(
                "    acknowledged by {} ({}) at {}: {}",
                escape_line(&a.by.name),
                a.by.agency.as_deref().unwrap_or("-"),
                a.at,
                escape_line(&a.note)
            );
        }
        if w.followed_by > 0 {
            say!(
                "    followed within 14 days by {} incident(s)",
                w.followed_by
            );
        }
    }
    for s in &view.silent {
        say!(
            "No reports from {} since {}.",
            escape_line(&s.area),
            s.since
        );
    }
    if !view.county_settings {
        say!("(The county has set no early-warning settings: the defaults hold.)");
    }
    Ok(())
}

/// One line on what raised the warning.
fn what(w: &WarningView) -> String {
    let w = &w.warning;
    match w.rule {
        Rule::Report => w
            .reasons
            .iter()
            .map(|r| match r {
                Reason::Killing { killed: Some(n) } => format!("{n} killed"),
                Reason::Killing { killed: None } => "a killing".into(),
                Reason::Abduction { abducted: Some(n) } => format!("{n} abducted"),
                Reason::Abduction { abducted: None } => "an abduction".into(),
                Reason::LivestockStolen { head, .. } => format!("{head} head stolen"),
                Reason::Provocative { indicators } => format!(
                    "provocative sign: {}",
                    indicators
                        .iter()
                        .map(|i| i.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
            .collect::<Vec<_>>()
            .join("; "),
        Rule::RepeatRaid => format!("a second raid within {} days", w.counts[0]),
        Rule::RisingSigns => format!("early-warning signs rising: {:?}", w.counts),
        Rule::Trend | Rule::BorderTrend => w.trend.as_ref().map_or_else(String::new, |t| {
            let short = if t.years_of_history < 2 {
                format!(" (only {} earlier year(s) to compare)", t.years_of_history)
            } else {
                String::new()
            };
            format!(
                "{} incidents in the week or fortnight, {:.1} expected for the season{short}",
                t.count, t.expected
            )
        }),
    }
}

pub(super) fn ack(home: &Path, id: &str, note: &str, json: bool) -> Result<(), Failure> {
    let mut store = open(home)?;
    let id = store.acknowledge_warning(id, note)?;
    if json {
        return print_json(&json!({ "warning": id.to_string() }));
    }
    say!("{id} acknowledged; the county and the reporting chief see it at the next sync.");
    Ok(())
}
