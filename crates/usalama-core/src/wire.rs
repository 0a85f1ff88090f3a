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
//! - A device→hub run carries **one signature**, the author's signature of the run's last entry:
//!   since every entry hash covers the previous one, it vouches for the whole run (as a git
//!   commit signature covers its history). Hub→device runs carry the hub's receipt times; the hub
//!   vouches for what it forwards over its authenticated (pinned TLS) channel.
//! - The request is signed by the device over the hub's id, a counter that must grow with every
//!   request, and the payload: a replayed request is refused without trusting any clock.

use std::io::Read;

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::codec::{put_varint, unzigzag, zigzag, Reader};
use crate::error::{Error, Result};
use crate::ledger::{DeviceId, Entry, EntryKind, Hash, ReportId, FORMAT, MAX_BODY};

/// The protocol version this build speaks. A hub answers an unknown version with HTTP 426.
pub const PROTOCOL: u8 = 1;
/// The largest frame, compressed or not, either side accepts.
pub const MAX_FRAME: usize = 8 << 20;
/// Roughly how many bytes of entries go in one chunk: small enough that a cut 2G connection
/// loses little, large enough that 1,000 reports take a few requests.
pub const CHUNK_BYTES: usize = 256 * 1024;
const ZSTD_LEVEL: i32 = 9;

const REQUEST_MAGIC: &[u8; 3] = b"USQ";
const RESPONSE_MAGIC: &[u8; 3] = b"USR";
const BUNDLE_MAGIC: &[u8; 3] = b"USB";
/// The largest bundle, uncompressed: weeks of a busy area's reports.
pub const MAX_BUNDLE: usize = 256 << 20;

/// Consecutive entries of one device's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub device: DeviceId,
    pub first_seq: u64,
    pub prev: Hash,
    pub entries: Vec<RunEntry>,
    /// The author's signature of the last entry.
    pub head_signature: Option<[u8; 64]>,
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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Present(Vec<u8>),
    Dropped(Hash),
}

impl Run {
    /// Runs from entries sorted by (device, seq): one run per stretch of consecutive entries.
    /// `received_at` gives the hub's receipt time of each entry, for hub→device runs.
    pub fn from_entries(entries: &[Entry], received_at: impl Fn(usize) -> Option<i64>) -> Vec<Run> {
        let mut runs: Vec<Run> = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let item = RunEntry {
                kind: e.kind,
                at: e.at,
                subject: e.subject,
                body: match &e.body {
                    Some(b) => Body::Present(b.clone()),
                    None => Body::Dropped(e.body_hash),
                },
                received_at: received_at(i),
            };
            match runs.last_mut() {
                Some(run)
                    if run.device == e.device
                        && run.first_seq + run.entries.len() as u64 == e.seq =>
                {
                    run.entries.push(item);
                    run.head_signature = e.signature;
                }
                _ => runs.push(Run {
                    device: e.device,
                    first_seq: e.seq,
                    prev: e.prev,
                    entries: vec![item],
                    head_signature: e.signature,
                }),
            }
        }
        runs
    }

    /// The entries of this run, with every hash recomputed. Only the last entry carries the
    /// run's signature; the others have none (their hash is covered by it).
    pub fn into_entries(self) -> Vec<Entry> {
        let mut out = Vec::with_capacity(self.entries.len());
        let mut prev = self.prev;
        let count = self.entries.len();
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
                signature: if i + 1 == count {
                    self.head_signature
                } else {
                    None
                },
            };
            prev = entry.hash();
            out.push(entry);
        }
        out
    }

    pub fn last_seq(&self) -> u64 {
        self.first_seq + self.entries.len().saturating_sub(1) as u64
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
}

