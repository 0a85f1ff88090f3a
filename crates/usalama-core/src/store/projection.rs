//! The projection writer: a report's row (status, response, the facts warnings read, text
//! index) rebuilt from every entry about it, with the redactions applied to the bodies still
//! held first.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::Value;

use super::entries::same_person;
use super::relays::{entries_with_relays, full_report, relay_of, remove_row};
use super::sources::{unsealed_source, Opener};
use super::warning_facts::Facts;
use crate::domain::report::{apply_restricted, restricted_patch};
use crate::domain::{Agency, Role};
use crate::error::Result;
use crate::gazetteer::COUNTY;
use crate::ledger::{fold_order, DeviceId, Entry, EntryKind, ReportId};
use crate::lifecycle::{self, Action, Actor, Response, Step};
use crate::projection::{project_with, ReportState};
use crate::redaction::Redaction;
use crate::warning::Incident;

/// What [`reproject`] did.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Reprojected {
    /// The store holds the report's filing (else there is no projection yet).
    pub held: bool,
    /// Bodies a redaction removed just now.
    pub removed: usize,
}

/// Whether an entry dated `at` was dated ahead of the hub's receipt by more than the skew
/// allowed ([`crate::ledger::MAX_AHEAD_MS`]).
pub(super) fn dated_ahead(at: i64, received: i64) -> bool {
    at > received.saturating_add(crate::ledger::MAX_AHEAD_MS)
}

/// Rebuilds the projection of report `id` from every entry about it, first applying every
/// redaction of the report to the bodies still held (so an entry stored after its redaction
/// never keeps its body).
pub(super) fn reproject(tx: &Transaction<'_>, id: &ReportId) -> Result<Reprojected> {
    let (mut entries, relays) = entries_with_relays(tx, id, |d| same_person(tx, d))?;
    let filing_at = entries
        .iter()
        .position(|e| e.kind.files_report() && e.report_id() == *id);
    let redactions = redactions_of(tx, filing_at.map(|i| &entries[i]), &entries)?;
    let mut removed = remove_redacted(tx, &mut entries, &redactions)?;
    removed += scrub_carried(tx, &redactions)?;
    let not_held = Reprojected {
        held: false,
        removed,
    };
    let Some(filing) = filing_at.map(|i| &entries[i]) else {
        return Ok(not_held);
    };
    let relay = match filing.kind {
        EntryKind::SmsRelayed => match relay_of(tx, filing)? {
            Some(relay) => Some(relay),
            // Not the county hub's relay, or unreadable: no report.
            None => return Ok(not_held),
        },
        _ => None,
    };
    if let Some(relay) = &relay {
        // A relay whose full report is here has no row of its own: the report's row has it.
        if let Some(full) = full_report(tx, relay)? {
            remove_row(tx, id)?;
            let mut folded = reproject(tx, &full)?;
            folded.removed += removed;
            return Ok(folded);
        }
    }
    for folded in &relays {
        remove_row(tx, folded)?;
    }
    let mut state = fold_report(tx, id, filing, &entries, &redactions)?;
    if let Some(relay) = &relay {
        // Reported by the alert's device; relayed, and vouched for, by the hub.
        state.author = relay.device;
    }
    let row = ProjectedRow::of(tx, id, &state)?;
    let received: Option<i64> = tx
        .prepare_cached("SELECT received_at FROM entries WHERE device = ?1 AND seq = ?2")?
        .query_row(params![filing.device.0, filing.seq], |r| r.get(0))?;
    // A report its device dated far ahead of the hub's receipt is ordered by the receipt: a
    // wrong clock must not keep it at the top of every list for years.
    if let Some(received) = received.filter(|r| dated_ahead(filing.at, *r)) {
        state.recorded_at = received;
    }
    let (response, _) = response(tx, &entries)?;
    let status = match (response.status, received) {
        (Some(step), _) => step,
        (None, Some(_)) => "received",
        (None, None) => "pending",
    };
    write_row(tx, id, &state, &row, &response, status)?;
    if removed > 0 {
        // A deleted row's words stay in the text index's older segments until they are
        // merged: merge them now, so the removed text leaves the index too.
        tx.execute(
            "INSERT INTO reports_text (reports_text) VALUES ('optimize')",
            [],
        )?;
    }
    Ok(Reprojected {
        held: true,
        removed,
    })
}

/// Drops the body of every entry held here that one of `redactions` removes. Returns how many.
fn remove_redacted(
    tx: &Transaction<'_>,
    entries: &mut [Entry],
    redactions: &[(Entry, Redaction)],
) -> Result<usize> {
    let mut removed = 0;
    for e in entries.iter_mut().filter(|e| e.body.is_some()) {
        if redactions.iter().any(|(r, body)| body.removes(r, e)) {
            tx.prepare_cached("UPDATE entries SET body = NULL WHERE device = ?1 AND seq = ?2")?
                .execute(params![e.device.0, e.seq])?;
            e.body = None;
            removed += 1;
        }
    }
    Ok(removed)
}

