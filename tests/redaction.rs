//! Redaction: a name typed into a report by mistake leaves every copy of the ledger (the hub's
//! files, every device's store, the text index), while every chain still verifies.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{json, Value};
use usalama_core::ledger::{Draft, Entry, EntryKind, Hash, ReportId};
use usalama_core::redaction::{Redaction, Target};

use crate::helpers::{files_holding, holds, hub_bin, stderr, tables_holding, Home, TestHub};
use crate::sync::RawDevice;

const OMBOLION: &str = "ke-024-l-ombolion";
/// The informant's name: a word found nowhere else, searched for without regard to case.
const NAME: &str = "Lomuriaxq";
const REASON: &str = "an informant's name was typed into the report";

/// A report whose narrative names the informant.
fn named() -> Value {
    let mut d = usalama_tests::report_doc(1);
    d["unit"] = json!(OMBOLION);
    d["narrative"] = json!(format!(
        "Raiders took cattle at dawn; {NAME} Ekai saw them and told the chief."
    ));
    d
}

/// The same report without the name.
fn cleaned() -> Value {
    let mut d = named();
    d["narrative"] = json!("Raiders took cattle at dawn; a herder saw them and told the chief.");
    d["place"] = json!("Near the river crossing");
    d
}

/// Input documents live outside every home, so that a home holds only what the tool wrote.
struct Inputs(tempfile::TempDir);

impl Inputs {
    fn new() -> Inputs {
        Inputs(tempfile::tempdir().expect("temp dir"))
    }

    fn file(&self, name: &str, doc: &Value) -> String {
        let path = self.0.path().join(name);
        std::fs::write(&path, doc.to_string()).expect("written");
        path.display().to_string()
    }
}

/// The name is nowhere on this device: not in what it shows, finds or stores, and every chain
/// still verifies.
fn assert_name_gone(home: &Home, id: &str) {
    let shown = home.json(&["report", "show", id]);
    assert!(!holds(shown.to_string().as_bytes(), NAME), "{shown}");
    assert_eq!(shown["narrative"], cleaned()["narrative"]);
    let found = home.json(&["report", "list", "--search", NAME]);
    assert_eq!(found, json!([]), "the text index still finds the name");
    let listed = home.json(&["report", "list"]);
    assert!(!holds(listed.to_string().as_bytes(), NAME), "{listed}");
    assert_eq!(tables_holding(home, NAME), Vec::<String>::new());
    assert_eq!(files_holding(home.path(), NAME), Vec::<PathBuf>::new());
    let verified = home.json(&["verify"]);
    assert_eq!(verified["ok"], true, "{verified}");
}

/// The timeline marks every entry whose content was removed with who removed it and when.
fn assert_marked_redacted_by(shown: &Value, by: &str) {
    let timeline = shown["timeline"].as_array().expect("timeline");
    let marked: Vec<&Value> = timeline
        .iter()
        .filter(|t| t["kind"] == "report_filed" || t["kind"] == "report_amended")
        .collect();
    assert!(!marked.is_empty(), "{shown}");
    for item in marked {
        assert_eq!(item["content"], Value::Null, "{item}");
        assert_eq!(item["redacted"]["by"]["name"], by, "{item}");
        assert!(item["redacted"]["at"].is_string(), "{item}");
    }
    let redaction = timeline
        .iter()
        .find(|t| t["kind"] == "report_redacted")
        .expect("the redaction is in the timeline");
    assert_eq!(redaction["content"]["reason"], REASON);
    assert_eq!(redaction["by"]["name"], by);
}

/// A hub, a chief of Ombolion and a reader of the county (`name`, `role`, `agency`). The chief
/// files a report naming the informant and amends it (naming them again); the reader's device
/// and the hub receive both.
struct Named {
    hub: TestHub,
    inputs: Inputs,
    chief: Home,
    reader: Home,
    id: String,
}

impl Named {
    fn everywhere(name: &str, role: &str, agency: Option<&str>) -> Named {
        let hub = TestHub::start();
        let inputs = Inputs::new();
        let chief = Home::enrolled(&hub, "Chief Ombolion", "chief", OMBOLION, None);
        let reader = Home::enrolled(&hub, name, role, "ke-024", agency);
        let id = named_report_everywhere(&hub, &inputs, &chief, &reader);
        Named {
            hub,
            inputs,
            chief,
            reader,
            id,
        }
    }

    /// With a police officer as the reader.
    fn with_officer() -> Named {
        Named::everywhere("Inspector Lokwang", "officer", Some("nps"))
    }
}

