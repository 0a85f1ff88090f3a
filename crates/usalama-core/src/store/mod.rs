//! The encrypted local store: ledger and projections in one SQLCipher database.
//!
//! A home folder holds two files: `store.key`, the key header (see [`crate::keys`]), and
//! `store.db`, the SQLCipher database in WAL mode with `synchronous = FULL`, so that a save that
//! returned survives a power cut. Every entry and the projections it changes are written in one
//! transaction.
//!
//! The home folder is the user's alone (0700) and every file in it 0600: a store is created
//! so, and opening an older store tightens what an earlier version left wider. The database is
//! encrypted, but another account on the laptop should not even get a copy to attack offline.
//!
//! # Rooms
//!
//! Each room uses only the rooms listed before it (and this one), so that none needs another
//! back.
//!
//! - `schema`: the append-only migrations.
//! - `entries`: the `entries` table: appending to this device's chain, storing and reading.
//! - `held`: what the store holds, as admission asks it.
//! - `keyring`: the county keys as this device knows them, and who is an approved reader.
//! - `sources`: restricted sections sealed to the county key, or waiting here for one.
//! - `warning_facts`: the facts a warning reads of a report, in columns of its row.
//! - `projection`: a report's row rebuilt from its entries; the response fold.
//! - `listing`: resolving ids, filters, lists and the board of open incidents.
//! - `view`: one report as its page shows it, with its timeline.
//! - `relays`: flash alerts the county hub relayed by SMS, and the full reports they fold into.
//! - `reports`: filing, amending and redacting reports.
//! - `incidents`: the steps of a report's response, and which this device may take.
//! - `clearance`: requests and approvals of clearance to read sealed sources.
//! - `county`: the county keys shown, tended (issued, shared) and copied offline.
//! - `needs`: needs assessments.
//! - `drafts`: the report form's autosaved content.
//! - `sync`: the hub link, enrollment and where sync stands; `outgoing`: the next request;
//!   `incoming`: applying the hub's answer.
//! - `bundle`: sync by USB stick.
//! - `updates`: what this device knows of updates: the release it fetches or holds, how far,
//!   why it cannot update, and the versions the chief went back from.
//! - `sms`: flash alerts by SMS: the `sms_alert` entry and the county hub's number.
//! - `verify`: every signature, chain and projection checked again.
//! - `summary`: the reports a summary reads.
//! - `app`: what the desktop app asks beyond the CLI's calls.

mod app;
mod bundle;
mod clearance;
mod county;
mod drafts;
mod entries;
mod held;
mod incidents;
mod incoming;
mod keyring;
mod listing;
mod needs;
mod outgoing;
mod projection;
mod relays;
mod reports;
mod schema;
mod sms;
mod sources;
mod summary;
mod sync;
mod updates;
mod verify;
mod view;
mod warning_facts;
mod warnings;

use std::fs;
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use time::OffsetDateTime;
use zeroize::Zeroizing;

pub use bundle::{file_name as bundle_file_name, Exported, Imported, Written};
pub use clearance::{ClearanceOf, Clearances};
pub use county::{CountyKeyView, CountyKeys, Holder};
pub use drafts::Draft;
pub use held::Held;
pub use listing::{AgencyFilter, Incident, Relation, ReportFilter, ReportRow};
pub use needs::NeedsView;
pub use schema::version as schema_version;
pub use sms::SmsAlert;
pub use sync::{Applied, FailureKind, HubLink, Outgoing, SyncFailure, SyncStatus};
pub use updates::{ProblemNote, Source, Stage, UpdateRecord};
pub use verify::VerifyReport;
pub use view::{RedactedMark, ReportView, TimelineItem};
pub use warnings::{AckView, WarningView, WarningsView, FOLLOW_UP_DAYS};

use crate::clock::format_ms;
use crate::domain::{Agency, Lang, Role};
use crate::error::{Broken, Error, Problems, Result, Rule};
use crate::gazetteer::{self, Unit};
use crate::keys::{check_new_passphrase, DataKey, KdfParams, KeyHeader, OwnWords, RecoveryCode};
use crate::ledger::DeviceId;

