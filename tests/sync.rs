//! Sync through a real hub on 127.0.0.1: convergence, visibility, refusals, and a
//! fault-injecting proxy between devices and the hub.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ed25519_dalek::SigningKey;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use usalama_core::domain::{Lang, Report, Role};
use usalama_core::enrollment::enrollment_proof_digest;
use usalama_core::enrollment::Enrollment;
use usalama_core::keys::KdfParams;
use usalama_core::ledger::{DeviceId, Draft, Entry, EntryKind, Hash};
use usalama_core::store::ReportFilter;
use usalama_core::sync::{sync, RetryPolicy};
use usalama_core::wire::{compress, Run, Signatures, SyncRequest};
use usalama_core::{Profile, Store};

use crate::helpers::{stderr, timeline_kinds, Home, TestHub};

const OMBOLION: &str = "ke-024-l-ombolion"; // Pokot North
const CHEPTULEL: &str = "ke-024-l-cheptulel"; // Pokot Central

fn doc(unit: &str, n: u64) -> Value {
    let mut d = usalama_tests::report_doc(n);
    d["unit"] = json!(unit);
    d
}

/// The fields of a shown report that must agree on every device that sees it.
fn shared_view(v: &Value) -> Value {
    let mut v = v.clone();
    let map = v.as_object_mut().expect("object");
    map.remove("timeline");
    map.remove("source");
    if let Some(s) = map.get_mut("suspects").and_then(Value::as_object_mut) {
        s.remove("names");
        s.remove("group");
    }
    v
}

#[test]
fn two_reporters_and_an_officer_converge_and_see_only_what_they_may() {
    let hub = TestHub::start();
    let a = Home::enrolled(&hub, "Chief Ombolion", "chief", OMBOLION, None);
    let b = Home::enrolled(&hub, "Chief Cheptulel", "chief", CHEPTULEL, None);
    let officer = Home::enrolled(&hub, "Inspector Lokwang", "officer", "ke-024", Some("nps"));
    let a1 = a.add(&doc("ke-024-v-takaywa", 1));
    let a2 = a.add(&doc(OMBOLION, 2));
    let b1 = b.add(&doc("ke-024-sl-lebei", 3));
    let amend = a.file(
        "amend.json",
        &json!({"urgency": "flash", "people": {"killed": 5}}),
    );
    a.ok(&["report", "amend", &a1, &amend]);
    for home in [&a, &b, &officer, &a, &b] {
        home.sync();
    }
    let mut all = vec![a1.clone(), a2.clone(), b1.clone()];
    all.sort();
    assert_eq!(officer.report_ids(), all);
    let mut mine = vec![a1.clone(), a2.clone()];
    mine.sort();
    assert_eq!(a.report_ids(), mine, "a chief sees only their own subtree");
    assert_eq!(b.report_ids(), vec![b1.clone()]);
    for (author, id) in [(&a, &a1), (&a, &a2), (&b, &b1)] {
        let theirs = shared_view(&author.json(&["report", "show", id]));
        let seen = shared_view(&officer.json(&["report", "show", id]));
        assert_eq!(seen, theirs, "report {id} differs on the officer's device");
        assert_eq!(theirs["status"], "received");
    }
    assert_eq!(
        officer.json(&["report", "show", &a1])["people"]["killed"],
        5
    );
    // Nothing of the other chief's jurisdiction is stored on a chief's device.
    let out = b.run(&["report", "show", &a1]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    for home in [&a, &b, &officer] {
        home.ok(&["verify"]);
    }
}

#[test]
fn a_saved_report_goes_from_waiting_to_received_by_the_county() {
    let hub = TestHub::start();
    let chief = Home::enrolled(&hub, "Chief", "chief", OMBOLION, None);
    let id = chief.add(&doc(OMBOLION, 1));
    assert_eq!(chief.json(&["report", "show", &id])["status"], "pending");
    let report = chief.sync();
    assert_eq!(report["sent"], 1);
    let shown = chief.json(&["report", "show", &id]);
    assert_eq!(shown["status"], "received");
    let kinds = timeline_kinds(&shown);
    assert_eq!(kinds, ["report_filed", "received_by_county"]);
    // Nothing new: one more sync sends and receives nothing.
    let again = chief.sync();
    assert_eq!(
        (again["sent"].as_u64(), again["received"].as_u64()),
        (Some(0), Some(0))
    );
}

#[test]
fn sync_says_plainly_when_the_hub_cannot_be_reached_and_keeps_the_reports() {
    let hub = TestHub::start();
    let chief = Home::enrolled(&hub, "Chief", "chief", OMBOLION, None);
    let id = chief.add(&doc(OMBOLION, 1));
    // A port nothing listens on.
    let closed = TcpListener::bind("127.0.0.1:0").expect("port");
    let url = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let out = chief.run(&["sync", "--hub", &url, "--json"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["complete"], false);
    assert_eq!(report["error"]["kind"], "unreachable");
    assert!(
        stderr(&out).contains("could not be reached"),
        "{}",
        stderr(&out)
    );
    assert_eq!(chief.json(&["report", "show", &id])["status"], "pending");
    chief.sync();
    assert_eq!(chief.json(&["report", "show", &id])["status"], "received");
}

#[test]
fn a_used_or_unknown_enrollment_code_is_refused_with_exit_4() {
    let hub = TestHub::start();
    let enrollment = hub.enrollment("Chief", "chief", OMBOLION, None);
    let first = Home::new();
    first.ok(&["init", "--name", "x", "--role", "chief"]);
    first.ok(&["enroll", "--string", &enrollment]);
    let second = Home::new();
    second.ok(&["init", "--name", "y", "--role", "chief"]);
    let out = second.run(&["enroll", "--string", &enrollment]);
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("already used"), "{}", stderr(&out));
    let again = first.run(&["enroll", "--string", &enrollment]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already enrolled"),
        "{}",
        stderr(&again)
    );
}

/// A device outside any store: its own key, enrolled over HTTP, sending crafted requests.
/// A device driven by hand: entries signed here and sent as raw sync requests.
pub(crate) struct RawDevice {
    pub(crate) key: SigningKey,
    hub: DeviceId,
    url: String,
    counter: u64,
    chain: Vec<Entry>,
}

fn post(url: &str, path: &str, content_type: &str, body: Vec<u8>) -> (u16, Value) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let response = usalama_core::sync::http_client(None)
            .expect("client")
            .post(format!("{url}{path}"))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("sent");
        let status = response.status().as_u16();
        let bytes = response.bytes().await.expect("body");
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    })
}

