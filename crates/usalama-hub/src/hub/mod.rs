//! The hub's rules, over any [`Database`]: enrollment, the sync exchange, who may see what, and
//! the county's reference data (gazetteer, devices), which the hub records as entries of its own
//! signed chain so that they reach every device by the same sync as reports.
//!
//! This module keeps the [`Hub`] itself: opening it over a database, its identity and its own
//! chain. Each child module adds the methods of one job (`sms`: flash alerts received by SMS;
//! `sms_number`: the county's number devices send them to; `releases`: updates published,
//! offered and served in chunks).

mod answer;
mod bundles;
mod devices;
mod enrollment;
mod exchange;
mod intake;
mod key;
mod redaction;
mod releases;
mod review;
mod rules;
mod sms;
mod sms_number;
mod units;
mod warnings;

use ed25519_dalek::{SigningKey, VerifyingKey};
use rand::RngCore;
use serde_json::Value;
use sha2::{Digest, Sha256};
use usalama_protocol::gazetteer::{self, COUNTY};
use usalama_protocol::ledger::{DeviceId, Draft, Entry, EntryKind, Hash, ReportId};
use usalama_protocol::seal::BoxSecret;

use crate::db::{self, Database, DeviceRecord, Holder, Tx};
use crate::error::{HubError, Result};
use crate::metrics::Metrics;
use crate::now_ms;
use key::{read_key_file, save_key};

pub use bundles::{BundleExport, BundleImport};
pub(crate) use enrollment::hmac_sha256;
pub use enrollment::{EnrollRequest, InviteCode, InviteRequest, DEFAULT_INVITE_HOURS};
pub use redaction::Redacted;
pub use releases::{
    DeviceListing, Fetching, Offered, Problem, Published, ReleaseListing, Running, UpdateStatus,
};
pub use sms::{Incoming, Taken, COUNTY_DAILY_CAP, DAILY_CAP, DUTY_TEXT, EXCERPT};
pub use usalama_protocol::ledger::MAX_AHEAD_MS;

/// What a device may send per day, unless `serve --daily-budget` says otherwise: about ten times
/// what a busy chief's laptop sends (see docs/hub.md).
pub const DEFAULT_DAILY_BUDGET: u64 = 20 << 20;

