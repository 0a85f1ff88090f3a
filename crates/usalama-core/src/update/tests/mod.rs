//! Updates on the device, with real store files and, for fetching, a small hub on loopback
//! that serves chunks as the update endpoint does (the real hub is tested in `tests/`).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::{Rng, SeedableRng};

use super::fetch::{self, Link};
use super::offer::{self, check_release};
use super::shelf::Shelf;
use super::*;
use crate::domain::Role;
use crate::installer::{Action, Outcome};
use crate::protocol::release::{
    delta, test_key, this_arch, Budget, ChunkRequest, Delta, Manifest, Offer, Signed,
    UpdateProblem, UNLIMITED,
};
use crate::refusal::{ErrorBody, Refusal};
use crate::store::testing;

fn v(text: &str) -> Version {
    text.parse().expect("version")
}

fn bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..len).map(|_| rng.gen()).collect()
}

fn release(package: &[u8], version: &str) -> String {
    Manifest::of(package, v(version), this_arch(), 10, 2).sign(&test_key())
}

/// A chief's enrolled store, and the updates folder of a laptop running 0.2.0.
struct Laptop {
    dir: tempfile::TempDir,
    store: Mutex<Store>,
    shelf: Shelf,
}

impl Laptop {
    fn new() -> Laptop {
        Laptop::at("http://127.0.0.1:9")
    }

    fn at(url: &str) -> Laptop {
        let dir = tempfile::tempdir().expect("dir");
        let home = dir.path().join("home");
        let mut store = testing::store(&home, "Chief Lokwang", Role::Chief, "ke-024", None);
        store
            .record_enrollment(url, None, &testing::chief_enrolled())
            .expect("enrolled");
        let shelf = Shelf {
            running: v("0.2.0"),
            arch: this_arch().into(),
            dir: home.join("updates"),
            reserve: 0,
        };
        Laptop {
            dir,
            store: Mutex::new(store),
            shelf,
        }
    }

    fn take(&self, offer: Option<&Offer>) -> offer::Taken {
        offer::take(&mut self.store.lock().expect("lock"), &self.shelf, offer).expect("taken")
    }

    fn record(&self) -> Option<crate::store::UpdateRecord> {
        self.store
            .lock()
            .expect("lock")
            .update_record()
            .expect("record")
    }

    fn problem(&self) -> Option<UpdateProblem> {
        let store = self.store.lock().expect("lock");
        store.update_problem().expect("problem").map(|p| p.problem)
    }

    fn fetch(&self, hub: &Hub, budget: Budget) -> UpdateReport {
        let link = Link {
            client: http_client(None).expect("client"),
            base: hub.base.clone(),
            policy: RetryPolicy {
                attempts: 2,
                first_backoff: Duration::from_millis(1),
            },
        };
        let mut report = UpdateReport::default();
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(fetch::fetch(
                &self.store,
                &self.shelf,
                &link,
                budget,
                &mut report,
            ))
            .expect("fetched");
        report
    }

    fn installer(&self) -> PathBuf {
        let folder = self.dir.path().join("installer");
        std::fs::create_dir_all(folder.join("spool")).expect("spool");
        folder
    }
}

fn offer(release: String, delta: Option<Delta>) -> Offer {
    Offer { release, delta }
}

fn lan(bytes: u64) -> Budget {
    Budget {
        metered: 0,
        lan: bytes,
    }
}

/// What the small hub serves, and what it was asked.
#[derive(Default)]
struct Served {
    /// The update part of every sync answer.
    sync_updates: Option<UpdateAnswer>,
    /// What each sync request said (its path, in order with chunk requests).
    log: Vec<String>,
    package: Vec<u8>,
    delta: Option<(Version, Vec<u8>)>,
    /// The JSON answer to an offer request.
    offer: Option<String>,
    /// Chunks answered before every later connection is cut.
    cut_after: Option<usize>,
    asked: Vec<ChunkRequest>,
}

struct Hub {
    base: String,
    served: Arc<Mutex<Served>>,
}

impl Hub {
    fn serve(served: Served) -> Hub {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let served = Arc::new(Mutex::new(served));
        let shared = served.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                answer(stream, &shared);
            }
        });
        Hub { base, served }
    }

    fn asked(&self) -> Vec<ChunkRequest> {
        std::mem::take(&mut self.served.lock().expect("lock").asked)
    }
}

fn answer(mut stream: TcpStream, served: &Mutex<Served>) {
    let Some((path, body)) = read_request(&mut stream) else {
        return;
    };
    let mut s = served.lock().expect("lock");
    if path == "/v1/sync" {
        return answer_sync(&mut stream, &mut s, &body);
    }
    if path == OFFER_PATH_FOR_TESTS {
        let json = s.offer.clone().unwrap_or_else(|| "null".into());
        return respond(&mut stream, 200, json.as_bytes());
    }
    let Ok(signed) = serde_json::from_slice::<Signed<ChunkRequest>>(&body) else {
        return respond(&mut stream, 400, b"{}");
    };
    if s.cut_after.is_some_and(|n| s.asked.len() >= n) {
        return; // dropped: the connection is cut
    }
    let ask = signed.body;
    s.log.push(format!("chunk {}", ask.offset));
    s.asked.push(ask.clone());
    let source = match (&ask.from, &s.delta) {
        (None, _) => s.package.clone(),
        (Some(from), Some((d_from, d))) if from == d_from => d.clone(),
        _ => {
            let body = serde_json::to_vec(&ErrorBody::new(Refusal::NoRelease, "no delta"));
            return respond(&mut stream, 404, &body.expect("json"));
        }
    };
    let start = usize::try_from(ask.offset).expect("offset");
    if start >= source.len() {
        let body = serde_json::to_vec(&ErrorBody::new(Refusal::BadRange, "beyond the end"));
        return respond(&mut stream, 416, &body.expect("json"));
    }
    let end = source.len().min(start + ask.length as usize);
    respond(&mut stream, 200, &source[start..end]);
}

/// A sync answer signed with the test hub's key: everything acknowledged, nothing new, and
/// the update part.
fn answer_sync(stream: &mut TcpStream, s: &mut Served, body: &[u8]) {
    let frame = crate::wire::SyncRequest::frame(body).expect("frame");
    let tag = frame.tag();
    let request = frame.open().expect("request");
    s.log
        .push(format!("sync {:?}", request.updates.map(|u| u.fetching)));
    let acks = request
        .runs
        .iter()
        .map(|r| (r.device, r.last_seq()))
        .collect();
    let response = crate::wire::SyncResponse {
        hub_time: crate::store::now_ms(),
        acks,
        cursor: 0,
        more: false,
        runs: Vec::new(),
        refused: Vec::new(),
        updates: s.sync_updates.clone(),
    };
    let hub = ed25519_dalek::SigningKey::from_bytes(&testing::HUB_KEY);
    respond(stream, 200, &response.seal(&hub, &tag).expect("sealed"));
}

const OFFER_PATH_FOR_TESTS: &str = crate::protocol::release::OFFER_PATH;

fn read_request(stream: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_string();
    let path = head.split_whitespace().nth(1)?.to_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while data.len() < head_end + length {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
    }
    Some((path, data[head_end..head_end + length].to_vec()))
}

fn respond(stream: &mut TcpStream, status: u16, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/octet-stream\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

mod fetching;
mod installing;
