//! The storage story: one scenario, run against every hub backend (as Atuin runs one test story
//! against each of its server databases).
//!
//! The hub runs in-process over the backend under test, with real encrypted device stores and
//! no HTTP: one sync step is the device's next request, the hub's answer to it, and the device
//! applying that answer. A few steps use a hand-made device (a key and entries signed by hand)
//! to send what a real store never would: forged signatures, broken chains, forks.
//!
//! The PostgreSQL run needs a server: `make postgres-start` runs one and sets
//! `USALAMA_TEST_POSTGRES` (a role that may create databases). Each run makes its own database
//! and drops it at the end. Without the variable the run is skipped, except under CI.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use ed25519_dalek::SigningKey;
use serde_json::{json, Value};
use tempfile::TempDir;
use time::OffsetDateTime;
use usalama_core::domain::{Agency, Lang, Report, Role};
use usalama_core::enrollment::enrollment_proof_digest;
use usalama_core::gazetteer::Unit;
use usalama_core::keys::KdfParams;
use usalama_core::ledger::{DeviceId, Draft, Entry, EntryKind, Hash, ReportId};
use usalama_core::store::ReportFilter;
use usalama_core::wire::{Run, Signatures, SyncRequest, SyncResponse, CHUNK_BYTES};
use usalama_core::{Profile, Store};
use usalama_hub::db::{self, Audience, Database};
use usalama_hub::hub::{EnrollRequest, InviteRequest, DEFAULT_INVITE_HOURS};
use usalama_hub::{Hub, HubError};

const PASSPHRASE: &str = "goats graze where the river bends";
const HUB_URL: &str = "http://127.0.0.1:7878";

// Units of the shipped gazetteer, and how they nest.
const COUNTY: &str = "ke-024";
const OMBOLION: &str = "ke-024-l-ombolion"; // a location, above Takaywa and Chekurio
const TAKAYWA: &str = "ke-024-v-takaywa";
const CHEKURIO: &str = "ke-024-v-chekurio";
const LEBEI: &str = "ke-024-sl-lebei"; // a sub-location, above Akiriamet
const AKIRIAMET: &str = "ke-024-v-akiriamet";
const KAPENGURIA: &str = "ke-024-v-kapenguria";
const CHESEGON: &str = "ke-024-v-chesegon";

#[test]
fn the_storage_story_holds_on_sqlite() {
    let backend = SqliteBackend::new();
    storage_story(&backend);
}

#[test]
fn the_storage_story_holds_on_postgres() {
    let Ok(admin) = std::env::var("USALAMA_TEST_POSTGRES") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "USALAMA_TEST_POSTGRES is not set: under CI the storage story must also run on \
             PostgreSQL (make postgres-start runs a server and sets it)"
        );
        eprintln!(
            "skipped: the storage story on PostgreSQL (set USALAMA_TEST_POSTGRES, e.g. with \
             `make postgres-start`)"
        );
        return;
    };
    let backend = PostgresBackend::new(admin);
    storage_story(&backend);
}

/// A hub database the story can open, reach behind the hub's back, and restore from a backup.
trait Backend {
    fn open(&self) -> Box<dyn Database>;
    /// Runs SQL directly on the database: only to age an invite, which no hub call can.
    fn execute(&self, sql: &str);
    /// A database holding what `Hub::backup` wrote to `backup`.
    fn restore(&self, backup: &Path) -> Box<dyn Database>;
    fn name(&self) -> &'static str;
}

struct SqliteBackend {
    dir: TempDir,
}

impl SqliteBackend {
    fn new() -> SqliteBackend {
        SqliteBackend {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("hub.db")
    }
}

impl Backend for SqliteBackend {
    fn open(&self) -> Box<dyn Database> {
        db::open(&format!("sqlite://{}", self.path().display())).expect("the hub database opens")
    }

    fn execute(&self, sql: &str) {
        let conn = rusqlite::Connection::open(self.path()).expect("opened beside the hub");
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .expect("timeout set");
        conn.execute_batch(sql).expect("executed");
    }

    fn restore(&self, backup: &Path) -> Box<dyn Database> {
        // The backup is a whole SQLite database: serve it as it is.
        db::open(&backup.display().to_string()).expect("the backup opens as a hub database")
    }

    fn name(&self) -> &'static str {
        "sqlite"
    }
}

/// A database per run (and one more for the restored backup), made through the admin URL with
/// the PostgreSQL client tools and dropped when the story ends, even if it fails.
pub(crate) struct PostgresBackend {
    admin: String,
    database: String,
    made: Mutex<Vec<String>>,
}

