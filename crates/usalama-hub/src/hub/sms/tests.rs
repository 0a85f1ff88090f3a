//! The intake of SMS alerts on a hub over a temporary database, on SQLite and (when
//! `USALAMA_TEST_POSTGRES` is set) on PostgreSQL: the same story on each backend. The hubs on
//! each backend and an enrolled chief serve the update tests too.

use std::collections::BTreeMap;
use std::path::Path;

use ed25519_dalek::{Signer, SigningKey};
use rand::seq::SliceRandom;
use time::{Duration, OffsetDateTime};
use usalama_protocol::domain::report::{Count, Gps, Tally};
use usalama_protocol::domain::taxonomy::{IncidentType, Species, Urgency};
use usalama_protocol::domain::Role;
use usalama_protocol::enrollment::enrollment_proof_digest;
use usalama_protocol::ledger::DeviceId;
use usalama_protocol::sms::{self, Alert, AlertKey, Form, Note, Position};
use usalama_protocol::wire::EnrollRequest;

use super::at_rest;
use crate::db::{self, DeviceRecord, Holder, SmsMessage};
use crate::gammu;
use crate::hub::{Hub, InviteRequest};

/// A hub on each backend the machine offers, with what must outlive it.
pub(in crate::hub) struct Scratch {
    pub(in crate::hub) hub: Hub,
    _dir: tempfile::TempDir,
    _postgres: Option<PgScratch>,
}

pub(in crate::hub) fn hubs() -> Vec<Scratch> {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = db::open(&dir.path().join("hub.db").display().to_string()).expect("sqlite");
    let mut hubs = vec![Scratch {
        hub: Hub::open(db).expect("hub"),
        _dir: dir,
        _postgres: None,
    }];
    if let Some(pg) = PgScratch::new() {
        let db = db::open(&pg.url).expect("postgres");
        hubs.push(Scratch {
            hub: Hub::open(db).expect("hub"),
            _dir: tempfile::tempdir().expect("temp dir"),
            _postgres: Some(pg),
        });
    }
    hubs
}

/// A database of its own on the PostgreSQL test server, dropped afterwards.
struct PgScratch {
    admin: String,
    name: String,
    url: String,
}

impl PgScratch {
    fn new() -> Option<PgScratch> {
        let Ok(admin) = std::env::var("USALAMA_TEST_POSTGRES") else {
            assert!(
                std::env::var_os("CI").is_none(),
                "USALAMA_TEST_POSTGRES is not set; under CI the PostgreSQL tests must run"
            );
            eprintln!("PostgreSQL skipped: USALAMA_TEST_POSTGRES is not set (make postgres-start)");
            return None;
        };
        let name = format!("usalama_sms_{:016x}", rand::random::<u64>());
        let mut client = postgres::Client::connect(&admin, postgres::NoTls).expect("server");
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("database created");
        let (base, _) = admin.rsplit_once('/').expect("a URL with a database");
        let url = format!("{base}/{name}");
        Some(PgScratch { admin, name, url })
    }
}

