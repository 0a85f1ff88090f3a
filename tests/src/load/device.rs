//! One synthetic device, held in memory: its key, its chain's head, the entries the hub has not
//! acknowledged yet, its request counter and its pull cursor. No store, no SQLCipher: what a
//! field device keeps in its database, kept here in a struct, and the same protocol on the
//! wire (the requests are sealed and the answers opened with the protocol crate's types).

use std::collections::HashMap;

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use rand::Rng;
use serde_json::Value;
use usalama_core::domain::Report;
use usalama_core::domain::Role;
use usalama_core::enrollment::enrollment_proof_digest;
use usalama_core::ledger::{DeviceId, Draft, Entry, EntryKind, Hash};
use usalama_core::wire::{EnrollRequest, RequestTag, Signatures, SyncRequest, SyncResponse};

use super::error::LoadError;
use super::exchange::Failure;

/// The keys every answer's runs are checked against: the hub's and every synthetic device's.
pub type Keys = HashMap<DeviceId, VerifyingKey>;

/// A synthetic device.
#[derive(Debug)]
pub struct Device {
    key: SigningKey,
    pub id: DeviceId,
    pub role: Role,
    /// The unit the device's person belongs to.
    pub unit: String,
    /// The unit its reports name.
    pub files_for: String,
    counter: u64,
    pub cursor: u64,
    head_seq: u64,
    head_hash: Hash,
    head_at: i64,
    acked: u64,
    unsent: Vec<Entry>,
    /// The hub said more waits beyond its last answer.
    pub more: bool,
}

/// A sealed request, and what its answer must acknowledge.
#[derive(Debug)]
pub struct Outgoing {
    pub body: Vec<u8>,
    /// The request's signature, which the hub's answer must be signed over.
    pub tag: RequestTag,
    /// The sequence number of the last entry carried (the acknowledgement when none is).
    pub up_to: u64,
    /// How many entries it carries.
    pub entries: u64,
}

/// What one answer changed on the device.
#[derive(Debug, Clone, Copy, Default)]
pub struct Applied {
    /// Entries of other devices the answer carried (proofs not counted).
    pub received: u64,
    /// This device's entries newly acknowledged.
    pub acknowledged: u64,
}

impl Device {
    pub fn new(rng: &mut impl Rng, role: Role, unit: &str, files_for: &str) -> Device {
        let key = SigningKey::from_bytes(&rng.gen());
        Device {
            id: DeviceId::of(&key.verifying_key()),
            key,
            role,
            unit: unit.to_owned(),
            files_for: files_for.to_owned(),
            counter: 0,
            cursor: 0,
            head_seq: 0,
            head_hash: Hash::GENESIS,
            head_at: 0,
            acked: 0,
            unsent: Vec::new(),
            more: false,
        }
    }

    pub fn public_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    /// A body for the update endpoint, signed with this device's key for `hub`.
    pub fn signed<T: usalama_core::protocol::release::fetch::Endpoint>(
        &self,
        body: T,
        hub: &DeviceId,
    ) -> usalama_core::protocol::release::Signed<T> {
        usalama_core::protocol::release::Signed::sign(body, &self.key, hub)
            .expect("a body that serializes")
    }

    /// The body of `POST /v1/enroll` for a one-time code: the key and the proof of holding it.
    pub fn enroll_request(&self, code: &str) -> EnrollRequest {
        let public = self.key.verifying_key().to_bytes();
        let proof = self.key.sign(&enrollment_proof_digest(code, &public));
        EnrollRequest {
            code: code.to_owned(),
            public_key: hex::encode(public),
            proof: hex::encode(proof.to_bytes()),
        }
    }

    /// Files `count` reports, as a chief's device does: each a signed entry of its chain,
    /// waiting to be sent.
    pub fn file(&mut self, rng: &mut impl Rng, count: usize) -> Result<(), LoadError> {
        for _ in 0..count {
            let body = report_body(rng, self.head_seq + 1, &self.files_for)?;
            let draft = Draft {
                kind: EntryKind::ReportFiled,
                subject: None,
                body,
            };
            // Never earlier than the previous entry, as a device's store makes it.
            let at = now_ms().max(self.head_at + 1);
            let entry = Entry::sign(draft, &self.key, self.head_seq + 1, self.head_hash, at);
            self.head_seq = entry.seq;
            self.head_hash = entry.hash();
            self.head_at = at;
            self.unsent.push(entry);
        }
        Ok(())
    }

    /// How many entries wait for the hub's acknowledgement.
    pub fn unsent(&self) -> usize {
        self.unsent.len()
    }

