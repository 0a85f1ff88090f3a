//! A person, not a device: a replacement laptop for the same chief.

use serde_json::json;

use crate::helpers::{hub_json, stderr, timeline_kinds, Home, TestHub};

const OMBOLION: &str = "ke-024-l-ombolion";

#[test]
fn a_replacement_laptop_receives_the_persons_reports_and_the_old_one_is_revoked() {
    let hub = TestHub::start();
    let old = Home::enrolled(&hub, "Joseph Korkimul", "chief", OMBOLION, None);
    let officer = Home::enrolled(&hub, "Inspector Lokwang", "officer", "ke-024", Some("nps"));
    let mut doc = usalama_tests::report_doc(1);
    doc["unit"] = json!(OMBOLION);
    let first = old.add(&doc);
    let second = old.add(&usalama_tests::report_doc(2));
    old.sync();

    // The laptop is stolen: the county enrolls a new one for the same person.
    let (new, person) = Home::replacement(&hub, "Joseph Korkimul", OMBOLION);
    new.sync();

    // The person's reports, with the county's receipts, are on the new laptop.
    for id in [&first, &second] {
        let shown = new.json(&["report", "show", id]);
        assert_eq!(shown["status"], "received", "{shown}");
        assert_eq!(
            timeline_kinds(&shown),
            ["report_filed", "received_by_county"]
        );
    }
    // The new laptop may add to the person's reports, and everyone sees the change.
    let amend = new.file("amend.json", &json!({"people": {"killed": 9}}));
    new.ok(&["report", "amend", &first, &amend]);
    new.sync();
    officer.sync();
    assert_eq!(
        officer.json(&["report", "show", &first])["people"]["killed"],
        9
    );
    assert_eq!(new.json(&["report", "show", &first])["people"]["killed"], 9);

    // The old laptop is refused from now on, and says so.
    let out = old.run(&["sync"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("revoked"), "{}", stderr(&out));
    let listed = hub_json(&hub, &["devices", "list"]);
    let states: Vec<(&str, bool)> = listed
        .as_array()
        .expect("array")
        .iter()
        .filter(|d| d["person"] == person.as_str())
        .map(|d| (d["name"].as_str().unwrap_or_default(), d["revoked"] == true))
        .collect();
    assert_eq!(
        states.iter().filter(|(_, revoked)| *revoked).count(),
        1,
        "{listed}"
    );
    assert_eq!(states.len(), 2);
    for home in [&new, &officer] {
        home.ok(&["verify"]);
    }
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        if entry.path().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copied");
        }
    }
}

#[test]
fn a_store_restored_from_an_old_backup_is_told_apart_and_nothing_acknowledged_is_lost() {
    let hub = TestHub::start();
    let chief = Home::enrolled(&hub, "Joseph Korkimul", "chief", OMBOLION, None);
    let mut doc = usalama_tests::report_doc(1);
    doc["unit"] = json!(OMBOLION);
    let early = chief.add(&doc);
    chief.sync();
    // A copy of the store, as a backup on a USB stick.
    let backup = tempfile::tempdir().expect("dir");
    copy_dir(chief.path(), backup.path());
    let later = chief.add(&usalama_tests::report_doc(2));
    chief.sync();
    // The laptop's disk fails; the old backup is put back, and the chief writes a report.
    for entry in std::fs::read_dir(chief.path()).expect("dir") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            std::fs::remove_file(path).expect("removed");
        }
    }
    copy_dir(backup.path(), chief.path());
    let written = chief.add(&usalama_tests::report_doc(3));
    let out = chief.run(&["sync"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "an integrity stop, not a silent success"
    );
    assert!(
        stderr(&out).contains("restored from an older backup"),
        "{}",
        stderr(&out)
    );
    // Nothing was taken for sent: the report written since waits, and the hub kept nothing
    // under a reused number.
    assert_eq!(
        chief.json(&["report", "show", &written])["status"],
        "pending"
    );
    assert!(hub.hub.forks().expect("forks").is_empty());

    // The county enrolls the laptop anew for the same person: every acknowledged report is back.
    let (fresh, _) = Home::replacement(&hub, "Joseph Korkimul", OMBOLION);
    fresh.sync();
    for id in [&early, &later] {
        assert_eq!(fresh.json(&["report", "show", id])["status"], "received");
    }
}