impl Drop for PgScratch {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// An officer's device record (not enrolled anywhere).
pub(super) fn officer() -> DeviceRecord {
    let key = SigningKey::from_bytes(&[42; 32]);
    DeviceRecord {
        id: DeviceId::of(&key.verifying_key()),
        public_key: key.verifying_key().to_bytes(),
        person: "p-officer".into(),
        name: "Inspector Lokwang".into(),
        role: Holder::Person(Role::Officer),
        unit: None,
        agency: Some("nps".into()),
        cleared: false,
        revoked: false,
        pending: false,
        enrolled_at: 0,
        counter: 0,
        head_seq: 0,
        head_hash: usalama_protocol::ledger::Hash::GENESIS,
    }
}

/// Enrolls a chief's device with the key of `seed`.
pub(in crate::hub) fn enroll(hub: &Hub, seed: u8) -> (SigningKey, DeviceId) {
    let invite = hub
        .invite(&InviteRequest {
            name: format!("Chief {seed}"),
            role: Role::Chief,
            unit: "ke-024-v-lami-nyeusi".into(),
            agency: None,
            cleared: false,
            person: None,
            hours: 1,
        })
        .expect("invited");
    let key = SigningKey::from_bytes(&[seed; 32]);
    let public = key.verifying_key().to_bytes();
    let proof = key.sign(&enrollment_proof_digest(&invite.code, &public));
    hub.enroll(&EnrollRequest {
        code: invite.code,
        public_key: hex::encode(public),
        proof: hex::encode(proof.to_bytes()),
    })
    .expect("enrolled");
    (key.clone(), DeviceId::of(&key.verifying_key()))
}

fn count(n: u32) -> Tally {
    Tally::Known(Count::parse(&serde_json::json!(n)).expect("count"))
}

/// A raid sent `minutes_ago`, with `cattle` head stolen.
pub(super) fn raid(minutes_ago: i64, cattle: u32) -> Alert {
    let now = OffsetDateTime::now_utc().replace_second(0).expect("minute");
    let sent_at = now - Duration::minutes(minutes_ago);
    Alert {
        kind: IncidentType::LivestockRaid,
        urgency: Urgency::Flash,
        unit: "ke-024-v-lami-nyeusi".into(),
        occurred_at: sent_at - Duration::minutes(30),
        sent_at,
        killed: Some(count(2)),
        injured: Some(Tally::UNKNOWN),
        abducted: None,
        stolen: BTreeMap::from([(Species::Cattle, count(cattle))]),
        estimate: true,
        position: Some(
            Position::from_gps(Gps {
                lat: 1.73,
                lon: 35.51,
            })
            .expect("gps"),
        ),
        note: Note::parse("About 40 armed raiders drove cattle toward the Turkwel river")
            .expect("note"),
    }
}

/// Alert `counter` of the device `key`, for the hub `hub_key`.
pub(super) fn text(key: &SigningKey, hub: &Hub, counter: u32, alert: &Alert, form: Form) -> String {
    let alert_key = AlertKey::of_device(key, &hub.public_key()).expect("alert key");
    sms::encode(alert, &alert_key, counter, form).expect("encoded")
}

/// Writes a message into `inbox` as gammu-smsd does, backdated past the settling time.
pub(super) fn drop_file(
    inbox: &Path,
    serial: usize,
    sender: &str,
    text: &str,
) -> std::path::PathBuf {
    let name = format!(
        "IN20261120_0601{:02}_{:02}_{sender}_00.txt",
        serial / 100,
        serial % 100
    );
    let path = inbox.join(name);
    // gammu's default InboxFormat (unicode): a byte-order mark and UTF-16, big-endian.
    let mut bytes = vec![0xFE, 0xFF];
    bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    std::fs::write(&path, bytes).expect("written");
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(1);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_modified(past))
        .expect("backdated");
    path
}

pub(super) fn messages(hub: &Hub) -> Vec<SmsMessage> {
    hub.sms_messages(false, 10_000).expect("listed")
}

fn codes(hub: &Hub) -> Vec<String> {
    let mut codes: Vec<String> = messages(hub)
        .into_iter()
        .map(|m| m.refusal.unwrap_or_else(|| "accepted".into()))
        .collect();
    codes.sort();
    codes
}

#[test]
fn valid_alerts_dropped_as_gammu_files_are_stored_once_each_and_their_files_removed() {
    for scratch in hubs() {
        let hub = &scratch.hub;
        let (chief, id) = enroll(hub, 1);
        let (other, other_id) = enroll(hub, 2);
        let inbox = tempfile::tempdir().expect("inbox");
        drop_file(
            inbox.path(),
            1,
            "+254700000001",
            &text(&chief, hub, 1, &raid(5, 150), Form::Full),
        );
        drop_file(
            inbox.path(),
            2,
            "+254700000001",
            &text(&chief, hub, 2, &raid(4, 20), Form::Short),
        );
        drop_file(
            inbox.path(),
            3,
            "+254700000002",
            &text(&other, hub, 1, &raid(3, 7), Form::Full),
        );
        let sweep = gammu::sweep(hub, inbox.path()).expect("swept");
        assert_eq!((sweep.accepted, sweep.refused, sweep.again), (3, 0, 0));
        assert_eq!(std::fs::read_dir(inbox.path()).expect("listed").count(), 0);
        let stored = messages(hub);
        assert_eq!(stored.len(), 3);
        let first = stored
            .iter()
            .find(|m| m.device == Some(id) && m.counter == Some(1));
        let alert = first
            .and_then(|m| m.alert.clone())
            .expect("the first alert");
        assert_eq!(alert["type"], "livestock_raid");
        assert_eq!(alert["livestock"]["cattle"]["stolen"], 150);
        assert_eq!(alert["people"]["killed"], 2);
        assert!(
            alert["people"]["injured"].is_null(),
            "unknown stays unknown"
        );
        assert!(
            alert["people"].get("abducted").is_none(),
            "not said stays absent"
        );
        assert_eq!(
            alert["note"],
            "About 40 armed raiders drove cattle toward the Turkwel river"
        );
        assert!(stored.iter().any(|m| m.device == Some(other_id)));
        assert_eq!(
            gammu::sweep(hub, inbox.path()).expect("swept"),
            gammu::Sweep::default()
        );
    }
}

