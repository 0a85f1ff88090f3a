//! The sync wire format, shared by the device and the hub.
//!
//! One request does a whole sync in the common case: the device sends what the hub has not
//! acknowledged and its pull cursor; the hub answers with its acknowledgement and what the device
//! may see since the cursor. Both frames are zstd-compressed binary, built for 2G links:
//!
//! - Entries travel in **runs**: consecutive entries of one device's chain. A run carries the
//!   device id, the first sequence number and the `prev` hash once; each entry carries only its
//!   kind, flags, time (as a delta), subject and body. The receiver recomputes every body hash and
//!   entry hash, so the chain is checked, not trusted.
//! - **Every entry a receiver stores is covered by its author's signature**: its own, or the
//!   signature of a later entry of the same run, since every entry hash covers the one before
//!   it (as a git commit signature covers its history). A device sends each entry's own
//!   signature, so that the hub can forward any one of them alone to a device that may see only
//!   that one; the hub forwards one signature per run, the last entry's. Where it holds no
//!   signature of a run's last entry (entries stored before every signature travelled), it
//!   adds the entries that follow up to a signed one as **proofs**: bodiless, never stored.
//!   Nobody, the hub included, can make a device store an entry its author did not sign.
//! - **Both frames are signed**, outside the compression: the request by the device, over the
//!   hub's id, a counter that must grow with every request and the payload (a replayed request
//!   is refused without trusting any clock; the hub authenticates the device before it
//!   decompresses anything); the answer by the hub, over the request's signature and the
//!   payload (an answer cannot be replayed or moved to another request). TLS is defence in
//!   depth.
//!
//! ```text
//! request  = "USQ" version device(16) signature(64) zstd(counter cursor device_time runs)
//! response = "USR" version signature(64) zstd(hub_time acks cursor more runs)
//! run      = device(16) first_seq count prev(32) entry…
//! entry    = kind flags Δat [Δreceived_at] [subject(10)] (body_len body | body_hash(32))
//!            [signature(64)]
//! flags    = bit 0 subject, bit 1 body, bit 2 signature, bit 3 proof
//! ```

use std::io::Read;

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::codec::{put_varint, unzigzag, zigzag, Reader};
use crate::error::{Error, Result};
use crate::ledger::{DeviceId, Entry, EntryKind, Hash, ReportId, FORMAT, MAX_BODY};
use crate::seal::{self, BoxPublic, BoxSecret, KeyId};

/// The protocol version this build speaks. A hub answers another version with HTTP 426.
/// Version 1 (before every entry carried its own signature and answers were signed) is told
/// to update.
pub const PROTOCOL: u8 = 2;
/// The largest frame, compressed or not, either side accepts.
pub const MAX_FRAME: usize = 8 << 20;
/// Roughly how many bytes of entries go in one chunk: small enough that a cut 2G connection
/// loses little, large enough that 1,000 reports take a few requests.
pub const CHUNK_BYTES: usize = 256 * 1024;
const ZSTD_LEVEL: i32 = 9;
/// The largest zstd window a decoder accepts (16 MiB): bounds its memory whatever a frame
/// claims.
const WINDOW_LOG_MAX: u32 = 24;

const REQUEST_MAGIC: &[u8; 3] = b"USQ";
const RESPONSE_MAGIC: &[u8; 3] = b"USR";
const BUNDLE_MAGIC: &[u8; 3] = b"USB";
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
/// The largest bundle, uncompressed: weeks of a busy area's reports.
pub const MAX_BUNDLE: usize = 256 << 20;

const SUBJECT: u8 = 1;
const BODY: u8 = 1 << 1;
const SIGNED: u8 = 1 << 2;
const PROOF: u8 = 1 << 3;

/// Consecutive entries of one device's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub device: DeviceId,
    pub first_seq: u64,
    pub prev: Hash,
    pub entries: Vec<RunEntry>,
}

/// One entry inside a run: what the receiver cannot recompute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunEntry {
    pub kind: EntryKind,
    pub at: i64,
    pub subject: Option<ReportId>,
    /// The body, or its hash once redacted.
    pub body: Body,
    /// When the hub stored the entry (hub→device runs only), Unix milliseconds.
    pub received_at: Option<i64>,
    /// The author's signature of this entry.
    pub signature: Option<[u8; 64]>,
    /// Sent only to prove the chain from the entries before it to a signed entry: the
    /// receiver checks it and does not store it (its body never travels).
    pub proof: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Present(Vec<u8>),
    Dropped(Hash),
}

impl Body {
    pub fn is_present(&self) -> bool {
        matches!(self, Body::Present(_))
    }
}

/// The body of `POST /v1/enroll` (JSON): the one-time code, the device's Ed25519 public key
/// and its signature over [`crate::enrollment::enrollment_proof_digest`], both in hex.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EnrollRequest {
    pub code: String,
    pub public_key: String,
    pub proof: String,
}

/// Which signatures a run carries. A signature covers its entry and, through the hash chain,
/// every earlier one; 64 bytes that do not compress, so a run carries only those it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signatures {
    /// Every entry's own (an officer's device to its hub, bundles): the hub can then forward any
    /// entry alone, as an officer's response steps are, each to its own report's readers.
    Every,
    /// The entries whose sequence number is a multiple of [`SIGNED_EVERY`], and the last of
    /// each run (a reporter's device to its hub): a report costs 4 bytes of signature, not 64,
    /// and an entry the hub forwards alone is at most `SIGNED_EVERY - 1` proofs from the
    /// signature that covers it.
    Spaced,
    /// Only the last entry's of each run, which covers the rest (the hub to a device).
    Head,
}