impl PostgresBackend {
    pub(crate) fn new(admin: String) -> PostgresBackend {
        let backend = PostgresBackend {
            database: format!("usalama_story_{:016x}", rand::random::<u64>()),
            admin,
            made: Mutex::new(Vec::new()),
        };
        backend.create(&backend.database);
        backend
    }

    fn create(&self, name: &str) {
        psql(&self.admin, &format!("CREATE DATABASE {name}"));
        self.made.lock().expect("list").push(name.to_owned());
    }

    fn url(&self, name: &str) -> String {
        usalama_tests::postgres::with_database(&self.admin, name)
    }

    /// The run's own database.
    pub(crate) fn database_url(&self) -> String {
        self.url(&self.database)
    }

    /// Runs the SQL in `file` on the run's database, stopping at the first error.
    pub(crate) fn execute_file(&self, file: &Path) {
        let out = Command::new("psql")
            .args(["--no-psqlrc", "--quiet", "-v", "ON_ERROR_STOP=1"])
            .arg("--dbname")
            .arg(self.database_url())
            .arg("--file")
            .arg(file)
            .output()
            .expect("psql runs (package postgresql-client)");
        assert!(
            out.status.success(),
            "psql --file {} failed: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Backend for PostgresBackend {
    fn open(&self) -> Box<dyn Database> {
        db::open(&self.url(&self.database)).expect("the hub database opens")
    }

    fn execute(&self, sql: &str) {
        psql(&self.url(&self.database), sql);
    }

    fn restore(&self, backup: &Path) -> Box<dyn Database> {
        let name = format!("{}_restored", self.database);
        self.create(&name);
        let out = Command::new("pg_restore")
            .args(["--no-owner", "--exit-on-error", "--dbname"])
            .arg(self.url(&name))
            .arg(backup)
            .output()
            .expect("pg_restore runs (package postgresql-client)");
        assert!(
            out.status.success(),
            "pg_restore failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        db::open(&self.url(&name)).expect("the restored database opens")
    }

    fn name(&self) -> &'static str {
        "postgres"
    }
}

impl Drop for PostgresBackend {
    fn drop(&mut self) {
        let made = std::mem::take(&mut *self.made.lock().unwrap_or_else(|p| p.into_inner()));
        for name in made {
            let _ = Command::new("psql")
                .args([
                    "--no-psqlrc",
                    "--quiet",
                    "--dbname",
                    &self.admin,
                    "--command",
                ])
                .arg(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .output();
        }
    }
}

fn psql(url: &str, sql: &str) {
    usalama_tests::postgres::psql(url, sql).unwrap_or_else(|e| panic!("{e}"));
}

// ---------------------------------------------------------------------------------------------
// Devices

/// A real device: an encrypted store in its own home folder.
pub(crate) struct Device {
    _home: TempDir,
    pub(crate) store: Store,
}

impl Device {
    fn id(&self) -> DeviceId {
        self.store.identity().device
    }

    /// Files a report document and returns its id.
    pub(crate) fn file(&mut self, doc: &Value) -> String {
        self.store
            .file_document(doc, None)
            .unwrap_or_else(|e| panic!("report not filed: {e}"))
            .to_string()
    }

    /// The ids of every report this device holds.
    fn reports(&self) -> BTreeSet<String> {
        self.store
            .list_reports(&ReportFilter::default())
            .expect("listed")
            .into_iter()
            .map(|r| r.id)
            .collect()
    }

    pub(crate) fn view(&self, id: &str) -> Value {
        let id = ReportId::parse(id).expect("a report id");
        serde_json::to_value(self.store.report(&id).expect("shown")).expect("json")
    }

    fn waiting(&self) -> u64 {
        self.store.sync_status().expect("status").waiting_entries
    }

    fn unit(&self, id: &str) -> Option<Unit> {
        self.store.units().iter().find(|u| u.id == id).cloned()
    }
}

fn invite(hub: &Hub, name: &str, role: Role, unit: &str, agency: Option<Agency>) -> String {
    hub.invite(&InviteRequest {
        name: name.into(),
        role,
        unit: unit.into(),
        agency,
        cleared: false,
        person: None,
        hours: DEFAULT_INVITE_HOURS,
    })
    .expect("invited")
    .code
}

fn new_store(name: &str, role: Role, unit: &str, agency: Option<Agency>) -> Device {
    let home = tempfile::tempdir().expect("temp dir");
    let profile = Profile {
        name: name.into(),
        role,
        unit: Some(unit.into()),
        agency,
        lang: Lang::En,
    };
    let (store, _recovery) =
        Store::create(home.path(), profile, PASSPHRASE, KdfParams::FAST_INSECURE)
            .expect("store created");
    Device { _home: home, store }
}

/// Redeems `code` for the device's key, as `usalama enroll` does over HTTP.
fn enroll(hub: &Hub, device: &mut Device, code: &str) -> Result<(), HubError> {
    let (public, proof) = device.store.enrollment_proof(code);
    let enrolled = hub.enroll(&EnrollRequest {
        code: code.into(),
        public_key: hex::encode(public),
        proof: hex::encode(proof),
    })?;
    device
        .store
        .record_enrollment(HUB_URL, None, &enrolled)
        .expect("enrollment recorded");
    Ok(())
}

pub(crate) fn enrolled(
    hub: &Hub,
    name: &str,
    role: Role,
    unit: &str,
    agency: Option<Agency>,
) -> Device {
    let code = invite(hub, name, role, unit, agency);
    let mut device = new_store(name, role, unit, agency);
    enroll(hub, &mut device, &code).expect("enrolled");
    device
}

/// One sync step: the device's next request, the hub's answer, the device applying it.
fn step(hub: &Hub, device: &mut Device) -> Result<usalama_core::store::Applied, HubError> {
    let out = device
        .store
        .next_sync_request(CHUNK_BYTES)
        .expect("request built");
    let answer = hub.sync(&out.body)?;
    let response = SyncResponse::open(&answer, &out.hub_key, &out.tag).expect("a sync response");
    Ok(device
        .store
        .apply_sync_response(&response)
        .expect("response applied"))
}

/// Steps until nothing is left to send or to receive; returns how many steps it took.
pub(crate) fn sync(hub: &Hub, device: &mut Device) -> usize {
    for steps in 1..=100 {
        let applied = step(hub, device).unwrap_or_else(|e| panic!("sync refused: {e}"));
        if !applied.more && device.waiting() == 0 {
            return steps;
        }
    }
    panic!("sync did not finish in 100 steps");
}

/// A device made by hand: a key, and entries and requests signed with it directly, to send
/// what a real store never sends.
struct HandMade {
    key: SigningKey,
    counter: u64,
}

impl HandMade {
    fn new() -> HandMade {
        HandMade {
            key: SigningKey::generate(&mut rand::rngs::OsRng),
            counter: 0,
        }
    }

    fn id(&self) -> DeviceId {
        DeviceId::of(&self.key.verifying_key())
    }

    fn enroll(&self, hub: &Hub, code: &str) -> Result<(), HubError> {
        let public = self.key.verifying_key().to_bytes();
        let proof = ed25519_dalek::Signer::sign(&self.key, &enrollment_proof_digest(code, &public));
        hub.enroll(&EnrollRequest {
            code: code.into(),
            public_key: hex::encode(public),
            proof: hex::encode(proof.to_bytes()),
        })
        .map(|_| ())
    }

    fn entry(
        &self,
        seq: u64,
        prev: Hash,
        kind: EntryKind,
        subject: Option<ReportId>,
        body: &Value,
    ) -> Entry {
        let draft = Draft {
            kind,
            subject,
            body: serde_json::to_vec(body).expect("json"),
        };
        Entry::sign(draft, &self.key, seq, prev, now_ms())
    }

    /// A signed request carrying `entries` as runs.
    fn request(&mut self, hub: &Hub, entries: &[Entry]) -> Vec<u8> {
        self.counter += 1;
        SyncRequest {
            device: self.id(),
            counter: self.counter,
            cursor: 0,
            device_time: now_ms(),
            runs: Run::from_entries(entries, |_| None, Signatures::Every),
            bundles: Vec::new(),
            updates: None,
        }
        .seal(&hub.id(), &self.key)
        .expect("sealed")
        .0
    }
}

fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// A report document; `n` varies it, `narrative` pads it to about that many characters.
pub(crate) fn report(unit: &str, n: usize, narrative: usize) -> Value {
    let mut text = format!("Report {n}: herders moved cattle towards the river at dawn.");
    while text.len() < narrative {
        text.push_str(" Tracks of about forty animals were seen near the borehole.");
    }
    json!({
        "type": if n.is_multiple_of(2) { "livestock_raid" } else { "early_warning" },
        "urgency": "urgent",
        "occurred_at": "2025-06-01T05:30:00+03:00",
        "unit": unit,
        "place": format!("Borehole number {n}"),
        "narrative": text,
        "people": {"killed": 0, "injured": null},
        "livestock": [{"species": "cattle", "stolen": n % 200, "estimate": true}]
    })
}

/// The body a store records for a report document.
fn report_body(doc: &Value) -> Value {
    Report::parse(doc, OffsetDateTime::now_utc())
        .expect("a valid report")
        .to_json()
}

/// What must not change when the hub refuses a request.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    entries: (u64, u64),
    devices: usize,
    forks: usize,
}

fn snapshot(hub: &Hub) -> Snapshot {
    Snapshot {
        entries: hub.entry_counts().expect("counted"),
        devices: hub.devices().expect("listed").len(),
        forks: hub.forks().expect("listed").len(),
    }
}

/// Asserts that `result` is the refusal `status` `code` and that the hub stored nothing.
#[track_caller]
fn assert_refused<T>(
    hub: &Hub,
    before: &Snapshot,
    result: Result<T, HubError>,
    status: u16,
    code: &str,
) {
    match result {
        Ok(_) => panic!("accepted; expected a refusal {status} {code}"),
        Err(e) => {
            assert_eq!(
                (e.status().as_u16(), e.code()),
                (status, code),
                "refused for the wrong reason: {e}"
            );
        }
    }
    assert_eq!(
        &snapshot(hub),
        before,
        "a refused request changed what the hub holds"
    );
}

/// Every entry a database holds that any device may receive, in delivery order.
fn pull_everything(db: &dyn Database, hub: DeviceId, units: &[String]) -> Vec<db::Stored> {
    db::read(db, |tx| {
        let audience = Audience {
            device: DeviceId([0; 16]),
            person: "",
            units,
            hub,
            operations: true,
            cleared: true,
        };
        let (stored, more) = tx.pull(&audience, 0, usize::MAX)?;
        assert!(!more);
        Ok(stored)
    })
    .expect("read")
}

/// Every entry any device may receive, by its place in the hub.
fn every_entry(
    db: &dyn Database,
    hub: DeviceId,
    units: &[String],
) -> Vec<(DeviceId, u64, Hash, u64)> {
    pull_everything(db, hub, units)
        .into_iter()
        .map(|s| (s.entry.device, s.entry.seq, s.entry.hash(), s.hub_seq))
        .collect()
}

/// How many entries any device may receive whose body contains `marker`.
fn bodies_holding(db: &dyn Database, hub: DeviceId, units: &[String], marker: &[u8]) -> usize {
    pull_everything(db, hub, units)
        .iter()
        .filter_map(|s| s.entry.body.as_deref())
        .filter(|b| b.windows(marker.len()).any(|w| w == marker))
        .count()
}

fn set(ids: &[&String]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).clone()).collect()
}

