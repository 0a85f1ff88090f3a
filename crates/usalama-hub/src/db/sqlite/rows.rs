//! Reading SQLite rows back into records: fixed-size keys and hashes, roles and holders as
//! stored, and entries (shared with the PostgreSQL backend, which reads the same columns).

use rusqlite::Row;
use usalama_protocol::domain::Role;
use usalama_protocol::ledger::{DeviceId, Entry, EntryKind, Hash, ReportId, FORMAT};

use crate::db::{DeviceRecord, Holder};
use crate::error::{HubError, Result};

pub(super) fn fixed<const N: usize>(v: Vec<u8>, what: &str) -> Result<[u8; N]> {
    v.try_into()
        .map_err(|_| HubError::Database(format!("a stored {what} is damaged")))
}

/// A role as stored; another word is a damaged row.
pub(super) fn role(r: &Row<'_>, column: usize) -> rusqlite::Result<Role> {
    stored(r, column, Role::parse)
}

/// A device's holder as stored.
pub(super) fn holder(r: &Row<'_>, column: usize) -> rusqlite::Result<Holder> {
    stored(r, column, Holder::parse)
}

pub(super) fn stored<T>(
    r: &Row<'_>,
    column: usize,
    parse: fn(&str) -> std::result::Result<T, String>,
) -> rusqlite::Result<T> {
    let text: String = r.get(column)?;
    parse(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, e.into())
    })
}

pub(super) fn device_row(r: &Row<'_>) -> rusqlite::Result<(Vec<u8>, Vec<u8>, DeviceRecord)> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        DeviceRecord {
            id: DeviceId([0; 16]),
            public_key: [0; 32],
            person: r.get(2)?,
            name: r.get(3)?,
            role: holder(r, 4)?,
            unit: r.get(5)?,
            agency: r.get(6)?,
            cleared: r.get(7)?,
            revoked: r.get(8)?,
            enrolled_at: r.get(9)?,
            counter: r.get(10)?,
            head_seq: r.get(11)?,
            head_hash: Hash([0; 32]),
            pending: r.get(13)?,
        },
    ))
}

pub(super) const DEVICE_COLUMNS: &str =
    "id, public_key, person, name, role, unit, agency, cleared, revoked,
                              enrolled_at, counter, head_seq, head_hash, pending";

pub(super) fn finish_device(
    row: (Vec<u8>, Vec<u8>, DeviceRecord),
    head: Vec<u8>,
) -> Result<DeviceRecord> {
    let (id, key, mut d) = row;
    d.id = DeviceId(fixed(id, "device id")?);
    d.public_key = fixed(key, "device key")?;
    d.head_hash = Hash(fixed(head, "chain head")?);
    Ok(d)
}

pub(super) const ENTRY_COLUMNS: &str =
    "e.device, e.seq, e.format, e.kind, e.at, e.prev, e.subject, e.body_hash, e.body, e.signature";

pub(super) fn entry_row(r: &Row<'_>) -> rusqlite::Result<EntryRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
    ))
}

pub(in crate::db) type EntryRow = (
    Vec<u8>,
    u64,
    u8,
    u16,
    i64,
    Vec<u8>,
    Option<String>,
    Vec<u8>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
);

pub(in crate::db) fn build_entry(row: EntryRow) -> Result<Entry> {
    let (device, seq, format, kind, at, prev, subject, body_hash, body, signature) = row;
    Ok(Entry {
        format: if format == 0 { FORMAT } else { format },
        kind: EntryKind::from_code(kind),
        device: DeviceId(fixed(device, "device id")?),
        seq,
        prev: Hash(fixed(prev, "hash")?),
        at,
        subject: subject.as_deref().and_then(ReportId::parse),
        body_hash: Hash(fixed(body_hash, "hash")?),
        body,
        signature: signature.map(|s| fixed(s, "signature")).transpose()?,
    })
}
