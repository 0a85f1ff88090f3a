//! The county key: what restricted sources are sealed to, held only by cleared readers.
//!
//! - **Issued** on a cleared device, when it finds no county key at a sync, or finds that a
//!   revoked device held the current one (rotation). The secret never leaves cleared devices in
//!   the clear: a [`EntryKind::CountyKey`](crate::ledger::EntryKind::CountyKey) entry carries
//!   the public key and the secret sealed to every cleared, unrevoked device.
//! - **Shared** by any cleared device that holds a key with cleared devices that do not (a
//!   reader cleared later, a cleared officer's replacement laptop): another entry of the same
//!   kind, sealed to them only. Old keys are shared too, so a new reader reads earlier reports.
//! - **Current**: of the keys no revoked device holds, the one of the latest issuing entry in
//!   the ledger's fold order. Every device computes the same one from the same entries; authors
//!   seal to it. While every key is held by a revoked device (between a revocation and the next
//!   sync of a cleared device), there is none: sources wait on their author's device, unsealed
//!   and unsent, and a key issued by a device whose clock runs ahead never outlives its holder's
//!   revocation.
//!
//! A source is sealed to the current county key and to its author's devices, bound to its
//! report (it cannot be moved to another). The hub stores and forwards these bodies and can open
//! none of them.
//!
//! # Body of a county key entry
//!
//! `version (1) | flags (1; bit 0: issued) | public key (32) | sealed box of the secret`
//! (see [`crate::seal`]).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::ledger::{DeviceId, ReportId};
use crate::seal::{self, BoxPublic, BoxSecret, Envelope, KeyId, MAX_RECIPIENTS};

const VERSION: u8 = 1;
const ISSUED: u8 = 1;

/// A county key entry's body, read.
#[derive(Debug, Clone)]
pub struct KeyEntry {
    /// A new key (else: an existing one shared with more readers).
    pub issued: bool,
    pub public: BoxPublic,
    sealed: Vec<u8>,
}

fn key_context(public: &BoxPublic) -> Vec<u8> {
    let mut context = b"usalama.county-key\0".to_vec();
    context.extend_from_slice(&public.0);
    context
}

impl KeyEntry {
    /// The body of an entry issuing `secret` to `to`.
    pub fn issue(secret: &BoxSecret, to: &[BoxPublic]) -> Result<Vec<u8>> {
        KeyEntry::body(secret, true, to)
    }

    /// The body of an entry sharing `secret` with `to`.
    pub fn share(secret: &BoxSecret, to: &[BoxPublic]) -> Result<Vec<u8>> {
        KeyEntry::body(secret, false, to)
    }

    fn body(secret: &BoxSecret, issued: bool, to: &[BoxPublic]) -> Result<Vec<u8>> {
        let public = secret.public();
        let sealed = seal::seal(secret.as_bytes(), &key_context(&public), to)?;
        let mut body = vec![VERSION, if issued { ISSUED } else { 0 }];
        body.extend_from_slice(&public.0);
        body.extend_from_slice(&sealed);
        Ok(body)
    }

    pub fn parse(body: &[u8]) -> Result<KeyEntry> {
        if body.first().is_some_and(|v| *v > VERSION) {
            return Err(Error::Unsupported(
                "a county key entry newer than this version of Usalama reads: update Usalama"
                    .into(),
            ));
        }
        let [VERSION, flags, rest @ ..] = body else {
            return Err(Error::Malformed("a county key entry is damaged".into()));
        };
        let (public, sealed) = rest
            .split_at_checked(32)
            .ok_or_else(|| Error::Malformed("a county key entry is cut short".into()))?;
        Envelope::parse(sealed)?;
        let mut key = [0; 32];
        key.copy_from_slice(public);
        if BoxPublic(key).is_weak() {
            return Err(Error::Integrity(
                "a county key entry holds a key of small order".into(),
            ));
        }
        Ok(KeyEntry {
            issued: flags & ISSUED != 0,
            public: BoxPublic(key),
            sealed: sealed.to_vec(),
        })
    }

    /// The ids of the device keys it was sealed to.
    pub fn holders(&self) -> BTreeSet<KeyId> {
        Envelope::parse(&self.sealed)
            .map(|e| e.recipients().collect())
            .unwrap_or_default()
    }

