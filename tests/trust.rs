//! Trust: no hub, stick, link or enrolled device can forge a report, read what it may not, or
//! silence a chief. Each test plays an attacker against the real binaries: a hub database
//! changed behind the devices' backs, a copied stick, a forked or revoked laptop's bundle in an
//! honest carrier's hands, a plain-http link.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::helpers::{files_holding, holds, hub_bin, stderr, Home};

const OMBOLION: &str = "ke-024-l-ombolion";
const CHEPTULEL: &str = "ke-024-l-cheptulel";

fn doc(unit: &str, narrative: &str) -> Value {
    json!({
        "type": "livestock_raid",
        "urgency": "flash",
        "occurred_at": "2026-11-20T05:30:00+03:00",
        "unit": unit,
        "narrative": narrative,
    })
}

/// A hub process on 127.0.0.1 with its own database folder: another process, so that the test
/// can change its database as an attacker with the server's disk would.
struct Hub {
    process: crate::sync::HubProcess,
    dir: tempfile::TempDir,
}

impl Hub {
    fn start() -> Hub {
        let dir = tempfile::tempdir().expect("dir");
        let process = crate::sync::serve(&dir.path().join("hub.db"), &[], None);
        Hub { process, dir }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("hub.db")
    }

    fn cli(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new(hub_bin())
            .arg("--db")
            .arg(self.db())
            .args(args)
            .output()
            .expect("usalama-hub runs")
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut args = args.to_vec();
        args.push("--json");
        let out = self.cli(&args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        serde_json::from_slice(&out.stdout).expect("json")
    }

    fn enroll(&self, name: &str, role: &str, unit: &str, agency: Option<&str>) -> Home {
        let mut args = vec!["invite", "--name", name, "--role", role, "--unit", unit];
        if let Some(agency) = agency {
            args.extend(["--agency", agency]);
        }
        args.extend(["--address", &self.process.url]);
        let invite = self.json(&args);
        Home::from_enrollment(name, invite["enrollment"].as_str().expect("enrollment"))
    }

    fn device_id(&self, name: &str) -> String {
        self.json(&["devices", "list"])
            .as_array()
            .expect("array")
            .iter()
            .find(|d| d["name"] == name)
            .and_then(|d| d["id"].as_str())
            .expect("enrolled")
            .to_owned()
    }
}

/// `usalama sync --json`, whatever its exit status.
fn sync_report(home: &Home) -> (Option<i32>, Value) {
    let out = home.run(&["sync", "--json"]);
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("not JSON: {}", stderr(&out)));
    (out.status.code(), report)
}

/// A copy of `home`'s store as it is now: the same laptop, copied (or restored from a backup).
fn copied(home: &Home) -> Home {
    let copy = Home::new();
    copy_dir(home.path(), copy.path());
    copy
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            std::fs::create_dir_all(&target).expect("dir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copied");
        }
    }
}

fn bundle(home: &Home, name: &str) -> String {
    let out = home.path().join(name);
    home.ok(&["bundle", "export", "--out", out.to_str().expect("utf-8")]);
    out.display().to_string()
}

#[test]
fn a_report_the_hub_altered_is_refused_by_every_device_and_nothing_of_the_answer_is_applied() {
    let hub = Hub::start();
    let chief = hub.enroll("Joseph Korkimul", "chief", OMBOLION, None);
    let officer = hub.enroll("Inspector Lokwang", "officer", "ke-024", Some("nps"));
    let id = chief.add(&doc(
        OMBOLION,
        "About 40 armed raiders drove cattle to the river.",
    ));
    chief.sync();
    // Whoever holds the server turns the flash raid into a false alarm, in its database.
    let conn = rusqlite::Connection::open(hub.db()).expect("hub database");
    let forged = doc(
        OMBOLION,
        "False alarm: nothing happened, stand the teams down.",
    );
    let changed = conn
        .execute(
            "UPDATE entries SET body = ?1 WHERE about = ?2 AND kind = 1",
            rusqlite::params![forged.to_string().into_bytes(), id],
        )
        .expect("changed");
    assert_eq!(changed, 1);
    drop(conn);
    let before = officer.entry_count();
    let (status, report) = sync_report(&officer);
    assert_eq!(status, Some(3), "{report}");
    assert_eq!(report["error"]["kind"], "integrity", "{report}");
    assert_eq!(
        officer.entry_count(),
        before,
        "part of a forged answer was stored"
    );
    assert!(!officer.report_ids().contains(&id));
    assert_eq!(officer.json(&["verify"])["ok"], true);
}

