//! Sync by USB stick: bundles from a device to the hub and back, carried twice, out of order,
//! by another device, damaged or to the wrong laptop.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::helpers::{hub_cli, hub_device, hub_json, stderr, timeline_kinds, Home, TestHub};

const OMBOLION: &str = "ke-024-l-ombolion";
const CHEPTULEL: &str = "ke-024-l-cheptulel";

fn doc(unit: &str, n: u64) -> Value {
    let mut d = usalama_tests::report_doc(n);
    d["unit"] = json!(unit);
    d
}

/// The device writes its bundle; returns the file.
fn export(home: &Home, name: &str) -> PathBuf {
    let path = home.path().join(name);
    home.json(&["bundle", "export", "--out", path.to_str().expect("utf-8")]);
    path
}

/// The hub writes a bundle for the device of the person called `person`.
fn hub_export(hub: &TestHub, person: &str, name: &str) -> PathBuf {
    let path = hub.dir.path().join(name);
    let device = hub_device(hub, person, "id");
    hub_json(
        hub,
        &[
            "export",
            "--device",
            &device,
            "--out",
            path.to_str().expect("utf-8"),
        ],
    );
    path
}

fn hub_import(hub: &TestHub, file: &Path) -> Value {
    hub_json(hub, &["import", file.to_str().expect("utf-8")])
}

fn import(home: &Home, file: &Path) -> Value {
    home.json(&["bundle", "import", file.to_str().expect("utf-8")])
}

