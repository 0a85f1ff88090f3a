//! What the hub and devices admit of entries recorded elsewhere: a crafted device's entries are
//! checked with the author's parsers, kept as refused when they fail, and reach no device; the
//! gazetteer never loops; text that no author may write any more is escaped on output.

use serde_json::{json, Value};
use usalama_core::ledger::{Draft, Entry, EntryKind, Hash, ReportId};

use crate::helpers::{hub_cli, stderr, Home, TestHub};
use crate::sync::RawDevice;

const OMBOLION: &str = "ke-024-l-ombolion";
/// 2026-11-25T12:00:00Z: after the documents' `occurred_at`, as an author's clock would be.
const AT: i64 = 1_795_608_000_000;

/// A device sending entries of its own making, chained and signed.
struct Crafted {
    device: RawDevice,
    chain: Vec<Entry>,
}

impl Crafted {
    fn enroll(hub: &TestHub, seed: u8) -> Crafted {
        Crafted {
            device: RawDevice::enroll(hub, seed),
            chain: Vec::new(),
        }
    }

    fn entry(&mut self, kind: EntryKind, subject: Option<ReportId>, body: Vec<u8>) -> Entry {
        let prev = self.chain.last().map_or(Hash::GENESIS, Entry::hash);
        let seq = self.chain.len() as u64 + 1;
        let draft = Draft {
            kind,
            subject,
            body,
        };
        let e = Entry::sign(draft, &self.device.key, seq, prev, AT + seq as i64);
        self.chain.push(e.clone());
        e
    }

    /// Sends `entries` in one sync request; the hub must accept the request.
    fn send(&mut self, entries: &[Entry]) {
        let body = self.device.request(entries);
        let (status, answer) = self.device.send(body);
        assert_eq!(status, 200, "{answer}");
    }
}

fn report(unit: &str) -> Value {
    json!({
        "type": "killing", "urgency": "flash", "occurred_at": "2026-11-20T05:30:00+03:00",
        "unit": unit, "place": "Lami Nyeusi", "narrative": "Two herders were shot at dawn.",
        "people": {"killed": 2}
    })
}

fn refusals(hub: &TestHub) -> Vec<(String, String)> {
    hub.hub
        .refused()
        .expect("refused")
        .into_iter()
        .map(|r| (r.kind, r.reason))
        .collect()
}

