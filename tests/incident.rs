//! The response to a report, from agency officers' devices back to the reporting chief.

use serde_json::{json, Value};

use crate::helpers::{stderr, timeline_kinds, Home, TestHub};

const OMBOLION: &str = "ke-024-l-ombolion";

struct County {
    hub: TestHub,
    chief: Home,
    police: Home,
    ngao: Home,
    kdf: Home,
}

fn county() -> County {
    let hub = TestHub::start();
    let chief = Home::enrolled(&hub, "Joseph Korkimul", "chief", OMBOLION, None);
    let police = Home::enrolled(&hub, "Inspector Lokwang", "officer", "ke-024", Some("nps"));
    let ngao = Home::enrolled(&hub, "ACC Kapenguria", "officer", "ke-024", Some("ngao"));
    let kdf = Home::enrolled(&hub, "Major Chepkwony", "officer", "ke-024", Some("kdf"));
    County {
        hub,
        chief,
        police,
        ngao,
        kdf,
    }
}

fn raid(chief: &Home) -> String {
    let mut doc = usalama_tests::report_doc(3);
    doc["unit"] = json!(OMBOLION);
    let id = chief.add(&doc);
    chief.sync();
    id
}

fn refused(home: &Home, args: &[&str], says: &str) {
    let before = home.entry_count();
    let out = home.run(args);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    assert_eq!(home.entry_count(), before, "{args:?} recorded something");
}

#[test]
fn each_step_of_the_response_loops_back_to_the_reporting_chief() {
    let c = county();
    let id = raid(&c.chief);
    for (home, args) in [
        (&c.police, vec!["incident", "ack", &id]),
        (
            &c.ngao,
            vec![
                "incident",
                "assign",
                &id,
                "--lead",
                "kdf",
                "--support",
                "nps",
            ],
        ),
        (
            &c.kdf,
            vec![
                "incident",
                "update",
                &id,
                "--note",
                "Two teams at the river",
                "--status",
                "responding",
            ],
        ),
    ] {
        home.sync();
        home.ok(&args);
        home.sync();
    }
    let figures = c.kdf.file(
        "figures.json",
        &json!({"arrests": 2, "livestock_recovered": [{"species": "cattle", "count": 40}]}),
    );
    c.kdf.ok(&[
        "incident",
        "close",
        &id,
        "--outcome",
        "resolved",
        "--figures",
        &figures,
    ]);
    c.kdf.sync();

    c.chief.sync();
    let shown = c.chief.json(&["report", "show", &id]);
    assert_eq!(shown["status"], "closed");
    assert_eq!(shown["lead_agency"], "kdf");
    assert_eq!(shown["supporting_agencies"], json!(["nps"]));
    assert_eq!(shown["outcome"], "resolved");
    assert_eq!(shown["acknowledged_by"], json!(["nps"]));
    assert_eq!(shown["figures"]["arrests"], 2);
    assert_eq!(
        timeline_kinds(&shown),
        [
            "report_filed",
            "received_by_county",
            "acknowledged",
            "assigned",
            "updated",
            "closed"
        ]
    );
    let agencies: Vec<&Value> = shown["timeline"].as_array().expect("timeline")[2..]
        .iter()
        .map(|t| &t["by"]["agency"])
        .collect();
    assert_eq!(
        agencies,
        [&json!("nps"), &json!("ngao"), &json!("kdf"), &json!("kdf")]
    );
    // Every device folds the same picture.
    for home in [&c.police, &c.ngao] {
        home.sync();
        let theirs = home.json(&["report", "show", &id]);
        assert_eq!(theirs["status"], "closed");
        assert_eq!(theirs["timeline"], shown["timeline"]);
    }
    // Closed reports are found by status.
    let closed = c.chief.json(&["report", "list", "--status", "closed"]);
    assert_eq!(closed.as_array().map(Vec::len), Some(1));

    // A reopened report can be acted on again.
    c.ngao.sync();
    c.ngao.ok(&[
        "incident",
        "reopen",
        &id,
        "--note",
        "More cattle tracks found",
    ]);
    c.ngao.sync();
    c.chief.sync();
    assert_eq!(
        c.chief.json(&["report", "show", &id])["status"],
        "responding"
    );
    for home in [&c.chief, &c.police, &c.ngao, &c.kdf] {
        home.ok(&["verify"]);
    }
    let (_, refused_at_hub) = c.hub.entry_counts();
    assert_eq!(refused_at_hub, 0);
}

