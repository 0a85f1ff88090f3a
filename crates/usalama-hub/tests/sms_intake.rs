//! The SMS intake of a real `usalama-hub serve --sms-inbox DIR` process: a file that arrived
//! while the hub was down is taken at start, 200 alerts arriving while the hub is killed
//! (SIGKILL) at random moments are each stored exactly once, `sms list` shows what was refused
//! and why, and the time from a file landing in the inbox to its message being stored.
//!
//! With `gammu-smsd` installed, one more test runs it with its dummy phone driver: a message
//! the dummy phone holds goes through gammu's FILES backend into the hub.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use usalama_hub::db::{self, SmsMessage};
use usalama_hub::Hub;
use usalama_protocol::sms::{self, AlertKey, Form};

mod common;

const BIN: &str = env!("CARGO_BIN_EXE_usalama-hub");

/// A hub's database with one enrolled chief, and the inbox folder.
struct Setup {
    dir: tempfile::TempDir,
    db: String,
    inbox: PathBuf,
    chief: AlertKey,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("hub.db").display().to_string();
        let inbox = dir.path().join("inbox");
        std::fs::create_dir(&inbox).expect("inbox");
        let hub = Hub::open(db::open(&db).expect("db")).expect("hub");
        let chief = common::enroll_chief(&hub);
        Setup {
            dir,
            db,
            inbox,
            chief,
        }
    }

    fn serve(&self) -> Child {
        self.serve_with_outbox(self.dir.path(), None)
    }

    fn serve_with_outbox(&self, outbox: &Path, sent: Option<&Path>) -> Child {
        Command::new(BIN)
            .args(["--db", &self.db, "serve", "--listen", "127.0.0.1:0"])
            .args(["--admin-listen", "127.0.0.1:0", "--sms-inbox"])
            .arg(&self.inbox)
            .arg("--sms-outbox")
            .arg(outbox)
            .args(
                sent.map(|s| [std::ffi::OsStr::new("--sms-sent"), s.as_os_str()])
                    .into_iter()
                    .flatten(),
            )
            .env("USALAMA_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("hub started")
    }

    /// Alert `counter` as gammu-smsd writes it (`InboxFormat = standard`, UTF-8).
    fn drop_alert(&self, counter: u32) -> PathBuf {
        let text =
            sms::encode(&common::raid(counter), &self.chief, counter, Form::Full).expect("alert");
        self.drop_text(counter as usize, &text)
    }

    fn drop_text(&self, serial: usize, text: &str) -> PathBuf {
        let name = format!(
            "IN20261120_06{:02}{:02}_{:02}_+254700000001_00.txt",
            serial / 6000 % 60,
            serial / 100 % 60,
            serial % 100
        );
        // Written beside the folder and moved in, so no sweep sees it half written.
        let partial = self.dir.path().join(&name);
        std::fs::write(&partial, text).expect("written");
        let path = self.inbox.join(name);
        std::fs::rename(&partial, &path).expect("moved in");
        path
    }

    fn messages(&self) -> Vec<SmsMessage> {
        let hub = Hub::open(db::open(&self.db).expect("db")).expect("hub");
        hub.sms_messages(false, 100_000).expect("listed")
    }

    fn list(&self, args: &[&str]) -> String {
        let out = Command::new(BIN)
            .args(["--db", &self.db, "sms", "list"])
            .args(args)
            .output()
            .expect("ran");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("text")
    }

    fn inbox_is_empty(&self) -> bool {
        std::fs::read_dir(&self.inbox).expect("listed").count() == 0
    }
}

