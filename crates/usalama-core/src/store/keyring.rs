//! The county keys as this device knows them: read from the key entries of approved readers,
//! with the secrets sealed to this device opened, and who is an approved reader (see
//! [`crate::county`]).

use std::collections::{BTreeMap, BTreeSet};

use ed25519_dalek::{SigningKey, VerifyingKey};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::entries::{entry_from_row, ENTRY_COLUMNS};
use crate::county::{self, KeyEntry, KnownKey, Reader};
use crate::error::{Error, Result};
use crate::ledger::{DeviceId, Entry, EntryKind, ReportId};
use crate::seal::{BoxPublic, BoxSecret, KeyId};

/// This device's own sealing secret.
pub(super) fn own_secret(conn: &Connection) -> Result<BoxSecret> {
    let secret: Vec<u8> =
        conn.query_row("SELECT secret_key FROM identity WHERE id = 1", [], |r| {
            r.get(0)
        })?;
    let secret: [u8; 32] = secret
        .try_into()
        .map_err(|_| Error::Unsupported("the device key in the store is damaged".into()))?;
    Ok(BoxSecret::of_device(&SigningKey::from_bytes(&secret)))
}

/// A county key's secret, if this device holds it.
pub(super) fn county_secret(conn: &Connection, id: &KeyId) -> Option<BoxSecret> {
    let secret: Option<Vec<u8>> = conn
        .prepare_cached("SELECT secret FROM county_keys WHERE id = ?1")
        .ok()?
        .query_row([&id[..]], |r| r.get(0))
        .optional()
        .ok()??;
    Some(BoxSecret::from_bytes(secret?.try_into().ok()?))
}

/// A device's sealing key, from the public key the hub announced.
/// (`None` for a key that is not one, or could seal nothing.)
pub(super) fn device_box(public_key: &[u8]) -> Option<BoxPublic> {
    let key: [u8; 32] = public_key.try_into().ok()?;
    VerifyingKey::from_bytes(&key)
        .ok()
        .map(|k| BoxPublic::of_device(&k))
        .filter(|k| !k.is_weak())
}

/// Reads every county key entry by a cleared device into `county_keys` and
/// `county_key_holders`, opening the ones sealed to this device. Returns whether this device
/// now holds a key it did not before (so sealed sources may open now).
pub(super) fn learn_keys(tx: &Transaction<'_>) -> Result<bool> {
    let own = own_secret(tx)?;
    // Keys count only from approved readers: a device the hub alone cleared issues nothing
    // anyone seals to, and is given nothing.
    let approved = approved(tx)?;
    let entries: Vec<Entry> = tx
        .prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM entries e WHERE e.kind = ?1"
        ))?
        .query_map([EntryKind::CountyKey.code()], entry_from_row)?
        .collect::<rusqlite::Result<Vec<Entry>>>()?
        .into_iter()
        .filter(|e| approved.contains_key(&e.device))
        .collect();
    let mut learned = false;
    for e in entries {
        let Some(key) = e.body.as_deref().and_then(|b| KeyEntry::parse(b).ok()) else {
            continue;
        };
        let public = key.public;
        tx.prepare_cached("INSERT OR IGNORE INTO county_keys (id, public) VALUES (?1, ?2)")?
            .execute(params![&public.id()[..], &public.0[..]])?;
        // Its author showed it holds the key (it issued or shared it): an acknowledged holder.
        // The recipients the box names are only what the author claims.
        let author: Option<Vec<u8>> = tx
            .prepare_cached("SELECT public_key FROM devices WHERE device = ?1")?
            .query_row([e.device.0], |r| r.get(0))
            .optional()?;
        if let Some(author) = author.as_deref().and_then(device_box) {
            tx.prepare_cached(
                "INSERT INTO county_key_holders (public, holder, acknowledged) VALUES (?1, ?2, 1)
                 ON CONFLICT (public, holder) DO UPDATE SET acknowledged = 1",
            )?
            .execute(params![&public.0[..], &author.id()[..]])?;
        }
        if key.issued {
            // A key is issued once; should two entries claim it, the first in fold order counts.
            tx.prepare_cached(
                "UPDATE county_keys SET issued_at = ?2, issued_by = ?3, issued_seq = ?4
                 WHERE public = ?1 AND (issued_at IS NULL OR (issued_at, issued_by, issued_seq)
                                                              > (?2, ?3, ?4))",
            )?
            .execute(params![&public.0[..], e.at, e.device.0, e.seq])?;
        }
        for holder in key.holders() {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO county_key_holders (public, holder) VALUES (?1, ?2)",
            )?
            .execute(params![&public.0[..], &holder[..]])?;
        }
        let held: bool = tx
            .prepare_cached("SELECT secret IS NOT NULL FROM county_keys WHERE public = ?1")?
            .query_row([&public.0[..]], |r| r.get(0))?;
        if !held {
            if let Ok(Some(secret)) = key.open(&own) {
                tx.prepare_cached("UPDATE county_keys SET secret = ?2 WHERE public = ?1")?
                    .execute(params![&public.0[..], &secret.as_bytes()[..]])?;
                learned = true;
            }
        }
    }
    Ok(learned)
}

