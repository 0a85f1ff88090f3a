//! The response to a report, by agency officers: each subcommand one step on this device's
//! chain.

use std::path::{Path, PathBuf};

use serde_json::json;
use usalama_core::domain::Agency;
use usalama_core::error::{Broken, Rule};
use usalama_core::lifecycle::{parse_figures, Action, Outcome};
use usalama_core::Store;

use super::unlock::{open, print_json};
use crate::args::IncidentCommand;
use crate::failure::Failure;

pub(super) fn record(home: &Path, command: IncidentCommand, json: bool) -> Result<(), Failure> {
    let mut store = open(home)?;
    let (id, action) = step(&store, command)?;
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

/// The report a subcommand names, and the step it takes.
fn step(store: &Store, command: IncidentCommand) -> Result<(String, Action), Failure> {
    Ok(match command {
        IncidentCommand::Ack { id } => (id, acknowledgement(store)?),
        IncidentCommand::Assign { id, lead, support } => (id, assignment(&lead, &support)?),
        IncidentCommand::Update { id, note, status } => (id, update(note, status.as_deref())?),
        IncidentCommand::Close {
            id,
            outcome,
            note,
            figures,
        } => (id, closing(&outcome, note, figures)?),
        IncidentCommand::Reopen { id, note } => (id, Action::Reopen { note }),
        IncidentCommand::Link { id, other } => {
            let other = store.resolve_report(&other)?;
            (id, Action::Link { other })
        }
    })
}

fn agency(flag: &str, text: &str) -> Result<Agency, usalama_core::Error> {
    Agency::parse(text.trim())
        .map_err(|e| usalama_core::Error::broke(flag, Broken::new(Rule::Choice, e)))
}

/// An officer acknowledges for the agency this device belongs to.
fn acknowledgement(store: &Store) -> Result<Action, Failure> {
    let mine = store.identity().profile.agency.ok_or_else(|| {
        usalama_core::Error::NotAllowed(
            "only agency officers acknowledge reports; this device has no agency, so \
             nothing was recorded"
                .into(),
        )
    })?;
    Ok(Action::Acknowledge { agency: mine })
}

fn assignment(lead: &str, support: &[String]) -> Result<Action, Failure> {
    let lead = agency("--lead", lead)?;
    let support = support
        .iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| agency("--support", s))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Action::Assign {
        lead,
        support,
        replaces: None,
    })
}

fn update(note: String, status: Option<&str>) -> Result<Action, Failure> {
    let responding = match status {
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
    Ok(Action::Update { note, responding })
}

fn closing(
    outcome: &str,
    note: Option<String>,
    figures: Option<PathBuf>,
) -> Result<Action, Failure> {
    let outcome = Outcome::parse(outcome)
        .map_err(|e| usalama_core::Error::broke("--outcome", Broken::new(Rule::Choice, e)))?;
    let figures = match figures {
        None => None,
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| Failure::usage(format!("--figures {}: {e}", path.display())))?;
            Some(parse_figures(&text)?)
        }
    };
    Ok(Action::Close {
        outcome,
        note,
        figures,
    })
}
