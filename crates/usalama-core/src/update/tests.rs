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

#[test]
fn the_hub_is_local_by_its_address_and_the_budget_follows() {
    for local in [
        "http://127.0.0.1:7878",
        "https://10.1.2.3",
        "https://172.20.0.1:7878",
        "https://192.168.1.10",
        "https://169.254.3.4",
        "https://[::1]:7878",
        "https://[fd00::1]",
        "https://[fe80::1]",
        "http://localhost:7878",
    ] {
        assert!(fetch::is_local(local), "{local}");
    }
    for metered in [
        "https://41.89.1.2",
        "https://172.32.0.1",
        "https://hub.county.go.ke:7878",
        "https://[2001:db8::1]",
    ] {
        assert!(!fetch::is_local(metered), "{metered}");
    }
    let budget = Budget {
        metered: 65536,
        lan: UNLIMITED,
    };
    assert_eq!(
        fetch::allowance(budget, "https://hub.county.go.ke"),
        (Some(65536), fetch::METERED_CHUNK)
    );
    assert_eq!(
        fetch::allowance(budget, "https://192.168.1.10"),
        (None, crate::protocol::release::MAX_CHUNK)
    );
}

#[test]
fn an_offer_is_fetched_within_the_budget_and_the_next_sync_goes_on_where_it_stopped() {
    let laptop = Laptop::new();
    let package = bytes(1, 600 << 10);
    let hub = Hub::serve(Served {
        package: package.clone(),
        ..Served::default()
    });
    let taken = laptop.take(Some(&offer(release(&package, "0.3.0"), None)));
    assert_eq!(taken.offered, Some(v("0.3.0")));
    assert_eq!(
        laptop
            .store
            .lock()
            .expect("lock")
            .update_state()
            .expect("state")
            .fetching,
        Some(v("0.3.0"))
    );

    let report = laptop.fetch(&hub, lan(300 << 10));
    assert_eq!(report.fetched, 300 << 10);
    let record = laptop.record().expect("record");
    assert_eq!((record.stage, record.held), (Stage::Fetching, 300 << 10));
    let part = laptop.shelf.package_part(v("0.3.0"));
    assert_eq!(file_len(&part), 300 << 10);
    // No budget, no request.
    laptop.fetch(&hub, lan(0));
    let first = hub.asked();
    assert_eq!(first.len(), 2, "{first:?}");

    let report = laptop.fetch(&hub, lan(300 << 10));
    assert_eq!(report.fetched, 300 << 10);
    let record = laptop.record().expect("record");
    assert_eq!(record.stage, Stage::Ready);
    assert_eq!(
        std::fs::read(laptop.shelf.package(v("0.3.0"))).expect("package"),
        package
    );
    assert!(!part.exists());
    // Every byte was asked once.
    let mut offsets: Vec<u64> = first.iter().chain(&hub.asked()).map(|a| a.offset).collect();
    offsets.sort_unstable();
    offsets.dedup();
    assert_eq!(offsets, vec![0, 256 << 10, 300 << 10, 556 << 10]);
}

#[test]
fn a_cut_loses_at_most_the_chunk_in_flight_and_bytes_held_are_never_asked_again() {
    let laptop = Laptop::new();
    let package = bytes(2, 100_000);
    let release = release(&package, "0.3.0");
    laptop.take(Some(&offer(release, None)));
    let cut = Hub::serve(Served {
        package: package.clone(),
        cut_after: Some(2),
        ..Served::default()
    });
    let budget = Budget {
        metered: UNLIMITED,
        lan: UNLIMITED,
    };
    // Chunks of 32 KiB: pretend the link is metered by fetching through a small LAN budget
    // per sync instead, one chunk at a time.
    for _ in 0..2 {
        laptop.fetch(&cut, lan(32 << 10));
    }
    let report = laptop.fetch(&cut, budget);
    assert!(report.stopped.is_some(), "{report:?}");
    let held = laptop.record().expect("record").held;
    assert_eq!(held, 64 << 10);
    // A chunk written to disk but not recorded (a power cut between the two) is asked again;
    // nothing before it is.
    let part = laptop.shelf.package_part(v("0.3.0"));
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&part)
        .expect("part");
    file.write_all(&[0xAA; 1000]).expect("written");
    drop(file);
    let hub = Hub::serve(Served {
        package: package.clone(),
        ..Served::default()
    });
    laptop.fetch(&hub, budget);
    let asked = hub.asked();
    assert_eq!(asked.first().map(|a| a.offset), Some(64 << 10));
    assert_eq!(laptop.record().expect("record").stage, Stage::Ready);
    assert_eq!(
        std::fs::read(laptop.shelf.package(v("0.3.0"))).expect("package"),
        package
    );
}