/// How far apart [`Signatures::Spaced`] keeps signatures.
pub const SIGNED_EVERY: u64 = 16;

impl RunEntry {
    fn of(e: &Entry, received_at: Option<i64>) -> RunEntry {
        RunEntry {
            kind: e.kind,
            at: e.at,
            subject: e.subject,
            body: match &e.body {
                Some(b) => Body::Present(b.clone()),
                None => Body::Dropped(e.body_hash),
            },
            received_at,
            signature: e.signature,
            proof: false,
        }
    }

    /// `e` as a proof: its header and body hash, never its body.
    pub fn proof_of(e: &Entry, received_at: Option<i64>) -> RunEntry {
        RunEntry {
            body: Body::Dropped(e.body_hash),
            proof: true,
            ..RunEntry::of(e, received_at)
        }
    }
}

impl Run {
    /// Runs from entries sorted by (device, seq): one run per stretch of consecutive entries.
    /// `received_at` gives the hub's receipt time of each entry, for hub→device runs.
    pub fn from_entries(
        entries: &[Entry],
        received_at: impl Fn(usize) -> Option<i64>,
        signatures: Signatures,
    ) -> Vec<Run> {
        let mut runs: Vec<Run> = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let item = RunEntry::of(e, received_at(i));
            match runs.last_mut() {
                Some(run) if run.device == e.device && run.next_seq() == e.seq => {
                    // The entry before this one is no longer the run's last: it keeps its
                    // signature only where the choice says so.
                    let before = e.seq - 1;
                    let keep = match signatures {
                        Signatures::Every => true,
                        Signatures::Spaced => before % SIGNED_EVERY == 0,
                        Signatures::Head => false,
                    };
                    if !keep {
                        if let Some(last) = run.entries.last_mut() {
                            last.signature = None;
                        }
                    }
                    run.entries.push(item);
                }
                _ => runs.push(Run {
                    device: e.device,
                    first_seq: e.seq,
                    prev: e.prev,
                    entries: vec![item],
                }),
            }
        }
        runs
    }

    /// The entries of this run, with every hash recomputed, proofs included (see
    /// [`Run::verified`] for the entries a receiver may store).
    pub fn into_entries(self) -> Vec<Entry> {
        let mut out = Vec::with_capacity(self.entries.len());
        let mut prev = self.prev;
        for (i, item) in self.entries.into_iter().enumerate() {
            let (body_hash, body) = match item.body {
                Body::Present(b) => (Hash::of_body(&b), Some(b)),
                Body::Dropped(h) => (h, None),
            };
            let entry = Entry {
                format: FORMAT,
                kind: item.kind,
                device: self.device,
                seq: self.first_seq + i as u64,
                prev,
                at: item.at,
                subject: item.subject,
                body_hash,
                body,
                signature: item.signature,
            };
            prev = entry.hash();
            out.push(entry);
        }
        out
    }

    /// The entries of this run its author signed, checked against `key`: every hash
    /// recomputed, and each entry covered by a valid signature of its own or of a later entry
    /// of the run. Proofs are checked and left out. A signature that does not verify, or a
    /// tail no signature covers, is refused whole (nothing of the run is to be stored).
    pub fn verified(&self, key: &VerifyingKey) -> Result<Vec<Entry>> {
        if DeviceId::of(key) != self.device {
            return Err(Error::Integrity(format!(
                "entries of device {} checked against another device's key",
                self.device
            )));
        }
        let entries = self.clone().into_entries();
        let mut covered = false;
        for (e, item) in entries.iter().zip(&self.entries).rev() {
            if item.signature.is_some() {
                if !e.verify_signature(key) {
                    return Err(Error::Integrity(format!(
                        "entry {} of device {}: the signature does not match its content",
                        e.seq, self.device
                    )));
                }
                covered = true;
            } else if !covered {
                return Err(Error::Integrity(format!(
                    "entry {} of device {} is not signed by its author",
                    e.seq, self.device
                )));
            }
            if item.proof && e.body.is_some() {
                return Err(Error::Malformed("a proof entry carries a body".into()));
            }
        }
        Ok(entries
            .into_iter()
            .zip(&self.entries)
            .filter(|(_, item)| !item.proof)
            .map(|(e, _)| e)
            .collect())
    }

    /// Whether the run's last entry carries a signature (which then covers the whole run).
    pub fn is_signed(&self) -> bool {
        self.entries.last().is_some_and(|e| e.signature.is_some())
    }

    pub fn last_seq(&self) -> u64 {
        self.first_seq + self.entries.len().saturating_sub(1) as u64
    }

    fn next_seq(&self) -> u64 {
        self.first_seq + self.entries.len() as u64
    }
}

/// What a device sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncRequest {
    pub device: DeviceId,
    /// Grows with every request this device makes: the replay guard.
    pub counter: u64,
    /// The hub sequence number of the last entry this device received.
    pub cursor: u64,
    /// The device's clock, Unix milliseconds: only for the clock warning, never for security.
    pub device_time: i64,
    pub runs: Vec<Run>,
    /// Other devices' bundles this device carries for the hub, as they came on the stick:
    /// sealed to the hub, so the carrier reads none of them.
    pub bundles: Vec<Vec<u8>>,
}

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
const MAX_REASON: usize = 64;