    /// The next request: a fresh counter, the cursor, and the unacknowledged entries up to
    /// about `max_bytes` (at least one), with the signatures a device of this role sends.
    pub fn request(&mut self, hub: &DeviceId, max_bytes: usize) -> Result<Outgoing, LoadError> {
        self.counter += 1;
        let mut bytes = 0;
        let carried = self
            .unsent
            .iter()
            .take_while(|e| {
                let fits = bytes < max_bytes;
                bytes += e.body.as_ref().map_or(0, Vec::len) + 100;
                fits
            })
            .count();
        let entries = &self.unsent[..carried];
        let signatures = match self.role {
            Role::Officer | Role::Admin => Signatures::Every,
            _ => Signatures::Spaced,
        };
        let request = SyncRequest {
            device: self.id,
            counter: self.counter,
            cursor: self.cursor,
            device_time: now_ms(),
            runs: usalama_core::wire::Run::from_entries(entries, |_| None, signatures),
            bundles: Vec::new(),
            updates: None,
        };
        let (body, tag) = request.seal(hub, &self.key)?;
        Ok(Outgoing {
            body,
            tag,
            up_to: entries.last().map_or(self.acked, |e| e.seq),
            entries: carried as u64,
        })
    }

    /// Applies the hub's answer to a request that carried entries up to `sent_up_to`: its
    /// signature over the request, the acknowledgement of every entry sent, and every run it
    /// forwards checked against its author's key. Anything else is a protocol failure.
    pub fn apply(
        &mut self,
        bytes: &[u8],
        hub_key: &VerifyingKey,
        tag: &RequestTag,
        sent_up_to: u64,
        keys: &Keys,
    ) -> Result<Applied, Failure> {
        let response = SyncResponse::open(bytes, hub_key, tag)
            .map_err(|e| Failure::protocol("answer: unreadable or not the hub's", e))?;
        let acknowledged = self.acknowledge(&response, sent_up_to)?;
        if let Some(r) = response.refused.first() {
            return Err(Failure::protocol("answer: refused entries", &r.reason));
        }
        let mut received = 0;
        for run in &response.runs {
            let key = keys.get(&run.device).ok_or_else(|| {
                Failure::protocol("answer: unknown author", format!("device {}", run.device))
            })?;
            let entries = run
                .verified(key)
                .map_err(|e| Failure::protocol("answer: run not signed by its author", e))?;
            received += entries.len() as u64;
        }
        self.cursor = response.cursor;
        self.more = response.more;
        Ok(Applied {
            received,
            acknowledged,
        })
    }

    fn acknowledge(&mut self, response: &SyncResponse, sent_up_to: u64) -> Result<u64, Failure> {
        let seq = response
            .acks
            .iter()
            .find(|(d, _)| *d == self.id)
            .map(|(_, s)| *s)
            .ok_or_else(|| {
                Failure::protocol("answer: no acknowledgement", "none for the device")
            })?;
        if seq > self.head_seq || seq < self.acked {
            return Err(Failure::protocol(
                "answer: acknowledgement out of range",
                format!(
                    "{seq}, where the device holds {} and had {} acknowledged",
                    self.head_seq, self.acked
                ),
            ));
        }
        if seq < sent_up_to {
            return Err(Failure::protocol(
                "answer: entries not acknowledged",
                format!("sent up to {sent_up_to}, acknowledged up to {seq}"),
            ));
        }
        let newly = seq - self.acked;
        self.acked = seq;
        self.unsent.retain(|e| e.seq > seq);
        Ok(newly)
    }
}

/// A valid report's body, as a device's store writes it into a filing: the document parsed
/// (so a value the hub would refuse fails here, loudly), its restricted sections taken out,
/// naming `unit`.
pub fn report_body(rng: &mut impl Rng, n: u64, unit: &str) -> Result<Vec<u8>, LoadError> {
    let mut doc = crate::realistic_report(rng, n);
    doc["unit"] = Value::String(unit.to_owned());
    let now = time::OffsetDateTime::now_utc();
    let report = Report::parse(&doc, now)
        .map_err(|p| LoadError::Synthetic(format!("a synthetic report is not valid: {p}")))?;
    let Value::Object(mut open) = report.to_json() else {
        return Err(LoadError::Synthetic("a report is not an object".into()));
    };
    usalama_core::domain::report::strip_restricted(&mut open);
    serde_json::to_vec(&open).map_err(|e| LoadError::Synthetic(e.to_string()))
}

pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}