#[test]
fn offers_unsigned_older_or_for_another_machine_are_refused_and_change_nothing() {
    let laptop = Laptop::new();
    let package = bytes(3, 5000);
    let good = release(&package, "0.3.0");
    laptop.take(Some(&offer(good.clone(), None)));
    let before = laptop.record();

    let other_key = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    let unsigned = Manifest::of(&package, v("0.4.0"), this_arch(), 10, 2).sign(&other_key);
    let older = release(&package, "0.1.9");
    let same = release(&package, "0.2.0");
    let other_arch = Manifest::of(&package, v("0.4.0"), "sparc64", 10, 2).sign(&test_key());
    let mut not_ours = Manifest::of(&package, v("0.4.0"), this_arch(), 10, 2);
    not_ours.package = "cowsay".into();
    let not_ours = not_ours.sign(&test_key());
    let mut changed = release(&package, "0.4.0");
    changed = changed.replacen("0.4.0", "0.5.0", 1);
    for (bad, why) in [
        (unsigned, "not signed with the Usalama release key"),
        (changed, "not signed with the Usalama release key"),
        (older, "not newer than the running 0.2.0"),
        (same, "not newer than the running 0.2.0"),
        (other_arch, "for sparc64 machines"),
        (not_ours, "of cowsay"),
    ] {
        let taken = laptop.take(Some(&offer(bad, None)));
        let refused = taken.refused.expect("refused");
        assert!(refused.contains(why), "{refused}");
        assert_eq!(taken.offered, None);
        assert_eq!(laptop.record(), before);
        let store = laptop.store.lock().expect("lock");
        assert!(store.update_refusal().expect("refusal").is_some());
    }
    // A good offer again clears the refusal.
    laptop.take(Some(&offer(good, None)));
    let store = laptop.store.lock().expect("lock");
    assert_eq!(store.update_refusal().expect("refusal"), None);
}

#[test]
fn a_newer_offer_replaces_the_fetch_and_no_offer_drops_it() {
    let laptop = Laptop::new();
    let p3 = bytes(4, 70_000);
    let p4 = bytes(5, 80_000);
    laptop.take(Some(&offer(release(&p3, "0.3.0"), None)));
    let hub = Hub::serve(Served {
        package: p3,
        ..Served::default()
    });
    laptop.fetch(&hub, lan(10_000));
    let part3 = laptop.shelf.package_part(v("0.3.0"));
    assert_eq!(file_len(&part3), 10_000);

    laptop.take(Some(&offer(release(&p4, "0.4.0"), None)));
    let record = laptop.record().expect("record");
    assert_eq!((record.version(), record.held), (v("0.4.0"), 0));
    assert!(!part3.exists());
    // An older offer afterwards (a hub that lost its newest) takes nothing back.
    laptop.take(Some(&offer(release(&bytes(4, 70_000), "0.3.0"), None)));
    assert_eq!(laptop.record().expect("record").version(), v("0.4.0"));

    laptop.take(None);
    assert_eq!(laptop.record(), None);
    assert_eq!(
        std::fs::read_dir(&laptop.shelf.dir)
            .expect("dir")
            .flatten()
            .filter(|e| e.path().is_file())
            .count(),
        0
    );
}

fn installed_package(laptop: &Laptop, old: &[u8]) {
    let path = laptop.shelf.installed(v("0.2.0"));
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, old).expect("installed");
}

fn delta_offer(old: &[u8], new: &[u8]) -> (Vec<u8>, Delta) {
    let d = delta::make(old, new).expect("delta");
    let meta = Delta {
        from: v("0.2.0"),
        size: d.len() as u64,
        sha256: hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&d)),
    };
    (d, meta)
}

