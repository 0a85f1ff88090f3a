//! The county key on a device: the keys it knows and holds, sources sealed or waiting to be,
//! and, on a cleared device, issuing, sharing and rotating keys (see [`crate::county`]).
//!
//! Tables (migration 6): `county_keys` (every county key seen, its secret when this device is a
//! holder), `county_key_holders` (which device keys each was sealed to) and `unsealed_sources`
//! (a source written before this device knew any county key: it stays here, in the encrypted
//! store only, and is sealed and sent as soon as a key arrives).

use std::collections::{BTreeMap, BTreeSet};

use ed25519_dalek::{SigningKey, VerifyingKey};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;
use serde_json::{Map, Value};

use super::entries::{append, entry_from_row, ENTRY_COLUMNS};
use super::projection::reproject;
use super::{format_ms, Identity, Store};
use crate::county::{self, KeyEntry, KnownKey, Reader, Step};
use crate::domain::report::{gives, restricted_patch};
use crate::error::{Error, Result};
use crate::ledger::{DeviceId, Draft, Entry, EntryKind, ReportId};
use crate::seal::{BoxPublic, BoxSecret, KeyId};

/// What this device knows of the county keys, for `usalama county-key list`.
#[derive(Debug, Clone, Serialize)]
pub struct CountyKeys {
    /// This user is cleared to read restricted sections.
    pub cleared: bool,
    /// The id (16 hex digits) of the key new sources are sealed to, if any.
    pub current: Option<String>,
    pub keys: Vec<CountyKeyView>,
    /// Sources recorded here before this device knew a county key: they stay on this device
    /// until one arrives.
    pub waiting_to_seal: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountyKeyView {
    pub id: String,
    pub issued_at: Option<String>,
    pub issued_by: Option<String>,
    /// This device holds its secret.
    pub held: bool,
    /// The devices it was sealed to.
    pub holders: Vec<Holder>,
}

/// A device that holds a county key.
#[derive(Debug, Clone, Serialize)]
pub struct Holder {
    /// Its user's name ("unknown device" for one the hub has not announced here).
    pub name: String,
    pub revoked: bool,
}

/// This device's own sealing secret.
fn own_secret(conn: &Connection) -> Result<BoxSecret> {
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
fn county_secret(conn: &Connection, id: &KeyId) -> Option<BoxSecret> {
    let secret: Option<Vec<u8>> = conn
        .prepare_cached("SELECT secret FROM county_keys WHERE id = ?1")
        .ok()?
        .query_row([&id[..]], |r| r.get(0))
        .optional()
        .ok()??;
    Some(BoxSecret::from_bytes(secret?.try_into().ok()?))
}

/// Opens sealed sources with whatever keys this device holds. Cheap to make: the device's own
/// key is derived only when a sealed source is first opened.
pub(super) struct Opener<'c> {
    conn: &'c Connection,
    own: std::cell::OnceCell<Option<(BoxSecret, KeyId)>>,
}

impl<'c> Opener<'c> {
    pub(super) fn new(conn: &'c Connection) -> Opener<'c> {
        Opener {
            conn,
            own: std::cell::OnceCell::new(),
        }
    }

    fn secret_for(&self, id: &KeyId) -> Option<BoxSecret> {
        let own = self.own.get_or_init(|| {
            own_secret(self.conn).ok().map(|s| {
                let id = s.public().id();
                (s, id)
            })
        });
        match own {
            Some((secret, own_id)) if own_id == id => Some(secret.clone()),
            _ => county_secret(self.conn, id),
        }
    }

    /// The source a [`EntryKind::SourceSealed`] entry carries, if this device can read it
    /// (an object, or `null` for "no source any more").
    pub(super) fn source(&self, e: &Entry) -> Option<Value> {
        let (EntryKind::SourceSealed, Some(report), Some(body)) = (e.kind, e.subject, &e.body)
        else {
            return None;
        };
        county::open_source(&report, body, |id| self.secret_for(id))
            .ok()
            .flatten()
    }
}

/// The newest source written here before any county key was known, if one waits for `report`.
/// Waiting sources older than `superseded_at` (a redaction, or a source sealed by another
/// device of the author, that came later) are dropped first: they must never come back.
pub(super) fn unsealed_source(
    tx: &Transaction<'_>,
    report: &ReportId,
    superseded_at: Option<i64>,
) -> Result<Option<Value>> {
    if let Some(at) = superseded_at {
        tx.prepare_cached("DELETE FROM unsealed_sources WHERE report = ?1 AND at < ?2")?
            .execute(params![report.to_string(), at])?;
    }
    let text: Option<String> = tx
        .prepare_cached(
            "SELECT source FROM unsealed_sources WHERE report = ?1 ORDER BY n DESC LIMIT 1",
        )?
        .query_row([report.to_string()], |r| r.get(0))
        .optional()?;
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
}

/// A device's sealing key, from the public key the hub announced.
/// (`None` for a key that is not one, or could seal nothing.)
fn device_box(public_key: &[u8]) -> Option<BoxPublic> {
    let key: [u8; 32] = public_key.try_into().ok()?;
    VerifyingKey::from_bytes(&key)
        .ok()
        .map(|k| BoxPublic::of_device(&k))
        .filter(|k| !k.is_weak())
}

/// Whom a source by `author` is sealed to now: the current county key and the author's own
/// devices (so the author reads it back on a replacement laptop). `None` while this device
/// knows no county key.
fn recipients(conn: &Connection, author: &DeviceId) -> Result<Option<Vec<BoxPublic>>> {
    let keys = known_keys(conn)?;
    let readers = cleared_readers(conn)?;
    let Some(current) = county::current(&keys, &county::revoked(&readers)) else {
        return Ok(None);
    };
    // The county key and this device first: a cap on recipients never drops them.
    let mut to = vec![current.public, own_secret(conn)?.public()];
    let mut stmt = conn.prepare_cached(
        "SELECT d.public_key FROM devices d
         WHERE d.revoked = 0 AND d.device != ?1 AND d.person IS NOT NULL
           AND d.person = (SELECT person FROM devices WHERE device = ?1)",
    )?;
    let others = stmt
        .query_map([author.0], |r| r.get::<_, Vec<u8>>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for key in others.iter().filter_map(|k| device_box(k)) {
        if !to.contains(&key) {
            to.push(key);
        }
    }
    to.truncate(crate::seal::MAX_RECIPIENTS);
    Ok(Some(to))
}

/// Records a change to `report`'s restricted sections (a restricted patch, see
/// [`crate::domain::report::take_restricted`]: the source, the suspects' names and group; `null`
/// removes): sealed into an entry now if a county key is known, else kept here until one is.
pub(super) fn record_source(
    tx: &Transaction<'_>,
    me: &Identity,
    report: &ReportId,
    patch: Map<String, Value>,
) -> Result<()> {
    // What still waits unsealed goes with it, under it: only the latest of each part is sent.
    let waiting = unsealed_source(tx, report, None)?;
    let dropped = tx
        .prepare_cached("DELETE FROM unsealed_sources WHERE report = ?1")?
        .execute([report.to_string()])?;
    let mut merged = waiting.map(restricted_patch).unwrap_or_default();
    for (part, value) in patch {
        match (part.as_str(), value, merged.get_mut(&part)) {
            ("suspects", Value::Object(new), Some(Value::Object(old))) => old.extend(new),
            (_, value, _) => {
                merged.insert(part, value);
            }
        }
    }
    let source = Value::Object(merged);
    let removes_only = source.get("source").is_none_or(Value::is_null)
        && source
            .get("suspects")
            .and_then(Value::as_object)
            .is_none_or(|p| p.values().all(|v| !gives(v)));
    match recipients(tx, &me.device)? {
        Some(to) => {
            let draft = Draft {
                kind: EntryKind::SourceSealed,
                subject: Some(*report),
                body: county::seal_source(report, &source, &to)?,
            };
            append(tx, me, draft)?;
        }
        // Removing what never left this device leaves nothing to send.
        None if removes_only && dropped > 0 && !ever_sealed(tx, report)? => {}
        None => {
            tx.prepare_cached(
                "INSERT INTO unsealed_sources (report, at, source) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![
                report.to_string(),
                super::now_ms(),
                source.to_string()
            ])?;
        }
    }
    Ok(())
}

/// Whether a source of `report` was ever sealed into an entry (so a removal must travel too).
fn ever_sealed(conn: &Connection, report: &ReportId) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM entries WHERE kind = ?1 AND about = ?2)")?
        .query_row(
            params![EntryKind::SourceSealed.code(), report.to_string()],
            |r| r.get(0),
        )?)
}

