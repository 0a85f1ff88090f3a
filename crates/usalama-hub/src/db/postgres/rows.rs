//! Reading PostgreSQL rows back into records, and the integers PostgreSQL stores signed.

use postgres::Row;
use usalama_protocol::domain::Role;
use usalama_protocol::ledger::{DeviceId, Entry, Hash};

use super::{damaged, Pg};
use crate::db::{DeviceRecord, Holder};
use crate::error::{HubError, Refusal, Result};

/// A role as stored; another word is a damaged row.
pub(super) fn role(text: String) -> Result<Role> {
    Role::parse(&text).map_err(|_| damaged("role"))
}

pub(super) fn fixed<const N: usize>(v: Vec<u8>, what: &str) -> Result<[u8; N]> {
    v.try_into().map_err(|_| damaged(what))
}

/// PostgreSQL has no unsigned integers: counters and sequence numbers are stored as BIGINT.
pub(super) fn signed(v: u64, what: &str) -> Result<i64> {
    i64::try_from(v).map_err(|_| {
        HubError::refused(
            Refusal::Invalid,
            format!("{what} {v} is too large to be stored"),
        )
    })
}

pub(super) fn unsigned(v: i64, what: &str) -> Result<u64> {
    u64::try_from(v).map_err(|_| damaged(what))
}

pub(super) fn device_from(r: &Row) -> Result<DeviceRecord> {
    Ok(DeviceRecord {
        id: DeviceId(fixed(r.try_get(0).pg()?, "device id")?),
        public_key: fixed(r.try_get(1).pg()?, "device key")?,
        person: r.try_get(2).pg()?,
        name: r.try_get(3).pg()?,
        role: Holder::parse(&r.try_get::<_, String>(4).pg()?).map_err(|_| damaged("role"))?,
        unit: r.try_get(5).pg()?,
        agency: r.try_get(6).pg()?,
        cleared: r.try_get(7).pg()?,
        revoked: r.try_get(8).pg()?,
        enrolled_at: r.try_get(9).pg()?,
        counter: unsigned(r.try_get(10).pg()?, "request counter")?,
        head_seq: unsigned(r.try_get(11).pg()?, "sequence number")?,
        head_hash: Hash(fixed(r.try_get(12).pg()?, "chain head")?),
        pending: r.try_get(13).pg()?,
    })
}

pub(super) fn entry_from(r: &Row) -> Result<Entry> {
    let format: i16 = r.try_get(2).pg()?;
    let kind: i32 = r.try_get(3).pg()?;
    crate::db::sqlite::build_entry((
        r.try_get(0).pg()?,
        unsigned(r.try_get(1).pg()?, "sequence number")?,
        u8::try_from(format).map_err(|_| damaged("entry format"))?,
        u16::try_from(kind).map_err(|_| damaged("entry kind"))?,
        r.try_get(4).pg()?,
        r.try_get(5).pg()?,
        r.try_get(6).pg()?,
        r.try_get(7).pg()?,
        r.try_get(8).pg()?,
        r.try_get(9).pg()?,
    ))
}
