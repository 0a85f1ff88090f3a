//! The key a device and its hub share for alerts, derived from the keys they enrolled with,
//! and what it does: the tag that authenticates an alert and the stream that hides it.
//!
//! The device's X25519 key is its Ed25519 signing key in Montgomery form (as in [`seal`]), and
//! so is the hub's: static X25519 between the two gives both sides the same secret with no
//! message beyond enrollment. HKDF-SHA256 (RFC 5869) turns it into a tag key, a stream key and
//! the key id an alert names in clear.
//!
//! [`seal`]: crate::seal

use std::fmt;

use curve25519_dalek::montgomery::MontgomeryPoint;
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::bits::Bits;
use super::refusal::Refusal;
use crate::seal::{BoxPublic, BoxSecret};

/// Bits of the key id an alert carries in clear.
pub const KEY_ID_BITS: u32 = 25;
/// Bytes of an alert's tag: 64 bits.
pub const TAG_BYTES: usize = 8;

/// The salt of the key derivation: a later format version derives other keys.
const SALT: &[u8] = b"usalama.sms.v1";

/// Which device's key an alert is under: 25 bits derived with the key, so only the hub (and
/// the device) can tell which device a key id belongs to. Written as 5 Crockford base32
/// characters.
#[derive(
    Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct KeyId(pub(super) u32);

impl KeyId {
    pub fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for i in (0..5).rev() {
            let symbol = super::text::SHORT_ALPHABET[((self.0 >> (5 * i)) & 31) as usize];
            write!(f, "{}", symbol as char)?;
        }
        Ok(())
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

/// The alert key of one device and one hub: both derive the same one.
#[derive(Clone)]
pub struct AlertKey {
    id: KeyId,
    tag: Zeroizing<[u8; 32]>,
    stream: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for AlertKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AlertKey({})", self.id)
    }
}

impl AlertKey {
    /// The device's side: its own signing key and the hub's public key (`Enrolled::hub_key`).
    pub fn of_device(device: &SigningKey, hub: &VerifyingKey) -> Result<AlertKey, Refusal> {
        let device_public = BoxPublic::of_device(&device.verifying_key());
        let hub_public = BoxPublic::of_device(hub);
        derive(
            &BoxSecret::of_device(device),
            &hub_public,
            &device_public,
            &hub_public,
        )
    }

    /// The hub's side: its own signing key and the device's enrolled public key.
    pub fn of_hub(hub: &SigningKey, device: &VerifyingKey) -> Result<AlertKey, Refusal> {
        let device_public = BoxPublic::of_device(device);
        let hub_public = BoxPublic::of_device(&hub.verifying_key());
        derive(
            &BoxSecret::of_device(hub),
            &device_public,
            &device_public,
            &hub_public,
        )
    }

    pub fn id(&self) -> KeyId {
        self.id
    }

    /// The first 64 bits of HMAC-SHA256 over the clear header and every plaintext bit.
    pub(super) fn tag(&self, header: &[u8], plain: &Bits) -> [u8; TAG_BYTES] {
        let length = u16::try_from(plain.len()).unwrap_or(u16::MAX).to_be_bytes();
        let mac = hmac(
            &self.tag[..],
            &[b"usalama.sms.tag\0", header, &length, plain.bytes()],
        );
        let mut tag = [0; TAG_BYTES];
        tag.copy_from_slice(&mac[..TAG_BYTES]);
        tag
    }

    /// Encrypts or decrypts `bits` in place: XOR with HMAC-SHA256 blocks keyed by the stream
    /// key over the tag (the synthetic IV) and the block's number.
    pub(super) fn apply_stream(&self, tag: &[u8; TAG_BYTES], bits: &mut Bits) {
        let mut stream = Zeroizing::new(Vec::with_capacity(bits.bytes().len() + 32));
        let mut block = 0u8;
        while stream.len() < bits.bytes().len() {
            stream.extend_from_slice(&hmac(
                &self.stream[..],
                &[b"usalama.sms.stream\0", tag, &[block]],
            ));
            block = block.wrapping_add(1);
        }
        bits.xor(&stream);
    }
}

