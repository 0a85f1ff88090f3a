//! Flash alerts the county hub relayed by SMS (`sms_relayed`), and the full reports they fold
//! into.
//!
//! A relay is a report of its own (the hub's word for what the alert said, shown as "vouched
//! for by the county hub") until this store holds its device's `sms_alert` entry with the same
//! alert number and the report that entry is about. From then on the relay has no row of its
//! own: it and every step taken on it (an acknowledgement made while only the alert was known)
//! are folded into that report, so each list, figure and summary counts the incident once,
//! whichever of the two arrived first.

use rusqlite::{params, Connection, OptionalExtension};
use time::OffsetDateTime;

use super::entries::{entries_about, entry_from_row, ENTRY_COLUMNS};
use crate::error::Result;
use crate::ledger::{DeviceId, Entry, EntryKind, ReportId};
use usalama_protocol::sms::{AlertEntry, Relay};

/// What a relay names: the alert's device and number. `None` for an entry that is not the
/// county hub's relay, or whose body is gone or unreadable.
pub(super) fn relay_of(conn: &Connection, filing: &Entry) -> Result<Option<Relay>> {
    if filing.kind != EntryKind::SmsRelayed || !is_hub(conn, &filing.device)? {
        return Ok(None);
    }
    let at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(filing.at) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    Ok(filing
        .body_json()
        .and_then(|body| Relay::parse(&body, at).ok()))
}

/// The full report a relay folds into: the report its device's `sms_alert` with the relay's
/// number is about, once this store holds that report's filing.
pub(super) fn full_report(conn: &Connection, relay: &Relay) -> Result<Option<ReportId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT subject, body FROM entries
         WHERE device = ?1 AND kind = ?2 AND body IS NOT NULL AND subject IS NOT NULL",
    )?;
    let alerts = stmt
        .query_map(params![relay.device.0, EntryKind::SmsAlert.code()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (subject, body) in alerts {
        let Some(id) = ReportId::parse(&subject) else {
            continue;
        };
        let counter = serde_json::from_slice(&body)
            .ok()
            .and_then(|b| AlertEntry::parse(&b).ok())
            .map(|a| a.counter);
        if counter == Some(relay.counter) && holds_filing(conn, &id)? {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// The relays that fold into report `id`, given every entry about it: for each `sms_alert`
/// among them by the report's author, the county hub's relay of that alert, if held.
fn relays_into(
    conn: &Connection,
    filing: &Entry,
    entries: &[Entry],
    author_devices: impl Fn(&DeviceId) -> Result<Vec<DeviceId>>,
) -> Result<Vec<ReportId>> {
    // Most reports were never alerted: they cost no query here.
    if !entries.iter().any(|e| e.kind == EntryKind::SmsAlert) {
        return Ok(Vec::new());
    }
    let author_devices = author_devices(&filing.device)?;
    let alerts: Vec<(DeviceId, u32)> = entries
        .iter()
        .filter(|e| e.kind == EntryKind::SmsAlert)
        .filter(|e| e.device == filing.device || author_devices.contains(&e.device))
        .filter_map(|e| {
            let alert = AlertEntry::parse(&e.body_json()?).ok()?;
            Some((e.device, alert.counter))
        })
        .collect();
    if alerts.is_empty() {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS} FROM entries e WHERE kind = ?1 AND body IS NOT NULL
         AND device = (SELECT device FROM hub WHERE id = 1)"
    ))?;
    let relays = stmt
        .query_map([EntryKind::SmsRelayed.code()], entry_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::new();
    for entry in relays {
        if let Some(relay) = relay_of(conn, &entry)? {
            if alerts.contains(&(relay.device, relay.counter)) {
                out.push(entry.report_id());
            }
        }
    }
    Ok(out)
}

/// Every entry about report `id` and about the relays folded into it (their filings
/// included, so that the timeline shows when the alert arrived by SMS), and those relays.
pub(super) fn entries_with_relays(
    conn: &Connection,
    id: &ReportId,
    author_devices: impl Fn(&DeviceId) -> Result<Vec<DeviceId>>,
) -> Result<(Vec<Entry>, Vec<ReportId>)> {
    let mut entries = entries_about(conn, id)?;
    let Some(filing) = entries
        .iter()
        .find(|e| e.kind == EntryKind::ReportFiled && e.report_id() == *id)
        .cloned()
    else {
        return Ok((entries, Vec::new()));
    };
    let relays = relays_into(conn, &filing, &entries, author_devices)?;
    for relay in &relays {
        entries.extend(entries_about(conn, relay)?);
    }
    Ok((entries, relays))
}

/// Whether a relay folded among `entries` is not the alert its device recorded: the hub
/// relayed another text under that alert's number (a fault, or a forgery, to tell the county).
pub(super) fn relay_differs(conn: &Connection, entries: &[Entry]) -> Result<bool> {
    for filing in entries.iter().filter(|e| e.kind == EntryKind::SmsRelayed) {
        let Some(relay) = relay_of(conn, filing)? else {
            continue;
        };
        let made = entries
            .iter()
            .filter(|e| e.kind == EntryKind::SmsAlert && e.device == relay.device)
            .filter_map(|e| AlertEntry::parse(&e.body_json()?).ok())
            .find(|a| a.counter == relay.counter);
        if made.is_some_and(|made| !relay.matches(&made)) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Drops a relay's own row (and its words in the text index): it is folded into a report.
pub(super) fn remove_row(conn: &Connection, id: &ReportId) -> Result<()> {
    let rowid: Option<i64> = conn
        .prepare_cached("DELETE FROM reports WHERE id = ?1 RETURNING rowid")?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?;
    if let Some(rowid) = rowid {
        conn.prepare_cached("DELETE FROM reports_text WHERE rowid = ?1")?
            .execute([rowid])?;
    }
    Ok(())
}

/// The report a relay `id` was folded into, for a reader who follows the relay's id.
pub(super) fn folded_into(conn: &Connection, id: &ReportId) -> Result<Option<ReportId>> {
    let filing = conn
        .prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM entries WHERE about = ?1 AND kind = ?2"
        ))?
        .query_row(
            params![id.to_string(), EntryKind::SmsRelayed.code()],
            entry_from_row,
        )
        .optional()?;
    let Some(filing) = filing.filter(|f| f.report_id() == *id) else {
        return Ok(None);
    };
    match relay_of(conn, &filing)? {
        Some(relay) => full_report(conn, &relay),
        None => Ok(None),
    }
}

fn is_hub(conn: &Connection, device: &DeviceId) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM hub WHERE id = 1 AND device = ?1")?
        .query_row([device.0], |_| Ok(()))
        .optional()?
        .is_some())
}

fn holds_filing(conn: &Connection, id: &ReportId) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM entries WHERE about = ?1 AND kind = ?2 LIMIT 1")?
        .query_row(
            params![id.to_string(), EntryKind::ReportFiled.code()],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}
