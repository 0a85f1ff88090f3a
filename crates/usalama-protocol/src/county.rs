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
//! # Clearance is granted by people who hold it, not by the hub
//!
//! The hub's `--cleared` only *requests* clearance. A device is an **approved reader** when it
//! is the county's **founder** (the issuer of the county's first key, pinned by each device
//! the first time it learns it) or when an approved reader recorded a
//! [`Grant`] for it, having compared the fingerprint the new laptop
//! shows with the key the hub announced. Only keys issued by approved readers count, keys are
//! shared only with approved readers, and earlier keys only when the grant says so. Every
//! device computes the same approved readers from the same signed entries, and the hub can
//! sign none of them.
//!
//! # Body of a county key entry
//!
//! `version (1) | flags (1; bit 0: issued) | public key (32) | sealed box of the secret`
//! (see [`crate::seal`]).

use std::collections::{BTreeMap, BTreeSet};

use ed25519_dalek::VerifyingKey;
use serde_json::{json, Value};

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

pub fn key_context(public: &BoxPublic) -> Vec<u8> {
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

pub fn source_context(report: &ReportId) -> Vec<u8> {
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

/// What a device shows to be compared before its clearance is approved: the first 16 bytes
/// of its public key, as 32 hex digits in groups of four.
pub fn fingerprint(key: &VerifyingKey) -> String {
    let hex = hex::encode(key.as_bytes());
    hex.as_bytes()
        .chunks(4)
        .take(8)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `typed` (as read out or typed: any spacing, dashes or case) is `key`'s fingerprint.
pub fn fingerprint_matches(key: &VerifyingKey, typed: &str) -> bool {
    let typed: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_lowercase();
    typed == fingerprint(key).replace(' ', "")
}

/// A cleared reader's approval of another device's clearance: the body of a
/// [`EntryKind::ClearanceGranted`](crate::ledger::EntryKind::ClearanceGranted) entry,
/// `{"device", "public_key", "earlier"}`. It names the key it approves, so a hub that
/// announces another key under the same id approves nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub device: DeviceId,
    pub public_key: [u8; 32],
    /// The reader also receives the county keys issued before this approval (to read earlier
    /// sources); otherwise only the current key and later ones.
    pub earlier: bool,
}

impl Grant {
    pub fn to_body(&self) -> Vec<u8> {
        json!({
            "device": self.device.to_string(),
            "public_key": hex::encode(self.public_key),
            "earlier": self.earlier,
        })
        .to_string()
        .into_bytes()
    }

    pub fn parse(body: &[u8]) -> Result<Grant> {
        let bad = |why: &str| Error::Malformed(format!("a clearance approval {why}"));
        let value: Value = serde_json::from_slice(body).map_err(|_| bad("is not a document"))?;
        let text = |k: &str| value.get(k).and_then(Value::as_str);
        let device = DeviceId::parse(text("device").ok_or_else(|| bad("names no device"))?)
            .map_err(|_| bad("names no device"))?;
        let mut public_key = [0u8; 32];
        hex::decode_to_slice(
            text("public_key").ok_or_else(|| bad("names no key"))?,
            &mut public_key,
        )
        .map_err(|_| bad("names no key"))?;
        let key = VerifyingKey::from_bytes(&public_key).map_err(|_| bad("names no key"))?;
        if DeviceId::of(&key) != device {
            return Err(bad("names a key that is not its device's"));
        }
        let earlier = value
            .get("earlier")
            .map_or(Some(false), Value::as_bool)
            .ok_or_else(|| bad("has a bad \"earlier\""))?;
        Ok(Grant {
            device,
            public_key,
            earlier,
        })
    }
}

/// The approved readers, and whether each receives earlier keys: the founder, and every
/// device an approved reader granted (transitively), among those whose clearance the county
/// requested. The same whatever order the grants arrived in.
pub fn approved(
    founder: Option<DeviceId>,
    grants: &[(DeviceId, Grant)],
    requested: &BTreeSet<DeviceId>,
) -> BTreeMap<DeviceId, bool> {
    let mut approved: BTreeMap<DeviceId, bool> = BTreeMap::new();
    if let Some(f) = founder.filter(|f| requested.contains(f)) {
        approved.insert(f, true);
    }
    loop {
        let mut changed = false;
        for (author, grant) in grants {
            if !approved.contains_key(author) || !requested.contains(&grant.device) {
                continue;
            }
            let earlier = approved.entry(grant.device).or_insert_with(|| {
                changed = true;
                false
            });
            if grant.earlier && !*earlier {
                *earlier = true;
                changed = true;
            }
        }
        if !changed {
            return approved;
        }
    }
}

/// A county key as one device knows it.
#[derive(Debug, Clone)]
pub struct KnownKey {
    pub public: BoxPublic,
    /// The issuing entry's place in the fold order `(at, device, seq)`, if it was seen.
    pub issued: Option<(i64, DeviceId, u64)>,
    /// The device keys it was sealed to, by every entry seen: who may hold it (what a sender
    /// claims), so a revoked one among them retires the key.
    pub holders: BTreeSet<KeyId>,
    /// The device keys that showed they hold it, by an entry of their own (issuing, sharing or
    /// acknowledging it): only these are given it no more.
    pub acknowledged: BTreeSet<KeyId>,
    /// Its secret, when this device is a holder.
    pub secret: Option<BoxSecret>,
}

/// An approved reader's device, by its sealing key.
#[derive(Debug, Clone)]
pub struct Reader {
    pub key: BoxPublic,
    pub revoked: bool,
    /// It receives keys issued before it was approved too.
    pub earlier: bool,
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
/// the current one; and every key it holds shared with the cleared readers who have not shown
/// they hold it (this device among them: its share acknowledges the key).
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
    let now = current(keys, &revoked(readers)).map(|k| k.public);
    for key in keys.iter().filter(|k| k.secret.is_some()) {
        // Earlier keys only to readers approved for them; the current one to every reader.
        let to: Vec<BoxPublic> = readers
            .iter()
            .filter(|r| !r.revoked && (r.earlier || Some(key.public) == now))
            .map(|r| r.key)
            .filter(|r| !key.acknowledged.contains(&r.id()))
            .take(MAX_RECIPIENTS)
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
        (
            secret,
            Reader {
                key,
                revoked,
                earlier: true,
            },
        )
    }

    fn known(secret: &BoxSecret, at: i64, holders: &[&Reader], mine: bool) -> KnownKey {
        KnownKey {
            public: secret.public(),
            issued: Some((at, DeviceId([0; 16]), 1)),
            holders: holders.iter().map(|r| r.key.id()).collect(),
            acknowledged: holders.iter().map(|r| r.key.id()).collect(),
            secret: mine.then(|| secret.clone()),
        }
    }

    fn device(n: u8) -> (DeviceId, [u8; 32]) {
        let key = ed25519_dalek::SigningKey::from_bytes(&[n; 32]).verifying_key();
        (DeviceId::of(&key), key.to_bytes())
    }

    fn grant(n: u8, earlier: bool) -> Grant {
        let (device, public_key) = device(n);
        Grant {
            device,
            public_key,
            earlier,
        }
    }

    #[test]
    fn clearance_is_granted_by_approved_readers_only_whatever_the_order() {
        let (founder, _) = device(1);
        let (b, _) = device(2);
        let (c, _) = device(3);
        let (planted, _) = device(4);
        let requested: BTreeSet<DeviceId> = [founder, b, c, planted].into();
        // c is approved by b, who was approved by the founder: listed before b's approval.
        let grants = vec![
            (b, grant(3, false)),
            (founder, grant(2, true)),
            // A device the hub cleared but no approved reader did grants itself and others.
            (planted, grant(4, true)),
            (planted, grant(3, true)),
        ];
        let approved = approved(Some(founder), &grants, &requested);
        assert_eq!(
            approved,
            BTreeMap::from([(founder, true), (b, true), (c, false)])
        );
        let mut reversed = grants.clone();
        reversed.reverse();
        assert_eq!(
            super::approved(Some(founder), &reversed, &requested),
            approved
        );
        // A grant for a device whose clearance the county did not request approves nothing.
        let only: BTreeSet<DeviceId> = [founder].into();
        assert_eq!(super::approved(Some(founder), &grants, &only).len(), 1);
    }

    #[test]
    fn a_grant_names_its_devices_key_and_reads_back() {
        let g = grant(2, true);
        assert_eq!(Grant::parse(&g.to_body()).expect("parsed"), g);
        let mut other = g.clone();
        other.public_key = device(3).1;
        assert!(Grant::parse(&other.to_body()).is_err());
        let key = ed25519_dalek::SigningKey::from_bytes(&[2; 32]).verifying_key();
        let shown = fingerprint(&key);
        assert!(fingerprint_matches(&key, &shown));
        assert!(fingerprint_matches(
            &key,
            &shown.to_uppercase().replace(' ', "-")
        ));
        assert!(!fingerprint_matches(&key, &shown[..10]));
    }

    #[test]
    fn earlier_keys_go_only_to_readers_approved_for_them() {
        let (_, ra) = reader(1, false);
        let (_, mut rb) = reader(2, false);
        rb.earlier = false;
        let old = BoxSecret::generate();
        let new = BoxSecret::generate();
        let keys = [known(&old, 10, &[&ra], true), known(&new, 20, &[&ra], true)];
        let steps = plan(&keys, &[ra, rb.clone()]);
        assert!(
            matches!(&steps[..], [Step::Share { key, to }] if *key == new.public() && to == &[rb.key])
        );
    }

    #[test]
    fn a_reader_named_in_a_box_but_silent_is_still_given_the_key() {
        let (_, ra) = reader(1, false);
        let (_, rb) = reader(2, false);
        let key = BoxSecret::generate();
        // A share claims rb among its recipients (perhaps with a copy rb cannot open); rb
        // never showed it holds the key.
        let mut claimed = known(&key, 10, &[&ra], true);
        claimed.holders.insert(rb.key.id());
        let steps = plan(&[claimed.clone()], &[ra.clone(), rb.clone()]);
        assert!(
            matches!(&steps[..], [Step::Share { key: k, to }] if *k == key.public() && to == &[rb.key])
        );
        // Once rb's own entry acknowledges it, nobody shares it again.
        claimed.acknowledged.insert(rb.key.id());
        assert!(plan(&[claimed], &[ra, rb]).is_empty());
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