/// The status the hub answers a sync request that announces a body of `length` bytes and
/// sends none of it (over a plain socket: an HTTP client would still be writing the body when
/// the hub answers and closes).
fn announce_body(url: &str, length: usize) -> u16 {
    use std::io::{Read, Write};
    let address = url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).expect("connected");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    write!(
        stream,
        "POST /v1/sync HTTP/1.1\r\nhost: {address}\r\n\
         content-type: application/octet-stream\r\ncontent-length: {length}\r\n\r\n"
    )
    .expect("sent");
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).expect("an answer");
    let text = String::from_utf8_lossy(&head);
    text.get(9..12)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {text:?}"))
}

impl RawDevice {
    pub(crate) fn enroll(hub: &TestHub, seed: u8) -> RawDevice {
        let key = SigningKey::from_bytes(&[seed; 32]);
        let enrollment =
            Enrollment::parse(&hub.enrollment("Raw", "chief", OMBOLION, None)).expect("enrollment");
        let public = key.verifying_key().to_bytes();
        let proof =
            ed25519_dalek::Signer::sign(&key, &enrollment_proof_digest(&enrollment.code, &public));
        let body = json!({
            "code": enrollment.code,
            "public_key": hex::encode(public),
            "proof": hex::encode(proof.to_bytes()),
        });
        let (status, answer) = post(
            &hub.url,
            "/v1/enroll",
            "application/json",
            body.to_string().into_bytes(),
        );
        assert_eq!(status, 200, "{answer}");
        RawDevice {
            key,
            hub: hub.hub.id(),
            url: hub.url.clone(),
            counter: 0,
            chain: Vec::new(),
        }
    }

    fn next_entry(&mut self, n: u64) -> Entry {
        let prev = self.chain.last().map_or(Hash::GENESIS, Entry::hash);
        let body = serde_json::to_vec(&doc(OMBOLION, n)).expect("json");
        let draft = Draft {
            kind: EntryKind::ReportFiled,
            subject: None,
            body,
        };
        let e = Entry::sign(
            draft,
            &self.key,
            self.chain.len() as u64 + 1,
            prev,
            1_795_608_000_000 + n as i64,
        );
        self.chain.push(e.clone());
        e
    }