#[test]
fn the_senders_number_is_sealed_at_rest_and_opens_only_with_the_hubs_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("hub.db");
    let hub = Hub::open(db::open(&path.display().to_string()).expect("db")).expect("hub");
    let (chief, _) = enroll(&hub, 1);
    let inbox = tempfile::tempdir().expect("inbox");
    drop_file(
        inbox.path(),
        1,
        "+254711222333",
        &text(&chief, &hub, 1, &raid(5, 9), Form::Full),
    );
    drop_file(inbox.path(), 2, "+254711222333", "WIZI NG'OMBE 40 KASES");
    gammu::sweep(&hub, inbox.path()).expect("swept");
    hub.db().scrub().expect("log emptied into the file");
    let bytes = std::fs::read(&path).expect("read");
    for secret in [&b"254711222333"[..], b"KASES"] {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret),
            "found in clear"
        );
    }
    let sealed: Vec<Vec<u8>> = {
        let conn = rusqlite::Connection::open(&path).expect("opened");
        let mut stmt = conn
            .prepare("SELECT sender FROM sms_messages")
            .expect("query");
        stmt.query_map([], |r| r.get(0))
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect()
    };
    assert_eq!(sealed.len(), 2);
    for s in sealed {
        let number = hub.open_at_rest(&s, at_rest::SENDER).expect("opens");
        assert_eq!(&number[..], b"+254711222333");
        assert!(
            hub.open_at_rest(&s, at_rest::TEXT).is_err(),
            "bound to its use"
        );
    }
    let listed = serde_json::to_string(&messages(&hub)).expect("json");
    assert!(!listed.contains("254711222333"), "{listed}");
    assert!(
        !listed.contains("KASES"),
        "only the first characters: {listed}"
    );
}

#[test]
fn the_same_alert_as_fifty_files_in_shuffled_order_among_others_is_stored_once() {
    for scratch in hubs() {
        let hub = &scratch.hub;
        let (chief, id) = enroll(hub, 1);
        let inbox = tempfile::tempdir().expect("inbox");
        let again = text(&chief, hub, 7, &raid(10, 40), Form::Full);
        let mut texts: Vec<String> = vec![again.clone(); 50];
        texts.extend((20..30).map(|n| text(&chief, hub, n, &raid(9, n), Form::Full)));
        texts.shuffle(&mut rand::thread_rng());
        for (serial, t) in texts.iter().enumerate() {
            drop_file(inbox.path(), serial, "+254700000001", t);
        }
        let sweep = gammu::sweep(hub, inbox.path()).expect("swept");
        assert_eq!((sweep.accepted, sweep.refused), (11, 49));
        let stored = messages(hub);
        let taken: Vec<_> = stored.iter().filter(|m| m.accepted()).collect();
        assert_eq!(taken.len(), 11);
        assert_eq!(taken.iter().filter(|m| m.counter == Some(7)).count(), 1);
        assert!(stored
            .iter()
            .filter(|m| !m.accepted())
            .all(|m| m.refusal.as_deref() == Some("duplicate") && m.device == Some(id)));
    }
}