const DB_FILE: &str = "store.db";
const KEY_FILE: &str = "store.key";
/// Every file a home folder may hold: the database and SQLite's companions, the key header (and
/// its replacement being written), and the language remembered for the passphrase screen.
const HOME_FILES: &[&str] = &[
    DB_FILE,
    "store.db-wal",
    "store.db-shm",
    "store.db-journal",
    KEY_FILE,
    "store.tmp",
    "language",
    "lock-after",
];

/// Who uses this device, as given at `init` (or later by the hub's enrollment).
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub role: Role,
    pub unit: Option<String>,
    pub agency: Option<Agency>,
    pub lang: Lang,
}

/// This device: its id, its signing key and who uses it.
pub struct Identity {
    pub device: DeviceId,
    key: SigningKey,
    pub profile: Profile,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("device", &self.device)
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

impl Identity {
    /// The device's public key as hex, which an administrator can compare by eye.
    pub fn fingerprint(&self) -> String {
        let hex = hex::encode(self.key.verifying_key().as_bytes());
        hex.as_bytes()
            .chunks(4)
            .take(8)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// An open, unlocked store.
#[derive(Debug)]
pub struct Store {
    // A plain connection, not a pool: SQLite serialises writers anyway, and the desktop app
    // wraps the store in a `std::sync::Mutex` since no `.await` happens while it is held.
    conn: Connection,
    home: PathBuf,
    me: Identity,
    units: Vec<Unit>,
    /// The warnings last computed, and the state of the database they were computed from.
    warnings: warnings::Cache,
}

impl Store {
    /// Whether `home` holds a store.
    pub fn exists(home: &Path) -> bool {
        home.join(KEY_FILE).exists()
    }

    /// Creates the device identity, its keys and the encrypted store in `home`.
    /// Returns the store and the recovery code, which is shown to the user once and never kept.
    pub fn create(
        home: &Path,
        profile: Profile,
        passphrase: &str,
        kdf: KdfParams,
    ) -> Result<(Store, RecoveryCode)> {
        if Store::exists(home) {
            return Err(Error::AlreadyInitialized(home.to_owned()));
        }
        let units = gazetteer::shipped();
        check_profile(&profile, &units)?;
        check_new_passphrase(passphrase, &OwnWords::of(&profile.name, &units))?;
        let (header, data_key, code) = KeyHeader::create(passphrase, kdf)?;
        make_private_home(home, true)?;
        // A database without its key header is unreadable leftovers of an interrupted `init`.
        for stale in [DB_FILE, "store.db-wal", "store.db-shm"] {
            let _ = fs::remove_file(home.join(stale));
        }
        // Created here 0600 before SQLite opens it: SQLite gives its WAL and shared-memory
        // files the database file's mode.
        crate::keys::private_file(&home.join(DB_FILE))
            .map_err(|e| Error::io(format!("creating {}", home.display()), e))?;
        let mut conn = connect(&home.join(DB_FILE), &data_key)?;
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let device = DeviceId::of(&key.verifying_key());
        {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            schema::migrate(&tx)?;
            // A new store has nothing written by an earlier version to upgrade.
            tx.execute("DELETE FROM upgrade_tasks", [])?;
            let secret = Zeroizing::new(key.to_bytes());
            tx.execute(
                "INSERT INTO identity (id, device, secret_key, name, role, unit, agency, lang,
                                       created_at)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    device.0,
                    secret.as_slice(),
                    profile.name,
                    profile.role.as_str(),
                    profile.unit,
                    profile.agency.map(Agency::as_str),
                    profile.lang.as_str(),
                    now_ms(),
                ],
            )?;
            tx.execute(
                "INSERT INTO devices (device, public_key, name, role, unit, agency)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    device.0,
                    key.verifying_key().as_bytes(),
                    profile.name,
                    profile.role.as_str(),
                    profile.unit,
                    profile.agency.map(Agency::as_str),
                ],
            )?;
            for (ord, u) in units.iter().enumerate() {
                tx.execute(
                    "INSERT INTO units (id, name, sw_name, kind, parent, code, retired, ord)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![u.id, u.name, u.sw_name, u.kind, u.parent, u.code, u.retired, ord],
                )?;
            }
            tx.commit()?;
        }
        header.save(&home.join(KEY_FILE))?;
        let me = Identity {
            device,
            key,
            profile,
        };
        Ok((
            Store {
                conn,
                home: home.to_owned(),
                me,
                units,
                warnings: warnings::Cache::default(),
            },
            code,
        ))
    }