    pub(crate) fn request(&mut self, entries: &[Entry]) -> Vec<u8> {
        self.counter += 1;
        SyncRequest {
            device: DeviceId::of(&self.key.verifying_key()),
            counter: self.counter,
            cursor: 0,
            device_time: 0,
            runs: Run::from_entries(entries, |_| None, Signatures::Every),
            bundles: Vec::new(),
            updates: None,
        }
        .seal(&self.hub, &self.key)
        .expect("sealed")
        .0
    }

    pub(crate) fn send(&self, body: Vec<u8>) -> (u16, Value) {
        post(&self.url, "/v1/sync", "application/octet-stream", body)
    }
}

#[test]
fn bad_requests_are_refused_with_the_right_status_and_nothing_is_stored() {
    let hub = TestHub::start();
    let mut device = RawDevice::enroll(&hub, 7);
    let first = device.next_entry(1);
    let body = device.request(std::slice::from_ref(&first));
    assert_eq!(device.send(body.clone()).0, 200);
    let stored = hub.entry_counts();

    // The same request again: a replay.
    let (status, answer) = device.send(body);
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (409, Some("replayed"))
    );

    // A forged signature: the entry's content changed after signing.
    let mut forged = device.next_entry(2);
    forged.body = Some(b"{\"narrative\":\"forged\"}".to_vec());
    let body = device.request(&[forged]);
    let (status, answer) = device.send(body);
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (422, Some("bad_signature"))
    );
    device.chain.pop();

    // A broken chain: entry 2 links to something other than the stored entry 1.
    let draft = Draft {
        kind: EntryKind::ReportFiled,
        subject: None,
        body: serde_json::to_vec(&doc(OMBOLION, 3)).expect("json"),
    };
    let broken = Entry::sign(draft, &device.key, 2, Hash([1; 32]), 1_700_000_000_003);
    let body = device.request(&[broken]);
    let (status, answer) = device.send(body);
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (422, Some("broken_chain"))
    );

    // A request signed by a key the hub does not know.
    let mut stranger = RawDevice {
        key: SigningKey::from_bytes(&[99; 32]),
        hub: device.hub,
        url: device.url.clone(),
        counter: 0,
        chain: Vec::new(),
    };
    let e = stranger.next_entry(4);
    let body = stranger.request(&[e]);
    let (status, answer) = stranger.send(body);
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (401, Some("unknown_device"))
    );

    // Malformed bodies: not a frame, zstd of garbage, cut short, empty.
    for body in [
        b"hello".to_vec(),
        compress(b"garbage").expect("zstd"),
        b"USQ\x02garbage".to_vec(),
        Vec::new(),
    ] {
        let (status, answer) = device.send(body);
        assert_eq!(status, 400, "{answer}");
        assert_eq!(answer["error"]["code"], "malformed");
    }
    // A newer protocol version, and the previous one (wholly compressed): told to update.
    let (status, _) = device.send(b"USQ\x09".to_vec());
    assert_eq!(status, 426);
    let (status, answer) = device.send(compress(b"USQ\x01garbage").expect("zstd"));
    assert_eq!(status, 426);
    assert!(
        answer["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("update Usalama")),
        "{answer}"
    );
    // An oversized body: refused from its announced length, before it is read.
    assert_eq!(
        announce_body(&hub.url, usalama_hub::http::MAX_BODY + 1),
        413
    );
    assert_eq!(
        hub.entry_counts(),
        stored,
        "a refused request stored something"
    );

    // A revoked device is refused from its next request.
    hub.hub
        .revoke(&DeviceId::of(&device.key.verifying_key()).to_string())
        .expect("revoked");
    let e = device.next_entry(5);
    let body = device.request(&[e]);
    let (status, answer) = device.send(body);
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (403, Some("revoked"))
    );
    let (entries, _) = hub.entry_counts();
    assert_eq!(
        entries,
        stored.0 + 1,
        "only the hub's revocation entry was added"
    );
}

