//! Enrollment: the one-time codes the county ICT office hands out, their redemption by a
//! device, the administrator's approval of a device that may read sources or speak for the
//! county, and the announcement of every new device through the hub's chain.

use ed25519_dalek::VerifyingKey;
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use usalama_protocol::domain::{Agency, Role};
use usalama_protocol::enrollment::{enrollment_proof_digest, Enrolled};
use usalama_protocol::ledger::{DeviceId, EntryKind, Hash};

use super::devices::find_device;
use super::{new_code, Hub};
use crate::db::{self, DeviceRecord, Holder, Invite, Tx};
use crate::error::{HubError, Refusal, Result};
use crate::now_ms;

pub use usalama_protocol::wire::EnrollRequest;

/// How long an enrollment code stays valid unless `invite` says otherwise.
pub const DEFAULT_INVITE_HOURS: u32 = 72;

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

#[derive(Debug, Clone, Serialize)]
pub struct InviteCode {
    pub code: String,
    pub person: String,
    pub expires_at: i64,
}

impl Hub {
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
        let (key, public) = proven_key(req)?;
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
            let record = device_of(&invite, id, key, now);
            tx.insert_device(&record)?;
            self.index_alert_key(tx, &record)?;
            if !record.pending {
                self.announce(tx, &record, now)?;
            }
            self.enrolled(record, now)
        })?;
        tracing::info!(device = %id, role = %enrolled.role, "device enrolled");
        Ok(enrolled)
    }

    /// What the device learns of its enrollment: the hub's key, and who it now belongs to.
    fn enrolled(&self, record: DeviceRecord, now: i64) -> Result<Enrolled> {
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
    }

    /// Tells every device of a newly enrolled one, through the hub's chain; a new laptop for
    /// an existing person replaces the old one (lost, stolen or dead): the old one is refused
    /// from now on, and every device learns it.
    pub(super) fn announce(&self, tx: &mut dyn Tx, record: &DeviceRecord, now: i64) -> Result<()> {
        let replaced: Vec<DeviceId> = tx
            .devices_of(&record.person)?
            .into_iter()
            .filter(|d| !d.revoked && d.id != self.id && d.id != record.id)
            .map(|d| d.id)
            .collect();
        self.append(tx, EntryKind::DeviceEnrolled, &device_body(record), now)?;
        for old in replaced {
            tx.set_revoked(&old)?;
            tx.unindex_sms_key(&old)?;
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
    pub(super) fn code_hash(&self, code: &str) -> [u8; 32] {
        hmac_sha256(
            &self.invite_key,
            usalama_protocol::enrollment::canonical_code(code).as_bytes(),
        )
    }
}

pub(super) fn device_body(d: &DeviceRecord) -> Value {
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

/// The key a device enrolls with, proven by its signature over the enrollment code (so a
/// code overheard on its way cannot enroll another key).
fn proven_key(req: &EnrollRequest) -> Result<([u8; 32], VerifyingKey)> {
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
    Ok((key, public))
}

/// The record of a device enrolled from `invite`.
fn device_of(invite: &Invite, id: DeviceId, key: [u8; 32], now: i64) -> DeviceRecord {
    DeviceRecord {
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
    }
}

/// How invites made before codes were keyed were stored (plain SHA-256): such an invite is
/// still honoured until it expires.
pub(super) fn legacy_code_hash(code: &str) -> [u8; 32] {
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
