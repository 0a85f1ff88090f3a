//! A save that returned survives SIGKILL at any moment.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use rand::Rng;
use usalama_core::store::ReportFilter;
use usalama_core::Store;

use crate::helpers::{Home, PASSPHRASE};

const KILLS: usize = 60;

#[test]
fn every_saved_report_survives_sigkill_and_verify_passes() {
    let home = Home::chief();
    let mut saved: BTreeSet<String> = BTreeSet::new();
    let mut rng = rand::thread_rng();
    for round in 0..KILLS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_usalama-crash-writer"))
            .arg(home.path())
            .env("USALAMA_PASSPHRASE", PASSPHRASE)
            .stdout(Stdio::piped())
            .spawn()
            .expect("writer starts");
        // Read ids on another thread so that the pipe never fills while we wait.
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        std::thread::sleep(Duration::from_millis(rng.gen_range(5..120)));
        // SIGKILL: no destructors, no flushes, as in a power cut of the process.
        child.kill().expect("killed");
        child.wait().expect("reaped");
        reader.join().expect("reader");
        let before = saved.len();
        saved.extend(rx.try_iter());
        let store = Store::open(home.path(), PASSPHRASE).expect("reopens after the kill");
        let present: BTreeSet<String> = store
            .list_reports(&ReportFilter::default())
            .expect("lists")
            .into_iter()
            .map(|r| r.id)
            .collect();
        let lost: Vec<_> = saved.difference(&present).collect();
        assert!(
            lost.is_empty(),
            "round {round}: saved reports lost: {lost:?}"
        );
        drop(store);
        let mut store = Store::open(home.path(), PASSPHRASE).expect("reopens");
        let report = store.verify().expect("verifies");
        assert!(report.ok(), "round {round}: {:?}", report.problems);
        let _ = before;
    }
    assert!(
        saved.len() > KILLS,
        "the writer should have saved reports ({})",
        saved.len()
    );
}
