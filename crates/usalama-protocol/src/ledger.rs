//! The occurrence ledger: signed, hash-chained entries, one chain per device.
//!
//! Every thing a device records is an [`Entry`] appended to its own chain: a dense sequence
//! number, the hash of the previous entry, a timestamp, a kind, an optional subject (the report
//! the entry is about), the hash of its body, the body itself, and an Ed25519 signature.
//!
//! The chain and the signature cover the body's *hash*, not the body: a later redaction entry
//! can drop a body everywhere and every chain still verifies (the body hash stays).
//!
//! The binary encoding is versioned by its first byte and built for the wire: varints, no field
//! names, 32-byte hashes and 64-byte signatures raw. Unknown kinds decode and verify like known
//! ones, so an older device keeps a newer device's entries whole and merely ignores them.

use std::fmt;

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::codec::{put_varint, unzigzag, zigzag, Reader};
use crate::error::{Error, Result};

/// The entry format this version writes. Decoders accept it and refuse newer ones plainly.
pub const FORMAT: u8 = 1;
/// The largest body an entry may carry (a report is a few KB).
pub const MAX_BODY: usize = 1 << 20;

/// The order every projection folds entries in: by date, then device, then place in the chain.
/// Each device's `at` never decreases along its chain, so this agrees with every chain's own
/// order; it is total, so a fold gives the same result whatever order entries arrived in.
pub fn fold_order(a: &Entry, b: &Entry) -> std::cmp::Ordering {
    (a.at, a.device, a.seq).cmp(&(b.at, b.device, b.seq))
}

/// How far ahead of the hub's receipt an entry may be dated and still be ordered by its own
/// date. A response step, redaction or key dated further ahead has no effect (it would win
/// over every later one until that date); a report dated further ahead is kept, ordered by the
/// hub's receipt and flagged (a wrong clock warns, it never loses a report).
pub const MAX_AHEAD_MS: i64 = 60 * 60 * 1000;

/// A device's id: the first 16 bytes of the SHA-256 of its public key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeviceId(pub [u8; 16]);

impl DeviceId {
    pub fn of(key: &VerifyingKey) -> DeviceId {
        let digest = Sha256::digest(key.as_bytes());
        let mut id = [0; 16];
        id.copy_from_slice(&digest[..16]);
        DeviceId(id)
    }

    pub fn parse(text: &str) -> Result<DeviceId> {
        let mut id = [0; 16];
        hex::decode_to_slice(text, &mut id).map_err(|_| {
            Error::invalid(
                "device",
                format!("{text:?} is not a device id (32 hex digits)"),
            )
        })?;
        Ok(DeviceId(id))
    }
}

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl serde::Serialize for DeviceId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl fmt::Debug for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DeviceId({self})")
    }
}

/// A SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// The `prev` of a chain's first entry.
    pub const GENESIS: Hash = Hash([0; 32]);

    pub fn of_body(body: &[u8]) -> Hash {
        let mut h = Sha256::new();
        h.update(b"usalama.body\0");
        h.update(body);
        Hash(h.finalize().into())
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({self})")
    }
}

/// A report's id: the first 10 bytes of its filing entry's hash, written as 16 characters of
/// Crockford base32 (no I, L, O or U to misread). Stable on every device without coordination.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReportId(pub [u8; 10]);

const CROCKFORD: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

impl ReportId {
    pub fn of(filing: &Hash) -> ReportId {
        let mut id = [0; 10];
        id.copy_from_slice(&filing.0[..10]);
        ReportId(id)
    }

    /// Parses the full 16-character form (case and the look-alikes i, l, o are forgiven).
    pub fn parse(text: &str) -> Option<ReportId> {
        let digits = crockford_digits(text)?;
        if digits.len() != 16 {
            return None;
        }
        let mut bits: u128 = 0;
        for d in digits {
            bits = (bits << 5) | u128::from(d);
        }
        let bytes = bits.to_be_bytes();
        let mut id = [0; 10];
        id.copy_from_slice(&bytes[6..]);
        Some(ReportId(id))
    }
}

/// The base32 digit values of `text`, or `None` if it holds something else.
pub fn crockford_digits(text: &str) -> Option<Vec<u8>> {
    text.chars()
        .map(|c| {
            let c = match c.to_ascii_lowercase() {
                'i' | 'l' => '1',
                'o' => '0',
                c => c,
            };
            CROCKFORD
                .iter()
                .position(|&d| d as char == c)
                .map(|p| p as u8)
        })
        .collect()
}