#[test]
fn every_kind_of_bad_message_is_refused_with_its_code_and_listed() {
    for scratch in hubs() {
        let hub = &scratch.hub;
        let (chief, _) = enroll(hub, 1);
        let (revoked, revoked_id) = enroll(hub, 2);
        hub.revoke(&revoked_id.to_string()).expect("revoked");
        let stranger = SigningKey::from_bytes(&[3; 32]);
        let other_county = Hub::open(
            db::open(&scratch._dir.path().join("other.db").display().to_string()).expect("db"),
        )
        .expect("another county's hub");
        let (theirs, _) = enroll(&other_county, 4);
        let good = text(&chief, hub, 1, &raid(5, 3), Form::Full);
        let mut forged = good.clone();
        let last = forged.pop().expect("a character");
        forged.push(if last == 'A' { 'B' } else { 'A' });
        let inbox = tempfile::tempdir().expect("inbox");
        let bad = [
            "Habari, mkutano kesho saa nne".to_owned(),
            format!("U9{}", &good[2..]),
            text(&theirs, &other_county, 1, &raid(5, 3), Form::Full),
            text(&stranger, hub, 1, &raid(5, 3), Form::Full),
            text(&revoked, hub, 1, &raid(5, 3), Form::Full),
            forged,
            text(&chief, hub, 2, &raid(8 * 24 * 60, 3), Form::Full),
        ];
        for (serial, t) in bad.iter().enumerate() {
            drop_file(inbox.path(), serial, "+254700000009", t);
        }
        // Alerts 100 to 170 taken, then alert 5 sent again: below the window.
        for (serial, n) in (100..=170).enumerate() {
            drop_file(
                inbox.path(),
                10 + serial,
                "+254700000001",
                &text(&chief, hub, n, &raid(5, n), Form::Short),
            );
        }
        gammu::sweep(hub, inbox.path()).expect("swept");
        drop_file(
            inbox.path(),
            99,
            "+254700000001",
            &text(&chief, hub, 5, &raid(5, 5), Form::Full),
        );
        gammu::sweep(hub, inbox.path()).expect("swept");
        let refused = hub.sms_messages(true, 100).expect("listed");
        let mut got: Vec<&str> = refused
            .iter()
            .filter_map(|m| m.refusal.as_deref())
            .collect();
        got.sort_unstable();
        assert_eq!(
            got,
            [
                "bad_tag",
                "not_an_alert",
                "replayed",
                "too_old",
                "unknown_device",
                "unknown_device",
                "unknown_device",
                "unknown_version"
            ]
        );
        assert!(refused
            .iter()
            .all(|m| m.alert.is_none() && m.reason.is_some()));
        assert!(refused
            .iter()
            .all(|m| m.excerpt.chars().count() <= super::EXCERPT));
        assert_eq!(codes(hub).iter().filter(|c| *c == "accepted").count(), 71);
    }
}

#[test]
fn a_file_far_longer_than_any_sms_is_refused_as_the_wrong_length_and_removed() {
    for scratch in hubs() {
        let hub = &scratch.hub;
        let (chief, _) = enroll(hub, 1);
        let inbox = tempfile::tempdir().expect("inbox");
        // A valid alert followed by a megabyte: nothing of it is taken as an alert.
        let good = text(&chief, hub, 1, &raid(5, 3), Form::Full);
        let huge = format!("{good}{}", "x".repeat(1 << 20));
        let path = drop_file(inbox.path(), 1, "+254700000009", &huge);
        gammu::sweep(hub, inbox.path()).expect("swept");
        assert!(!path.exists(), "taken and removed");
        let all = messages(hub);
        assert_eq!(all.len(), 1);
        assert_eq!(
            all[0].refusal.as_deref(),
            Some("bad_length"),
            "{:?}",
            all[0].reason
        );
        assert!(all[0].alert.is_none());
    }
}

