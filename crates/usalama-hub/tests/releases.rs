//! Updates through a real hub: the administrator's `release` commands (a publish that does not
//! verify is exit 2 and stores nothing; list, budget, status, withdraw and `devices list` in
//! JSON), and the update endpoint served on 127.0.0.1 (the production serve path): the offer,
//! chunks that give back the package, and the refusals with their statuses and codes.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ed25519_dalek::SigningKey;
use serde_json::Value;
use usalama_hub::db;
use usalama_hub::Hub;
use usalama_protocol::release::{
    test_key, ChunkRequest, Manifest, Signed, UpdateState, Version, CHUNK_PATH, OFFER_PATH,
};
use usalama_protocol::wire::PROTOCOL;

// The chief's enrollment only: the SMS tests' raid is not needed here.
#[allow(dead_code)]
mod common;

const BIN: &str = env!("CARGO_BIN_EXE_usalama-hub");

fn v(text: &str) -> Version {
    text.parse().expect("a version")
}

/// A package of `len` bytes, different for each seed.
fn package(seed: u8, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed) ^ (i >> 9) as u8)
        .collect()
}

/// Writes `bytes` as the package `name` in `dir`, with its release file beside it
/// (`name.release`) signed with the test key for `version`.
fn write_release(dir: &Path, name: &str, bytes: &[u8], version: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("package written");
    let text = Manifest::of(bytes, v(version), "amd64", 9, PROTOCOL).sign(&test_key());
    std::fs::write(dir.join(format!("{name}.release")), text).expect("release written");
    path
}

fn run(db: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(["--db", db])
        .args(args)
        .output()
        .expect("ran")
}

/// Runs a command that must succeed with `--json`, and reads what it printed.
fn json(db: &str, args: &[&str]) -> Value {
    let out = run(db, &[args, &["--json"]].concat());
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

#[test]
fn the_release_commands_refuse_what_does_not_verify_and_show_what_they_keep() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("hub.db").display().to_string();
    common::enroll_chief(&Hub::open(db::open(&db).expect("db")).expect("hub"));
    let good = package(1, 100_000);
    let path = write_release(dir.path(), "usalama_0.3.0_amd64.deb", &good, "0.3.0");
    let package = path.display().to_string();
    let mut changed = good.clone();
    changed[500] ^= 1;
    let other = dir.path().join("other.deb");
    std::fs::write(&other, &changed).expect("written");
    let signature = format!("{package}.release");
    let out = run(
        &db,
        &[
            "release",
            "publish",
            &other.display().to_string(),
            "--signature",
            &signature,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("SHA-256"), "{said}");
    assert_eq!(json(&db, &["release", "list"]), serde_json::json!([]));

    let published = json(&db, &["release", "publish", &package]);
    assert_eq!(published["version"], "0.3.0");
    assert_eq!(published["size"], 100_000);
    let out = run(&db, &["release", "publish", &package]);
    assert_eq!(out.status.code(), Some(2), "published already");
    let listed = json(&db, &["release", "list"]);
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert_eq!(listed[0]["withdrawn_at"], Value::Null);

    assert_eq!(
        json(&db, &["release", "budget"]),
        serde_json::json!({"metered": 65536, "lan": null})
    );
    assert_eq!(
        json(&db, &["release", "budget", "--metered", "1000"]),
        serde_json::json!({"metered": 1000, "lan": null})
    );
    assert_eq!(
        run(&db, &["release", "budget", "--lan", "lots"])
            .status
            .code(),
        Some(2)
    );
    let status = json(&db, &["release", "status"]);
    assert_eq!(
        (&status["devices"], &status["unknown"]),
        (&1.into(), &1.into())
    );
    let devices = json(&db, &["devices", "list"]);
    assert_eq!(devices[0]["version"], Value::Null);
    assert_eq!(devices[0]["name"], "Chief Lokwang");

    let withdrawn = json(&db, &["release", "withdraw", "0.3.0", "--arch", "amd64"]);
    assert!(withdrawn[0]["withdrawn_at"].is_i64(), "{withdrawn}");
    assert_eq!(
        run(&db, &["release", "withdraw", "0.9.0"]).status.code(),
        Some(2)
    );
}

/// A hub served on loopback until dropped.
struct Served {
    hub: std::sync::Arc<Hub>,
    address: SocketAddr,
    _runtime: tokio::runtime::Runtime,
}

impl Served {
    fn start(hub: Hub) -> Served {
        let hub = std::sync::Arc::new(hub);
        // The port is bound before the server task starts: no sleeps, no races.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
        let address = listener.local_addr().expect("address");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let served = usalama_hub::serve::serve(
            hub.clone(),
            listener,
            None,
            None,
            usalama_hub::http::Limits::default(),
            usalama_hub::serve::Handle::new(),
        );
        runtime.spawn(async move { served.await.expect("serves") });
        Served {
            hub,
            address,
            _runtime: runtime,
        }
    }

    /// POSTs `body` to `path`: the status, the content type and the body answered.
    fn post(&self, path: &str, body: &[u8]) -> (u16, String, Vec<u8>) {
        let mut stream = TcpStream::connect(self.address).expect("connected");
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.address,
            body.len()
        );
        stream.write_all(head.as_bytes()).expect("sent");
        // The hub may answer an oversize body before it has read it all.
        let _ = stream.write_all(body);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let end = answer
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("an HTTP answer");
        let head = String::from_utf8_lossy(&answer[..end]).to_ascii_lowercase();
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status");
        let kind = head
            .lines()
            .find_map(|l| l.strip_prefix("content-type: "))
            .unwrap_or_default()
            .to_owned();
        (status, kind, answer[end + 4..].to_vec())
    }

    fn offer(&self, key: &SigningKey, running: &str) -> (u16, Value) {
        let state = UpdateState {
            running: v(running),
            arch: "amd64".into(),
            fetching: None,
            problem: None,
        };
        let body = Signed::sign(state, key, &self.hub.id())
            .and_then(|s| s.to_json())
            .expect("signed");
        let (status, _, answer) = self.post(OFFER_PATH, &body);
        (status, serde_json::from_slice(&answer).expect("JSON"))
    }

    fn chunk(&self, key: &SigningKey, offset: u64, length: u32) -> (u16, String, Vec<u8>) {
        let ask = ChunkRequest {
            version: v("0.3.0"),
            from: None,
            offset,
            length,
        };
        let body = Signed::sign(ask, key, &self.hub.id())
            .and_then(|s| s.to_json())
            .expect("signed");
        self.post(CHUNK_PATH, &body)
    }
}