#[test]
fn a_delta_from_the_installed_package_makes_the_new_one() {
    let laptop = Laptop::new();
    let old = bytes(6, 400_000);
    let mut new = old.clone();
    new[1000..2000].copy_from_slice(&bytes(7, 1000));
    let (d, meta) = delta_offer(&old, &new);
    installed_package(&laptop, &old);
    let hub = Hub::serve(Served {
        package: new.clone(),
        delta: Some((v("0.2.0"), d.clone())),
        ..Served::default()
    });
    laptop.take(Some(&offer(release(&new, "0.3.0"), Some(meta))));
    let report = laptop.fetch(&hub, lan(UNLIMITED));
    assert_eq!(report.fetched, d.len() as u64);
    assert!(hub.asked().iter().all(|a| a.from == Some(v("0.2.0"))));
    assert_eq!(laptop.record().expect("record").stage, Stage::Ready);
    assert_eq!(
        std::fs::read(laptop.shelf.package(v("0.3.0"))).expect("package"),
        new
    );
}

#[test]
fn a_delta_that_does_not_make_the_package_gives_way_to_the_whole_package_once() {
    let laptop = Laptop::new();
    let old = bytes(8, 300_000);
    let mut new = old.clone();
    new[5000..6000].copy_from_slice(&bytes(9, 1000));
    let (d, meta) = delta_offer(&old, &new);
    // This laptop's kept package is not the one the delta starts from.
    installed_package(&laptop, &bytes(10, 300_000));
    let hub = Hub::serve(Served {
        package: new.clone(),
        delta: Some((v("0.2.0"), d)),
        ..Served::default()
    });
    laptop.take(Some(&offer(release(&new, "0.3.0"), Some(meta.clone()))));
    let report = laptop.fetch(&hub, lan(UNLIMITED));
    assert!(report.note.is_some(), "{report:?}");
    let asked = hub.asked();
    assert!(asked.first().is_some_and(|a| a.from.is_some()));
    assert!(asked.last().is_some_and(|a| a.from.is_none()));
    let record = laptop.record().expect("record");
    assert!(record.delta_failed);
    assert_eq!(record.stage, Stage::Ready);
    assert_eq!(
        std::fs::read(laptop.shelf.package(v("0.3.0"))).expect("package"),
        new
    );

    // A delta the hub no longer holds: the package, from the start.
    let laptop = Laptop::new();
    installed_package(&laptop, &old);
    let hub = Hub::serve(Served {
        package: new.clone(),
        ..Served::default()
    });
    laptop.take(Some(&offer(release(&new, "0.3.0"), Some(meta))));
    laptop.fetch(&hub, lan(UNLIMITED));
    assert_eq!(laptop.record().expect("record").stage, Stage::Ready);
}

#[test]
fn a_package_damaged_twice_is_the_problem_damaged_and_is_not_fetched_again() {
    let laptop = Laptop::new();
    let promised = bytes(11, 50_000);
    let hub = Hub::serve(Served {
        package: bytes(12, 50_000),
        ..Served::default()
    });
    laptop.take(Some(&offer(release(&promised, "0.3.0"), None)));
    laptop.fetch(&hub, lan(UNLIMITED));
    let record = laptop.record().expect("record");
    assert_eq!((record.stage, record.restarts), (Stage::Fetching, 2));
    assert_eq!(laptop.problem(), Some(UpdateProblem::Damaged));
    assert_eq!(hub.asked().len(), 2);
    laptop.fetch(&hub, lan(UNLIMITED));
    assert!(hub.asked().is_empty());
    assert_eq!(
        laptop
            .store
            .lock()
            .expect("lock")
            .update_state()
            .expect("state")
            .problem,
        Some(UpdateProblem::Damaged)
    );
    // Another release ends the problem.
    laptop.take(Some(&offer(release(&promised, "0.3.1"), None)));
    assert_eq!(laptop.problem(), None);
}

