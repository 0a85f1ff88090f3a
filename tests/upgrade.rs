//! Laptops and hubs set up by an earlier version carry on with this one, migrated in place.
//!
//! The fixtures in `tests/fixtures/upgrade/` were made by the version at commit bd1a3dd
//! (`make.sh` there says how): a hub database on each backend, and a chief's and an uncleared
//! NPS officer's stores enrolled with it. That version kept suspects' names and group in the
//! clear; today's version seals them, and the author's laptop, the first time it opens, redacts
//! its own old reports to seal them anew, so that the plain copies go everywhere else too.
//!
//! Each test serves a copy of the old hub database with today's `usalama-hub serve` and points
//! the old stores at it with `sync --hub` (their enrollment names the old hub's port).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use crate::helpers::{files_holding, holds, stderr, tables_holding, timeline_kinds, Home};
use crate::story::PostgresBackend;
use crate::sync::{serve, HubProcess};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/upgrade");
/// The passphrase `make.sh` gave the old stores, as the old tests did.
const OLD_PASSPHRASE: &str = "cows drink at the borehole";
const OMBOLION: &str = "ke-024-l-ombolion";
/// The suspects' names and group of the old restricted report, held in the clear by the old
/// version; and its source's name, which that version already sealed.
const SUSPECTS: [&str; 2] = ["Lokoriqz", "Kalowqx"];
const SOURCE: &str = "Lomuriaxq Ekai";

#[test]
fn an_old_sqlite_hub_and_its_devices_carry_on_migrated_in_place() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("hub.db");
    std::fs::copy(fixture("sqlite").join("hub.db"), &db).expect("copied");
    let hub = serve(&db, &[], Some(&dir.path().join("hub.log")));
    carry_on(&hub, "sqlite", &|marker| files_holding(dir.path(), marker));
}

#[test]
fn an_old_postgres_hub_and_its_devices_carry_on_migrated_in_place() {
    let Ok(admin) = std::env::var("USALAMA_TEST_POSTGRES") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "USALAMA_TEST_POSTGRES is not set: under CI the upgrade must also run on PostgreSQL \
             (make postgres-start runs a server and sets it)"
        );
        eprintln!(
            "skipped: the upgrade of an old PostgreSQL hub (set USALAMA_TEST_POSTGRES, e.g. with \
             `make postgres-start`)"
        );
        return;
    };
    let backend = PostgresBackend::new(admin);
    backend.execute_file(&fixture("postgres").join("hub.sql"));
    let url = backend.database_url();
    let hub = serve(Path::new(&url), &[], None);
    carry_on(&hub, "postgres", &|marker| {
        // Every table, as text; byte columns are dumped in hex.
        let out = Command::new("pg_dump")
            .args(["--inserts", "--no-owner", "--no-acl", "--dbname", &url])
            .output()
            .expect("pg_dump runs (package postgresql-client)");
        assert!(out.status.success(), "pg_dump failed");
        let in_hex = hex::encode(marker);
        [marker, in_hex.as_str()]
            .into_iter()
            .filter(|m| holds(&out.stdout, m))
            .map(|m| PathBuf::from(format!("the database (as {m})")))
            .collect()
    });
}

fn fixture(backend: &str) -> PathBuf {
    Path::new(FIXTURES).join(backend)
}