/// The report's state folded from its filing and every other entry about it, with the sources
/// this device can open and the one still waiting here unsealed.
fn fold_report(
    tx: &Transaction<'_>,
    id: &ReportId,
    filing: &Entry,
    entries: &[Entry],
    redactions: &[(Entry, Redaction)],
) -> Result<ReportState> {
    let others: Vec<Entry> = entries
        .iter()
        .filter(|e| e.hash() != filing.hash())
        .cloned()
        .collect();
    let entitled: HashSet<DeviceId> = redactions.iter().map(|(r, _)| r.device).collect();
    let opener = Opener::new(tx);
    let author_devices = same_person(tx, &filing.device)?;
    let state_changes_source = |e: &Entry| match e.kind {
        EntryKind::ReportRedacted => entitled.contains(&e.device),
        EntryKind::SourceSealed => e.device == filing.device || author_devices.contains(&e.device),
        _ => false,
    };
    let superseded_at = others
        .iter()
        .filter(|e| state_changes_source(e))
        .map(|e| e.at)
        .max();
    let mut state = project_with(
        filing,
        &others,
        &author_devices,
        &|e| entitled.contains(&e.device),
        &|e| opener.source(e),
    );
    // A source written here before any county key was known waits unsealed: the latest, unless
    // a redaction or the author's other device came after it.
    if let Some(waiting) = unsealed_source(tx, id, superseded_at)? {
        apply_restricted(&mut state.document, &restricted_patch(waiting));
        state.source_sealed = false;
    }
    Ok(state)
}

/// Writes the report's row, with the facts warnings read, and its words in the text index.
fn write_row(
    tx: &Transaction<'_>,
    id: &ReportId,
    state: &ReportState,
    row: &ProjectedRow,
    response: &Response,
    status: &str,
) -> Result<()> {
    let facts = row.facts.params();
    let rowid: i64 = tx
        .prepare_cached(
            "INSERT INTO reports (id, author, type, urgency, status, occurred_at, recorded_at,
                                  unit, place, amendments, document, lead, supporting,
                                  acknowledged, linked, source_sealed, warning_report,
                                  warning_day, warning_unit, warning_killed, warning_abducted,
                                  warning_head, warning_indicators)
             VALUES (?1, ?2, ?3, ?4, ?11, ?5, ?6, ?7, ?8, ?9, ?10, ?12, ?13, ?14, ?15, ?16,
                     ?17, ?18, ?19, ?20, ?21, ?22, ?23)
             ON CONFLICT (id) DO UPDATE SET
                type = excluded.type, urgency = excluded.urgency, status = excluded.status,
                occurred_at = excluded.occurred_at, recorded_at = excluded.recorded_at,
                unit = excluded.unit,
                place = excluded.place, amendments = excluded.amendments,
                document = excluded.document, lead = excluded.lead,
                supporting = excluded.supporting, acknowledged = excluded.acknowledged,
                linked = excluded.linked, source_sealed = excluded.source_sealed,
                (warning_report, warning_day, warning_unit, warning_killed, warning_abducted,
                 warning_head, warning_indicators)
                = (excluded.warning_report, excluded.warning_day, excluded.warning_unit,
                   excluded.warning_killed, excluded.warning_abducted, excluded.warning_head,
                   excluded.warning_indicators)
             RETURNING rowid",
        )?
        .query_row(
            params![
                id.to_string(),
                state.author.0,
                row.kind,
                row.urgency,
                state.occurred_at_ms(),
                state.recorded_at,
                row.unit,
                row.place,
                state.amendments,
                row.document,
                status,
                response.lead.map(Agency::as_str),
                stored_list(response.supporting.iter().map(|a| a.as_str().to_owned())),
                stored_list(
                    response
                        .acknowledged_by
                        .iter()
                        .map(|a| a.as_str().to_owned())
                ),
                stored_list(response.linked.iter().map(ToString::to_string)),
                state.source_sealed,
                facts[0],
                facts[1],
                facts[2],
                facts[3],
                facts[4],
                facts[5],
                facts[6],
            ],
            |r| r.get(0),
        )?;
    tx.prepare_cached("DELETE FROM reports_text WHERE rowid = ?1")?
        .execute([rowid])?;
    tx.prepare_cached(
        "INSERT INTO reports_text (rowid, narrative, place, other) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![rowid, row.narrative, row.place, row.other])?;
    Ok(())
}