#[test]
fn not_enough_disk_space_is_the_problem_disk_full_until_there_is() {
    let mut laptop = Laptop::new();
    let package = bytes(13, 40_000);
    let hub = Hub::serve(Served {
        package: package.clone(),
        ..Served::default()
    });
    laptop.take(Some(&offer(release(&package, "0.3.0"), None)));
    laptop.shelf.reserve = u64::MAX / 2;
    laptop.fetch(&hub, lan(UNLIMITED));
    assert_eq!(laptop.problem(), Some(UpdateProblem::DiskFull));
    assert!(hub.asked().is_empty());
    laptop.shelf.reserve = 0;
    laptop.fetch(&hub, lan(UNLIMITED));
    assert_eq!(laptop.problem(), None);
    assert_eq!(laptop.record().expect("record").stage, Stage::Ready);
}

fn stick(dir: &Path, package: &[u8], version: &str) -> PathBuf {
    std::fs::create_dir_all(dir).expect("stick");
    let deb = dir.join(format!("usalama-{version}_{}.deb", this_arch()));
    std::fs::write(&deb, package).expect("deb");
    let mut name = deb.as_os_str().to_owned();
    name.push(".release");
    std::fs::write(PathBuf::from(name), release(package, version)).expect("release");
    deb
}

#[test]
fn a_release_from_a_usb_stick_is_checked_and_then_ready_like_a_fetched_one() {
    let laptop = Laptop::new();
    let package = bytes(14, 30_000);
    let usb = laptop.dir.path().join("usb");
    // A bad one first: changed bytes, no release beside, older: each refused, nothing changes.
    let deb = stick(&usb.join("bad"), &package, "0.3.0");
    std::fs::write(&deb, bytes(15, 30_000)).expect("changed");
    let folder = laptop.dir.path().join("no-release");
    std::fs::create_dir_all(&folder).expect("dir");
    std::fs::write(folder.join("usalama-0.3.0_amd64.deb"), &package).expect("deb");
    let older = stick(&usb.join("older"), &package, "0.1.0");
    for (path, why) in [
        (deb, "SHA-256 differs"),
        (
            folder.join("usalama-0.3.0_amd64.deb"),
            "has no release beside it",
        ),
        (folder, "has no release beside it"),
        (older, "not newer than the running"),
    ] {
        let e = install::import_in(
            &mut laptop.store.lock().expect("lock"),
            &laptop.shelf,
            &path,
        )
        .expect_err("refused");
        assert!(e.to_string().contains(why), "{e}");
        assert_eq!(laptop.record(), None);
        assert!(!laptop.shelf.package(v("0.3.0")).exists());
    }

    let good = usb.join("good");
    stick(&good, &package, "0.3.0");
    let imported = install::import_in(
        &mut laptop.store.lock().expect("lock"),
        &laptop.shelf,
        &good,
    )
    .expect("imported");
    assert_eq!(imported.version, v("0.3.0"));
    let record = laptop.record().expect("record");
    assert_eq!(
        (record.stage, record.source),
        (Stage::Ready, Source::Import)
    );
    assert_eq!(std::fs::read(&imported.package).expect("package"), package);
    // The hub, which knows nothing newer, does not drop what came by stick.
    laptop.take(None);
    assert!(laptop.record().is_some());
}

#[test]
fn a_ready_package_is_handed_to_the_installer_and_kept_once_its_version_runs() {
    let mut laptop = Laptop::new();
    let package = bytes(16, 20_000);
    let usb = laptop.dir.path().join("usb");
    stick(&usb, &package, "0.3.0");
    let mut store = laptop.store.lock().expect("lock");
    install::import_in(&mut store, &laptop.shelf, &usb).expect("imported");

    let missing = laptop.dir.path().join("no-installer");
    let e = install::install_in(&mut store, &laptop.shelf, &missing).expect_err("no installer");
    assert!(e.to_string().contains("installer is missing"), "{e}");
    let problem = store.update_problem().expect("problem").map(|p| p.problem);
    assert_eq!(problem, Some(UpdateProblem::NoInstaller));

    let folder = laptop.installer();
    let installed = install::install_in(&mut store, &laptop.shelf, &folder).expect("handed");
    assert_eq!(installed.version, v("0.3.0"));
    let spooled: Vec<String> = std::fs::read_dir(folder.join("spool"))
        .expect("spool")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(spooled.len(), 3, "{spooled:?}");
    let record = store.update_record().expect("record").expect("some");
    assert_eq!(record.stage, Stage::HandedOver);
    assert_eq!(store.update_problem().expect("problem"), None);

    // The installer failed: ready again, with the problem.
    let failed = Status {
        last: Some(Outcome {
            action: Action::Install,
            version: None,
            ok: false,
            message: "dpkg failed".into(),
            at: record.handed_at.expect("handed"),
        }),
        ..Status::default()
    };
    offer::settle(&mut store, &laptop.shelf, Some(&failed)).expect("settled");
    let record = store.update_record().expect("record").expect("some");
    assert_eq!(record.stage, Stage::Ready);
    let problem = store.update_problem().expect("problem").map(|p| p.problem);
    assert_eq!(problem, Some(UpdateProblem::InstallFailed));
    install::install_in(&mut store, &laptop.shelf, &folder).expect("handed again");

    // The new version runs: its package is kept for the next delta, the rest forgotten.
    drop(store);
    laptop.shelf.running = v("0.3.0");
    let view = status_in(
        &mut laptop.store.lock().expect("lock"),
        &laptop.shelf,
        &folder,
    )
    .expect("status");
    assert_eq!((view.version, view.stage), (None, None));
    assert_eq!(
        std::fs::read(laptop.shelf.installed(v("0.3.0"))).expect("kept"),
        package
    );
    assert!(!laptop.shelf.package(v("0.3.0")).exists());
}

