//! Fuzz targets: one body per decoder that reads bytes from the network or a USB stick. Each
//! must return, whatever the input, without panicking, and checks what must hold of whatever
//! it decodes (decoded, re-encoded and decoded again, it is the same value).
//!
//! The bodies live here so that two runners share them: `fuzz/` runs them coverage-guided
//! under libFuzzer (`make fuzz`, stable Rust), and the tests at the bottom of this file run
//! them over the seed corpus and a few thousand seeded mutations of it in every
//! `cargo test`. See docs/fuzzing.md.
//!
//! A signature or a sealed box stands in front of most parsers, and random bytes never get
//! past it. So each body also wraps its input as the payload of a valid frame (compressed,
//! signed and sealed with fixed test keys) and reads that too: the fuzzer then mutates the
//! parser's own input, behind the checks.
//!
//! Compiled only for tests and with the `fuzzing` feature: nothing here ships.

use std::sync::OnceLock;

use ed25519_dalek::SigningKey;
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::admission::{self, Known};
use crate::county::{self, Grant, KeyEntry};
use crate::domain::report::strip_restricted;
use crate::domain::text::Origin;
use crate::domain::{apply_changes, Amendment, Report};
use crate::enrollment::{self, Enrollment};
use crate::gazetteer::{self, Unit};
use crate::ledger::{DeviceId, Draft, Entry, EntryKind, Hash, ReportId};
use crate::lifecycle::Action;
use crate::needs::Needs;
use crate::redaction::Redaction;
use crate::seal::{self, BoxPublic, BoxSecret, Envelope};
use crate::wire::{
    self, Body, Bundle, DeviceBundle, HubBundle, Refused, RequestTag, Run, RunEntry, Signatures,
    SyncRequest, SyncResponse,
};

/// A target's body: any bytes in, a panic on a bug.
pub type Target = fn(&[u8]);

/// Every target, by the name of its file in `fuzz/fuzz_targets/` and its seed folder in
/// `fuzz/seeds/`.
pub const TARGETS: &[(&str, Target)] = &[
    ("sync_request", sync_request),
    ("sync_response", sync_response),
    ("bundle", bundle),
    ("run", run),
    ("entry", entry),
    ("sealed_box", sealed_box),
    ("enrollment", enrollment),
    ("report", report),
];

/// A fixed key, its id and its sealing key: made once, since every derivation is a
/// scalar multiplication and the fuzzer runs a target thousands of times a second.
struct Party {
    key: SigningKey,
    id: DeviceId,
    sealing: BoxSecret,
    public: BoxPublic,
}

fn party(cell: &'static OnceLock<Party>, seed: u8) -> &'static Party {
    cell.get_or_init(|| {
        let key = SigningKey::from_bytes(&[seed; 32]);
        let sealing = BoxSecret::of_device(&key);
        Party {
            id: DeviceId::of(&key.verifying_key()),
            public: sealing.public(),
            sealing,
            key,
        }
    })
}

/// The device whose requests and bundles the targets read.
fn device() -> &'static Party {
    static CELL: OnceLock<Party> = OnceLock::new();
    party(&CELL, 0x11)
}

/// The hub the device talks to.
fn hub() -> &'static Party {
    static CELL: OnceLock<Party> = OnceLock::new();
    party(&CELL, 0x22)
}

/// A third party: signs nothing the targets expect.
fn stranger() -> &'static Party {
    static CELL: OnceLock<Party> = OnceLock::new();
    party(&CELL, 0x33)
}

fn device_key() -> &'static SigningKey {
    &device().key
}

fn hub_key() -> &'static SigningKey {
    &hub().key
}

fn stranger_key() -> &'static SigningKey {
    &stranger().key
}

fn hub_id() -> DeviceId {
    hub().id
}

fn device_id() -> DeviceId {
    device().id
}

const TAG: RequestTag = RequestTag([0x44; 64]);
const REPORT: ReportId = ReportId([0x55; 10]);
const CONTEXT: &[u8] = b"usalama.fuzz\0";

