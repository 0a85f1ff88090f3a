//! What the hub keeps of a message that readers must never see: the sender's number and the
//! text, each sealed to the hub's own key (the sealed box of the protocol, so no key of its own
//! to keep), and a keyed hash of the number to find one sender's messages without opening any.
//!
//! With SQLite the hub's secret key lives in a file of its own, so a copy of the database alone
//! opens none of them. With PostgreSQL the key is kept in the database (see docs/hub.md): the
//! sealing then keeps the numbers out of anything that copies the SMS rows without the key.

use sha2::{Digest, Sha256};
use usalama_protocol::seal::{self, Envelope};
use zeroize::Zeroizing;

use super::Hub;
use crate::error::{HubError, Result};

/// The context a sealed sender's number is bound to.
pub(super) const SENDER: &[u8] = b"usalama.sms.sender\0";
/// The context a sealed text is bound to.
pub(super) const TEXT: &[u8] = b"usalama.sms.text\0";

impl Hub {
    /// `bytes` sealed to the hub's own key under `context`.
    pub(super) fn seal_at_rest(&self, bytes: &[u8], context: &[u8]) -> Result<Vec<u8>> {
        Ok(seal::seal(bytes, context, &[self.box_secret().public()])?)
    }

    /// Opens what the hub sealed at rest: for the hub's own use (texting a sender
    /// back), never for a reader.
    pub fn open_at_rest(&self, sealed: &[u8], context: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let me = self.box_secret().public().id();
        Envelope::parse(sealed)?
            .open(context, |id| (*id == me).then(|| self.box_secret()))?
            .ok_or_else(|| HubError::Database("a sealed SMS field is not the hub's".into()))
    }

    /// A digest of `parts` keyed by the hub's key, 32 hex digits: what names a message's
    /// source without showing the number in it.
    pub fn sms_digest(&self, parts: &[&[u8]]) -> String {
        let mut hash = Sha256::new()
            .chain_update(b"usalama.sms.source\0")
            .chain_update(self.key.to_bytes());
        for part in parts {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part);
        }
        hex::encode(&hash.finalize()[..16])
    }

    /// A keyed hash of a sender's number, the same for every message of that number and
    /// useless without the hub's key. Spaces and dashes are not part of a number.
    pub(super) fn sender_index(&self, number: &str) -> [u8; 32] {
        let number: String = number
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '+')
            .collect();
        Sha256::new()
            .chain_update(b"usalama.sms.sender-index\0")
            .chain_update(self.key.to_bytes())
            .chain_update(number.as_bytes())
            .finalize()
            .into()
    }
}
