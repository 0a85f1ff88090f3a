//! The rules of who may do what: why an entry a device wrote may have no effect at the hub,
//! by its author's role, agency and clearance, the reports it names, and its date. The part of
//! the table that depends on a report's state every device applies alike when it folds the
//! response (see `usalama_protocol::lifecycle`).

use usalama_protocol::admission::{self, admit, Known};
use usalama_protocol::domain::{Agency, Role};
use usalama_protocol::ledger::{Entry, EntryKind, ReportId};
use usalama_protocol::lifecycle::{Action, Actor, Response};
use usalama_protocol::redaction::Redaction;

use super::{Hub, MAX_AHEAD_MS};
use crate::db::{DeviceRecord, Tx};
use crate::error::Result;

impl Hub {
    /// Why an entry may have no effect, or `None`: its body fails the checks its author's
    /// device applies (see `usalama_protocol::admission`), or the table "Who may do what" does not
    /// let its author take the step.
    pub(super) fn refusal(
        &self,
        tx: &mut dyn Tx,
        author: &DeviceRecord,
        e: &Entry,
    ) -> Result<Option<String>> {
        if let Err(refusal) = admission(tx, e)? {
            return Ok(Some(refusal.message));
        }
        Ok(match e.kind {
            EntryKind::ReportFiled if author.role == Role::Admin => {
                Some("an administrator's device may not file reports".into())
            }
            EntryKind::ReportFiled => None,
            EntryKind::ReportAmended => self.amendment_refusal(tx, author, e)?,
            EntryKind::Acknowledged
            | EntryKind::Assigned
            | EntryKind::Updated
            | EntryKind::Closed
            | EntryKind::Reopened
            | EntryKind::Linked => lifecycle_refusal(tx, author, e)?,
            EntryKind::NeedsAssessed if author.role != Role::Officer => {
                Some("only agency officers record needs assessments".into())
            }
            EntryKind::NeedsAssessed => None,
            EntryKind::WarningAcknowledged => acknowledgement_refusal(tx, author, e)?,
            EntryKind::SmsAlert => sms_alert_refusal(tx, author, e)?,
            EntryKind::ReportRedacted => match e.subject {
                None => Some("a redaction must name its report".into()),
                Some(id) => match tx.report(&id)? {
                    None => Some(format!("redacts report {id}, which the hub does not hold")),
                    Some(r) if r.person != author.person && author.role != Role::Admin => Some(
                        "only the report's author or the county administrator (role admin) \
                             may redact it"
                            .into(),
                    ),
                    // A redaction whose own body a later one removed has nothing left to do.
                    Some(_) if e.body.is_some() && Redaction::of(e).is_none() => {
                        Some("the redaction cannot be read".into())
                    }
                    Some(_) => None,
                },
            },
            EntryKind::SourceSealed => match e.subject {
                None => Some("a sealed source must name its report".into()),
                Some(id) => match tx.report(&id)? {
                    None => Some(format!(
                        "seals a source of report {id}, which the hub does not hold"
                    )),
                    Some(r) if r.person != author.person => {
                        Some("only the report's author may record its source".into())
                    }
                    Some(_) => None,
                },
            },
            EntryKind::CountyKey if !author.cleared => {
                Some("only a cleared reader's device may issue or share a county key".into())
            }
            EntryKind::CountyKey => None,
            EntryKind::ClearanceGranted if !author.cleared => {
                Some("only a cleared reader's device may approve another's clearance".into())
            }
            EntryKind::ClearanceGranted => e
                .body
                .as_deref()
                .and_then(|b| usalama_protocol::county::Grant::parse(b).err())
                .map(|err| format!("the clearance approval cannot be read: {err}")),
            EntryKind::UnitAdded
            | EntryKind::UnitRenamed
            | EntryKind::UnitRetired
            | EntryKind::WarningsConfigured
            | EntryKind::SmsConfigured
            | EntryKind::SmsRelayed
            | EntryKind::DeviceEnrolled
            | EntryKind::DeviceRevoked => Some("only the hub records reference data".into()),
            EntryKind::Unknown(_) => None,
        })
    }
}

impl Hub {
    /// Why an amendment may have no effect: only the report's author amends it, and nobody
    /// amends an alert the hub relayed (its author's full report is amended instead).
    fn amendment_refusal(
        &self,
        tx: &mut dyn Tx,
        author: &DeviceRecord,
        e: &Entry,
    ) -> Result<Option<String>> {
        Ok(match e.subject {
            None => Some("an amendment must name its report".into()),
            Some(id) => match tx.report(&id)? {
                None => Some(format!("amends report {id}, which the hub does not hold")),
                Some(r) if r.author == self.id => Some(
                    "a flash alert the hub relayed is not amended: amend the full report".into(),
                ),
                Some(r) if r.person != author.person => {
                    Some("only the report's author may amend it".into())
                }
                Some(_) => None,
            },
        })
    }
}