impl fmt::Display for ReportId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut bytes = [0u8; 16];
        bytes[6..].copy_from_slice(&self.0);
        let bits = u128::from_be_bytes(bytes);
        for i in (0..16).rev() {
            let d = ((bits >> (i * 5)) & 31) as usize;
            write!(f, "{}", CROCKFORD[d] as char)?;
        }
        Ok(())
    }
}

impl fmt::Debug for ReportId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReportId({self})")
    }
}

impl serde::Serialize for ReportId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What an entry records. Codes are fixed forever; new kinds get new codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    ReportFiled,
    ReportAmended,
    /// The report's content replaced, and the bodies of earlier entries about it dropped
    /// everywhere (see [`crate::redaction`]).
    ReportRedacted,
    /// A report's restricted `source` section, sealed on its author's device to the county key
    /// and the author's devices (see [`crate::county`]).
    SourceSealed,
    /// The response to a report, by agency officers (see [`crate::lifecycle`]).
    Acknowledged,
    Assigned,
    Updated,
    Closed,
    Reopened,
    Linked,
    /// An officer's acknowledgement of an early warning, with the action taken, about the
    /// report the warning points to last (see [`crate::warning::ack`]).
    WarningAcknowledged,
    /// A flash alert by SMS made of a report by its author's device: the texts shown for
    /// sending and the alert number they carry (see [`crate::sms::AlertEntry`]).
    SmsAlert,
    /// A team's needs assessment before an operation (see [`crate::needs`]).
    NeedsAssessed,
    /// A county key issued, or shared with more cleared readers, by a cleared device.
    CountyKey,
    /// A cleared reader approves another device's clearance, having compared the fingerprint
    /// it shows (see [`crate::county::Grant`]): only then is it given county keys.
    ClearanceGranted,
    /// The hub's reference data, in the hub's own chain: the gazetteer and the devices.
    UnitAdded,
    UnitRenamed,
    UnitRetired,
    /// The county's early-warning settings (see [`crate::warning::settings`]).
    WarningsConfigured,
    /// The county hub's number for flash alerts by SMS (see [`crate::sms::SmsNumber`]).
    SmsConfigured,
    /// A flash alert the hub accepted by SMS, relayed as a report in the hub's chain (see
    /// [`crate::sms::Relay`]): like a filing, it is the report it is about.
    SmsRelayed,
    DeviceEnrolled,
    DeviceRevoked,
    /// A kind this version does not know (written by a newer one): kept, chained, not projected.
    Unknown(u16),
}

impl EntryKind {
    /// Whether an entry of this kind is the report it is about: a device's filing, or the hub's
    /// relay of an alert it accepted by SMS.
    pub fn files_report(self) -> bool {
        matches!(self, EntryKind::ReportFiled | EntryKind::SmsRelayed)
    }

    pub fn code(self) -> u16 {
        match self {
            EntryKind::ReportFiled => 1,
            EntryKind::ReportAmended => 2,
            EntryKind::ReportRedacted => 3,
            EntryKind::SourceSealed => 4,
            EntryKind::Acknowledged => 10,
            EntryKind::Assigned => 11,
            EntryKind::Updated => 12,
            EntryKind::Closed => 13,
            EntryKind::Reopened => 14,
            EntryKind::Linked => 15,
            EntryKind::WarningAcknowledged => 16,
            EntryKind::SmsAlert => 17,
            EntryKind::NeedsAssessed => 20,
            EntryKind::CountyKey => 30,
            EntryKind::ClearanceGranted => 31,
            EntryKind::UnitAdded => 100,
            EntryKind::UnitRenamed => 101,
            EntryKind::UnitRetired => 102,
            EntryKind::WarningsConfigured => 103,
            EntryKind::SmsConfigured => 104,
            EntryKind::SmsRelayed => 105,
            EntryKind::DeviceEnrolled => 110,
            EntryKind::DeviceRevoked => 111,
            EntryKind::Unknown(code) => code,
        }
    }