/// The request an answer belongs to: the request's signature, which the hub's signature of
/// its answer covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestTag(pub [u8; 64]);

/// A request's frame, read up to its compressed payload: who sent it, checked before anything
/// is decompressed.
#[derive(Debug, Clone)]
pub struct RequestFrame<'a> {
    pub device: DeviceId,
    signature: [u8; 64],
    header: &'a [u8],
    compressed: &'a [u8],
}

impl SyncRequest {
    /// The signed request body. `hub` is the hub's device id. Returns the frame and the tag
    /// the hub's answer must be signed over.
    pub fn seal(&self, hub: &DeviceId, key: &SigningKey) -> Result<(Vec<u8>, RequestTag)> {
        seal_request_payload(&self.payload(), &self.device, hub, key)
    }

    /// The request's fields, before compression.
    #[doc(hidden)]
    pub fn payload(&self) -> Vec<u8> {
        let mut payload = Vec::new();
        put_varint(&mut payload, self.counter);
        put_varint(&mut payload, self.cursor);
        put_varint(&mut payload, zigzag(self.device_time));
        put_runs(&mut payload, &self.runs, false);
        put_varint(&mut payload, self.bundles.len() as u64);
        for b in &self.bundles {
            put_varint(&mut payload, b.len() as u64);
            payload.extend_from_slice(b);
        }
        payload
    }

    /// Reads a request's frame without decompressing it: the caller looks up the device,
    /// checks the signature with [`RequestFrame::verify`], then [`RequestFrame::open`]s it.
    pub fn frame(bytes: &[u8]) -> Result<RequestFrame<'_>> {
        if bytes.starts_with(&ZSTD_MAGIC) {
            // Version 1 compressed the whole frame: read just enough to tell it to update.
            return Err(match peek_version(bytes, REQUEST_MAGIC) {
                Some(v) => outdated_device(v),
                None => Error::Malformed("not a sync request".into()),
            });
        }
        if bytes.len() < 4 || &bytes[..3] != REQUEST_MAGIC {
            return Err(Error::Malformed("not a sync request".into()));
        }
        // The version first: a device months out of date is told to update, not "malformed".
        if bytes[3] != PROTOCOL {
            return Err(outdated_device(bytes[3]));
        }
        if bytes.len() < 4 + 16 + 64 {
            return Err(Error::Malformed("the request is cut short".into()));
        }
        let (header, rest) = bytes.split_at(4 + 16);
        let (signature, compressed) = rest.split_at(64);
        let mut device = [0; 16];
        device.copy_from_slice(&header[4..]);
        let mut sig = [0; 64];
        sig.copy_from_slice(signature);
        Ok(RequestFrame {
            device: DeviceId(device),
            signature: sig,
            header,
            compressed,
        })
    }

    /// Reads and checks a whole request against its device's key: a test and tool helper; the
    /// hub looks the key up between [`SyncRequest::frame`] and [`RequestFrame::open`].
    pub fn open(bytes: &[u8], hub: &DeviceId, key: &VerifyingKey) -> Result<SyncRequest> {
        let frame = SyncRequest::frame(bytes)?;
        if !frame.verify(hub, key) {
            return Err(Error::Integrity(
                "the request is not signed by its device's key".into(),
            ));
        }
        frame.open()
    }
}

/// A request frame from `device` around `payload` (the request's fields, uncompressed),
/// signed with `key` for `hub`. The fuzz targets use it to put any bytes behind a valid
/// signature.
#[doc(hidden)]
pub fn seal_request_payload(
    payload: &[u8],
    device: &DeviceId,
    hub: &DeviceId,
    key: &SigningKey,
) -> Result<(Vec<u8>, RequestTag)> {
    let compressed = compress(payload)?;
    let mut out = Vec::with_capacity(84 + compressed.len());
    out.extend_from_slice(REQUEST_MAGIC);
    out.push(PROTOCOL);
    out.extend_from_slice(&device.0);
    let signature = key.sign(&request_digest(hub, &out, &compressed)).to_bytes();
    out.extend_from_slice(&signature);
    out.extend_from_slice(&compressed);
    Ok((out, RequestTag(signature)))
}

impl RequestFrame<'_> {
    pub fn verify(&self, hub: &DeviceId, key: &VerifyingKey) -> bool {
        key.verify(
            &request_digest(hub, self.header, self.compressed),
            &Signature::from_bytes(&self.signature),
        )
        .is_ok()
    }

    /// The tag the answer to this request is signed over.
    pub fn tag(&self) -> RequestTag {
        RequestTag(self.signature)
    }

    /// Decompresses (at most [`MAX_FRAME`] bytes) and reads the request. Call it only once the
    /// signature is checked.
    pub fn open(&self) -> Result<SyncRequest> {
        let raw = decompress(self.compressed)?;
        let mut r = Reader::new(&raw);
        let counter = r.varint()?;
        let cursor = r.varint()?;
        let device_time = unzigzag(r.varint()?);
        let runs = read_runs(&mut r, false)?;
        let n = r.count(2)?;
        let mut bundles = Vec::with_capacity(n);
        for _ in 0..n {
            let len = r.count(1)?;
            bundles.push(r.take(len)?.to_vec());
        }
        r.end()?;
        Ok(SyncRequest {
            device: self.device,
            counter,
            cursor,
            device_time,
            runs,
            bundles,
        })
    }
}

fn request_digest(hub: &DeviceId, header: &[u8], compressed: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"usalama.sync.request.v2\0");
    h.update(hub.0);
    h.update(header);
    h.update(compressed);
    h.finalize().into()
}

