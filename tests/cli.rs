//! The `usalama` command line, as INTERFACES.md specifies it.

use serde_json::{json, Value};

use crate::helpers::{stderr, timeline_kinds, Home, PASSPHRASE};

fn raid() -> Value {
    usalama_tests::report_doc(3)
}

fn with(mut doc: Value, key: &str, value: Value) -> Value {
    doc[key] = value;
    doc
}

fn without(mut doc: Value, key: &str) -> Value {
    doc.as_object_mut().expect("object").remove(key);
    doc
}

#[test]
fn a_recorded_report_is_listed_and_shown_with_its_timeline() {
    let home = Home::chief();
    let id = home.add(&raid());
    assert_eq!(id.len(), 16);
    let list = home.json(&["report", "list"]);
    let row = &list[0];
    assert_eq!(row["id"], json!(id));
    assert_eq!(row["type"], "livestock_raid");
    assert_eq!(row["urgency"], "urgent");
    assert_eq!(row["status"], "pending");
    assert_eq!(row["occurred_at"], "2026-11-20T05:30:00+03:00");
    assert_eq!(row["unit"], "ke-024-v-takaywa");
    assert_eq!(row["place"], "Borehole number 3");

    let shown = home.json(&["report", "show", &id]);
    assert_eq!(shown["id"], json!(id));
    assert_eq!(shown["narrative"], raid()["narrative"]);
    assert_eq!(shown["people"], json!({"killed": 3, "injured": null}));
    assert_eq!(shown["reported_by"]["name"], "Joseph Korkimul");
    assert_eq!(shown["reported_by"]["role"], "chief");
    assert_eq!(shown["status"], "pending");
    let timeline = shown["timeline"].as_array().expect("timeline");
    assert_eq!(timeline.len(), 1);
    assert_eq!(timeline[0]["kind"], "report_filed");
    assert_eq!(timeline[0]["by"]["name"], "Joseph Korkimul");

    let text = home.ok(&["report", "show", &id[..6]]);
    assert!(text.contains("Borehole number 3"), "{text}");
}

#[test]
fn report_add_takes_many_files_and_arrays_and_prints_ids_in_order() {
    let home = Home::chief();
    let a = home.file("a.json", &usalama_tests::report_doc(1));
    let b = home.file(
        "b.json",
        &json!([usalama_tests::report_doc(2), usalama_tests::report_doc(4)]),
    );
    let out = home.ok(&["report", "add", &a, &b]);
    let ids: Vec<&str> = out.lines().collect();
    assert_eq!(ids.len(), 3);
    for (id, n) in ids.iter().zip([1, 2, 4]) {
        let shown = home.json(&["report", "show", id]);
        assert_eq!(shown["place"], json!(format!("Borehole number {n}")));
    }
    let piped = home.run_with_input(
        &["report", "add", "-", "--json"],
        &usalama_tests::report_doc(9).to_string(),
    );
    assert_eq!(piped.status.code(), Some(0), "{}", stderr(&piped));
    let ids: Value = serde_json::from_slice(&piped.stdout).expect("json");
    assert_eq!(ids.as_array().map(Vec::len), Some(1));
    assert_eq!(home.report_count(), 4);
}

