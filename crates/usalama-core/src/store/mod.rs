//! The encrypted local store: ledger and projections in one SQLCipher database.
//!
//! A home folder holds two files: `store.key`, the key header (see [`crate::keys`]), and
//! `store.db`, the SQLCipher database in WAL mode with `synchronous = FULL`, so that a save that
//! returned survives a power cut. Every entry and the projections it changes are written in one
//! transaction.

mod app;
mod bundle;
mod county;
mod drafts;
mod incidents;
mod needs;
mod reports;
mod schema;
mod summary;
mod sync;
mod verify;

use std::fs;
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use time::OffsetDateTime;

pub use bundle::{file_name as bundle_file_name, Exported, Imported, Written};
pub use county::{ClearanceOf, Clearances, CountyKeyView, CountyKeys, Holder};
pub use drafts::Draft;
pub use needs::NeedsView;
pub use reports::{
    AgencyFilter, Held, Incident, RedactedMark, Relation, ReportFilter, ReportRow, ReportView,
    TimelineItem,
};
pub use sync::{
    enrollment_proof_digest, Applied, Enrolled, HubLink, Outgoing, SyncFailure, SyncStatus,
};
pub use verify::VerifyReport;

use crate::domain::{Agency, Lang, Role};
use crate::error::{Error, Problems, Result};
use crate::gazetteer::{self, Unit};
use crate::keys::{DataKey, KdfParams, KeyHeader, RecoveryCode};
use crate::ledger::DeviceId;

const DB_FILE: &str = "store.db";
const KEY_FILE: &str = "store.key";

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
        let (header, data_key, code) = KeyHeader::create(passphrase, kdf)?;
        fs::create_dir_all(home)
            .map_err(|e| Error::io(format!("creating {}", home.display()), e))?;
        // A database without its key header is unreadable leftovers of an interrupted `init`.
        for stale in [DB_FILE, "store.db-wal", "store.db-shm"] {
            let _ = fs::remove_file(home.join(stale));
        }
        let mut conn = connect(&home.join(DB_FILE), &data_key)?;
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let device = DeviceId::of(&key.verifying_key());
        {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            schema::migrate(&tx)?;
            tx.execute(
                "INSERT INTO identity (id, device, secret_key, name, role, unit, agency, lang,
                                       created_at)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    device.0,
                    key.to_bytes(),
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
        header
            .with_passphrase(&key, new_passphrase)?
            .save(&home.join(KEY_FILE))?;
        Ok(store)
    }

    /// Sets a new passphrase. The data is not re-encrypted; only the key header changes.
    pub fn change_passphrase(home: &Path, old: &str, new: &str) -> Result<()> {
        let header = load_header(home)?;
        let key = header.unlock(old)?;
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

    fn open_with_key(home: &Path, key: &DataKey) -> Result<Store> {
        let mut conn = connect(&home.join(DB_FILE), key)?;
        {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let before = schema::migrate(&tx)?;
            if before < schema::RESPONSE_COLUMNS {
                reports::reproject_all(&tx)?;
            }
            tx.commit()?;
        }
        let me = conn
            .query_row(
                "SELECT secret_key, name, role, unit, agency, lang FROM identity WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, Vec<u8>>(0)?,
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
        let secret: [u8; 32] = secret
            .try_into()
            .map_err(|_| Error::Unsupported("the device key in the store is damaged".into()))?;
        let key = SigningKey::from_bytes(&secret);
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
        Ok(Store {
            conn,
            home: home.to_owned(),
            me: Identity {
                device: DeviceId::of(&key.verifying_key()),
                key,
                profile,
            },
            units,
        })
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
            problems.push(
                "unit",
                format!("unknown unit {unit:?}; see `usalama units list` for the ids"),
            );
        }
    }
    if profile.role == Role::Officer && profile.agency.is_none() {
        problems.push(
            "agency",
            "is required for an officer; one of nps, npr, kdf, nis, ngao, cso",
        );
    }
    problems.into_result()
}

pub(crate) fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Unix milliseconds as RFC 3339 in East Africa Time.
pub fn format_ms(ms: i64) -> String {
    use time::format_description::well_known::Rfc3339;
    OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .map(|t| t.to_offset(crate::EAT))
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| ms.to_string())
}

/// Stores for the unit tests of this module's parts.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Profile, Store};
    use crate::domain::{Agency, Lang, Role};
    use crate::keys::KdfParams;

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