/// The clock reports are checked against: fixed, so that a run is reproducible.
fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_900_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// A sync request, as the hub reads it (`frame`, `verify`, `open`), and a request payload
/// behind a valid signature.
pub fn sync_request(data: &[u8]) {
    let key = device_key();
    let hub = hub_id();
    if let Ok(frame) = SyncRequest::frame(data) {
        let signed = frame.verify(&hub, &key.verifying_key());
        // The hub opens only a signed frame; the parser must hold whatever it is given.
        let opened = frame.open();
        if let (true, Ok(request)) = (signed, &opened) {
            check_request(request);
        }
        let whole = SyncRequest::open(data, &hub, &key.verifying_key());
        assert_eq!(whole.is_ok(), signed && opened.is_ok());
    }
    let Ok((frame, tag)) = wire::seal_request_payload(data, &device_id(), &hub, key) else {
        return;
    };
    let parsed = SyncRequest::frame(&frame).expect("a sealed request has a frame");
    assert_eq!(parsed.tag(), tag);
    assert!(parsed.verify(&hub, &key.verifying_key()));
    assert!(!parsed.verify(&hub, &stranger_key().verifying_key()));
    if let Ok(request) = SyncRequest::open(&frame, &hub, &key.verifying_key()) {
        check_request(&request);
    }
}

/// What every decoded request must satisfy: sealed again, it reads back the same, and its
/// runs verify or are refused without panicking.
fn check_request(request: &SyncRequest) {
    let key = device_key();
    let (sealed, tag) = request
        .seal(&hub_id(), key)
        .expect("a decoded request seals");
    let frame = SyncRequest::frame(&sealed).expect("a sealed request has a frame");
    assert_eq!(frame.device, request.device);
    assert_eq!(frame.tag(), tag);
    assert!(frame.verify(&hub_id(), &key.verifying_key()));
    assert_eq!(&frame.open().expect("a sealed request opens"), request);
    for run in &request.runs {
        check_run(run);
    }
    for carried in &request.bundles {
        let _ = Bundle::recipients(carried);
    }
}

/// A decoded run, checked against the device's key: whatever it accepts is whole, chained and
/// signed.
fn check_run(run: &Run) {
    let key = device_key().verifying_key();
    let _ = (run.is_signed(), run.last_seq());
    if let Ok(stored) = run.verified(&key) {
        assert_eq!(run.device, device_id());
        assert_eq!(
            stored.len(),
            run.entries.iter().filter(|e| !e.proof).count()
        );
        // The last entry is signed (nothing covers an entry after the last signature).
        let all = run.clone().into_entries();
        let last = all.last().expect("a run holds entries");
        assert!(last.verify_signature(&key));
        for e in &stored {
            assert!(e.body_matches());
            assert_eq!(e.device, run.device);
        }
    }
    assert!(run.verified(&stranger_key().verifying_key()).is_err());
}

/// A sync response, as the device reads it, and a response payload behind a valid signature.
pub fn sync_response(data: &[u8]) {
    let hub = hub_key();
    if let Ok(response) = SyncResponse::open(data, &hub.verifying_key(), &TAG) {
        check_response(&response);
    }
    let Ok(frame) = wire::seal_response_payload(data, hub, &TAG) else {
        return;
    };
    assert!(SyncResponse::open(&frame, &stranger_key().verifying_key(), &TAG).is_err());
    assert!(SyncResponse::open(&frame, &hub.verifying_key(), &RequestTag([0x45; 64])).is_err());
    if let Ok(response) = SyncResponse::open(&frame, &hub.verifying_key(), &TAG) {
        check_response(&response);
    }
}

fn check_response(response: &SyncResponse) {
    let hub = hub_key();
    let sealed = response.seal(hub, &TAG).expect("a decoded response seals");
    let back =
        SyncResponse::open(&sealed, &hub.verifying_key(), &TAG).expect("a sealed response opens");
    assert_eq!(&back, response);
    for run in &response.runs {
        check_run(run);
    }
}

/// A bundle file, as a hub or device reads it from a stick, and a bundle payload behind a
/// valid seal and signature.
pub fn bundle(data: &[u8]) {
    let me = &hub().sealing;
    let maker = device_key();
    let _ = Bundle::recipients(data);
    if let Ok((bundle, signature)) = Bundle::open(data, me) {
        check_bundle(&bundle, me);
        let _ = signature.verify(&maker.verifying_key());
    }
    let Ok(file) = wire::seal_bundle_payload(data, maker, &hub().public) else {
        return;
    };
    assert_eq!(
        Bundle::recipients(&file).expect("a sealed bundle names its recipient"),
        [hub().public.id()]
    );
    assert!(Bundle::open(&file, &stranger().sealing).is_err());
    if let Ok((bundle, signature)) = Bundle::open(&file, me) {
        assert!(signature.verify(&maker.verifying_key()));
        assert!(!signature.verify(&stranger_key().verifying_key()));
        check_bundle(&bundle, me);
    }
}