    pub fn from_code(code: u16) -> EntryKind {
        match code {
            1 => EntryKind::ReportFiled,
            2 => EntryKind::ReportAmended,
            3 => EntryKind::ReportRedacted,
            4 => EntryKind::SourceSealed,
            10 => EntryKind::Acknowledged,
            11 => EntryKind::Assigned,
            12 => EntryKind::Updated,
            13 => EntryKind::Closed,
            14 => EntryKind::Reopened,
            15 => EntryKind::Linked,
            16 => EntryKind::WarningAcknowledged,
            17 => EntryKind::SmsAlert,
            20 => EntryKind::NeedsAssessed,
            30 => EntryKind::CountyKey,
            31 => EntryKind::ClearanceGranted,
            100 => EntryKind::UnitAdded,
            101 => EntryKind::UnitRenamed,
            102 => EntryKind::UnitRetired,
            103 => EntryKind::WarningsConfigured,
            104 => EntryKind::SmsConfigured,
            105 => EntryKind::SmsRelayed,
            110 => EntryKind::DeviceEnrolled,
            111 => EntryKind::DeviceRevoked,
            other => EntryKind::Unknown(other),
        }
    }

    pub fn name(self) -> String {
        match self {
            EntryKind::ReportFiled => "report_filed".into(),
            EntryKind::ReportAmended => "report_amended".into(),
            EntryKind::ReportRedacted => "report_redacted".into(),
            EntryKind::SourceSealed => "source_sealed".into(),
            EntryKind::Acknowledged => "acknowledged".into(),
            EntryKind::Assigned => "assigned".into(),
            EntryKind::Updated => "updated".into(),
            EntryKind::Closed => "closed".into(),
            EntryKind::Reopened => "reopened".into(),
            EntryKind::Linked => "linked".into(),
            EntryKind::WarningAcknowledged => "warning_acknowledged".into(),
            EntryKind::SmsAlert => "sms_alert".into(),
            EntryKind::NeedsAssessed => "needs_assessed".into(),
            EntryKind::CountyKey => "county_key".into(),
            EntryKind::ClearanceGranted => "clearance_granted".into(),
            EntryKind::UnitAdded => "unit_added".into(),
            EntryKind::UnitRenamed => "unit_renamed".into(),
            EntryKind::UnitRetired => "unit_retired".into(),
            EntryKind::WarningsConfigured => "warnings_configured".into(),
            EntryKind::SmsConfigured => "sms_configured".into(),
            EntryKind::SmsRelayed => "sms_relayed".into(),
            EntryKind::DeviceEnrolled => "device_enrolled".into(),
            EntryKind::DeviceRevoked => "device_revoked".into(),
            EntryKind::Unknown(code) => format!("unknown_{code}"),
        }
    }
}

/// What a device is about to record, before it is placed in the chain and signed.
#[derive(Debug, Clone)]
pub struct Draft {
    pub kind: EntryKind,
    pub subject: Option<ReportId>,
    pub body: Vec<u8>,
}

/// One signed link of a device's chain.
#[derive(Clone, PartialEq, Eq)]
pub struct Entry {
    pub format: u8,
    pub kind: EntryKind,
    pub device: DeviceId,
    pub seq: u64,
    pub prev: Hash,
    /// Milliseconds since the Unix epoch, by the device's clock. Never decreases along a chain
    /// (the device bumps it past the previous entry's), so it orders a device's entries like
    /// `seq` does; across devices it is a hint for display, not a basis for correctness.
    pub at: i64,
    pub subject: Option<ReportId>,
    pub body_hash: Hash,
    /// `None` once redacted (or never received): the hash still links the chain.
    pub body: Option<Vec<u8>>,
    /// The author's Ed25519 signature of [`Entry::hash`]. Every entry is signed when recorded;
    /// an entry forwarded inside a run may arrive without its own, covered by a later entry's.
    pub signature: Option<[u8; 64]>,
}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry")
            .field("kind", &self.kind)
            .field("device", &self.device)
            .field("seq", &self.seq)
            .field("at", &self.at)
            .field("subject", &self.subject)
            .field("body_len", &self.body.as_ref().map(Vec::len))
            .finish_non_exhaustive()
    }
}

impl Entry {
    /// Places `draft` after `prev` in the device's chain and signs it.
    pub fn sign(draft: Draft, key: &SigningKey, seq: u64, prev: Hash, at: i64) -> Entry {
        let mut entry = Entry {
            format: FORMAT,
            kind: draft.kind,
            device: DeviceId::of(&key.verifying_key()),
            seq,
            prev,
            at,
            subject: draft.subject,
            body_hash: Hash::of_body(&draft.body),
            body: Some(draft.body),
            signature: None,
        };
        entry.signature = Some(key.sign(&entry.hash().0).to_bytes());
        entry
    }