    /// Opens the store in `home` with the passphrase. A wrong passphrase is refused before the
    /// database file is touched.
    pub fn open(home: &Path, passphrase: &str) -> Result<Store> {
        let header = load_header(home)?;
        let key = header.unlock(passphrase)?;
        Store::open_with_key(home, &key)
    }

    /// Opens the store with the recovery code and sets a new passphrase.
    pub fn recover(home: &Path, code: &str, new_passphrase: &str) -> Result<Store> {
        let header = load_header(home)?;
        let key = header.unlock_with_recovery(code)?;
        let store = Store::open_with_key(home, &key)?;
        check_new_passphrase(new_passphrase, &store.own_words())?;
        header
            .with_passphrase(&key, new_passphrase)?
            .save(&home.join(KEY_FILE))?;
        Ok(store)
    }

    /// Sets a new passphrase. The data is not re-encrypted; only the key header changes.
    pub fn change_passphrase(home: &Path, old: &str, new: &str) -> Result<()> {
        let header = load_header(home)?;
        let key = header.unlock(old)?;
        // The store is opened for the user's name and areas, which the new passphrase must
        // not be.
        check_new_passphrase(new, &Store::open_with_key(home, &key)?.own_words())?;
        header
            .with_passphrase(&key, new)?
            .save(&home.join(KEY_FILE))
    }

    /// The key derivation parameters of the store in `home`.
    pub fn kdf(home: &Path) -> Result<KdfParams> {
        Ok(load_header(home)?.kdf())
    }

    /// The data key of the store in `home`, for tools that open the database directly.
    pub fn data_key(home: &Path, passphrase: &str) -> Result<DataKey> {
        load_header(home)?.unlock(passphrase)
    }

