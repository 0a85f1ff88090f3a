//! Applying what the hub answered: acknowledgements, the entries it forwards (each checked
//! against its author's key and the rules of admission), the reference data of the hub's own
//! chain, and the projections all that changes, in one transaction.

use ed25519_dalek::VerifyingKey;
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use serde_json::Value;

use super::entries::insert_entry;
use super::held::Held;
use super::keyring::{learn_keys, reports_with_sealed_sources};
use super::projection::reproject;
use super::sources::seal_waiting;
use super::sync::{Applied, Exchange, HubLink};
use super::{load_units, now_ms, Identity, Store};
use crate::admission::admit;
use crate::error::{Error, Result};
use crate::ledger::{DeviceId, Entry, EntryKind, ReportId};
use crate::wire::{Run, SyncResponse};

impl Store {
    /// Applies the hub's answer in one transaction: acknowledgements, new entries (with the
    /// reference data they carry), the projections they change, and the new cursor.
    pub fn apply_sync_response(&mut self, response: &SyncResponse) -> Result<Applied> {
        self.apply_response(response, Exchange::Network)
    }

    /// Applies a hub's answer that came by network or, as a bundle, by hand. A bundle may be
    /// old, or carried after a newer one: it never moves the cursor or the acknowledgement
    /// back, and its time says nothing about this device's clock.
    pub(super) fn apply_response(
        &mut self,
        response: &SyncResponse,
        exchange: Exchange,
    ) -> Result<Applied> {
        let link = self.hub_link()?.ok_or(Error::NotEnrolled)?;
        let now = now_ms();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut arrived = Arrived {
            applied: Applied {
                more: response.more,
                ..Applied::default()
            },
            ..Arrived::default()
        };
        apply_acks(&tx, &self.me.device, response, exchange, &mut arrived)?;
        // The hub's own chain first: it announces the devices whose entries follow.
        let mut runs: Vec<&Run> = response.runs.iter().collect();
        runs.sort_by_key(|r| r.device != link.hub);
        for run in runs {
            apply_run(&tx, &link, run, &mut arrived)?;
        }
        drop_refused_carried(&tx, response, &mut arrived.applied)?;
        let removed = project_arrived(&tx, &self.me, &mut arrived)?;
        match exchange {
            // The hub's cursor is the truth, even below this device's (a hub restored from a
            // backup starts again from what it holds).
            Exchange::Network => tx.execute(
                "UPDATE hub SET cursor = ?1, clock_offset = ?2, last_success = ?3,
                                last_error_kind = NULL, last_error_message = NULL WHERE id = 1",
                params![response.cursor, response.hub_time - now, now],
            )?,
            Exchange::Bundle => tx.execute(
                "UPDATE hub SET cursor = max(cursor, ?1) WHERE id = 1",
                params![response.cursor],
            )?,
        };
        tx.commit()?;
        if arrived.reference_changed {
            self.units = load_units(&self.conn)?;
        }
        if removed > 0 {
            self.scrub()?;
        }
        Ok(arrived.applied)
    }
}

/// What one answer's entries changed so far, as they are applied.
#[derive(Debug, Default)]
struct Arrived {
    applied: Applied,
    /// Reports whose projection must be rebuilt.
    touched: Vec<ReportId>,
    /// The gazetteer changed (the units are read again).
    reference_changed: bool,
    /// Who holds or may hold a county key changed (the keys are read again).
    keys_changed: bool,
}