/// Seals every source that waited for a county key, in the order they were written, once one
/// is known. Returns the reports whose sources were sealed.
pub(super) fn seal_waiting(tx: &Transaction<'_>, me: &Identity) -> Result<Vec<ReportId>> {
    let waiting: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM unsealed_sources)")?
        .query_row([], |r| r.get(0))?;
    if !waiting {
        return Ok(Vec::new());
    }
    let Some(to) = recipients(tx, &me.device)? else {
        return Ok(Vec::new());
    };
    let waiting: Vec<(i64, String, String)> = tx
        .prepare_cached("SELECT n, report, source FROM unsealed_sources ORDER BY n")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut sealed = Vec::new();
    for (n, report, source) in waiting {
        tx.prepare_cached("DELETE FROM unsealed_sources WHERE n = ?1")?
            .execute([n])?;
        let (Some(id), Ok(source)) = (
            ReportId::parse(&report),
            serde_json::from_str::<Value>(&source),
        ) else {
            continue;
        };
        let draft = Draft {
            kind: EntryKind::SourceSealed,
            subject: Some(id),
            body: county::seal_source(&id, &source, &to)?,
        };
        append(tx, me, draft)?;
        sealed.push(id);
    }
    Ok(sealed)
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
fn known_keys(conn: &Connection) -> Result<Vec<KnownKey>> {
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
fn founder(conn: &Connection) -> Result<Option<DeviceId>> {
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
struct Requested {
    device: DeviceId,
    public_key: Vec<u8>,
    revoked: bool,
}

fn requested(conn: &Connection) -> Result<Vec<Requested>> {
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
fn approved(conn: &Connection) -> Result<BTreeMap<DeviceId, bool>> {
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
fn cleared_readers(conn: &Connection) -> Result<Vec<Reader>> {
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
fn is_approved(conn: &Connection, me: &DeviceId) -> Result<bool> {
    Ok(approved(conn)?.contains_key(me))
}

impl Store {
    /// On a cleared, enrolled device: issues a county key if there is none, a new one if a
    /// revoked device holds the current one, and shares every key it holds with the cleared
    /// readers who lack it; then seals the sources that waited for a key. Returns how many
    /// entries it recorded (they go to the hub at the next exchange). Does nothing elsewhere.
    pub fn tend_county_keys(&mut self) -> Result<usize> {
        if !self.is_cleared()? || self.hub_link()?.is_none() {
            return Ok(0);
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Who showed they hold which key, from every key entry (a store from before
        // acknowledgements learns them here).
        let mut learned = learn_keys(&tx)?;
        let keys = known_keys(&tx)?;
        let mut readers = cleared_readers(&tx)?;
        let founding = founder(&tx)?.is_none();
        if founding {
            // No county key yet: this device founds the county's clearance, alone; it approves
            // the other readers after comparing their fingerprints.
            readers = vec![Reader {
                key: own_secret(&tx)?.public(),
                revoked: false,
                earlier: true,
            }];
        }
        let plan = if founding || is_approved(&tx, &self.me.device)? {
            county::plan(&keys, &readers)
        } else {
            Vec::new()
        };
        let mut written = 0;
        for step in plan {
            let body = match step {
                Step::Issue { to } => KeyEntry::issue(&BoxSecret::generate(), &to)?,
                Step::Share { key, to } => {
                    let Some(secret) = keys
                        .iter()
                        .find(|k| k.public == key)
                        .and_then(|k| k.secret.clone())
                    else {
                        continue;
                    };
                    KeyEntry::share(&secret, &to)?
                }
            };
            let draft = Draft {
                kind: EntryKind::CountyKey,
                subject: None,
                body,
            };
            append(&tx, &self.me, draft)?;
            written += 1;
        }
        if written > 0 {
            learned |= learn_keys(&tx)?;
        }
        let mut touched = Vec::new();
        if learned {
            touched = reports_with_sealed_sources(&tx)?;
        }
        let sealed = seal_waiting(&tx, &self.me)?;
        written += sealed.len();
        touched.extend(sealed);
        touched.sort();
        touched.dedup();
        for id in &touched {
            reproject(&tx, id)?;
        }
        tx.commit()?;
        Ok(written)
    }

    /// How many sources recorded here wait for a county key (kept here, sealed and sent once
    /// one arrives).
    pub fn sources_waiting_to_seal(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM unsealed_sources", [], |r| r.get(0))?)
    }

    /// The county keys this device knows, and the sources waiting for one.
    pub fn county_keys(&self) -> Result<CountyKeys> {
        let cleared = self.is_cleared()?;
        let keys = known_keys(&self.conn)?;
        let readers = cleared_readers(&self.conn)?;
        let current =
            county::current(&keys, &county::revoked(&readers)).map(|k| hex::encode(k.public.id()));
        let mut names: BTreeMap<KeyId, Holder> = BTreeMap::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT public_key, name, revoked FROM devices")?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (key, name, revoked) in rows {
            if let Some(k) = device_box(&key) {
                names.insert(k.id(), Holder { name, revoked });
            }
        }
        let mut keys = keys;
        keys.sort_by_key(|k| k.issued);
        let views = keys
            .iter()
            .map(|k| {
                let issued_by = match k.issued {
                    Some((_, by, _)) => Some(self.author(&by)?.name),
                    None => None,
                };
                Ok(CountyKeyView {
                    id: hex::encode(k.public.id()),
                    issued_at: k.issued.map(|(at, _, _)| format_ms(at)),
                    issued_by,
                    held: k.secret.is_some(),
                    holders: k
                        .holders
                        .iter()
                        .map(|h| {
                            names.get(h).cloned().unwrap_or_else(|| Holder {
                                name: "unknown device".into(),
                                revoked: false,
                            })
                        })
                        .collect(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let waiting_to_seal = self.sources_waiting_to_seal()?;
        Ok(CountyKeys {
            cleared,
            current,
            keys: views,
            waiting_to_seal,
        })
    }
}

/// A device whose clearance the county requested (or this device), for `usalama clearance
/// list` and approval.
#[derive(Debug, Clone, Serialize)]
pub struct ClearanceOf {
    pub device: String,
    pub name: String,
    pub role: String,
    /// What its laptop shows, to compare before approving it.
    pub fingerprint: String,
    /// The county requested its clearance (`usalama-hub invite --cleared`).
    pub requested: bool,
    /// An approved reader approved it (or it founded the county's keys).
    pub approved: bool,
    /// It receives the keys issued before its approval too.
    pub earlier_keys: bool,
    pub founder: bool,
    pub revoked: bool,
}

/// This device's clearance and every request the county made.
#[derive(Debug, Clone, Serialize)]
pub struct Clearances {
    pub me: ClearanceOf,
    pub requested: Vec<ClearanceOf>,
}

impl Store {
    fn clearance_of(
        &self,
        device: DeviceId,
        approved: &BTreeMap<DeviceId, bool>,
        founder: Option<DeviceId>,
    ) -> Result<ClearanceOf> {
        let row = self
            .conn
            .query_row(
                "SELECT public_key, name, role, cleared, revoked FROM devices WHERE device = ?1",
                [device.0],
                |r| {
                    Ok((
                        r.get::<_, Vec<u8>>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, bool>(3)?,
                        r.get::<_, bool>(4)?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("no device {device} is known here")))?;
        let (key, name, role, requested, revoked) = row;
        let key = <[u8; 32]>::try_from(key)
            .ok()
            .and_then(|k| VerifyingKey::from_bytes(&k).ok())
            .ok_or_else(|| Error::Integrity(format!("device {device}: its key is damaged")))?;
        Ok(ClearanceOf {
            device: device.to_string(),
            name,
            role,
            fingerprint: county::fingerprint(&key),
            requested,
            approved: approved.contains_key(&device),
            earlier_keys: approved.get(&device).copied().unwrap_or(false),
            founder: founder == Some(device),
            revoked,
        })
    }

    /// This device's clearance (with the fingerprint to read out to an approved reader) and
    /// every device whose clearance the county requested.
    pub fn clearances(&self) -> Result<Clearances> {
        let approved = approved(&self.conn)?;
        let founder = founder(&self.conn)?;
        let me = self.clearance_of(self.me.device, &approved, founder)?;
        let requested = requested(&self.conn)?
            .into_iter()
            .filter(|r| r.device != self.me.device)
            .map(|r| self.clearance_of(r.device, &approved, founder))
            .collect::<Result<Vec<_>>>()?;
        Ok(Clearances { me, requested })
    }

    /// Approves the clearance of the device whose id starts with `device`, once its user has
    /// read out `fingerprint` from its own laptop: an entry of this device's chain, after which
    /// cleared devices give it the current county key (and the earlier ones too, with
    /// `earlier`). Only an approved reader approves; the fingerprint must match the key the
    /// county announced for that device.
    pub fn approve_clearance(
        &mut self,
        device: &str,
        fingerprint: &str,
        earlier: bool,
    ) -> Result<ClearanceOf> {
        let approved_now = approved(&self.conn)?;
        if !approved_now.contains_key(&self.me.device) {
            return Err(Error::NotAllowed(
                "only an approved cleared reader may approve another's clearance, and this \
                 device is not one: ask a cleared reader whose laptop already holds the county \
                 key. Nothing was recorded"
                    .into(),
            ));
        }
        let prefix = device.trim().to_ascii_lowercase();
        if prefix.len() < 6 || !prefix.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(Error::invalid(
                "device",
                format!("{device:?}: give at least 6 hex digits of the device id (see `usalama clearance list`)"),
            ));
        }
        let matches: Vec<Requested> = requested(&self.conn)?
            .into_iter()
            .filter(|r| r.device.to_string().starts_with(&prefix))
            .collect();
        let target = match &matches[..] {
            [one] => one,
            [] => {
                return Err(Error::NotFound(format!(
                    "no device whose clearance the county requested has an id starting with \
                     {prefix} (see `usalama clearance list`; sync first if it was enrolled \
                     recently)"
                )))
            }
            _ => {
                return Err(Error::invalid(
                    "device",
                    format!("{prefix} starts more than one device id: give more digits"),
                ))
            }
        };
        if target.revoked {
            return Err(Error::NotAllowed(format!(
                "device {} has been revoked by the county; it cannot be approved",
                target.device
            )));
        }
        let key = <[u8; 32]>::try_from(target.public_key.clone())
            .ok()
            .and_then(|k| VerifyingKey::from_bytes(&k).ok())
            .ok_or_else(|| Error::Integrity("the device's key is damaged".into()))?;
        if !county::fingerprint_matches(&key, fingerprint) {
            return Err(Error::invalid(
                "--fingerprint",
                format!(
                    "does not match the key the county hub announced for device {}: do not \
                     approve it. Check you read the fingerprint from that laptop itself \
                     (`usalama clearance list` on it, or Settings, About); if it still differs, \
                     someone may be posing as it: tell the county security committee",
                    target.device
                ),
            ));
        }
        let grant = county::Grant {
            device: target.device,
            public_key: key.to_bytes(),
            earlier,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        append(
            &tx,
            &self.me,
            Draft {
                kind: EntryKind::ClearanceGranted,
                subject: None,
                body: grant.to_body(),
            },
        )?;
        tx.commit()?;
        let approved = approved(&self.conn)?;
        let founder = founder(&self.conn)?;
        self.clearance_of(target.device, &approved, founder)
    }
}

/// What the county's offline copy of its keys is called inside its file.
const OFFLINE_COPY: &str = "the county keys";

impl Store {
    /// Refuses, in words, a device that may not hold the county keys: one whose user is not
    /// cleared, or that the county revoked. Nothing is changed either way.
    pub fn may_hold_county_keys(&self) -> Result<()> {
        if !self.is_cleared()? {
            return Err(Error::NotAllowed(
                "this device's user is not cleared to read restricted sources, so it may not \
                 hold the county keys (the county enrolls a cleared reader with `usalama-hub \
                 invite --cleared`). Nothing was changed"
                    .into(),
            ));
        }
        let revoked: bool = self.conn.query_row(
            "SELECT coalesce((SELECT revoked FROM devices WHERE device = ?1), 0)",
            [self.me.device.0],
            |r| r.get(0),
        )?;
        if revoked {
            return Err(Error::NotAllowed(
                "this device has been revoked by the county; it may not hold the county keys. \
                 Nothing was changed"
                    .into(),
            ));
        }
        Ok(())
    }

    /// The county's offline copy: every county key this device holds, sealed under
    /// `passphrase`. Only a cleared device holds keys to copy.
    pub fn export_county_keys(&self, passphrase: &str) -> Result<(Vec<u8>, usize)> {
        self.may_hold_county_keys()?;
        let secrets: Vec<String> = known_keys(&self.conn)?
            .iter()
            .filter_map(|k| k.secret.as_ref().map(|s| hex::encode(s.as_bytes())))
            .collect();
        if secrets.is_empty() {
            return Err(Error::NotAllowed(
                "this device holds no county key yet: sync it once a county key has been issued \
                 (the first cleared device to sync issues one). Nothing was written"
                    .into(),
            ));
        }
        let plain = zeroize::Zeroizing::new(
            serde_json::to_vec(&secrets).map_err(|e| Error::Unsupported(e.to_string()))?,
        );
        let kdf = Store::kdf(&self.home)?;
        let file = crate::keys::PassphraseSealed::seal(passphrase, kdf, OFFLINE_COPY, &plain)?;
        Ok((file.to_bytes(), secrets.len()))
    }

    /// Takes the county keys of an offline copy onto this cleared device; at its next sync it
    /// shares them with every cleared reader who lacks them. Returns how many keys were new
    /// here.
    pub fn import_county_keys(&mut self, bytes: &[u8], passphrase: &str) -> Result<usize> {
        self.may_hold_county_keys()?;
        let plain = crate::keys::PassphraseSealed::open(bytes, passphrase, OFFLINE_COPY)?;
        let secrets: Vec<String> = serde_json::from_slice(&plain)
            .map_err(|_| Error::invalid("file", "holds no county keys"))?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (mut added, mut of_this_county) = (0, 0);
        for text in secrets {
            let mut bytes = [0u8; 32];
            hex::decode_to_slice(&text, &mut bytes)
                .map_err(|_| Error::invalid("file", "holds a damaged county key"))?;
            let secret = BoxSecret::from_bytes(bytes);
            let public = secret.public();
            // Only keys this county issued, as its chain (synced here) shows.
            let issued_here: bool = tx
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM county_keys
                                    WHERE public = ?1 AND issued_at IS NOT NULL)",
                )?
                .query_row([&public.0[..]], |r| r.get(0))?;
            if !issued_here {
                continue;
            }
            of_this_county += 1;
            added += tx
                .prepare_cached(
                    "UPDATE county_keys SET secret = ?2 WHERE public = ?1 AND secret IS NULL",
                )?
                .execute(params![&public.0[..], &secret.as_bytes()[..]])?;
        }
        if of_this_county == 0 {
            return Err(Error::invalid(
                "file",
                "none of its keys was issued in this county as this device knows it: sync this \
                 device first, and check the file is this county's copy. Nothing was changed",
            ));
        }
        if added > 0 {
            for id in reports_with_sealed_sources(&tx)? {
                reproject(&tx, &id)?;
            }
        }
        tx.commit()?;
        Ok(added)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::Role;

    fn chief(dir: &std::path::Path) -> Store {
        crate::store::testing::store(
            dir,
            "Joseph Korkimul",
            Role::Chief,
            "ke-024-l-ombolion",
            None,
        )
    }

    fn entry_bodies(store: &Store) -> Vec<Vec<u8>> {
        let mut stmt = store
            .conn
            .prepare("SELECT body FROM entries WHERE body IS NOT NULL")
            .expect("select");
        stmt.query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("bodies")
    }

    #[test]
    fn a_source_written_before_any_county_key_waits_here_and_enters_no_entry() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = chief(dir.path());
        let doc = json!({"type": "livestock_raid", "occurred_at": "2026-11-20T05:30:00+03:00",
                         "unit": "ke-024-l-ombolion", "narrative": "Raiders took cattle.",
                         "source": {"kind": "informant", "name": "Lomuriaxq"}});
        let id = store.file_document(&doc, None).expect("filed");
        let shown = store.report(&id).expect("shown");
        assert_eq!(shown.document["source"]["name"], "Lomuriaxq");
        assert!(!shown.source_sealed);
        assert_eq!(store.county_keys().expect("keys").waiting_to_seal, 1);
        assert!(entry_bodies(&store)
            .iter()
            .all(|b| !b.windows(9).any(|w| w == b"Lomuriaxq")));
        // A newer one replaces it; removing it before it ever left leaves nothing to send.
        store
            .amend_document(&id.to_string(), &json!({"source": {"kind": "witness"}}))
            .expect("amended");
        assert_eq!(store.county_keys().expect("keys").waiting_to_seal, 1);
        assert_eq!(
            store.report(&id).expect("shown").document["source"],
            json!({"kind": "witness"})
        );
        store
            .amend_document(&id.to_string(), &json!({"source": null}))
            .expect("amended");
        assert_eq!(
            store.report(&id).expect("shown").document.get("source"),
            None
        );
        assert_eq!(store.sources_waiting_to_seal().expect("count"), 0);
        // Nothing to seal to: tending does nothing on a device that is not cleared.
        assert_eq!(store.tend_county_keys().expect("tended"), 0);
    }

    #[test]
    fn a_waiting_source_older_than_a_later_change_is_dropped_and_never_comes_back() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = chief(dir.path());
        let doc = json!({"type": "livestock_raid", "occurred_at": "2026-11-20T05:30:00+03:00",
                         "unit": "ke-024-l-ombolion", "narrative": "Raiders took cattle.",
                         "source": {"kind": "witness"}});
        let id = store.file_document(&doc, None).expect("filed");
        let tx = store.conn.transaction().expect("tx");
        assert!(unsealed_source(&tx, &id, Some(0)).expect("read").is_some());
        assert_eq!(
            unsealed_source(&tx, &id, Some(i64::MAX)).expect("read"),
            None
        );
        let left: i64 = tx
            .query_row("SELECT count(*) FROM unsealed_sources", [], |r| r.get(0))
            .expect("count");
        assert_eq!(left, 0);
    }
}
