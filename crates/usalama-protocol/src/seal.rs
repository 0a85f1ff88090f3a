//! Sealed boxes: a few bytes readable only by the holders of chosen X25519 keys.
//!
//! Used for two things, both in ledger entry bodies the hub stores and forwards but cannot read:
//! a report's restricted `source` section (sealed to the county key and to its author's
//! devices), and the county key itself (its secret sealed to each cleared device).
//!
//! A device's X25519 key is its Ed25519 signing key in Montgomery form (the conversion libsodium
//! and age use), so every device's sealing key is already known wherever its signing key is,
//! and enrollment carries nothing new.
//!
//! # Envelope
//!
//! `version (1) | ephemeral public key (32) | commitment (32) | n (1) | n × (recipient id (8) |
//! wrapped key (48)) | ciphertext (plaintext + 16)`. A fresh content key encrypts the plaintext
//! with ChaCha20-Poly1305 under the caller's associated data (which binds a source to its
//! report); each recipient gets that key wrapped under SHA-256 of the X25519 shared secret, the
//! ephemeral key and the recipient's key. A recipient id is the first 8 bytes of SHA-256 of its
//! public key: it names the key to try, and says nothing else.
//!
//! The **commitment** (SHA-256 of the content key) makes a box open to the same plaintext for
//! every recipient: ChaCha20-Poly1305 alone is not key-committing, so a sender could otherwise
//! wrap different keys for different readers, under which one ciphertext decrypts to different
//! texts. Boxes of version 1 (before the commitment) still open.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use curve25519_dalek::montgomery::MontgomeryPoint;
use ed25519_dalek::{SigningKey, VerifyingKey};
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

const VERSION: u8 = 2;
/// Boxes sealed before the commitment: read, never written.
const VERSION_UNCOMMITTED: u8 = 1;
const WRAPPED: usize = 32 + 16;
const RECIPIENT: usize = 8 + WRAPPED;
/// An envelope holds at most this many recipients (a county has a few dozen cleared readers).
pub const MAX_RECIPIENTS: usize = 255;

/// The first 8 bytes of SHA-256 of an X25519 public key.
pub type KeyId = [u8; 8];

/// An X25519 public key: a device's (from its Ed25519 key) or a county key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BoxPublic(pub [u8; 32]);

impl BoxPublic {
    /// A device's sealing key, from its Ed25519 public key.
    pub fn of_device(key: &VerifyingKey) -> BoxPublic {
        BoxPublic(key.to_montgomery().to_bytes())
    }

    /// A point of small order (all its multiples by a clamped scalar are zero): sealing to it
    /// would hide nothing.
    pub fn is_weak(&self) -> bool {
        MontgomeryPoint(self.0).mul_clamped([1; 32]).to_bytes() == [0; 32]
    }

    pub fn id(&self) -> KeyId {
        let digest = Sha256::new()
            .chain_update(b"usalama.key-id\0")
            .chain_update(self.0)
            .finalize();
        let mut id = [0; 8];
        id.copy_from_slice(&digest[..8]);
        id
    }
}

impl std::fmt::Debug for BoxPublic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BoxPublic({})", hex::encode(self.id()))
    }
}

/// An X25519 secret key (clamped when used).
#[derive(Clone)]
pub struct BoxSecret(Zeroizing<[u8; 32]>);

impl BoxSecret {
    /// A new random key: a county key.
    pub fn generate() -> BoxSecret {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(&mut bytes[..]);
        BoxSecret(bytes)
    }

    /// A device's sealing secret, from its Ed25519 signing key.
    pub fn of_device(key: &SigningKey) -> BoxSecret {
        BoxSecret(Zeroizing::new(key.to_scalar_bytes()))
    }

    pub fn from_bytes(bytes: [u8; 32]) -> BoxSecret {
        BoxSecret(Zeroizing::new(bytes))
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn public(&self) -> BoxPublic {
        BoxPublic(MontgomeryPoint::mul_base_clamped(*self.0).to_bytes())
    }
}

impl std::fmt::Debug for BoxSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BoxSecret({})", hex::encode(self.public().id()))
    }
}

/// The key that wraps the content key for one recipient.
fn wrapping_key(shared: &[u8; 32], ephemeral: &BoxPublic, to: &BoxPublic) -> Zeroizing<[u8; 32]> {
    Zeroizing::new(
        Sha256::new()
            .chain_update(b"usalama.seal.v1\0")
            .chain_update(shared)
            .chain_update(ephemeral.0)
            .chain_update(to.0)
            .finalize()
            .into(),
    )
}

fn cipher(key: &[u8; 32]) -> ChaCha20Poly1305 {
    ChaCha20Poly1305::new(key.into())
}

/// What a box commits its content key to.
fn commitment(content_key: &[u8; 32]) -> [u8; 32] {
    Sha256::new()
        .chain_update(b"usalama.seal.commit\0")
        .chain_update(content_key)
        .finalize()
        .into()
}

/// Every key is used for one message only, so a fixed nonce is safe.
const NONCE: [u8; 12] = [0; 12];