#[test]
fn a_report_with_a_huge_count_is_kept_as_refused_and_reaches_no_device() {
    let hub = TestHub::start();
    let chief = Home::enrolled(&hub, "Chief Ombolion", "chief", OMBOLION, None);
    let mut crafted = Crafted::enroll(&hub, 31);
    let mut doc = report(OMBOLION);
    doc["people"]["killed"] = json!(u64::MAX - 1);
    let huge = crafted.entry(EntryKind::ReportFiled, None, doc.to_string().into_bytes());
    let mut doc = report(OMBOLION);
    doc["livestock"] = json!([{"species": "cattle", "stolen": 100_001}]);
    let over = crafted.entry(EntryKind::ReportFiled, None, doc.to_string().into_bytes());
    let fine = crafted.entry(
        EntryKind::ReportFiled,
        None,
        report(OMBOLION).to_string().into_bytes(),
    );
    crafted.send(&[huge.clone(), over, fine.clone()]);

    let refused = refusals(&hub);
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(refused[0].1.contains("people.killed"), "{refused:?}");
    assert!(refused[1].1.contains("livestock[0].stolen"), "{refused:?}");
    // Kept (the chain stays whole), with no effect.
    assert_eq!(hub.entry_counts().1, 2);

    chief.sync();
    assert_eq!(chief.report_ids(), [fine.report_id().to_string()]);
    let out = chief.run(&["report", "show", &huge.report_id().to_string()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let summary = chief.path().join("s.csv");
    chief.ok(&[
        "summary",
        "--unit",
        "ke-024",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--format",
        "csv",
        "--out",
        &summary.display().to_string(),
    ]);
}

#[test]
fn units_must_exist_and_steps_and_unknown_kinds_are_checked() {
    let hub = TestHub::start();
    let mut crafted = Crafted::enroll(&hub, 32);
    let nowhere = crafted.entry(
        EntryKind::ReportFiled,
        None,
        report("ke-024-nowhere").to_string().into_bytes(),
    );
    // A retired unit counts: it was current when the author filed.
    hub.hub.retire_unit("ke-024-v-takaywa").expect("retired");
    let retired = crafted.entry(
        EntryKind::ReportFiled,
        None,
        report("ke-024-v-takaywa").to_string().into_bytes(),
    );
    let amend = crafted.entry(
        EntryKind::ReportAmended,
        Some(retired.report_id()),
        json!({"unit": "ke-024-nowhere"}).to_string().into_bytes(),
    );
    let large = crafted.entry(EntryKind::Unknown(4242), None, vec![b'x'; 5000]);
    let small = crafted.entry(EntryKind::Unknown(4243), None, vec![b'x'; 4096]);
    crafted.send(&[nowhere, retired, amend, large, small]);

    let refused = refusals(&hub);
    let reasons: Vec<&str> = refused.iter().map(|(_, r)| r.as_str()).collect();
    assert_eq!(refused.len(), 3, "{refused:?}");
    assert!(reasons[0].contains("not in the gazetteer"), "{reasons:?}");
    assert_eq!(refused[1].0, "report_amended");
    assert!(reasons[1].contains("not in the gazetteer"), "{reasons:?}");
    assert_eq!(refused[2].0, "unknown_4242");
    assert!(reasons[2].contains("at most 4096 bytes"), "{reasons:?}");
    // The oversized body is not kept, only its hash; the small one is kept whole.
    let hub_db = rusqlite::Connection::open(hub.dir.path().join("hub.db")).expect("opens");
    let kept: Vec<(i64, Option<i64>)> = hub_db
        .prepare("SELECT kind, length(body) FROM entries WHERE kind IN (4242, 4243) ORDER BY kind")
        .expect("query")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("read");
    assert_eq!(kept, [(4242, None), (4243, Some(4096))]);
}

#[test]
fn a_second_filing_with_a_report_id_already_held_is_refused() {
    let hub = TestHub::start();
    let mut crafted = Crafted::enroll(&hub, 33);
    let filing = crafted.entry(
        EntryKind::ReportFiled,
        None,
        report(OMBOLION).to_string().into_bytes(),
    );
    // Grinding 80 bits is out of reach of a test: the hub is made to hold a report with the
    // id this filing will claim, as if another device's filing had been ground to it.
    let other = Crafted::enroll(&hub, 34);
    let other_id = usalama_core::ledger::DeviceId::of(&other.device.key.verifying_key());
    usalama_hub::db::write(hub.hub.db(), |tx| {
        let person = tx.device(&other_id)?.expect("enrolled").person;
        tx.upsert_report(&usalama_hub::db::ReportScope {
            id: filing.report_id(),
            author: other_id,
            person,
            unit: OMBOLION.into(),
            rescoped: 0,
        })
    })
    .expect("held");
    crafted.send(std::slice::from_ref(&filing));
    let refused = refusals(&hub);
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(refused[0].1.contains("already held"), "{refused:?}");
    let scope = usalama_hub::db::read(hub.hub.db(), |tx| tx.report(&filing.report_id()))
        .expect("read")
        .expect("held");
    assert_eq!(scope.author, other_id, "the first holder keeps the id");
}

#[test]
fn a_loop_of_units_cannot_be_added_to_and_hangs_nothing() {
    let hub = TestHub::start();
    // A damaged gazetteer: Pokot North placed under Ombolion, one of its own locations.
    let mut north = hub
        .hub
        .units()
        .expect("units")
        .into_iter()
        .find(|u| u.id == "ke-024-sc-pokot-north")
        .expect("Pokot North");
    north.parent = Some(OMBOLION.into());
    usalama_hub::db::write(hub.hub.db(), |tx| tx.upsert_unit(&north)).expect("damaged");
    let out = hub_cli(
        &hub,
        &[
            "units",
            "add",
            "--name",
            "Kases",
            "--kind",
            "division",
            "--parent",
            "ke-024-sc-pokot-north",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("loop"), "{}", stderr(&out));
    // A device whose jurisdiction lies on the loop syncs: the hub's subtree walk ends.
    let chief = Home::enrolled(&hub, "Chief Ombolion", "chief", OMBOLION, None);
    chief.add(&report(OMBOLION));
    chief.sync();
    chief.ok(&["report", "list", "--unit", OMBOLION]);
}

#[test]
fn control_characters_are_refused_in_new_reports_and_escaped_when_received() {
    let hub = TestHub::start();
    let chief = Home::enrolled(&hub, "Chief Ombolion", "chief", OMBOLION, None);
    let mut doc = report(OMBOLION);
    doc["narrative"] = json!("Raiders fled \u{202E}revir eht sdrawot\u{202C} at dawn.");
    let file = chief.file("bidi.json", &doc);
    let out = chief.run(&["report", "add", &file]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("narrative"), "{}", stderr(&out));
    assert!(stderr(&out).contains("U+202E"), "{}", stderr(&out));
    assert_eq!(chief.report_count(), 0);

    // The same text from another device (an older version, or one that ignores the rule) is
    // admitted, and shown escaped.
    let mut crafted = Crafted::enroll(&hub, 35);
    doc["place"] = json!("Lami\u{1b}[2J\u{1b}[H Nyeusi");
    let filing = crafted.entry(EntryKind::ReportFiled, None, doc.to_string().into_bytes());
    crafted.send(std::slice::from_ref(&filing));
    assert!(refusals(&hub).is_empty());
    chief.sync();
    let id = filing.report_id().to_string();
    for args in [vec!["report", "show", id.as_str()], vec!["report", "list"]] {
        let shown = chief.ok(&args);
        assert!(
            !shown.contains('\u{202E}') && !shown.contains('\u{1b}'),
            "{args:?}: {shown:?}"
        );
        assert!(shown.contains("\\u{001b}[2J"), "{args:?}: {shown}");
    }
    let shown = chief.ok(&["report", "show", &id]);
    assert!(shown.contains("\\u{202e}revir eht"), "{shown}");
    // JSON output carries the text as it is, escaped by JSON.
    let json = chief.json(&["report", "show", &id]);
    assert_eq!(json["narrative"], doc["narrative"]);
}

#[test]
fn closing_figures_are_counts_like_a_reports() {
    let officer = Home::new();
    officer.ok(&[
        "init",
        "--name",
        "NGAO desk",
        "--role",
        "officer",
        "--agency",
        "ngao",
        "--unit",
        "ke-024",
    ]);
    let id = officer.add(&report(OMBOLION));
    let figures = officer.file(
        "figures.json",
        &json!({"arrests": u64::MAX - 1, "livestock": [{"species": "cattle", "recovered": -1}],
                "bribes": 1}),
    );
    let out = officer.run(&[
        "incident",
        "close",
        &id,
        "--outcome",
        "resolved",
        "--figures",
        &figures,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    for field in ["arrests", "livestock[0].recovered", "bribes"] {
        assert!(stderr(&out).contains(field), "{field}: {}", stderr(&out));
    }
    let good = officer.file(
        "good.json",
        &json!({"arrests": 2, "livestock": [{"species": "cattle", "recovered": 60}]}),
    );
    officer.ok(&[
        "incident",
        "close",
        &id,
        "--outcome",
        "resolved",
        "--figures",
        &good,
    ]);
}

#[test]
fn the_hubs_lists_escape_names_a_tampered_database_holds() {
    let hub = TestHub::start();
    let _chief = Home::enrolled(&hub, "Joseph Korkimul", "chief", "ke-024-l-ombolion", None);
    // Names are checked when the administrator types them; a database changed behind the hub's
    // back is printed escaped all the same, never as a line or a terminal command of its own.
    let db = rusqlite::Connection::open(hub.dir.path().join("hub.db")).expect("opens");
    db.execute(
        "UPDATE devices SET name = 'Joseph\nSTATE active\u{1b}[2J' WHERE name = 'Joseph Korkimul'",
        [],
    )
    .expect("tampered");
    db.execute(
        "UPDATE units SET name = 'Ombolion\u{202e}' WHERE id = 'ke-024-l-ombolion'",
        [],
    )
    .expect("tampered");
    drop(db);
    let listed = hub_cli(&hub, &["devices", "list"]);
    assert_eq!(listed.status.code(), Some(0), "{}", stderr(&listed));
    let listed = String::from_utf8(listed.stdout).expect("text");
    assert!(
        !listed.contains('\u{1b}') && !listed.contains("Joseph\n"),
        "{listed:?}"
    );
    assert!(listed.contains("Joseph\\u{000a}STATE"), "{listed:?}");
    let units = hub_cli(&hub, &["units", "list"]);
    let units = String::from_utf8(units.stdout).expect("text");
    assert!(!units.contains('\u{202e}'), "{units:?}");
    assert!(units.contains("Ombolion"), "{units:?}");
}