#[test]
fn each_bad_input_is_refused_with_exit_2_naming_the_field_and_nothing_is_written() {
    let home = Home::chief();
    home.add(&raid());
    let entries = home.entry_count();
    let future = time::OffsetDateTime::now_utc() + time::Duration::days(2);
    let future = future
        .format(&time::format_description::well_known::Rfc3339)
        .expect("formats");
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "unknown field",
            with(raid(), "colour", json!("red")),
            "colour",
        ),
        (
            "unknown type",
            with(raid(), "type", json!("cattle_raid")),
            "type",
        ),
        (
            "unknown urgency",
            with(raid(), "urgency", json!("now")),
            "urgency",
        ),
        (
            "unknown unit",
            with(raid(), "unit", json!("ke-024-v-nowhere")),
            "unit",
        ),
        (
            "unknown species",
            with(
                raid(),
                "livestock",
                json!([{"species": "yaks", "stolen": 1}]),
            ),
            "livestock[0].species",
        ),
        (
            "unknown agency",
            with(raid(), "agencies_notified", json!(["army"])),
            "agencies_notified[0]",
        ),
        (
            "negative count",
            with(raid(), "people", json!({"killed": -1})),
            "people.killed",
        ),
        (
            "fractional count",
            with(raid(), "people", json!({"injured": 1.5})),
            "people.injured",
        ),
        (
            "too large a count",
            with(
                raid(),
                "livestock",
                json!([{"species": "goats", "stolen": 100001}]),
            ),
            "livestock[0].stolen",
        ),
        (
            "negative split count",
            with(
                raid(),
                "people",
                json!({"killed": {"men": 1, "children": -2}}),
            ),
            "people.killed.children",
        ),
        (
            "date in the future",
            with(raid(), "occurred_at", json!(future)),
            "occurred_at",
        ),
        (
            "date before 2000",
            with(raid(), "occurred_at", json!("1999-12-31T23:00:00+03:00")),
            "occurred_at",
        ),
        (
            "date without offset",
            with(raid(), "occurred_at", json!("2026-11-20T05:30:00")),
            "occurred_at",
        ),
        (
            "latitude out of range",
            with(raid(), "gps", json!({"lat": 91, "lon": 35})),
            "gps",
        ),
        (
            "longitude out of range",
            with(raid(), "gps", json!({"lat": 1, "lon": -181})),
            "gps",
        ),
        (
            "empty narrative",
            with(raid(), "narrative", json!("   ")),
            "narrative",
        ),
        (
            "missing narrative",
            without(raid(), "narrative"),
            "narrative",
        ),
        ("missing type", without(raid(), "type"), "type"),
        (
            "neither unit nor place",
            without(without(raid(), "unit"), "place"),
            "unit",
        ),
        (
            "source without kind",
            with(raid(), "source", json!({"name": "x"})),
            "source.kind",
        ),
        ("not an object", json!("a raid"), "report document"),
    ];
    for (what, doc, field) in cases {
        let file = home.file("bad.json", &doc);
        let out = home.run(&["report", "add", &file]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{what}: {err}");
        assert!(
            err.contains(field),
            "{what}: the message should name {field}: {err}"
        );
        assert!(out.stdout.is_empty(), "{what}: printed an id");
        assert_eq!(home.entry_count(), entries, "{what}: something was written");
    }
    let file = home.path().join("broken.json");
    std::fs::write(&file, "{\"type\": \"killing\",").expect("written");
    let out = home.run(&["report", "add", &file.display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not valid JSON"), "{}", stderr(&out));
    assert_eq!(home.entry_count(), entries);
}

#[test]
fn every_problem_in_a_document_is_reported_at_once() {
    let home = Home::chief();
    let doc =
        json!({"type": "cattle_raid", "occurred_at": "yesterday", "narrative": "", "unit": "x"});
    let out = home.run_with_input(&["report", "add", "-"], &doc.to_string());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2));
    for field in ["type", "occurred_at", "narrative"] {
        assert!(
            err.lines().any(|l| l.contains(&format!(": {field}: "))),
            "{field}: {err}"
        );
    }
}

#[test]
fn one_bad_document_among_many_writes_nothing() {
    let home = Home::chief();
    let good = home.file("good.json", &usalama_tests::report_doc(1));
    let mixed = home.file(
        "mixed.json",
        &json!([
            usalama_tests::report_doc(2),
            with(raid(), "urgency", json!("soon"))
        ]),
    );
    let out = home.run(&["report", "add", &good, &mixed]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("[document 2]: urgency"),
        "{}",
        stderr(&out)
    );
    assert_eq!(home.report_count(), 0);
}

#[test]
fn an_amendment_changes_only_what_it_names_and_joins_the_timeline() {
    let home = Home::chief();
    let id = home.add(&raid());
    let file = home.file(
        "amend.json",
        &json!({"people": {"killed": 4}, "livestock": [{"species": "goats", "stolen": null}]}),
    );
    home.ok(&["report", "amend", &id, &file]);
    let shown = home.json(&["report", "show", &id]);
    assert_eq!(shown["people"], json!({"killed": 4, "injured": null}));
    assert_eq!(
        shown["livestock"],
        json!([{"species": "cattle", "stolen": 3, "estimate": true}, {"species": "goats", "stolen": null}])
    );
    assert_eq!(shown["narrative"], raid()["narrative"]);
    let kinds = timeline_kinds(&shown);
    assert_eq!(kinds, ["report_filed", "report_amended"]);
}