fn code(body: &[u8]) -> String {
    let value: Value = serde_json::from_slice(body).expect("a JSON error");
    value["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn the_update_endpoint_offers_and_serves_a_release_over_http() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("hub.db").display().to_string();
    let hub = Hub::open(db::open(&db).expect("db")).expect("hub");
    common::enroll_chief(&hub);
    let chief = SigningKey::from_bytes(&[9; 32]);
    let bytes = package(3, 300_000);
    let path = write_release(dir.path(), "usalama_0.3.0_amd64.deb", &bytes, "0.3.0");
    let text = std::fs::read(format!("{}.release", path.display())).expect("read");
    hub.publish(&text, &bytes).expect("published");
    let served = Served::start(hub);

    let (status, answer) = served.offer(&chief, "0.2.0");
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["budget"]["metered"], 65536);
    assert_eq!(
        answer["offer"]["release"],
        String::from_utf8_lossy(&text).as_ref()
    );
    assert_eq!(answer["offer"]["delta"], Value::Null);
    let (_, answer) = served.offer(&chief, "0.3.0");
    assert_eq!(answer["offer"], Value::Null);

    let mut fetched = Vec::new();
    while fetched.len() < bytes.len() {
        let (status, kind, part) = served.chunk(&chief, fetched.len() as u64, u32::MAX);
        assert_eq!((status, kind.as_str()), (200, "application/octet-stream"));
        assert!(part.len() <= 256 << 10);
        fetched.extend_from_slice(&part);
    }
    assert_eq!(fetched, bytes);
    let (status, _, body) = served.chunk(&chief, bytes.len() as u64, 10);
    assert_eq!((status, code(&body).as_str()), (416, "bad_range"));

    let stranger = SigningKey::from_bytes(&[99; 32]);
    let (status, _, body) = served.chunk(&stranger, 0, 10);
    assert_eq!((status, code(&body).as_str()), (401, "unknown_device"));
    let (status, _, body) = served.post(OFFER_PATH, b"{\"device\": 1}");
    assert_eq!((status, code(&body).as_str()), (400, "malformed"));
    let (status, _, body) = served.post(OFFER_PATH, &vec![b' '; 4096]);
    assert_eq!((status, code(&body).as_str()), (413, "too_large"));
    served.hub.withdraw(v("0.3.0"), None).expect("withdrawn");
    let (status, _, body) = served.chunk(&chief, 0, 10);
    assert_eq!((status, code(&body).as_str()), (404, "no_release"));
}