#[test]
fn a_crash_between_storing_and_removing_neither_loses_nor_doubles_a_message() {
    for scratch in hubs() {
        let hub = &scratch.hub;
        let (chief, _) = enroll(hub, 1);
        let inbox = tempfile::tempdir().expect("inbox");
        let alert = drop_file(
            inbox.path(),
            1,
            "+254700000001",
            &text(&chief, hub, 1, &raid(5, 1), Form::Full),
        );
        let garbage = drop_file(inbox.path(), 2, "+254700000001", "hello");
        // Stored and committed, then the hub dies before removing the files.
        for path in [&alert, &garbage] {
            gammu::take(hub, path, false).expect("stored");
        }
        assert!(alert.exists() && garbage.exists());
        // At the restart the files are read again, found stored, and removed.
        let sweep = gammu::sweep(hub, inbox.path()).expect("swept");
        assert_eq!((sweep.accepted, sweep.refused, sweep.again), (0, 0, 2));
        assert!(!alert.exists() && !garbage.exists());
        assert_eq!(codes(hub), ["accepted", "not_an_alert"]);
        // gammu reusing a removed file's name for a new message: a new message.
        drop_file(inbox.path(), 2, "+254700000001", "hello again");
        assert_eq!(gammu::sweep(hub, inbox.path()).expect("swept").refused, 1);
    }
}

#[test]
fn a_file_still_being_written_is_left_for_the_next_sweep() {
    let scratch = hubs().remove(0);
    let inbox = tempfile::tempdir().expect("inbox");
    std::fs::write(
        inbox
            .path()
            .join("IN20261120_060100_00_+254700000001_00.txt"),
        "U1",
    )
    .expect("written");
    std::fs::write(inbox.path().join("OUTA_+254700000001_00.txt"), "not ours").expect("written");
    let sweep = gammu::sweep(&scratch.hub, inbox.path()).expect("swept");
    assert_eq!(sweep.left, 1);
    assert!(messages(&scratch.hub).is_empty());
    std::thread::sleep(gammu::SETTLE);
    assert_eq!(
        gammu::sweep(&scratch.hub, inbox.path())
            .expect("swept")
            .refused,
        1
    );
    assert!(
        inbox.path().join("OUTA_+254700000001_00.txt").exists(),
        "others' files are left"
    );
}

#[test]
fn devices_sharing_a_key_id_are_each_tried_and_a_revoked_device_leaves_the_index() {
    for scratch in hubs() {
        let hub = &scratch.hub;
        let (chief, id) = enroll(hub, 1);
        let (_, other) = enroll(hub, 2);
        let key_id = AlertKey::of_device(&chief, &hub.public_key())
            .expect("key")
            .id()
            .get();
        // As if the other device's key id were the chief's (2^-25 per pair in real life).
        db::write(hub.db(), |tx| tx.index_sms_key(key_id, &other)).expect("indexed");
        let inbox = tempfile::tempdir().expect("inbox");
        drop_file(
            inbox.path(),
            1,
            "+254700000001",
            &text(&chief, hub, 1, &raid(5, 1), Form::Full),
        );
        assert_eq!(gammu::sweep(hub, inbox.path()).expect("swept").accepted, 1);
        assert_eq!(messages(hub)[0].device, Some(id));
        hub.revoke(&id.to_string()).expect("revoked");
        let left = db::read(hub.db(), |tx| tx.sms_key_devices(key_id)).expect("read");
        assert_eq!(left, [other]);
        drop_file(
            inbox.path(),
            2,
            "+254700000001",
            &text(&chief, hub, 2, &raid(5, 1), Form::Full),
        );
        gammu::sweep(hub, inbox.path()).expect("swept");
        assert_eq!(messages(hub)[0].refusal.as_deref(), Some("bad_tag"));
    }
}

#[test]
fn a_hub_that_enrolled_devices_before_it_kept_the_index_builds_it_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("hub.db").display().to_string();
    let (chief, id) = {
        let hub = Hub::open(db::open(&spec).expect("db")).expect("hub");
        let enrolled = enroll(&hub, 1);
        db::write(hub.db(), |tx| {
            tx.unindex_sms_key(&enrolled.1)?;
            tx.delete_meta("sms_keys_indexed")
        })
        .expect("as an older hub left it");
        enrolled
    };
    let hub = Hub::open(db::open(&spec).expect("db")).expect("hub");
    let inbox = tempfile::tempdir().expect("inbox");
    drop_file(
        inbox.path(),
        1,
        "+254700000001",
        &text(&chief, &hub, 1, &raid(5, 1), Form::Full),
    );
    assert_eq!(gammu::sweep(&hub, inbox.path()).expect("swept").accepted, 1);
    assert_eq!(messages(&hub)[0].device, Some(id));
}
