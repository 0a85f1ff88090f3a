//! The targets that read what frames carry: an entry and its body as every reader takes it,
//! sealed boxes, enrollment strings and report documents.

use std::sync::OnceLock;

use serde_json::Value;

use crate::admission::{self, Known};
use crate::county::{self, Grant, KeyEntry};
use crate::domain::report::strip_restricted;
use crate::domain::text::Origin;
use crate::domain::{apply_changes, Amendment, Report};
use crate::enrollment::{self, Enrollment};
use crate::gazetteer::{self, Unit};
use crate::ledger::{Entry, EntryKind, ReportId};
use crate::lifecycle::Action;
use crate::needs::Needs;
use crate::redaction::Redaction;
use crate::seal::{self, BoxPublic, BoxSecret, Envelope};

use super::seeds::seed_report;
use super::{device, device_key, now, stranger, CONTEXT, REPORT};

/// One entry in its file form (`Entry::decode`), and its body read as every kind of entry
/// a device projects would read it.
pub fn entry(data: &[u8]) {
    let Ok((e, used)) = Entry::decode(data) else {
        return;
    };
    assert!(used <= data.len());
    let bytes = e.encode();
    let (back, n) = Entry::decode(&bytes).expect("an encoded entry decodes");
    assert_eq!(n, bytes.len());
    assert!(back == e);
    assert!(e.body_matches());
    let _ = (e.about(), e.verify_signature(&device_key().verifying_key()));
    entry_body(&e);
}

/// The shipped gazetteer, read once.
fn units() -> &'static [Unit] {
    static UNITS: OnceLock<Vec<Unit>> = OnceLock::new();
    UNITS.get_or_init(gazetteer::shipped)
}

/// Every reading of a received entry's body: admission (the receiver's check with the
/// author's parsers), the report document and amendment, the response steps, redactions,
/// needs, county keys and clearance approvals, and the projection.
fn entry_body(e: &Entry) {
    let known = Known {
        units: units(),
        holds: |_: &ReportId, _: &Entry| false,
    };
    let _ = admission::admit(e, &known);
    let Some(body) = &e.body else {
        return;
    };
    if let Some(value) = e.body_json() {
        check_document(&value);
        let _ = Action::parse_body(e.kind, &value);
        if let Ok(needs) = Needs::parse(&value) {
            assert_eq!(
                Needs::parse(&needs.to_value()).expect("a checked assessment parses again"),
                needs
            );
        }
    }
    let _ = Action::of(e);
    let _ = Redaction::of(e);
    if let Ok(key) = KeyEntry::parse(body) {
        let _ = key.holders();
        let _ = key.open(&device().sealing);
    }
    check_grant(body);
    // The body as a filing, and as an amendment to a filing, folded as a device would.
    let filing = Entry {
        kind: EntryKind::ReportFiled,
        ..e.clone()
    };
    let amended = Entry {
        kind: EntryKind::ReportAmended,
        subject: Some(filing.report_id()),
        seq: e.seq.saturating_add(1),
        ..e.clone()
    };
    let _ = crate::projection::project(&filing, &[amended, e.clone()], &[]).occurred_at_ms();
}

fn check_grant(body: &[u8]) {
    if let Ok(grant) = Grant::parse(body) {
        assert_eq!(
            Grant::parse(&grant.to_body()).expect("a grant's body parses"),
            grant
        );
    }
}

/// Sealed boxes (sources, county keys, bundles' envelopes), county key entries and clearance
/// approvals; and the input sealed to a device's key, which must open to itself.
pub fn sealed_box(data: &[u8]) {
    let me = &device().sealing;
    let mine = device().public.id();
    if let Ok(envelope) = Envelope::parse(data) {
        let n = envelope.recipients().count();
        assert!((1..=seal::MAX_RECIPIENTS).contains(&n));
        let _ = envelope.open(CONTEXT, |id| (*id == mine).then(|| me.clone()));
        let _ = envelope.open(CONTEXT, |_| Some(me.clone()));
    }
    let _ = county::source_recipients(data);
    let _ = county::open_source(&REPORT, data, |_| Some(me.clone()));
    if let Ok(key) = KeyEntry::parse(data) {
        let _ = key.holders();
        let _ = key.open(me);
    }
    check_grant(data);

    let sealed =
        seal::seal(data, CONTEXT, &[stranger().public, device().public]).expect("anything seals");
    let envelope = Envelope::parse(&sealed).expect("a sealed box parses");
    let opened = envelope
        .open(CONTEXT, |id| (*id == mine).then(|| me.clone()))
        .expect("a sealed box opens")
        .expect("with its recipient's key");
    assert_eq!(&opened[..], data);
    assert!(envelope
        .open(b"another context", |_| Some(me.clone()))
        .is_err());
    // The input as a sealed source's text, and as a county key entry's secret.
    let source = seal::seal(data, &county::source_context(&REPORT), &[device().public])
        .expect("anything seals");
    let _ = county::open_source(&REPORT, &source, |_| Some(me.clone()));
    static COUNTY: OnceLock<BoxPublic> = OnceLock::new();
    let public = *COUNTY.get_or_init(|| BoxSecret::from_bytes([0x66; 32]).public());
    let mut body = vec![1, 1];
    body.extend_from_slice(&public.0);
    body.extend_from_slice(
        &seal::seal(data, &county::key_context(&public), &[device().public])
            .expect("anything seals"),
    );
    let key = KeyEntry::parse(&body).expect("a well-formed key entry parses");
    match key.open(me) {
        Ok(Some(secret)) => assert_eq!(secret.public(), public),
        Ok(None) => panic!("a key entry sealed to this device does not name it"),
        Err(_) => {}
    }
}