    /// The hash that the next entry links to and the signature covers: every header field and
    /// the body's hash.
    pub fn hash(&self) -> Hash {
        let mut h = Sha256::new();
        h.update(b"usalama.entry\0");
        h.update([self.format]);
        h.update(self.kind.code().to_be_bytes());
        h.update(self.device.0);
        h.update(self.seq.to_be_bytes());
        h.update(self.prev.0);
        h.update(self.at.to_be_bytes());
        match &self.subject {
            Some(s) => {
                h.update([1]);
                h.update(s.0);
            }
            None => h.update([0]),
        }
        h.update(self.body_hash.0);
        Hash(h.finalize().into())
    }

    /// The id of the report this entry files (meaningful for [`EntryKind::ReportFiled`]).
    pub fn report_id(&self) -> ReportId {
        ReportId::of(&self.hash())
    }

    /// The report this entry is about: its subject, or itself for a filing.
    pub fn about(&self) -> Option<ReportId> {
        match self.kind {
            EntryKind::ReportFiled | EntryKind::SmsRelayed => Some(self.report_id()),
            _ => self.subject,
        }
    }

    /// Whether the entry carries its author's valid signature.
    pub fn verify_signature(&self, key: &VerifyingKey) -> bool {
        self.signature.is_some_and(|sig| {
            DeviceId::of(key) == self.device
                && key
                    .verify(&self.hash().0, &Signature::from_bytes(&sig))
                    .is_ok()
        })
    }

    /// Whether the body (if still held) matches the hash the chain covers.
    pub fn body_matches(&self) -> bool {
        self.body
            .as_ref()
            .is_none_or(|b| Hash::of_body(b) == self.body_hash)
    }

    pub fn body_json(&self) -> Option<serde_json::Value> {
        self.body
            .as_deref()
            .and_then(|b| serde_json::from_slice(b).ok())
    }

