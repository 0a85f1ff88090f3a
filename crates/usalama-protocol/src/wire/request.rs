//! The request frame: what a device sends, signed over the hub's id and a growing counter,
//! read in two steps so that the hub checks who sent it before it decompresses anything.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::codec::{put_varint, unzigzag, zigzag, Reader};
use crate::error::{Error, Result};
use crate::ledger::DeviceId;
use crate::release::UpdateState;

use super::encoding::{put_runs, read_runs};
use super::frame::{compress, decompress, peek_version, PROTOCOL, ZSTD_MAGIC};
use super::run::Run;

const REQUEST_MAGIC: &[u8; 3] = b"USQ";

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
    /// What the device runs and fetches (see [`crate::release`]); a device from before
    /// updates sends none.
    pub updates: Option<UpdateState>,
}

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
        if let Some(updates) = &self.updates {
            updates.put(&mut payload);
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

    /// Decompresses (at most [`MAX_FRAME`](super::MAX_FRAME) bytes) and reads the request.
    /// Call it only once the signature is checked.
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
        let updates = UpdateState::read(&mut r)?;
        r.end()?;
        Ok(SyncRequest {
            device: self.device,
            counter,
            cursor,
            device_time,
            runs,
            bundles,
            updates,
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

fn outdated_device(version: u8) -> Error {
    Error::Unsupported(format!(
        "sync protocol {version} is not spoken here (this hub speaks {PROTOCOL}); update \
         Usalama on this device (see \"Updating\" in the county's install guide)"
    ))
}