fn check_bundle(bundle: &Bundle, me: &BoxSecret) {
    let maker = device_key();
    let sealed = bundle
        .seal(maker, &hub().public)
        .expect("a decoded bundle seals");
    let (back, signature) = Bundle::open(&sealed, me).expect("a sealed bundle opens");
    assert_eq!(&back, bundle);
    assert!(signature.verify(&maker.verifying_key()));
    let _ = bundle.maker();
    match bundle {
        Bundle::FromDevice(b) => b.runs.iter().for_each(check_run),
        Bundle::FromHub(b) => b.response.runs.iter().for_each(check_run),
    }
}

/// Reads a fuzzer's bytes as choices: each call takes what it needs, and zeros once they run
/// out.
struct Choices<'a>(&'a [u8]);

impl Choices<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }

    fn more(&mut self) -> Option<u8> {
        (!self.0.is_empty()).then(|| self.byte())
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        let n = n.min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head.to_vec()
    }

    fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0; N];
        for b in &mut out {
            *b = self.byte();
        }
        out
    }
}

/// Signature coverage: a chain the device signed, sent with every signature or the last
/// only, then changed as the input says (bodies, hashes, signatures, proofs, times, kinds,
/// subjects, the run's start) and carried through a signed response as a hub would forward
/// it. Whatever [`Run::verified`] then accepts must be exactly what the author signed; an
/// unchanged run must be accepted whole.
pub fn run(data: &[u8]) {
    let key = device_key();
    let mut c = Choices(data);
    let n = 1 + usize::from(c.byte() % 6);
    let first_seq = 1 + u64::from(c.byte());
    let mut prev = Hash(c.array());
    let mut signed = Vec::with_capacity(n);
    for i in 0..n {
        let kind = EntryKind::from_code(u16::from(c.byte() % 32));
        let subject = (c.byte() & 1 == 1).then(|| ReportId(c.array()));
        let len = usize::from(c.byte() % 48);
        let draft = Draft {
            kind,
            subject,
            body: c.bytes(len),
        };
        let at = 1_700_000_000_000 + i64::from(c.byte()) * 1_000;
        let e = Entry::sign(draft, key, first_seq + i as u64, prev, at);
        prev = e.hash();
        signed.push(e);
    }
    let signatures = if c.byte() & 1 == 0 {
        Signatures::Every
    } else {
        Signatures::Head
    };
    let mut run = Run::from_entries(&signed, |i| Some(i as i64), signatures).remove(0);
    let honest = run.clone();
    while let Some(op) = c.more() {
        let len = run.entries.len();
        let i = usize::from(c.byte()) % len;
        let e = &mut run.entries[i];
        match op % 12 {
            0 => {
                if let Body::Present(b) = &mut e.body {
                    if !b.is_empty() {
                        let at = usize::from(c.byte()) % b.len();
                        b[at] ^= 1 << (c.byte() % 8);
                    } else {
                        b.push(c.byte());
                    }
                }
            }
            // Dropping a body its hash still covers is what a redaction does: allowed.
            1 => e.body = Body::Dropped(signed[i].body_hash),
            2 => e.body = Body::Dropped(Hash(c.array())),
            3 => e.signature = None,
            4 => {
                let j = usize::from(c.byte()) % len;
                e.signature = signed[j].signature;
            }
            5 => e.signature = Some(c.array()),
            6 => {
                e.proof = !e.proof;
                if e.proof {
                    e.body = Body::Dropped(signed[i].body_hash);
                }
            }
            7 => e.at = e.at.wrapping_add(i64::from(c.byte() as i8)),
            8 => e.kind = EntryKind::from_code(u16::from(c.byte())),
            9 => e.subject = e.subject.map_or(Some(ReportId(c.array())), |_| None),
            10 => run.first_seq = 1 + u64::from(c.byte()),
            _ => {
                // Cut the run's head: allowed when `prev` and `first_seq` follow.
                if i > 0 {
                    run.entries.drain(..i);
                    run.first_seq += i as u64;
                    if c.byte() & 1 == 0 {
                        run.prev = signed[i - 1].hash();
                    }
                }
            }
        }
    }
    // Through the wire as the hub forwards runs: a response signed by the hub.
    let response = SyncResponse {
        hub_time: 0,
        acks: Vec::new(),
        cursor: 0,
        more: false,
        runs: vec![run.clone()],
        refused: Vec::new(),
    };
    let sealed = response.seal(hub_key(), &TAG).expect("sealed");
    let Ok(back) = SyncResponse::open(&sealed, &hub_key().verifying_key(), &TAG) else {
        return;
    };
    let received = &back.runs[0];
    assert_eq!(received, &run);
    check_run(received);
    if let Ok(stored) = received.verified(&key.verifying_key()) {
        for e in &stored {
            let index = e
                .seq
                .checked_sub(first_seq)
                .and_then(|i| usize::try_from(i).ok());
            let original = index
                .and_then(|i| signed.get(i))
                .expect("a verified entry is one the author signed");
            assert_eq!(e.hash(), original.hash(), "a changed entry was accepted");
            if let Some(body) = &e.body {
                assert_eq!(Some(body), original.body.as_ref());
            }
        }
    }
    if run == honest {
        let stored = received
            .verified(&key.verifying_key())
            .expect("an honest run verifies");
        assert_eq!(stored.len(), signed.len());
    }
}

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

