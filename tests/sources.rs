//! Restricted sources, sealed end to end: readable by their author and cleared readers only;
//! the hub's database, its backups and its logs, and every device not cleared, hold no byte of
//! them in the clear.

use std::path::PathBuf;
use std::process::Command;

use rusqlite::Connection;
use serde_json::{json, Value};

use crate::helpers::{files_holding, holds, hub_bin, stderr, tables_holding, Home};

const OMBOLION: &str = "ke-024-l-ombolion";

/// A `usalama-hub serve` process logging everything it does (debug level) to a file beside its
/// database; stopped when dropped.
struct Hub {
    process: crate::sync::HubProcess,
    dir: tempfile::TempDir,
}

impl Hub {
    fn start() -> Hub {
        let dir = tempfile::tempdir().expect("dir");
        let process = crate::sync::serve(
            &dir.path().join("hub.db"),
            &[],
            Some(&dir.path().join("hub.log")),
        );
        Hub { process, dir }
    }

    fn cli(&self, args: &[&str]) -> Value {
        let out = Command::new(hub_bin())
            .arg("--db")
            .arg(self.dir.path().join("hub.db"))
            .args(args)
            .arg("--json")
            .output()
            .expect("usalama-hub runs");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        serde_json::from_slice(&out.stdout).expect("json")
    }

    /// A device enrolled as a new person.
    fn enroll(&self, name: &str, role: &str, agency: Option<&str>, cleared: bool) -> Home {
        let mut args = vec!["invite", "--name", name, "--role", role, "--unit"];
        args.push(if role == "officer" {
            "ke-024"
        } else {
            OMBOLION
        });
        if let Some(agency) = agency {
            args.extend(["--agency", agency]);
        }
        if cleared {
            args.push("--cleared");
        }
        args.extend(["--address", &self.process.url]);
        let invite = self.cli(&args);
        let home = Home::from_enrollment(name, invite["enrollment"].as_str().expect("enrollment"));
        // A cleared or administrator's device syncs once the administrator has approved it.
        if cleared || role == "admin" {
            self.cli(&["devices", "approve", &self.device_id(name)]);
        }
        home
    }

    fn device_id(&self, name: &str) -> String {
        self.cli(&["devices", "list"])
            .as_array()
            .expect("array")
            .iter()
            .find(|d| d["name"] == name)
            .and_then(|d| d["id"].as_str())
            .expect("enrolled")
            .to_owned()
    }

