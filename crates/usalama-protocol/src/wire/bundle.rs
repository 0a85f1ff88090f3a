//! Bundles: sync carried on a USB stick, each signed by its maker and sealed to its one
//! recipient, since no pinned TLS channel vouches for a file.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::codec::{put_varint, unzigzag, zigzag, Reader};
use crate::error::{Error, Result};
use crate::ledger::DeviceId;
use crate::seal::{self, BoxPublic, BoxSecret, KeyId};

use super::encoding::{put_runs, read_runs};
use super::frame::{compress, decompress_at_most, peek_version, PROTOCOL, ZSTD_MAGIC};
use super::response::SyncResponse;
use super::run::Run;

const BUNDLE_MAGIC: &[u8; 3] = b"USB";
/// The largest bundle, uncompressed: weeks of a busy area's reports.
pub const MAX_BUNDLE: usize = 256 << 20;

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