#[test]
fn an_expired_enrollment_code_is_refused() {
    let hub = TestHub::start();
    let invite = hub
        .hub
        .invite(&usalama_hub::hub::InviteRequest {
            name: "Late".into(),
            role: Role::Chief,
            unit: OMBOLION.into(),
            agency: None,
            cleared: false,
            person: None,
            hours: 1,
        })
        .expect("invited");
    // Age the code by rewriting its expiry in the hub's database.
    let conn = rusqlite::Connection::open(hub.dir.path().join("hub.db")).expect("db");
    conn.execute("UPDATE invites SET expires_at = 0", [])
        .expect("aged");
    let home = Home::new();
    home.ok(&["init", "--name", "x", "--role", "chief"]);
    let enrollment = Enrollment::new(&hub.url, &invite.code, None).expect("enrollment");
    let out = home.run(&["enroll", "--string", &enrollment.to_string()]);
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("expired"), "{}", stderr(&out));
}

/// What the proxy did to a request.
#[derive(Debug, Clone, Copy)]
enum Fault {
    Pass,
    Delay,
    DropRequest,
    ForwardHalfRequest,
    DropResponse,
    CutResponse,
    Duplicate,
}

/// A TCP proxy in front of the hub that injects faults at random, one request per connection.
struct FaultyProxy {
    url: String,
    faults: Arc<AtomicU64>,
}

fn read_http_message(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                let n = stream.read(&mut chunk).ok()?;
                if n == 0 {
                    return None;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return Some(buf);
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn forward(upstream: &str, request: &[u8]) -> Option<Vec<u8>> {
    let mut up = TcpStream::connect(upstream).ok()?;
    up.write_all(request).ok()?;
    read_http_message(&mut up)
}

impl FaultyProxy {
    fn start(hub_url: &str, seed: u64) -> FaultyProxy {
        let upstream = hub_url.trim_start_matches("http://").to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").expect("port");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let rng = Arc::new(Mutex::new(StdRng::seed_from_u64(seed)));
        let faults = Arc::new(AtomicU64::new(0));
        let counted = faults.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(mut client) = client else { continue };
                let upstream = upstream.clone();
                let rng = rng.clone();
                let counted = counted.clone();
                std::thread::spawn(move || {
                    let Some(request) = read_http_message(&mut client) else {
                        return;
                    };
                    let fault = {
                        let mut rng = rng.lock().unwrap_or_else(|p| p.into_inner());
                        match rng.gen_range(0..10) {
                            0 => Fault::DropRequest,
                            1 => Fault::ForwardHalfRequest,
                            2 => Fault::DropResponse,
                            3 => Fault::CutResponse,
                            4 => Fault::Duplicate,
                            5 => Fault::Delay,
                            _ => Fault::Pass,
                        }
                    };
                    if !matches!(fault, Fault::Pass | Fault::Delay) {
                        counted.fetch_add(1, Ordering::Relaxed);
                    }
                    match fault {
                        Fault::DropRequest => {}
                        Fault::ForwardHalfRequest => {
                            if let Ok(mut up) = TcpStream::connect(&upstream) {
                                let _ = up.write_all(&request[..request.len() / 2]);
                            }
                        }
                        Fault::DropResponse => {
                            let _ = forward(&upstream, &request);
                        }
                        Fault::CutResponse => {
                            if let Some(response) = forward(&upstream, &request) {
                                let _ = client.write_all(&response[..response.len() / 2]);
                            }
                        }
                        Fault::Duplicate => {
                            let first = forward(&upstream, &request);
                            let _ = forward(&upstream, &request); // a replay: refused
                            if let Some(response) = first {
                                let _ = client.write_all(&response);
                            }
                        }
                        Fault::Delay | Fault::Pass => {
                            if matches!(fault, Fault::Delay) {
                                std::thread::sleep(Duration::from_millis(50));
                            }
                            if let Some(response) = forward(&upstream, &request) {
                                let _ = client.write_all(&response);
                            }
                        }
                    }
                });
            }
        });
        FaultyProxy { url, faults }
    }
}

fn device_store(dir: &std::path::Path, name: &str) -> Store {
    let profile = Profile {
        name: name.into(),
        role: Role::Chief,
        unit: None,
        agency: None,
        lang: Lang::En,
    };
    Store::create(
        dir,
        profile,
        "long enough passphrase",
        KdfParams::FAST_INSECURE,
    )
    .expect("store")
    .0
}