pub struct Hub {
    db: Box<dyn Database>,
    key: SigningKey,
    id: DeviceId,
    /// Keys the hashes under which invite codes are stored: derived from the hub's secret key,
    /// so a copy of the database alone cannot test guesses of a code.
    invite_key: [u8; 32],
    /// Bytes a device may send per day beyond its own new reports (see [`Hub::charge`]).
    pub(crate) budget: u64,
    /// The secret the Android gateway signs its webhook requests with; none turns the webhook
    /// off (see [`crate::webhook`]).
    pub(crate) webhook_secret: Option<crate::webhook::Secret>,
    pub metrics: Metrics,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Hub {
    /// Opens the hub over `db`, creating its signing key and loading the shipped gazetteer the
    /// first time. The key is kept in a file of its own, readable by the hub's user only, where
    /// the database says ([`Database::key_file`]); a key that an earlier version kept in the
    /// database is moved there.
    pub fn open(db: Box<dyn Database>) -> Result<Hub> {
        let key_file = db.key_file();
        let on_file = match &key_file {
            Some(path) => read_key_file(path)?,
            None => None,
        };
        let mut moved = false;
        let secret = db::write(db.as_ref(), |tx| {
            let settled = key::settle(tx, key_file.as_deref(), on_file)?;
            if settled.moved {
                moved = true;
            }
            if !settled.known {
                Hub::found(tx, &SigningKey::from_bytes(&settled.key))?;
            }
            Ok(settled.key)
        })?;
        if moved {
            // The database's log may still hold the page the key was on.
            db.scrub()?;
        }
        let key = SigningKey::from_bytes(&secret);
        let invite_key: [u8; 32] = Sha256::new()
            .chain_update(b"usalama.invite-codes\0")
            .chain_update(secret)
            .finalize()
            .into();
        let hub = Hub {
            id: DeviceId::of(&key.verifying_key()),
            key,
            invite_key,
            budget: DEFAULT_DAILY_BUDGET,
            webhook_secret: None,
            db,
            metrics: Metrics::default(),
        };
        hub.settle_alert_keys()?;
        Ok(hub)
    }

    /// A new hub's first records: its own chain, stored as a device, and the shipped
    /// gazetteer.
    fn found(tx: &mut dyn Tx, signing: &SigningKey) -> Result<()> {
        let verifying = signing.verifying_key();
        tx.insert_device(&DeviceRecord {
            id: DeviceId::of(&verifying),
            public_key: verifying.to_bytes(),
            person: "hub".into(),
            name: "County hub".into(),
            role: Holder::Hub,
            unit: Some(COUNTY.into()),
            agency: None,
            cleared: false,
            revoked: false,
            pending: false,
            enrolled_at: now_ms(),
            counter: 0,
            head_seq: 0,
            head_hash: Hash::GENESIS,
        })?;
        for unit in gazetteer::shipped() {
            tx.upsert_unit(&unit)?;
        }
        Ok(())
    }

    pub fn id(&self) -> DeviceId {
        self.id
    }

    /// The hub's sealing secret: what device bundles are sealed to.
    pub(super) fn box_secret(&self) -> BoxSecret {
        BoxSecret::of_device(&self.key)
    }

    pub fn public_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    pub fn db(&self) -> &dyn Database {
        self.db.as_ref()
    }

    /// Remembers how devices reach this hub, for the enrollment strings `invite` prints.
    pub fn set_address(&self, url: &str, cert_sha256: Option<&str>) -> Result<()> {
        db::write(self.db(), |tx| {
            tx.set_meta("address", url)?;
            tx.set_meta("cert_sha256", cert_sha256.unwrap_or(""))
        })
    }

    /// The address and certificate fingerprint recorded by the last `serve`.
    pub fn address(&self) -> Result<(Option<String>, Option<String>)> {
        db::read(self.db(), |tx| {
            Ok((
                tx.meta("address")?,
                tx.meta("cert_sha256")?.filter(|c| !c.is_empty()),
            ))
        })
    }

    /// Appends an entry to the hub's own chain, in the caller's transaction.
    pub(super) fn append(
        &self,
        tx: &mut dyn Tx,
        kind: EntryKind,
        body: &Value,
        now: i64,
    ) -> Result<Entry> {
        let body = serde_json::to_vec(body).map_err(|e| HubError::Internal(e.to_string()))?;
        Ok(self.append_about(tx, kind, None, body, now)?.0)
    }

    /// Appends an entry, about a report or not, to the hub's own chain. Returns it and its hub
    /// sequence number.
    pub(super) fn append_about(
        &self,
        tx: &mut dyn Tx,
        kind: EntryKind,
        subject: Option<ReportId>,
        body: Vec<u8>,
        now: i64,
    ) -> Result<(Entry, u64)> {
        let me = tx
            .device(&self.id)?
            .ok_or_else(|| HubError::Database("the hub's own device record is missing".into()))?;
        let last_at: i64 = tx
            .meta("hub_last_at")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let at = now.max(last_at + 1);
        let draft = Draft {
            kind,
            subject,
            body,
        };
        let entry = Entry::sign(draft, &self.key, me.head_seq + 1, me.head_hash, at);
        let hub_seq = tx.insert_entry(&entry, now, None)?;
        tx.set_head(&self.id, entry.seq, &entry.hash())?;
        tx.set_meta("hub_last_at", &at.to_string())?;
        Ok((entry, hub_seq))
    }

    /// A consistent copy of the database at `out`; with a key file, a copy of the key beside
    /// it (`out` with `.key` added), so that the backup opens as this hub.
    pub fn backup(&self, out: &std::path::Path) -> Result<()> {
        self.db.backup(out)?;
        if self.db.key_file().is_some() {
            let path = db::key_file_beside(out);
            save_key(&path, &self.key.to_bytes())
                .map_err(|e| HubError::Database(format!("cannot write {}: {e}", path.display())))?;
        }
        Ok(())
    }

    /// Entries stored and refused, for the metrics.
    pub fn entry_counts(&self) -> Result<(u64, u64)> {
        db::read(self.db(), |tx| tx.entry_counts())
    }
}

/// A one-time code: 10 Crockford base32 characters (50 bits) in two groups, `K7QXM-4HDPR`.
pub(super) fn new_code() -> String {
    let alphabet = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut bytes = [0u8; 10];
    rand::thread_rng().fill_bytes(&mut bytes);
    let mut code = String::with_capacity(11);
    for (i, b) in bytes.iter().enumerate() {
        if i == 5 {
            code.push('-');
        }
        code.push(alphabet[usize::from(b & 31)] as char);
    }
    code
}