// ---------------------------------------------------------------------------------------------
// The story

fn storage_story(backend: &dyn Backend) {
    let hub = Hub::open(backend.open()).expect("the hub opens");
    assert_eq!(hub.db().backend(), backend.name());

    // Enrollment: two chiefs in different units, and a county officer.
    let mut chief_a = enrolled(&hub, "Joseph Korkimul", Role::Chief, OMBOLION, None);
    let mut chief_b = enrolled(&hub, "Mary Chepkemoi", Role::Chief, LEBEI, None);
    let mut officer = enrolled(
        &hub,
        "Inspector Lokwang",
        Role::Officer,
        COUNTY,
        Some(Agency::Nps),
    );
    assert_eq!(hub.devices().expect("listed").len(), 3);

    // A used code, and an expired one, enroll nothing.
    let code = invite(&hub, "Peter Lotee", Role::Elder, CHESEGON, None);
    let mut first = new_store("Peter Lotee", Role::Elder, CHESEGON, None);
    enroll(&hub, &mut first, &code).expect("the first use enrolls");
    let before = snapshot(&hub);
    let mut second = new_store("Someone Else", Role::Elder, CHESEGON, None);
    assert_refused(
        &hub,
        &before,
        enroll(&hub, &mut second, &code),
        403,
        "bad_code",
    );
    let stale = invite(&hub, "Late Comer", Role::Elder, CHESEGON, None);
    backend.execute("UPDATE invites SET expires_at = 0 WHERE used_at IS NULL");
    let before = snapshot(&hub);
    assert_refused(
        &hub,
        &before,
        enroll(&hub, &mut second, &stale),
        403,
        "expired_code",
    );
    let mut elder = first;

    // Reports from each, in their own units and below.
    let a1 = chief_a.file(&report(TAKAYWA, 1, 0));
    let a2 = chief_a.file(&report(OMBOLION, 2, 0));
    let b1 = chief_b.file(&report(AKIRIAMET, 3, 0));
    let b2 = chief_b.file(&report(LEBEI, 4, 0));
    let o1 = officer.file(&report(TAKAYWA, 5, 0));
    let o2 = officer.file(&report(KAPENGURIA, 6, 0));
    let e1 = elder.file(&report(CHESEGON, 7, 0));
    for _ in 0..2 {
        for device in [&mut chief_a, &mut chief_b, &mut officer, &mut elder] {
            sync(&hub, device);
        }
    }
    assert_eq!(
        officer.reports(),
        set(&[&a1, &a2, &b1, &b2, &o1, &o2, &e1]),
        "the county officer sees every report"
    );
    assert_eq!(
        chief_a.reports(),
        set(&[&a1, &a2, &o1]),
        "a chief sees their own reports and those in their unit's subtree, and no others"
    );
    assert_eq!(chief_b.reports(), set(&[&b1, &b2]));
    assert_eq!(elder.reports(), set(&[&e1]));
    for (id, author) in [
        (&a1, &chief_a),
        (&a2, &chief_a),
        (&b1, &chief_b),
        (&o1, &officer),
    ] {
        let expected = author.view(id);
        assert_eq!(expected["status"], "received", "{id} is on the hub");
        for reader in [&chief_a, &chief_b, &officer] {
            if reader.reports().contains(id) {
                assert_eq!(
                    reader.view(id),
                    expected,
                    "report {id} differs between devices"
                );
            }
        }
    }

    // A report moved into another chief's subtree reaches that chief whole: its filing, which
    // that chief's cursor passed long ago, and the amendment.
    chief_b
        .store
        .amend_document(&b1, &json!({"unit": TAKAYWA}))
        .expect("amended");
    sync(&hub, &mut chief_b);
    sync(&hub, &mut chief_a);
    sync(&hub, &mut officer);
    assert!(
        chief_a.reports().contains(&b1),
        "the moved report reached the chief now in charge"
    );
    assert_eq!(chief_a.view(&b1), chief_b.view(&b1));
    assert_eq!(officer.view(&b1), chief_b.view(&b1));
    assert_eq!(chief_b.view(&b1)["unit"], TAKAYWA);

    // A retried request (its answer was lost) carries the same entries: stored once.
    let a3 = chief_a.file(&report(TAKAYWA, 8, 0));
    let lost = chief_a
        .store
        .next_sync_request(CHUNK_BYTES)
        .expect("request");
    assert_eq!(lost.entries, 1);
    hub.sync(&lost.body)
        .expect("stored; the answer never arrives");
    let after_first = snapshot(&hub);
    let retry = chief_a
        .store
        .next_sync_request(CHUNK_BYTES)
        .expect("request");
    assert_eq!(
        retry.entries, 1,
        "the retry carries the unacknowledged entry again"
    );
    let answer = hub.sync(&retry.body).expect("the retry is answered");
    assert_eq!(
        snapshot(&hub),
        after_first,
        "the retried entry was stored twice"
    );
    let applied = chief_a
        .store
        .apply_sync_response(
            &SyncResponse::open(&answer, &retry.hub_key, &retry.tag).expect("response"),
        )
        .expect("applied");
    assert_eq!(applied.acknowledged, 1);
    assert_eq!(chief_a.waiting(), 0);
    sync(&hub, &mut officer);
    assert!(
        officer.reports().contains(&a3),
        "the retried report arrives, once"
    );

    // The very same request body again is a replay: refused, nothing changes.
    let before = snapshot(&hub);
    assert_refused(&hub, &before, hub.sync(&lost.body), 409, "replayed");

    // A hand-made device files one report properly, then sends what no store would.
    let mut forger = HandMade::new();
    forger
        .enroll(&hub, &invite(&hub, "Forger", Role::Chief, CHESEGON, None))
        .expect("enrolled");
    let filed = forger.entry(
        1,
        Hash::GENESIS,
        EntryKind::ReportFiled,
        None,
        &report_body(&report(CHESEGON, 9, 0)),
    );
    let body = forger.request(&hub, std::slice::from_ref(&filed));
    hub.sync(&body).expect("a proper entry is stored");
    let before = snapshot(&hub);

    // A run whose signature is not the author's.
    let mut forged = forger.entry(
        2,
        filed.hash(),
        EntryKind::ReportFiled,
        None,
        &report_body(&report(CHESEGON, 10, 0)),
    );
    let other = HandMade::new();
    forged.signature = other
        .entry(
            2,
            filed.hash(),
            EntryKind::ReportFiled,
            None,
            &report_body(&report(CHESEGON, 10, 0)),
        )
        .signature;
    let body = forger.request(&hub, &[forged]);
    assert_refused(&hub, &before, hub.sync(&body), 422, "bad_signature");

    // A run that does not link to the entry the hub holds.
    let unlinked = forger.entry(
        2,
        Hash([7; 32]),
        EntryKind::ReportFiled,
        None,
        &report_body(&report(CHESEGON, 11, 0)),
    );
    let body = forger.request(&hub, &[unlinked]);
    assert_refused(&hub, &before, hub.sync(&body), 422, "broken_chain");

    // A device nobody enrolled.
    let mut stranger = HandMade::new();
    let body = stranger.request(&hub, &[]);
    assert_refused(&hub, &before, hub.sync(&body), 401, "unknown_device");

    // The same sequence number with other content: a fork, kept aside for the ICT office.
    let fork = forger.entry(
        1,
        Hash::GENESIS,
        EntryKind::ReportFiled,
        None,
        &report_body(&report(CHESEGON, 12, 0)),
    );
    let body = forger.request(&hub, std::slice::from_ref(&fork));
    let refused = hub.sync(&body).expect_err("a fork is refused");
    assert_eq!((refused.status().as_u16(), refused.code()), (409, "fork"));
    let forks = hub.forks().expect("listed");
    assert_eq!(forks.len(), 1, "the fork is listed");
    assert_eq!((forks[0].device, forks[0].seq), (forger.id(), 1));
    assert_eq!(forks[0].held_hash, filed.hash().to_string());
    assert_eq!(forks[0].offered_hash, fork.hash().to_string());
    assert_eq!(
        hub.entry_counts().expect("counted"),
        before.entries,
        "the fork was stored"
    );

    // An amendment of someone else's report is kept (the chain stays whole) without effect.
    let a1_id = ReportId::parse(&a1).expect("id");
    let a1_before = officer.view(&a1);
    let amendment = forger.entry(
        2,
        filed.hash(),
        EntryKind::ReportAmended,
        Some(a1_id),
        &json!({"narrative": "Nothing happened here."}),
    );
    let body = forger.request(&hub, &[amendment]);
    hub.sync(&body).expect("the amendment is taken");
    let (stored, refused) = hub.entry_counts().expect("counted");
    assert_eq!(
        (stored, refused),
        (before.entries.0 + 1, before.entries.1 + 1)
    );
    sync(&hub, &mut officer);
    sync(&hub, &mut chief_a);
    assert_eq!(
        officer.view(&a1),
        a1_before,
        "a refused amendment changed the report"
    );
    assert_eq!(chief_a.view(&a1)["narrative"], a1_before["narrative"]);

    // Redaction: by the author on their device, and by the administrator at the hub. The
    // earlier bodies leave the hub and every device that holds the report; the entries and
    // every chain stay; an entry the redaction does not name (the refused amendment) keeps its
    // body.
    let mut cleaned = report(TAKAYWA, 1, 0);
    cleaned["narrative"] = json!("Herders moved cattle; the witness is not named.");
    let cleaned = Report::parse(&cleaned, OffsetDateTime::now_utc()).expect("valid");
    let removed = chief_a
        .store
        .redact_report(&a1_id, &cleaned, "a name typed by mistake")
        .expect("the author redacts");
    assert_eq!(
        removed, 1,
        "the filing: the refused amendment never reached the author"
    );
    let b2_id = ReportId::parse(&b2).expect("id");
    let done = hub
        .redact(&b2, &cleaned, "a name typed by mistake")
        .expect("the administrator redacts");
    assert_eq!(done.removed, 1);
    for device in [&mut chief_a, &mut chief_b, &mut officer] {
        sync(&hub, device);
    }
    let bodies = |id: &ReportId| -> Vec<(EntryKind, bool)> {
        db::read(hub.db(), |tx| {
            Ok(tx
                .entries_about(id)?
                .into_iter()
                .map(|e| (e.kind, e.body.is_some()))
                .collect())
        })
        .expect("read")
    };
    assert_eq!(
        bodies(&a1_id),
        [
            (EntryKind::ReportFiled, false),
            (EntryKind::ReportAmended, true),
            (EntryKind::ReportRedacted, true)
        ]
    );
    assert_eq!(
        bodies(&b2_id),
        [
            (EntryKind::ReportFiled, false),
            (EntryKind::ReportRedacted, true)
        ]
    );
    for (id, readers) in [(&a1, [&chief_a, &officer]), (&b2, [&chief_b, &officer])] {
        for reader in readers {
            let view = reader.view(id);
            assert_eq!(view["narrative"], cleaned.narrative.as_str(), "{id}");
            assert_eq!(
                view,
                readers[0].view(id),
                "report {id} differs between devices"
            );
        }
    }
    for device in [&mut chief_a, &mut chief_b, &mut officer] {
        let report = device.store.verify().expect("verified");
        assert!(report.ok(), "{:?}", report.problems);
    }

    // A revoked device is refused from its next request, and what it sends is not stored.
    hub.revoke(&elder.id().to_string()).expect("revoked");
    elder.file(&report(CHESEGON, 13, 0));
    let before = snapshot(&hub);
    assert_refused(&hub, &before, step(&hub, &mut elder), 403, "revoked");
    assert_eq!(elder.waiting(), 1);

    // The county's gazetteer changes on the hub and reaches the devices.
    let added = hub.add_unit("Kapchok", "village", OMBOLION).expect("added");
    hub.rename_unit(&added.id, "Kapchok Centre")
        .expect("renamed");
    hub.retire_unit(CHEKURIO).expect("retired");
    for device in [&mut chief_a, &mut chief_b, &mut officer] {
        sync(&hub, device);
        let unit = device
            .unit(&added.id)
            .expect("the new unit reached the device");
        assert_eq!(unit.name, "Kapchok Centre");
        assert_eq!(unit.parent.as_deref(), Some(OMBOLION));
        assert!(!unit.retired);
        assert!(
            device.unit(CHEKURIO).expect("kept").retired,
            "the retirement reached the device"
        );
    }
    let a4 = chief_a.file(&report(&added.id, 14, 0));
    sync(&hub, &mut chief_a);
    sync(&hub, &mut officer);
    assert!(officer.reports().contains(&a4));
    assert!(chief_a.reports().contains(&a4));
    assert!(!chief_b.reports().contains(&a4));

    // A backlog of a few hundred long reports goes in chunks, each committed on its own.
    let backlog = 300;
    let ids: Vec<String> = (0..backlog)
        .map(|n| chief_b.file(&report(AKIRIAMET, 100 + n, 2_000)))
        .collect();
    assert_eq!(chief_b.waiting(), backlog as u64);
    let (stored_before, _) = hub.entry_counts().expect("counted");
    let first = step(&hub, &mut chief_b).expect("the first chunk");
    let (stored_after, _) = hub.entry_counts().expect("counted");
    assert!(
        first.acknowledged > 0 && first.acknowledged < backlog,
        "the first chunk carried {} of {backlog} reports",
        first.acknowledged
    );
    assert_eq!(
        stored_after - stored_before,
        first.acknowledged as u64,
        "the first chunk is committed"
    );
    assert_eq!(chief_b.waiting(), (backlog - first.acknowledged) as u64);
    let pushed = 1 + sync(&hub, &mut chief_b);
    assert!(
        pushed >= 3,
        "{backlog} reports went up in {pushed} requests"
    );
    assert_eq!(
        hub.entry_counts().expect("counted").0,
        stored_before + backlog as u64
    );

    let first = step(&hub, &mut officer).expect("the first chunk");
    assert!(first.more, "the hub says more is waiting");
    assert!(first.received > 0 && first.received < backlog);
    let pulled = 1 + sync(&hub, &mut officer);
    assert!(
        pulled >= 3,
        "{backlog} reports came down in {pulled} responses"
    );
    let seen = officer.reports();
    assert!(
        ids.iter().all(|id| seen.contains(id)),
        "the officer received the whole backlog"
    );
    assert!(!chief_a.reports().contains(&ids[0]));

    // Sealed sources: a cleared reader's device issues the county key; a chief's source
    // reaches the hub only sealed; the cleared reader reads it, the uncleared officer does not
    // even receive it. (The backup below is checked too.)
    let code = hub
        .invite(&InviteRequest {
            name: "Officer Chepkoech".into(),
            role: Role::Officer,
            unit: COUNTY.into(),
            agency: Some(Agency::Nis),
            cleared: true,
            person: None,
            hours: DEFAULT_INVITE_HOURS,
        })
        .expect("invited")
        .code;
    let mut cleared = new_store(
        "Officer Chepkoech",
        Role::Officer,
        COUNTY,
        Some(Agency::Nis),
    );
    enroll(&hub, &mut cleared, &code).expect("enrolled");
    // A cleared reader's device syncs once the administrator has approved it.
    hub.approve(&cleared.id().to_string()).expect("approved");
    sync(&hub, &mut cleared);
    assert_eq!(cleared.store.tend_county_keys().expect("tended"), 1);
    sync(&hub, &mut cleared);
    sync(&hub, &mut chief_a);
    let mut doc = report(OMBOLION, 14, 0);
    doc["source"] = json!({"kind": "informant", "name": "Lomuriaxq Ekai"});
    let sourced = chief_a.file(&doc);
    sync(&hub, &mut chief_a);
    sync(&hub, &mut cleared);
    sync(&hub, &mut officer);
    assert_eq!(cleared.view(&sourced)["source"]["name"], "Lomuriaxq Ekai");
    assert_eq!(chief_a.view(&sourced)["source"]["name"], "Lomuriaxq Ekai");
    assert_eq!(officer.view(&sourced)["source"], Value::Null);
    let units: Vec<String> = hub
        .units()
        .expect("units")
        .into_iter()
        .map(|u| u.id)
        .collect();
    assert_eq!(bodies_holding(hub.db(), hub.id(), &units, b"Lomuriaxq"), 0);
    // A bundle for a device is written on every backend, dated by its last receipt.
    let (bundle, export) = hub
        .export_bundle(&chief_a.id().to_string(), None)
        .expect("exported");
    assert_eq!(export.bytes, bundle.len());
    // Everything kept without effect is listed for the administrator, on every backend.
    assert!(!hub.refused().expect("listed").is_empty());
    // The check can see a body where one is.
    assert!(bodies_holding(hub.db(), hub.id(), &units, b"Borehole number 14") > 0);

    // A backup taken while serving opens as a hub and holds the same entries.
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("hub-backup");
    hub.backup(&out).expect("backed up");
    let again = hub.backup(&out).expect_err("an existing file is refused");
    assert_eq!(again.code(), "exists");
    let copy = Hub::open(backend.restore(&out)).expect("the backup opens as a hub");
    assert_eq!(copy.id(), hub.id(), "the copy is the same hub (same key)");
    assert_eq!(
        copy.entry_counts().expect("counted"),
        hub.entry_counts().expect("counted")
    );
    assert_eq!(copy.units().expect("units"), hub.units().expect("units"));
    let ids_of = |h: &Hub| -> Vec<(DeviceId, bool)> {
        h.devices()
            .expect("listed")
            .into_iter()
            .map(|d| (d.id, d.revoked))
            .collect()
    };
    assert_eq!(ids_of(&copy), ids_of(&hub));
    assert_eq!(copy.forks().expect("forks").len(), 1);
    assert_eq!(bodies_holding(copy.db(), hub.id(), &units, b"Lomuriaxq"), 0);
    let held = every_entry(hub.db(), hub.id(), &units);
    assert!(held.len() > backlog);
    assert_eq!(
        every_entry(copy.db(), hub.id(), &units),
        held,
        "the copy holds other entries"
    );
}

