//! Sync by USB stick: bundles a device writes for its hub and reads from it (or from another
//! device, whose entries it then carries to the hub at its next sync).
//!
//! A bundle holds what a network sync would exchange, so importing one takes the same path as
//! a sync response, with the same checks and the same idempotency: bundles carried twice, late
//! or out of order end in the same state as one network sync.

use std::path::{Path, PathBuf};

use rusqlite::{params, TransactionBehavior};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::incoming::device_key;
use super::outgoing::{carried_entries, unsent_entries};
use super::sync::Exchange;
use super::{now_ms, Store};
use crate::error::{Error, Result};
use crate::ledger::DeviceId;
use crate::seal::{BoxPublic, BoxSecret};
use crate::wire::{Bundle, DeviceBundle, Run, Signatures, MAX_BUNDLE};

/// How many of the bundles it wrote a device remembers, to know one brought back to it.
const REMEMBERED_EXPORTS: i64 = 50;

/// What `bundle export` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Exported {
    /// This device's entries (reports, amendments, ...) in the bundle.
    pub entries: usize,
    /// Entries of other devices carried in it.
    pub carried: usize,
    pub bytes: usize,
}

/// What `bundle import` changed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Imported {
    /// `hub` (the county's answer) or `device` (another device's entries, carried onwards).
    pub from: &'static str,
    /// Entries new to this device (from the hub).
    pub received: usize,
    /// This device's entries the hub acknowledged.
    pub acknowledged: usize,
    /// Entries of another device now carried here for the hub (from an older version's
    /// bundle; none now).
    pub carried: usize,
    /// Other devices' bundles now carried here for the hub (sealed to it: unread here).
    pub carried_bundles: usize,
}

/// A bundle written into a folder the user chose (a USB stick, Documents).
#[derive(Debug, Clone, Serialize)]
pub struct Written {
    pub file: PathBuf,
    /// The file's name, to say where it went.
    pub name: String,
    #[serde(flatten)]
    pub exported: Exported,
    /// This laptop's reports not yet received by the county: every one is in the bundle.
    pub reports: u64,
}

/// The name of a device's bundle written on `day`: `usalama-<first 8 digits of the device
/// id>-<YYYY-MM-DD>.usalama`. A second bundle of the same day replaces the first: it holds
/// everything the first did that the hub has not acknowledged since.
pub fn file_name(device: &DeviceId, day: time::Date) -> String {
    let id = device.to_string();
    format!("usalama-{}-{day}.usalama", id.get(..8).unwrap_or(&id))
}

impl Store {
    /// Writes [`Store::export_bundle`] into `folder` under its [`file_name`] (today in East
    /// Africa Time), whole or not at all.
    pub fn export_bundle_into(&mut self, folder: &Path) -> Result<Written> {
        let (bytes, exported) = self.export_bundle()?;
        let today = time::OffsetDateTime::now_utc().to_offset(crate::EAT).date();
        let name = file_name(&self.me.device, today);
        let file = folder.join(&name);
        crate::files::write_durably(&file, &bytes)?;
        Ok(Written {
            file,
            name,
            exported,
            reports: self.sync_status()?.waiting_reports,
        })
    }

    /// A bundle of everything the hub has not acknowledged: this device's entries and those it
    /// carries for others, with this device's cursor. Changes nothing here: until the hub's
    /// answer comes back (by bundle or by network), the same entries go out again. (A cleared
    /// device first records the county keys it owes, as a sync would.)
    pub fn export_bundle(&mut self) -> Result<(Vec<u8>, Exported)> {
        let link = self.hub_link()?.ok_or(Error::NotEnrolled)?;
        // A cleared device's county keys travel by hand as they would by network.
        self.tend_county_keys()?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)?;
        let (cursor, acked): (u64, u64) =
            tx.query_row("SELECT cursor, acked FROM hub WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        let (mut entries, _) = unsent_entries(&tx, &self.me.device, acked, usize::MAX)?;
        let own = entries.len();
        entries.extend(carried_entries(&tx, usize::MAX)?);
        tx.commit()?;
        let bundle = Bundle::FromDevice(DeviceBundle {
            device: self.me.device,
            hub: link.hub,
            made_at: now_ms(),
            cursor,
            runs: Run::from_entries(&entries, |_| None, Signatures::Every),
        });
        let bytes = bundle.seal(&self.me.key, &BoxPublic::of_device(&link.hub_key))?;
        // Remembered, so that this laptop knows its own bundle if it is brought back to it.
        let digest: [u8; 32] = Sha256::digest(&bytes).into();
        self.conn.execute(
            "INSERT OR REPLACE INTO exported_bundles (digest, at) VALUES (?1, ?2)",
            params![digest, now_ms()],
        )?;
        self.conn.execute(
            "DELETE FROM exported_bundles WHERE digest NOT IN
               (SELECT digest FROM exported_bundles ORDER BY at DESC LIMIT ?1)",
            [REMEMBERED_EXPORTS],
        )?;
        let exported = Exported {
            entries: own,
            carried: entries.len() - own,
            bytes: bytes.len(),
        };
        Ok((bytes, exported))
    }