/// Waits until `done` holds, for at most `limit`.
fn wait_for(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    done()
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_file_that_arrived_while_the_hub_was_down_is_taken_at_start_and_listed() {
    let setup = Setup::new();
    setup.drop_alert(1);
    setup.drop_text(2, "Habari za asubuhi, mkutano ni kesho");
    let _hub = Running(setup.serve());
    assert!(
        wait_for(Duration::from_secs(20), || setup.inbox_is_empty()),
        "the inbox was not taken"
    );
    let all = setup.list(&[]);
    assert!(
        all.contains("accepted  alert 1 from Chief Lokwang (chief)"),
        "{all}"
    );
    assert!(
        all.contains("refused   not_an_alert: not a Usalama alert"),
        "{all}"
    );
    let refused = setup.list(&["--refused"]);
    assert!(!refused.contains("accepted"), "{refused}");
    assert!(refused.contains("\"Habari za as\"…"), "{refused}");
    assert!(
        !refused.contains("mkutano"),
        "beyond the first characters: {refused}"
    );
    assert!(!all.contains("254700000001"), "a number shown: {all}");
    let json: serde_json::Value =
        serde_json::from_str(&setup.list(&["--json"])).expect("one JSON document");
    assert_eq!(json.as_array().map(Vec::len), Some(2));
}

#[test]
fn two_hundred_alerts_arriving_while_the_hub_is_killed_at_random_moments_are_each_stored_and_relayed_once(
) {
    let setup = Setup::new();
    let mut hub = Running(setup.serve());
    let mut kills = 0;
    for counter in 1..=200u32 {
        setup.drop_alert(counter);
        if rand::random::<u8>() < 8 {
            // SIGKILL at whatever the hub is doing, then a new hub on the same folder.
            let _ = hub.0.kill();
            let _ = hub.0.wait();
            kills += 1;
            std::thread::sleep(Duration::from_millis(rand::random::<u64>() % 400));
            hub = Running(setup.serve());
        }
        std::thread::sleep(Duration::from_millis(rand::random::<u64>() % 15));
    }
    assert!(
        wait_for(Duration::from_secs(60), || setup.inbox_is_empty()),
        "the inbox was not emptied"
    );
    drop(hub);
    let stored = setup.messages();
    let mut counters: Vec<u32> = stored
        .iter()
        .filter(|m| m.accepted())
        .filter_map(|m| m.counter)
        .collect();
    counters.sort_unstable();
    assert_eq!(
        counters,
        (1..=200).collect::<Vec<_>>(),
        "after {kills} kills"
    );
    assert_eq!(
        stored.len(),
        200,
        "nothing stored twice (after {kills} kills)"
    );
    // Each relayed as a report exactly once, in the transaction that stored it.
    let mut relays: Vec<_> = stored.iter().filter_map(|m| m.relay).collect();
    relays.sort_unstable();
    relays.dedup();
    assert_eq!(relays.len(), 200, "one relay each (after {kills} kills)");
    eprintln!("200 alerts stored and relayed exactly once through {kills} SIGKILLs");
}

#[test]
fn a_file_in_the_inbox_is_stored_within_a_second() {
    let setup = Setup::new();
    let _hub = Running(setup.serve());
    // The first sweep runs at start.
    std::thread::sleep(Duration::from_millis(500));
    let mut took = Vec::new();
    for counter in 1..=20 {
        let start = Instant::now();
        let path = setup.drop_alert(counter);
        assert!(
            wait_for(Duration::from_secs(10), || !path.exists()),
            "not taken"
        );
        took.push(start.elapsed());
    }
    took.sort_unstable();
    let median = took[took.len() / 2];
    eprintln!(
        "inbox file to stored: median {median:?}, slowest {:?}",
        took[took.len() - 1]
    );
    assert!(median < Duration::from_secs(1), "median {median:?}");
    assert_eq!(setup.messages().len(), 20);
}

/// Where gammu-smsd is, or why the test is skipped.
fn gammu_smsd() -> Option<PathBuf> {
    let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join("gammu-smsd"))
        .find(|path| path.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "gammu-smsd is not installed; under CI `make test` installs it (mk/sms.mk)"
        );
        eprintln!("skipped: gammu-smsd is not installed (apt-get install gammu-smsd)");
    }
    found
}

/// A message in the dummy phone's inbox, in gammu's SMS backup format.
fn dummy_sms(phone: &Path, location: u32, sender: &str, text: &str) {
    let folder = phone.join("sms").join("1");
    std::fs::create_dir_all(&folder).expect("folder");
    let utf16 = |s: &str| -> String { s.encode_utf16().map(|u| format!("{u:04X}")).collect() };
    let backup = format!(
        "[SMSBackup000]\nSMSC = \"+254722000000\"\nState = UnRead\nNumber = \"{sender}\"\n\
         Coding = Default\nFolder = 1\nSent = 20261120T060100Z\nPDU = Deliver\nDateTime = \
         20261120T060100Z\nText00 = {}\n",
        utf16(text)
    );
    std::fs::write(folder.join(location.to_string()), backup).expect("written");
}

