//! The response to a report on this device: recording a step after the checks every device's
//! fold applies (so a step this device would ignore is never written), and folding the steps
//! for a report's page and status.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use super::reports::{append, entries_about, not_found, reproject};
use super::Store;
use crate::domain::{Agency, Role};
use crate::error::{Error, Result};
use crate::ledger::{DeviceId, Draft, Entry, ReportId};
use crate::lifecycle::{self, Action, Actor, Response, Step};
use crate::projection::fold_order;

impl Store {
    /// Records one step of a report's response (`usalama incident ...`). Refused with a clear
    /// message, recording nothing, when this device's role and agency may not take it now.
    pub fn act(&mut self, id: &str, mut action: Action) -> Result<ReportId> {
        let id = self.resolve_report(id)?;
        action.check()?;
        let me = Actor {
            role: self.me.profile.role,
            agency: self.me.profile.agency,
        };
        let (state, _) = response(&self.conn, &entries_about(&self.conn, &id)?)?;
        match &mut action {
            Action::Assign { replaces, .. } => *replaces = state.assignment.clone(),
            Action::Link { other } if *other == id => {
                return Err(Error::invalid(
                    "OTHER_ID",
                    "a report cannot be linked to itself",
                ))
            }
            Action::Link { other } => {
                let held: Option<i64> = self
                    .conn
                    .query_row(
                        "SELECT 1 FROM reports WHERE id = ?1",
                        [other.to_string()],
                        |r| r.get(0),
                    )
                    .optional()?;
                if held.is_none() {
                    return Err(not_found(&other.to_string()));
                }
            }
            _ => {}
        }
        if let Some(why) = state.refusal(&me, &action) {
            return Err(Error::NotAllowed(format!("{why}; nothing was recorded")));
        }
        let body =
            serde_json::to_vec(&action.body()).map_err(|e| Error::Unsupported(e.to_string()))?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        append(
            &tx,
            &self.me,
            Draft {
                kind: action.kind(),
                subject: Some(id),
                body,
            },
        )?;
        reproject(&tx, &id)?;
        tx.commit()?;
        Ok(id)
    }
}

/// The response folded from a report's entries (any order), and what became of each step.
pub(super) fn response(conn: &Connection, entries: &[Entry]) -> Result<(Response, Vec<Step>)> {
    let mut ordered: Vec<&Entry> = entries.iter().filter(|e| Action::of(e).is_some()).collect();
    ordered.sort_by(|a, b| fold_order(a, b));
    let mut actors: Vec<(DeviceId, Option<Actor>)> = Vec::new();
    for e in &ordered {
        if !actors.iter().any(|(d, _)| *d == e.device) {
            actors.push((e.device, actor(conn, &e.device)?));
        }
    }
    Ok(lifecycle::fold(&ordered, |d| {
        actors.iter().find(|(id, _)| id == d).and_then(|(_, a)| *a)
    }))
}

/// Who uses `device`, as the hub's chain announced it.
fn actor(conn: &Connection, device: &DeviceId) -> Result<Option<Actor>> {
    let row: Option<(String, Option<String>)> = conn
        .prepare_cached("SELECT role, agency FROM devices WHERE device = ?1")?
        .query_row([device.0], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(row.and_then(|(role, agency)| {
        Some(Actor {
            role: Role::parse(&role).ok()?,
            agency: agency.and_then(|a| Agency::parse(&a).ok()),
        })
    }))
}