/// A report with every section filled in.
fn seed_report() -> Value {
    json!({
        "type": "livestock_raid",
        "urgency": "flash",
        "occurred_at": "2026-11-20T05:30:00+03:00",
        "unit": "ke-024-w0641",
        "place": "Kanyerus water point",
        "gps": {"lat": 1.2345, "lon": 35.1234},
        "narrative": "About 40 armed raiders drove cattle towards the border at dawn.",
        "people": {"killed": 1, "injured": {"men": 2, "women": null, "children": 0}},
        "livestock": [
            {"species": "cattle", "stolen": 120, "recovered": 15, "estimate": true},
            {"species": "goats", "stolen": null, "killed": 3}
        ],
        "suspects": {"count": 40, "armed": true, "direction": "north-east",
                     "group": "Morita raiders", "names": ["Lokiru"]},
        "agencies_notified": ["nps", "kdf"],
        "ob": {"number": "OB 12/20/11/2026", "station": "Kacheliba"},
        "source": {"kind": "informant", "name": "Chepkemoi", "contact": "0712 000 000",
                   "notes": "Saw them cross."}
    })
}

fn seed_amendment() -> Value {
    json!({
        "urgency": "urgent",
        "people": {"killed": null, "abducted": {"children": 2}},
        "livestock": [{"species": "cattle", "recovered": 60}],
        "suspects": {"names": ["Lokiru", "Ekai"], "group": null},
        "source": null
    })
}

fn chain(key: &SigningKey, drafts: Vec<Draft>) -> Vec<Entry> {
    let mut prev = Hash::GENESIS;
    let mut out = Vec::new();
    for (i, draft) in drafts.into_iter().enumerate() {
        let e = Entry::sign(draft, key, i as u64 + 1, prev, 1_800_000_000_000 + i as i64);
        prev = e.hash();
        out.push(e);
    }
    out
}

fn draft(kind: EntryKind, subject: Option<ReportId>, body: &Value) -> Draft {
    Draft {
        kind,
        subject,
        body: body.to_string().into_bytes(),
    }
}

/// A device's chain: a report filed, amended, acknowledged, closed.
fn seed_chain() -> Vec<Entry> {
    let key = device_key();
    let filed = chain(
        key,
        vec![draft(EntryKind::ReportFiled, None, &seed_report())],
    );
    let id = filed[0].report_id();
    chain(
        key,
        vec![
            draft(EntryKind::ReportFiled, None, &seed_report()),
            draft(EntryKind::ReportAmended, Some(id), &seed_amendment()),
            draft(EntryKind::Acknowledged, Some(id), &json!({"agency": "nps"})),
            draft(
                EntryKind::Closed,
                Some(id),
                &json!({"outcome": "resolved", "note": "Recovered 60 head", "figures": {}}),
            ),
        ],
    )
}