#[test]
fn the_status_says_in_both_languages_that_a_version_is_ready() {
    let laptop = Laptop::new();
    let package = bytes(17, 10_000);
    let usb = laptop.dir.path().join("usb");
    stick(&usb, &package, "0.3.0");
    let mut store = laptop.store.lock().expect("lock");
    install::import_in(&mut store, &laptop.shelf, &usb).expect("imported");
    let view = status_in(&mut store, &laptop.shelf, &laptop.installer()).expect("status");
    assert!(view.ready);
    assert_eq!(
        view.message.en,
        "Version 0.3.0 is ready. It will be installed when you next close Usalama"
    );
    assert_eq!(
        view.message.sw,
        "Toleo 0.3.0 liko tayari. Litasakinishwa utakapofunga Usalama wakati ujao"
    );
}

#[test]
fn going_back_is_asked_of_the_installer_and_the_version_left_is_not_taken_again() {
    let laptop = Laptop::new();
    let folder = laptop.installer();
    let mut store = laptop.store.lock().expect("lock");
    let write_status = |status: &Status| {
        std::fs::write(
            folder.join("status.json"),
            serde_json::to_vec(status).expect("json"),
        )
        .expect("status")
    };
    write_status(&Status {
        installed: Some(v("0.3.0")),
        installed_schema: Some(11),
        previous: Some(v("0.2.0")),
        previous_schema: Some(10),
        last: None,
    });
    let e = install::go_back_in(&mut store, &folder).expect_err("refused");
    assert!(e.to_string().contains("another form"), "{e}");
    assert_eq!(
        std::fs::read_dir(folder.join("spool"))
            .expect("spool")
            .count(),
        0
    );

    write_status(&Status {
        installed: Some(v("0.3.0")),
        installed_schema: Some(10),
        previous: Some(v("0.2.0")),
        previous_schema: Some(10),
        last: None,
    });
    let went = install::go_back_in(&mut store, &folder).expect("asked");
    assert_eq!((went.from, went.to), (Some(v("0.3.0")), v("0.2.0")));
    assert_eq!(
        std::fs::read_dir(folder.join("spool"))
            .expect("spool")
            .count(),
        1
    );
    let left = store.left_versions().expect("left");
    assert_eq!(left, vec![v("0.3.0")]);
    let e =
        check_release(&laptop.shelf, release(b"x", "0.3.0").as_bytes(), &left).expect_err("left");
    assert!(
        e.to_string().contains("went back from version 0.3.0"),
        "{e}"
    );
    assert!(check_release(&laptop.shelf, release(b"x", "0.3.1").as_bytes(), &left).is_ok());
}