    /// Moves everything in the write-ahead log into the database file, so the file alone holds
    /// the whole store (before copying it, or measuring it).
    pub fn checkpoint(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// The path of the database file in `home`.
    pub fn database_path(home: &Path) -> PathBuf {
        home.join(DB_FILE)
    }

    /// What this store's user must not choose as a passphrase: their name and the areas'.
    fn own_words(&self) -> OwnWords {
        OwnWords::of(&self.me.profile.name, &self.units)
    }

    fn open_with_key(home: &Path, key: &DataKey) -> Result<Store> {
        make_private_home(home, false)?;
        let mut conn = connect(&home.join(DB_FILE), key)?;
        {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let before = schema::migrate(&tx)?;
            if before < schema::RESPONSE_COLUMNS {
                projection::reproject_all(&tx)?;
            } else if before < schema::WARNING_FACTS {
                warning_facts::fill(&tx)?;
            }
            tx.commit()?;
        }
        let me = conn
            .query_row(
                "SELECT secret_key, name, role, unit, agency, lang FROM identity WHERE id = 1",
                [],
                |r| {
                    Ok((
                        Zeroizing::new(r.get::<_, Vec<u8>>(0)?),
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, String>(5)?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| Error::Unsupported("the store has no device identity".into()))?;
        let (secret, name, role, unit, agency, lang) = me;
        if secret.len() != 32 {
            return Err(Error::Unsupported(
                "the device key in the store is damaged".into(),
            ));
        }
        let mut bytes = Zeroizing::new([0u8; 32]);
        bytes.copy_from_slice(&secret);
        let key = SigningKey::from_bytes(&bytes);
        let damaged = |what: &str, e: String| Error::Unsupported(format!("stored {what}: {e}"));
        let profile = Profile {
            name,
            role: Role::parse(&role).map_err(|e| damaged("role", e))?,
            unit,
            agency: agency
                .map(|a| Agency::parse(&a))
                .transpose()
                .map_err(|e| damaged("agency", e))?,
            lang: Lang::parse(&lang).map_err(|e| damaged("language", e))?,
        };
        let units = load_units(&conn)?;
        let mut store = Store {
            conn,
            home: home.to_owned(),
            me: Identity {
                device: DeviceId::of(&key.verifying_key()),
                key,
                profile,
            },
            units,
            warnings: warnings::Cache::default(),
        };
        store.run_upgrade_tasks()?;
        Ok(store)
    }

    /// Does the work a migration left for the open store (see `schema`, `upgrade_tasks`). A
    /// task that fails stays, to be tried again at the next opening: it never keeps the store
    /// from opening.
    fn run_upgrade_tasks(&mut self) -> Result<()> {
        let tasks: Vec<String> = self
            .conn
            .prepare("SELECT task FROM upgrade_tasks")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for task in tasks {
            let done = match task.as_str() {
                "seal_plain_suspects" => self.seal_plain_suspects().is_ok(),
                // Not one this version knows: left alone.
                _ => false,
            };
            if done {
                self.conn
                    .execute("DELETE FROM upgrade_tasks WHERE task = ?1", [&task])?;
            }
        }
        Ok(())
    }

    pub fn home(&self) -> &Path {
        &self.home
    }

    pub fn identity(&self) -> &Identity {
        &self.me
    }

    /// The gazetteer, parents before children, retired units included (and marked).
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    pub fn unit(&self, id: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.id == id)
    }

    /// A warning for the user when this device's clock is plainly wrong: earlier than the last
    /// entry it recorded, or more than ten minutes from the hub's clock at the last sync.
    /// Reports are never refused because of it.
    pub fn clock_warning(&self) -> Result<Option<String>> {
        let last: Option<i64> =
            self.conn
                .query_row("SELECT head_at FROM identity WHERE id = 1", [], |r| {
                    r.get(0)
                })?;
        let now = now_ms();
        if let Some(last) = last.filter(|&last| now + 60_000 < last) {
            return Ok(Some(format!(
                "this device's clock ({}) is earlier than its last saved entry ({}); the clock is \
                 probably wrong. Reports are still saved; please set the date and time",
                format_ms(now),
                format_ms(last)
            )));
        }
        Ok(self
            .hub_clock_offset()?
            .filter(|offset| offset.abs() > 10 * 60_000)
            .map(|offset| {
                format!(
                    "this device's clock ({}) was {} minutes {} the county hub's at the last \
                     sync; the clock is probably wrong. Reports are still saved; please set the \
                     date and time",
                    format_ms(now),
                    (offset.abs() + 30_000) / 60_000,
                    if offset > 0 { "behind" } else { "ahead of" }
                )
            }))
    }
}

/// The home folder, created if missing, with mode 0700, and each file in it 0600 (an older
/// version created them 0755 and 0644). At creation a failure is an error; when an existing
/// store is opened it is not, so that a store on a file system without Unix modes (or in a
/// folder the user does not own) still opens.
fn make_private_home(home: &Path, strict: bool) -> Result<()> {
    let io = |e| Error::io(format!("making {} private to this user", home.display()), e);
    fs::create_dir_all(home).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let tighten = |path: &Path, mode: u32, meta: std::io::Result<fs::Metadata>| match meta {
            Ok(m) if m.permissions().mode() & 0o777 != mode => {
                fs::set_permissions(path, fs::Permissions::from_mode(mode))
            }
            Ok(_) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        };
        // The folder may be a link the user made (to another disk); its files are changed only
        // if they are real files, never through a link.
        let mut result = tighten(home, 0o700, fs::metadata(home));
        for file in HOME_FILES {
            let path = home.join(file);
            let meta = fs::symlink_metadata(&path).and_then(|m| {
                if m.file_type().is_symlink() {
                    Err(std::io::ErrorKind::NotFound.into())
                } else {
                    Ok(m)
                }
            });
            result = result.and(tighten(&path, 0o600, meta));
        }
        if strict {
            result.map_err(io)?;
        }
    }
    #[cfg(not(unix))]
    let _ = strict;
    Ok(())
}

fn load_header(home: &Path) -> Result<KeyHeader> {
    if !Store::exists(home) {
        return Err(Error::NotInitialized(home.to_owned()));
    }
    KeyHeader::load(&home.join(KEY_FILE))
}

fn connect(path: &Path, key: &DataKey) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "key", key.sqlcipher_pragma().as_str())?;
    // The first read is where SQLCipher finds out whether the key fits.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(|_| {
        Error::Unsupported(format!(
            "{} cannot be read with this store's key: it is damaged or belongs to another \
                 key header",
            path.display()
        ))
    })?;
    // Deleted content (a redacted body, the text index's old words) is overwritten with
    // zeros, not left in free space.
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: a commit in WAL mode returns only after the log is on disk.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(conn)
}