/// Seals `plaintext` so that only holders of one of `recipients`' secrets can open it, with
/// `context` bound to it (opening under another context fails).
pub fn seal(plaintext: &[u8], context: &[u8], recipients: &[BoxPublic]) -> Result<Vec<u8>> {
    if recipients.is_empty() || recipients.len() > MAX_RECIPIENTS {
        return Err(Error::Unsupported(format!(
            "a sealed box needs 1 to {MAX_RECIPIENTS} recipients, not {}",
            recipients.len()
        )));
    }
    let ephemeral = BoxSecret::generate();
    let ephemeral_public = ephemeral.public();
    let mut content_key = Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(&mut content_key[..]);
    let mut out = Vec::with_capacity(66 + recipients.len() * RECIPIENT + plaintext.len() + 16);
    out.push(VERSION);
    out.extend_from_slice(&ephemeral_public.0);
    out.extend_from_slice(&commitment(&content_key));
    out.push(recipients.len() as u8);
    for to in recipients {
        if to.is_weak() {
            return Err(Error::Integrity(format!(
                "key {} is not a usable key; nothing was sealed to it",
                hex::encode(to.id())
            )));
        }
        let shared = MontgomeryPoint(to.0).mul_clamped(*ephemeral.as_bytes());
        let wrap = wrapping_key(&shared.to_bytes(), &ephemeral_public, to);
        let wrapped = cipher(&wrap)
            .encrypt(Nonce::from_slice(&NONCE), &content_key[..])
            .map_err(|_| Error::Unsupported("could not seal".into()))?;
        out.extend_from_slice(&to.id());
        out.extend_from_slice(&wrapped);
    }
    let sealed = cipher(&content_key)
        .encrypt(
            Nonce::from_slice(&NONCE),
            Payload {
                msg: plaintext,
                aad: context,
            },
        )
        .map_err(|_| Error::Unsupported("could not seal".into()))?;
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// A sealed box, read but not opened.
#[derive(Debug, Clone, Copy)]
pub struct Envelope<'a> {
    ephemeral: BoxPublic,
    /// `None` in a box of version 1.
    commitment: Option<[u8; 32]>,
    recipients: &'a [u8],
    ciphertext: &'a [u8],
}

impl<'a> Envelope<'a> {
    pub fn parse(bytes: &'a [u8]) -> Result<Envelope<'a>> {
        let malformed = || Error::Malformed("a sealed box is cut short or damaged".into());
        let (&version, rest) = bytes.split_first().ok_or_else(malformed)?;
        if version != VERSION && version != VERSION_UNCOMMITTED {
            return Err(Error::Unsupported(format!(
                "a sealed box of version {version}, newer than this version of Usalama reads: \
                 update Usalama"
            )));
        }
        let (ephemeral, rest) = rest.split_at_checked(32).ok_or_else(malformed)?;
        let (commitment, rest) = if version == VERSION {
            let (c, rest) = rest.split_at_checked(32).ok_or_else(malformed)?;
            let mut commitment = [0; 32];
            commitment.copy_from_slice(c);
            (Some(commitment), rest)
        } else {
            (None, rest)
        };
        let (&n, rest) = rest.split_first().ok_or_else(malformed)?;
        let (recipients, ciphertext) = rest
            .split_at_checked(n as usize * RECIPIENT)
            .ok_or_else(malformed)?;
        if n == 0 || ciphertext.len() < 16 {
            return Err(malformed());
        }
        let mut key = [0; 32];
        key.copy_from_slice(ephemeral);
        Ok(Envelope {
            ephemeral: BoxPublic(key),
            commitment,
            recipients,
            ciphertext,
        })
    }

    /// The ids of the keys that can open it.
    pub fn recipients(&self) -> impl Iterator<Item = KeyId> + '_ {
        self.recipients.chunks_exact(RECIPIENT).map(|r| {
            let mut id = [0; 8];
            id.copy_from_slice(&r[..8]);
            id
        })
    }