impl SyncRequest {
    /// The signed, compressed request body. `hub` is the hub's device id.
    pub fn seal(&self, hub: &DeviceId, key: &SigningKey) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        out.extend_from_slice(REQUEST_MAGIC);
        out.push(PROTOCOL);
        out.extend_from_slice(&self.device.0);
        put_varint(&mut out, self.counter);
        put_varint(&mut out, self.cursor);
        put_varint(&mut out, zigzag(self.device_time));
        put_runs(&mut out, &self.runs, false);
        let signature = key.sign(&request_digest(hub, &out));
        out.extend_from_slice(&signature.to_bytes());
        compress(&out)
    }

    /// Reads a request; the caller then checks its signature with [`SyncRequest::verify`].
    /// Returns the request and the signature check's inputs.
    pub fn open(bytes: &[u8]) -> Result<(SyncRequest, SignedPart)> {
        let raw = decompress(bytes)?;
        if raw.len() < 4 || &raw[..3] != REQUEST_MAGIC {
            return Err(Error::Malformed("not a sync request".into()));
        }
        // The version first: a device months out of date is told to update, not "malformed".
        if raw[3] != PROTOCOL {
            return Err(Error::Unsupported(format!(
                "sync protocol {} is not spoken here (this hub speaks {PROTOCOL}); update \
                 Usalama on this device",
                raw[3]
            )));
        }
        if raw.len() < 4 + 64 {
            return Err(Error::Malformed("the request is cut short".into()));
        }
        let (payload, signature) = raw.split_at(raw.len() - 64);
        let mut r = Reader::new(&payload[4..]);
        let device = DeviceId(r.array()?);
        let counter = r.varint()?;
        let cursor = r.varint()?;
        let device_time = unzigzag(r.varint()?);
        let runs = read_runs(&mut r, false)?;
        r.end()?;
        let mut sig = [0u8; 64];
        sig.copy_from_slice(signature);
        Ok((
            SyncRequest {
                device,
                counter,
                cursor,
                device_time,
                runs,
            },
            SignedPart {
                payload: payload.to_vec(),
                signature: sig,
            },
        ))
    }
}

/// The signed part of a request, kept for the signature check once the device's key is known.
#[derive(Debug, Clone)]
pub struct SignedPart {
    payload: Vec<u8>,
    signature: [u8; 64],
}

impl SignedPart {
    pub fn verify(&self, hub: &DeviceId, key: &VerifyingKey) -> bool {
        key.verify(
            &request_digest(hub, &self.payload),
            &Signature::from_bytes(&self.signature),
        )
        .is_ok()
    }
}

fn request_digest(hub: &DeviceId, payload: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"usalama.sync.request\0");
    h.update(hub.0);
    h.update(payload);
    h.finalize().into()
}

impl SyncResponse {
    pub fn seal(&self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        out.extend_from_slice(RESPONSE_MAGIC);
        out.push(PROTOCOL);
        self.put(&mut out);
        compress(&out)
    }

    /// The response's fields, after the frame's magic and version (a hub bundle holds them too).
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(out, zigzag(self.hub_time));
        put_varint(out, self.acks.len() as u64);
        for (device, seq) in &self.acks {
            out.extend_from_slice(&device.0);
            put_varint(out, *seq);
        }
        put_varint(out, self.cursor);
        out.push(u8::from(self.more));
        put_runs(out, &self.runs, true);
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
        Ok(SyncResponse {
            hub_time,
            acks,
            cursor,
            more,
            runs,
        })
    }

    pub fn open(bytes: &[u8]) -> Result<SyncResponse> {
        let raw = decompress(bytes)?;
        if raw.len() < 4 || &raw[..3] != RESPONSE_MAGIC {
            return Err(Error::Malformed("not a sync response".into()));
        }
        if raw[3] != PROTOCOL {
            return Err(Error::Unsupported(format!(
                "the hub answered with sync protocol {}; this version speaks {PROTOCOL}: update \
                 Usalama",
                raw[3]
            )));
        }
        let mut r = Reader::new(&raw[4..]);
        let response = SyncResponse::read(&mut r)?;
        r.end()?;
        Ok(response)
    }
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
            let flags =
                u8::from(e.subject.is_some()) | (u8::from(matches!(e.body, Body::Present(_))) << 1);
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
        }
        match &run.head_signature {
            Some(sig) => {
                out.push(1);
                out.extend_from_slice(sig);
            }
            None => out.push(0),
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
            if flags & !0b11 != 0 {
                return Err(Error::Malformed(format!(
                    "unknown entry flags {flags:#04x}"
                )));
            }
            let at = last_at.wrapping_add(unzigzag(r.varint()?));
            last_at = at;
            let received_at = if with_receipts {
                last_received = last_received.wrapping_add(unzigzag(r.varint()?));
                Some(last_received)
            } else {
                None
            };
            let subject = if flags & 1 != 0 {
                Some(ReportId(r.array()?))
            } else {
                None
            };
            let body = if flags & 2 != 0 {
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
            entries.push(RunEntry {
                kind: EntryKind::from_code(kind),
                at,
                subject,
                body,
                received_at,
            });
        }
        let head_signature = match r.byte()? {
            0 => None,
            1 => Some(r.array()?),
            other => return Err(Error::Malformed(format!("bad signature marker {other}"))),
        };
        runs.push(Run {
            device,
            first_seq,
            prev,
            entries,
            head_signature,
        });
    }
    Ok(runs)
}

