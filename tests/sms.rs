//! Flash alerts by SMS from a chief's device: the alert recorded on the chief's chain, the
//! county's SMS number reaching the device at its sync, and the alert text accepted by the
//! hub's SMS intake as gammu-smsd would hand it over; then the alert in an officer's inbox at
//! once, the acknowledgement texted back, and the full report, synced later, counted once.

use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::helpers::{hub_cli, hub_device, hub_json, stderr, Home, TestHub};

const OMBOLION: &str = "ke-024-l-ombolion";

/// A flash raid half an hour ago: an alert is made within 7 days of the incident.
fn raid() -> Value {
    let occurred = (OffsetDateTime::now_utc() - Duration::minutes(30))
        .to_offset(usalama_core::EAT)
        .format(&Rfc3339)
        .expect("a time");
    json!({
        "type": "livestock_raid",
        "urgency": "flash",
        "occurred_at": occurred,
        "unit": OMBOLION,
        "place": "Kanyerus borehole",
        "narrative": "About 40 armed raiders drove cattle toward the Turkwel river at dawn.",
        "people": {"killed": 2, "injured": null},
        "livestock": [{"species": "cattle", "stolen": 150, "estimate": true}]
    })
}

#[test]
fn a_chiefs_flash_alert_shows_the_hubs_number_and_its_text_is_accepted_by_the_hub() {
    let hub = TestHub::start();
    let chief = Home::enrolled(&hub, "Joseph Korkimul", "chief", OMBOLION, None);
    let id = chief.add(&raid());
    chief.sync();
    // Before the county sets a number the alert is made, and the chief told whom to ask.
    let shown = chief.ok(&["report", "alert", &id]);
    assert!(
        shown.contains("The county hub has not given an SMS number yet"),
        "{shown}"
    );
    let out = hub_cli(&hub, &["sms", "number", "0712 345 678"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("number"), "{}", stderr(&out));
    hub_cli(&hub, &["sms", "number", "+254 712 345 678"]);
    assert_eq!(
        hub_json(&hub, &["sms", "number"]),
        json!({"number": "+254712345678"})
    );
    chief.sync();
    let before = chief.entry_count();
    let alert = chief.json(&["report", "alert", &id, "--note", "ignored: made before"]);
    assert_eq!(chief.entry_count(), before, "asking again records nothing");
    assert_eq!(alert["counter"], 1);
    assert_eq!(alert["number"], "+254712345678");
    let full = alert["full"].as_str().expect("the full text");
    assert_eq!(full.len(), 160);
    assert_eq!(
        alert["sms_uri"],
        json!(format!("SMSTO:+254712345678:{full}"))
    );
    let shown = chief.ok(&["report", "alert", &id]);
    assert!(
        shown.contains("+254712345678") && shown.contains(full),
        "{shown}"
    );
    let short = alert["short"].as_str().expect("the short form");
    assert!(shown.contains(short), "{shown}");
    assert_eq!(short.split(' ').count(), 12);
    // The chief's sms_alert entry reaches the hub and takes effect there.
    chief.sync();
    // The text as gammu-smsd leaves it in the inbox folder of `serve --sms-inbox`, taken by the
    // intake's library call (the test hub serves without an inbox folder).
    let inbox = tempfile::tempdir().expect("an inbox");
    let received = OffsetDateTime::now_utc();
    let name = format!(
        "IN{:04}{:02}{:02}_{:02}{:02}{:02}_00_+254700000001_00.txt",
        received.year(),
        u8::from(received.month()),
        received.day(),
        received.hour(),
        received.minute(),
        received.second()
    );
    let file = inbox.path().join(name);
    std::fs::write(&file, full).expect("written");
    usalama_hub::gammu::take(&hub.hub, &file, true).expect("taken");
    let messages = hub_json(&hub, &["sms", "list"]);
    let messages = messages.as_array().expect("a list");
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0]["refusal"], Value::Null, "{messages:?}");
    assert_eq!(messages[0]["counter"], 1);
    assert_eq!(messages[0]["alert"]["unit"], OMBOLION);
    assert_eq!(messages[0]["alert"]["type"], "livestock_raid");
    // The full report reached the hub before the SMS: the alert is joined to it at once.
    assert_eq!(messages[0]["joined"], json!(id), "{messages:?}");
    // The administrator enrolls the chief's phone for the answers; a bad number changes nothing.
    let device = hub_device(&hub, "Joseph Korkimul", "id");
    let refused = hub_cli(&hub, &["devices", "phone", &device, "0712 000 222"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    let phone = hub_json(
        &hub,
        &[
            "devices",
            "phone",
            &device,
            "+254 712 000 222",
            "--lang",
            "en",
        ],
    );
    assert_eq!(phone["number"], "+254712000222");
    assert_eq!(phone["lang"], "en");
}

/// gammu's name for a message received now from `sender`.
fn inbox_name(sender: &str) -> String {
    let at = OffsetDateTime::now_utc();
    format!(
        "IN{:04}{:02}{:02}_{:02}{:02}{:02}_00_{sender}_00.txt",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// The texts in the outbox, by the number in each file's name.
fn outbox_texts(outbox: &std::path::Path) -> Vec<(String, String)> {
    let mut texts: Vec<(String, String)> = std::fs::read_dir(outbox)
        .expect("the outbox")
        .map(|f| f.expect("a file").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| {
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let number = name.split('_').nth(3).unwrap_or_default().to_owned();
            (number, std::fs::read_to_string(&p).expect("a text"))
        })
        .collect();
    texts.sort();
    texts
}

#[test]
fn an_alert_reaches_an_officer_at_once_is_answered_by_sms_and_counts_once_with_its_report() {
    let hub = TestHub::start();
    let chief = Home::enrolled(&hub, "Joseph Korkimul", "chief", OMBOLION, None);
    let police = Home::enrolled(&hub, "Inspector Lokwang", "officer", "ke-024", Some("nps"));
    hub_cli(&hub, &["sms", "number", "+254712345678"]);
    let duty = hub_json(&hub, &["sms", "duty", "--add", "+254 711 000 111"]);
    assert_eq!(duty, json!({"duty": ["+254711000111"]}));
    chief.sync();
    // The chief files and alerts with no data link: the report waits on the laptop.
    let id = chief.add(&raid());
    let alert = chief.json(&["report", "alert", &id]);
    let full = alert["full"].as_str().expect("the full text").to_owned();
    let (inbox, outbox) = (
        tempfile::tempdir().expect("inbox"),
        tempfile::tempdir().expect("outbox"),
    );
    let file = inbox.path().join(inbox_name("+254700000001"));
    std::fs::write(&file, &full).expect("written");
    usalama_hub::gammu::take(&hub.hub, &file, true).expect("taken");
    // The duty officer is told that an alert arrived, and nothing of what it says; the chief,
    // that the county received it.
    usalama_hub::gammu::send(&hub.hub, outbox.path()).expect("sent");
    let texts = outbox_texts(outbox.path());
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert_eq!(texts[0].0, "+254700000001");
    assert!(
        texts[0].1.contains("was received by the county at"),
        "{texts:?}"
    );
    assert_eq!(
        texts[1],
        (
            "+254711000111".to_owned(),
            usalama_hub::hub::DUTY_TEXT.to_owned()
        )
    );

    // The officer's inbox has it at the next sync, vouched for by the county hub.
    police.sync();
    let listed = police.report_ids();
    assert_eq!(listed.len(), 1, "{listed:?}");
    let relay = listed[0].clone();
    assert_ne!(relay, id);
    let shown = police.json(&["report", "show", &relay]);
    assert_eq!(shown["relayed_alert"], 1, "{shown}");
    assert_eq!(shown["type"], "livestock_raid");
    assert_eq!(shown["urgency"], "flash");
    assert_eq!(shown["people"]["killed"], 2);
    assert_eq!(
        shown["people"]["injured"],
        Value::Null,
        "unknown stays unknown"
    );
    assert_eq!(shown["reported_by"]["name"], "Joseph Korkimul");
    assert_eq!(shown["status"], "received");

    // The acknowledgement goes back to the number the alert came from, once.
    police.ok(&["incident", "ack", &relay]);
    police.sync();
    police.sync();
    usalama_hub::gammu::send(&hub.hub, outbox.path()).expect("sent");
    let texts = outbox_texts(outbox.path());
    assert_eq!(texts.len(), 3, "{texts:?}");
    let answers: Vec<&String> = texts
        .iter()
        .filter(|(number, _)| number == "+254700000001")
        .map(|(_, text)| text)
        .collect();
    let answer = answers
        .iter()
        .find(|t| t.contains("acknowledged by NPS"))
        .unwrap_or_else(|| panic!("no answer: {answers:?}"));
    let short_id = relay[..6].to_uppercase();
    assert!(
        answer.starts_with(&format!("Usalama {short_id}: ")),
        "{answer}"
    );
    assert!(answer.len() <= 160, "one SMS: {answer}");

    // The chief's data link returns: the chief's report carries the officer's step...
    chief.sync();
    assert_eq!(chief.report_ids(), vec![id.clone()]);
    let mine = chief.json(&["report", "show", &id]);
    assert_eq!(mine["status"], "acknowledged", "{mine}");
    assert!(mine.get("relayed_alert").is_none(), "{mine}");
    // ...and the officer's device folds the relay into it: one incident.
    police.sync();
    assert_eq!(police.report_ids(), vec![id.clone()]);
    let theirs = police.json(&["report", "show", &relay]);
    assert_eq!(
        theirs["id"],
        json!(id),
        "the relay's id leads to the full report"
    );
    assert_eq!(theirs["status"], "acknowledged");
    assert_eq!(theirs["place"], "Kanyerus borehole");
    assert!(
        theirs.get("relay_differs").is_none(),
        "the hub relayed the very alert the chief's laptop made: {theirs}"
    );
    let kinds = crate::helpers::timeline_kinds(&theirs);
    assert!(kinds.contains(&"sms_relayed"), "{kinds:?}");
    // The hub joined the alert to the full report: a step on it is texted back too.
    let listed = hub_cli(&hub, &["sms", "list"]);
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.contains(&format!("joined by report {id}")),
        "{listed}"
    );
    let ngao = Home::enrolled(&hub, "ACC Kapenguria", "officer", "ke-024", Some("ngao"));
    ngao.sync();
    ngao.ok(&["incident", "assign", &id, "--lead", "nps"]);
    ngao.sync();
    usalama_hub::gammu::send(&hub.hub, outbox.path()).expect("sent");
    let lead = format!("Usalama {}: lead agency NPS.", id[..6].to_uppercase());
    let told = outbox_texts(outbox.path())
        .into_iter()
        .filter(|(number, text)| number == "+254700000001" && text.starts_with(&lead))
        .count();
    assert_eq!(told, 1);
    let csv = police.path().join("summary.csv");
    let day = OffsetDateTime::now_utc()
        .to_offset(usalama_core::EAT)
        .date();
    let (from, to) = (
        (day - Duration::days(1)).to_string(),
        (day + Duration::days(1)).to_string(),
    );
    police.ok(&[
        "summary",
        "--unit",
        "ke-024",
        "--from",
        &from,
        "--to",
        &to,
        "--format",
        "csv",
        "--out",
        csv.to_str().expect("a path"),
    ]);
    let csv = std::fs::read_to_string(&csv).expect("the summary");
    assert_eq!(csv.matches(id.as_str()).count(), 1, "{csv}");
    assert!(!csv.contains(relay.as_str()), "{csv}");
}

/// Waits until `done` holds, for at most `limit`; how long it took.
fn time_until(limit: std::time::Duration, mut done: impl FnMut() -> bool) -> std::time::Duration {
    let start = std::time::Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "not within {limit:?}");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    start.elapsed()
}

#[test]
fn alerts_landing_in_the_inbox_reach_an_officers_next_sync_and_the_duty_officers_outbox() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let hub = TestHub::start();
    let chief = Home::enrolled(&hub, "Joseph Korkimul", "chief", OMBOLION, None);
    let police = Home::enrolled(&hub, "Inspector Lokwang", "officer", "ke-024", Some("nps"));
    hub_cli(&hub, &["sms", "number", "+254712345678"]);
    hub_cli(&hub, &["sms", "duty", "--add", "+254711000111"]);
    chief.sync();
    police.sync();
    let dir = tempfile::tempdir().expect("folders");
    let folders = usalama_hub::gammu::Folders {
        inbox: dir.path().join("inbox"),
        outbox: Some(dir.path().join("outbox")),
        sent: None,
    };
    std::fs::create_dir(&folders.inbox).expect("inbox");
    std::fs::create_dir(dir.path().join("outbox")).expect("outbox");
    let outbox = dir.path().join("outbox");
    let outbox_files = || std::fs::read_dir(&outbox).expect("outbox").count();
    // The gateway's loop as `serve --sms-inbox --sms-outbox` runs it.
    let stop = AtomicBool::new(false);
    let (mut to_outbox, mut to_officer) = (Vec::new(), Vec::new());
    std::thread::scope(|scope| {
        scope.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                usalama_hub::gammu::sweep(&hub.hub, &folders.inbox).expect("swept");
                usalama_hub::gammu::send(&hub.hub, outbox.as_path()).expect("sent");
                std::thread::sleep(usalama_hub::gammu::EVERY);
            }
        });
        for n in 1..=8 {
            let id = chief.add(&raid());
            let alert = chief.json(&["report", "alert", &id]);
            let name = inbox_name(&format!("+25470000000{n}"));
            let partial = dir.path().join(&name);
            std::fs::write(&partial, alert["full"].as_str().expect("text")).expect("written");
            let (sent, seen) = (outbox_files(), police.report_ids().len());
            std::fs::rename(&partial, folders.inbox.join(&name)).expect("landed");
            let landed = std::time::Instant::now();
            to_outbox.push(time_until(std::time::Duration::from_secs(30), || {
                outbox_files() > sent
            }));
            let limit = std::time::Duration::from_secs(60);
            while police.report_ids().len() == seen {
                police.sync();
                assert!(
                    landed.elapsed() < limit,
                    "alert {n} never reached the officer"
                );
            }
            to_officer.push(landed.elapsed());
        }
        stop.store(true, Ordering::Relaxed);
    });
    to_outbox.sort_unstable();
    to_officer.sort_unstable();
    eprintln!(
        "inbox file to the duty officers' text in the outbox: median {:?}; \
         to the alert served to an officer's sync (syncing back to back): median {:?}",
        to_outbox[to_outbox.len() / 2],
        to_officer[to_officer.len() / 2]
    );
    assert_eq!(police.report_ids().len(), 8);
    assert_eq!(
        outbox_files(),
        16,
        "each alert: the duty officer's text and the chief's"
    );
}