pub(super) fn load_units(conn: &Connection) -> Result<Vec<Unit>> {
    let mut stmt = conn.prepare(
        "SELECT id, name, sw_name, kind, parent, code, retired FROM units ORDER BY ord, id",
    )?;
    let units = stmt
        .query_map([], |r| {
            Ok(Unit {
                id: r.get(0)?,
                name: r.get(1)?,
                sw_name: r.get(2)?,
                kind: r.get(3)?,
                parent: r.get(4)?,
                code: r.get(5)?,
                retired: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(units)
}

fn check_profile(profile: &Profile, units: &[Unit]) -> Result<()> {
    let mut problems = Problems::default();
    let name = profile.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        problems.push("name", "must be the user's name, 1 to 100 characters");
    }
    if let Some(unit) = &profile.unit {
        if !units.iter().any(|u| &u.id == unit) {
            problems.add("unit", gazetteer::unknown_unit(unit));
        }
    }
    if profile.role == Role::Officer && profile.agency.is_none() {
        problems.add(
            "agency",
            Broken::new(
                Rule::Required,
                "is required for an officer; one of nps, npr, kdf, nis, ngao, cso",
            ),
        );
    }
    Ok(problems.into_result()?)
}

pub(crate) fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Stores for the unit tests of this module's parts.
#[cfg(test)]
pub(crate) mod testing {
    use super::{now_ms, Profile, Store};
    use crate::domain::{Agency, Lang, Role};
    use crate::enrollment::Enrolled;
    use crate::keys::KdfParams;

    /// The county hub's signing key in these tests.
    pub(crate) const HUB_KEY: [u8; 32] = [7; 32];

    /// What the hub of [`HUB_KEY`] answers to Chief Lokwang's enrollment in `ke-024`, now.
    pub(crate) fn chief_enrolled() -> Enrolled {
        Enrolled {
            hub_key: hex::encode(
                ed25519_dalek::SigningKey::from_bytes(&HUB_KEY)
                    .verifying_key()
                    .to_bytes(),
            ),
            name: "Chief Lokwang".into(),
            role: Role::Chief,
            unit: Some("ke-024".into()),
            agency: None,
            person: "p-1".into(),
            cleared: false,
            hub_time: now_ms(),
        }
    }

    /// What makes a store's reports as they were before schema 8, which kept the facts
    /// warnings read in columns of each row, and what came after it (migration tests age a
    /// store with it).
    pub(crate) const WITHOUT_WARNING_FACTS: &str = "DROP INDEX reports_by_type_and_status;
         DROP INDEX reports_warning_facts;
         ALTER TABLE reports DROP COLUMN warning_report;
         ALTER TABLE reports DROP COLUMN warning_day;
         ALTER TABLE reports DROP COLUMN warning_unit;
         ALTER TABLE reports DROP COLUMN warning_killed;
         ALTER TABLE reports DROP COLUMN warning_abducted;
         ALTER TABLE reports DROP COLUMN warning_head;
         ALTER TABLE reports DROP COLUMN warning_indicators;
         DROP TABLE update_release;
         DROP TABLE update_problem;
         DROP TABLE update_refusal;
         DROP TABLE update_left;";

    /// A new store in `dir` for `name`, with the test passphrase "cows at the borehole".
    pub(crate) fn store(
        dir: &std::path::Path,
        name: &str,
        role: Role,
        unit: &str,
        agency: Option<Agency>,
    ) -> Store {
        let profile = Profile {
            name: name.into(),
            role,
            unit: Some(unit.into()),
            agency,
            lang: Lang::En,
        };
        Store::create(
            dir,
            profile,
            "cows at the borehole",
            KdfParams::FAST_INSECURE,
        )
        .expect("created")
        .0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).expect("metadata").permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn a_new_store_is_private_to_its_user() {
        let dir = tempfile::tempdir().expect("dir");
        let home = dir.path().join("usalama");
        let mut store = testing::store(&home, "Chief Lokwang", Role::Chief, "ke-024", None);
        store
            .save_draft("form-1", &serde_json::json!({"narrative": "x"}))
            .expect("draft");
        store.set_language(Lang::Sw).expect("language");
        assert_eq!(mode(&home), 0o700);
        for file in [
            DB_FILE,
            "store.db-wal",
            "store.db-shm",
            KEY_FILE,
            "language",
        ] {
            assert_eq!(mode(&home.join(file)), 0o600, "{file}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn opening_a_store_left_readable_by_others_makes_it_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("dir");
        let home = dir.path().join("usalama");
        drop(testing::store(
            &home,
            "Chief Lokwang",
            Role::Chief,
            "ke-024",
            None,
        ));
        // As an earlier version left it.
        fs::set_permissions(&home, fs::Permissions::from_mode(0o755)).expect("chmod");
        for file in [DB_FILE, KEY_FILE] {
            fs::set_permissions(home.join(file), fs::Permissions::from_mode(0o644)).expect("chmod");
        }
        let store = Store::open(&home, "cows at the borehole").expect("opens");
        assert_eq!(mode(&home), 0o700);
        for file in [DB_FILE, "store.db-wal", KEY_FILE] {
            assert_eq!(mode(&home.join(file)), 0o600, "{file}");
        }
        drop(store);
    }

    #[test]
    fn a_new_passphrase_may_not_be_the_users_name_nor_their_area() {
        let dir = tempfile::tempdir().expect("dir");
        let profile = Profile {
            name: "Joseph Korkimul".into(),
            role: Role::Chief,
            unit: Some("ke-024".into()),
            agency: None,
            lang: Lang::En,
        };
        let err = Store::create(
            dir.path(),
            profile,
            "Joseph Korkimul",
            KdfParams::FAST_INSECURE,
        )
        .expect_err("refused");
        assert_eq!(err.kind(), "invalid");
        assert!(err.to_string().starts_with("passphrase: "), "{err}");
        assert!(!Store::exists(dir.path()));

        let home = dir.path().join("h");
        drop(testing::store(
            &home,
            "Joseph Korkimul",
            Role::Chief,
            "ke-024",
            None,
        ));
        let old = "cows at the borehole";
        let err = Store::change_passphrase(&home, old, "korkimul 2026").expect_err("refused");
        assert!(err.to_string().contains("your own name"), "{err}");
        let err = Store::change_passphrase(&home, old, "Kapenguria!!").expect_err("refused");
        assert!(err.to_string().contains("name of an area"), "{err}");
        Store::change_passphrase(&home, old, "goats graze where the river bends").expect("ok");
    }
}
