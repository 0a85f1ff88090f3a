//! The hub's rules, over any [`Database`]: enrollment, the sync exchange, who may see what, and
//! the county's reference data (gazetteer, devices), which the hub records as entries of its own
//! signed chain so that they reach every device by the same sync as reports.

use std::collections::{BTreeMap, HashMap};

use ed25519_dalek::{SigningKey, VerifyingKey};
use rand::RngCore;
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use usalama_protocol::admission::{self, admit, Known, MAX_UNKNOWN_BODY};
use usalama_protocol::domain::{Agency, Report, Role};
use usalama_protocol::enrollment::{enrollment_proof_digest, Enrolled};
use usalama_protocol::gazetteer::{self, Unit, COUNTY, KINDS};
use usalama_protocol::ledger::{fold_order, DeviceId, Draft, Entry, EntryKind, Hash, ReportId};
use usalama_protocol::lifecycle::{Action, Actor, Response};
use usalama_protocol::redaction::{targets_in, Redaction};
use usalama_protocol::seal::{BoxPublic, BoxSecret};
use usalama_protocol::wire::{
    Bundle, DeviceBundle, HubBundle, Refused, Run, RunEntry, Signatures, SyncRequest, SyncResponse,
    CHUNK_BYTES,
};

use crate::db::{self, Audience, Database, DeviceRecord, Fork, Holder, Invite, ReportScope, Tx};
use crate::error::{HubError, Refusal, Result};
use crate::metrics::Metrics;
use crate::now_ms;

/// How long an enrollment code stays valid unless `invite` says otherwise.
pub const DEFAULT_INVITE_HOURS: u32 = 72;

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
    pub metrics: Metrics,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// What `usalama-hub redact` did.
#[derive(Debug, Clone, Serialize)]
pub struct Redacted {
    pub id: String,
    /// Bodies dropped at the hub.
    pub removed: usize,
    /// The redaction's sequence number in the hub's own chain.
    pub seq: u64,
}

/// Who an invitation is for.
#[derive(Debug, Clone)]
pub struct InviteRequest {
    pub name: String,
    pub role: Role,
    pub unit: String,
    pub agency: Option<Agency>,
    pub cleared: bool,
    /// An existing person (a replacement device); `None` makes a new person.
    pub person: Option<String>,
    pub hours: u32,
}

/// What `usalama-hub import` stored.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BundleImport {
    /// The device that made the bundle.
    pub device: String,
    /// Entries new to the hub.
    pub stored: u64,
    /// Entries the hub already held (a bundle carried twice, or already synced).
    pub already_held: u64,
    /// Runs that could not be stored, with why.
    pub skipped: Vec<String>,
}

/// What `usalama-hub export` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct BundleExport {
    pub device: String,
    pub entries: usize,
    pub bytes: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct InviteCode {
    pub code: String,
    pub person: String,
    pub expires_at: i64,
}