fn derive(
    mine: &BoxSecret,
    theirs: &BoxPublic,
    device: &BoxPublic,
    hub: &BoxPublic,
) -> Result<AlertKey, Refusal> {
    if theirs.is_weak() {
        return Err(Refusal::UnusableKey);
    }
    let shared = Zeroizing::new(
        MontgomeryPoint(theirs.0)
            .mul_clamped(*mine.as_bytes())
            .to_bytes(),
    );
    if *shared == [0; 32] {
        return Err(Refusal::UnusableKey);
    }
    // Both public keys in the info bind the key to this one pair, in a fixed order.
    let mut okm = Zeroizing::new([0u8; 68]);
    hkdf(
        SALT,
        &shared[..],
        &[b"usalama.sms alert key\0", &device.0, &hub.0],
        &mut okm[..],
    );
    let mut tag = Zeroizing::new([0u8; 32]);
    let mut stream = Zeroizing::new([0u8; 32]);
    tag.copy_from_slice(&okm[..32]);
    stream.copy_from_slice(&okm[32..64]);
    let id = u32::from_be_bytes([okm[64], okm[65], okm[66], okm[67]]) >> (32 - KEY_ID_BITS);
    Ok(AlertKey {
        id: KeyId(id),
        tag,
        stream,
    })
}

/// HMAC-SHA256 (RFC 2104) over the concatenation of `parts`.
pub(super) fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut block = Zeroizing::new([0u8; 64]);
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| Zeroizing::new(block.map(|b| b ^ byte));
    let mut inner = Sha256::new().chain_update(&pad(0x36)[..]);
    for part in parts {
        inner.update(part);
    }
    Sha256::new()
        .chain_update(&pad(0x5c)[..])
        .chain_update(inner.finalize())
        .finalize()
        .into()
}

/// HKDF-SHA256 (RFC 5869): extract with `salt`, expand with the concatenation of `info` into
/// `out` (at most 255 blocks of 32 bytes).
pub(super) fn hkdf(salt: &[u8], ikm: &[u8], info: &[&[u8]], out: &mut [u8]) {
    let prk = Zeroizing::new(hmac(salt, &[ikm]));
    let mut previous: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::new());
    for (i, chunk) in out.chunks_mut(32).enumerate() {
        let counter = [u8::try_from(i + 1).unwrap_or(u8::MAX)];
        let mut parts: Vec<&[u8]> = vec![&previous[..]];
        parts.extend_from_slice(info);
        parts.push(&counter);
        let block = Zeroizing::new(hmac(&prk[..], &parts));
        chunk.copy_from_slice(&block[..chunk.len()]);
        *previous = block.to_vec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(text: &str) -> Vec<u8> {
        hex::decode(text).expect("hex")
    }

    #[test]
    fn hmac_gives_the_rfc_4231_values() {
        // Test cases 1, 2 and 6 (a key longer than a block).
        let cases = [
            (
                vec![0x0b; 20],
                b"Hi There".to_vec(),
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe".to_vec(),
                b"what do ya want for nothing?".to_vec(),
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                vec![0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
        ];
        for (key, message, expected) in cases {
            assert_eq!(hmac(&key, &[&message]).to_vec(), unhex(expected));
            let (a, b) = message.split_at(3);
            assert_eq!(hmac(&key, &[a, b]).to_vec(), unhex(expected));
        }
    }

    #[test]
    fn hkdf_gives_the_rfc_5869_value() {
        // Test case 1.
        let mut okm = [0u8; 42];
        hkdf(
            &unhex("000102030405060708090a0b0c"),
            &[0x0b; 22],
            &[&unhex("f0f1f2f3f4f5f6f7f8f9")],
            &mut okm,
        );
        assert_eq!(
            okm.to_vec(),
            unhex(
                "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887\
                 185865"
            )
        );
    }

    #[test]
    fn the_device_and_its_hub_derive_one_key_and_another_hub_another() {
        let device = SigningKey::from_bytes(&[1; 32]);
        let hub = SigningKey::from_bytes(&[2; 32]);
        let other_hub = SigningKey::from_bytes(&[3; 32]);
        let on_device = AlertKey::of_device(&device, &hub.verifying_key()).expect("derived");
        let at_hub = AlertKey::of_hub(&hub, &device.verifying_key()).expect("derived");
        assert_eq!(on_device.id(), at_hub.id());
        assert_eq!(*on_device.tag, *at_hub.tag);
        assert_eq!(*on_device.stream, *at_hub.stream);
        assert_ne!(*on_device.tag, *on_device.stream);
        assert!(on_device.id().get() < 1 << KEY_ID_BITS);
        let elsewhere = AlertKey::of_device(&device, &other_hub.verifying_key()).expect("derived");
        assert_ne!(*elsewhere.tag, *on_device.tag);
        assert_ne!(elsewhere.id(), on_device.id());
        assert_eq!(on_device.id().to_string().len(), 5);
    }
}