/// A bundle: sync carried on a USB stick instead of the network. Either a device's entries for
/// its hub (what a sync request would carry, and the device's cursor), or the hub's answer for
/// one device (what a sync response would carry). Each is signed by its maker, since no pinned
/// TLS channel vouches for a file; entries inside stay signed by their authors, so any carrier
/// may carry them.
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

impl Bundle {
    /// The signed, compressed file. `key` is the maker's.
    pub fn seal(&self, key: &SigningKey) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        out.extend_from_slice(BUNDLE_MAGIC);
        out.push(PROTOCOL);
        match self {
            Bundle::FromDevice(b) => {
                out.push(FROM_DEVICE);
                out.extend_from_slice(&b.device.0);
                out.extend_from_slice(&b.hub.0);
                put_varint(&mut out, zigzag(b.made_at));
                put_varint(&mut out, b.cursor);
                put_runs(&mut out, &b.runs, false);
            }
            Bundle::FromHub(b) => {
                out.push(FROM_HUB);
                out.extend_from_slice(&b.hub.0);
                out.extend_from_slice(&b.device.0);
                b.response.put(&mut out);
            }
        }
        let signature = key.sign(&bundle_digest(&out));
        out.extend_from_slice(&signature.to_bytes());
        zstd::bulk::compress(&out, ZSTD_LEVEL).map_err(|e| Error::Malformed(format!("zstd: {e}")))
    }

    /// Reads a bundle; the caller checks the maker's signature with the returned part, once it
    /// knows the maker's key.
    pub fn open(bytes: &[u8]) -> Result<(Bundle, BundleSignature)> {
        let raw = decompress_at_most(bytes, MAX_BUNDLE)
            .map_err(|_| Error::Malformed("this file is not a Usalama bundle".into()))?;
        if raw.len() < 5 || &raw[..3] != BUNDLE_MAGIC {
            return Err(Error::Malformed("this file is not a Usalama bundle".into()));
        }
        if raw[3] != PROTOCOL {
            return Err(Error::Unsupported(format!(
                "this bundle was made with sync protocol {}; this version speaks {PROTOCOL}: \
                 update Usalama",
                raw[3]
            )));
        }
        if raw.len() < 5 + 64 {
            return Err(Error::Malformed("the bundle is cut short".into()));
        }
        let (payload, signature) = raw.split_at(raw.len() - 64);
        let mut r = Reader::new(&payload[5..]);
        let bundle = match raw[4] {
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
    h.update(b"usalama.bundle\0");
    h.update(payload);
    h.finalize().into()
}

pub fn compress(raw: &[u8]) -> Result<Vec<u8>> {
    zstd::bulk::compress(raw, ZSTD_LEVEL).map_err(|e| Error::Malformed(format!("zstd: {e}")))
}

/// Decompresses at most [`MAX_FRAME`] bytes: a small frame that claims gigabytes is refused.
pub fn decompress(bytes: &[u8]) -> Result<Vec<u8>> {
    decompress_at_most(bytes, MAX_FRAME)
}

fn decompress_at_most(bytes: &[u8], limit: usize) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    zstd::stream::read::Decoder::new(bytes)
        .map_err(|e| Error::Malformed(format!("not zstd data: {e}")))?
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

    proptest! {
        #[test]
        fn a_request_round_trips_and_its_runs_rebuild_the_chain(
            bodies in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 1..20),
            counter: u64, cursor: u64,
        ) {
            let key = SigningKey::from_bytes(&[5; 32]);
            let hub = DeviceId([9; 16]);
            let entries = chain(&key, &bodies);
            let runs = Run::from_entries(&entries, |_| None);
            prop_assert_eq!(runs.len(), 1);
            let request = SyncRequest {
                device: entries[0].device, counter, cursor, device_time: 5, runs,
            };
            let sealed = request.seal(&hub, &key).expect("sealed");
            let (back, signed) = SyncRequest::open(&sealed).expect("opens");
            prop_assert!(signed.verify(&hub, &key.verifying_key()));
            prop_assert!(!signed.verify(&DeviceId([8; 16]), &key.verifying_key()));
            prop_assert_eq!(&back, &request);
            let rebuilt = back.runs.into_iter().next().expect("run").into_entries();
            let last = rebuilt.last().expect("last");
            prop_assert_eq!(last.hash(), entries.last().expect("last").hash());
            prop_assert!(last.verify_signature(&key.verifying_key()));
        }

        #[test]
        fn opening_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = SyncRequest::open(&bytes);
            let _ = SyncResponse::open(&bytes);
            let _ = Bundle::open(&bytes);
            if let Ok(c) = compress(&bytes) {
                let _ = SyncRequest::open(&c);
                let _ = SyncResponse::open(&c);
                let _ = Bundle::open(&c);
            }
        }
    }

    #[test]
    fn a_response_round_trips_with_receipts_and_dropped_bodies() {
        let key = SigningKey::from_bytes(&[6; 32]);
        let mut entries = chain(&key, &[b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]);
        entries[1].body = None;
        let runs = Run::from_entries(&entries, |i| Some(1_000 + i as i64));
        let response = SyncResponse {
            hub_time: 42,
            acks: vec![(entries[0].device, 3)],
            cursor: 77,
            more: true,
            runs,
        };
        let back = SyncResponse::open(&response.seal().expect("sealed")).expect("opens");
        assert_eq!(back, response);
        let rebuilt = back.runs[0].clone().into_entries();
        assert_eq!(rebuilt[2].hash(), entries[2].hash());
        assert!(rebuilt[1].body.is_none());
    }

    #[test]
    fn bundles_round_trip_and_only_their_maker_signed_them() {
        let device_key = SigningKey::from_bytes(&[7; 32]);
        let hub_key = SigningKey::from_bytes(&[8; 32]);
        let entries = chain(&device_key, &[b"a".to_vec(), b"b".to_vec()]);
        let hub = DeviceId::of(&hub_key.verifying_key());
        let from_device = Bundle::FromDevice(DeviceBundle {
            device: entries[0].device,
            hub,
            made_at: 5,
            cursor: 9,
            runs: Run::from_entries(&entries, |_| None),
        });
        let from_hub = Bundle::FromHub(HubBundle {
            hub,
            device: entries[0].device,
            response: SyncResponse {
                hub_time: 42,
                acks: vec![(entries[0].device, 2)],
                cursor: 12,
                more: false,
                runs: Run::from_entries(&entries, |i| Some(100 + i as i64)),
            },
        });
        for (bundle, key, other) in [
            (&from_device, &device_key, &hub_key),
            (&from_hub, &hub_key, &device_key),
        ] {
            let sealed = bundle.seal(key).expect("sealed");
            let (back, signature) = Bundle::open(&sealed).expect("opens");
            assert_eq!(&back, bundle);
            assert!(signature.verify(&key.verifying_key()));
            assert!(!signature.verify(&other.verifying_key()));
        }
        // A sync frame is not a bundle, and a bundle is not a sync frame.
        let response = SyncResponse::open(&from_device.seal(&device_key).expect("sealed"));
        assert!(response.is_err());
        assert!(Bundle::open(&compress(b"USR\x01").expect("compressed")).is_err());
    }

    #[test]
    fn a_frame_that_inflates_beyond_the_limit_is_refused() {
        let bomb = compress(&vec![0u8; MAX_FRAME + 10]).expect("compressed");
        assert!(bomb.len() < 10_000);
        assert!(matches!(SyncRequest::open(&bomb), Err(Error::Malformed(_))));
    }
}
