//! The desktop app's lock, below the shell: what waits to be sent goes while the store is closed.

use usalama_core::autosync;
use usalama_core::Store;

use crate::helpers::{Home, TestHub, PASSPHRASE};

#[test]
fn what_waits_is_sent_while_the_store_is_locked_and_recorded_at_the_unlock() {
    let hub = TestHub::start();
    let chief = Home::enrolled(&hub, "Chief Ombolion", "chief", "ke-024-l-ombolion", None);
    let officer = Home::enrolled(&hub, "Inspector Lokwang", "officer", "ke-024", Some("nps"));
    let id = chief.add(&usalama_tests::report_doc(3));

    // As the app locks: the request is sealed while the store is open, then the store closes.
    let sealed = {
        let mut store = Store::open(chief.path(), PASSPHRASE).expect("opens");
        store
            .seal_for_locked_sending()
            .expect("sealed")
            .expect("a report waits")
    };
    assert_eq!(sealed.entries, 1);

    let (tx, rx) = std::sync::mpsc::channel();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(autosync::send_sealed(sealed, move |sent| {
            tx.send(sent).expect("told");
        }));
    assert!(rx.recv().expect("an answer"), "the hub did not take it");

    // The county has it before the chief unlocks again.
    officer.sync();
    assert!(officer.report_ids().contains(&id), "the officer lacks {id}");

    // At the unlock the ordinary sync records that the county received it, once.
    chief.sync();
    let shown = chief.json(&["report", "show", &id]);
    assert_eq!(shown["status"], "received", "{shown}");
    assert_eq!(officer.report_ids().iter().filter(|r| **r == id).count(), 1);
}

#[test]
fn nothing_is_sealed_when_nothing_waits_or_the_laptop_is_not_enrolled() {
    let alone = Home::chief();
    alone.add(&usalama_tests::report_doc(1));
    let mut store = Store::open(alone.path(), PASSPHRASE).expect("opens");
    assert!(store.seal_for_locked_sending().expect("asked").is_none());

    let hub = TestHub::start();
    let chief = Home::enrolled(&hub, "Chief Ombolion", "chief", "ke-024-l-ombolion", None);
    chief.add(&usalama_tests::report_doc(2));
    chief.sync();
    let mut store = Store::open(chief.path(), PASSPHRASE).expect("opens");
    assert!(store.seal_for_locked_sending().expect("asked").is_none());
}