/// The seed corpus: a few valid inputs per target, as `(target, file name, bytes)`, so that a
/// run starts deep. `make fuzz` reads them from `fuzz/seeds/`, where the
/// `fuzz_seeds` example writes them.
pub fn seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    let key = device_key();
    let hub = hub_key();
    let me = BoxSecret::of_device(hub);
    let device_box = BoxSecret::of_device(key);
    let entries = seed_chain();
    let mut redacted = entries.clone();
    redacted[0].body = None;
    let every = Run::from_entries(&entries, |_| None, Signatures::Every);
    let mut head = Run::from_entries(&redacted, |i| Some(1_000 * i as i64), Signatures::Head);
    // The hub holds no signature of the second entry: the rest travel as proofs.
    let mut with_proof = Run::from_entries(&entries[..2], |_| Some(5), Signatures::Head);
    with_proof[0].entries[1].signature = None;
    with_proof[0]
        .entries
        .push(RunEntry::proof_of(&entries[2], Some(6)));
    head.extend(with_proof);

    let request = SyncRequest {
        device: device_id(),
        counter: 7,
        cursor: 3,
        device_time: 1_800_000_000_000,
        runs: every.clone(),
        bundles: vec![b"USB\x02".to_vec()],
    };
    let empty = SyncRequest {
        runs: Vec::new(),
        bundles: Vec::new(),
        ..request.clone()
    };
    let response = SyncResponse {
        hub_time: 1_800_000_000_500,
        acks: vec![(device_id(), 4)],
        cursor: 12,
        more: true,
        runs: head.clone(),
        refused: vec![Refused {
            device: DeviceId::of(&stranger_key().verifying_key()),
            first_seq: 2,
            last_seq: 9,
            reason: "fork".into(),
        }],
    };
    let from_device = Bundle::FromDevice(DeviceBundle {
        device: device_id(),
        hub: hub_id(),
        made_at: 1_800_000_000_000,
        cursor: 3,
        runs: every.clone(),
    });
    let from_hub = Bundle::FromHub(HubBundle {
        hub: hub_id(),
        device: device_id(),
        response: response.clone(),
    });

    let mut out: Vec<(&'static str, String, Vec<u8>)> = Vec::new();
    let mut add = |target: &'static str, name: &str, bytes: Vec<u8>| {
        out.push((target, name.to_owned(), bytes));
    };
    for (name, r) in [("request", &request), ("empty-request", &empty)] {
        let (frame, _) = r.seal(&hub_id(), key).expect("sealed");
        add("sync_request", &format!("{name}.frame"), frame);
        add("sync_request", &format!("{name}.payload"), r.payload());
    }
    add(
        "sync_response",
        "response.frame",
        response.seal(hub, &TAG).expect("sealed"),
    );
    let mut payload = Vec::new();
    response.put(&mut payload);
    add("sync_response", "response.payload", payload);
    let mut payload = Vec::new();
    SyncResponse {
        acks: Vec::new(),
        runs: Vec::new(),
        refused: Vec::new(),
        more: false,
        ..response.clone()
    }
    .put(&mut payload);
    add("sync_response", "nothing-new.payload", payload);
    for (name, b) in [("from-device", &from_device), ("from-hub", &from_hub)] {
        add(
            "bundle",
            &format!("{name}.bundle"),
            b.seal(key, &me.public()).expect("sealed"),
        );
        add("bundle", &format!("{name}.payload"), b.payload());
    }
    // Choices for `run`: entry count, first seq, prev, then per entry kind, subject, body.
    add("run", "honest", vec![2, 0, 0]);
    let mut three = vec![3, 4];
    three.extend_from_slice(&[0; 32]);
    for kind in [1u8, 2, 10] {
        three.extend_from_slice(&[kind, 0, 5, b'{', b'"', b'a', b'"', b'}', 9]);
    }
    add("run", "three-every", [three.clone(), vec![0]].concat());
    add(
        "run",
        "three-head-redacted",
        [three, vec![1, 1, 0]].concat(),
    );
    for (i, e) in entries.iter().chain(&redacted[..1]).enumerate() {
        add("entry", &format!("{}-{i}", e.kind.name()), e.encode());
    }
    let county = BoxSecret::from_bytes([0x77; 32]);
    let grant = Grant {
        device: device_id(),
        public_key: key.verifying_key().to_bytes(),
        earlier: true,
    };
    let needs = json!({"operation": "Recover cattle", "area": "ke-024-l-ombolion",
        "from": "2026-11-27", "to": "2026-11-30", "lead": "kdf",
        "items": [{"resource": "vehicles", "have": 2, "need": 5},
                  {"resource": "fuel", "have": 100, "need": 400, "note": "litres"}]});
    let key_body = KeyEntry::issue(&county, &[device_box.public(), me.public()]).expect("issued");
    for (kind, body) in [
        (EntryKind::CountyKey, key_body.clone()),
        (EntryKind::ClearanceGranted, grant.to_body()),
        (EntryKind::NeedsAssessed, needs.to_string().into_bytes()),
    ] {
        let e = chain(
            key,
            vec![Draft {
                kind,
                subject: None,
                body,
            }],
        );
        add("entry", kind.name().as_str(), e[0].encode());
    }
    add(
        "sealed_box",
        "box",
        seal::seal(b"Chepkemoi", CONTEXT, &[device_box.public()]).expect("sealed"),
    );
    add(
        "sealed_box",
        "source",
        county::seal_source(
            &REPORT,
            &json!({"kind": "informant"}),
            &[device_box.public()],
        )
        .expect("sealed"),
    );
    add("sealed_box", "county-key", key_body);
    add("sealed_box", "grant", grant.to_body());
    let fingerprint = "ab".repeat(32);
    for (name, url, code, cert) in [
        (
            "https",
            "https://hub.example:7878",
            "K7QXM-4HDPR",
            Some(fingerprint.as_str()),
        ),
        ("loopback", "http://127.0.0.1:7878/", "ABCDE-12345", None),
        ("ipv6", "http://[::1]:7878", "x", None),
    ] {
        let e = Enrollment::new(url, code, cert).expect("an enrollment");
        add("enrollment", name, e.to_string().into_bytes());
        let cert = cert.map(|c| format!("\n{c}")).unwrap_or_default();
        add(
            "enrollment",
            &format!("{name}.parts"),
            format!("{url}\n{code}{cert}").into_bytes(),
        );
    }
    add(
        "enrollment",
        "sync-url",
        b"https://proxy.example:443\nhttps://hub.example:7878".to_vec(),
    );
    add(
        "report",
        "report.json",
        serde_json::to_vec_pretty(&seed_report()).expect("printed"),
    );
    add(
        "report",
        "amendment.json",
        serde_json::to_vec_pretty(&seed_amendment()).expect("printed"),
    );
    add(
        "report",
        "minimal.json",
        br#"{"type":"other","occurred_at":"2026-01-01T00:00:00Z","place":"x","narrative":"y"}"#
            .to_vec(),
    );
    out
}