fn response_digest(hub: &DeviceId, request: &RequestTag, compressed: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"usalama.sync.response.v2\0");
    h.update(hub.0);
    h.update(request.0);
    h.update(compressed);
    h.finalize().into()
}

fn outdated_device(version: u8) -> Error {
    Error::Unsupported(format!(
        "sync protocol {version} is not spoken here (this hub speaks {PROTOCOL}); update \
         Usalama on this device (see \"Updating\" in the county's install guide)"
    ))
}

/// The version byte of a version-1 frame (wholly compressed), read by decompressing no more
/// than its first four bytes.
fn peek_version(bytes: &[u8], magic: &[u8; 3]) -> Option<u8> {
    let mut head = [0u8; 4];
    zstd::stream::read::Decoder::new(bytes)
        .ok()?
        .read_exact(&mut head)
        .ok()?;
    (&head[..3] == magic).then_some(head[3])
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
    }

    fn read(r: &mut Reader<'_>) -> Result<SyncResponse> {
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
        Ok(SyncResponse {
            hub_time,
            acks,
            cursor,
            more,
            runs,
            refused,
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

fn put_runs(out: &mut Vec<u8>, runs: &[Run], with_receipts: bool) {
    put_varint(out, runs.len() as u64);
    for run in runs {
        out.extend_from_slice(&run.device.0);
        put_varint(out, run.first_seq);
        put_varint(out, run.entries.len() as u64);
        out.extend_from_slice(&run.prev.0);
        let mut last_at = 0i64;
        let mut last_received = 0i64;
        for e in &run.entries {
            put_varint(out, u64::from(e.kind.code()));
            let flags = if e.subject.is_some() { SUBJECT } else { 0 }
                | if matches!(e.body, Body::Present(_)) {
                    BODY
                } else {
                    0
                }
                | if e.signature.is_some() { SIGNED } else { 0 }
                | if e.proof { PROOF } else { 0 };
            out.push(flags);
            put_varint(out, zigzag(e.at.wrapping_sub(last_at)));
            last_at = e.at;
            if with_receipts {
                let received = e.received_at.unwrap_or(0);
                put_varint(out, zigzag(received.wrapping_sub(last_received)));
                last_received = received;
            }
            if let Some(s) = &e.subject {
                out.extend_from_slice(&s.0);
            }
            match &e.body {
                Body::Present(b) => {
                    put_varint(out, b.len() as u64);
                    out.extend_from_slice(b);
                }
                Body::Dropped(h) => out.extend_from_slice(&h.0),
            }
            if let Some(sig) = &e.signature {
                out.extend_from_slice(sig);
            }
        }
    }
}

fn read_runs(r: &mut Reader<'_>, with_receipts: bool) -> Result<Vec<Run>> {
    let n = r.count(16 + 2 + 32 + 1)?;
    let mut runs = Vec::with_capacity(n);
    for _ in 0..n {
        let device = DeviceId(r.array()?);
        let first_seq = r.varint()?;
        if first_seq == 0 {
            return Err(Error::Malformed("entry sequence numbers start at 1".into()));
        }
        let count = r.count(3)?;
        if count == 0 {
            return Err(Error::Malformed("an empty run".into()));
        }
        first_seq
            .checked_add(count as u64)
            .ok_or_else(|| Error::Malformed("sequence numbers overflow".into()))?;
        let prev = Hash(r.array()?);
        let mut entries = Vec::with_capacity(count);
        let mut last_at = 0i64;
        let mut last_received = 0i64;
        for _ in 0..count {
            let kind = u16::try_from(r.varint()?)
                .map_err(|_| Error::Malformed("entry kind out of range".into()))?;
            let flags = r.byte()?;
            if flags & !(SUBJECT | BODY | SIGNED | PROOF) != 0 {
                return Err(Error::Malformed(format!(
                    "unknown entry flags {flags:#04x}"
                )));
            }
            if flags & PROOF != 0 && flags & BODY != 0 {
                return Err(Error::Malformed("a proof entry carries a body".into()));
            }
            let at = last_at.wrapping_add(unzigzag(r.varint()?));
            last_at = at;
            let received_at = if with_receipts {
                last_received = last_received.wrapping_add(unzigzag(r.varint()?));
                Some(last_received)
            } else {
                None
            };
            let subject = if flags & SUBJECT != 0 {
                Some(ReportId(r.array()?))
            } else {
                None
            };
            let body = if flags & BODY != 0 {
                let len = usize::try_from(r.varint()?).unwrap_or(usize::MAX);
                if len > MAX_BODY {
                    return Err(Error::Malformed(format!(
                        "an entry body of {len} bytes is larger than the {MAX_BODY} allowed"
                    )));
                }
                Body::Present(r.take(len)?.to_vec())
            } else {
                Body::Dropped(Hash(r.array()?))
            };
            let signature = if flags & SIGNED != 0 {
                Some(r.array()?)
            } else {
                None
            };
            entries.push(RunEntry {
                kind: EntryKind::from_code(kind),
                at,
                subject,
                body,
                received_at,
                signature,
                proof: flags & PROOF != 0,
            });
        }
        runs.push(Run {
            device,
            first_seq,
            prev,
            entries,
        });
    }
    Ok(runs)
}

/// A bundle: sync carried on a USB stick instead of the network. Either a device's entries for
/// its hub (what a sync request would carry, and the device's cursor), or the hub's answer for
/// one device (what a sync response would carry). Each is signed by its maker, since no pinned
/// TLS channel vouches for a file, and sealed to its one recipient (the hub, or the device it
/// is for), so that a copied stick reveals nothing but who it is for; entries inside stay
/// signed by their authors, so any carrier may carry them.
///
/// ```text
/// file  = "USB" version sealed-box(zstd(kind fields… signature(64)))   (see crate::seal)
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bundle {
    FromDevice(DeviceBundle),
    FromHub(HubBundle),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceBundle {
    /// The device that made it (and signed it).
    pub device: DeviceId,
    /// The hub it is for.
    pub hub: DeviceId,
    pub made_at: i64,
    /// The device's pull cursor when it made the bundle: what it already has from the hub.
    pub cursor: u64,
    /// The device's own entries the hub had not acknowledged, and entries of other devices it
    /// carries for them.
    pub runs: Vec<Run>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubBundle {
    /// The hub that made it (and signed it).
    pub hub: DeviceId,
    /// The device it is for.
    pub device: DeviceId,
    pub response: SyncResponse,
}

const FROM_DEVICE: u8 = 1;
const FROM_HUB: u8 = 2;
const BUNDLE_CONTEXT: &[u8] = b"usalama.bundle.v2\0";

impl Bundle {
    /// The signed file, sealed to `recipient` (the sealing key of the hub or device it is
    /// for). `key` is the maker's.
    pub fn seal(&self, key: &SigningKey, recipient: &BoxPublic) -> Result<Vec<u8>> {
        seal_bundle_payload(&self.payload(), key, recipient)
    }

    /// The bundle's kind and fields, before its signature.
    #[doc(hidden)]
    pub fn payload(&self) -> Vec<u8> {
        let mut inner = Vec::new();
        match self {
            Bundle::FromDevice(b) => {
                inner.push(FROM_DEVICE);
                inner.extend_from_slice(&b.device.0);
                inner.extend_from_slice(&b.hub.0);
                put_varint(&mut inner, zigzag(b.made_at));
                put_varint(&mut inner, b.cursor);
                put_runs(&mut inner, &b.runs, false);
            }
            Bundle::FromHub(b) => {
                inner.push(FROM_HUB);
                inner.extend_from_slice(&b.hub.0);
                inner.extend_from_slice(&b.device.0);
                b.response.put(&mut inner);
            }
        }
        inner
    }

    /// Who a bundle file is sealed to (the key ids of its recipients), without opening it.
    pub fn recipients(bytes: &[u8]) -> Result<Vec<KeyId>> {
        Ok(seal::Envelope::parse(Bundle::envelope(bytes)?)?
            .recipients()
            .collect())
    }

    fn envelope(bytes: &[u8]) -> Result<&[u8]> {
        let not_a_bundle = || Error::Malformed("this file is not a Usalama bundle".into());
        if bytes.starts_with(&ZSTD_MAGIC) {
            // Version 1 bundles were compressed whole, in the clear.
            return Err(match peek_version(bytes, BUNDLE_MAGIC) {
                Some(v) => outdated_bundle(v),
                None => not_a_bundle(),
            });
        }
        if bytes.len() < 4 || &bytes[..3] != BUNDLE_MAGIC {
            return Err(not_a_bundle());
        }
        if bytes[3] != PROTOCOL {
            return Err(outdated_bundle(bytes[3]));
        }
        Ok(&bytes[4..])
    }

    /// Opens a bundle sealed to `me` (this hub's or device's sealing secret) and reads it; the
    /// caller checks the maker's signature with the returned part, once it knows the maker's
    /// key. A bundle sealed to someone else is refused, unread.
    pub fn open(bytes: &[u8], me: &BoxSecret) -> Result<(Bundle, BundleSignature)> {
        let envelope = seal::Envelope::parse(Bundle::envelope(bytes)?)
            .map_err(|_| Error::Malformed("this bundle is damaged".into()))?;
        let mine = me.public().id();
        let compressed = envelope
            .open(BUNDLE_CONTEXT, |id| (*id == mine).then(|| me.clone()))
            .map_err(|_| {
                Error::Integrity(
                    "this bundle was changed or damaged after it was made; nothing was read".into(),
                )
            })?
            .ok_or_else(|| {
                Error::Refused(
                    "this bundle was made for another device or hub: it cannot be read here".into(),
                )
            })?;
        let raw = decompress_at_most(&compressed, MAX_BUNDLE)
            .map_err(|_| Error::Malformed("this bundle is damaged".into()))?;
        if raw.len() < 1 + 64 {
            return Err(Error::Malformed("the bundle is cut short".into()));
        }
        let (payload, signature) = raw.split_at(raw.len() - 64);
        let mut r = Reader::new(&payload[1..]);
        let bundle = match payload[0] {
            FROM_DEVICE => Bundle::FromDevice(DeviceBundle {
                device: DeviceId(r.array()?),
                hub: DeviceId(r.array()?),
                made_at: unzigzag(r.varint()?),
                cursor: r.varint()?,
                runs: read_runs(&mut r, false)?,
            }),
            FROM_HUB => Bundle::FromHub(HubBundle {
                hub: DeviceId(r.array()?),
                device: DeviceId(r.array()?),
                response: SyncResponse::read(&mut r)?,
            }),
            other => return Err(Error::Malformed(format!("unknown bundle kind {other}"))),
        };
        r.end()?;
        let mut sig = [0u8; 64];
        sig.copy_from_slice(signature);
        Ok((
            bundle,
            BundleSignature {
                digest: bundle_digest(payload),
                signature: sig,
            },
        ))
    }

    /// Who made the bundle: the key that must have signed it.
    pub fn maker(&self) -> DeviceId {
        match self {
            Bundle::FromDevice(b) => b.device,
            Bundle::FromHub(b) => b.hub,
        }
    }
}

/// A bundle file around `payload` (a bundle's kind and fields), signed with the maker's `key`
/// and sealed to `recipient`. The fuzz targets use it to put any bytes behind a valid seal and
/// signature.
#[doc(hidden)]
pub fn seal_bundle_payload(
    payload: &[u8],
    key: &SigningKey,
    recipient: &BoxPublic,
) -> Result<Vec<u8>> {
    let mut inner = Vec::with_capacity(payload.len() + 64);
    inner.extend_from_slice(payload);
    inner.extend_from_slice(&key.sign(&bundle_digest(payload)).to_bytes());
    let compressed = compress(&inner)?;
    let mut out = Vec::with_capacity(compressed.len() + 100);
    out.extend_from_slice(BUNDLE_MAGIC);
    out.push(PROTOCOL);
    out.extend_from_slice(&seal::seal(
        &compressed,
        BUNDLE_CONTEXT,
        std::slice::from_ref(recipient),
    )?);
    Ok(out)
}

fn outdated_bundle(version: u8) -> Error {
    Error::Unsupported(format!(
        "this bundle was made with sync protocol {version}; this version speaks {PROTOCOL}: \
         update Usalama where it was made, and make it again"
    ))
}

/// A bundle's signature, checked once the maker's key is known.
#[derive(Debug, Clone)]
pub struct BundleSignature {
    digest: [u8; 32],
    signature: [u8; 64],
}

impl BundleSignature {
    pub fn verify(&self, key: &VerifyingKey) -> bool {
        key.verify(&self.digest, &Signature::from_bytes(&self.signature))
            .is_ok()
    }
}

fn bundle_digest(payload: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"usalama.bundle.v2\0");
    h.update(payload);
    h.finalize().into()
}

pub fn compress(raw: &[u8]) -> Result<Vec<u8>> {
    zstd::bulk::compress(raw, ZSTD_LEVEL).map_err(|e| Error::Malformed(format!("zstd: {e}")))
}

/// Decompresses at most [`MAX_FRAME`] bytes, streaming: a small frame that claims gigabytes
/// is refused after at most that much work.
pub fn decompress(bytes: &[u8]) -> Result<Vec<u8>> {
    decompress_at_most(bytes, MAX_FRAME)
}

fn decompress_at_most(bytes: &[u8], limit: usize) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut decoder = zstd::stream::read::Decoder::new(bytes)
        .map_err(|e| Error::Malformed(format!("not zstd data: {e}")))?;
    // A frame may ask for a window of up to 2 GiB; nothing here writes one over 16 MiB.
    decoder
        .window_log_max(WINDOW_LOG_MAX)
        .map_err(|e| Error::Malformed(format!("zstd: {e}")))?;
    decoder
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| Error::Malformed(format!("not zstd data: {e}")))?;
    if out.len() > limit {
        return Err(Error::Malformed(format!(
            "the frame is larger than the {limit} bytes allowed"
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::Draft;
    use proptest::prelude::*;

    fn chain(key: &SigningKey, bodies: &[Vec<u8>]) -> Vec<Entry> {
        let mut prev = Hash::GENESIS;
        let mut out = Vec::new();
        for (i, body) in bodies.iter().enumerate() {
            let draft = Draft {
                kind: EntryKind::ReportFiled,
                subject: None,
                body: body.clone(),
            };
            let e = Entry::sign(draft, key, i as u64 + 1, prev, 1_700_000_000_000 + i as i64);
            prev = e.hash();
            out.push(e);
        }
        out
    }

    fn abc(key: &SigningKey) -> Vec<Entry> {
        chain(key, &[b"a".to_vec(), b"b".to_vec(), b"c".to_vec()])
    }

    proptest! {
        #[test]
        fn a_request_round_trips_and_its_runs_rebuild_the_chain(
            bodies in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 1..20),
            counter: u64, cursor: u64,
        ) {
            let key = SigningKey::from_bytes(&[5; 32]);
            let hub = DeviceId([9; 16]);
            let entries = chain(&key, &bodies);
            let runs = Run::from_entries(&entries, |_| None, Signatures::Every);
            prop_assert_eq!(runs.len(), 1);
            let request = SyncRequest {
                device: entries[0].device, counter, cursor, device_time: 5, runs,
                bundles: vec![b"USB\x02sealed".to_vec()],
            };
            let (sealed, tag) = request.seal(&hub, &key).expect("sealed");
            let frame = SyncRequest::frame(&sealed).expect("framed");
            prop_assert_eq!(frame.tag(), tag);
            prop_assert!(frame.verify(&hub, &key.verifying_key()));
            prop_assert!(!frame.verify(&DeviceId([8; 16]), &key.verifying_key()));
            let back = frame.open().expect("opens");
            prop_assert_eq!(&back, &request);
            // Every entry travels with its own signature, so each verifies alone.
            let rebuilt = back.runs[0].verified(&key.verifying_key()).expect("verified");
            prop_assert_eq!(rebuilt.len(), entries.len());
            for (r, e) in rebuilt.iter().zip(&entries) {
                prop_assert_eq!(r.hash(), e.hash());
                prop_assert!(r.verify_signature(&key.verifying_key()));
            }
        }

        #[test]
        fn opening_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let key = SigningKey::from_bytes(&[5; 32]);
            let me = BoxSecret::of_device(&key);
            let tag = RequestTag([1; 64]);
            let _ = SyncRequest::open(&bytes, &DeviceId([0; 16]), &key.verifying_key());
            let _ = SyncRequest::frame(&bytes).map(|f| f.open());
            let _ = SyncResponse::open(&bytes, &key.verifying_key(), &tag);
            let _ = Bundle::open(&bytes, &me);
            if let Ok(c) = compress(&bytes) {
                let _ = SyncRequest::frame(&c).map(|f| f.open());
                let _ = SyncResponse::open(&c, &key.verifying_key(), &tag);
                let _ = Bundle::open(&c, &me);
            }
        }
    }

    #[test]
    fn a_response_is_signed_by_the_hub_for_one_request() {
        let key = SigningKey::from_bytes(&[6; 32]);
        let hub = SigningKey::from_bytes(&[7; 32]);
        let mut entries = abc(&key);
        entries[1].body = None;
        let runs = Run::from_entries(&entries, |i| Some(1_000 + i as i64), Signatures::Head);
        let response = SyncResponse {
            hub_time: 42,
            acks: vec![(entries[0].device, 3)],
            cursor: 77,
            more: true,
            runs,
            refused: vec![Refused {
                device: entries[0].device,
                first_seq: 4,
                last_seq: 9,
                reason: "fork".into(),
            }],
        };
        let tag = RequestTag([3; 64]);
        let sealed = response.seal(&hub, &tag).expect("sealed");
        let back = SyncResponse::open(&sealed, &hub.verifying_key(), &tag).expect("opens");
        assert_eq!(back, response);
        // One signature for the run: the last entry's.
        let signed: Vec<bool> = back.runs[0]
            .entries
            .iter()
            .map(|e| e.signature.is_some())
            .collect();
        assert_eq!(signed, [false, false, true]);
        let rebuilt = back.runs[0]
            .verified(&key.verifying_key())
            .expect("verified");
        assert_eq!(rebuilt[2].hash(), entries[2].hash());
        assert!(rebuilt[1].body.is_none());
        // Another key, another request, or one changed byte: refused.
        let other = SigningKey::from_bytes(&[8; 32]).verifying_key();
        for (bytes, key, tag) in [
            (sealed.clone(), other, tag),
            (sealed.clone(), hub.verifying_key(), RequestTag([4; 64])),
        ] {
            assert!(matches!(
                SyncResponse::open(&bytes, &key, &tag),
                Err(Error::Integrity(_))
            ));
        }
        let mut changed = sealed;
        let last = changed.len() - 1;
        changed[last] ^= 1;
        assert!(SyncResponse::open(&changed, &hub.verifying_key(), &tag).is_err());
    }

    #[test]
    fn a_long_refusal_reason_is_cut_on_a_character_boundary() {
        let hub = SigningKey::from_bytes(&[7; 32]);
        let tag = RequestTag([3; 64]);
        // 63 bytes of ASCII and a two-byte character: the limit falls inside it.
        let reason = format!("{}é and more", "x".repeat(MAX_REASON - 1));
        let response = SyncResponse {
            hub_time: 1,
            acks: Vec::new(),
            cursor: 1,
            more: false,
            runs: Vec::new(),
            refused: vec![Refused {
                device: DeviceId([1; 16]),
                first_seq: 1,
                last_seq: 2,
                reason,
            }],
        };
        let sealed = response.seal(&hub, &tag).expect("sealed");
        let back = SyncResponse::open(&sealed, &hub.verifying_key(), &tag).expect("opens");
        assert_eq!(back.refused[0].reason, "x".repeat(MAX_REASON - 1));
    }

    #[test]
    fn a_run_whose_tail_no_signature_covers_is_refused_whole() {
        let key = SigningKey::from_bytes(&[6; 32]);
        let entries = abc(&key);
        let mut run = Run::from_entries(&entries, |_| None, Signatures::Every).remove(0);
        // Without the last signature, the third entry is nobody's word.
        run.entries[2].signature = None;
        assert!(matches!(
            run.verified(&key.verifying_key()),
            Err(Error::Integrity(m)) if m.contains("not signed")
        ));
        // An earlier signature alone covers what comes before it.
        run.entries.truncate(2);
        assert_eq!(run.verified(&key.verifying_key()).expect("ok").len(), 2);
        // A changed body breaks the signature that covers it.
        let mut run = Run::from_entries(&entries, |_| None, Signatures::Head).remove(0);
        run.entries[0].body = Body::Present(b"forged".to_vec());
        assert!(run.verified(&key.verifying_key()).is_err());
        // Another device's key never verifies it.
        let run = Run::from_entries(&entries, |_| None, Signatures::Head).remove(0);
        let other = SigningKey::from_bytes(&[9; 32]).verifying_key();
        assert!(run.verified(&other).is_err());
    }

    #[test]
    fn spaced_signatures_keep_every_sixteenth_and_each_runs_last_and_still_cover_it_all() {
        let key = SigningKey::from_bytes(&[6; 32]);
        let bodies: Vec<Vec<u8>> = (0..40u8).map(|i| vec![i]).collect();
        let entries = chain(&key, &bodies);
        let run = Run::from_entries(&entries, |_| None, Signatures::Spaced).remove(0);
        let signed: Vec<u64> = run
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.signature.is_some())
            .map(|(i, _)| run.first_seq + i as u64)
            .collect();
        assert_eq!(signed, [16, 32, 40]);
        assert_eq!(
            run.verified(&key.verifying_key()).expect("covered").len(),
            40
        );
        // Entries 1 to 16 alone are covered by the 16th's signature; 17 alone needs the proofs
        // up to 32.
        let mut head = run.clone();
        head.entries.truncate(16);
        assert!(head.verified(&key.verifying_key()).is_ok());
        let mut alone = run.clone();
        alone.entries.truncate(17);
        assert!(alone.verified(&key.verifying_key()).is_err());
        for e in &entries[17..32] {
            alone.entries.push(RunEntry::proof_of(e, None));
        }
        assert_eq!(
            alone.verified(&key.verifying_key()).expect("proved").len(),
            17
        );
    }

    #[test]
    fn proofs_are_checked_and_never_stored() {
        let key = SigningKey::from_bytes(&[6; 32]);
        let entries = abc(&key);
        // The hub holds no signature of entry 2, and sends 3 as a proof.
        let mut run = Run::from_entries(&entries[..2], |_| None, Signatures::Head).remove(0);
        run.entries[1].signature = None;
        run.entries.push(RunEntry::proof_of(&entries[2], Some(5)));
        let response = SyncResponse {
            hub_time: 1,
            acks: Vec::new(),
            cursor: 1,
            more: false,
            runs: vec![run],
            refused: Vec::new(),
        };
        let hub = SigningKey::from_bytes(&[7; 32]);
        let tag = RequestTag([3; 64]);
        let back = SyncResponse::open(
            &response.seal(&hub, &tag).expect("sealed"),
            &hub.verifying_key(),
            &tag,
        )
        .expect("opens");
        let stored = back.runs[0].verified(&key.verifying_key()).expect("ok");
        assert_eq!(stored.len(), 2);
        assert_eq!(stored[1].hash(), entries[1].hash());
        assert!(!back.runs[0].entries[2].body.is_present());
    }

    #[test]
    fn bundles_round_trip_sealed_to_their_recipient_and_signed_by_their_maker() {
        let device_key = SigningKey::from_bytes(&[7; 32]);
        let hub_key = SigningKey::from_bytes(&[8; 32]);
        let entries = chain(
            &device_key,
            &[b"Lomuriaxq saw them".to_vec(), b"b".to_vec()],
        );
        let hub = DeviceId::of(&hub_key.verifying_key());
        let from_device = Bundle::FromDevice(DeviceBundle {
            device: entries[0].device,
            hub,
            made_at: 5,
            cursor: 9,
            runs: Run::from_entries(&entries, |_| None, Signatures::Every),
        });
        let from_hub = Bundle::FromHub(HubBundle {
            hub,
            device: entries[0].device,
            response: SyncResponse {
                hub_time: 42,
                acks: vec![(entries[0].device, 2)],
                cursor: 12,
                more: false,
                runs: Run::from_entries(&entries, |i| Some(100 + i as i64), Signatures::Head),
                refused: Vec::new(),
            },
        });
        for (bundle, key, other) in [
            (&from_device, &device_key, &hub_key),
            (&from_hub, &hub_key, &device_key),
        ] {
            let recipient = BoxSecret::of_device(other);
            let sealed = bundle.seal(key, &recipient.public()).expect("sealed");
            assert!(!sealed.windows(9).any(|w| w == b"Lomuriaxq"));
            assert_eq!(
                Bundle::recipients(&sealed).expect("read"),
                [recipient.public().id()]
            );
            let (back, signature) = Bundle::open(&sealed, &recipient).expect("opens");
            assert_eq!(&back, bundle);
            assert!(signature.verify(&key.verifying_key()));
            assert!(!signature.verify(&other.verifying_key()));
            // Only its recipient opens it.
            let stranger = BoxSecret::of_device(&SigningKey::from_bytes(&[9; 32]));
            assert!(matches!(
                Bundle::open(&sealed, &stranger),
                Err(Error::Refused(_))
            ));
            let mut changed = sealed.clone();
            let last = changed.len() - 1;
            changed[last] ^= 1;
            assert!(matches!(
                Bundle::open(&changed, &recipient),
                Err(Error::Integrity(_))
            ));
        }
    }

    #[test]
    fn version_one_frames_are_told_to_update_without_being_inflated() {
        let mut v1 = b"USQ\x01".to_vec();
        v1.extend_from_slice(&[0; 100]);
        let old = compress(&v1).expect("compressed");
        assert!(
            matches!(SyncRequest::frame(&old), Err(Error::Unsupported(m)) if m.contains("update"))
        );
        let mut v1 = b"USB\x01".to_vec();
        v1.extend_from_slice(&[0; 100]);
        let old = compress(&v1).expect("compressed");
        let me = BoxSecret::of_device(&SigningKey::from_bytes(&[9; 32]));
        assert!(matches!(
            Bundle::open(&old, &me),
            Err(Error::Unsupported(_))
        ));
    }

    #[test]
    fn a_frame_that_inflates_beyond_the_limit_is_refused() {
        let bomb = compress(&vec![0u8; MAX_FRAME + 10]).expect("compressed");
        assert!(bomb.len() < 10_000);
        assert!(matches!(decompress(&bomb), Err(Error::Malformed(_))));
    }
}