#[test]
fn randomized_sync_rounds_through_a_faulty_link_store_every_entry_exactly_once() {
    let hub = TestHub::start();
    let proxy = FaultyProxy::start(&hub.url, 42);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().expect("dir")).collect();
    let people = [
        ("Chief Ombolion", "chief", OMBOLION, None),
        ("Chief Cheptulel", "chief", CHEPTULEL, None),
        ("Inspector", "officer", "ke-024", Some("kdf")),
    ];
    let units = ["ke-024-v-takaywa", "ke-024-sl-lebei", "ke-024-w0641"];
    let devices: Vec<Mutex<Store>> = dirs
        .iter()
        .zip(people)
        .map(|(dir, (name, role, unit, agency))| {
            let store = Mutex::new(device_store(dir.path(), name));
            let enrollment =
                Enrollment::parse(&hub.enrollment(name, role, unit, agency)).expect("enrollment");
            rt.block_on(usalama_core::sync::enroll(&store, &enrollment))
                .expect("enrolled");
            store
        })
        .collect();
    let mut rng = StdRng::seed_from_u64(7);
    let mut filed: Vec<Vec<String>> = vec![Vec::new(); 3];
    let mut entries_made = 0u64;
    let policy = RetryPolicy {
        attempts: 2,
        first_backoff: Duration::from_millis(5),
    };
    let now = time::OffsetDateTime::now_utc();
    let mut completed = 0;
    for round in 0..200u64 {
        let d = rng.gen_range(0..3);
        for _ in 0..rng.gen_range(0..3) {
            let mut store = devices[d].lock().expect("lock");
            if rng.gen_bool(0.3) && !filed[d].is_empty() {
                let id = &filed[d][rng.gen_range(0..filed[d].len())];
                let id = store.resolve_report(id).expect("id");
                let amendment = usalama_core::domain::Amendment::parse(
                    &json!({"people": {"injured": round}}),
                    now,
                )
                .expect("amendment");
                store.amend_report(&id, &amendment).expect("amended");
            } else {
                let report = Report::parse(&doc(units[d], round), now).expect("valid");
                let ids = store.file_reports(&[report]).expect("filed");
                filed[d].push(ids[0].to_string());
            }
            entries_made += 1;
        }
        let report = rt.block_on(sync(&devices[d], Some(&proxy.url), policy));
        completed += usize::from(report.complete);
    }
    assert!(
        proxy.faults.load(Ordering::Relaxed) > 50,
        "the proxy should have injected faults"
    );
    assert!(
        completed > 20,
        "some syncs should complete through the faulty link ({completed})"
    );
    // Then the link heals: every device syncs directly until nothing moves.
    for _ in 0..2 {
        for device in &devices {
            let report = rt.block_on(sync(device, None, RetryPolicy::default()));
            assert!(report.complete, "{:?}", report.error);
        }
    }
    let (stored, refused) = hub.entry_counts();
    assert_eq!(refused, 0);
    // Every device entry exactly once, plus the hub's three enrollment entries.
    assert_eq!(stored, entries_made + 3, "entries stored on the hub");
    let views: Vec<Vec<(String, Value)>> = devices
        .iter()
        .map(|device| {
            let mut store = device.lock().expect("lock");
            assert!(store.verify().expect("verify").ok());
            assert_eq!(store.sync_status().expect("status").waiting_entries, 0);
            let rows = store.list_reports(&ReportFilter::default()).expect("list");
            rows.into_iter()
                .map(|r| {
                    let id = store.resolve_report(&r.id).expect("id");
                    let view =
                        serde_json::to_value(store.report(&id).expect("view")).expect("json");
                    (r.id, shared_view(&view))
                })
                .collect()
        })
        .collect();
    let all: usize = filed.iter().map(Vec::len).sum();
    assert_eq!(views[2].len(), all, "the county officer sees every report");
    assert_eq!(
        views[0].len(),
        filed[0].len(),
        "a chief sees their own subtree only"
    );
    assert_eq!(views[1].len(), filed[1].len());
    for view in &views[..2] {
        for (id, fields) in view {
            let officer = views[2]
                .iter()
                .find(|(i, _)| i == id)
                .expect("officer has it");
            assert_eq!(&officer.1, fields, "report {id} differs");
        }
    }
}