/// Why a flash alert by SMS may have no effect: it is made by a device of the report's
/// author (whose key the hub opens the texts with), about a report the hub holds.
fn sms_alert_refusal(tx: &mut dyn Tx, author: &DeviceRecord, e: &Entry) -> Result<Option<String>> {
    Ok(match e.subject {
        None => Some("an SMS alert must name its report".into()),
        Some(id) => match tx.report(&id)? {
            None => Some(format!("alerts report {id}, which the hub does not hold")),
            Some(r) if r.person != author.person => {
                Some("only the report's author may send an SMS alert of it".into())
            }
            Some(_) => None,
        },
    })
}

/// Why an acknowledgement of a warning may have no effect: only agency officers acknowledge,
/// and it names a report the hub holds (the one the warning points to last).
fn acknowledgement_refusal(
    tx: &mut dyn Tx,
    author: &DeviceRecord,
    e: &Entry,
) -> Result<Option<String>> {
    if author.role != Role::Officer || author.agency.is_none() {
        return Ok(Some("only agency officers acknowledge warnings".into()));
    }
    Ok(match e.subject {
        None => Some("an acknowledgement must name its warning's report".into()),
        Some(id) if tx.report(&id)?.is_none() => Some(format!(
            "acknowledges a warning about report {id}, which the hub does not hold"
        )),
        Some(_) => None,
    })
}

/// Checks an entry arriving at the hub as every receiving device does: its body by its
/// author's parsers, the units it names against the hub's gazetteer, and a filing's report id
/// against the reports the hub holds. Only entries new to the hub reach this, so a held report
/// with the same id was filed by another entry.
pub(super) fn admission(
    tx: &mut dyn Tx,
    e: &Entry,
) -> Result<std::result::Result<(), admission::Refusal>> {
    let names_units = matches!(
        e.kind,
        EntryKind::ReportFiled
            | EntryKind::ReportAmended
            | EntryKind::ReportRedacted
            | EntryKind::NeedsAssessed
            | EntryKind::UnitAdded
            | EntryKind::UnitRenamed
            | EntryKind::UnitRetired
            | EntryKind::WarningsConfigured
    ) && e.body.is_some();
    let units = if names_units { tx.units()? } else { Vec::new() };
    let held = e.kind == EntryKind::ReportFiled && tx.report(&e.report_id())?.is_some();
    let known = Known {
        units: &units,
        holds: |_: &ReportId, _: &Entry| held,
    };
    Ok(admit(e, &known))
}

/// Who a device's user is, for the response's rules (the hub's own chain counts as a chief's:
/// it may take no step).
pub(super) fn actor_of(device: &DeviceRecord) -> Actor {
    Actor {
        role: device.role.role().unwrap_or(Role::Chief),
        agency: device.agency.as_deref().and_then(|a| Agency::parse(a).ok()),
    }
}

/// Why a step of a report's response may have no effect, as far as the hub can tell without
/// the response's state: the author's role and agency, and the reports it names. The rules
/// that depend on the state (the lead agency, a closed report) every device applies alike
/// when it folds the response (see `usalama_protocol::lifecycle`).
pub(super) fn lifecycle_refusal(
    tx: &mut dyn Tx,
    author: &DeviceRecord,
    e: &Entry,
) -> Result<Option<String>> {
    let Some(action) = Action::of(e) else {
        return Ok(Some(format!(
            "the {} entry's body does not parse",
            e.kind.name()
        )));
    };
    let Some(id) = e.subject else {
        return Ok(Some("a response step must name its report".into()));
    };
    if tx.report(&id)?.is_none() {
        return Ok(Some(format!("report {id}, which the hub does not hold")));
    }
    if let Action::Link { other } = &action {
        if *other == id || tx.report(other)?.is_none() {
            return Ok(Some(format!(
                "links report {other}, which the hub does not hold"
            )));
        }
    }
    let actor = actor_of(author);
    // The state-free part of the table: as if the report had no response yet, for the steps
    // whose rule does not depend on it.
    Ok(match action {
        Action::Acknowledge { .. } | Action::Assign { .. } | Action::Link { .. } => {
            Response::default().refusal(&actor, &action)
        }
        _ if actor.role != Role::Officer || actor.agency.is_none() => {
            Some("only agency officers act on a report's response".into())
        }
        _ => None,
    })
}

/// Why an entry dated too far ahead of the hub's receipt has no effect: a response step, a
/// redaction, a county key or a clearance approval dated in the future would win over every
/// later one until that date (a close dated 2100 could never be reopened). Reports and
/// amendments are kept whatever their date (a wrong clock warns; it never loses a report).
pub(super) fn dated_ahead(e: &Entry, now: i64) -> Option<String> {
    let ordered_by_date = matches!(
        e.kind,
        EntryKind::Acknowledged
            | EntryKind::Assigned
            | EntryKind::Updated
            | EntryKind::Closed
            | EntryKind::Reopened
            | EntryKind::Linked
            | EntryKind::ReportRedacted
            | EntryKind::CountyKey
            | EntryKind::ClearanceGranted
    );
    (ordered_by_date && e.at > now.saturating_add(MAX_AHEAD_MS)).then(|| {
        format!(
            "dated {} minutes after the hub received it: the device's clock runs ahead; set its \
             date and time and take the step again",
            (e.at - now) / 60_000
        )
    })
}

#[cfg(test)]
mod tests;