#[test]
fn a_copied_stick_reveals_nothing_and_only_its_recipient_reads_it() {
    let hub = Hub::start();
    let chief = hub.enroll("Joseph Korkimul", "chief", OMBOLION, None);
    let other = hub.enroll("Chief Other", "chief", OMBOLION, None);
    chief.add(&doc(OMBOLION, "Lomuriaxq saw the raiders at the borehole."));
    let to_county = bundle(&chief, "to-county.usalama");
    assert!(!holds(
        &std::fs::read(&to_county).expect("read"),
        "Lomuriaxq"
    ));
    hub.json(&["import", &to_county]);
    let back = chief.path().join("from-county.usalama");
    let id = hub.device_id("Joseph Korkimul");
    hub.json(&[
        "export",
        "--device",
        &id,
        "--out",
        back.to_str().expect("utf-8"),
    ]);
    // The other chief's laptop cannot read the county's answer for this one.
    other.sync();
    hub.json(&[
        "export",
        "--device",
        &hub.device_id("Chief Other"),
        "--since",
        "0",
        "--out",
        other.path().join("theirs.usalama").to_str().expect("utf-8"),
    ]);
    let theirs = other.path().join("theirs.usalama");
    assert!(!holds(&std::fs::read(&theirs).expect("read"), "Lomuriaxq"));
    let out = chief.run(&["bundle", "import", theirs.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("made for another"),
        "{}",
        stderr(&out)
    );
    // Nor can another hub read the chief's stick.
    let elsewhere = tempfile::tempdir().expect("dir");
    let out = std::process::Command::new(hub_bin())
        .arg("--db")
        .arg(elsewhere.path().join("hub.db"))
        .args(["import", &to_county])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(files_holding(elsewhere.path(), "Lomuriaxq").is_empty());
    chief.ok(&["bundle", "import", back.to_str().expect("utf-8")]);
}

#[test]
fn a_forked_laptops_bundle_never_silences_the_chief_who_carries_it() {
    let hub = Hub::start();
    let remote = hub.enroll("Chief Remote", "chief", OMBOLION, None);
    let carrier = hub.enroll("Chief Carrier", "chief", CHEPTULEL, None);
    let officer = hub.enroll("Inspector Lokwang", "officer", "ke-024", Some("nps"));
    // The remote laptop is copied; each copy writes its own entry 1.
    let twin = copied(&remote);
    remote.add(&doc(OMBOLION, "Raiders seen near the river."));
    twin.add(&doc(OMBOLION, "A different report under the same number."));
    hub.json(&["import", &bundle(&remote, "remote.usalama")]);
    // The honest carrier brings the twin's stick to its next sync, with its own flash report.
    let stick = bundle(&twin, "twin.usalama");
    assert_eq!(
        carrier.json(&["bundle", "import", &stick])["carried_bundles"],
        1
    );
    let own = carrier.add(&doc(CHEPTULEL, "Cattle driven towards the border at dawn."));
    let (status, report) = sync_report(&carrier);
    assert_eq!(status, Some(0), "{report}");
    assert_eq!(report["complete"], true, "{report}");
    let refused = report["refused"].as_array().expect("refused list");
    assert_eq!(refused.len(), 1, "{report}");
    assert_eq!(refused[0]["reason"], "fork", "{report}");
    assert_eq!(
        carrier.json(&["report", "show", &own])["status"],
        "received"
    );
    // The fork is kept aside for the county ICT office; the carrier carries nothing more.
    assert_eq!(
        hub.json(&["forks", "list"])
            .as_array()
            .expect("forks")
            .len(),
        1
    );
    let (_, again) = sync_report(&carrier);
    assert_eq!(again["refused"], json!([]), "{again}");
    officer.sync();
    assert!(officer.report_ids().contains(&own));
}

#[test]
fn a_revoked_laptops_entries_carried_by_an_honest_chief_take_effect_nowhere() {
    let hub = Hub::start();
    let stolen = hub.enroll("Chief Stolen", "chief", OMBOLION, None);
    let carrier = hub.enroll("Chief Carrier", "chief", CHEPTULEL, None);
    let officer = hub.enroll("Inspector Lokwang", "officer", "ke-024", Some("nps"));
    let before = stolen.add(&doc(OMBOLION, "Written before the laptop was stolen."));
    stolen.sync();
    hub.cli(&["devices", "revoke", &hub.device_id("Chief Stolen")]);
    // The raider who holds the laptop files a false report, dated whenever they like.
    let mut forged = doc(OMBOLION, "False alarm: the raiders went home.");
    forged["occurred_at"] = json!("2026-11-19T05:30:00+03:00");
    let after = stolen.add(&forged);
    let stick = bundle(&stolen, "stolen.usalama");
    carrier.json(&["bundle", "import", &stick]);
    let (status, report) = sync_report(&carrier);
    assert_eq!(status, Some(0), "{report}");
    assert!(
        report["refused"]
            .as_array()
            .expect("refused")
            .iter()
            .any(|r| r["reason"] == "revoked"),
        "{report}"
    );
    officer.sync();
    assert!(officer.report_ids().contains(&before));
    assert!(!officer.report_ids().contains(&after));
    let refused = hub.json(&["refused", "list"]);
    assert!(
        refused.to_string().contains("revoked"),
        "not listed as refused: {refused}"
    );
}

#[test]
fn plain_http_to_another_machine_is_refused_before_any_connection() {
    // Inside a network namespace with no interfaces: not one packet can leave the machine,
    // whatever the client tried. Needs root (as CI runs) and util-linux's unshare.
    let probe = std::process::Command::new("unshare")
        .args(["--net", "true"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: no network namespace can be made here (unshare --net)");
        return;
    }
    let home = Home::new();
    home.ok(&["init", "--name", "Chief", "--role", "chief"]);
    for address in ["http://192.0.2.10:7878", "http://hub.example:7878"] {
        let out = std::process::Command::new("unshare")
            .arg("--net")
            .arg(crate::helpers::usalama_bin())
            .args(["enroll", "--string", &format!("{address}#code=K7QXM-4HDPR")])
            .env("USALAMA_HOME", home.path())
            .env("USALAMA_PASSPHRASE", crate::helpers::PASSPHRASE)
            .env("USALAMA_KDF", "fast-insecure")
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{address}: {}", stderr(&out));
        assert!(stderr(&out).contains("plain http"), "{}", stderr(&out));
    }
}

#[test]
fn a_sync_is_never_weaker_than_the_enrollment() {
    let dir = tempfile::tempdir().expect("dir");
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()])
        .expect("certificate");
    let cert_file = dir.path().join("hub.pem");
    let key_file = dir.path().join("hub.key");
    std::fs::write(&cert_file, cert.cert.pem()).expect("written");
    std::fs::write(&key_file, cert.key_pair.serialize_pem()).expect("written");
    let db = dir.path().join("hub.db");
    let tls = crate::sync::serve(
        &db,
        &[
            "--tls-cert",
            &cert_file.display().to_string(),
            "--tls-key",
            &key_file.display().to_string(),
        ],
        None,
    );
    let invite = std::process::Command::new(hub_bin())
        .arg("--db")
        .arg(&db)
        .args([
            "invite", "--name", "Chief", "--role", "chief", "--unit", OMBOLION, "--json",
        ])
        .output()
        .expect("invite");
    let invite: Value = serde_json::from_slice(&invite.stdout).expect("json");
    let chief = Home::from_enrollment("Chief", invite["enrollment"].as_str().expect("string"));
    // The same hub over plain http on loopback (a proxy, say): refused for this device.
    let plain = tls.url.replace("https://", "http://");
    let out = chief.run(&["sync", "--hub", &plain, "--json"]);
    assert_ne!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(
        report["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("weaker")),
        "{report}"
    );
    chief.sync();
}

#[test]
fn a_step_dated_far_ahead_takes_no_effect_and_a_report_dated_ahead_is_kept() {
    use usalama_core::ledger::{Draft, Entry, EntryKind, Hash};
    let hub = crate::helpers::TestHub::start();
    let mut device = crate::sync::RawDevice::enroll(&hub, 31);
    let year_2100 = 4_102_444_800_000;
    let filing = Entry::sign(
        Draft {
            kind: EntryKind::ReportFiled,
            subject: None,
            body: doc(OMBOLION, "Filed on a laptop whose clock says 2100.")
                .to_string()
                .into_bytes(),
        },
        &device.key,
        1,
        Hash::GENESIS,
        year_2100,
    );
    // A close dated 2100 would win over every reopening until then.
    let close = Entry::sign(
        Draft {
            kind: EntryKind::Closed,
            subject: Some(filing.report_id()),
            body: br#"{"outcome":"false_alarm"}"#.to_vec(),
        },
        &device.key,
        2,
        filing.hash(),
        year_2100 + 1,
    );
    let body = device.request(&[filing.clone(), close]);
    let (status, answer) = device.send(body);
    assert_eq!(status, 200, "{answer}");
    let refused = hub.hub.refused().expect("refused");
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].kind, "closed");
    assert!(
        refused[0].reason.contains("clock runs ahead"),
        "{refused:?}"
    );
    // The report is kept, ordered by the hub's receipt and flagged on every device.
    let officer = Home::from_enrollment(
        "Inspector Lokwang",
        &hub.enrollment("Inspector Lokwang", "officer", "ke-024", Some("nps")),
    );
    officer.sync();
    let shown = officer.json(&["report", "show", &filing.report_id().to_string()]);
    assert_eq!(shown["dated_ahead"], true, "{shown}");
    let recorded = shown["recorded_at"].as_str().expect("recorded_at");
    assert!(recorded.starts_with("20") && recorded < "2100", "{shown}");
    assert_eq!(
        shown["status"], "received",
        "the close took no effect: {shown}"
    );
}