/// Entries carried here for the hub (from another device's bundle) keep no body a redaction
/// names either: they travel on without it, which the hub accepts (the hash is unchanged).
fn scrub_carried(tx: &Transaction<'_>, redactions: &[(Entry, Redaction)]) -> Result<usize> {
    let mut removed = 0;
    for (r, body) in redactions {
        for t in &body.targets {
            let held: Option<Vec<u8>> = tx
                .prepare_cached("SELECT entry FROM carried WHERE device = ?1 AND seq = ?2")?
                .query_row(params![t.device.0, t.seq], |row| row.get(0))
                .optional()?;
            let Some(Ok((mut carried, _))) = held.map(|b| Entry::decode(&b)) else {
                continue;
            };
            if carried.body.is_some() && body.removes(r, &carried) {
                carried.body = None;
                tx.prepare_cached("UPDATE carried SET entry = ?3 WHERE device = ?1 AND seq = ?2")?
                    .execute(params![t.device.0, t.seq, carried.encode()])?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}

/// The redactions among `entries` (about one report) whose author may redact it, each with its
/// body. Without the filing, only the administrator's count.
pub(super) fn redactions_of(
    conn: &Connection,
    filing: Option<&Entry>,
    entries: &[Entry],
) -> Result<Vec<(Entry, Redaction)>> {
    let mut decided: HashMap<DeviceId, bool> = HashMap::new();
    let mut out = Vec::new();
    for e in entries {
        let Some(body) = Redaction::of(e) else {
            continue;
        };
        let allowed = match decided.get(&e.device) {
            Some(a) => *a,
            None => {
                let a = match filing {
                    Some(f) => may_redact(conn, &f.device, &e.device)?,
                    None => is_administrator(conn, &e.device)?,
                };
                decided.insert(e.device, a);
                a
            }
        };
        if allowed {
            out.push((e.clone(), body));
        }
    }
    Ok(out)
}

/// Whether `redactor` may redact a report filed by `author`: the same device or person, or
/// the county administrator.
pub(super) fn may_redact(
    conn: &Connection,
    author: &DeviceId,
    redactor: &DeviceId,
) -> Result<bool> {
    if author == redactor || is_administrator(conn, redactor)? {
        return Ok(true);
    }
    let person = |d: &DeviceId| -> Result<Option<String>> {
        Ok(conn
            .prepare_cached("SELECT person FROM devices WHERE device = ?1")?
            .query_row([d.0], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten())
    };
    Ok(matches!((person(author)?, person(redactor)?), (Some(a), Some(b)) if a == b))
}

/// Whether `device` is the county administrator's: a device with the role `admin`, or the hub.
fn is_administrator(conn: &Connection, device: &DeviceId) -> Result<bool> {
    let role: Option<String> = conn
        .prepare_cached("SELECT role FROM devices WHERE device = ?1")?
        .query_row([device.0], |r| r.get(0))
        .optional()?;
    Ok(matches!(role.as_deref(), Some(r) if r == Role::Admin.as_str() || r == "hub"))
}

/// Rebuilds every report's row (after a migration that added columns).
pub(super) fn reproject_all(tx: &Transaction<'_>) -> Result<()> {
    let ids: Vec<String> = tx
        .prepare("SELECT id FROM reports")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids.iter().filter_map(|id| ReportId::parse(id)) {
        reproject(tx, &id)?;
    }
    Ok(())
}

/// The columns of a report row, read leniently from its document so that a document written by
/// a newer version still lists.
pub(super) struct ProjectedRow {
    pub kind: String,
    pub urgency: String,
    pub unit: String,
    pub place: Option<String>,
    pub narrative: String,
    pub other: String,
    pub document: String,
    /// What the warnings read of the document.
    pub facts: Facts,
}

impl ProjectedRow {
    pub fn of(tx: &Transaction<'_>, id: &ReportId, state: &ReportState) -> Result<Self> {
        let text = |k: &str| state.field(k).map(str::to_owned);
        // A report with no unit counts under its reporter's unit, or the county.
        let unit = match text("unit") {
            Some(u) => u,
            None => tx
                .prepare_cached("SELECT unit FROM devices WHERE device = ?1")?
                .query_row([state.author.0], |r| r.get::<_, Option<String>>(0))
                .optional()?
                .flatten()
                .unwrap_or_else(|| COUNTY.to_owned()),
        };
        let doc = &state.document;
        let mut other = Vec::new();
        for path in [
            &["ob", "number"][..],
            &["ob", "station"],
            &["suspects", "direction"],
        ] {
            if let Some(v) = path
                .iter()
                .try_fold(Value::Object(doc.clone()), |v, k| v.get(*k).cloned())
                .and_then(|v| v.as_str().map(str::to_owned))
            {
                other.push(v);
            }
        }
        let document = Value::Object(doc.clone()).to_string();
        Ok(ProjectedRow {
            kind: text("type").unwrap_or_else(|| "other".into()),
            urgency: text("urgency").unwrap_or_else(|| "routine".into()),
            unit,
            place: text("place"),
            narrative: text("narrative").unwrap_or_default(),
            other: other.join(" "),
            facts: Facts::of(Incident::of_stored(*id, &document).as_ref()),
            document,
        })
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

/// Items stored as ",a,b,", so that `LIKE '%,a,%'` finds one.
fn stored_list(items: impl IntoIterator<Item = String>) -> String {
    let mut text = String::from(",");
    for item in items {
        text.push_str(&item);
        text.push(',');
    }
    text
}
