//! Flash alerts by SMS from a chief's device: the alert recorded on the chief's chain, the
//! county's SMS number reaching the device at its sync, and the alert text accepted by the
//! hub's SMS intake as gammu-smsd would hand it over.

use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::helpers::{hub_cli, hub_json, stderr, Home, TestHub};

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
}
