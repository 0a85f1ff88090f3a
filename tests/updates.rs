//! Updates through the county hub, end to end: a release signed with the test key, published at
//! a real hub, fetched by real devices at sync (through a link that cuts answers in the middle),
//! verified, handed to the installer, installed into a throwaway root (its binary run with
//! `--version`), and gone back from; a device too old to sync still reaching the update
//! endpoint; a hub that changes a release, and a stick with a changed package, refused.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use usalama_core::protocol::release::{
    this_arch, ChunkRequest, Signed, UpdateAnswer, UpdateState, Version,
};
use usalama_tests::link::{Link, LinkConfig};
use usalama_tests::release::package;

use crate::helpers::{hub_cli, hub_json, stderr, usalama_bin, Home, TestHub};

const OMBOLION: &str = "ke-024-l-ombolion";

/// The installer's folder and the throwaway root it unpacks into, for one laptop.
struct Installer {
    _dir: tempfile::TempDir,
    folder: PathBuf,
    root: PathBuf,
}

impl Installer {
    fn new() -> Installer {
        let dir = tempfile::tempdir().expect("dir");
        let folder = dir.path().join("installer");
        let root = dir.path().join("root");
        std::fs::create_dir_all(folder.join("spool")).expect("spool");
        std::fs::create_dir_all(&root).expect("root");
        Installer {
            _dir: dir,
            folder,
            root,
        }
    }

    /// `usalama installer run`, as the systemd unit starts it (unpacking instead of dpkg -i).
    fn run(&self) -> Value {
        let out = Command::new(usalama_bin())
            .args(["installer", "run", "--json", "--folder"])
            .arg(&self.folder)
            .arg("--unpack-into")
            .arg(&self.root)
            .output()
            .expect("installer runs");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).expect("json")
    }

    /// What the installed `usalama-probe --version` prints.
    fn probe(&self) -> String {
        let out = Command::new(self.root.join("usr/bin/usalama-probe"))
            .arg("--version")
            .output()
            .expect("the installed binary runs");
        String::from_utf8(out.stdout)
            .expect("text")
            .trim()
            .to_owned()
    }
}