/// gammu-smsd's configuration for the dummy phone in `phone`, with the hub's folders; the
/// outbox is scanned every second (`commtimeout`).
fn smsd_config(setup: &Setup, phone: &Path, outbox: &Path, sent: &Path) -> PathBuf {
    let config = setup.dir.path().join("smsdrc");
    std::fs::write(
        &config,
        format!(
            "[gammu]\nmodel = dummy\nconnection = none\ndevice = {}\n\n[smsd]\nservice = files\n\
             inboxpath = {}/\noutboxpath = {}/\nsentsmspath = {}/\nerrorsmspath = {}/\n\
             inboxformat = unicode\nlogfile = {}\ndebuglevel = 1\nloopsleep = 1\n\
             commtimeout = 1\nchecksecurity = 0\nphoneid = usalama-test\n",
            phone.display(),
            setup.inbox.display(),
            outbox.display(),
            sent.display(),
            setup.dir.path().display(),
            setup.dir.path().join("smsd.log").display(),
        ),
    )
    .expect("config");
    config
}

#[test]
fn an_alert_goes_through_a_real_gammu_smsd_with_its_dummy_phone_into_the_hub() {
    let Some(smsd) = gammu_smsd() else {
        return;
    };
    let setup = Setup::new();
    Hub::open(db::open(&setup.db).expect("db"))
        .expect("hub")
        .set_sms_duty(&["+254711000111".into()], &[])
        .expect("a duty officer");
    let (outbox, sent) = (
        setup.dir.path().join("outbox"),
        setup.dir.path().join("sent"),
    );
    for folder in [&outbox, &sent] {
        std::fs::create_dir(folder).expect("folder");
    }
    let phone = setup.dir.path().join("phone");
    std::fs::create_dir_all(&phone).expect("phone");
    let alert = sms::encode(&common::raid(150), &setup.chief, 1, Form::Full).expect("alert");
    dummy_sms(&phone, 1, "+254700000001", &alert);
    let config = smsd_config(&setup, &phone, &outbox, &sent);
    let _gammu = Running(
        Command::new(smsd)
            .arg("--config")
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gammu-smsd started"),
    );
    let _hub = Running(setup.serve_with_outbox(&outbox, Some(&sent)));
    let started = Instant::now();
    let stored = wait_for(Duration::from_secs(30), || {
        setup.messages().iter().any(SmsMessage::accepted)
    });
    let log = std::fs::read_to_string(setup.dir.path().join("smsd.log")).unwrap_or_default();
    assert!(
        stored,
        "no alert arrived through gammu-smsd; its log:\n{log}"
    );
    assert!(wait_for(Duration::from_secs(10), || setup.inbox_is_empty()));
    let listed = setup.list(&[]);
    assert!(
        listed.contains("accepted  alert 1 from Chief Lokwang"),
        "{listed}"
    );
    // The texts the hub wrote into gammu's outbox are sent by gammu.
    let sent_files = || -> Vec<String> {
        std::fs::read_dir(&sent)
            .map(|d| {
                d.filter_map(|f| Some(f.ok()?.file_name().to_string_lossy().into_owned()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let log = || std::fs::read_to_string(setup.dir.path().join("smsd.log")).unwrap_or_default();
    // The duty officer's text and the chief's "received", each transmitted by gammu.
    let sent_by_gammu = || {
        let log = log();
        ["to +254711000111", "to +254700000001"].iter().all(|to| {
            log.lines()
                .any(|l| l.contains("Transmitted OUTA") && l.contains(to))
        })
    };
    assert!(
        wait_for(Duration::from_secs(30), sent_by_gammu),
        "gammu-smsd sent nothing from the outbox: {:?}; its log:\n{}",
        sent_files(),
        log()
    );
    eprintln!(
        "the alert stored and its two texts sent by gammu-smsd after {:?}",
        started.elapsed()
    );
    // Once sent, the hub removes it from gammu's sent folder: no numbers left there in clear.
    assert!(
        wait_for(Duration::from_secs(10), || sent_files().is_empty()),
        "{:?}",
        sent_files()
    );
}
