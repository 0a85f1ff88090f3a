//! The response frame: what the hub answers, signed over the request's signature so that an
//! answer can be neither replayed nor moved to another request.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::codec::{put_varint, unzigzag, zigzag, Reader};
use crate::error::{Error, Result};
use crate::ledger::DeviceId;
use crate::release::UpdateAnswer;

use super::encoding::{put_runs, read_runs};
use super::frame::{compress, decompress, peek_version, PROTOCOL, ZSTD_MAGIC};
use super::request::RequestTag;
use super::run::Run;

const RESPONSE_MAGIC: &[u8; 3] = b"USR";

/// What the hub answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncResponse {
    /// The hub's clock, Unix milliseconds.
    pub hub_time: i64,
    /// For each device whose entries the request carried (or the requester), the highest
    /// sequence number the hub holds durably with every entry before it.
    pub acks: Vec<(DeviceId, u64)>,
    /// The cursor to send next time.
    pub cursor: u64,
    /// More entries are waiting beyond this response: ask again.
    pub more: bool,
    pub runs: Vec<Run>,
    /// Entries the request carried for other devices that the hub refuses for good (a fork, a
    /// broken chain, a bad signature, a revoked author): the carrier drops them. Its own
    /// entries are never held back by them.
    pub refused: Vec<Refused>,
    /// The county's update budget and a newer release, for a device that said what it runs.
    pub updates: Option<UpdateAnswer>,
}

/// Carried entries the hub will never take, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Refused {
    pub device: DeviceId,
    pub first_seq: u64,
    pub last_seq: u64,
    /// The hub's machine-readable code: `fork`, `broken_chain`, `bad_signature`, `revoked`,
    /// `unknown_author`.
    pub reason: String,
}

/// The longest refusal reason on the wire.
pub(super) const MAX_REASON: usize = 64;

fn response_digest(hub: &DeviceId, request: &RequestTag, compressed: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"usalama.sync.response.v2\0");
    h.update(hub.0);
    h.update(request.0);
    h.update(compressed);
    h.finalize().into()
}

impl SyncResponse {
    /// The answer to the request tagged `request`, signed by the hub.
    pub fn seal(&self, hub: &SigningKey, request: &RequestTag) -> Result<Vec<u8>> {
        let mut payload = Vec::new();
        self.put(&mut payload);
        seal_response_payload(&payload, hub, request)
    }

    /// The response's fields (a hub bundle holds them too).
    #[doc(hidden)]
    pub fn put(&self, out: &mut Vec<u8>) {
        put_varint(out, zigzag(self.hub_time));
        put_varint(out, self.acks.len() as u64);
        for (device, seq) in &self.acks {
            out.extend_from_slice(&device.0);
            put_varint(out, *seq);
        }
        put_varint(out, self.cursor);
        out.push(u8::from(self.more));
        put_runs(out, &self.runs, true);
        put_varint(out, self.refused.len() as u64);
        for r in &self.refused {
            out.extend_from_slice(&r.device.0);
            put_varint(out, r.first_seq);
            put_varint(out, r.last_seq);
            // Cut on a character boundary: a reason cut inside a character is not text, and
            // the device would refuse the whole answer.
            let mut end = r.reason.len().min(MAX_REASON);
            while !r.reason.is_char_boundary(end) {
                end -= 1;
            }
            let reason = &r.reason.as_bytes()[..end];
            put_varint(out, reason.len() as u64);
            out.extend_from_slice(reason);
        }
        if let Some(updates) = &self.updates {
            updates.put(out);
        }
    }

    pub(super) fn read(r: &mut Reader<'_>) -> Result<SyncResponse> {
        let hub_time = unzigzag(r.varint()?);
        let n = r.count(17)?;
        let mut acks = Vec::with_capacity(n);
        for _ in 0..n {
            acks.push((DeviceId(r.array()?), r.varint()?));
        }
        let cursor = r.varint()?;
        let more = r.byte()? != 0;
        let runs = read_runs(r, true)?;
        let n = r.count(16 + 3)?;
        let mut refused = Vec::with_capacity(n);
        for _ in 0..n {
            let device = DeviceId(r.array()?);
            let first_seq = r.varint()?;
            let last_seq = r.varint()?;
            let len = r.count(1)?;
            if len > MAX_REASON {
                return Err(Error::Malformed("a refusal's reason is too long".into()));
            }
            let reason = String::from_utf8(r.take(len)?.to_vec())
                .map_err(|_| Error::Malformed("a refusal's reason is not text".into()))?;
            refused.push(Refused {
                device,
                first_seq,
                last_seq,
                reason,
            });
        }
        let updates = UpdateAnswer::read(r)?;
        Ok(SyncResponse {
            hub_time,
            acks,
            cursor,
            more,
            runs,
            refused,
            updates,
        })
    }

    /// Reads the hub's answer to the request tagged `request`, after checking that the hub
    /// (`hub`, the key pinned at enrollment) signed it for that request.
    pub fn open(bytes: &[u8], hub: &VerifyingKey, request: &RequestTag) -> Result<SyncResponse> {
        if bytes.starts_with(&ZSTD_MAGIC) {
            return Err(match peek_version(bytes, RESPONSE_MAGIC) {
                Some(v) => outdated_hub(v),
                None => Error::Malformed("not a sync response".into()),
            });
        }
        if bytes.len() < 4 || &bytes[..3] != RESPONSE_MAGIC {
            return Err(Error::Malformed("not a sync response".into()));
        }
        if bytes[3] != PROTOCOL {
            return Err(outdated_hub(bytes[3]));
        }
        if bytes.len() < 4 + 64 {
            return Err(Error::Malformed("the response is cut short".into()));
        }
        let (signature, compressed) = bytes[4..].split_at(64);
        let mut sig = [0; 64];
        sig.copy_from_slice(signature);
        let digest = response_digest(&DeviceId::of(hub), request, compressed);
        if hub.verify(&digest, &Signature::from_bytes(&sig)).is_err() {
            return Err(Error::Integrity(
                "the answer is not signed by the county hub this device enrolled with: it was \
                 changed on the way, or another server answered. Nothing from it was applied"
                    .into(),
            ));
        }
        let raw = decompress(compressed)?;
        let mut r = Reader::new(&raw);
        let response = SyncResponse::read(&mut r)?;
        r.end()?;
        Ok(response)
    }
}

/// A response frame around `payload` (the response's fields, uncompressed), signed with the
/// hub's `key` for the request tagged `request`. The fuzz targets use it to put any bytes
/// behind a valid signature.
#[doc(hidden)]
pub fn seal_response_payload(
    payload: &[u8],
    hub: &SigningKey,
    request: &RequestTag,
) -> Result<Vec<u8>> {
    let compressed = compress(payload)?;
    let mut out = Vec::with_capacity(68 + compressed.len());
    out.extend_from_slice(RESPONSE_MAGIC);
    out.push(PROTOCOL);
    let id = DeviceId::of(&hub.verifying_key());
    out.extend_from_slice(
        &hub.sign(&response_digest(&id, request, &compressed))
            .to_bytes(),
    );
    out.extend_from_slice(&compressed);
    Ok(out)
}

fn outdated_hub(version: u8) -> Error {
    Error::Unsupported(format!(
        "the hub answered with sync protocol {version}; this version speaks {PROTOCOL}: the \
         county hub must be updated"
    ))
}