/// Words a JSON-mutating fuzzer cannot guess: field names and the vocabularies, in libFuzzer's
/// dictionary format (`fuzz/report.dict`).
pub fn report_dictionary() -> String {
    use crate::domain::{Agency, IncidentType, SourceKind, Species, Urgency};
    let mut words: Vec<String> = crate::domain::report::REPORT_FIELDS
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    words.extend(
        [
            "killed",
            "injured",
            "abducted",
            "men",
            "women",
            "children",
            "species",
            "stolen",
            "recovered",
            "estimate",
            "count",
            "armed",
            "direction",
            "group",
            "names",
            "number",
            "station",
            "kind",
            "name",
            "contact",
            "notes",
            "lat",
            "lon",
        ]
        .map(str::to_owned),
    );
    words.extend(IncidentType::ALL.iter().map(|v| v.as_str().to_owned()));
    words.extend(Urgency::ALL.iter().map(|v| v.as_str().to_owned()));
    words.extend(Species::ALL.iter().map(|v| v.as_str().to_owned()));
    words.extend(Agency::ALL.iter().map(|v| v.as_str().to_owned()));
    words.extend(SourceKind::ALL.iter().map(|v| v.as_str().to_owned()));
    let mut out = String::from("# Written by `cargo run -p usalama-core --example fuzz_seeds`.\n");
    for w in words {
        out.push_str(&format!("\"\\\"{w}\\\"\"\n"));
    }
    for w in ["null", "true", "false", "+03:00", "T05:30:00", "2026-11-20"] {
        out.push_str(&format!("\"{w}\"\n"));
    }
    out
}