/// Every report with a sealed source: to project again when a key arrives.
pub(super) fn reports_with_sealed_sources(conn: &Connection) -> Result<Vec<ReportId>> {
    let mut stmt = conn.prepare_cached("SELECT DISTINCT about FROM entries WHERE kind = ?1")?;
    let ids = stmt
        .query_map([EntryKind::SourceSealed.code()], |r| {
            r.get::<_, Option<String>>(0)
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ids
        .iter()
        .flatten()
        .filter_map(|a| ReportId::parse(a))
        .collect())
}

/// The county keys as this device knows them.
pub(super) fn known_keys(conn: &Connection) -> Result<Vec<KnownKey>> {
    let mut holders: BTreeMap<Vec<u8>, BTreeSet<KeyId>> = BTreeMap::new();
    let mut acknowledged: BTreeMap<Vec<u8>, BTreeSet<KeyId>> = BTreeMap::new();
    let mut stmt =
        conn.prepare_cached("SELECT public, holder, acknowledged FROM county_key_holders")?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, bool>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (public, holder, shown) in rows {
        if let Ok(id) = KeyId::try_from(holder) {
            if shown {
                acknowledged.entry(public.clone()).or_default().insert(id);
            }
            holders.entry(public).or_default().insert(id);
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT public, issued_at, issued_by, issued_seq, secret FROM county_keys",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, Option<Vec<u8>>>(2)?,
                r.get::<_, Option<u64>>(3)?,
                r.get::<_, Option<Vec<u8>>>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // A key counts as issued (and may become current) only from an approved reader.
    let approved = approved(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(public, at, by, seq, secret)| {
            let key = BoxPublic(public.clone().try_into().ok()?);
            let issued = match (at, by.and_then(|b| <[u8; 16]>::try_from(b).ok()), seq) {
                (Some(at), Some(by), Some(seq)) if approved.contains_key(&DeviceId(by)) => {
                    Some((at, DeviceId(by), seq))
                }
                _ => None,
            };
            Some(KnownKey {
                public: key,
                issued,
                holders: holders.remove(&public).unwrap_or_default(),
                acknowledged: acknowledged.remove(&public).unwrap_or_default(),
                secret: secret
                    .and_then(|s| <[u8; 32]>::try_from(s).ok())
                    .map(BoxSecret::from_bytes),
            })
        })
        .collect())
}

/// The county's founder: the issuer of its first county key, in fold order, among devices
/// whose clearance the county requested; pinned here the first time it is known, so that a
/// key dated earlier later on never changes it.
pub(super) fn founder(conn: &Connection) -> Result<Option<DeviceId>> {
    let pinned: Option<Vec<u8>> = conn
        .query_row("SELECT founder FROM clearance WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()?;
    if let Some(id) = pinned.and_then(|p| <[u8; 16]>::try_from(p).ok()) {
        return Ok(Some(DeviceId(id)));
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS} FROM entries e WHERE e.kind = ?1
           AND EXISTS (SELECT 1 FROM devices d WHERE d.device = e.device AND d.cleared = 1)
         ORDER BY e.at, e.device, e.seq"
    ))?;
    let entries = stmt
        .query_map([EntryKind::CountyKey.code()], entry_from_row)?
        .collect::<rusqlite::Result<Vec<Entry>>>()?;
    let first = entries.iter().find(|e| {
        e.body
            .as_deref()
            .and_then(|b| KeyEntry::parse(b).ok())
            .is_some_and(|k| k.issued)
    });
    let Some(first) = first else {
        return Ok(None);
    };
    conn.execute(
        "INSERT OR IGNORE INTO clearance (id, founder) VALUES (1, ?1)",
        [first.device.0],
    )?;
    Ok(Some(first.device))
}

/// Every clearance approval recorded, by its author.
fn grants(conn: &Connection) -> Result<Vec<(DeviceId, county::Grant)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS} FROM entries e WHERE e.kind = ?1"
    ))?;
    let entries = stmt
        .query_map([EntryKind::ClearanceGranted.code()], entry_from_row)?
        .collect::<rusqlite::Result<Vec<Entry>>>()?;
    Ok(entries
        .into_iter()
        .filter_map(|e| {
            let grant = county::Grant::parse(e.body.as_deref()?).ok()?;
            Some((e.device, grant))
        })
        .collect())
}