/// What a device shows of its reports: id, status and timeline kinds, sorted by id.
fn picture(home: &Home) -> Vec<(String, String, Vec<String>)> {
    let mut out: Vec<_> = home
        .report_ids()
        .into_iter()
        .map(|id| {
            let shown = home.json(&["report", "show", &id]);
            let kinds = timeline_kinds(&shown)
                .into_iter()
                .map(str::to_owned)
                .collect();
            (
                id,
                shown["status"].as_str().unwrap_or_default().to_owned(),
                kinds,
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_round_trip_by_bundle_alone_ends_as_a_network_sync_does() {
    let hub = TestHub::start();
    // Two chiefs of one location: one syncs by network, the other only by USB stick.
    let online = Home::enrolled(&hub, "Chief Online", "chief", OMBOLION, None);
    let offline = Home::enrolled(&hub, "Chief Offline", "chief", OMBOLION, None);
    for home in [&online, &offline] {
        let first = home.add(&doc(OMBOLION, 1));
        home.add(&doc("ke-024-v-takaywa", 2));
        let amend = home.file("amend.json", &json!({"people": {"killed": 3}}));
        home.ok(&["report", "amend", &first, &amend]);
    }
    online.sync();
    let to_hub = export(&offline, "to-hub.usalama");
    let stored = hub_import(&hub, &to_hub);
    assert_eq!(stored["stored"], 3, "{stored}");
    // The answer goes back later (a second at least, so the times differ).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    // The county adds a unit meanwhile: reference data travels back too.
    hub_json(
        &hub,
        &[
            "units", "add", "--name", "Kaptabuk", "--kind", "village", "--parent", OMBOLION,
        ],
    );
    online.sync();
    let back = hub_export(&hub, "Chief Offline", "for-offline.usalama");
    let imported = import(&offline, &back);
    assert_eq!(imported["acknowledged"], 3, "{imported}");

    // Each chief sees both chiefs' reports, received by the county, with the same timelines.
    assert_eq!(picture(&online), picture(&offline));
    let statuses: Vec<String> = picture(&offline).into_iter().map(|p| p.1).collect();
    assert_eq!(statuses, vec!["received"; 4]);
    // "Received by the county" is when the hub read the stick, on both chiefs' laptops.
    let received = |home: &Home, id: &str| {
        let shown = home.json(&["report", "show", id]);
        shown["timeline"]
            .as_array()
            .and_then(|t| t.iter().find(|i| i["kind"] == "received_by_county"))
            .map(|i| i["at"].clone())
    };
    for id in offline.report_ids() {
        assert_eq!(received(&offline, &id), received(&online, &id), "{id}");
    }
    for home in [&online, &offline] {
        let units = home.json(&["units", "list"]);
        assert!(
            units.to_string().contains("Kaptabuk"),
            "the new unit reached every device"
        );
        home.ok(&["verify"]);
    }
    // Nothing is left to exchange: a network sync now moves nothing either way.
    let report = offline.sync();
    assert_eq!(
        (report["sent"].as_u64(), report["received"].as_u64()),
        (Some(0), Some(0))
    );
}

#[test]
fn bundles_carried_twice_or_out_of_order_change_nothing_more() {
    let hub = TestHub::start();
    let chief = Home::enrolled(&hub, "Chief Ombolion", "chief", OMBOLION, None);
    chief.add(&doc(OMBOLION, 1));
    let first = export(&chief, "1.usalama");
    chief.add(&doc(OMBOLION, 2));
    let second = export(&chief, "2.usalama");

    // The hub gets the second, then the first, then the second again.
    assert_eq!(hub_import(&hub, &second)["stored"], 2);
    let again = hub_import(&hub, &first);
    assert_eq!(
        (again["stored"].as_u64(), again["already_held"].as_u64()),
        (Some(0), Some(1))
    );
    assert_eq!(hub_import(&hub, &second)["stored"], 0);

    // Two answers from the hub, imported newest first, then the older, then the newest again.
    let older = hub_export(&hub, "Chief Ombolion", "a.usalama");
    hub_json(
        &hub,
        &[
            "units", "add", "--name", "Kaptabuk", "--kind", "village", "--parent", OMBOLION,
        ],
    );
    let newer = hub_export(&hub, "Chief Ombolion", "b.usalama");
    let held = hub.entry_counts();
    import(&chief, &newer);
    let state = picture(&chief);
    let entries = chief.entry_count();
    assert_eq!(import(&chief, &older)["received"], 0);
    assert_eq!(import(&chief, &newer)["received"], 0);
    assert_eq!(picture(&chief), state);
    assert_eq!(chief.entry_count(), entries);
    assert_eq!(hub.entry_counts(), held);
    assert!(state.iter().all(|(_, status, _)| status == "received"));
    // The older bundle did not move the cursor back: a sync has nothing new to bring.
    let report = chief.sync();
    assert_eq!(report["received"], 0, "{report}");
}

#[test]
fn a_device_carries_another_devices_bundle_to_the_hub() {
    let hub = TestHub::start();
    let remote = Home::enrolled(&hub, "Chief Remote", "chief", OMBOLION, None);
    let carrier = Home::enrolled(&hub, "Chief Carrier", "chief", CHEPTULEL, None);
    let officer = Home::enrolled(&hub, "Inspector Lokwang", "officer", "ke-024", Some("nps"));
    // The carrier must know the remote device (from the hub's chain) to check its entries.
    carrier.sync();
    let id = remote.add(&doc(OMBOLION, 7));
    let stick = export(&remote, "remote.usalama");
    // Sealed to the hub: the carrier relays it unread.
    assert_eq!(import(&carrier, &stick)["carried_bundles"], 1);
    // Carried, not read: the report of another location is not the carrier's to see.
    assert!(!carrier.report_ids().contains(&id));
    carrier.sync();
    officer.sync();
    assert!(
        officer.report_ids().contains(&id),
        "the hub got the carried report"
    );
    // Carried once: the carrier has nothing left for the hub.
    let again = carrier.json(&[
        "bundle",
        "export",
        "--out",
        carrier.path().join("x").to_str().expect("utf-8"),
    ]);
    assert_eq!(again["carried"], 0, "{again}");
    // The remote chief learns that the county received it, by the hub's bundle.
    import(&remote, &hub_export(&hub, "Chief Remote", "back.usalama"));
    assert_eq!(remote.json(&["report", "show", &id])["status"], "received");
}

#[test]
fn a_damaged_or_misdirected_bundle_is_refused_and_changes_nothing() {
    let hub = TestHub::start();
    let a = Home::enrolled(&hub, "Chief A", "chief", OMBOLION, None);
    let b = Home::enrolled(&hub, "Chief B", "chief", OMBOLION, None);
    a.add(&doc(OMBOLION, 1));
    let file = export(&a, "a.usalama");
    hub_import(&hub, &file);
    let for_a = hub_export(&hub, "Chief A", "for-a.usalama");

    // The hub's bundle for A, taken to B's laptop.
    let out = b.run(&["bundle", "import", for_a.to_str().expect("utf-8")]);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("made for another"),
        "{}",
        stderr(&out)
    );

    // A's own bundle, brought back to A: refused in words, not carried to the hub again.
    let before = picture(&a);
    let out = a.run(&["bundle", "import", file.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("this laptop wrote it"),
        "{}",
        stderr(&out)
    );
    assert_eq!(picture(&a), before, "nothing changed");

    // A damaged copy: one byte changed in the middle.
    let mut bytes = std::fs::read(&for_a).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    let damaged = a.path().join("damaged.usalama");
    std::fs::write(&damaged, &bytes).expect("written");
    let before = picture(&a);
    let out = a.run(&["bundle", "import", damaged.to_str().expect("utf-8")]);
    assert_ne!(out.status.code(), Some(0));
    assert!(!stderr(&out).is_empty());
    assert_eq!(picture(&a), before, "nothing changed");

    // Not a bundle at all, at the hub.
    let text = a.file("notes.txt", &json!("hello"));
    let out = hub_cli(&hub, &["import", &text]);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("not a Usalama bundle"),
        "{}",
        stderr(&out)
    );
}