/// Writes the seed corpus (`dir/TARGET/NAME`) and the dictionary (`dir/../report.dict`).
pub fn write_seeds(dir: &std::path::Path) -> std::io::Result<()> {
    for (target, name, bytes) in seeds() {
        let folder = dir.join(target);
        std::fs::create_dir_all(&folder)?;
        std::fs::write(folder.join(name), bytes)?;
    }
    if let Some(parent) = dir.parent() {
        std::fs::write(parent.join("report.dict"), report_dictionary())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! The bounded run of every target in `cargo test`: the seeds (made here and committed in
    //! `fuzz/seeds/`, crashes found earlier among them) and a few thousand mutations of them
    //! from a fixed seed, so that a failure reproduces. `USALAMA_FUZZ_MUTATIONS` sets how many
    //! per target.

    use std::path::PathBuf;

    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    use super::*;

    fn committed(target: &str) -> Vec<Vec<u8>> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../fuzz/seeds")
            .join(target);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.sort();
        files.iter().filter_map(|p| std::fs::read(p).ok()).collect()
    }

    fn corpus(target: &str) -> Vec<Vec<u8>> {
        let mut corpus: Vec<Vec<u8>> = seeds()
            .into_iter()
            .filter(|(t, _, _)| *t == target)
            .map(|(_, _, bytes)| bytes)
            .collect();
        corpus.extend(committed(target));
        corpus
    }

    const INTERESTING: [u8; 8] = [0, 1, 0x7f, 0x80, 0xff, 2, 0x40, 0xfe];

    /// One mutation of `input`, in the manner of libFuzzer's: bits flipped, bytes set,
    /// inserted, removed, duplicated, cut, spliced with another seed, or random bytes.
    fn mutate(rng: &mut StdRng, input: &[u8], corpus: &[Vec<u8>]) -> Vec<u8> {
        let mut out = input.to_vec();
        for _ in 0..rng.gen_range(1..=4) {
            let len = out.len();
            match rng.gen_range(0..9) {
                0 if len > 0 => {
                    let i = rng.gen_range(0..len);
                    out[i] ^= 1 << rng.gen_range(0..8);
                }
                1 if len > 0 => {
                    let i = rng.gen_range(0..len);
                    out[i] = INTERESTING[rng.gen_range(0..INTERESTING.len())];
                }
                2 => {
                    let i = rng.gen_range(0..=len);
                    let n = rng.gen_range(1..=8);
                    let bytes: Vec<u8> = (0..n).map(|_| rng.gen()).collect();
                    out.splice(i..i, bytes);
                }
                3 if len > 0 => {
                    let i = rng.gen_range(0..len);
                    let j = rng.gen_range(i..=len.min(i + 16));
                    out.drain(i..j);
                }
                4 if len > 0 => {
                    let i = rng.gen_range(0..len);
                    let j = rng.gen_range(i..=len.min(i + 32));
                    let copy = out[i..j].to_vec();
                    let at = rng.gen_range(0..=len);
                    out.splice(at..at, copy);
                }
                5 => out.truncate(rng.gen_range(0..=len)),
                6 => {
                    let other = &corpus[rng.gen_range(0..corpus.len())];
                    let cut = rng.gen_range(0..=len);
                    let from = rng.gen_range(0..=other.len());
                    out.truncate(cut);
                    out.extend_from_slice(&other[from..]);
                }
                7 => {
                    let n = rng.gen_range(0..64);
                    out = (0..n).map(|_| rng.gen()).collect();
                }
                _ if len > 0 => {
                    // A varint-sized number somewhere: the lengths and counts.
                    let i = rng.gen_range(0..len);
                    let v: u64 = rng.gen::<u64>() >> rng.gen_range(0..64);
                    let mut bytes = Vec::new();
                    crate::codec::put_varint(&mut bytes, v);
                    let end = len.min(i + bytes.len());
                    out.splice(i..end, bytes);
                }
                _ => out.push(rng.gen()),
            }
        }
        out
    }

    fn mutations() -> usize {
        std::env::var("USALAMA_FUZZ_MUTATIONS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(2_000)
    }

    /// Runs `target` over its corpus and its mutations; a panic names the input that caused
    /// it, in hex, to be saved as a seed.
    fn exercise(name: &str) {
        let target = TARGETS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| *f)
            .expect("a target");
        let corpus = corpus(name);
        assert!(!corpus.is_empty(), "no seeds for {name}");
        let mut rng = StdRng::seed_from_u64(0x05a1_a3a0 ^ name.len() as u64);
        let run_one = |input: &[u8]| {
            let outcome = std::panic::catch_unwind(|| target(input));
            if let Err(cause) = outcome {
                panic!(
                    "fuzz target {name} failed on input {}: save it as a seed in \
                     fuzz/seeds/{name}/ and fix the decoder ({cause:?})",
                    hex::encode(input)
                );
            }
        };
        for input in &corpus {
            run_one(input);
        }
        for _ in 0..mutations() {
            let seed = &corpus[rng.gen_range(0..corpus.len())];
            run_one(&mutate(&mut rng, seed, &corpus));
        }
    }

    #[test]
    fn the_sync_request_decoder_survives_its_seeds_and_their_mutations() {
        exercise("sync_request");
    }

    #[test]
    fn the_sync_response_decoder_survives_its_seeds_and_their_mutations() {
        exercise("sync_response");
    }

    #[test]
    fn the_bundle_decoder_survives_its_seeds_and_their_mutations() {
        exercise("bundle");
    }

    #[test]
    fn run_verification_accepts_only_what_the_author_signed() {
        exercise("run");
    }

    #[test]
    fn the_entry_decoder_and_body_readers_survive_their_seeds_and_their_mutations() {
        exercise("entry");
    }

    #[test]
    fn sealed_boxes_and_county_keys_survive_their_seeds_and_their_mutations() {
        exercise("sealed_box");
    }

    #[test]
    fn the_enrollment_parser_survives_its_seeds_and_their_mutations() {
        exercise("enrollment");
    }

    #[test]
    fn the_report_parser_survives_its_seeds_and_their_mutations() {
        exercise("report");
    }

    #[test]
    fn every_seed_is_valid_for_its_target() {
        // A seed that its target refuses at the first check would start the fuzzer shallow.
        for (target, name, bytes) in seeds() {
            let deep = match target {
                "sync_request" if name.ends_with(".frame") => {
                    SyncRequest::open(&bytes, &hub_id(), &device_key().verifying_key()).is_ok()
                }
                "sync_request" => {
                    wire::seal_request_payload(&bytes, &device_id(), &hub_id(), device_key())
                        .ok()
                        .and_then(|(f, _)| {
                            SyncRequest::open(&f, &hub_id(), &device_key().verifying_key()).ok()
                        })
                        .is_some()
                }
                "sync_response" if name.ends_with(".frame") => {
                    SyncResponse::open(&bytes, &hub_key().verifying_key(), &TAG).is_ok()
                }
                "sync_response" => wire::seal_response_payload(&bytes, hub_key(), &TAG)
                    .ok()
                    .and_then(|f| SyncResponse::open(&f, &hub_key().verifying_key(), &TAG).ok())
                    .is_some(),
                "bundle" if name.ends_with(".bundle") => {
                    Bundle::open(&bytes, &BoxSecret::of_device(hub_key())).is_ok()
                }
                "bundle" => {
                    let me = BoxSecret::of_device(hub_key());
                    wire::seal_bundle_payload(&bytes, device_key(), &me.public())
                        .ok()
                        .and_then(|f| Bundle::open(&f, &me).ok())
                        .is_some()
                }
                "entry" => Entry::decode(&bytes).is_ok(),
                "sealed_box" => {
                    Envelope::parse(&bytes).is_ok()
                        || KeyEntry::parse(&bytes).is_ok()
                        || Grant::parse(&bytes).is_ok()
                }
                "enrollment" if name == "sync-url" => true,
                "enrollment" if name.ends_with(".parts") => {
                    let text = std::str::from_utf8(&bytes).unwrap_or_default();
                    let mut parts = text.splitn(3, '\n');
                    let (url, code) = (
                        parts.next().unwrap_or_default(),
                        parts.next().unwrap_or_default(),
                    );
                    Enrollment::new(url, code, parts.next()).is_ok()
                }
                "enrollment" => {
                    Enrollment::parse(std::str::from_utf8(&bytes).unwrap_or("")).is_ok()
                }
                "report" => serde_json::from_slice::<Value>(&bytes)
                    .ok()
                    .is_some_and(|v| {
                        Report::parse(&v, now()).is_ok() || Amendment::parse(&v, now()).is_ok()
                    }),
                _ => true,
            };
            assert!(deep, "seed {target}/{name} does not get past its decoder");
        }
    }

    #[test]
    fn every_target_has_a_committed_seed_corpus() {
        for (target, _) in TARGETS {
            assert!(
                !committed(target).is_empty(),
                "no seeds in fuzz/seeds/{target}: run `cargo run -p usalama-core --features \
                 fuzzing --example fuzz_seeds`"
            );
        }
    }
}