    /// The file form (bundles): `format, kind, flags, seq, at, device, prev, [subject],
    /// body or body hash, [signature]`, with varints for the numbers.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(140 + self.body.as_ref().map_or(32, Vec::len));
        out.push(self.format);
        put_varint(&mut out, u64::from(self.kind.code()));
        let flags = u8::from(self.subject.is_some())
            | (u8::from(self.body.is_some()) << 1)
            | (u8::from(self.signature.is_some()) << 2);
        out.push(flags);
        put_varint(&mut out, self.seq);
        put_varint(&mut out, zigzag(self.at));
        out.extend_from_slice(&self.device.0);
        out.extend_from_slice(&self.prev.0);
        if let Some(s) = &self.subject {
            out.extend_from_slice(&s.0);
        }
        match &self.body {
            Some(body) => {
                put_varint(&mut out, body.len() as u64);
                out.extend_from_slice(body);
            }
            None => out.extend_from_slice(&self.body_hash.0),
        }
        if let Some(sig) = &self.signature {
            out.extend_from_slice(sig);
        }
        out
    }

    /// Decodes one entry from the front of `bytes`, returning it and the bytes it used.
    /// Never panics, whatever the input.
    pub fn decode(bytes: &[u8]) -> Result<(Entry, usize)> {
        let mut r = Reader::new(bytes);
        let format = r.byte()?;
        if format != FORMAT {
            return Err(Error::Malformed(format!(
                "entry format {format} is not one this version reads (it reads {FORMAT}); \
                 update Usalama"
            )));
        }
        let kind = u16::try_from(r.varint()?)
            .map_err(|_| Error::Malformed("entry kind out of range".into()))?;
        let flags = r.byte()?;
        if flags & !0b111 != 0 {
            return Err(Error::Malformed(format!(
                "unknown entry flags {flags:#04x}"
            )));
        }
        let seq = r.varint()?;
        let at = unzigzag(r.varint()?);
        let device = DeviceId(r.array()?);
        let prev = Hash(r.array()?);
        let subject = if flags & 1 != 0 {
            Some(ReportId(r.array()?))
        } else {
            None
        };
        let (body_hash, body) = if flags & 2 != 0 {
            let len = usize::try_from(r.varint()?).unwrap_or(usize::MAX);
            if len > MAX_BODY {
                return Err(Error::Malformed(format!(
                    "entry body of {len} bytes is larger than the {MAX_BODY} allowed"
                )));
            }
            let body = r.take(len)?.to_vec();
            (Hash::of_body(&body), Some(body))
        } else {
            (Hash(r.array()?), None)
        };
        let signature = if flags & 4 != 0 {
            Some(r.array()?)
        } else {
            None
        };
        if seq == 0 {
            return Err(Error::Malformed("entry sequence numbers start at 1".into()));
        }
        let entry = Entry {
            format,
            kind: EntryKind::from_code(kind),
            device,
            seq,
            prev,
            at,
            subject,
            body_hash,
            body,
            signature,
        };
        Ok((entry, r.position()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn entry(seed: u8, seq: u64, at: i64, subject: Option<[u8; 10]>, body: Vec<u8>) -> Entry {
        let draft = Draft {
            kind: if subject.is_some() {
                EntryKind::ReportAmended
            } else {
                EntryKind::ReportFiled
            },
            subject: subject.map(ReportId),
            body,
        };
        Entry::sign(draft, &key(seed), seq, Hash::GENESIS, at)
    }

    proptest! {
        #[test]
        fn encoding_round_trips(seed: u8, seq in 1u64.., at: i64, subject: Option<[u8; 10]>,
                                body in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let e = entry(seed, seq, at, subject, body);
            let bytes = e.encode();
            let (back, used) = Entry::decode(&bytes).expect("decodes");
            prop_assert_eq!(used, bytes.len());
            prop_assert!(back == e);
            prop_assert!(back.verify_signature(&key(seed).verifying_key()));
        }

        #[test]
        fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = Entry::decode(&bytes);
        }

        #[test]
        fn decoding_a_mutated_entry_never_panics_and_never_verifies(
            flip in 0usize..400, bit in 0u8..8, body in proptest::collection::vec(any::<u8>(), 0..200)
        ) {
            let e = entry(7, 3, 1_700_000_000_000, Some([9; 10]), body);
            let mut bytes = e.encode();
            let i = flip % bytes.len();
            bytes[i] ^= 1 << bit;
            if let Ok((back, _)) = Entry::decode(&bytes) {
                prop_assert!(!back.verify_signature(&key(7).verifying_key()) || back == e);
            }
        }

        #[test]
        fn report_ids_print_and_parse_back(bytes: [u8; 10]) {
            let id = ReportId(bytes);
            let text = id.to_string();
            prop_assert_eq!(text.len(), 16);
            prop_assert_eq!(ReportId::parse(&text.to_uppercase()), Some(id));
        }
    }

    #[test]
    fn a_redacted_entry_keeps_its_hash_and_signature() {
        let e = entry(1, 1, 5, None, b"{\"narrative\":\"secret\"}".to_vec());
        let mut redacted = e.clone();
        redacted.body = None;
        assert_eq!(redacted.hash(), e.hash());
        assert!(redacted.verify_signature(&key(1).verifying_key()));
        let (back, _) = Entry::decode(&redacted.encode()).expect("decodes");
        assert_eq!(back.hash(), e.hash());
        assert!(back.body.is_none());
    }

    #[test]
    fn a_changed_body_no_longer_matches_its_hash() {
        let mut e = entry(1, 1, 5, None, b"{}".to_vec());
        e.body = Some(b"{\"x\":1}".to_vec());
        assert!(!e.body_matches());
    }

    #[test]
    fn an_unknown_kind_decodes_and_verifies() {
        let draft = Draft {
            kind: EntryKind::Unknown(999),
            subject: None,
            body: b"{\"future\":true}".to_vec(),
        };
        let e = Entry::sign(draft, &key(2), 1, Hash::GENESIS, 0);
        let (back, _) = Entry::decode(&e.encode()).expect("decodes");
        assert_eq!(back.kind, EntryKind::Unknown(999));
        assert!(back.verify_signature(&key(2).verifying_key()));
    }

    #[test]
    fn a_newer_format_is_refused_plainly() {
        let mut bytes = entry(1, 1, 5, None, vec![]).encode();
        bytes[0] = 2;
        let err = Entry::decode(&bytes).expect_err("refused");
        assert!(err.to_string().contains("update Usalama"), "{err}");
    }
}