/// Files and amends the named report, and checks that the name reached the reader and the hub.
fn named_report_everywhere(hub: &TestHub, inputs: &Inputs, chief: &Home, officer: &Home) -> String {
    let id = chief
        .ok(&["report", "add", &inputs.file("named.json", &named())])
        .trim()
        .to_owned();
    let amendment = json!({"place": format!("Near the manyatta of {NAME}")});
    chief.ok(&[
        "report",
        "amend",
        &id,
        &inputs.file("amend.json", &amendment),
    ]);
    chief.sync();
    officer.sync();
    // The name is there before the redaction: the checks below can see it.
    let shown = officer.json(&["report", "show", &id]);
    assert!(holds(shown.to_string().as_bytes(), NAME), "{shown}");
    assert_eq!(
        officer
            .json(&["report", "list", "--search", NAME])
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert!(!tables_holding(officer, NAME).is_empty());
    assert!(!files_holding(hub.dir.path(), NAME).is_empty());
    id
}

#[test]
fn the_authors_redaction_removes_the_name_from_the_hub_and_every_device() {
    let Named {
        hub,
        inputs,
        chief,
        reader: officer,
        id,
    } = Named::with_officer();

    let done = chief.json(&[
        "report",
        "redact",
        &id,
        &inputs.file("clean.json", &cleaned()),
        "--reason",
        REASON,
    ]);
    assert_eq!(done["removed"], 2, "{done}");
    // On the author's device at once, before any sync.
    assert_name_gone(&chief, &id);

    chief.sync();
    assert_eq!(files_holding(hub.dir.path(), NAME), Vec::<PathBuf>::new());
    officer.sync();
    for home in [&chief, &officer] {
        assert_name_gone(home, &id);
        let shown = home.json(&["report", "show", &id]);
        assert_marked_redacted_by(&shown, "Chief Ombolion");
        assert_eq!(shown["place"], "Near the river crossing");
    }
    let text = chief.ok(&["report", "show", &id]);
    assert!(text.contains("redacted by Chief Ombolion at "), "{text}");

    // Syncing again changes nothing and brings nothing back.
    let entries = (
        chief.entry_count(),
        officer.entry_count(),
        hub.entry_counts(),
    );
    for home in [&chief, &officer, &chief, &officer] {
        let again = home.sync();
        assert_eq!(
            (again["sent"].as_u64(), again["received"].as_u64()),
            (Some(0), Some(0))
        );
    }
    assert_eq!(
        (
            chief.entry_count(),
            officer.entry_count(),
            hub.entry_counts()
        ),
        entries
    );
    for home in [&chief, &officer] {
        assert_name_gone(home, &id);
    }
    assert_eq!(files_holding(hub.dir.path(), NAME), Vec::<PathBuf>::new());
}

#[test]
fn the_administrator_redacts_at_the_hub_and_every_device_follows_at_its_next_sync() {
    let Named {
        hub,
        inputs,
        chief,
        reader: officer,
        id,
    } = Named::with_officer();

    // The administrator's command runs beside the serving hub, on the same database. An id
    // the hub does not hold is refused, and changes nothing.
    let entries = hub.entry_counts();
    let unknown = Command::new(hub_bin())
        .arg("--db")
        .arg(hub.dir.path().join("hub.db"))
        .args([
            "redact",
            "0000000000000000",
            &inputs.file("clean.json", &cleaned()),
        ])
        .args(["--reason", REASON])
        .output()
        .expect("usalama-hub runs");
    assert_eq!(unknown.status.code(), Some(2), "{}", stderr(&unknown));
    assert!(
        stderr(&unknown).contains("holds no report"),
        "{}",
        stderr(&unknown)
    );
    assert_eq!(hub.entry_counts(), entries);
    let out = Command::new(hub_bin())
        .arg("--db")
        .arg(hub.dir.path().join("hub.db"))
        .args(["redact", &id, &inputs.file("clean.json", &cleaned())])
        .args(["--reason", REASON, "--json"])
        .output()
        .expect("usalama-hub runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let done: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(done["removed"], 2, "{done}");
    assert_eq!(files_holding(hub.dir.path(), NAME), Vec::<PathBuf>::new());

    // A device enrolled after the redaction receives the report already without the name.
    let late = Home::enrolled(&hub, "Inspector Chepkut", "officer", "ke-024", Some("kdf"));
    for home in [&chief, &officer, &late] {
        home.sync();
        assert_name_gone(home, &id);
        assert_marked_redacted_by(&home.json(&["report", "show", &id]), "County hub");
    }
    // The author keeps the report as theirs: it can still amend it.
    chief.ok(&[
        "report",
        "amend",
        &id,
        &inputs.file("more.json", &json!({"urgency": "flash"})),
    ]);
    chief.sync();
    officer.sync();
    assert_eq!(officer.json(&["report", "show", &id])["urgency"], "flash");
    assert_name_gone(&officer, &id);
}

#[test]
fn an_administrators_device_may_redact_any_report_it_holds() {
    let Named {
        hub,
        inputs,
        chief,
        reader: admin,
        id,
    } = Named::everywhere("County ICT", "admin", None);
    admin.ok(&[
        "report",
        "redact",
        &id,
        &inputs.file("clean.json", &cleaned()),
        "--reason",
        REASON,
    ]);
    assert_name_gone(&admin, &id);
    admin.sync();
    chief.sync();
    assert_name_gone(&chief, &id);
    assert_marked_redacted_by(&chief.json(&["report", "show", &id]), "County ICT");
    assert_eq!(files_holding(hub.dir.path(), NAME), Vec::<PathBuf>::new());
    assert!(hub.hub.refused().expect("refused").is_empty());
}

#[test]
fn a_redaction_by_someone_else_is_refused_and_changes_nothing() {
    let Named {
        hub,
        inputs,
        chief,
        reader: officer,
        id,
    } = Named::with_officer();

    // On a device: refused plainly, nothing recorded.
    let before = officer.entry_count();
    let clean = inputs.file("clean.json", &cleaned());
    let out = officer.run(&["report", "redact", &id, &clean, "--reason", REASON]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("only its author or the county administrator (role admin)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(officer.entry_count(), before);
    // A reason is required.
    let out = chief.run(&["report", "redact", &id, &clean, "--reason", " "]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--reason"), "{}", stderr(&out));

    // At the hub: a redaction signed by another device is kept without effect.
    let mut intruder = RawDevice::enroll(&hub, 12);
    let report = ReportId::parse(&id).expect("id");
    let filing = usalama_hub::db::read(hub.hub.db(), |tx| {
        Ok(tx
            .entries_about(&report)?
            .into_iter()
            .find(|e| e.kind == EntryKind::ReportFiled))
    })
    .expect("read")
    .expect("the hub holds the filing");
    let redaction = Redaction {
        reason: "not theirs to remove".into(),
        document: cleaned().as_object().cloned().expect("object"),
        targets: vec![Target::of(&filing)],
    };
    let draft = Draft {
        kind: EntryKind::ReportRedacted,
        subject: Some(report),
        body: redaction.to_body(),
    };
    let forged = Entry::sign(draft, &intruder.key, 1, Hash::GENESIS, 1_795_608_000_000);
    let body = intruder.request(std::slice::from_ref(&forged));
    let (status, answer) = intruder.send(body);
    assert_eq!(status, 200, "{answer}");
    let refused = hub.hub.refused().expect("refused");
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].kind, "report_redacted");
    assert!(
        refused[0].reason.contains("author"),
        "{}",
        refused[0].reason
    );
    chief.sync();
    officer.sync();
    for home in [&chief, &officer] {
        let shown = home.json(&["report", "show", &id]);
        assert!(holds(shown.to_string().as_bytes(), NAME), "{shown}");
        home.ok(&["verify"]);
    }
    assert!(!files_holding(hub.dir.path(), NAME).is_empty());
}

#[test]
fn bundles_carried_before_the_redaction_bring_the_name_back_nowhere() {
    let hub = TestHub::start();
    let inputs = Inputs::new();
    let chief = Home::enrolled(&hub, "Chief Ombolion", "chief", OMBOLION, None);
    let officer = Home::enrolled(&hub, "Inspector Lokwang", "officer", "ke-024", Some("nps"));
    // The officer learns the chief's key, to check what it carries.
    officer.sync();
    let id = chief
        .ok(&["report", "add", &inputs.file("named.json", &named())])
        .trim()
        .to_owned();
    let stick = inputs.0.path().join("chief-before.bundle");
    let stick = stick.to_str().expect("utf-8");
    chief.json(&["bundle", "export", "--out", stick]);
    // The officer carries the chief's entries, name and all, for the hub: sealed to the hub,
    // so the name is nowhere the officer's laptop can read it.
    assert_eq!(
        officer.json(&["bundle", "import", stick])["carried_bundles"],
        1
    );
    assert_eq!(tables_holding(&officer, NAME), Vec::<String>::new());

    // The chief redacts before the hub ever saw the report, then syncs: the hub receives the
    // filing without its body, and the redaction.
    let clean = inputs.file("clean.json", &cleaned());
    chief.ok(&["report", "redact", &id, &clean, "--reason", REASON]);
    chief.sync();
    assert_eq!(files_holding(hub.dir.path(), NAME), Vec::<PathBuf>::new());

    // The hub's answer reaches the officer by bundle: what it carries loses the name too.
    let officer_id = hub
        .hub
        .devices()
        .expect("devices")
        .into_iter()
        .find(|d| d.name == "Inspector Lokwang")
        .expect("the officer's device")
        .id
        .to_string();
    let for_officer = inputs.0.path().join("for-officer.bundle");
    let for_officer = for_officer.to_str().expect("utf-8");
    let out = Command::new(hub_bin())
        .arg("--db")
        .arg(hub.dir.path().join("hub.db"))
        .args(["export", "--device", &officer_id, "--out", for_officer])
        .output()
        .expect("usalama-hub runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    officer.json(&["bundle", "import", for_officer]);
    assert_name_gone(&officer, &id);

    // The old bundle, carried again to the hub and to the officer, brings nothing back.
    let out = Command::new(hub_bin())
        .arg("--db")
        .arg(hub.dir.path().join("hub.db"))
        .args(["import", stick])
        .output()
        .expect("usalama-hub runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    officer.json(&["bundle", "import", stick]);
    officer.sync();
    chief.sync();
    for home in [&chief, &officer] {
        assert_name_gone(home, &id);
        assert_marked_redacted_by(&home.json(&["report", "show", &id]), "Chief Ombolion");
    }
    assert_eq!(files_holding(hub.dir.path(), NAME), Vec::<PathBuf>::new());
}