/// An enrollment string as typed or pasted: what parses prints back to itself, and never
/// names a plain-http hub on another machine or an https hub without its fingerprint. Since
/// the string carries a check keyed with its code, the input is also read as its parts (an
/// address, a code and a fingerprint, one a line), made into a string and read back, and
/// that string with its scheme or fingerprint changed must be refused.
pub fn enrollment(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(e) = Enrollment::parse(text) {
        check_enrollment(&e);
    }
    let mut parts = text.splitn(3, '\n');
    let (url, code, cert) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next(),
    );
    // A code the hub makes never holds the string's separators.
    if !code.contains(['&', '#']) {
        if let Ok(e) = Enrollment::new(url, code, cert) {
            check_enrollment(&e);
        }
    }
    // The first line as the address given for one sync, the rest as the enrolled one.
    let (given, enrolled) = text.split_once('\n').unwrap_or((text, "https://hub:7878"));
    let _ = enrollment::hub_url(given);
    if let Ok(Some(url)) = enrollment::sync_url(Some(given), enrolled) {
        assert!(!enrolled.starts_with("https://") || url.starts_with("https://"));
    }
}

fn check_enrollment(e: &Enrollment) {
    let printed = e.to_string();
    assert_eq!(
        &Enrollment::parse(&printed).expect("a printed enrollment parses"),
        e
    );
    assert_eq!(
        enrollment::hub_url(&e.url).expect("its address parses"),
        e.url
    );
    if e.url.starts_with("https://") {
        assert!(e.cert_sha256.is_some());
        let downgraded = printed.replacen("https://", "http://", 1);
        assert!(Enrollment::parse(&downgraded).is_err());
    } else {
        assert!(e.url.starts_with("http://"));
    }
    if let Some(c) = &e.cert_sha256 {
        let flipped = if c.starts_with('0') { "1" } else { "0" };
        let changed = printed.replacen(
            &format!("sha256={}", &c[..1]),
            &format!("sha256={flipped}"),
            1,
        );
        assert!(Enrollment::parse(&changed).is_err());
    }
    assert!(!e.code.is_empty());
}

/// A report document or an amendment, as JSON bytes: what parses re-serialises to a document
/// that parses to the same value, and amends a report without panicking.
pub fn report(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    check_document(&value);
}

fn check_document(value: &Value) {
    let now = now();
    let received = Report::parse_as(value, now, Origin::Received);
    match Report::parse(value, now) {
        Ok(report) => {
            // What an author may record, every receiver admits.
            assert_eq!(received.as_ref().ok(), Some(&report));
            let stored = report.to_json();
            assert_eq!(
                Report::parse(&stored, now).expect("a stored report parses"),
                report
            );
            // What a receiver reads: the stored text.
            let text = serde_json::to_vec(&stored).expect("a document prints");
            let read: Value = serde_json::from_slice(&text).expect("a printed document reads");
            Report::parse(&read, now).expect("a stored report's text parses");
            let mut open = stored
                .as_object()
                .cloned()
                .expect("a document is an object");
            strip_restricted(&mut open);
            Report::parse(&Value::Object(open), now).expect("a report less its restricted parts");
        }
        Err(problems) => {
            assert!(!problems.is_empty());
            let _ = problems.to_string();
        }
    }
    let received = Amendment::parse_as(value, now, Origin::Received);
    match Amendment::parse(value, now) {
        Ok(amendment) => {
            assert_eq!(received.as_ref().ok(), Some(&amendment));
            assert_eq!(
                Amendment::parse(&amendment.clone().into_json(), now)
                    .expect("a stored amendment parses"),
                amendment
            );
            let _ = amendment.unit();
            let mut state = seed_report().as_object().cloned().unwrap_or_default();
            apply_changes(&mut state, amendment.changes());
            let mut changes = amendment.changes().clone();
            strip_restricted(&mut changes);
        }
        Err(problems) => assert!(!problems.is_empty()),
    }
}