pub use usalama_protocol::wire::EnrollRequest;

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
            let in_db = match tx.meta("hub_key")? {
                Some(hex_key) => {
                    let mut key = [0u8; 32];
                    hex::decode_to_slice(hex_key, &mut key)
                        .map_err(|_| HubError::Database("the stored hub key is damaged".into()))?;
                    Some(key)
                }
                None => None,
            };
            let public = tx.meta("hub_public")?;
            let known = in_db.is_some() || public.is_some();
            let key = match (&key_file, on_file, in_db) {
                (None, _, Some(key)) => key,
                (Some(_), Some(file), Some(db_key)) if file != db_key => {
                    return Err(HubError::Database(
                        "the hub's key file and the key in its database differ; keep the one                          that matches the database's hub (see docs/hub.md)"
                            .into(),
                    ))
                }
                (Some(_), Some(file), _) => file,
                (Some(path), None, Some(db_key)) => {
                    save_key(path, &db_key).map_err(|e| {
                        HubError::Database(format!(
                            "cannot move the hub's key to {}: {e}",
                            path.display()
                        ))
                    })?;
                    db_key
                }
                (Some(path), None, None) if known => {
                    return Err(HubError::Database(format!(
                        "the hub's secret key file {} is missing; put back the copy kept with                          the backups (see docs/hub.md)",
                        path.display()
                    )))
                }
                (_, _, None) => {
                    let key = SigningKey::generate(&mut rand::rngs::OsRng).to_bytes();
                    if let Some(path) = &key_file {
                        save_key(path, &key).map_err(|e| {
                            HubError::Database(format!("cannot write {}: {e}", path.display()))
                        })?;
                    }
                    key
                }
            };
            let signing = SigningKey::from_bytes(&key);
            let public_hex = hex::encode(signing.verifying_key().to_bytes());
            if public.as_deref().is_some_and(|p| p != public_hex) {
                return Err(HubError::Database(
                    "the hub's secret key does not belong to this database's hub; give the key                      file that was made with it (see docs/hub.md)"
                        .into(),
                ));
            }
            if key_file.is_some() && in_db.is_some() {
                // Dropped from the database (overwritten, as `secure_delete` does) once it is
                // safely in its file.
                tx.delete_meta("hub_key")?;
                moved = true;
            } else if key_file.is_none() && in_db.is_none() {
                tx.set_meta("hub_key", &hex::encode(key))?;
            }
            if public.is_none() {
                tx.set_meta("hub_public", &public_hex)?;
            }
            if !known {
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
            }
            Ok(key)
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
        Ok(Hub {
            id: DeviceId::of(&key.verifying_key()),
            key,
            invite_key,
            budget: DEFAULT_DAILY_BUDGET,
            db,
            metrics: Metrics::default(),
        })
    }

    pub fn id(&self) -> DeviceId {
        self.id
    }

    /// The hub's sealing secret: what device bundles are sealed to.
    fn box_secret(&self) -> BoxSecret {
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

    /// A one-time, expiring enrollment code for a person.
    pub fn invite(&self, req: &InviteRequest) -> Result<InviteCode> {
        let units = self.units()?;
        if !units.iter().any(|u| u.id == req.unit && !u.retired) {
            return Err(HubError::refused(
                Refusal::UnknownUnit,
                format!(
                    "--unit: no unit {:?}; see `usalama-hub units list`",
                    req.unit
                ),
            ));
        }
        if req.role == Role::Officer && req.agency.is_none() {
            return Err(HubError::refused(
                Refusal::AgencyRequired,
                "--agency is required for an officer: nps, npr, kdf, nis, ngao or cso",
            ));
        }
        let name = req.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(HubError::refused(
                Refusal::Invalid,
                "--name: 1 to 100 characters",
            ));
        }
        let code = new_code();
        let person = match &req.person {
            Some(p) => {
                let known = db::read(self.db(), |tx| {
                    Ok(tx.devices()?.iter().any(|d| &d.person == p))
                })?;
                if !known {
                    return Err(HubError::refused(Refusal::UnknownPerson,
                        format!("--person: no enrolled device belongs to person {p:?}; see `usalama-hub devices list`"),
                    ));
                }
                p.clone()
            }
            None => format!("p-{}", new_code().replace('-', "").to_lowercase()),
        };
        let expires_at = now_ms() + i64::from(req.hours.max(1)) * 3_600_000;
        let invite = Invite {
            code_hash: self.code_hash(&code),
            person: person.clone(),
            name: name.to_owned(),
            role: req.role,
            unit: req.unit.clone(),
            agency: req.agency.map(|a| a.as_str().to_owned()),
            cleared: req.cleared,
            expires_at,
        };
        db::write(self.db(), |tx| tx.insert_invite(&invite))?;
        Ok(InviteCode {
            code,
            person,
            expires_at,
        })
    }

    /// Redeems an enrollment code: registers the device's key for the invited person and
    /// announces the device to every other device through the hub's chain.
    pub fn enroll(&self, req: &EnrollRequest) -> Result<Enrolled> {
        let mut key = [0u8; 32];
        hex::decode_to_slice(&req.public_key, &mut key)
            .map_err(|_| HubError::refused(Refusal::Malformed, "public_key: 64 hex digits"))?;
        let public = VerifyingKey::from_bytes(&key)
            .map_err(|_| HubError::refused(Refusal::Malformed, "public_key: not an Ed25519 key"))?;
        let mut proof = [0u8; 64];
        hex::decode_to_slice(&req.proof, &mut proof)
            .map_err(|_| HubError::refused(Refusal::Malformed, "proof: 128 hex digits"))?;
        let digest = enrollment_proof_digest(&req.code, &key);
        if public
            .verify_strict(&digest, &ed25519_dalek::Signature::from_bytes(&proof))
            .is_err()
        {
            return Err(HubError::refused(
                Refusal::Unauthenticated,
                "the enrollment proof does not match the device's key",
            ));
        }
        let id = DeviceId::of(&public);
        let now = now_ms();
        let (hash, legacy) = (self.code_hash(&req.code), legacy_code_hash(&req.code));
        let enrolled = db::write(self.db(), |tx| {
            let invite = match tx.take_invite(&hash)? {
                Some(invite) => Some(invite),
                None => tx.take_invite(&legacy)?,
            };
            let invite = invite.ok_or_else(|| {
                HubError::refused(
                    Refusal::BadCode,
                    "this enrollment code is unknown or was already used; ask the county ICT \
                     office for a new one",
                )
            })?;
            if invite.expires_at < now {
                return Err(HubError::refused(
                    Refusal::ExpiredCode,
                    "this enrollment code has expired; ask the county ICT office for a new one",
                ));
            }
            if tx.device(&id)?.is_some() {
                return Err(HubError::refused(
                    Refusal::AlreadyEnrolled,
                    "this device is already enrolled",
                ));
            }
            let record = DeviceRecord {
                id,
                public_key: key,
                person: invite.person.clone(),
                name: invite.name.clone(),
                role: Holder::Person(invite.role),
                unit: Some(invite.unit.clone()),
                agency: invite.agency.clone(),
                cleared: invite.cleared,
                revoked: false,
                // Whoever holds a cleared or administrator's code could otherwise read
                // informants' names or speak for the county: the administrator approves such
                // a device after comparing the id its laptop shows.
                pending: invite.cleared || invite.role == Role::Admin,
                enrolled_at: now,
                counter: 0,
                head_seq: 0,
                head_hash: Hash::GENESIS,
            };
            tx.insert_device(&record)?;
            if !record.pending {
                self.announce(tx, &record, now)?;
            }
            Ok(Enrolled {
                hub_key: hex::encode(self.key.verifying_key().to_bytes()),
                name: record.name,
                role: record
                    .role
                    .role()
                    .ok_or_else(|| HubError::Internal("a person enrolled as the hub".into()))?,
                unit: record.unit,
                agency: record
                    .agency
                    .as_deref()
                    .map(Agency::parse)
                    .transpose()
                    .map_err(HubError::Internal)?,
                person: record.person,
                cleared: record.cleared,
                hub_time: now,
            })
        })?;
        tracing::info!(device = %id, role = %enrolled.role, "device enrolled");
        Ok(enrolled)
    }

    /// Tells every device of a newly enrolled one, through the hub's chain; a new laptop for
    /// an existing person replaces the old one (lost, stolen or dead): the old one is refused
    /// from now on, and every device learns it.
    fn announce(&self, tx: &mut dyn Tx, record: &DeviceRecord, now: i64) -> Result<()> {
        let replaced: Vec<DeviceId> = tx
            .devices()?
            .into_iter()
            .filter(|d| {
                d.person == record.person && !d.revoked && d.id != self.id && d.id != record.id
            })
            .map(|d| d.id)
            .collect();
        self.append(tx, EntryKind::DeviceEnrolled, &device_body(record), now)?;
        for old in replaced {
            tx.set_revoked(&old)?;
            self.append(
                tx,
                EntryKind::DeviceRevoked,
                &json!({"device": old.to_string(), "replaced_by": record.id.to_string()}),
                now,
            )?;
            tracing::info!(device = %old, by = %record.id, "device replaced");
        }
        Ok(())
    }

    /// Approves a device enrolled from a cleared or administrator's invite, once the
    /// administrator has compared its id with the one its laptop shows: from now on it syncs,
    /// and every device learns of it.
    pub fn approve(&self, text: &str) -> Result<DeviceRecord> {
        let device = db::read(self.db(), |tx| find_device(tx, text, self.id))?;
        if device.revoked {
            return Err(HubError::refused(
                Refusal::Revoked,
                format!("device {} was revoked; it cannot be approved", device.id),
            ));
        }
        let now = now_ms();
        let approved = db::write(self.db(), |tx| {
            if !tx.set_approved(&device.id)? {
                return Ok(false);
            }
            self.announce(tx, &device, now)?;
            Ok(true)
        })?;
        if !approved {
            return Err(HubError::refused(
                Refusal::NotPending,
                format!(
                    "device {} ({}) is not waiting for approval",
                    device.id, device.name
                ),
            ));
        }
        tracing::info!(device = %device.id, "device approved");
        Ok(DeviceRecord {
            pending: false,
            ..device
        })
    }

    /// Refuses a device that waits for the administrator's approval.
    pub(crate) fn refuse_pending(device: &DeviceRecord) -> Result<()> {
        if device.pending {
            return Err(HubError::refused(
                Refusal::PendingApproval,
                format!(
                    "this device waits for the county ICT officer's approval: read out the id \
                     your laptop shows ({}) to the county ICT officer, who approves it with \
                     `usalama-hub devices approve`; then sync again",
                    device.id
                ),
            ));
        }
        Ok(())
    }

    /// Where an invite code is stored: its HMAC under the hub's invite key.
    fn code_hash(&self, code: &str) -> [u8; 32] {
        hmac_sha256(
            &self.invite_key,
            usalama_protocol::enrollment::canonical_code(code).as_bytes(),
        )
    }

    /// One sync exchange: stores what the device sent (verified, idempotently) and answers with
    /// the acknowledgement and what the device may see since its cursor, signed over the
    /// request.
    ///
    /// The device is looked up and its signature checked before anything is decompressed, so
    /// that nobody but an enrolled device can make the hub do more than read a header. The
    /// device's own entries are stored first; entries it carries for others never hold them
    /// back: a carried run the hub will never take (a fork, a broken chain, a bad signature,
    /// an unknown author) is kept aside where it must be and listed in the answer, so that
    /// the carrier drops it.
    pub fn sync(&self, body: &[u8]) -> Result<Vec<u8>> {
        let frame = SyncRequest::frame(body)?;
        let known = db::read(self.db(), |tx| tx.device(&frame.device))?;
        let device = self.authenticated(known)?;
        let key = VerifyingKey::from_bytes(&device.public_key)
            .map_err(|_| HubError::Database("a stored device key is damaged".into()))?;
        if !frame.verify(&self.id, &key) {
            return Err(HubError::refused(
                Refusal::Unauthenticated,
                "the request is not signed by this device's key",
            ));
        }
        let request = frame.open()?;
        if request
            .runs
            .iter()
            .any(|r| r.entries.iter().any(|e| e.proof))
        {
            return Err(HubError::refused(
                Refusal::Malformed,
                "a device sends entries, never proofs",
            ));
        }
        // Bundles relayed for other devices: opened before the write (each is sealed to this
        // hub and signed by its maker); one that cannot be read is refused, never the sync.
        let mut relayed: Vec<std::result::Result<DeviceBundle, Refused>> = Vec::new();
        for bytes in &request.bundles {
            relayed.push(self.open_device_bundle(bytes).map(|(b, _)| b).map_err(|e| {
                tracing::warn!(carrier = %request.device, code = e.code(), "relayed bundle refused");
                Refused {
                    device: DeviceId([0; 16]),
                    first_seq: 0,
                    last_seq: 0,
                    reason: e.code().to_owned(),
                }
            }));
        }
        let now = now_ms();
        let mut forks: Vec<Fork> = Vec::new();
        let mut removed = 0;
        let result = db::write(self.db(), |tx| {
            forks.clear();
            let device = self.authenticated(tx.device(&request.device)?)?;
            // A device's own new reports always go through; anything else counts against its
            // daily budget.
            let own_reports = request.runs.iter().any(|r| {
                r.device == device.id
                    && r.entries.iter().any(|e| {
                        matches!(e.kind, EntryKind::ReportFiled | EntryKind::ReportAmended)
                    })
            });
            self.charge_in(tx, &device.id, body.len() as u64, own_reports)?;
            if request.counter <= device.counter {
                return Err(HubError::refused(
                    Refusal::Replayed,
                    format!(
                        "request {} was already seen (the last was {}); a replayed request is \
                         refused",
                        request.counter, device.counter
                    ),
                ));
            }
            tx.set_counter(&device.id, request.counter)?;
            let mut acks = vec![(device.id, device.head_seq)];
            let mut refused: Vec<Refused> = Vec::new();
            let mut stored = 0u64;
            // The device's own runs first: what it carries never holds them back.
            let mut runs: Vec<&Run> = request.runs.iter().collect();
            runs.sort_by_key(|r| r.device != device.id);
            for bundle in &relayed {
                match bundle {
                    Ok(b) => {
                        runs.extend(b.runs.iter().filter(|r| r.device != device.id));
                        let maker = tx.device(&b.device)?;
                        if maker.is_some_and(|m| !m.revoked) {
                            let cursor = self.trusted_cursor(tx, &b.device, b.cursor)?;
                            tx.set_meta(&pull_from_key(&b.device), &cursor.to_string())?;
                        }
                    }
                    Err(r) => refused.push(r.clone()),
                }
            }
            for run in runs {
                let own = run.device == device.id;
                let mut fork = None;
                let outcome = self.store_run(tx, run, now, &mut fork, &mut removed);
                let (author, head, added) = match outcome {
                    Ok(stored) => stored,
                    // Entries that do not continue what the hub holds of their device: carried
                    // ones the carrier lacks the start of, or the hub was restored from a
                    // backup older than the device's last sync. The hub's head for that device
                    // tells the sender where to start again; nothing is refused.
                    Err(e) if e.refusal() == Refusal::Gap => {
                        let head = tx.device(&run.device)?.map_or(0, |d| d.head_seq);
                        (run.device, head, 0)
                    }
                    Err(e @ HubError::Refused { .. }) if !own => {
                        forks.extend(fork);
                        tracing::warn!(
                            carrier = %device.id, author = %run.device, code = e.code(),
                            "carried entries refused"
                        );
                        refused.push(Refused {
                            device: run.device,
                            first_seq: run.first_seq,
                            last_seq: run.last_seq(),
                            reason: e.code().to_owned(),
                        });
                        continue;
                    }
                    Err(e) => {
                        forks.extend(fork);
                        return Err(e);
                    }
                };
                stored += added;
                if !own {
                    // Entries a revoked device wrote after its revocation are kept without
                    // effect: the carrier hears which.
                    if let Some(author) = tx.device(&author)?.filter(|a| a.revoked) {
                        let last = self.revoked_after(tx, &author)?;
                        if run.last_seq() > last {
                            refused.push(Refused {
                                device: author.id,
                                first_seq: run.first_seq.max(last + 1),
                                last_seq: run.last_seq(),
                                reason: "revoked".into(),
                            });
                        }
                    }
                }
                match acks.iter_mut().find(|(d, _)| *d == author) {
                    Some(slot) => slot.1 = head,
                    None => acks.push((author, head)),
                }
            }
            let cursor = self.trusted_cursor(tx, &device.id, request.cursor)?;
            let mut response = self.answer(tx, &device, cursor, acks, now, CHUNK_BYTES)?;
            response.refused = refused;
            tx.set_meta(&cursor_key(&device.id), &response.cursor.to_string())?;
            tx.set_meta(&pull_from_key(&device.id), &cursor.to_string())?;
            if !forks.is_empty() {
                for f in &forks {
                    tx.insert_fork(f)?;
                }
            }
            let sent = response.runs.iter().map(|r| r.entries.len()).sum::<usize>();
            Ok((response, stored, sent))
        });
        match result {
            Ok((response, stored, sent)) => {
                if removed > 0 {
                    self.db.scrub()?;
                }
                for f in &forks {
                    tracing::warn!(device = %f.device, seq = f.seq, "fork kept aside");
                }
                self.metrics.synced(stored, sent);
                tracing::info!(
                    device = %request.device, received = stored, sent, cursor = response.cursor,
                    refused = response.refused.len(), "sync"
                );
                Ok(response.seal(&self.key, &frame.tag())?)
            }
            Err(e) => {
                if !forks.is_empty() {
                    db::write(self.db(), |tx| {
                        for f in &forks {
                            tracing::warn!(device = %f.device, seq = f.seq, "fork kept aside");
                            tx.insert_fork(f)?;
                        }
                        Ok(())
                    })?;
                }
                Err(e)
            }
        }
    }

    /// The device a request names, if it may sync: enrolled and not revoked.
    fn authenticated(&self, device: Option<DeviceRecord>) -> Result<DeviceRecord> {
        let device = device.ok_or_else(|| {
            HubError::refused(
                Refusal::UnknownDevice,
                "this device is not enrolled with this hub",
            )
        })?;
        if device.revoked {
            return Err(HubError::refused(
                Refusal::Revoked,
                "this device has been revoked",
            ));
        }
        if device.id == self.id {
            return Err(HubError::refused(
                Refusal::UnknownDevice,
                "the hub does not sync with itself",
            ));
        }
        Hub::refuse_pending(&device)?;
        Ok(device)
    }

    /// Where to pull from for a device that says it holds everything up to `cursor`. The hub
    /// remembers the furthest cursor it gave each device; a device claiming more synced with
    /// this hub before it was restored from a backup, and the entries numbered since the
    /// restore reuse those numbers. Such a device pulls again from the furthest point this
    /// hub remembers giving it (from the start if none); it keeps each entry once.
    fn trusted_cursor(&self, tx: &mut dyn Tx, device: &DeviceId, cursor: u64) -> Result<u64> {
        let given = tx
            .meta(&cursor_key(device))?
            .and_then(|c| c.parse::<u64>().ok());
        let beyond = match given {
            Some(given) => cursor > given,
            None => cursor > tx.last_hub_seq()?,
        };
        if beyond {
            let from = given.unwrap_or(0);
            tracing::warn!(device = %device, cursor, from, "cursor from before a restore");
            return Ok(from);
        }
        Ok(cursor)
    }

    /// The answer for `device`: the acknowledgements, and what it may see since `cursor`, up
    /// to about `max_bytes`.
    fn answer(
        &self,
        tx: &mut dyn Tx,
        device: &DeviceRecord,
        cursor: u64,
        acks: Vec<(DeviceId, u64)>,
        now: i64,
        max_bytes: usize,
    ) -> Result<SyncResponse> {
        let units = tx.units()?;
        let scope = audience_units(device, &units);
        let audience = Audience {
            device: device.id,
            person: &device.person,
            units: &scope,
            hub: self.id,
            operations: device.role == Role::Officer || device.role == Role::Admin,
            cleared: device.cleared,
        };
        let (pulled, more) = tx.pull(&audience, cursor, max_bytes)?;
        let next = pulled.last().map_or(cursor, |s| s.order.max(cursor));
        let mut entries: Vec<(Entry, i64)> = pulled
            .into_iter()
            .map(|s| (s.entry, s.received_at))
            .collect();
        entries.sort_by_key(|(e, _)| (e.device, e.seq));
        let receipts: Vec<i64> = entries.iter().map(|(_, r)| *r).collect();
        let entries: Vec<Entry> = entries.into_iter().map(|(e, _)| e).collect();
        let mut runs = Run::from_entries(&entries, |i| receipts.get(i).copied(), Signatures::Head);
        for run in runs.iter_mut().filter(|r| !r.is_signed()) {
            // A run whose last entry carries no signature of its own (a reporter's entries
            // travel with a signature every few entries, and those stored before protocol 2
            // with one per run): the entries that follow, up to a signed one, prove it; they
            // travel without their bodies and are not stored by the device.
            for (e, received) in tx.entries_to_signature(&run.device, run.last_seq(), 10_000)? {
                run.entries.push(RunEntry::proof_of(&e, Some(received)));
            }
        }
        // A run nothing signed covers is never sent: a device would refuse the whole answer.
        runs.retain(|r| {
            let signed = r.is_signed();
            if !signed {
                tracing::warn!(device = %r.device, seq = r.last_seq(), "no signature covers entries");
            }
            signed
        });
        Ok(SyncResponse {
            hub_time: now,
            acks,
            cursor: next,
            more,
            runs,
            refused: Vec::new(),
        })
    }

    /// Reads a device's bundle (carried on a USB stick): stores its runs with the checks and
    /// the idempotency of a network sync. A run that cannot be stored (a gap, a fork, an
    /// unknown or revoked author) is reported and the others are still stored.
    pub fn import_bundle(&self, bytes: &[u8]) -> Result<BundleImport> {
        let (bundle, carrier) = self.open_device_bundle(bytes)?;
        let now = now_ms();
        let mut report = BundleImport {
            device: bundle.device.to_string(),
            ..BundleImport::default()
        };
        let mut removed = 0;
        for run in &bundle.runs {
            let mut fork = None;
            // A revoked author's entries from before its revocation are stored as any
            // late entry; those after it, without effect.
            let result = db::write(self.db(), |tx| {
                self.store_run(tx, run, now, &mut fork, &mut removed)
            });
            match result {
                Ok((_, _, added)) => {
                    report.stored += added;
                    report.already_held += run.entries.len() as u64 - added;
                }
                Err(e @ HubError::Refused { .. }) => {
                    if let Some(f) = fork {
                        db::write(self.db(), |tx| tx.insert_fork(&f))?;
                    }
                    report.skipped.push(format!(
                        "entries {} to {} of device {}: {e}",
                        run.first_seq,
                        run.last_seq(),
                        run.device
                    ));
                }
                Err(e) => return Err(e),
            }
        }
        if !carrier.revoked {
            // The next bundle for this device starts where it says it stands.
            db::write(self.db(), |tx| {
                let cursor = self.trusted_cursor(tx, &carrier.id, bundle.cursor)?;
                tx.set_meta(&pull_from_key(&carrier.id), &cursor.to_string())
            })?;
        }
        if removed > 0 {
            self.db.scrub()?;
        }
        self.metrics.synced(report.stored, 0);
        tracing::info!(
            device = %bundle.device, stored = report.stored, skipped = report.skipped.len(),
            "bundle imported"
        );
        Ok(report)
    }

    /// Opens a device's bundle sealed to this hub and checks its maker's signature: the
    /// bundle and the maker's record.
    fn open_device_bundle(&self, bytes: &[u8]) -> Result<(DeviceBundle, DeviceRecord)> {
        let (bundle, signature) = Bundle::open(bytes, &self.box_secret()).map_err(|e| match e {
            usalama_protocol::Error::Unsupported(m) => HubError::refused(Refusal::Outdated, m),
            usalama_protocol::Error::Refused(_) => HubError::refused(
                Refusal::WrongHub,
                "this bundle was made for another county hub (or a device): it cannot be read \
                 here",
            ),
            usalama_protocol::Error::Integrity(m) => HubError::refused(Refusal::BadSignature, m),
            other => HubError::refused(Refusal::Malformed, other.to_string()),
        })?;
        let Bundle::FromDevice(bundle) = bundle else {
            return Err(HubError::refused(
                Refusal::WrongBundle,
                "this bundle was made by a hub for a device: import it on that device with \
                 `usalama bundle import`",
            ));
        };
        if bundle.hub != self.id {
            return Err(HubError::refused(
                Refusal::WrongHub,
                "this bundle was made for another county hub",
            ));
        }
        let maker = db::read(self.db(), |tx| tx.device(&bundle.device))?.ok_or_else(|| {
            HubError::refused(
                Refusal::UnknownAuthor,
                format!(
                    "the bundle was made by device {}, which is not enrolled here",
                    bundle.device
                ),
            )
        })?;
        let key = VerifyingKey::from_bytes(&maker.public_key)
            .map_err(|_| HubError::Database("a stored device key is damaged".into()))?;
        if !signature.verify(&key) {
            return Err(HubError::refused(
                Refusal::BadSignature,
                "the bundle's signature does not match the device that made it: it was changed \
                 or damaged on the way; nothing was imported",
            ));
        }
        Ok((bundle, maker))
    }

    /// A bundle for one device (found by a prefix of its id): what its next sync would
    /// receive, all at once, signed by the hub. `since` is the device's cursor; by default the
    /// last one it reported (by sync or bundle), so nothing it holds travels again.
    pub fn export_bundle(
        &self,
        device: &str,
        since: Option<u64>,
    ) -> Result<(Vec<u8>, BundleExport)> {
        let now = now_ms();
        let response = db::write(self.db(), |tx| {
            let record = find_device(tx, device, self.id)?;
            if record.revoked {
                return Err(HubError::refused(
                    Refusal::Revoked,
                    format!("device {} has been revoked", record.id),
                ));
            }
            let cursor = match since {
                Some(c) => c,
                None => tx
                    .meta(&pull_from_key(&record.id))?
                    .or(tx.meta(&cursor_key(&record.id))?)
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(0),
            };
            // Every device's head: the device learns which of the entries it carried for
            // others have arrived, as well as its own.
            let acks = tx
                .devices()?
                .into_iter()
                .filter(|d| d.head_seq > 0 && d.id != self.id)
                .map(|d| (d.id, d.head_seq))
                .collect();
            // The device takes the answer's time as when the hub received what it acknowledges:
            // for a bundle, when the device's last entries arrived, not when the answer is
            // written (the stick may have waited days).
            let received = tx.received_at(&record.id, record.head_seq)?.unwrap_or(now);
            let response = self.answer(tx, &record, cursor, acks, received, usize::MAX)?;
            let key = cursor_key(&record.id);
            let given = tx.meta(&key)?.and_then(|c| c.parse::<u64>().ok());
            if given.is_none_or(|g| g < response.cursor) {
                tx.set_meta(&key, &response.cursor.to_string())?;
            }
            Ok((record, response))
        })?;
        let (record, response) = response;
        let id = record.id;
        let entries = response.runs.iter().map(|r| r.entries.len()).sum();
        let bundle = Bundle::FromHub(HubBundle {
            hub: self.id,
            device: id,
            response,
        });
        let key = VerifyingKey::from_bytes(&record.public_key)
            .map_err(|_| HubError::Database("a stored device key is damaged".into()))?;
        let bytes = bundle.seal(&self.key, &BoxPublic::of_device(&key))?;
        let export = BundleExport {
            device: id.to_string(),
            entries,
            bytes: bytes.len(),
        };
        Ok((bytes, export))
    }

    /// Stores one run: checks that its author signed every entry and its link to what the
    /// hub holds, skips what is already stored (a retried or replayed batch), and refuses a
    /// fork. Everything is checked before anything is written, so a refused run leaves no
    /// trace but the fork it records. Entries a revoked device wrote after its revocation are
    /// kept without effect. Returns the author, the new head and how many entries were new.
    fn store_run(
        &self,
        tx: &mut dyn Tx,
        run: &Run,
        now: i64,
        fork: &mut Option<Fork>,
        removed: &mut usize,
    ) -> Result<(DeviceId, u64, u64)> {
        let author = tx.device(&run.device)?.ok_or_else(|| {
            HubError::refused(
                Refusal::UnknownAuthor,
                format!(
                    "entries of device {} which is not enrolled here",
                    run.device
                ),
            )
        })?;
        if author.id == self.id {
            return Err(HubError::refused(
                Refusal::BadSignature,
                "entries of the hub's own chain come only from the hub",
            ));
        }
        let key = VerifyingKey::from_bytes(&author.public_key)
            .map_err(|_| HubError::Database("a stored device key is damaged".into()))?;
        let entries = run.verified(&key).map_err(|e| {
            HubError::refused(
                Refusal::BadSignature,
                format!(
                    "entries {} to {} of device {}: {e}",
                    run.first_seq,
                    run.last_seq(),
                    run.device
                ),
            )
        })?;
        // Checked whole first: a fork, a gap or a broken link refuses the run unwritten.
        let (mut head_seq, mut head_hash) = (author.head_seq, author.head_hash);
        for entry in &entries {
            let hash = entry.hash();
            if entry.seq <= head_seq {
                let held = tx.entry_hash(&author.id, entry.seq)?;
                if held != Some(hash) {
                    *fork = Some(Fork {
                        device: author.id,
                        seq: entry.seq,
                        held_hash: held.map(|h| h.to_string()).unwrap_or_default(),
                        offered_hash: hash.to_string(),
                        seen_at: now,
                    });
                    return Err(HubError::refused(
                        Refusal::Fork,
                        format!(
                            "entry {} of device {} differs from the one the hub holds; it is \
                             kept aside for the county ICT office",
                            entry.seq, author.id
                        ),
                    ));
                }
                continue;
            }
            if entry.seq != head_seq + 1 {
                return Err(HubError::refused(
                    Refusal::Gap,
                    format!(
                        "entries of device {} must continue from {} (got {})",
                        author.id,
                        head_seq + 1,
                        entry.seq
                    ),
                ));
            }
            if entry.prev != head_hash {
                return Err(HubError::refused(
                    Refusal::BrokenChain,
                    format!(
                        "entry {} of device {} does not link to entry {}",
                        entry.seq, author.id, head_seq
                    ),
                ));
            }
            head_seq = entry.seq;
            head_hash = hash;
        }
        let revoked_after = if author.revoked {
            Some(self.revoked_after(tx, &author)?)
        } else {
            None
        };
        let mut added = 0;
        for entry in entries.iter().filter(|e| e.seq > author.head_seq) {
            let mut refused = match revoked_after {
                Some(last) if entry.seq > last => Some(format!(
                    "written after the county revoked device {} (its entries after {last} take \
                     effect nowhere)",
                    author.id
                )),
                _ => match dated_ahead(entry, now) {
                    Some(why) => Some(why),
                    None => self.refusal(tx, &author, entry)?,
                },
            };
            // A source in the clear (or a sealed body that is not one) is never kept: only its
            // hash, which keeps the chain whole.
            let kept = match unkeepable_body(entry) {
                Some(why) => {
                    refused = Some(why);
                    let mut bodiless = entry.clone();
                    bodiless.body = None;
                    std::borrow::Cow::Owned(bodiless)
                }
                None => std::borrow::Cow::Borrowed(entry),
            };
            let entry = kept.as_ref();
            let hub_seq = tx.insert_entry(entry, now, refused.as_deref())?;
            match &refused {
                Some(why) => {
                    self.metrics.refused_entry();
                    tracing::warn!(device = %author.id, seq = entry.seq, reason = %why, "entry refused");
                }
                None => *removed += self.project(tx, &author, entry, hub_seq)?,
            }
            added += 1;
        }
        if added > 0 {
            tx.set_head(&author.id, head_seq, &head_hash)?;
        }
        Ok((author.id, head_seq, added))
    }

    /// The last entry of a revoked device that takes effect: what the hub held of it when it
    /// was revoked.
    fn revoked_after(&self, tx: &mut dyn Tx, device: &DeviceRecord) -> Result<u64> {
        let key = revoked_after_key(&device.id);
        if let Some(last) = tx.meta(&key)?.and_then(|v| v.parse().ok()) {
            return Ok(last);
        }
        // Revoked before this was recorded: nothing stored from now on takes effect.
        tx.set_meta(&key, &device.head_seq.to_string())?;
        Ok(device.head_seq)
    }

    /// Why an entry may have no effect, or `None`: its body fails the checks its author's
    /// device applies (see `usalama_protocol::admission`), or the table "Who may do what" does not
    /// let its author take the step.
    fn refusal(&self, tx: &mut dyn Tx, author: &DeviceRecord, e: &Entry) -> Result<Option<String>> {
        if let Err(refusal) = admission(tx, e)? {
            return Ok(Some(refusal.message));
        }
        Ok(match e.kind {
            EntryKind::ReportFiled if author.role == Role::Admin => {
                Some("an administrator's device may not file reports".into())
            }
            EntryKind::ReportFiled => None,
            EntryKind::ReportAmended => match e.subject {
                None => Some("an amendment must name its report".into()),
                Some(id) => match tx.report(&id)? {
                    None => Some(format!("amends report {id}, which the hub does not hold")),
                    Some(r) if r.person != author.person => {
                        Some("only the report's author may amend it".into())
                    }
                    Some(_) => None,
                },
            },
            EntryKind::Acknowledged
            | EntryKind::Assigned
            | EntryKind::Updated
            | EntryKind::Closed
            | EntryKind::Reopened
            | EntryKind::Linked => lifecycle_refusal(tx, author, e)?,
            EntryKind::NeedsAssessed if author.role != Role::Officer => {
                Some("only agency officers record needs assessments".into())
            }
            EntryKind::NeedsAssessed => None,
            EntryKind::ReportRedacted => match e.subject {
                None => Some("a redaction must name its report".into()),
                Some(id) => match tx.report(&id)? {
                    None => Some(format!("redacts report {id}, which the hub does not hold")),
                    Some(r) if r.person != author.person && author.role != Role::Admin => Some(
                        "only the report's author or the county administrator (role admin) \
                             may redact it"
                            .into(),
                    ),
                    // A redaction whose own body a later one removed has nothing left to do.
                    Some(_) if e.body.is_some() && Redaction::of(e).is_none() => {
                        Some("the redaction cannot be read".into())
                    }
                    Some(_) => None,
                },
            },
            EntryKind::SourceSealed => match e.subject {
                None => Some("a sealed source must name its report".into()),
                Some(id) => match tx.report(&id)? {
                    None => Some(format!(
                        "seals a source of report {id}, which the hub does not hold"
                    )),
                    Some(r) if r.person != author.person => {
                        Some("only the report's author may record its source".into())
                    }
                    Some(_) => None,
                },
            },
            EntryKind::CountyKey if !author.cleared => {
                Some("only a cleared reader's device may issue or share a county key".into())
            }
            EntryKind::CountyKey => None,
            EntryKind::ClearanceGranted if !author.cleared => {
                Some("only a cleared reader's device may approve another's clearance".into())
            }
            EntryKind::ClearanceGranted => e
                .body
                .as_deref()
                .and_then(|b| usalama_protocol::county::Grant::parse(b).err())
                .map(|err| format!("the clearance approval cannot be read: {err}")),
            EntryKind::UnitAdded
            | EntryKind::UnitRenamed
            | EntryKind::UnitRetired
            | EntryKind::DeviceEnrolled
            | EntryKind::DeviceRevoked => Some("only the hub records reference data".into()),
            EntryKind::Unknown(_) => None,
        })
    }

    /// Keeps who may see each report up to date, and applies redactions. Returns how many
    /// bodies a redaction removed.
    fn project(
        &self,
        tx: &mut dyn Tx,
        author: &DeviceRecord,
        e: &Entry,
        hub_seq: u64,
    ) -> Result<usize> {
        let body = e.body_json();
        let unit_in = |b: &Option<Value>| -> Option<Option<String>> {
            b.as_ref()?
                .get("unit")
                .map(|u| u.as_str().map(str::to_owned))
        };
        let fallback = author.unit.clone().unwrap_or_else(|| COUNTY.to_owned());
        match e.kind {
            EntryKind::ReportFiled => {
                let unit = unit_in(&body).flatten().unwrap_or(fallback);
                tx.upsert_report(&ReportScope {
                    id: e.report_id(),
                    author: author.id,
                    person: author.person.clone(),
                    unit,
                    rescoped: 0,
                })?;
            }
            EntryKind::ReportAmended => {
                if let (Some(id), Some(unit)) = (e.subject, unit_in(&body)) {
                    if let Some(mut scope) = tx.report(&id)? {
                        let unit = unit.unwrap_or(fallback);
                        if unit != scope.unit {
                            // Devices that now see the report must receive it whole.
                            scope.unit = unit;
                            scope.rescoped = hub_seq;
                            tx.upsert_report(&scope)?;
                        }
                    }
                }
            }
            EntryKind::ReportRedacted => return self.apply_redaction(tx, e, hub_seq),
            EntryKind::SourceSealed => return self.apply_earlier_redactions(tx, e),
            _ => {}
        }
        Ok(0)
    }

    /// A sealed source that arrives after a redaction of its report (its author was offline)
    /// keeps no body here if the redaction removes it, as it would had it arrived first.
    fn apply_earlier_redactions(&self, tx: &mut dyn Tx, e: &Entry) -> Result<usize> {
        let Some(id) = e.about() else {
            return Ok(0);
        };
        let Some(scope) = tx.report(&id)? else {
            return Ok(0);
        };
        for r in tx.entries_about(&id)? {
            let Some(redaction) = Redaction::of(&r) else {
                continue;
            };
            let admissible = r.device == self.id
                || tx
                    .device(&r.device)?
                    .is_some_and(|d| d.person == scope.person || d.role == Role::Admin);
            if admissible && redaction.removes(&r, e) && tx.drop_body(&e.device, e.seq)? {
                return Ok(1);
            }
        }
        Ok(0)
    }

    /// Drops the bodies a redaction (already found admissible) names, and follows the report
    /// if its new content moves it to another unit. Returns how many bodies were dropped.
    fn apply_redaction(&self, tx: &mut dyn Tx, e: &Entry, hub_seq: u64) -> Result<usize> {
        let (Some(id), Some(redaction)) = (e.subject, Redaction::of(e)) else {
            return Ok(0);
        };
        let mut removed = 0;
        for target in tx.entries_about(&id)? {
            if target.body.is_some()
                && redaction.removes(e, &target)
                && tx.drop_body(&target.device, target.seq)?
            {
                removed += 1;
            }
        }
        if let Some(mut scope) = tx.report(&id)? {
            let unit = match redaction.document.get("unit").and_then(Value::as_str) {
                Some(unit) => unit.to_owned(),
                None => tx
                    .device(&scope.author)?
                    .and_then(|d| d.unit)
                    .unwrap_or_else(|| COUNTY.to_owned()),
            };
            if unit != scope.unit {
                scope.unit = unit;
                scope.rescoped = hub_seq;
                tx.upsert_report(&scope)?;
            }
        }
        tracing::info!(report = %id, by = %e.device, removed, "report redacted");
        Ok(removed)
    }

    /// The county administrator redacts a report at the hub: its content becomes
    /// `replacement`, and every body that carried its earlier content is dropped here now and
    /// on every device that holds it at its next sync. Recorded in the hub's own chain.
    pub fn redact(&self, id: &str, replacement: &Report, reason: &str) -> Result<Redacted> {
        let id = ReportId::parse(id.trim()).ok_or_else(|| {
            HubError::refused(
                Refusal::UnknownReport,
                format!(
                    "{id:?} is not a report id: give the whole id, 16 letters and digits, as \
                     `usalama report show` prints it"
                ),
            )
        })?;
        let reason = Redaction::check_reason(reason)?;
        if let Some(unit) = &replacement.unit {
            if !self.units()?.iter().any(|u| &u.id == unit && !u.retired) {
                return Err(HubError::refused(
                    Refusal::UnknownUnit,
                    format!("unit: no unit {unit:?} in use; see `usalama-hub units list`"),
                ));
            }
        }
        if replacement.source.is_some() {
            return Err(HubError::refused(
                Refusal::SourceInClear,
                "source: the hub never holds a source in the clear, so a redaction here cannot \
                 set one; leave `source` out (the report's author may record it again)",
            ));
        }
        let Value::Object(document) = replacement.to_json() else {
            return Err(HubError::Internal(
                "a report document is not an object".into(),
            ));
        };
        let now = now_ms();
        let done = db::write(self.db(), |tx| {
            if tx.report(&id)?.is_none() {
                return Err(HubError::refused(
                    Refusal::UnknownReport,
                    format!("the hub holds no report {id}"),
                ));
            }
            let redaction = Redaction {
                reason: reason.clone(),
                document: document.clone(),
                targets: targets_in(&tx.entries_about(&id)?),
            };
            let (entry, hub_seq) = self.append_about(
                tx,
                EntryKind::ReportRedacted,
                Some(id),
                redaction.to_body(),
                now,
            )?;
            let removed = self.apply_redaction(tx, &entry, hub_seq)?;
            Ok(Redacted {
                id: id.to_string(),
                removed,
                seq: entry.seq,
            })
        })?;
        self.db.scrub()?;
        Ok(done)
    }

    /// Appends an entry to the hub's own chain, in the caller's transaction.
    fn append(&self, tx: &mut dyn Tx, kind: EntryKind, body: &Value, now: i64) -> Result<Entry> {
        let body = serde_json::to_vec(body).map_err(|e| HubError::Internal(e.to_string()))?;
        Ok(self.append_about(tx, kind, None, body, now)?.0)
    }

    /// Appends an entry, about a report or not, to the hub's own chain. Returns it and its hub
    /// sequence number.
    fn append_about(
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

    pub fn devices(&self) -> Result<Vec<DeviceRecord>> {
        let id = self.id;
        db::read(self.db(), |tx| {
            Ok(tx.devices()?.into_iter().filter(|d| d.id != id).collect())
        })
    }

    /// Revokes a device: it is refused from its next request, and every device learns it.
    pub fn revoke(&self, text: &str) -> Result<DeviceRecord> {
        let device = db::read(self.db(), |tx| find_device(tx, text, self.id))?;
        let now = now_ms();
        db::write(self.db(), |tx| {
            // A device still waiting for approval was never announced: nobody needs telling.
            if tx.set_revoked(&device.id)? && !device.pending {
                // What the hub holds of it now is all of it that will ever take effect.
                let last = tx.device(&device.id)?.map_or(0, |d| d.head_seq);
                tx.set_meta(&revoked_after_key(&device.id), &last.to_string())?;
                self.append(
                    tx,
                    EntryKind::DeviceRevoked,
                    &json!({"device": device.id.to_string(), "last_seq": last}),
                    now,
                )?;
            }
            Ok(())
        })?;
        tracing::info!(device = %device.id, "device revoked");
        Ok(DeviceRecord {
            revoked: true,
            ..device
        })
    }

    pub fn units(&self) -> Result<Vec<Unit>> {
        db::read(self.db(), |tx| tx.units())
    }

    /// Adds a unit under `parent`, on the parent's branch; every device receives it.
    pub fn add_unit(&self, name: &str, kind: &str, parent: &str) -> Result<Unit> {
        let units = self.units()?;
        let name = unit_name(name)?;
        if !KINDS.contains(&kind) || kind == "county" {
            return Err(HubError::refused(
                Refusal::Invalid,
                format!("--kind: one of {}", KINDS[1..].join(", ")),
            ));
        }
        let parent_unit = units.iter().find(|u| u.id == parent).ok_or_else(|| {
            HubError::refused(
                Refusal::UnknownUnit,
                format!("--parent: no unit {parent:?}"),
            )
        })?;
        let electoral = |k: &str| k == "constituency" || k == "ward";
        let rank = |k: &str| KINDS.iter().position(|x| *x == k).unwrap_or(0);
        let same_branch =
            parent_unit.kind == "county" || electoral(kind) == electoral(&parent_unit.kind);
        if !same_branch || rank(kind) <= rank(&parent_unit.kind) {
            return Err(HubError::refused(
                Refusal::Invalid,
                format!(
                    "a {kind} cannot be placed under a {} ({parent}); the electoral branch is \
                     county > constituency > ward, the administrative one county > sub_county > \
                     division > location > sub_location > village",
                    parent_unit.kind
                ),
            ));
        }
        let id = format!("{COUNTY}-u-{}", new_code().replace('-', "").to_lowercase());
        // A new id under an existing parent cannot close a loop, unless the gazetteer already
        // holds one (a damaged database): then nothing more is placed under it.
        let parent_of = |u: &str| {
            units
                .iter()
                .find(|x| x.id == u)
                .and_then(|x| x.parent.clone())
        };
        if gazetteer::would_loop(parent_of, &id, parent) {
            return Err(HubError::refused(
                Refusal::UnitLoop,
                format!(
                    "--parent: {parent:?} lies on a loop of parents in this hub's gazetteer; \
                     place the unit under another"
                ),
            ));
        }
        let unit = Unit {
            id,
            name: name.to_owned(),
            kind: kind.to_owned(),
            parent: Some(parent.to_owned()),
            sw_name: None,
            code: None,
            retired: false,
        };
        let now = now_ms();
        db::write(self.db(), |tx| {
            tx.upsert_unit(&unit)?;
            self.append(tx, EntryKind::UnitAdded, &unit_body(&unit), now)?;
            Ok(())
        })?;
        Ok(unit)
    }

    /// Renames a unit; its id, and so its reports, stay.
    pub fn rename_unit(&self, id: &str, name: &str) -> Result<Unit> {
        let name = unit_name(name)?;
        let name = name.as_str();
        self.change_unit(id, EntryKind::UnitRenamed, |u| u.name = name.to_owned())
    }

    /// Retires a unit: its reports keep it; it is offered for no new ones.
    pub fn retire_unit(&self, id: &str) -> Result<Unit> {
        self.change_unit(id, EntryKind::UnitRetired, |u| u.retired = true)
    }

    fn change_unit(&self, id: &str, kind: EntryKind, change: impl Fn(&mut Unit)) -> Result<Unit> {
        let now = now_ms();
        db::write(self.db(), |tx| {
            let mut unit = tx
                .units()?
                .into_iter()
                .find(|u| u.id == id)
                .ok_or_else(|| {
                    HubError::refused(
                        Refusal::UnknownUnit,
                        format!("no unit {id:?}; see `usalama-hub units list`"),
                    )
                })?;
            change(&mut unit);
            tx.upsert_unit(&unit)?;
            let body = match kind {
                EntryKind::UnitRenamed => json!({"id": unit.id, "name": unit.name}),
                _ => json!({"id": unit.id}),
            };
            self.append(tx, kind, &body, now)?;
            Ok(unit)
        })
    }

    /// Entries kept without effect, for the administrator: those the hub refused when they
    /// arrived, and response steps that the report's state left without effect when every
    /// device folds them (closing a closed report, an update from an agency that does not
    /// lead), as every device's projection does.
    pub fn refused(&self) -> Result<Vec<db::Refused>> {
        db::read(self.db(), |tx| {
            let mut refused = tx.refused()?;
            let mut by_report: BTreeMap<ReportId, Vec<(Entry, i64)>> = BTreeMap::new();
            for (entry, received_at) in tx.response_steps()? {
                if let Some(id) = entry.subject {
                    by_report.entry(id).or_default().push((entry, received_at));
                }
            }
            let mut actors: HashMap<DeviceId, Option<Actor>> = HashMap::new();
            for (id, mut steps) in by_report {
                steps.sort_by(|a, b| fold_order(&a.0, &b.0));
                for (e, _) in &steps {
                    if let std::collections::hash_map::Entry::Vacant(slot) = actors.entry(e.device)
                    {
                        slot.insert(tx.device(&e.device)?.as_ref().map(actor_of));
                    }
                }
                let entries: Vec<&Entry> = steps.iter().map(|(e, _)| e).collect();
                let (_, folded) = usalama_protocol::lifecycle::fold(&entries, |d| {
                    actors.get(d).copied().flatten()
                });
                for (step, (e, received_at)) in folded.into_iter().zip(&steps) {
                    if let Some(why) = step.refused {
                        refused.push(db::Refused {
                            device: e.device,
                            seq: e.seq,
                            kind: e.kind.name(),
                            reason: format!("no effect on report {id}: {why}"),
                            received_at: *received_at,
                        });
                    }
                }
            }
            refused.sort_by_key(|r| r.received_at);
            Ok(refused)
        })
    }

    pub fn forks(&self) -> Result<Vec<Fork>> {
        db::read(self.db(), |tx| tx.forks())
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

/// Checks an entry arriving at the hub as every receiving device does: its body by its
/// author's parsers, the units it names against the hub's gazetteer, and a filing's report id
/// against the reports the hub holds. Only entries new to the hub reach this, so a held report
/// with the same id was filed by another entry.
fn admission(tx: &mut dyn Tx, e: &Entry) -> Result<std::result::Result<(), admission::Refusal>> {
    let names_units = matches!(
        e.kind,
        EntryKind::ReportFiled
            | EntryKind::ReportAmended
            | EntryKind::ReportRedacted
            | EntryKind::NeedsAssessed
            | EntryKind::UnitAdded
            | EntryKind::UnitRenamed
            | EntryKind::UnitRetired
    ) && e.body.is_some();
    let units = if names_units { tx.units()? } else { Vec::new() };
    let held = e.kind == EntryKind::ReportFiled && tx.report(&e.report_id())?.is_some();
    let known = Known {
        units: &units,
        holds: |_: &ReportId, _: &Entry| held,
    };
    Ok(admit(e, &known))
}

/// Why an entry's body may not be kept: a report's source in the clear (only a version of
/// Usalama from before sources were sealed writes one), a sealed source that is not a sealed
/// box, a county key that cannot be read, or an entry of an unknown kind larger than such an
/// entry may be (the hub keeps its hash, not a megabyte nobody can read).
fn unkeepable_body(e: &Entry) -> Option<String> {
    let body = e.body.as_deref()?;
    let clear = || {
        "carries a report's source in the clear (an older version of Usalama wrote it); the hub \
         kept only its hash: update Usalama on that device"
            .to_owned()
    };
    match e.kind {
        EntryKind::ReportFiled | EntryKind::ReportAmended => {
            e.body_json().and_then(|b| b.get("source").map(|_| clear()))
        }
        EntryKind::ReportRedacted => {
            Redaction::of(e).and_then(|r| r.document.get("source").map(|_| clear()))
        }
        EntryKind::SourceSealed => usalama_protocol::seal::Envelope::parse(body)
            .err()
            .map(|_| "its sealed source is not a sealed box; the hub kept only its hash".into()),
        EntryKind::CountyKey => usalama_protocol::county::KeyEntry::parse(body)
            .err()
            .map(|_| "its county key cannot be read; the hub kept only its hash".into()),
        EntryKind::Unknown(code) if body.len() > MAX_UNKNOWN_BODY => Some(format!(
            "an entry of kind {code}, which this version does not know, may carry at most \
             {MAX_UNKNOWN_BODY} bytes (it carried {}); the hub kept only its hash",
            body.len()
        )),
        _ => None,
    }
}

/// A unit's name as the administrator typed it: 1 to 100 characters on one line, with no
/// control or text-direction characters (every device prints it).
fn unit_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > gazetteer::MAX_NAME {
        return Err(HubError::refused(
            Refusal::Invalid,
            format!("--name: 1 to {} characters", gazetteer::MAX_NAME),
        ));
    }
    usalama_protocol::domain::text::check(name, usalama_protocol::domain::text::Lines::One)
        .map_err(|message| HubError::refused(Refusal::Invalid, format!("--name: {message}")))?;
    Ok(name.to_owned())
}

/// Who a device's user is, for the response's rules (the hub's own chain counts as a chief's:
/// it may take no step).
fn actor_of(device: &DeviceRecord) -> Actor {
    Actor {
        role: device.role.role().unwrap_or(Role::Chief),
        agency: device.agency.as_deref().and_then(|a| Agency::parse(a).ok()),
    }
}

/// Why a step of a report's response may have no effect, as far as the hub can tell without
/// the response's state: the author's role and agency, and the reports it names. The rules
/// that depend on the state (the lead agency, a closed report) every device applies alike
/// when it folds the response (see `usalama_protocol::lifecycle`).
fn lifecycle_refusal(tx: &mut dyn Tx, author: &DeviceRecord, e: &Entry) -> Result<Option<String>> {
    let Some(action) = Action::of(e) else {
        return Ok(Some(format!(
            "the {} entry's body does not parse",
            e.kind.name()
        )));
    };
    let Some(id) = e.subject else {
        return Ok(Some("a response step must name its report".into()));
    };
    if tx.report(&id)?.is_none() {
        return Ok(Some(format!("report {id}, which the hub does not hold")));
    }
    if let Action::Link { other } = &action {
        if *other == id || tx.report(other)?.is_none() {
            return Ok(Some(format!(
                "links report {other}, which the hub does not hold"
            )));
        }
    }
    let actor = actor_of(author);
    // The state-free part of the table: as if the report had no response yet, for the steps
    // whose rule does not depend on it.
    Ok(match action {
        Action::Acknowledge { .. } | Action::Assign { .. } | Action::Link { .. } => {
            Response::default().refusal(&actor, &action)
        }
        _ if actor.role != Role::Officer || actor.agency.is_none() => {
            Some("only agency officers act on a report's response".into())
        }
        _ => None,
    })
}

/// The enrolled device whose id starts with `text` (at least 6 hex digits).
fn find_device(tx: &mut dyn Tx, text: &str, hub: DeviceId) -> Result<DeviceRecord> {
    let text = text.trim().to_ascii_lowercase();
    let matches: Vec<DeviceRecord> = tx
        .devices()?
        .into_iter()
        .filter(|d| d.id != hub && text.len() >= 6 && d.id.to_string().starts_with(&text))
        .collect();
    match <[DeviceRecord; 1]>::try_from(matches) {
        Ok([one]) => Ok(one),
        Err(matches) if matches.is_empty() => Err(HubError::refused(
            Refusal::UnknownDevice,
            format!("no enrolled device {text:?}; see `usalama-hub devices list`"),
        )),
        Err(_) => Err(HubError::refused(
            Refusal::Ambiguous,
            format!("{text:?} matches several devices; give more of the id"),
        )),
    }
}

pub use usalama_protocol::ledger::MAX_AHEAD_MS;

/// Why an entry dated too far ahead of the hub's receipt has no effect: a response step, a
/// redaction, a county key or a clearance approval dated in the future would win over every
/// later one until that date (a close dated 2100 could never be reopened). Reports and
/// amendments are kept whatever their date (a wrong clock warns; it never loses a report).
fn dated_ahead(e: &Entry, now: i64) -> Option<String> {
    let ordered_by_date = matches!(
        e.kind,
        EntryKind::Acknowledged
            | EntryKind::Assigned
            | EntryKind::Updated
            | EntryKind::Closed
            | EntryKind::Reopened
            | EntryKind::Linked
            | EntryKind::ReportRedacted
            | EntryKind::CountyKey
            | EntryKind::ClearanceGranted
    );
    (ordered_by_date && e.at > now.saturating_add(MAX_AHEAD_MS)).then(|| {
        format!(
            "dated {} minutes after the hub received it: the device's clock runs ahead; set its \
             date and time and take the step again",
            (e.at - now) / 60_000
        )
    })
}

fn revoked_after_key(device: &DeviceId) -> String {
    format!("revoked_after:{device}")
}

fn cursor_key(device: &DeviceId) -> String {
    format!("cursor:{device}")
}

/// Where the hub keeps the cursor a device last reported by bundle: its next bundle starts
/// there.
fn pull_from_key(device: &DeviceId) -> String {
    format!("pull-from:{device}")
}

/// The units whose reports a device may see: its unit's subtree; the county for a county-wide
/// officer or an administrator.
fn audience_units(device: &DeviceRecord, units: &[Unit]) -> Vec<String> {
    let root = match (device.role.role(), device.unit.as_deref()) {
        (_, Some(unit)) => unit,
        (Some(Role::Officer | Role::Admin), None) => COUNTY,
        _ => return Vec::new(),
    };
    gazetteer::subtree(units, root)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

fn device_body(d: &DeviceRecord) -> Value {
    json!({
        "device": d.id.to_string(),
        "public_key": hex::encode(d.public_key),
        "name": d.name,
        "role": d.role,
        "unit": d.unit,
        "agency": d.agency,
        "person": d.person,
        "cleared": d.cleared,
    })
}

fn unit_body(u: &Unit) -> Value {
    json!({
        "id": u.id, "name": u.name, "kind": u.kind, "parent": u.parent,
        "sw_name": u.sw_name, "code": u.code,
    })
}

/// A one-time code: 10 Crockford base32 characters (50 bits) in two groups, `K7QXM-4HDPR`.
fn new_code() -> String {
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

/// How invites made before codes were keyed were stored (plain SHA-256): such an invite is
/// still honoured until it expires.
fn legacy_code_hash(code: &str) -> [u8; 32] {
    Sha256::digest(usalama_protocol::enrollment::canonical_code(code).as_bytes()).into()
}

/// HMAC-SHA256 (RFC 2104).
pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// The hub's secret key, as its key file holds it: 64 hex digits.
fn read_key_file(path: &std::path::Path) -> Result<Option<[u8; 32]>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(HubError::Database(format!(
                "cannot read the hub's key file {}: {e}",
                path.display()
            )))
        }
    };
    let mut key = [0u8; 32];
    hex::decode_to_slice(text.trim(), &mut key).map_err(|_| {
        HubError::Database(format!(
            "the hub's key file {} is damaged (64 hex digits expected)",
            path.display()
        ))
    })?;
    // A key file copied back from elsewhere may have lost its mode.
    db::restrict(path)
        .map_err(|e| HubError::Database(format!("cannot restrict {}: {e}", path.display())))?;
    Ok(Some(key))
}

fn save_key(path: &std::path::Path, key: &[u8; 32]) -> std::io::Result<()> {
    db::write_secret(path, format!("{}\n", hex::encode(key)).as_bytes())
}