#[test]
fn a_bad_amendment_is_refused_and_nothing_is_written() {
    let home = Home::chief();
    let id = home.add(&raid());
    let entries = home.entry_count();
    for (doc, field) in [
        (json!({"narrative": null}), "narrative"),
        (json!({"people": {"killed": -2}}), "people.killed"),
        (json!({"unit": null, "place": null}), "unit"),
        (json!({"unit": "ke-024-v-nowhere"}), "unit"),
        (json!({}), "at least one field"),
        (json!({"colour": "red"}), "colour"),
    ] {
        let file = home.file("amend.json", &doc);
        let out = home.run(&["report", "amend", &id, &file]);
        assert_eq!(out.status.code(), Some(2), "{doc}: {}", stderr(&out));
        assert!(stderr(&out).contains(field), "{doc}: {}", stderr(&out));
        assert_eq!(home.entry_count(), entries, "{doc}: something was written");
    }
    let file = home.file("amend.json", &json!({"urgency": "flash"}));
    let out = home.run(&["report", "amend", "zzzzzzzz", &file]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no report"), "{}", stderr(&out));
}

#[test]
fn list_filters_by_type_unit_subtree_status_days_and_words() {
    let home = Home::chief();
    let takaywa = home.add(&raid()); // village under Ombolion location, Pokot North
    let sigor = home.add(&with(
        with(
            usalama_tests::report_doc(1),
            "unit",
            json!("ke-024-v-sigor"),
        ),
        "occurred_at",
        json!("2026-11-18T23:30:00+03:00"),
    ));
    let no_unit = home.add(&with(
        without(usalama_tests::report_doc(2), "unit"),
        "occurred_at",
        json!("2026-11-18T21:30:00Z"), // 19 November 00:30 in East Africa Time
    ));
    let ids = |args: &[&str]| -> Vec<String> {
        let mut full = vec!["report", "list"];
        full.extend_from_slice(args);
        home.json(&full)
            .as_array()
            .expect("array")
            .iter()
            .map(|r| r["id"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(
        ids(&[]),
        [takaywa.as_str(), no_unit.as_str(), sigor.as_str()]
    );
    assert_eq!(ids(&["--type", "livestock_raid"]), [takaywa.as_str()]);
    assert_eq!(
        ids(&["--unit", "ke-024-sc-pokot-north"]),
        [takaywa.as_str(), no_unit.as_str()]
    );
    assert_eq!(ids(&["--unit", "ke-024-v-takaywa"]), [takaywa.as_str()]);
    assert_eq!(
        ids(&["--unit", "ke-024-sc-pokot-central"]),
        [sigor.as_str()]
    );
    assert_eq!(
        ids(&["--unit", "ke-024-l-ombolion"]),
        [takaywa.as_str(), no_unit.as_str()]
    );
    assert_eq!(ids(&["--unit", "ke-024"]).len(), 3);
    assert!(ids(&["--unit", "ke-024-w0641"]).is_empty());
    assert_eq!(
        ids(&["--from", "2026-11-18", "--to", "2026-11-18"]),
        [sigor.as_str()]
    );
    assert_eq!(
        ids(&["--from", "2026-11-19"]),
        [takaywa.as_str(), no_unit.as_str()]
    );
    assert_eq!(
        ids(&["--to", "2026-11-19"]),
        [no_unit.as_str(), sigor.as_str()]
    );
    assert_eq!(ids(&["--status", "pending"]).len(), 3);
    assert!(ids(&["--status", "closed"]).is_empty());
    assert_eq!(ids(&["--search", "report 3"]), [takaywa.as_str()]);
    assert_eq!(ids(&["--search", "borehol"]).len(), 3);
    assert!(ids(&["--search", "elephant"]).is_empty());
    assert_eq!(ids(&["--limit", "1"]), [takaywa.as_str()]);
    for (args, field) in [
        (&["--type", "raid"][..], "--type"),
        (&["--status", "open"], "--status"),
        (&["--from", "20-11-2026"], "--from"),
        (&["--unit", "nowhere"], "unit"),
        (&["--from", "2026-11-20", "--to", "2026-11-19"], "--from"),
    ] {
        let mut full = vec!["report", "list"];
        full.extend_from_slice(args);
        let out = home.run(&full);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(field), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn a_wrong_passphrase_is_refused_and_leaves_the_store_untouched() {
    let home = Home::chief();
    home.add(&raid());
    let snapshot =
        || ["store.db", "store.key"].map(|f| std::fs::read(home.path().join(f)).expect("file"));
    let before = snapshot();
    let out = home
        .command(&["report", "add", &home.file("r.json", &raid())])
        .env("USALAMA_PASSPHRASE", "goats drink at the river")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("wrong passphrase"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(), before);
}

#[test]
fn the_store_holds_no_readable_report_text() {
    let home = Home::chief();
    let marker = "Zebrafinch-7731-informant";
    let mut doc = raid();
    doc["narrative"] = json!(format!("Seen by {marker} at the river"));
    doc["source"] = json!({"kind": "informant", "name": marker});
    home.add(&doc);
    for entry in std::fs::read_dir(home.path()).expect("home") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            continue; // the input files written by this test
        }
        let bytes = std::fs::read(&path).expect("read");
        let found = bytes.windows(marker.len()).any(|w| w == marker.as_bytes());
        assert!(!found, "{} holds report text", path.display());
        assert!(
            !bytes.starts_with(b"SQLite format 3"),
            "{} is not encrypted",
            path.display()
        );
    }
}

#[test]
fn the_passphrase_changes_and_the_recovery_code_unlocks_a_forgotten_one() {
    let home = Home::new();
    let init = home.json(&["init", "--name", "Mary", "--role", "assistant_chief"]);
    let code = init["recovery_code"].as_str().expect("code").to_owned();
    assert_eq!(code.len(), 23);
    let id = home.add(&raid());

    let out = home
        .command(&["passphrase", "change"])
        .env("USALAMA_NEW_PASSPHRASE", "camels by the dry river")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(home.run(&["report", "list"]).status.code(), Some(2));
    let out = home
        .command(&["report", "show", &id])
        .env("USALAMA_PASSPHRASE", "camels by the dry river")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));

    let wrong = home
        .command(&["recover", "--code", "AAAAA-AAAAA-AAAAA-AAAAA"])
        .env("USALAMA_NEW_PASSPHRASE", "a new phrase for the store")
        .output()
        .expect("runs");
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        stderr(&wrong).contains("recovery code"),
        "{}",
        stderr(&wrong)
    );

    let right = home
        .command(&["recover", "--code", &code.to_lowercase()])
        .env("USALAMA_NEW_PASSPHRASE", "a new phrase for the store")
        .output()
        .expect("runs");
    assert_eq!(right.status.code(), Some(0), "{}", stderr(&right));
    let out = home
        .command(&["report", "show", &id, "--json"])
        .env("USALAMA_PASSPHRASE", "a new phrase for the store")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn init_refuses_bad_input_and_a_second_store() {
    let home = Home::new();
    for (args, field) in [
        (&["init", "--name", "A", "--role", "king"][..], "role"),
        (
            &[
                "init", "--name", "A", "--role", "chief", "--unit", "nowhere",
            ],
            "unit",
        ),
        (
            &["init", "--name", "A", "--role", "chief", "--lang", "fr"],
            "lang",
        ),
        (&["init", "--name", "A", "--role", "officer"], "agency"),
        (&["init", "--name", " ", "--role", "chief"], "name"),
    ] {
        let out = home.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(field), "{args:?}: {}", stderr(&out));
        assert!(!home.path().join("store.key").exists());
    }
    let short = home
        .command(&["init", "--name", "A", "--role", "chief"])
        .env("USALAMA_PASSPHRASE", "1234")
        .output()
        .expect("runs");
    assert_eq!(short.status.code(), Some(2));
    assert!(stderr(&short).contains("passphrase"), "{}", stderr(&short));

    home.ok(&["init", "--name", "A", "--role", "chief"]);
    let again = home.run(&["init", "--name", "B", "--role", "chief"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn commands_before_init_say_how_to_start() {
    let home = Home::new();
    let out = home.run(&["report", "list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("usalama init"), "{}", stderr(&out));
}

#[test]
fn units_list_gives_ids_names_kinds_and_parents() {
    let home = Home::new();
    let units = home.json(&["units", "list"]);
    let units = units.as_array().expect("array");
    let ward = units
        .iter()
        .find(|u| u["id"] == "ke-024-w0641")
        .expect("Riwo ward");
    assert_eq!(ward["name"], "Riwo");
    assert_eq!(ward["kind"], "ward");
    assert_eq!(ward["parent"], "ke-024-c129");
    assert!(units
        .iter()
        .all(|u| u["id"].is_string() && u["kind"].is_string()));
    let chief = Home::chief();
    assert_eq!(
        chief.json(&["units", "list"]).as_array().map(Vec::len),
        Some(units.len())
    );
}

#[test]
fn an_administrator_cannot_file_reports() {
    let home = Home::new();
    home.ok(&["init", "--name", "ICT", "--role", "admin"]);
    let out = home.run(&["report", "add", &home.file("r.json", &raid())]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot file reports"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn json_output_is_exactly_one_document() {
    let home = Home::chief();
    let id = home.add(&raid());
    for args in [
        vec!["report", "list", "--json"],
        vec!["report", "show", id.as_str(), "--json"],
        vec!["verify", "--json"],
        vec!["units", "list", "--json"],
    ] {
        let out = home.ok(&args);
        serde_json::from_str::<Value>(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"));
    }
    let _ = PASSPHRASE;
}

#[test]
fn init_and_passphrase_change_refuse_a_guessable_passphrase_naming_the_field() {
    let home = Home::new();
    let init = |passphrase: &str| {
        home.command(&[
            "init",
            "--name",
            "Joseph Korkimul",
            "--role",
            "chief",
            "--unit",
            "ke-024-l-ombolion",
        ])
        .env("USALAMA_PASSPHRASE", passphrase)
        .output()
        .expect("runs")
    };
    for (passphrase, why) in [
        ("cows drink at the borehole", "example phrase"),
        ("Joseph Korkimul", "your own name"),
        ("Ombolion 2026", "name of an area (Ombolion)"),
        ("07221234567", "digits only"),
        ("password2026", "very common"),
    ] {
        let out = init(passphrase);
        assert_eq!(out.status.code(), Some(2), "{passphrase}");
        let err = stderr(&out);
        assert!(err.contains("usalama: passphrase: "), "{passphrase}: {err}");
        assert!(err.contains(why), "{passphrase}: {err}");
        assert!(!home.path().join("store.key").exists());
    }
    // A single long word is accepted, with a hint on standard error.
    let out = init("Lomutkapchokseker");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("hint: the passphrase is a single word"));

    let change = home
        .command(&["passphrase", "change"])
        .env("USALAMA_PASSPHRASE", "Lomutkapchokseker")
        .env("USALAMA_NEW_PASSPHRASE", "korkimul!!")
        .output()
        .expect("runs");
    assert_eq!(change.status.code(), Some(2));
    assert!(stderr(&change).contains("passphrase: is too easy to guess"));
}

#[cfg(unix)]
#[test]
fn the_store_folder_and_its_files_are_private_to_the_user() {
    use std::os::unix::fs::PermissionsExt;
    let home = Home::chief();
    home.add(&raid());
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode(home.path()), 0o700);
    for entry in std::fs::read_dir(home.path()).expect("home") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            continue; // the input files written by this test
        }
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
}

/// The desktop app and the CLI parse a list's filters and a summary's options with the one
/// parser of the core: the same bad values get the same fields refused in both. (The desktop's
/// `list_reports` and `summary` commands take exactly these types, from the JSON the UI sends.)
#[test]
fn both_shells_refuse_the_same_bad_filters_and_summary_options_naming_the_same_fields() {
    use usalama_core::request::{Naming, ReportQuery, SummaryQuery};
    let home = Home::chief();
    let fields = |e: usalama_core::Error| match e {
        usalama_core::Error::Invalid(problems) => {
            problems.0.into_iter().map(|p| p.field).collect::<Vec<_>>()
        }
        other => panic!("not a refusal naming fields: {other}"),
    };
    for (desktop, cli) in [
        (json!({"type": "raid"}), vec!["--type", "raid"]),
        (json!({"status": "open"}), vec!["--status", "open"]),
        (json!({"from": "20-11-2026"}), vec!["--from", "20-11-2026"]),
        (
            json!({"from": "2026-11-20", "to": "2026-11-19"}),
            vec!["--from", "2026-11-20", "--to", "2026-11-19"],
        ),
    ] {
        let query: ReportQuery = serde_json::from_value(desktop.clone()).expect("the UI's shape");
        let refused = fields(query.filter(Naming::Fields).expect_err("refused"));
        let mut args = vec!["report", "list"];
        args.extend(&cli);
        let out = home.run(&args);
        assert_eq!(out.status.code(), Some(2), "{cli:?}");
        for field in &refused {
            assert!(
                stderr(&out).contains(&format!("--{field}")),
                "{desktop}: the desktop refuses {field}; the CLI said {}",
                stderr(&out)
            );
        }
    }
    let summary = json!({"unit": "ke-024", "from": "2026-11-30", "to": "2026-11-01",
                         "edition": "secret"});
    let query: SummaryQuery = serde_json::from_value(summary).expect("the UI's shape");
    let refused = fields(query.parse(Naming::Fields).expect_err("refused"));
    assert_eq!(refused, ["edition", "from"]);
    let out = home.run(&[
        "summary",
        "--unit",
        "ke-024",
        "--from",
        "2026-11-30",
        "--to",
        "2026-11-01",
        "--format",
        "pdf",
        "--edition",
        "secret",
        "--out",
        "/nonexistent/summary.pdf",
    ]);
    assert_eq!(out.status.code(), Some(2));
    for field in &refused {
        assert!(
            stderr(&out).contains(&format!("--{field}")),
            "{}",
            stderr(&out)
        );
    }
}