#[test]
fn a_device_too_old_to_sync_asks_the_update_endpoint_and_fetches() {
    // The real running version: the offer must be newer than this build.
    let running = Version::running();
    let newer = Version {
        major: running.major + 1,
        minor: 0,
        patch: 0,
    }
    .to_string();
    let package = bytes(18, 70_000);
    let answer = UpdateAnswer {
        budget: Budget::default(),
        offer: Some(offer(release(&package, &newer), None)),
    };
    let hub = Hub::serve(Served {
        package: package.clone(),
        offer: Some(serde_json::to_string(&answer).expect("json")),
        ..Served::default()
    });
    let laptop = Laptop::at(&hub.base);
    let report = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(after_sync(
            &laptop.store,
            None,
            RetryPolicy::default(),
            None,
            true,
        ));
    assert_eq!(report.offered, Some(v(&newer)), "{report:?}");
    assert!(report.ready, "{report:?}");
    assert_eq!(report.fetched, package.len() as u64);
    let home = laptop.store.lock().expect("lock").home().to_owned();
    let shelf = Shelf::of(&home);
    assert_eq!(
        std::fs::read(shelf.package(v(&newer))).expect("package"),
        package
    );
}

#[test]
fn a_sync_with_its_update_part_may_run_on_any_thread() {
    fn send<T: Send>(_: &T) {}
    let laptop = Laptop::new();
    let sync = crate::sync::sync(&laptop.store, None, RetryPolicy::default());
    send(&sync);
}

#[test]
fn every_sync_request_tells_the_hub_where_updates_stand() {
    let laptop = Laptop::new();
    let package = bytes(19, 1000);
    let running = Version::running();
    let newer = format!("{}.0.0", running.major + 1);
    let mut store = laptop.store.lock().expect("lock");
    let shelf = Shelf::of(store.home());
    offer::take(
        &mut store,
        &shelf,
        Some(&offer(release(&package, &newer), None)),
    )
    .expect("taken");
    store
        .set_update_problem(Some((UpdateProblem::DiskFull, "full")))
        .expect("problem");
    let out = store.next_sync_request(1 << 16).expect("request");
    let request = crate::wire::SyncRequest::frame(&out.body)
        .expect("frame")
        .open()
        .expect("request");
    let state = request.updates.expect("the update state");
    assert_eq!(state.running, running);
    assert_eq!(state.arch, this_arch());
    assert_eq!(state.fetching, Some(v(&newer)));
    assert_eq!(state.problem, Some(UpdateProblem::DiskFull));
}

#[test]
fn a_sync_exchanges_the_reports_first_then_fetches_the_offered_release_within_the_budget() {
    let running = Version::running();
    let newer = format!("{}.0.0", running.major + 1);
    let package = bytes(20, 100_000);
    let hub = Hub::serve(Served {
        package: package.clone(),
        sync_updates: Some(UpdateAnswer {
            budget: lan(40_000),
            offer: Some(offer(release(&package, &newer), None)),
        }),
        ..Served::default()
    });
    let laptop = Laptop::at(&hub.base);
    let policy = RetryPolicy {
        attempts: 1,
        first_backoff: Duration::from_millis(1),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let report = runtime.block_on(crate::sync::sync(&laptop.store, None, policy));
    assert!(report.complete, "{report:?}");
    let update = &report.update;
    assert_eq!(update.offered, Some(v(&newer)), "{update:?}");
    assert_eq!(
        (update.fetched, update.held, update.total),
        (40_000, 40_000, 100_000)
    );
    assert!(!update.ready);
    let log = std::mem::take(&mut hub.served.lock().expect("lock").log);
    assert_eq!(log, ["sync Some(None)", "chunk 0"], "the reports first");

    // The next sync says what it fetches and goes on; a third completes it.
    runtime.block_on(crate::sync::sync(&laptop.store, None, policy));
    let report = runtime.block_on(crate::sync::sync(&laptop.store, None, policy));
    assert!(report.update.ready, "{:?}", report.update);
    let log = std::mem::take(&mut hub.served.lock().expect("lock").log);
    assert_eq!(
        log,
        [
            format!("sync Some(Some({:?}))", v(&newer)),
            "chunk 40000".into(),
            format!("sync Some(Some({:?}))", v(&newer)),
            "chunk 80000".into(),
        ]
    );

    // The hub withdraws it: dropped.
    hub.served.lock().expect("lock").sync_updates = Some(UpdateAnswer {
        budget: lan(40_000),
        offer: None,
    });
    let report = runtime.block_on(crate::sync::sync(&laptop.store, None, policy));
    assert_eq!(report.update.version, None, "{:?}", report.update);
}