/// A `usalama-hub serve` process, stopped when dropped.
pub(crate) struct HubProcess {
    child: std::process::Child,
    pub(crate) url: String,
    fingerprint: Option<String>,
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Serves the hub database `db` on a free loopback port; its log (at debug level) goes to
/// `log` if given.
pub(crate) fn serve(
    db: &std::path::Path,
    extra: &[&str],
    log: Option<&std::path::Path>,
) -> HubProcess {
    use std::io::BufRead;
    let stderr = match log {
        Some(path) => std::process::Stdio::from(std::fs::File::create(path).expect("log file")),
        None => std::process::Stdio::null(),
    };
    let mut child = std::process::Command::new(crate::helpers::hub_bin())
        .arg("--db")
        .arg(db)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--admin-listen",
            "127.0.0.1:0",
        ])
        .args(extra)
        .env("USALAMA_LOG", "debug")
        .stdout(std::process::Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("hub starts");
    let mut lines = std::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = lines.next().expect("a line").expect("text");
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http"))
        .expect("the address")
        .to_owned();
    let fingerprint = if url.starts_with("https") {
        let second = lines.next().expect("a line").expect("text");
        second.split_whitespace().last().map(str::to_owned)
    } else {
        None
    };
    HubProcess {
        child,
        url,
        fingerprint,
    }
}

#[test]
fn a_hub_on_tls_is_pinned_by_its_certificate_fingerprint() {
    let dir = tempfile::tempdir().expect("dir");
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()])
        .expect("certificate");
    let cert_file = dir.path().join("hub.pem");
    let key_file = dir.path().join("hub.key");
    std::fs::write(&cert_file, cert.cert.pem()).expect("written");
    std::fs::write(&key_file, cert.key_pair.serialize_pem()).expect("written");
    let db = dir.path().join("hub.db");
    let hub = serve(
        &db,
        &[
            "--tls-cert",
            &cert_file.display().to_string(),
            "--tls-key",
            &key_file.display().to_string(),
        ],
        None,
    );
    assert!(hub.url.starts_with("https://"), "{}", hub.url);
    let fingerprint = hub.fingerprint.clone().expect("fingerprint printed");
    let invite = std::process::Command::new(crate::helpers::hub_bin())
        .arg("--db")
        .arg(&db)
        .args([
            "invite", "--name", "Chief", "--role", "chief", "--unit", OMBOLION, "--json",
        ])
        .output()
        .expect("invite");
    let invite: Value = serde_json::from_slice(&invite.stdout).expect("json");
    let enrollment = invite["enrollment"]
        .as_str()
        .expect("enrollment string")
        .to_owned();
    assert!(
        enrollment.contains(&format!("sha256={fingerprint}")),
        "{enrollment}"
    );

    // A string whose fingerprint was changed on the way is refused before any connection.
    let wrong = Home::new();
    wrong.ok(&["init", "--name", "x", "--role", "chief"]);
    let forged = enrollment.replace(&fingerprint, &"0".repeat(64));
    let out = wrong.run(&["enroll", "--string", &forged]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("was changed"), "{}", stderr(&out));
    // A device that pins another certificate refuses to talk to this hub.
    let code = invite["code"].as_str().expect("code");
    let out = wrong.run(&[
        "enroll",
        "--hub",
        &hub.url,
        "--code",
        code,
        "--cert-sha256",
        &"0".repeat(64),
    ]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));

    let chief = Home::new();
    chief.ok(&["init", "--name", "x", "--role", "chief"]);
    chief.ok(&["enroll", "--string", &enrollment]);
    let id = chief.add(&doc(OMBOLION, 1));
    chief.sync();
    assert_eq!(chief.json(&["report", "show", &id])["status"], "received");
}

#[test]
fn an_amendment_by_someone_else_is_kept_without_effect_and_shown_to_the_administrator() {
    let hub = TestHub::start();
    let chief = Home::enrolled(&hub, "Chief", "chief", OMBOLION, None);
    let id = chief.add(&doc(OMBOLION, 1));
    chief.sync();
    let mut intruder = RawDevice::enroll(&hub, 11);
    let draft = Draft {
        kind: EntryKind::ReportAmended,
        subject: usalama_core::ledger::ReportId::parse(&id),
        body: br#"{"narrative":"nothing happened"}"#.to_vec(),
    };
    let amendment = Entry::sign(draft, &intruder.key, 1, Hash::GENESIS, 1_700_000_000_000);
    let body = intruder.request(std::slice::from_ref(&amendment));
    let (status, answer) = intruder.send(body);
    assert_eq!(status, 200, "{answer}");
    let refused = hub.hub.refused().expect("refused");
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].kind, "report_amended");
    assert!(
        refused[0].reason.contains("author"),
        "{}",
        refused[0].reason
    );
    chief.sync();
    assert_eq!(
        chief.json(&["report", "show", &id])["narrative"],
        doc(OMBOLION, 1)["narrative"],
        "a refused amendment changed the report"
    );
}