    /// Reads a bundle: the hub's answer for this device, or another device's entries to carry.
    pub fn import_bundle(&mut self, bytes: &[u8]) -> Result<Imported> {
        if bytes.len() > MAX_BUNDLE {
            return Err(Error::Malformed(
                "this file is too large to be a bundle".into(),
            ));
        }
        let link = self.hub_link()?.ok_or(Error::NotEnrolled)?;
        self.refuse_own_bundle(bytes)?;
        let me = BoxSecret::of_device(&self.me.key);
        let recipients = Bundle::recipients(bytes)?;
        if !recipients.contains(&me.public().id()) {
            if recipients.contains(&BoxPublic::of_device(&link.hub_key).id()) {
                // Another device's entries for the county: sealed to the hub, so this laptop
                // cannot read them; it relays them as they are at its next sync.
                let new = self.carry_bundle(bytes)?;
                return Ok(Imported {
                    from: "device",
                    carried_bundles: usize::from(new),
                    ..Imported::default()
                });
            }
            return Err(Error::invalid(
                "bundle",
                "it was made for another laptop or another county hub: it cannot be read or \
                 relayed here",
            ));
        }
        let (bundle, signature) = Bundle::open(bytes, &me)?;
        let maker = bundle.maker();
        let key = {
            let tx = self.conn.transaction()?;
            let key = device_key(&tx, &maker)?;
            tx.commit()?;
            key
        };
        match bundle {
            Bundle::FromHub(b) => {
                if b.hub != link.hub {
                    return Err(Error::invalid(
                        "bundle",
                        "it comes from another county hub than the one this laptop is enrolled \
                         with",
                    ));
                }
                if b.device != self.me.device {
                    return Err(Error::invalid(
                        "bundle",
                        format!(
                            "it was made for device {}, not this laptop ({}); ask the county \
                             ICT office for this laptop's bundle",
                            b.device, self.me.device
                        ),
                    ));
                }
                if !key.is_some_and(|k| signature.verify(&k)) {
                    return Err(Error::Integrity(
                        "the bundle's signature is not the county hub's: it was changed or \
                         damaged on the way; nothing was imported"
                            .into(),
                    ));
                }
                let applied = self.apply_response(&b.response, Exchange::Bundle)?;
                Ok(Imported {
                    from: "hub",
                    received: applied.received,
                    acknowledged: applied.acknowledged,
                    ..Imported::default()
                })
            }
            // Device bundles are sealed to the hub: one opened here was made by this laptop's
            // own key for itself, which this version never does.
            Bundle::FromDevice(_) => Err(Error::invalid(
                "bundle",
                "this is a laptop's bundle for the county hub: take it to the county office, \
                 where `usalama-hub import` reads it",
            )),
        }
    }

    /// Refuses a bundle this laptop wrote itself (for the hub), brought back to it.
    fn refuse_own_bundle(&self, bytes: &[u8]) -> Result<()> {
        let digest: [u8; 32] = Sha256::digest(bytes).into();
        let mine: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM exported_bundles WHERE digest = ?1)",
            [digest],
            |r| r.get(0),
        )?;
        if mine {
            return Err(Error::invalid(
                "bundle",
                "this laptop wrote it: take it to the county office, where `usalama-hub import` \
                 reads it; nothing was received",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_is_named_by_its_device_and_day() {
        let device = DeviceId([0xab; 16]);
        let day = time::macros::date!(2026 - 11 - 26);
        assert_eq!(
            file_name(&device, day),
            "usalama-abababab-2026-11-26.usalama"
        );
    }
}