/// A restored hub is the hub as it was at the backup, but the devices are not: they carry on
/// with it, resend what it lost, and receive what it records afterwards.
#[test]
fn devices_continue_with_a_hub_restored_from_a_backup() {
    let backend = SqliteBackend::new();
    let hub = Hub::open(backend.open()).expect("the hub opens");
    let mut chief = enrolled(&hub, "Joseph Korkimul", Role::Chief, OMBOLION, None);
    let mut officer = enrolled(
        &hub,
        "Inspector Lokwang",
        Role::Officer,
        COUNTY,
        Some(Agency::Nps),
    );
    chief.file(&report(TAKAYWA, 1, 0));
    sync(&hub, &mut chief);
    sync(&hub, &mut officer);
    let dir = tempfile::tempdir().expect("temp dir");
    let backup = dir.path().join("hub-backup.db");
    hub.backup(&backup).expect("backed up");
    // After the backup: one more report, held by the hub and acknowledged to the chief.
    let lost = chief.file(&report(TAKAYWA, 2, 0));
    sync(&hub, &mut chief);
    sync(&hub, &mut officer);
    assert_eq!(chief.view(&lost)["status"], "received");
    drop(hub);

    let restored = Hub::open(backend.restore(&backup)).expect("the backup opens as a hub");
    // A new chief's enrollment and report on the restored hub: numbered anew, from where the
    // backup stopped, that is at or below the officer's cursor.
    let mut newcomer = enrolled(&restored, "Mary Chepkemoi", Role::Chief, OMBOLION, None);
    let late = newcomer.file(&report(TAKAYWA, 3, 0));
    sync(&restored, &mut newcomer);
    sync(&restored, &mut officer);
    assert_eq!(
        officer.view(&late)["reported_by"]["name"],
        "Mary Chepkemoi",
        "the officer received what the restored hub numbered below its old cursor"
    );
    // The chief's report acknowledged after the backup is not on the restored hub: the chief
    // sends it again with the next report, and nothing is refused.
    let next = chief.file(&report(TAKAYWA, 4, 0));
    sync(&restored, &mut chief);
    sync(&restored, &mut officer);
    for id in [&lost, &next] {
        assert_eq!(chief.view(id)["status"], "received");
        assert_eq!(officer.view(id)["reported_by"]["name"], "Joseph Korkimul");
    }
    assert!(restored.forks().expect("forks").is_empty());
    for device in [&mut chief, &mut officer, &mut newcomer] {
        assert!(device.store.verify().expect("verified").ok());
    }
}