    /// The secret, if `device` (this device's sealing key) is one of the holders.
    pub fn open(&self, device: &BoxSecret) -> Result<Option<BoxSecret>> {
        let mine = device.public().id();
        let opened = Envelope::parse(&self.sealed)?.open(&key_context(&self.public), |id| {
            (*id == mine).then(|| device.clone())
        })?;
        let Some(bytes) = opened else {
            return Ok(None);
        };
        let secret = BoxSecret::from_bytes(
            bytes[..]
                .try_into()
                .map_err(|_| Error::Integrity("a county key entry holds no key".into()))?,
        );
        if secret.public() != self.public {
            return Err(Error::Integrity(
                "a county key entry's secret does not match its public key".into(),
            ));
        }
        Ok(Some(secret))
    }
}

fn source_context(report: &ReportId) -> Vec<u8> {
    let mut context = b"usalama.source\0".to_vec();
    context.extend_from_slice(&report.0);
    context
}

/// The body of a [`EntryKind::SourceSealed`](crate::ledger::EntryKind::SourceSealed) entry:
/// `source` (an object, or `null` for "no source any more") sealed to `to`, bound to `report`.
pub fn seal_source(report: &ReportId, source: &Value, to: &[BoxPublic]) -> Result<Vec<u8>> {
    let plain = zeroize::Zeroizing::new(
        serde_json::to_vec(source).map_err(|e| Error::Unsupported(e.to_string()))?,
    );
    seal::seal(&plain, &source_context(report), to)
}

/// A sealed source, opened with whichever key `secret_for` holds; `None` when it holds none.
pub fn open_source(
    report: &ReportId,
    body: &[u8],
    secret_for: impl Fn(&KeyId) -> Option<BoxSecret>,
) -> Result<Option<Value>> {
    let Some(plain) = Envelope::parse(body)?.open(&source_context(report), secret_for)? else {
        return Ok(None);
    };
    serde_json::from_slice(&plain)
        .map(Some)
        .map_err(|_| Error::Integrity("a sealed source is not a document".into()))
}

/// The ids of the keys a sealed source was sealed to.
pub fn source_recipients(body: &[u8]) -> Result<Vec<KeyId>> {
    Ok(Envelope::parse(body)?.recipients().collect())
}

/// A county key as one device knows it.
#[derive(Debug, Clone)]
pub struct KnownKey {
    pub public: BoxPublic,
    /// The issuing entry's place in the fold order `(at, device, seq)`, if it was seen.
    pub issued: Option<(i64, DeviceId, u64)>,
    /// The device keys it was sealed to, by every entry seen.
    pub holders: BTreeSet<KeyId>,
    /// Its secret, when this device is a holder.
    pub secret: Option<BoxSecret>,
}

/// A cleared device, by its sealing key.
#[derive(Debug, Clone)]
pub struct Reader {
    pub key: BoxPublic,
    pub revoked: bool,
}

/// What a cleared device should record about the county keys.
#[derive(Debug, Clone)]
pub enum Step {
    /// Issue a new key to these readers.
    Issue { to: Vec<BoxPublic> },
    /// Share a key this device holds with readers who lack it.
    Share { key: BoxPublic, to: Vec<BoxPublic> },
}

/// The key authors seal to now: the latest issued that no revoked device holds.
pub fn current<'k>(keys: &'k [KnownKey], revoked: &BTreeSet<KeyId>) -> Option<&'k KnownKey> {
    keys.iter()
        .filter(|k| k.issued.is_some() && k.holders.is_disjoint(revoked))
        .max_by_key(|k| k.issued)
}

/// The sealing keys of the revoked ones among `readers`.
pub fn revoked(readers: &[Reader]) -> BTreeSet<KeyId> {
    readers
        .iter()
        .filter(|r| r.revoked)
        .map(|r| r.key.id())
        .collect()
}

