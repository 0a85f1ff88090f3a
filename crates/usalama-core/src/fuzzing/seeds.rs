//! The seed corpus a run starts from and the dictionary of words a fuzzer cannot guess,
//! written to `fuzz/` by the `fuzz_seeds` example.

use ed25519_dalek::SigningKey;
use serde_json::{json, Value};

use crate::county::{self, Grant, KeyEntry};
use crate::enrollment::Enrollment;
use crate::ledger::{DeviceId, Draft, Entry, EntryKind, Hash, ReportId};
use crate::seal::{self, BoxSecret};
use crate::wire::{
    Bundle, DeviceBundle, HubBundle, Refused, Run, RunEntry, Signatures, SyncRequest, SyncResponse,
};

use super::{device_id, device_key, hub_id, hub_key, stranger_key, CONTEXT, REPORT, TAG};

/// A report with every section filled in.
pub(super) fn seed_report() -> Value {
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
pub fn seeds() -> Vec<Seed> {
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

    let mut out = Corpus(Vec::new());
    request_seeds(&mut out, &every);
    let response = response_seeds(&mut out, head);
    bundle_seeds(&mut out, every, response);
    run_seeds(&mut out);
    entry_and_box_seeds(&mut out, &entries, &redacted);
    enrollment_seeds(&mut out);
    report_seeds(&mut out);
    out.0
}

/// A seed: its target, its file name and its bytes.
pub type Seed = (&'static str, String, Vec<u8>);

/// The seed corpus, as it is gathered.
struct Corpus(Vec<Seed>);

impl Corpus {
    fn add(&mut self, target: &'static str, name: &str, bytes: Vec<u8>) {
        self.0.push((target, name.to_owned(), bytes));
    }
}

/// A request carrying `every`, and an empty one: each as a frame and as a payload.
fn request_seeds(out: &mut Corpus, every: &[Run]) {
    let request = SyncRequest {
        device: device_id(),
        counter: 7,
        cursor: 3,
        device_time: 1_800_000_000_000,
        runs: every.to_vec(),
        bundles: vec![b"USB\x02".to_vec()],
        updates: None,
    };
    let empty = SyncRequest {
        runs: Vec::new(),
        bundles: Vec::new(),
        ..request.clone()
    };
    for (name, r) in [("request", &request), ("empty-request", &empty)] {
        let (frame, _) = r.seal(&hub_id(), device_key()).expect("sealed");
        out.add("sync_request", &format!("{name}.frame"), frame);
        out.add("sync_request", &format!("{name}.payload"), r.payload());
    }
}

/// A response forwarding `head` (as a frame and a payload), and one with nothing new.
/// Returns the first, for the hub's bundle.
fn response_seeds(out: &mut Corpus, head: Vec<Run>) -> SyncResponse {
    let response = SyncResponse {
        hub_time: 1_800_000_000_500,
        acks: vec![(device_id(), 4)],
        cursor: 12,
        more: true,
        runs: head,
        refused: vec![Refused {
            device: DeviceId::of(&stranger_key().verifying_key()),
            first_seq: 2,
            last_seq: 9,
            reason: "fork".into(),
        }],
        updates: None,
    };
    out.add(
        "sync_response",
        "response.frame",
        response.seal(hub_key(), &TAG).expect("sealed"),
    );
    let mut payload = Vec::new();
    response.put(&mut payload);
    out.add("sync_response", "response.payload", payload);
    let mut payload = Vec::new();
    SyncResponse {
        acks: Vec::new(),
        runs: Vec::new(),
        refused: Vec::new(),
        more: false,
        ..response.clone()
    }
    .put(&mut payload);
    out.add("sync_response", "nothing-new.payload", payload);
    response
}

/// A device's bundle of `every` and the hub's bundle of `response`: sealed, and as payloads.
fn bundle_seeds(out: &mut Corpus, every: Vec<Run>, response: SyncResponse) {
    let me = BoxSecret::of_device(hub_key());
    let from_device = Bundle::FromDevice(DeviceBundle {
        device: device_id(),
        hub: hub_id(),
        made_at: 1_800_000_000_000,
        cursor: 3,
        runs: every,
    });
    let from_hub = Bundle::FromHub(HubBundle {
        hub: hub_id(),
        device: device_id(),
        response,
    });
    for (name, b) in [("from-device", &from_device), ("from-hub", &from_hub)] {
        out.add(
            "bundle",
            &format!("{name}.bundle"),
            b.seal(device_key(), &me.public()).expect("sealed"),
        );
        out.add("bundle", &format!("{name}.payload"), b.payload());
    }
}

/// Choices for `run`: entry count, first seq, prev, then per entry kind, subject, body.
fn run_seeds(out: &mut Corpus) {
    out.add("run", "honest", vec![2, 0, 0]);
    let mut three = vec![3, 4];
    three.extend_from_slice(&[0; 32]);
    for kind in [1u8, 2, 10] {
        three.extend_from_slice(&[kind, 0, 5, b'{', b'"', b'a', b'"', b'}', 9]);
    }
    out.add("run", "three-every", [three.clone(), vec![0]].concat());
    out.add(
        "run",
        "three-head-redacted",
        [three, vec![1, 1, 0]].concat(),
    );
}

/// Every entry of the seed chain (and its filing redacted), entries of the kinds the chain
/// lacks (a county key, a clearance approval, a needs assessment), and sealed boxes.
fn entry_and_box_seeds(out: &mut Corpus, entries: &[Entry], redacted: &[Entry]) {
    let key = device_key();
    let me = BoxSecret::of_device(hub_key());
    let device_box = BoxSecret::of_device(key);
    for (i, e) in entries.iter().chain(&redacted[..1]).enumerate() {
        out.add("entry", &format!("{}-{i}", e.kind.name()), e.encode());
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
        (
            EntryKind::WarningAcknowledged,
            json!({"warning": "W0000000000000000", "note": "Teams sent."})
                .to_string()
                .into_bytes(),
        ),
        (
            EntryKind::WarningsConfigured,
            crate::warning::Settings::default()
                .to_value()
                .to_string()
                .into_bytes(),
        ),
    ] {
        let e = chain(
            key,
            vec![Draft {
                kind,
                subject: None,
                body,
            }],
        );
        out.add("entry", kind.name().as_str(), e[0].encode());
    }
    out.add(
        "sealed_box",
        "box",
        seal::seal(b"Chepkemoi", CONTEXT, &[device_box.public()]).expect("sealed"),
    );
    out.add(
        "sealed_box",
        "source",
        county::seal_source(
            &REPORT,
            &json!({"kind": "informant"}),
            &[device_box.public()],
        )
        .expect("sealed"),
    );
    out.add("sealed_box", "county-key", key_body);
    out.add("sealed_box", "grant", grant.to_body());
}

/// Enrollment strings (https with a fingerprint, loopback, IPv6) and their parts.
fn enrollment_seeds(out: &mut Corpus) {
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
        out.add("enrollment", name, e.to_string().into_bytes());
        let cert = cert.map(|c| format!("\n{c}")).unwrap_or_default();
        out.add(
            "enrollment",
            &format!("{name}.parts"),
            format!("{url}\n{code}{cert}").into_bytes(),
        );
    }
    out.add(
        "enrollment",
        "sync-url",
        b"https://proxy.example:443\nhttps://hub.example:7878".to_vec(),
    );
}

/// A full report, an amendment and the smallest report.
fn report_seeds(out: &mut Corpus) {
    out.add(
        "report",
        "report.json",
        serde_json::to_vec_pretty(&seed_report()).expect("printed"),
    );
    out.add(
        "report",
        "amendment.json",
        serde_json::to_vec_pretty(&seed_amendment()).expect("printed"),
    );
    out.add(
        "report",
        "minimal.json",
        br#"{"type":"other","occurred_at":"2026-01-01T00:00:00Z","place":"x","narrative":"y"}"#
            .to_vec(),
    );
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
