//! The `entries` table: appending to this device's chain, storing entries that arrived, and
//! reading them back, by report or by row.

use rusqlite::{params, Connection, Row, Transaction};
use serde_json::Value;

use super::{now_ms, Identity};
use crate::error::{Error, Result};
use crate::ledger::{DeviceId, Draft, Entry, EntryKind, Hash, ReportId};

/// The bodies of the county hub's own entries of `kind` that read as JSON, newest first: the
/// county's settings (early warning, the SMS number), of which the newest that its own parser
/// accepts holds.
pub(super) fn hub_bodies(conn: &Connection, kind: EntryKind) -> Result<Vec<Value>> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.body FROM entries e JOIN hub h ON e.device = h.device
         WHERE e.kind = ?1 AND e.body IS NOT NULL ORDER BY e.seq DESC",
    )?;
    let bodies = stmt
        .query_map([kind.code()], |r| r.get::<_, Vec<u8>>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(bodies
        .iter()
        .filter_map(|b| serde_json::from_slice::<Value>(b).ok())
        .collect())
}

/// Appends `draft` to this device's chain, right after its head. Must run in a write
/// transaction, which makes reading the head and appending one step.
pub(super) fn append(tx: &Transaction<'_>, me: &Identity, draft: Draft) -> Result<Entry> {
    let (seq, head, last_at): (u64, Option<Vec<u8>>, Option<i64>) = tx
        .prepare_cached("SELECT head_seq, head_hash, head_at FROM identity WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let prev = match head {
        Some(h) => Hash(h.try_into().map_err(|_| {
            Error::Integrity("the stored chain head is damaged; run `usalama verify`".into())
        })?),
        None => Hash::GENESIS,
    };
    // Never earlier than the previous entry, so (at, device, seq) follows the chain.
    let at = now_ms().max(last_at.map_or(i64::MIN, |a| a + 1));
    let entry = Entry::sign(draft, &me.key, seq + 1, prev, at);
    insert_entry(tx, &entry, None)?;
    tx.prepare_cached(
        "UPDATE identity SET head_seq = ?1, head_hash = ?2, head_at = ?3 WHERE id = 1",
    )?
    .execute(params![entry.seq, entry.hash().0, entry.at])?;
    Ok(entry)
}

/// Stores an entry; `received_at` is when the hub stored it, if it came from the hub.
pub(super) fn insert_entry(
    tx: &Transaction<'_>,
    e: &Entry,
    received_at: Option<i64>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO entries (device, seq, format, kind, at, prev, subject, body_hash, body,
                              signature, hash, about, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        e.device.0,
        e.seq,
        e.format,
        e.kind.code(),
        e.at,
        e.prev.0,
        e.subject.map(|s| s.to_string()),
        e.body_hash.0,
        e.body,
        e.signature,
        e.hash().0,
        e.about().map(|s| s.to_string()),
        received_at,
    ])?;
    Ok(())
}

pub(super) fn entry_from_row(r: &Row<'_>) -> rusqlite::Result<Entry> {
    let blob = |i: usize| -> rusqlite::Result<Vec<u8>> { r.get(i) };
    let fixed = |i: usize, v: Vec<u8>| -> rusqlite::Result<[u8; 32]> {
        v.try_into().map_err(|_| {
            rusqlite::Error::InvalidColumnType(i, "hash".into(), rusqlite::types::Type::Blob)
        })
    };
    let device: [u8; 16] = blob(0)?.try_into().map_err(|_| {
        rusqlite::Error::InvalidColumnType(0, "device".into(), rusqlite::types::Type::Blob)
    })?;
    let signature: Option<Vec<u8>> = r.get(9)?;
    let signature: Option<[u8; 64]> =
        signature.map(|s| s.try_into()).transpose().map_err(|_| {
            rusqlite::Error::InvalidColumnType(9, "signature".into(), rusqlite::types::Type::Blob)
        })?;
    let subject: Option<String> = r.get(6)?;
    Ok(Entry {
        device: DeviceId(device),
        seq: r.get(1)?,
        format: r.get(2)?,
        kind: EntryKind::from_code(r.get(3)?),
        at: r.get(4)?,
        prev: Hash(fixed(5, blob(5)?)?),
        subject: subject.as_deref().and_then(ReportId::parse),
        body_hash: Hash(fixed(7, blob(7)?)?),
        // Read leniently: a body altered to text must show up in `verify`, not crash it.
        body: match r.get_ref(8)? {
            rusqlite::types::ValueRef::Blob(b) | rusqlite::types::ValueRef::Text(b) => {
                Some(b.to_vec())
            }
            _ => None,
        },
        signature,
    })
}

pub(super) const ENTRY_COLUMNS: &str =
    "device, seq, format, kind, at, prev, subject, body_hash, body, signature";

pub(super) fn entries_about(conn: &Connection, id: &ReportId) -> Result<Vec<Entry>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS} FROM entries WHERE about = ?1"
    ))?;
    let entries = stmt
        .query_map([id.to_string()], entry_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(entries)
}

/// The other devices of the person using `device` (a replacement laptop), as the hub's chain
/// announced them.
pub(super) fn same_person(conn: &Connection, device: &DeviceId) -> Result<Vec<DeviceId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.device FROM devices d JOIN devices me ON me.person = d.person
         WHERE me.device = ?1 AND d.device != ?1 AND d.person IS NOT NULL",
    )?;
    let ids = stmt
        .query_map([device.0], |r| r.get::<_, Vec<u8>>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ids
        .into_iter()
        .filter_map(|id| <[u8; 16]>::try_from(id).ok().map(DeviceId))
        .collect())
}

pub(super) fn device_id(bytes: &[u8]) -> Result<DeviceId> {
    let id: [u8; 16] = bytes
        .try_into()
        .map_err(|_| Error::Integrity("a stored device id is damaged".into()))?;
    Ok(DeviceId(id))
}