/// A device whose clearance the county requested, as this device knows it.
pub(super) struct Requested {
    pub device: DeviceId,
    pub public_key: Vec<u8>,
    pub revoked: bool,
}

pub(super) fn requested(conn: &Connection) -> Result<Vec<Requested>> {
    let mut stmt = conn.prepare_cached(
        "SELECT device, public_key, revoked FROM devices WHERE cleared = 1 ORDER BY device",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, bool>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(device, public_key, revoked)| {
            Some(Requested {
                device: DeviceId(device.try_into().ok()?),
                public_key,
                revoked,
            })
        })
        .collect())
}

/// The approved readers (see [`county::approved`]) and whether each gets earlier keys.
pub(super) fn approved(conn: &Connection) -> Result<BTreeMap<DeviceId, bool>> {
    let requested: BTreeSet<DeviceId> = requested(conn)?.iter().map(|r| r.device).collect();
    // A grant approves the key it names: one the hub announced under another key is void.
    let keys: BTreeMap<DeviceId, Vec<u8>> = requested_keys(conn)?;
    let grants: Vec<_> = grants(conn)?
        .into_iter()
        .filter(|(_, g)| keys.get(&g.device).is_some_and(|k| k[..] == g.public_key))
        .collect();
    Ok(county::approved(founder(conn)?, &grants, &requested))
}

fn requested_keys(conn: &Connection) -> Result<BTreeMap<DeviceId, Vec<u8>>> {
    Ok(requested(conn)?
        .into_iter()
        .map(|r| (r.device, r.public_key))
        .collect())
}

/// The approved readers' devices, by their sealing keys.
pub(super) fn cleared_readers(conn: &Connection) -> Result<Vec<Reader>> {
    let approved = approved(conn)?;
    Ok(requested(conn)?
        .into_iter()
        .filter_map(|r| {
            let earlier = *approved.get(&r.device)?;
            Some(Reader {
                key: device_box(&r.public_key)?,
                revoked: r.revoked,
                earlier,
            })
        })
        .collect())
}

/// Whether this device is an approved reader.
pub(super) fn is_approved(conn: &Connection, me: &DeviceId) -> Result<bool> {
    Ok(approved(conn)?.contains_key(me))
}
