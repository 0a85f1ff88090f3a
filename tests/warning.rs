//! Early warning across devices: a report that meets a trigger raises the same warning on
//! every device that may see it; an officer's acknowledgement reaches the county and the
//! reporting chief; the county's settings reach every device and change what they show.

use serde_json::{json, Value};

use crate::helpers::{hub_cli, hub_json, stderr, Home, TestHub};

const OMBOLION: &str = "ke-024-l-ombolion";

fn killing() -> Value {
    json!({
        "type": "killing",
        "urgency": "flash",
        "occurred_at": "2026-11-20T05:30:00+03:00",
        "unit": OMBOLION,
        "place": "Kanyerus borehole",
        "narrative": "Two herders shot at the borehole at dawn; 120 cattle driven toward the border.",
        "people": {"killed": 2},
        "livestock": [{"species": "cattle", "stolen": 120, "estimate": true}]
    })
}

fn warnings(home: &Home) -> Vec<Value> {
    home.json(&["warning", "list"])["warnings"]
        .as_array()
        .expect("a list")
        .clone()
}

#[test]
fn a_killing_is_warned_everywhere_and_its_acknowledgement_loops_back() {
    let hub = TestHub::start();
    let chief = Home::enrolled(&hub, "Joseph Korkimul", "chief", OMBOLION, None);
    let ngao = Home::enrolled(&hub, "ACC Kapenguria", "officer", "ke-024", Some("ngao"));
    let police = Home::enrolled(&hub, "Inspector Lokwang", "officer", "ke-024", Some("nps"));
    let id = chief.add(&killing());
    // The chief's own device raises it before any sync.
    let on_chief = warnings(&chief);
    assert_eq!(on_chief.len(), 1, "{on_chief:?}");
    let warning = on_chief[0]["id"].as_str().expect("an id").to_owned();
    assert_eq!(on_chief[0]["reports"], json!([id]));
    chief.sync();
    ngao.sync();
    let on_ngao = warnings(&ngao);
    assert_eq!(on_ngao.len(), 1);
    assert_eq!(
        on_ngao[0]["id"],
        json!(warning),
        "the same id on every device"
    );
    assert_eq!(on_ngao[0]["acknowledgements"], json!([]));
    // A chief may not acknowledge, and nothing is recorded.
    let before = chief.entry_count();
    let out = chief.run(&["warning", "ack", &warning, "--note", "seen"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("only agency officers"),
        "{}",
        stderr(&out)
    );
    assert_eq!(chief.entry_count(), before);
    // An empty note is refused by name.
    let out = ngao.run(&["warning", "ack", &warning, "--note", "  "]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("note"), "{}", stderr(&out));
    ngao.ok(&[
        "warning",
        "ack",
        &warning,
        "--note",
        "Two NPR teams sent to Kanyerus; elders called to a baraza.",
    ]);
    ngao.sync();
    chief.sync();
    police.sync();
    for home in [&chief, &police, &ngao] {
        let w = warnings(home);
        let acks = w[0]["acknowledgements"].as_array().expect("acks");
        assert_eq!(acks.len(), 1, "{w:?}");
        assert_eq!(acks[0]["by"]["name"], json!("ACC Kapenguria"));
        assert!(acks[0]["note"]
            .as_str()
            .expect("note")
            .contains("NPR teams"));
    }
    // The acknowledgement is in the report's signed timeline.
    let shown = chief.json(&["report", "show", &id]);
    let kinds: Vec<&str> = shown["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|t| t["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"warning_acknowledged"), "{kinds:?}");

    // A raid in the same location a week later is the warning's follow-up; the restricted
    // summary lists the warning, its acknowledgement and the follow-up, the public one counts.
    let mut later = killing();
    later["type"] = json!("livestock_raid");
    later["occurred_at"] = json!("2026-11-27T05:30:00+03:00");
    later["people"] = json!({"killed": 0});
    later["livestock"] = json!([{"species": "goats", "stolen": 12}]);
    chief.add(&later);
    chief.sync();
    ngao.sync();
    let summary = |edition: &str| {
        let out = ngao.path().join(format!("{edition}.html"));
        ngao.ok(&[
            "summary",
            "--unit",
            "ke-024",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--format",
            "html",
            "--edition",
            edition,
            "--out",
            &out.display().to_string(),
        ]);
        std::fs::read_to_string(out).expect("html")
    };
    let restricted = summary("restricted");
    assert!(restricted.contains("Early warning (1)"), "{restricted}");
    assert!(
        restricted.contains("ACC Kapenguria (NGAO): Two NPR teams"),
        "{restricted}"
    );
    assert!(restricted.contains("Serious incident or provocative sign"));
    let section = &restricted[restricted.find("Early warning (1)").expect("section")..];
    assert!(
        section.contains("<td>Yes</td>"),
        "followed by the raid: {section}"
    );
    let public = summary("public");
    assert!(public.contains("Warnings by sub-county"), "{public}");
    assert!(
        !public.contains("Two NPR teams"),
        "the public edition shows only counts"
    );
}

#[test]
fn the_countys_settings_reach_every_device_and_bad_ones_change_nothing() {
    let hub = TestHub::start();
    let chief = Home::enrolled(&hub, "Joseph Korkimul", "chief", OMBOLION, None);
    let police = Home::enrolled(&hub, "Inspector Lokwang", "officer", "ke-024", Some("nps"));
    let mut raid = killing();
    raid["type"] = json!("livestock_raid");
    raid["people"] = json!({"killed": 0});
    chief.add(&raid);
    chief.sync();
    police.sync();
    assert_eq!(
        warnings(&police).len(),
        1,
        "120 head reach the default threshold"
    );

    let dir = tempfile::tempdir().expect("dir");
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"{"livestock_threshold": -1, "provocative": ["rain_dance"]}"#,
    )
    .expect("written");
    let before = hub_json(&hub, &["warnings", "show"]);
    let out = hub_cli(&hub, &["warnings", "set", bad.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    for named in ["livestock_threshold", "provocative[0]", "rain_dance"] {
        assert!(stderr(&out).contains(named), "{named}: {}", stderr(&out));
    }
    assert_eq!(hub_json(&hub, &["warnings", "show"]), before);

    let good = dir.path().join("good.json");
    std::fs::write(&good, r#"{"livestock_threshold": 200}"#).expect("written");
    let set = hub_json(&hub, &["warnings", "set", good.to_str().expect("path")]);
    assert_eq!(set["livestock_threshold"], json!(200));
    chief.sync();
    police.sync();
    for home in [&chief, &police] {
        let view = home.json(&["warning", "list"]);
        assert_eq!(view["warnings"], json!([]), "threshold raised: {view}");
        assert_eq!(view["county_settings"], json!(true));
    }
}