/// What a cleared device should record: a new key when there is none or a revoked device holds
/// the current one; and every key it holds shared with the cleared readers who lack it.
pub fn plan(keys: &[KnownKey], readers: &[Reader]) -> Vec<Step> {
    let active: Vec<BoxPublic> = readers
        .iter()
        .filter(|r| !r.revoked)
        .map(|r| r.key)
        .collect();
    if active.is_empty() {
        return Vec::new();
    }
    let mut steps = Vec::new();
    // A box holds at most MAX_RECIPIENTS: the rest get the key at the next syncs, by shares.
    if current(keys, &revoked(readers)).is_none() {
        steps.push(Step::Issue {
            to: active.iter().take(MAX_RECIPIENTS).copied().collect(),
        });
    }
    for key in keys.iter().filter(|k| k.secret.is_some()) {
        let to: Vec<BoxPublic> = active
            .iter()
            .filter(|r| !key.holders.contains(&r.id()))
            .take(MAX_RECIPIENTS)
            .copied()
            .collect();
        if !to.is_empty() {
            steps.push(Step::Share {
                key: key.public,
                to,
            });
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reader(n: u8, revoked: bool) -> (BoxSecret, Reader) {
        let secret = BoxSecret::of_device(&ed25519_dalek::SigningKey::from_bytes(&[n; 32]));
        let key = secret.public();
        (secret, Reader { key, revoked })
    }

    fn known(secret: &BoxSecret, at: i64, holders: &[&Reader], mine: bool) -> KnownKey {
        KnownKey {
            public: secret.public(),
            issued: Some((at, DeviceId([0; 16]), 1)),
            holders: holders.iter().map(|r| r.key.id()).collect(),
            secret: mine.then(|| secret.clone()),
        }
    }

    #[test]
    fn a_key_entry_opens_for_its_holders_only() {
        let (a, ra) = reader(1, false);
        let (b, _) = reader(2, false);
        let county = BoxSecret::generate();
        let body = KeyEntry::issue(&county, &[ra.key]).expect("issued");
        let entry = KeyEntry::parse(&body).expect("parsed");
        assert!(entry.issued);
        assert_eq!(entry.public, county.public());
        let opened = entry.open(&a).expect("opened").expect("held");
        assert_eq!(opened.public(), county.public());
        assert!(entry.open(&b).expect("no error").is_none());
        assert!(!body.windows(32).any(|w| w == county.as_bytes()));
    }

    #[test]
    fn a_source_is_bound_to_its_report() {
        let county = BoxSecret::generate();
        let report = ReportId([1; 10]);
        let source = json!({"kind": "informant", "name": "Lokiru"});
        let body = seal_source(&report, &source, &[county.public()]).expect("sealed");
        let give = |_: &KeyId| Some(county.clone());
        assert_eq!(
            open_source(&report, &body, give).expect("opened"),
            Some(source)
        );
        assert!(open_source(&ReportId([2; 10]), &body, give).is_err());
        assert_eq!(open_source(&report, &body, |_| None).expect("no key"), None);
    }

    #[test]
    fn the_first_cleared_device_issues_and_later_readers_get_every_key() {
        let (_, ra) = reader(1, false);
        let (_, rb) = reader(2, false);
        let steps = plan(&[], std::slice::from_ref(&ra));
        assert!(matches!(&steps[..], [Step::Issue { to }] if to == &[ra.key]));
        let old = BoxSecret::generate();
        let keys = [known(&old, 10, &[&ra], true)];
        let steps = plan(&keys, &[ra.clone(), rb.clone()]);
        assert!(
            matches!(&steps[..], [Step::Share { key, to }] if *key == old.public() && to == &[rb.key])
        );
        // A device that does not hold a key cannot share it.
        let keys = [known(&old, 10, &[&ra], false)];
        assert!(plan(&keys, &[ra, rb]).is_empty());
    }

    #[test]
    fn a_revoked_holder_of_the_current_key_makes_a_new_one_for_the_others_only() {
        let (_, ra) = reader(1, false);
        let (_, gone) = reader(2, true);
        let (_, rc) = reader(3, false);
        let old = BoxSecret::generate();
        let keys = [known(&old, 10, &[&ra, &gone, &rc], true)];
        let steps = plan(&keys, &[ra.clone(), gone.clone(), rc.clone()]);
        assert!(matches!(&steps[..], [Step::Issue { to }] if to == &[ra.key, rc.key]));
        // Once a newer key leaves out the revoked device, nothing more to do.
        let new = BoxSecret::generate();
        let keys = [
            known(&old, 10, &[&ra, &gone, &rc], true),
            known(&new, 20, &[&ra, &rc], true),
        ];
        let readers = [ra, gone, rc];
        assert!(plan(&keys, &readers).is_empty());
        assert_eq!(
            current(&keys, &revoked(&readers)).map(|k| k.public),
            Some(new.public())
        );
    }

    #[test]
    fn a_key_dated_ahead_by_a_revoked_holder_stops_being_current() {
        let (_, ra) = reader(1, false);
        let (_, gone) = reader(2, true);
        let ahead = BoxSecret::generate();
        let honest = BoxSecret::generate();
        let keys = [
            known(&ahead, 9_000_000, &[&ra, &gone], true),
            known(&honest, 10, &[&ra], true),
        ];
        let readers = [ra, gone];
        assert_eq!(
            current(&keys, &revoked(&readers)).map(|k| k.public),
            Some(honest.public())
        );
        assert!(plan(&keys, &readers).is_empty());
        // Before the rotation there is no key to seal to, and one is issued.
        assert!(current(&keys[..1], &revoked(&readers)).is_none());
        assert!(matches!(
            &plan(&keys[..1], &readers)[..],
            [Step::Issue { .. }]
        ));
    }
}