/// The old chief's and NPS officer's laptops on `hub` (served on the old database of
/// `backend`): what they held is there, verified; the plain suspects' names leave every copy
/// but the author's and the cleared readers'; and reports and responses go both ways.
/// `hub_holding(marker)` names where the hub's data holds `marker`.
fn carry_on(hub: &HubProcess, backend: &str, hub_holding: &dyn Fn(&str) -> Vec<PathBuf>) {
    let dir = fixture(backend);
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).expect("manifest"))
            .expect("json");
    assert_eq!(manifest["passphrase"], OLD_PASSPHRASE, "{manifest}");
    let restricted = manifest["reports"]["restricted"].as_str().expect("an id");
    let plain = manifest["reports"]["plain"].as_str().expect("an id");
    let chief = Home::copied(&dir.join("chief"), OLD_PASSPHRASE);
    let nps = Home::copied(&dir.join("nps"), OLD_PASSPHRASE);
    let sync = |home: &Home| {
        let report = home.json(&["sync", "--hub", &hub.url]);
        assert_eq!(report["complete"], true, "sync failed: {report}");
        report
    };
    let mut both = vec![restricted.to_owned(), plain.to_owned()];
    both.sort();

    // The chief's laptop opens its old store: the reports are there, whole for their author,
    // and the plain suspects' names were sealed anew by a redaction of its own.
    assert_eq!(chief.report_ids(), both);
    let shown = chief.json(&["report", "show", restricted]);
    assert_eq!(shown["source"]["name"], SOURCE, "{shown}");
    assert_eq!(shown["suspects"]["names"], json!([SUSPECTS[0]]), "{shown}");
    assert_eq!(shown["suspects"]["group"], SUSPECTS[1], "{shown}");
    assert_eq!(shown["suspects"]["count"], 30, "{shown}");
    assert_eq!(shown["status"], "acknowledged", "{shown}");
    let kinds = timeline_kinds(&shown);
    assert!(kinds.contains(&"acknowledged"), "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"source_sealed"), "{kinds:?}");
    assert!(kinds.contains(&"report_redacted"), "{kinds:?}");
    let untouched = chief.json(&["report", "show", plain]);
    assert!(
        !timeline_kinds(&untouched).contains(&"report_redacted"),
        "a report without suspects' names is left as it was: {untouched}"
    );
    assert!(
        untouched["narrative"]
            .as_str()
            .is_some_and(|n| n.starts_with("Herders moved their goats")),
        "{untouched}"
    );
    // Entries signed in the old version's runs stay covered by their signatures.
    verify(&chief, "chief");
    verify(&nps, "officer");
    // Before it syncs, the NPS officer's laptop still holds the old plain copy, hidden.
    let shown = nps.json(&["report", "show", restricted]);
    assert_eq!(shown["status"], "acknowledged", "{shown}");
    assert_eq!(shown["source"], Value::Null, "{shown}");
    assert_eq!(shown["suspects"].get("names"), None, "{shown}");
    // The checks below can see the names where they are: on that laptop and at the hub.
    for marker in SUSPECTS {
        assert!(!tables_holding(&nps, marker).is_empty(), "{marker}");
        assert!(!hub_holding(marker).is_empty(), "{marker}");
    }

    // Both sync with today's hub on the old database: the redaction goes out, the plain
    // copies are dropped at the hub and on the officer's laptop.
    let sent = sync(&chief);
    assert!(sent["sent"].as_u64() >= Some(2), "{sent}");
    sync(&nps);
    assert_eq!(nps.report_ids(), both);
    let shown = nps.json(&["report", "show", restricted]);
    assert_eq!(shown["source"], Value::Null, "{shown}");
    assert_eq!(shown["source_sealed"], Value::Null, "{shown}");
    assert_eq!(shown["suspects"]["count"], 30, "{shown}");
    assert_eq!(shown["suspects"].get("names"), None, "{shown}");
    assert_eq!(shown["suspects"].get("group"), None, "{shown}");
    assert!(
        timeline_kinds(&shown).contains(&"report_redacted"),
        "{shown}"
    );
    for marker in SUSPECTS.into_iter().chain([SOURCE]) {
        assert_eq!(
            tables_holding(&nps, marker),
            Vec::<String>::new(),
            "{marker}"
        );
        assert_eq!(hub_holding(marker), Vec::<PathBuf>::new(), "{marker}");
    }
    // The author keeps reading them.
    let shown = chief.json(&["report", "show", restricted]);
    assert_eq!(shown["suspects"]["names"], json!([SUSPECTS[0]]), "{shown}");
    assert_eq!(shown["source"]["name"], SOURCE, "{shown}");

    // A new report reaches the officer; the officer's acknowledgement reaches the chief.
    let mut doc = usalama_tests::report_doc(4);
    doc["unit"] = json!(OMBOLION);
    let new = chief.add(&doc);
    sync(&chief);
    sync(&nps);
    assert!(nps.report_ids().contains(&new), "{new}");
    nps.ok(&["incident", "ack", &new]);
    sync(&nps);
    sync(&chief);
    let shown = chief.json(&["report", "show", &new]);
    assert_eq!(shown["status"], "acknowledged", "{shown}");
    assert_eq!(shown["acknowledged_by"], json!(["nps"]), "{shown}");
    for (who, home) in [("chief", &chief), ("officer", &nps)] {
        let verified = verify(home, who);
        assert_eq!(verified["reports"], 3, "{who}: {verified}");
    }
}

/// `usalama verify --json` on `home`, asserting it found nothing wrong.
fn verify(home: &Home, who: &str) -> Value {
    let out = home.run(&["verify", "--json"]);
    let verified: Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    assert!(
        out.status.success() && verified["ok"] == true,
        "{who}'s laptop: {verified} {}",
        stderr(&out)
    );
    verified
}