    /// How many sealed sources of report `id` the hub holds with their bodies.
    fn sealed_bodies_of(&self, id: &str) -> i64 {
        Connection::open_with_flags(
            self.dir.path().join("hub.db"),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .expect("hub database")
        .query_row(
            "SELECT count(*) FROM entries WHERE kind = 4 AND about = ?1 AND body IS NOT NULL",
            [id],
            |r| r.get(0),
        )
        .expect("counted")
    }

    /// The recipients (key ids, hex) of every sealed source the hub holds, oldest first.
    fn sealed_recipients(&self) -> Vec<Vec<String>> {
        let conn = Connection::open_with_flags(
            self.dir.path().join("hub.db"),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .expect("hub database");
        let mut stmt = conn
            .prepare(
                "SELECT body FROM entries WHERE kind = 4 AND body IS NOT NULL ORDER BY hub_seq",
            )
            .expect("select");
        let bodies = stmt
            .query_map([], |r| r.get::<_, Vec<u8>>(0))
            .expect("rows")
            .collect::<rusqlite::Result<Vec<_>>>()
            .expect("bodies");
        bodies
            .iter()
            .map(|b| {
                usalama_core::county::source_recipients(b)
                    .expect("a sealed box")
                    .iter()
                    .map(hex::encode)
                    .collect()
            })
            .collect()
    }
}

/// `approver` approves `reader`'s clearance with the fingerprint `reader`'s own laptop shows
/// (as its user would read it out), with the earlier keys when `earlier`.
fn approve(approver: &Home, reader: &Home, earlier: bool) {
    let me = &reader.json(&["clearance", "list"])["me"];
    let (id, fingerprint) = (
        me["device"].as_str().expect("id"),
        me["fingerprint"].as_str().expect("fingerprint"),
    );
    let mut args = vec!["clearance", "approve", id, "--fingerprint", fingerprint];
    if earlier {
        args.push("--with-earlier");
    }
    approver.ok(&args);
}

/// A report whose source names `marker`, a word found nowhere else.
fn with_source(n: u64, marker: &str) -> Value {
    let mut d = usalama_tests::report_doc(n);
    d["unit"] = json!(OMBOLION);
    d["source"] =
        json!({"kind": "informant", "name": format!("{marker} Ekai"), "contact": "0712 000 000"});
    d
}

fn source_name(home: &Home, id: &str) -> Option<String> {
    let shown = home.json(&["report", "show", id]);
    shown["source"]["name"].as_str().map(str::to_owned)
}

fn keys(home: &Home) -> Value {
    home.json(&["county-key", "list"])
}

/// `usalama county-key ARGS` with the offline copy's passphrase.
fn county_key(home: &Home, args: &[&str], passphrase: &str) -> std::process::Output {
    let mut all = vec!["county-key"];
    all.extend_from_slice(args);
    home.command(&all)
        .env("USALAMA_KEY_PASSPHRASE", passphrase)
        .output()
        .expect("runs")
}

#[test]
fn a_source_is_read_by_its_author_and_cleared_readers_only_and_the_hub_holds_no_plaintext() {
    let hub = Hub::start();
    let chief = hub.enroll("Joseph Korkimul", "chief", None, false);
    // Filed before the county has a key: it waits, sealed nowhere and sent nowhere.
    let first = chief.add(&with_source(1, "Lomuriaxq"));
    assert_eq!(
        source_name(&chief, &first).as_deref(),
        Some("Lomuriaxq Ekai")
    );
    assert_eq!(keys(&chief)["waiting_to_seal"], 1);
    // A source changed, then removed, before any key exists never leaves the laptop at all.
    let retracted = chief.add(&with_source(3, "Ekaleqw"));
    let changed = json!({"source": {"kind": "witness", "name": "Ngoleqw Ekai"}});
    chief.ok(&[
        "report",
        "amend",
        &retracted,
        &chief.file("changed.json", &changed),
    ]);
    let removed = json!({"source": null});
    chief.ok(&[
        "report",
        "amend",
        &retracted,
        &chief.file("removed.json", &removed),
    ]);
    assert_eq!(source_name(&chief, &retracted), None);
    assert_eq!(keys(&chief)["waiting_to_seal"], 1);
    chief.sync();
    assert_eq!(keys(&chief)["waiting_to_seal"], 1);
    assert_eq!(hub.sealed_recipients().len(), 0);

    // The first cleared reader to sync issues the county key.
    let nis = hub.enroll("Officer Chepkoech", "officer", Some("nis"), true);
    nis.sync();
    let issued = keys(&nis);
    let current = issued["current"]
        .as_str()
        .expect("a current key")
        .to_owned();
    assert_eq!(issued["keys"][0]["held"], true, "{issued}");
    let nps = hub.enroll("Inspector Lokwang", "officer", Some("nps"), false);
    nps.sync();
    assert_eq!(
        keys(&nps)["current"],
        current.as_str(),
        "every device knows the key"
    );
    assert_eq!(keys(&nps)["keys"][0]["held"], false);

    // The chief's next sync seals the waiting source and sends it in the same sync.
    chief.sync();
    assert_eq!(keys(&chief)["waiting_to_seal"], 0);
    assert_eq!(hub.sealed_recipients().len(), 1);
    assert!(hub.sealed_recipients()[0].contains(&current));
    // A source written now is sealed at once.
    let second = chief.add(&with_source(2, "Nakwawiyq"));
    chief.sync();
    assert_eq!(hub.sealed_recipients().len(), 2);

    nis.sync();
    nps.sync();
    for (id, name) in [(&first, "Lomuriaxq Ekai"), (&second, "Nakwawiyq Ekai")] {
        assert_eq!(source_name(&chief, id).as_deref(), Some(name));
        assert_eq!(source_name(&nis, id).as_deref(), Some(name));
        let shown = nps.json(&["report", "show", id]);
        assert_eq!(shown["source"], Value::Null, "{shown}");
        assert_eq!(shown["source_sealed"], Value::Null, "{shown}");
    }
    // The uncleared device never received the sealed entries at all.
    let kinds: Vec<String> = nps.json(&["report", "show", &first])["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|t| t["kind"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(!kinds.iter().any(|k| k == "source_sealed"), "{kinds:?}");

    // A reader the county clears later is given no key by the hub's word alone: not even
    // after a cleared device has synced.
    let kdf = hub.enroll("Captain Lotee", "officer", Some("kdf"), true);
    kdf.sync();
    nis.sync();
    kdf.sync();
    let shown = kdf.json(&["report", "show", &first]);
    assert_eq!(shown["source"], Value::Null);
    assert_eq!(shown["source_sealed"], true, "{shown}");
    assert!(
        keys(&kdf)["keys"]
            .as_array()
            .expect("keys")
            .iter()
            .all(|k| k["held"] == false),
        "{}",
        keys(&kdf)
    );
    // A wrong fingerprint approves nothing.
    let kdf_id = kdf.json(&["clearance", "list"])["me"]["device"]
        .as_str()
        .expect("id")
        .to_owned();
    let wrong = nis.run(&[
        "clearance",
        "approve",
        &kdf_id,
        "--fingerprint",
        "0000 0000 0000 0000 0000 0000 0000 0000",
    ]);
    assert_eq!(wrong.status.code(), Some(2), "{}", stderr(&wrong));
    // Nor can a reader who is not approved approve anyone.
    let refused = kdf.run(&["clearance", "approve", &kdf_id, "--fingerprint", "x"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    // Once a cleared reader approves it, with the earlier keys, it reads the earlier reports
    // after the approver's next sync.
    approve(&nis, &kdf, true);
    nis.sync();
    kdf.sync();
    assert_eq!(source_name(&kdf, &first).as_deref(), Some("Lomuriaxq Ekai"));
    assert_eq!(
        source_name(&kdf, &second).as_deref(),
        Some("Nakwawiyq Ekai")
    );

    // No plaintext at the hub: its database, its log, a backup; nor on the uncleared device.
    let backup = hub.dir.path().join("backup.db");
    hub.cli(&["backup", "--out", &backup.display().to_string()]);
    assert!(backup.exists());
    assert!(
        std::fs::metadata(hub.dir.path().join("hub.log"))
            .expect("log")
            .len()
            > 0,
        "the hub logged nothing"
    );
    for marker in ["Ekaleqw", "Ngoleqw"] {
        assert_eq!(files_holding(hub.dir.path(), marker), Vec::<PathBuf>::new());
        assert_eq!(tables_holding(&kdf, marker), Vec::<String>::new());
    }
    for marker in ["Lomuriaxq", "Nakwawiyq"] {
        assert_eq!(files_holding(hub.dir.path(), marker), Vec::<PathBuf>::new());
        assert_eq!(files_holding(nps.path(), marker), Vec::<PathBuf>::new());
        assert_eq!(tables_holding(&nps, marker), Vec::<String>::new());
        // The check can see a source where one is: in the cleared reader's decrypted store.
        assert!(!tables_holding(&kdf, marker).is_empty());
        assert_eq!(files_holding(kdf.path(), marker), Vec::<PathBuf>::new());
    }
    for home in [&chief, &nis, &nps, &kdf] {
        assert_eq!(home.json(&["verify"])["ok"], true);
    }
}

#[test]
fn a_revoked_reader_holds_no_key_to_a_source_written_after_its_revocation() {
    let hub = Hub::start();
    let chief = hub.enroll("Joseph Korkimul", "chief", None, false);
    let nis = hub.enroll("Officer Chepkoech", "officer", Some("nis"), true);
    let kdf = hub.enroll("Captain Lotee", "officer", Some("kdf"), true);
    nis.sync();
    approve(&nis, &kdf, false);
    nis.sync();
    kdf.sync();
    let before = keys(&kdf)["current"].as_str().expect("current").to_owned();
    assert_eq!(keys(&kdf)["keys"][0]["held"], true);
    chief.sync();
    let early = chief.add(&with_source(1, "Lomuriaxq"));
    chief.sync();
    nis.sync();

    // The NIS laptop is lost: revoked. The chief learns it first: a source written now waits,
    // for the key it would be sealed to is held by the revoked device.
    let lost = hub.device_id("Officer Chepkoech");
    hub.cli(&["devices", "revoke", &lost]);
    chief.sync();
    let late = chief.add(&with_source(2, "Nakwawiyq"));
    chief.sync();
    assert_eq!(keys(&chief)["waiting_to_seal"], 1);
    assert_eq!(keys(&chief)["current"], Value::Null);
    assert_eq!(hub.sealed_recipients().len(), 1);
    // The next cleared device to sync makes a new key that the revoked one does not hold.
    kdf.sync();
    let after = keys(&kdf);
    let current = after["current"].as_str().expect("current").to_owned();
    assert_ne!(current, before, "{after}");
    let held_by_lost: Vec<String> = keys(&nis)["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .filter(|k| k["held"] == true)
        .map(|k| k["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(held_by_lost.contains(&before));
    assert!(!held_by_lost.contains(&current));
    chief.sync();
    assert_eq!(keys(&chief)["waiting_to_seal"], 0);
    let sealed = hub.sealed_recipients();
    let last = sealed.last().expect("sealed sources");
    assert!(last.contains(&current), "{sealed:?}");
    assert!(
        !last.iter().any(|id| held_by_lost.contains(id)),
        "the revoked device holds a key to the new source: {sealed:?}"
    );
    // The revoked device is refused, and can read only what it could before.
    assert_eq!(nis.run(&["sync"]).status.code(), Some(4));
    assert_eq!(source_name(&nis, &early).as_deref(), Some("Lomuriaxq Ekai"));
    assert!(nis.run(&["report", "show", &late]).status.code() != Some(0));
    kdf.sync();
    assert_eq!(source_name(&kdf, &late).as_deref(), Some("Nakwawiyq Ekai"));
}

#[test]
fn suspects_names_and_group_are_sealed_like_sources() {
    let hub = Hub::start();
    let chief = hub.enroll("Joseph Korkimul", "chief", None, false);
    let nis = hub.enroll("Officer Chepkoech", "officer", Some("nis"), true);
    let nps = hub.enroll("Inspector Lokwang", "officer", Some("nps"), false);
    nis.sync();
    chief.sync();
    let mut doc = usalama_tests::report_doc(1);
    doc["unit"] = json!(OMBOLION);
    doc["suspects"] = json!({"count": 30, "armed": true, "names": ["Lokoriqz Ekai"],
                             "group": "Kalowqx warriors"});
    let id = chief.add(&doc);
    chief.sync();
    nis.sync();
    nps.sync();
    let suspects = |home: &Home| home.json(&["report", "show", &id])["suspects"].clone();
    for reader in [&chief, &nis] {
        let shown = suspects(reader);
        assert_eq!(shown["names"], json!(["Lokoriqz Ekai"]), "{shown}");
        assert_eq!(shown["group"], "Kalowqx warriors");
        assert_eq!(shown["count"], 30);
    }
    // The uncleared officer sees the rest of the section, not the names or group.
    let shown = suspects(&nps);
    assert_eq!(shown["count"], 30, "{shown}");
    assert_eq!(shown.get("names"), None, "{shown}");
    assert_eq!(shown.get("group"), None, "{shown}");

    // A new name, by amendment, is sealed too; the group stays.
    let amend = chief.file(
        "amend.json",
        &json!({"suspects": {"names": ["Lokoriqz Ekai", "Nawoyaqz"]}}),
    );
    chief.ok(&["report", "amend", &id, &amend]);
    chief.sync();
    nis.sync();
    nps.sync();
    let shown = suspects(&nis);
    assert_eq!(
        shown["names"],
        json!(["Lokoriqz Ekai", "Nawoyaqz"]),
        "{shown}"
    );
    assert_eq!(shown["group"], "Kalowqx warriors");
    assert_eq!(suspects(&nps).get("names"), None);

    for marker in ["Lokoriqz", "Kalowqx", "Nawoyaqz"] {
        assert_eq!(files_holding(hub.dir.path(), marker), Vec::<PathBuf>::new());
        assert_eq!(tables_holding(&nps, marker), Vec::<String>::new());
        assert!(!tables_holding(&nis, marker).is_empty());
    }
    for home in [&chief, &nis, &nps] {
        assert_eq!(home.json(&["verify"])["ok"], true);
    }
}

#[test]
fn amending_and_redacting_a_source_seal_it_anew_and_the_offline_copy_restores_the_keys() {
    let hub = Hub::start();
    let chief = hub.enroll("Joseph Korkimul", "chief", None, false);
    let nis = hub.enroll("Officer Chepkoech", "officer", Some("nis"), true);
    nis.sync();
    chief.sync();
    let id = chief.add(&with_source(1, "Lomuriaxq"));
    let amend = chief.file(
        "amend.json",
        &json!({"source": {"kind": "witness", "name": "Nakwawiyq Ekai"}}),
    );
    chief.ok(&["report", "amend", &id, &amend]);
    // The same source again changes nothing and records nothing.
    let again = chief.run(&["report", "amend", &id, &amend]);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    chief.sync();
    nis.sync();
    assert_eq!(source_name(&nis, &id).as_deref(), Some("Nakwawiyq Ekai"));
    assert_eq!(source_name(&chief, &id).as_deref(), Some("Nakwawiyq Ekai"));

    // Redacted without a source: every sealed copy's body is dropped everywhere.
    let mut replacement = usalama_tests::report_doc(1);
    replacement["unit"] = json!(OMBOLION);
    let file = chief.file("clean.json", &replacement);
    chief.ok(&[
        "report",
        "redact",
        &id,
        &file,
        "--reason",
        "the informant asked",
    ]);
    chief.sync();
    nis.sync();
    assert_eq!(source_name(&nis, &id), None);
    assert_eq!(source_name(&chief, &id), None);
    for home in [&chief, &nis] {
        assert_eq!(tables_holding(home, "Lomuriaxq"), Vec::<String>::new());
        assert_eq!(home.json(&["verify"])["ok"], true);
    }

    // The county's offline copy brings the keys back to a new cleared device.
    let copy = nis.dir.path().join("county-keys.json");
    let out = county_key(
        &nis,
        &["export", "--out", &copy.display().to_string()],
        "the keys stay in the safe",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!holds(&std::fs::read(&copy).expect("copy"), "Lomuriaxq"));
    let other = hub.enroll("Officer Nyangaluk", "officer", Some("nis"), true);
    // Keys of another county (or before this device knows this county's) are refused.
    let early = county_key(
        &other,
        &["import", &copy.display().to_string()],
        "the keys stay in the safe",
    );
    assert_eq!(early.status.code(), Some(2), "{}", stderr(&early));
    assert!(
        stderr(&early).contains("sync this device first"),
        "{}",
        stderr(&early)
    );
    other.sync();
    let wrong = county_key(
        &other,
        &["import", &copy.display().to_string()],
        "not the passphrase at all",
    );
    assert_eq!(wrong.status.code(), Some(2), "{}", stderr(&wrong));
    let out = county_key(
        &other,
        &["import", &copy.display().to_string()],
        "the keys stay in the safe",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let later = chief.add(&with_source(2, "Ekaleqw"));
    chief.sync();
    other.sync();
    assert_eq!(source_name(&other, &later).as_deref(), Some("Ekaleqw Ekai"));
    // The county administrator, not cleared, redacts it on their device: its sealed source,
    // which that device never held, goes too, at the hub and on the cleared reader's laptop.
    assert_eq!(hub.sealed_bodies_of(&later), 1);
    let admin = hub.enroll("County ICT Officer", "admin", None, false);
    admin.sync();
    let mut clean = usalama_tests::report_doc(2);
    clean["unit"] = json!(OMBOLION);
    let clean = admin.file("clean.json", &clean);
    admin.ok(&[
        "report",
        "redact",
        &later,
        &clean,
        "--reason",
        "the informant asked",
    ]);
    admin.sync();
    assert_eq!(hub.sealed_bodies_of(&later), 0);
    other.sync();
    let shown = other.json(&["report", "show", &later]);
    assert_eq!(shown["source"], Value::Null, "{shown}");
    assert_eq!(shown["source_sealed"], Value::Null, "{shown}");
    assert_eq!(tables_holding(&other, "Ekaleqw"), Vec::<String>::new());
    // An uncleared device may not hold the keys.
    let refused = county_key(
        &chief,
        &["import", &copy.display().to_string()],
        "the keys stay in the safe",
    );
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
}

#[test]
fn a_source_in_the_clear_from_an_old_client_is_refused_and_only_its_hash_is_kept() {
    use usalama_core::ledger::{Draft, Entry, EntryKind, Hash};
    let hub = crate::helpers::TestHub::start();
    let mut old = crate::sync::RawDevice::enroll(&hub, 21);
    let mut filed = with_source(1, "Lomuriaxq");
    filed["unit"] = json!(OMBOLION);
    let draft = Draft {
        kind: EntryKind::ReportFiled,
        subject: None,
        body: serde_json::to_vec(&filed).expect("json"),
    };
    let filing = Entry::sign(draft, &old.key, 1, Hash::GENESIS, 1_795_608_000_000);
    // A "sealed" source that is plain JSON is no better.
    let draft = Draft {
        kind: EntryKind::SourceSealed,
        subject: Some(filing.report_id()),
        body: br#"{"name":"Nakwawiyq Ekai"}"#.to_vec(),
    };
    let fake = Entry::sign(draft, &old.key, 2, filing.hash(), 1_795_608_000_001);
    let body = old.request(&[filing.clone(), fake]);
    let (status, answer) = old.send(body);
    assert_eq!(status, 200, "{answer}");
    let refused = hub.hub.refused().expect("refused");
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(refused[0].reason.contains("in the clear"), "{refused:?}");
    assert!(
        refused[1].reason.contains("not a sealed box"),
        "{refused:?}"
    );
    let held = usalama_hub::db::read(hub.hub.db(), |tx| tx.entries_about(&filing.report_id()))
        .expect("read");
    assert!(held.iter().all(|e| e.body.is_none()), "{held:?}");
    for marker in ["Lomuriaxq", "Nakwawiyq"] {
        assert_eq!(files_holding(hub.dir.path(), marker), Vec::<PathBuf>::new());
    }
}