/// `usalama ARGS --json` on `home`, with the installer at `installer`.
fn device_json(home: &Home, installer: &Installer, args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.push("--json");
    let out = home
        .command(&args)
        .env("USALAMA_INSTALLER_DIR", &installer.folder)
        .output()
        .expect("usalama runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "usalama {args:?}: {}",
        stderr(&out)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

fn publish(hub: &TestHub, deb: &Path) {
    let release = format!("{}.release", deb.display());
    let out = hub_cli(
        hub,
        &[
            "release",
            "publish",
            &deb.display().to_string(),
            "--signature",
            &release,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "publish: {}", stderr(&out));
}

/// Syncs (through `via`, or straight) until the release is ready, at most `max` times; returns
/// how many syncs it took.
fn sync_until_ready(home: &Home, installer: &Installer, via: Option<&str>, max: usize) -> usize {
    for n in 1..=max {
        let mut args = vec!["sync"];
        if let Some(url) = via {
            args.extend(["--hub", url]);
        }
        // Through a cutting link a sync may end early: the next one goes on.
        let _ = home.command(&args).output().expect("usalama runs");
        let status = device_json(home, installer, &["update", "status"]);
        if status["stage"] == "ready" {
            return n;
        }
    }
    panic!("not ready after {max} syncs");
}

#[test]
fn a_release_travels_from_publish_through_a_cutting_link_to_the_installer_and_back() {
    let hub = TestHub::start();
    let packages = tempfile::tempdir().expect("dir");
    let (first, _) = package(packages.path(), "0.2.0", 300_000, 1);
    publish(&hub, &first);
    let chief = Home::enrolled(&hub, "Chief Ombolion", "chief", OMBOLION, None);
    let installer = Installer::new();

    // Answers are cut every 100 KB: each cut loses at most the chunk in flight.
    let link = Link::start(
        &hub.url,
        LinkConfig {
            cut_down_every: Some(100_000),
            ..LinkConfig::default()
        },
    );
    let syncs = sync_until_ready(&chief, &installer, Some(&link.url), 20);
    let (_, _, down, cuts) = link.stats.read();
    let size = std::fs::metadata(&first).expect("deb").len();
    assert!(cuts >= 2, "the link cut {cuts} times");
    assert!(
        down <= size + cuts * 256 * 1024 + syncs as u64 * 8192,
        "{down} bytes came down for a {size}-byte package over {cuts} cuts"
    );
    let status = device_json(&chief, &installer, &["update", "status"]);
    assert_eq!(status["version"], "0.2.0");
    assert_eq!(
        status["message"]["en"],
        "Version 0.2.0 is ready. It will be installed when you next close Usalama"
    );

    // The county sees the fleet.
    let devices = hub_json(&hub, &["devices", "list"]);
    let chief_row = devices
        .as_array()
        .expect("array")
        .iter()
        .find(|d| d["name"] == "Chief Ombolion")
        .expect("the chief's device");
    assert_eq!(
        chief_row["version"],
        Version::running().to_string(),
        "{chief_row}"
    );

    // Handed over, installed into the throwaway root, and its binary runs.
    device_json(&chief, &installer, &["update", "install"]);
    let ran = installer.run();
    assert_eq!(ran["outcomes"][0]["ok"], true, "{ran}");
    assert_eq!(installer.probe(), "usalama 0.2.0");

    // The next release, then back to the first.
    let (second, _) = package(packages.path(), "0.3.0", 300_000, 1);
    publish(&hub, &second);
    sync_until_ready(&chief, &installer, None, 2);
    device_json(&chief, &installer, &["update", "install"]);
    assert_eq!(installer.run()["outcomes"][0]["ok"], true);
    assert_eq!(installer.probe(), "usalama 0.3.0");
    device_json(&chief, &installer, &["update", "back"]);
    let back = installer.run();
    assert_eq!(back["outcomes"][0]["ok"], true, "{back}");
    assert_eq!(installer.probe(), "usalama 0.2.0");
}

#[test]
fn ten_laptops_have_the_verified_package_within_two_syncs_of_its_publication() {
    let hub = TestHub::start();
    let laptops: Vec<(Home, Installer)> = (0..10)
        .map(|n| {
            let home = Home::enrolled(&hub, &format!("Chief {n}"), "chief", OMBOLION, None);
            home.sync();
            (home, Installer::new())
        })
        .collect();
    let packages = tempfile::tempdir().expect("dir");
    let (deb, _) = package(packages.path(), "0.2.0", 200_000, 3);
    publish(&hub, &deb);
    for (home, installer) in &laptops {
        // On the local network the budget is unlimited: the first sync fetches it all.
        assert!(sync_until_ready(home, installer, None, 2) <= 2);
    }
    let status = hub_json(&hub, &["release", "status"]);
    let text = status.to_string();
    assert!(text.contains("0.2.0"), "{text}");
}

#[test]
fn a_release_the_hub_changed_is_refused_by_the_device() {
    let hub = TestHub::start();
    let packages = tempfile::tempdir().expect("dir");
    let (deb, _) = package(packages.path(), "0.2.0", 50_000, 4);
    publish(&hub, &deb);
    // The hub's operator (or whoever holds its database) rewrites the release to name another
    // package: the signature no longer covers it.
    let db = rusqlite::Connection::open(hub.dir.path().join("hub.db")).expect("hub db");
    let changed = db
        .execute(
            "UPDATE releases SET release_text = replace(release_text, 'arch ', 'arch  ')",
            [],
        )
        .expect("changed");
    assert_eq!(changed, 1);
    drop(db);
    let chief = Home::enrolled(&hub, "Chief Ombolion", "chief", OMBOLION, None);
    let installer = Installer::new();
    chief.sync();
    chief.sync();
    let status = device_json(&chief, &installer, &["update", "status"]);
    assert_eq!(status["stage"], Value::Null, "{status}");
    assert!(
        status["refused"]
            .as_str()
            .unwrap_or_default()
            .contains("release"),
        "{status}"
    );
}

#[test]
fn a_package_from_a_stick_is_checked_like_a_fetched_one() {
    let hub = TestHub::start();
    let chief = Home::enrolled(&hub, "Chief Ombolion", "chief", OMBOLION, None);
    let installer = Installer::new();
    let stick = tempfile::tempdir().expect("stick");
    let (deb, _) = package(stick.path(), "0.2.0", 50_000, 5);
    // One byte changed on the stick: refused, nothing ready.
    let mut bytes = std::fs::read(&deb).expect("deb");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    let bad = stick.path().join("bad");
    std::fs::create_dir_all(&bad).expect("dir");
    let name = deb
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    std::fs::write(bad.join(&name), &bytes).expect("bad deb");
    std::fs::copy(
        format!("{}.release", deb.display()),
        bad.join(format!("{name}.release")),
    )
    .expect("release");
    let refused = chief
        .command(&["update", "import", &bad.display().to_string()])
        .env("USALAMA_INSTALLER_DIR", &installer.folder)
        .output()
        .expect("runs");
    assert_ne!(refused.status.code(), Some(0));
    assert!(stderr(&refused).contains("SHA-256"), "{}", stderr(&refused));
    assert_eq!(
        device_json(&chief, &installer, &["update", "status"])["stage"],
        Value::Null
    );

    device_json(
        &chief,
        &installer,
        &["update", "import", &deb.display().to_string()],
    );
    assert_eq!(
        device_json(&chief, &installer, &["update", "status"])["stage"],
        "ready"
    );
}

#[test]
fn a_device_too_old_to_sync_still_reaches_the_update_endpoint() {
    use usalama_tests::load::device::Device;
    let hub = TestHub::start();
    let packages = tempfile::tempdir().expect("dir");
    let (deb, _) = package(packages.path(), "0.2.0", 100_000, 6);
    publish(&hub, &deb);
    let mut rng = rand::thread_rng();
    let device = Device::new(
        &mut rng,
        usalama_core::domain::Role::Chief,
        OMBOLION,
        OMBOLION,
    );
    let code = hub.enrollment_code("Old Laptop", "chief", OMBOLION, None);
    let (status, said) = post(
        &format!("{}/v1/enroll", hub.url),
        serde_json::to_vec(&device.enroll_request(&code)).expect("json"),
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&said));
    let hub_id = hub.hub.id();

    // Its sync speaks protocol 1: told to update.
    let old_frame = [b"USQ".as_slice(), &[1u8], &[0u8; 80]].concat();
    assert_eq!(post(&format!("{}/v1/sync", hub.url), old_frame).0, 426);

    // The update endpoint answers it all the same.
    let state = UpdateState {
        running: "0.0.1".parse().expect("version"),
        arch: this_arch().into(),
        fetching: None,
        problem: None,
    };
    let (status, said) = post(
        &format!("{}/v1/release/offer", hub.url),
        device.signed(state, &hub_id).to_json().expect("json"),
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&said));
    let offer: UpdateAnswer = serde_json::from_slice(&said).expect("an update answer");
    let offered = offer.offer.expect("an offer");
    assert!(offered.release.contains("version 0.2.0"));
    let mut fetched = Vec::new();
    let size = std::fs::metadata(&deb).expect("deb").len();
    while (fetched.len() as u64) < size {
        let request = ChunkRequest {
            version: "0.2.0".parse().expect("version"),
            from: None,
            offset: fetched.len() as u64,
            length: 65536,
        };
        let (status, chunk) = post(
            &format!("{}/v1/release/chunk", hub.url),
            device.signed(request, &hub_id).to_json().expect("json"),
        );
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&chunk));
        assert!(!chunk.is_empty());
        fetched.extend_from_slice(&chunk);
    }
    assert_eq!(fetched, std::fs::read(&deb).expect("deb"));

    // Another key signing as this device gets nothing.
    let stranger = Device::new(
        &mut rng,
        usalama_core::domain::Role::Chief,
        OMBOLION,
        OMBOLION,
    );
    let mut forged: Signed<UpdateState> = stranger.signed(
        UpdateState {
            running: "0.0.1".parse().expect("version"),
            arch: this_arch().into(),
            fetching: None,
            problem: None,
        },
        &hub_id,
    );
    forged.device = hex::encode(device.id.0);
    let (status, _) = post(
        &format!("{}/v1/release/offer", hub.url),
        forged.to_json().expect("json"),
    );
    assert_eq!(status, 401);
}

/// One POST on loopback: the status and the body.
fn post(url: &str, body: Vec<u8>) -> (u16, Vec<u8>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let answer = usalama_core::sync::http_client(None)
            .expect("client")
            .post(url)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("answered");
        let status = answer.status().as_u16();
        (status, answer.bytes().await.expect("body").to_vec())
    })
}
