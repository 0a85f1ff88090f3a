//! The response to a report, by agency officers: each subcommand one step on this device's
//! chain.

use std::path::Path;

use serde_json::json;
use usalama_core::domain::Agency;
use usalama_core::error::{Broken, Rule};

use super::unlock::{open, print_json};
use crate::args::IncidentCommand;
use crate::failure::Failure;

pub(super) fn record(home: &Path, command: IncidentCommand, json: bool) -> Result<(), Failure> {
    use usalama_core::lifecycle::{parse_figures, Action, Outcome};
    let agency = |flag: &str, text: &str| {
        Agency::parse(text.trim())
            .map_err(|e| usalama_core::Error::broke(flag, Broken::new(Rule::Choice, e)))
    };
    let mut store = open(home)?;
    let (id, action) = match command {
        IncidentCommand::Ack { id } => {
            let mine = store.identity().profile.agency.ok_or_else(|| {
                usalama_core::Error::NotAllowed(
                    "only agency officers acknowledge reports; this device has no agency, so \
                     nothing was recorded"
                        .into(),
                )
            })?;
            (id, Action::Acknowledge { agency: mine })
        }
        IncidentCommand::Assign { id, lead, support } => {
            let lead = agency("--lead", &lead)?;
            let support = support
                .iter()
                .filter(|s| !s.trim().is_empty())
                .map(|s| agency("--support", s))
                .collect::<Result<Vec<_>, _>>()?;
            (
                id,
                Action::Assign {
                    lead,
                    support,
                    replaces: None,
                },
            )
        }
        IncidentCommand::Update { id, note, status } => {
            let responding = match status.as_deref() {
                None => false,
                Some("responding") => true,
                Some(other) => {
                    return Err(usalama_core::Error::broke(
                        "--status",
                        Broken::new(
                            Rule::Choice,
                            format!("unknown status {other:?}; allowed: responding"),
                        ),
                    )
                    .into())
                }
            };
            (id, Action::Update { note, responding })
        }
        IncidentCommand::Close {
            id,
            outcome,
            note,
            figures,
        } => {
            let outcome = Outcome::parse(&outcome).map_err(|e| {
                usalama_core::Error::broke("--outcome", Broken::new(Rule::Choice, e))
            })?;
            let figures = match figures {
                None => None,
                Some(path) => {
                    let text = std::fs::read_to_string(&path).map_err(|e| {
                        Failure::usage(format!("--figures {}: {e}", path.display()))
                    })?;
                    Some(parse_figures(&text)?)
                }
            };
            (
                id,
                Action::Close {
                    outcome,
                    note,
                    figures,
                },
            )
        }
        IncidentCommand::Reopen { id, note } => (id, Action::Reopen { note }),
        IncidentCommand::Link { id, other } => {
            let other = store.resolve_report(&other)?;
            (id, Action::Link { other })
        }
    };
    let kind = action.kind().name();
    let id = store.act(&id, action)?;
    let shown = store.report(&id)?;
    if json {
        return print_json(&json!({
            "id": id.to_string(),
            "recorded": kind,
            "status": shown.status,
            "lead_agency": shown.lead_agency,
        }));
    }
    say!(
        "Recorded ({kind}) on report {id}; its status is now {}. It reaches the county and the \
         reporting chief at the next sync.",
        shown.status
    );
    Ok(())
}
