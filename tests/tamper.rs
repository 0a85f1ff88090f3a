//! `usalama verify` finds every kind of tampering with the ledger and names the entry.

use rusqlite::Connection;
use usalama_core::Store;

use crate::helpers::{stderr, Home, PASSPHRASE};

/// A chief's store with five reports, one amended: entries 1 to 6 of one chain.
fn store_with_entries() -> Home {
    let home = Home::chief();
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(home.add(&usalama_tests::report_doc(n)));
    }
    let amend = home.file("amend.json", &serde_json::json!({"urgency": "flash"}));
    home.ok(&["report", "amend", &ids[2], &amend]);
    home.ok(&["verify"]);
    home
}

/// Opens the database directly, as someone holding the key could.
fn raw(home: &Home) -> Connection {
    let key = Store::data_key(home.path(), PASSPHRASE).expect("key");
    let conn = Connection::open(Store::database_path(home.path())).expect("opens");
    conn.pragma_update(None, "key", key.sqlcipher_pragma().as_str())
        .expect("keyed");
    conn
}

fn assert_verify_fails(home: &Home, mentions: &str) {
    let out = home.run(&["verify"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "verify should fail: {err}");
    assert!(
        err.contains(mentions),
        "verify should mention {mentions:?}: {err}"
    );
}

#[test]
fn verify_passes_on_an_untouched_store() {
    let home = store_with_entries();
    let report = home.json(&["verify"]);
    assert_eq!(report["ok"], true);
    assert_eq!(report["entries"], 6);
    assert_eq!(report["reports"], 5);
}

#[test]
fn a_changed_body_is_found() {
    let home = store_with_entries();
    raw(&home)
        .execute(
            "UPDATE entries SET body = replace(body, 'herders', 'soldiers') WHERE seq = 2",
            [],
        )
        .expect("tampered");
    assert_verify_fails(&home, "entry 2 of device");
}

#[test]
fn a_changed_header_is_found() {
    let home = store_with_entries();
    raw(&home)
        .execute("UPDATE entries SET at = at + 1 WHERE seq = 4", [])
        .expect("tampered");
    assert_verify_fails(&home, "entry 4 of device");
}

#[test]
fn a_removed_entry_is_found() {
    let home = store_with_entries();
    raw(&home)
        .execute("DELETE FROM entries WHERE seq = 3", [])
        .expect("tampered");
    assert_verify_fails(&home, "entries 3 to 3 are missing");
}

#[test]
fn a_removed_last_entry_is_found() {
    let home = store_with_entries();
    raw(&home)
        .execute("DELETE FROM entries WHERE seq = 6", [])
        .expect("tampered");
    assert_verify_fails(&home, "should end at entry 6");
}

#[test]
fn reordered_entries_are_found() {
    let home = store_with_entries();
    let conn = raw(&home);
    conn.execute_batch(
        "UPDATE entries SET seq = 100 WHERE seq = 2;
         UPDATE entries SET seq = 2 WHERE seq = 3;
         UPDATE entries SET seq = 3 WHERE seq = 100;",
    )
    .expect("tampered");
    assert_verify_fails(&home, "does not link");
}

#[test]
fn an_inserted_entry_is_found() {
    let home = store_with_entries();
    let conn = raw(&home);
    conn.execute_batch(
        "UPDATE entries SET seq = seq + 10 WHERE seq >= 4;
         UPDATE entries SET seq = seq - 9 WHERE seq >= 14;
         INSERT INTO entries (device, seq, format, kind, at, prev, subject, body_hash, body,
                              signature, hash, about)
         SELECT device, 4, format, kind, at, prev, subject, body_hash, body, signature,
                randomblob(32), about FROM entries WHERE seq = 2;",
    )
    .expect("tampered");
    assert_verify_fails(&home, "entry 4 of device");
}

#[test]
fn a_bad_signature_is_found() {
    let home = store_with_entries();
    raw(&home)
        .execute(
            "UPDATE entries SET signature = zeroblob(64) WHERE seq = 5",
            [],
        )
        .expect("tampered");
    assert_verify_fails(&home, "entry 5 of device");
}

#[test]
fn a_changed_projection_is_found() {
    let home = store_with_entries();
    raw(&home)
        .execute("UPDATE reports SET type = 'killing' WHERE rowid = 1", [])
        .expect("tampered");
    assert_verify_fails(&home, "differs from what its entries say");
}