    /// Opens the box with the first of the recipients' keys that `secret_for` gives; `None`
    /// when it gives none. A key that is offered but does not open it, or a ciphertext that
    /// was changed, is an integrity error.
    pub fn open(
        &self,
        context: &[u8],
        secret_for: impl Fn(&KeyId) -> Option<BoxSecret>,
    ) -> Result<Option<Zeroizing<Vec<u8>>>> {
        let broken = || Error::Integrity("a sealed box does not open with its key".into());
        for r in self.recipients.chunks_exact(RECIPIENT) {
            let mut id = [0; 8];
            id.copy_from_slice(&r[..8]);
            let Some(secret) = secret_for(&id) else {
                continue;
            };
            let me = secret.public();
            if self.ephemeral.is_weak() {
                return Err(broken());
            }
            let shared = MontgomeryPoint(self.ephemeral.0).mul_clamped(*secret.as_bytes());
            let wrap = wrapping_key(&shared.to_bytes(), &self.ephemeral, &me);
            let content_key = Zeroizing::new(
                cipher(&wrap)
                    .decrypt(Nonce::from_slice(&NONCE), &r[8..])
                    .map_err(|_| broken())?,
            );
            let key: [u8; 32] = content_key[..].try_into().map_err(|_| broken())?;
            if self.commitment.is_some_and(|c| c != commitment(&key)) {
                return Err(broken());
            }
            let plain = cipher(&key)
                .decrypt(
                    Nonce::from_slice(&NONCE),
                    Payload {
                        msg: self.ciphertext,
                        aad: context,
                    },
                )
                .map_err(|_| broken())?;
            return Ok(Some(Zeroizing::new(plain)));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_recipient_opens_and_no_one_else() {
        let a = BoxSecret::of_device(&SigningKey::from_bytes(&[1; 32]));
        let county = BoxSecret::generate();
        let stranger = BoxSecret::generate();
        let sealed = seal(
            b"Lokiru the informant",
            b"report 1",
            &[a.public(), county.public()],
        )
        .expect("sealed");
        // The size docs/sources.md gives: 66 bytes, 56 per recipient, 16 of tag, the plaintext.
        assert_eq!(
            sealed.len(),
            66 + 2 * 56 + 16 + b"Lokiru the informant".len()
        );
        let envelope = Envelope::parse(&sealed).expect("parsed");
        for key in [&a, &county] {
            let opened = envelope
                .open(b"report 1", |id| {
                    (*id == key.public().id()).then(|| key.clone())
                })
                .expect("opened")
                .expect("a key");
            assert_eq!(&opened[..], b"Lokiru the informant");
        }
        let by_stranger = envelope
            .open(b"report 1", |id| {
                (*id == stranger.public().id()).then(|| stranger.clone())
            })
            .expect("no error");
        assert!(by_stranger.is_none());
        assert!(!sealed.windows(6).any(|w| w == b"Lokiru"));
    }

    #[test]
    fn a_device_key_seals_to_its_signing_key() {
        let signing = SigningKey::from_bytes(&[4; 32]);
        assert_eq!(
            BoxSecret::of_device(&signing).public(),
            BoxPublic::of_device(&signing.verifying_key())
        );
    }

    #[test]
    fn another_context_or_a_changed_byte_does_not_open() {
        let key = BoxSecret::generate();
        let sealed = seal(b"secret", b"report 1", &[key.public()]).expect("sealed");
        let give = |_: &KeyId| Some(key.clone());
        let envelope = Envelope::parse(&sealed).expect("parsed");
        assert!(envelope.open(b"report 2", give).is_err());
        let mut changed = sealed.clone();
        let last = changed.len() - 1;
        changed[last] ^= 1;
        assert!(Envelope::parse(&changed)
            .expect("parsed")
            .open(b"report 1", give)
            .is_err());
        assert!(Envelope::parse(&sealed[..40]).is_err());
    }

    #[test]
    fn a_box_commits_every_recipient_to_one_content_key() {
        let a = BoxSecret::generate();
        let b = BoxSecret::generate();
        let sealed = seal(b"one text", b"ctx", &[a.public(), b.public()]).expect("sealed");
        // A sender who wraps another content key for the second reader (so that the same
        // ciphertext could read differently to it) is caught by the commitment.
        let other = Zeroizing::new([9u8; 32]);
        let eph = Envelope::parse(&sealed).expect("parsed").ephemeral;
        let mut forged = sealed.clone();
        let at = 1 + 32 + 32 + 1 + RECIPIENT + 8;
        let ephemeral_secret_unknown = forged[at..at + WRAPPED].to_vec();
        // Without the ephemeral secret the sender's forgery is modelled by re-wrapping with
        // the recipient's secret directly (what a malicious sender could compute).
        let shared = MontgomeryPoint(eph.0).mul_clamped(*b.as_bytes());
        let wrap = wrapping_key(&shared.to_bytes(), &eph, &b.public());
        let rewrapped = cipher(&wrap)
            .encrypt(Nonce::from_slice(&NONCE), &other[..])
            .expect("wrapped");
        assert_ne!(rewrapped, ephemeral_secret_unknown);
        forged[at..at + WRAPPED].copy_from_slice(&rewrapped);
        let opened = Envelope::parse(&forged)
            .expect("parsed")
            .open(b"ctx", |id| (*id == b.public().id()).then(|| b.clone()));
        assert!(matches!(opened, Err(Error::Integrity(_))));
        // The honest box opens for both.
        for key in [&a, &b] {
            let opened = Envelope::parse(&sealed)
                .expect("parsed")
                .open(b"ctx", |id| (*id == key.public().id()).then(|| key.clone()))
                .expect("opened")
                .expect("a key");
            assert_eq!(&opened[..], b"one text");
        }
    }

    #[test]
    fn a_key_of_small_order_is_refused() {
        let weak = BoxPublic([0; 32]);
        assert!(weak.is_weak());
        assert!(seal(b"secret", b"report 1", &[weak]).is_err());
        assert!(!BoxSecret::generate().public().is_weak());
    }
}