#[test]
fn a_step_the_table_does_not_allow_is_refused_and_records_nothing() {
    let c = county();
    let id = raid(&c.chief);
    for home in [&c.police, &c.ngao, &c.kdf] {
        home.sync();
    }
    refused(&c.chief, &["incident", "ack", &id], "only agency officers");
    refused(
        &c.police,
        &["incident", "assign", &id, "--lead", "nps"],
        "only the county commissioner's office",
    );
    refused(
        &c.ngao,
        &["incident", "assign", &id, "--lead", "army"],
        "--lead: unknown agency \"army\"",
    );
    refused(
        &c.kdf,
        &["incident", "close", &id, "--outcome", "resolved"],
        "only the lead agency or ngao",
    );
    refused(
        &c.ngao,
        &["incident", "close", &id, "--outcome", "finished"],
        "--outcome: unknown outcome",
    );
    refused(&c.police, &["incident", "ack", "zzzz"], "zzzz");
    refused(
        &c.ngao,
        &["incident", "reopen", &id, "--note", "again"],
        "only a closed report can be reopened",
    );
    refused(
        &c.ngao,
        &["incident", "update", &id, "--note", " "],
        "--note",
    );
    c.ngao
        .ok(&["incident", "close", &id, "--outcome", "false_alarm"]);
    refused(
        &c.ngao,
        &["incident", "close", &id, "--outcome", "resolved"],
        "already closed",
    );
    refused(&c.police, &["incident", "link", &id, &id], "itself");
}

#[test]
fn linked_reports_of_one_raid_name_each_other_from_the_primary() {
    let c = county();
    let first = raid(&c.chief);
    let second = raid(&c.chief);
    c.police.sync();
    c.police.ok(&["incident", "link", &first, &second]);
    c.police.sync();
    c.chief.sync();
    assert_eq!(
        c.chief.json(&["report", "show", &first])["linked"],
        json!([second])
    );
}

#[test]
fn needs_assessments_reach_the_county_and_their_gaps_are_totalled() {
    let c = county();
    let needs = json!({
        "operation": "Recover the cattle taken at Kanyerus", "area": OMBOLION,
        "from": "2026-11-27", "to": "2099-12-31", "lead": "kdf",
        "items": [{"resource": "vehicles", "have": 2, "need": 5},
                  {"resource": "fuel", "have": 100, "need": 400, "note": "litres"},
                  {"resource": "radios", "have": 10, "need": 6}]
    });
    let file = c.kdf.file("needs.json", &needs);
    let id = c.kdf.json(&["needs", "add", &file])["id"]
        .as_str()
        .expect("id")
        .to_owned();
    c.kdf.sync();
    // Every officer's device receives it; a chief's does not.
    c.police.sync();
    c.chief.sync();
    let listed = c.police.json(&["needs", "list", "--open"]);
    assert_eq!(listed["assessments"][0]["id"], id.as_str());
    assert_eq!(listed["open_gaps"]["vehicles"], 3);
    assert_eq!(listed["open_gaps"]["fuel"], 300);
    assert_eq!(listed["open_gaps"]["radios"], 0, "a surplus is no gap");
    assert_eq!(c.chief.json(&["needs", "list"])["assessments"], json!([]));

    // Only officers record them, and bad input is named field by field.
    let before = c.chief.entry_count();
    let out = c
        .chief
        .run(&["needs", "add", &c.chief.file("n.json", &needs)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("only agency officers"),
        "{}",
        stderr(&out)
    );
    assert_eq!(c.chief.entry_count(), before);
    let bad = c.kdf.file("bad.json", &json!({"operation": "x", "area": OMBOLION, "from": "2026-11-27",
        "to": "2026-11-20", "lead": "army", "items": [{"resource": "tanks", "have": 1, "need": 2}]}));
    let out = c.kdf.run(&["needs", "add", &bad]);
    assert_eq!(out.status.code(), Some(2));
    for says in [
        "to: 2026-11-20 is before",
        "lead: unknown agency",
        "items[0].resource: unknown resource",
    ] {
        assert!(stderr(&out).contains(says), "{says}: {}", stderr(&out));
    }
}
