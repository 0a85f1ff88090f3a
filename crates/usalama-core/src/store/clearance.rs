//! Clearance to read sealed sources: who the county asked to clear, who is approved, and an
//! approved reader approving another after comparing fingerprints.

use std::collections::BTreeMap;

use ed25519_dalek::VerifyingKey;
use rusqlite::{OptionalExtension, TransactionBehavior};
use serde::Serialize;

use super::entries::append;
use super::keyring::{approved, founder, requested, Requested};
use super::Store;
use crate::county;
use crate::error::{Error, Result};
use crate::ledger::{DeviceId, Draft, EntryKind};

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
