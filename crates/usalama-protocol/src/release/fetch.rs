//! The update endpoint's requests: JSON signed with the device's enrolled key, and nothing of
//! the sync protocol, so that a device many protocol versions old still reaches it. These
//! shapes never change; another shape would get another path.
//!
//! - `POST /v1/release/offer` with a signed [`UpdateState`]: the hub answers an
//!   [`UpdateAnswer`](super::UpdateAnswer) in JSON.
//! - `POST /v1/release/chunk` with a signed [`ChunkRequest`]: the hub answers the bytes, at
//!   most [`MAX_CHUNK`] of them.
//!
//! The answers need no signature of their own: the channel is the pinned one of sync, and
//! every byte ends up checked against the release, which the release key signed.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{UpdateState, Version};
use crate::error::{Error, Result};
use crate::ledger::DeviceId;

pub const OFFER_PATH: &str = "/v1/release/offer";
pub const CHUNK_PATH: &str = "/v1/release/chunk";
/// The most bytes one chunk answer carries.
pub const MAX_CHUNK: u32 = 256 << 10;
/// The largest request body: a signed chunk request takes about 300 bytes.
pub const MAX_REQUEST: usize = 2 << 10;

/// Part of a package (or of a delta from `from`): `length` bytes from `offset`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChunkRequest {
    pub version: Version,
    pub from: Option<Version>,
    pub offset: u64,
    pub length: u32,
}

/// A request body the device signed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signed<T> {
    pub device: String,
    pub body: T,
    pub signature: String,
}

/// What a signed body's signature is made for: one domain for each endpoint, so that a
/// signature for one is never taken by another.
pub trait Endpoint: Serialize + DeserializeOwned {
    const DOMAIN: &'static [u8];
}

impl Endpoint for UpdateState {
    const DOMAIN: &'static [u8] = b"usalama.release.offer.v1\0";
}

impl Endpoint for ChunkRequest {
    const DOMAIN: &'static [u8] = b"usalama.release.chunk.v1\0";
}

fn digest<T: Endpoint>(hub: &DeviceId, device: &DeviceId, body: &T) -> Result<[u8; 32]> {
    let json = serde_json::to_vec(body).map_err(|e| Error::Malformed(e.to_string()))?;
    let mut h = Sha256::new();
    h.update(T::DOMAIN);
    h.update(hub.0);
    h.update(device.0);
    h.update(json);
    Ok(h.finalize().into())
}

impl<T: Endpoint> Signed<T> {
    /// `body` signed by the device whose key is `key`, for the hub `hub`.
    pub fn sign(body: T, key: &SigningKey, hub: &DeviceId) -> Result<Signed<T>> {
        let device = DeviceId::of(&key.verifying_key());
        let signature = key.sign(&digest(hub, &device, &body)?);
        Ok(Signed {
            device: hex::encode(device.0),
            body,
            signature: hex::encode(signature.to_bytes()),
        })
    }

    /// Reads a request body, at most [`MAX_REQUEST`] bytes; the signature is not checked yet.
    pub fn parse(bytes: &[u8]) -> Result<Signed<T>> {
        if bytes.len() > MAX_REQUEST {
            return Err(Error::Malformed(format!(
                "an update request holds at most {MAX_REQUEST} bytes"
            )));
        }
        serde_json::from_slice(bytes)
            .map_err(|e| Error::Malformed(format!("not an update request: {e}")))
    }

    /// The device that says it signed.
    pub fn device(&self) -> Result<DeviceId> {
        DeviceId::parse(&self.device)
    }

    /// The body, if the device's key `key` signed it for the hub `hub`.
    pub fn verify(&self, key: &VerifyingKey, hub: &DeviceId) -> Result<&T> {
        let device = self.device()?;
        let mut signature = [0u8; 64];
        hex::decode_to_slice(&self.signature, &mut signature)
            .map_err(|_| Error::Malformed("the request's signature is not hex".into()))?;
        if DeviceId::of(key) != device
            || key
                .verify(
                    &digest(hub, &device, &self.body)?,
                    &Signature::from_bytes(&signature),
                )
                .is_err()
        {
            return Err(Error::Integrity(
                "the update request is not signed by its device".into(),
            ));
        }
        Ok(&self.body)
    }

    pub fn to_json(&self) -> Result<Vec<u8>> {
        serde_json::to_vec(self).map_err(|e| Error::Malformed(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_request_verifies_for_its_hub_and_endpoint_only() {
        let key = SigningKey::from_bytes(&[3; 32]);
        let hub = DeviceId([1; 16]);
        let body = ChunkRequest {
            version: "0.3.0".parse().expect("version"),
            from: None,
            offset: 65536,
            length: 32768,
        };
        let signed = Signed::sign(body.clone(), &key, &hub).expect("signs");
        let bytes = signed.to_json().expect("json");
        let read = Signed::<ChunkRequest>::parse(&bytes).expect("parses");
        assert_eq!(
            read.verify(&key.verifying_key(), &hub).expect("verifies"),
            &body
        );
        assert!(read
            .verify(&key.verifying_key(), &DeviceId([2; 16]))
            .is_err());
        let other = SigningKey::from_bytes(&[4; 32]);
        assert!(read.verify(&other.verifying_key(), &hub).is_err());
        let mut moved = read.clone();
        moved.body.offset = 0;
        assert!(moved.verify(&key.verifying_key(), &hub).is_err());
        // Not an offer request, whatever its bytes.
        assert!(Signed::<UpdateState>::parse(&bytes).is_err());
    }
}
