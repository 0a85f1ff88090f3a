//! The targets that read frames off the network or a stick: sync requests and responses,
//! bundles, and the runs of signed entries inside them.

use ed25519_dalek::SigningKey;

use crate::ledger::{Draft, Entry, EntryKind, Hash, ReportId};
use crate::seal::BoxSecret;
use crate::wire::{self, Body, Bundle, RequestTag, Run, Signatures, SyncRequest, SyncResponse};

use super::{device_id, device_key, hub, hub_id, hub_key, stranger, stranger_key, Choices, TAG};

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

/// Signature coverage: a chain the device signed, sent with every signature or the last
/// only, then changed as the input says (bodies, hashes, signatures, proofs, times, kinds,
/// subjects, the run's start) and carried through a signed response as a hub would forward
/// it. Whatever [`Run::verified`] then accepts must be exactly what the author signed; an
/// unchanged run must be accepted whole.
pub fn run(data: &[u8]) {
    let key = device_key();
    let mut c = Choices(data);
    let (signed, first_seq) = signed_chain(&mut c, key);
    let signatures = if c.byte() & 1 == 0 {
        Signatures::Every
    } else {
        Signatures::Head
    };
    let mut run = Run::from_entries(&signed, |i| Some(i as i64), signatures).remove(0);
    let honest = run.clone();
    while let Some(op) = c.more() {
        tamper(&mut c, op, &mut run, &signed);
    }
    let Some(received) = forwarded(&run) else {
        return;
    };
    assert_eq!(received, run);
    check_run(&received);
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

/// A chain of one to six entries `key` signed, as the input says; and its first number.
fn signed_chain(c: &mut Choices<'_>, key: &SigningKey) -> (Vec<Entry>, u64) {
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
    (signed, first_seq)
}

/// Changes one entry of `run` (or its start) as `op` and the input say.
fn tamper(c: &mut Choices<'_>, op: u8, run: &mut Run, signed: &[Entry]) {
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

/// `run` through the wire as the hub forwards runs: in a response signed by the hub, read
/// back (`None` when the response does not open).
fn forwarded(run: &Run) -> Option<Run> {
    let response = SyncResponse {
        hub_time: 0,
        acks: Vec::new(),
        cursor: 0,
        more: false,
        runs: vec![run.clone()],
        refused: Vec::new(),
        updates: None,
    };
    let sealed = response.seal(hub_key(), &TAG).expect("sealed");
    let mut back = SyncResponse::open(&sealed, &hub_key().verifying_key(), &TAG).ok()?;
    Some(back.runs.remove(0))
}