/// Applies the hub's acknowledgements: of this device's chain (marking entries received, or
/// rewinding to what a restored hub holds), and of entries carried here for others.
fn apply_acks(
    tx: &Transaction<'_>,
    me: &DeviceId,
    response: &SyncResponse,
    exchange: Exchange,
    arrived: &mut Arrived,
) -> Result<()> {
    for (device, seq) in &response.acks {
        if device != me {
            // Entries carried here for another device: the hub holds them now.
            arrived.applied.relayed += tx
                .prepare_cached("DELETE FROM carried WHERE device = ?1 AND seq <= ?2")?
                .execute(params![device.0, seq])?;
            continue;
        }
        let (acked, head): (u64, u64) = tx.query_row(
            "SELECT hub.acked, identity.head_seq FROM hub, identity",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if *seq > head {
            // The hub holds more of this device's chain than the device does: this store
            // was restored from an older backup. Entries written here since then reuse
            // numbers the hub holds with other content; never take them for sent.
            return Err(Error::Integrity(format!(
                "the county hub holds {seq} entries from this laptop but its store has only \
                 {head}: was it restored from an older backup? Nothing from this exchange \
                 was applied. Tell the county ICT office, who can enroll this laptop anew \
                 for the same person (`usalama-hub invite --person`)"
            )));
        }
        if *seq < acked && exchange == Exchange::Network {
            // The hub holds less than it once acknowledged: it was restored from a backup.
            // What it lost is this device's to send again, and waits to send meanwhile.
            let mut stmt = tx.prepare_cached(
                "UPDATE entries SET received_at = NULL
                 WHERE device = ?1 AND seq > ?2 RETURNING about",
            )?;
            let abouts = stmt
                .query_map(params![device.0, seq], |r| r.get::<_, Option<String>>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            arrived
                .touched
                .extend(abouts.iter().flatten().filter_map(|a| ReportId::parse(a)));
            tx.execute("UPDATE hub SET acked = ?1 WHERE id = 1", [seq])?;
            arrived.applied.rewound = true;
            continue;
        }
        let mut stmt = tx.prepare_cached(
            "UPDATE entries SET received_at = ?1
             WHERE device = ?2 AND seq <= ?3 AND received_at IS NULL RETURNING about",
        )?;
        let abouts = stmt
            .query_map(params![response.hub_time, device.0, seq], |r| {
                r.get::<_, Option<String>>(0)
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        arrived.applied.acknowledged += abouts.len();
        arrived
            .touched
            .extend(abouts.iter().flatten().filter_map(|a| ReportId::parse(a)));
        tx.execute("UPDATE hub SET acked = max(acked, ?1) WHERE id = 1", [seq])?;
    }
    Ok(())
}

/// Applies one run the hub forwarded, after checking it against its author's key: every entry
/// not held yet that takes effect (its device not revoked before it, its body admitted).
fn apply_run(tx: &Transaction<'_>, link: &HubLink, run: &Run, arrived: &mut Arrived) -> Result<()> {
    let device = run.device;
    let entries = verified_entries(tx, link, run)?;
    // The proofs that cover what is stored, kept so that `verify` can check it again.
    for (entry, item) in run.clone().into_entries().iter().zip(&run.entries) {
        if item.proof {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO proofs (device, seq, entry) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![device.0, entry.seq, entry.encode()])?;
        }
    }
    let revoked_after = revoked_after(tx, &device)?;
    for entry in &entries {
        let item = &run.entries[(entry.seq - run.first_seq) as usize];
        if revoked_after.is_some_and(|last| entry.seq > last) {
            // Written after the county revoked its device: no effect anywhere.
            arrived.applied.refused += 1;
            continue;
        }
        if already_held(tx, entry, item.received_at)? {
            continue;
        }
        if device == link.hub {
            arrived.reference_changed |= apply_reference(tx, entry)?;
        }
        // The hub's reference data is its own to write; a relayed SMS alert, a report, is
        // checked like any filing, and only the hub may relay one.
        let checked = device != link.hub || entry.kind == EntryKind::SmsRelayed;
        let forged_relay = device != link.hub && entry.kind == EntryKind::SmsRelayed;
        if forged_relay || (checked && admit(entry, &Held::new(tx)).is_err()) {
            // A body its author's own parser would not have written (a hub that let it
            // through, or an older one): like at the hub, no effect here.
            arrived.applied.refused += 1;
            continue;
        }
        insert_entry(tx, entry, item.received_at)?;
        arrived.applied.received += 1;
        arrived.keys_changed |= matches!(
            entry.kind,
            EntryKind::CountyKey
                | EntryKind::DeviceEnrolled
                | EntryKind::DeviceRevoked
                | EntryKind::ClearanceGranted
        );
        if let Some(about) = entry.about() {
            arrived.touched.push(about);
        }
    }
    Ok(())
}

/// The entries of `run`, checked against the key of their device: the hub's own, or the one
/// the hub's chain announced.
fn verified_entries(tx: &Transaction<'_>, link: &HubLink, run: &Run) -> Result<Vec<Entry>> {
    let device = run.device;
    let key = if device == link.hub {
        Some(link.hub_key)
    } else {
        device_key(tx, &device)?
    };
    let key = key.ok_or_else(|| {
        Error::Integrity(format!(
            "the hub forwarded entries of device {device}, which the county's signed \
             list of devices does not announce; nothing from this exchange was applied"
        ))
    })?;
    run.verified(&key).map_err(|e| {
        Error::Integrity(format!(
            "the hub forwarded entries {} to {} of device {device} that their author \
             did not sign ({e}); nothing from this exchange was applied",
            run.first_seq,
            run.last_seq()
        ))
    })
}

/// Whether the store already holds `entry` (then the hub's receipt and signature fill what it
/// lacked). A different entry at the same place is a fork, and nothing is applied.
fn already_held(tx: &Transaction<'_>, entry: &Entry, received_at: Option<i64>) -> Result<bool> {
    let device = entry.device;
    let existing: Option<Vec<u8>> = tx
        .prepare_cached("SELECT hash FROM entries WHERE device = ?1 AND seq = ?2")?
        .query_row(params![device.0, entry.seq], |r| r.get(0))
        .optional()?;
    match existing {
        Some(hash) if hash == entry.hash().0 => {
            tx.prepare_cached(
                "UPDATE entries SET received_at = coalesce(received_at, ?1),
                                    signature = coalesce(signature, ?4)
                 WHERE device = ?2 AND seq = ?3",
            )?
            .execute(params![received_at, device.0, entry.seq, entry.signature])?;
            Ok(true)
        }
        Some(_) => Err(Error::Integrity(format!(
            "the hub holds a different entry {} of device {device} than this \
             device does (a fork); nothing from this exchange was applied",
            entry.seq
        ))),
        None => Ok(false),
    }
}

/// Drops entries carried here for another device that the hub will never take (a fork, a
/// broken chain, a revoked author), so that they never block a sync.
fn drop_refused_carried(
    tx: &Transaction<'_>,
    response: &SyncResponse,
    applied: &mut Applied,
) -> Result<()> {
    for refused in &response.refused {
        applied.carried_refused.push(refused.clone());
        tx.prepare_cached("DELETE FROM carried WHERE device = ?1 AND seq BETWEEN ?2 AND ?3")?
            .execute(params![
                refused.device.0,
                refused.first_seq,
                refused.last_seq
            ])?;
    }
    Ok(())
}

/// Rebuilds the projection of every report the answer touched, then seals the sources that
/// waited for a key. Returns how many bodies a redaction removed.
fn project_arrived(tx: &Transaction<'_>, me: &Identity, arrived: &mut Arrived) -> Result<usize> {
    if arrived.keys_changed && learn_keys(tx)? {
        // Sources sealed to a key this device holds now can be read.
        arrived.touched.extend(reports_with_sealed_sources(tx)?);
    }
    arrived.touched.sort();
    arrived.touched.dedup();
    let mut removed = 0;
    // Projected first: a waiting source that what arrived supersedes (a redaction) is
    // dropped there, before anything waiting is sealed.
    for id in &arrived.touched {
        removed += reproject(tx, id)?.removed;
    }
    let sealed = seal_waiting(tx, me)?;
    arrived.applied.recorded += sealed.len();
    for id in &sealed {
        reproject(tx, id)?;
    }
    Ok(removed)
}

/// The last entry of `device` that takes effect, when the county revoked it.
pub(super) fn revoked_after(tx: &Transaction<'_>, device: &DeviceId) -> Result<Option<u64>> {
    Ok(tx
        .prepare_cached("SELECT revoked, revoked_after FROM devices WHERE device = ?1")?
        .query_row([device.0], |r| {
            Ok((r.get::<_, bool>(0)?, r.get::<_, Option<u64>>(1)?))
        })
        .optional()?
        .and_then(|(revoked, after)| revoked.then(|| after.unwrap_or(u64::MAX))))
}

pub(super) fn device_key(tx: &Transaction<'_>, device: &DeviceId) -> Result<Option<VerifyingKey>> {
    let key: Option<Vec<u8>> = tx
        .prepare_cached("SELECT public_key FROM devices WHERE device = ?1")?
        .query_row([device.0], |r| r.get(0))
        .optional()?;
    Ok(key
        .and_then(|k| <[u8; 32]>::try_from(k).ok())
        .and_then(|k| VerifyingKey::from_bytes(&k).ok()))
}

/// Applies one entry of the hub's own chain (the gazetteer and the devices) to the reference
/// tables. Returns whether the gazetteer changed.
fn apply_reference(tx: &Transaction<'_>, entry: &Entry) -> Result<bool> {
    let Some(Value::Object(body)) = entry.body_json() else {
        return Ok(false);
    };
    let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_owned);
    match entry.kind {
        EntryKind::UnitAdded => {
            tx.execute(
                "INSERT INTO units (id, name, sw_name, kind, parent, code, retired, ord)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, (SELECT coalesce(max(ord), 0) + 1 FROM units))
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, sw_name = excluded.sw_name,
                    kind = excluded.kind, parent = excluded.parent, code = excluded.code",
                params![
                    text("id"),
                    text("name"),
                    text("sw_name"),
                    text("kind"),
                    text("parent"),
                    text("code")
                ],
            )?;
            Ok(true)
        }
        EntryKind::UnitRenamed => {
            tx.execute(
                "UPDATE units SET name = coalesce(?2, name), sw_name = coalesce(?3, sw_name)
                 WHERE id = ?1",
                params![text("id"), text("name"), text("sw_name")],
            )?;
            Ok(true)
        }
        EntryKind::UnitRetired => {
            tx.execute("UPDATE units SET retired = 1 WHERE id = ?1", [text("id")])?;
            Ok(true)
        }
        EntryKind::DeviceEnrolled => {
            let device = text("device").and_then(|d| DeviceId::parse(&d).ok());
            let key = text("public_key")
                .and_then(|k| <[u8; 32]>::try_from(hex::decode(k).ok()?).ok())
                .and_then(|k| VerifyingKey::from_bytes(&k).ok());
            // A device's id is its key's digest: an announcement pairing an id with another
            // key is refused.
            let key = key.filter(|k| device == Some(DeviceId::of(k)));
            if let (Some(device), Some(key)) = (device, key) {
                let key = key.to_bytes();
                tx.execute(
                    "INSERT INTO devices (device, public_key, name, role, unit, agency, person,
                                          cleared)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                     ON CONFLICT (device) DO UPDATE SET name = excluded.name,
                        role = excluded.role, unit = excluded.unit, agency = excluded.agency,
                        person = excluded.person, cleared = excluded.cleared",
                    params![
                        device.0,
                        key,
                        text("name").unwrap_or_default(),
                        text("role").unwrap_or_default(),
                        text("unit"),
                        text("agency"),
                        text("person"),
                        body.get("cleared")
                            .and_then(Value::as_bool)
                            .unwrap_or(false)
                    ],
                )?;
            }
            Ok(false)
        }
        EntryKind::DeviceRevoked => {
            if let Some(device) = text("device").and_then(|d| DeviceId::parse(&d).ok()) {
                // Its entries after the last one the hub held then take effect nowhere. A
                // revocation recorded before the hub named that entry leaves the cut to the hub,
                // which forwards nothing a revoked device wrote since.
                let last = body.get("last_seq").and_then(Value::as_u64);
                tx.execute(
                    "UPDATE devices SET revoked = 1, revoked_after = ?2 WHERE device = ?1",
                    params![device.0, last],
                )?;
            }
            Ok(false)
        }
        _ => Ok(false),
    }
}
