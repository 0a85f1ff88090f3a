//! Storage: one trait, two backends (SQLite by default, PostgreSQL for a large county or the
//! nation). Every rule lives above this trait, in [`crate::hub`]; a backend only stores and
//! finds rows. A write runs in one transaction that commits only if the work succeeds, and the
//! backends serialise writes, so hub sequence numbers are handed out and committed in order (a
//! reader never skips an entry that commits later with a smaller number).

pub mod postgres;
mod releases;
mod sms;
pub mod sqlite;

pub use releases::{
    rank, Blob, DeltaRecord, DeviceUpdates, ReleaseRecord, ReleaseStore, CHUNK_ROW,
};
pub use sms::{AlertSender, Outgoing, SmsMessage, SmsStore};

use std::path::{Path, PathBuf};

use serde::Serialize;
use usalama_protocol::domain::Role;
use usalama_protocol::gazetteer::Unit;
use usalama_protocol::ledger::{DeviceId, Entry, Hash, ReportId};

use crate::error::{HubError, Refusal, Result};

/// An enrolled device and the person using it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceRecord {
    pub id: DeviceId,
    #[serde(serialize_with = "hex_key")]
    pub public_key: [u8; 32],
    pub person: String,
    pub name: String,
    pub role: Holder,
    pub unit: Option<String>,
    pub agency: Option<String>,
    pub cleared: bool,
    pub revoked: bool,
    /// Enrolled from a cleared or administrator's invite, and not yet approved by the
    /// administrator (`usalama-hub devices approve`): refused at sync, unknown to other devices.
    pub pending: bool,
    pub enrolled_at: i64,
    /// The highest request counter seen from this device.
    #[serde(skip)]
    pub counter: u64,
    /// The end of the stretch of this device's chain the hub holds whole.
    pub head_seq: u64,
    #[serde(skip)]
    pub head_hash: Hash,
}

/// Who holds an enrolled device: a person in one of the domain's roles, or the county hub
/// itself (its own chain, stored as a device), parsed once where the row is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    Person(Role),
    Hub,
}

impl Holder {
    pub fn as_str(self) -> &'static str {
        match self {
            Holder::Person(role) => role.as_str(),
            Holder::Hub => "hub",
        }
    }

    pub fn parse(text: &str) -> std::result::Result<Holder, String> {
        match text {
            "hub" => Ok(Holder::Hub),
            role => Role::parse(role).map(Holder::Person),
        }
    }

    /// The person's role; none for the hub.
    pub fn role(self) -> Option<Role> {
        match self {
            Holder::Person(role) => Some(role),
            Holder::Hub => None,
        }
    }
}

impl PartialEq<Role> for Holder {
    fn eq(&self, role: &Role) -> bool {
        *self == Holder::Person(*role)
    }
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Holder {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

fn hex_key<S: serde::Serializer>(key: &[u8; 32], s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(key))
}

/// A one-time enrollment code, stored only as its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    pub code_hash: [u8; 32],
    pub person: String,
    pub name: String,
    pub role: Role,
    pub unit: String,
    pub agency: Option<String>,
    pub cleared: bool,
    pub expires_at: i64,
}

/// What the hub knows of a report, to decide who may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportScope {
    pub id: ReportId,
    pub author: DeviceId,
    pub person: String,
    /// The unit it counts under.
    pub unit: String,
    /// The hub sequence number from which devices newly in scope must receive it whole.
    pub rescoped: u64,
}

/// An entry as the hub holds it.
#[derive(Debug, Clone)]
pub struct Stored {
    pub entry: Entry,
    pub hub_seq: u64,
    pub received_at: i64,
    /// The order in which devices receive it: its own number, or later if its report moved
    /// into new devices' view.
    pub order: u64,
}

/// The same device and sequence number offered with other content.
#[derive(Debug, Clone, Serialize)]
pub struct Fork {
    pub device: DeviceId,
    pub seq: u64,
    pub held_hash: String,
    pub offered_hash: String,
    pub seen_at: i64,
}

/// An entry kept without effect, for the administrator.
#[derive(Debug, Clone, Serialize)]
pub struct Refused {
    pub device: DeviceId,
    pub seq: u64,
    pub kind: String,
    pub reason: String,
    /// When the hub stored it, Unix ms.
    pub received_at: i64,
}

/// Who is asking for entries, and what they may see.
#[derive(Debug, Clone)]
pub struct Audience<'a> {
    pub device: DeviceId,
    pub person: &'a str,
    /// Every unit whose reports the device may see.
    pub units: &'a [String],
    pub hub: DeviceId,
    /// The device receives the county's needs assessments (officers and administrators).
    pub operations: bool,
    /// The device may receive sealed sources of others' reports (a cleared reader). County key
    /// entries go to every device: each holds only what was sealed to it.
    pub cleared: bool,
}

/// One transaction's worth of storage operations (the SMS ones in [`SmsStore`], the update
/// ones in [`ReleaseStore`]).
pub trait Tx: SmsStore + ReleaseStore {
    fn meta(&mut self, key: &str) -> Result<Option<String>>;
    fn set_meta(&mut self, key: &str, value: &str) -> Result<()>;
    fn delete_meta(&mut self, key: &str) -> Result<()>;

    fn insert_invite(&mut self, invite: &Invite) -> Result<()>;
    /// The unused invite with this code hash, marked used.
    fn take_invite(&mut self, code_hash: &[u8; 32]) -> Result<Option<Invite>>;

    fn insert_device(&mut self, device: &DeviceRecord) -> Result<()>;
    fn device(&mut self, id: &DeviceId) -> Result<Option<DeviceRecord>>;
    fn devices(&mut self) -> Result<Vec<DeviceRecord>>;
    /// The devices of `person` (found by the index on it: enrolling reads no other device).
    fn devices_of(&mut self, person: &str) -> Result<Vec<DeviceRecord>>;
    fn set_revoked(&mut self, id: &DeviceId) -> Result<bool>;
    /// Ends a device's wait for approval; false if it was not waiting.
    fn set_approved(&mut self, id: &DeviceId) -> Result<bool>;
    /// Bytes charged to a device's budget on `day` (days since 1970 in East Africa Time).
    fn spent(&mut self, device: &DeviceId, day: i64) -> Result<u64>;
    /// Adds to a device's bytes of `day`, forgetting its earlier days.
    fn spend(&mut self, device: &DeviceId, day: i64, bytes: u64) -> Result<()>;
    /// Records a request's counter, and when the device synced (Unix ms): one write.
    fn set_counter(&mut self, id: &DeviceId, counter: u64, synced_at: i64) -> Result<()>;
    fn set_head(&mut self, id: &DeviceId, seq: u64, hash: &Hash) -> Result<()>;

    /// The hash of a stored entry.
    fn entry_hash(&mut self, device: &DeviceId, seq: u64) -> Result<Option<Hash>>;
    /// Stores an entry; `refused` says why it has no effect, if so. Returns its hub sequence
    /// number.
    fn insert_entry(
        &mut self,
        entry: &Entry,
        received_at: i64,
        refused: Option<&str>,
    ) -> Result<u64>;
    /// Every entry about a report (refused ones too), in hub order.
    fn entries_about(&mut self, id: &ReportId) -> Result<Vec<Entry>>;
    /// The entries of `device` after `seq`, in order, up to and with the first one that holds
    /// its own signature (at most `limit`), with when each was stored: the proof that an
    /// entry stored without a signature of its own was signed by its author.
    fn entries_to_signature(
        &mut self,
        device: &DeviceId,
        seq: u64,
        limit: usize,
    ) -> Result<Vec<(Entry, i64)>>;
    /// Drops a stored entry's body (a redaction); its hash stays. Returns whether a body was
    /// held.
    fn drop_body(&mut self, device: &DeviceId, seq: u64) -> Result<bool>;
    /// Entries the audience may see, in delivery order after `cursor`, up to about
    /// `max_bytes` of bodies (never splitting entries that share a delivery order).
    /// Also says whether more entries wait beyond `max_bytes`.
    fn pull(
        &mut self,
        audience: &Audience<'_>,
        cursor: u64,
        max_bytes: usize,
    ) -> Result<(Vec<Stored>, bool)>;

    fn report(&mut self, id: &ReportId) -> Result<Option<ReportScope>>;
    fn upsert_report(&mut self, scope: &ReportScope) -> Result<()>;

    fn insert_fork(&mut self, fork: &Fork) -> Result<()>;
    fn forks(&mut self) -> Result<Vec<Fork>>;

    fn units(&mut self) -> Result<Vec<Unit>>;
    fn upsert_unit(&mut self, unit: &Unit) -> Result<()>;

    /// Entries kept without effect, oldest first.
    fn refused(&mut self) -> Result<Vec<Refused>>;
    /// When the hub stored entry `seq` of `device` (Unix ms), if it holds it.
    fn received_at(&mut self, device: &DeviceId, seq: u64) -> Result<Option<i64>>;
    /// Every response step (kinds 10 to 15) the hub kept with effect, with when it was stored:
    /// for the steps that a report's state at the time left without effect.
    fn response_steps(&mut self) -> Result<Vec<(Entry, i64)>>;

    /// Counts for the metrics and `devices list`: entries stored, and refused.
    fn entry_counts(&mut self) -> Result<(u64, u64)>;

    /// The highest hub sequence number given so far (0 when there is none): a device whose
    /// cursor is beyond it last synced with this hub before it was restored from a backup.
    fn last_hub_seq(&mut self) -> Result<u64>;
}

/// A hub database.
pub trait Database: Send + Sync + 'static {
    /// Runs `work` in a write transaction, committed only if it returns `Ok`. Writes are
    /// serialised.
    fn write(&self, work: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()>;
    /// Runs `work` on a consistent view.
    fn read(&self, work: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()>;
    /// A consistent copy of the whole database, while it serves.
    fn backup(&self, out: &Path) -> Result<()>;
    /// After bodies were dropped: leave no copy of them where the database engine keeps old
    /// versions of rows (SQLite's write-ahead log; PostgreSQL's dead row versions).
    fn scrub(&self) -> Result<()>;
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    /// Where the hub's secret key is kept, in a file of its own beside the database; `None`
    /// keeps it in the database (PostgreSQL, whose files only the server reads).
    fn key_file(&self) -> Option<PathBuf> {
        None
    }
}

/// The file that holds the secret key of the hub whose SQLite database is `db`: its name with
/// `.key` added (`hub.db.key`).
pub fn key_file_beside(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".key");
    PathBuf::from(name)
}

/// Makes `path` readable and writable by its owner only, creating it empty if it is missing.
pub fn private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?;
    restrict(path)
}

/// Makes an existing file readable and writable by its owner only; a missing one is left so.
pub fn restrict(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// Writes a new secret file, readable by its owner only; never overwrites one.
pub fn write_secret(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Opens the database named by `--db`: a file path, `sqlite://PATH` or `postgres://…`.
pub fn open(spec: &str) -> Result<Box<dyn Database>> {
    if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
        Ok(Box::new(postgres::Postgres::open(spec)?))
    } else {
        let path = spec.strip_prefix("sqlite://").unwrap_or(spec);
        if path.is_empty() {
            return Err(HubError::refused(
                Refusal::Invalid,
                "--db: give a file path, sqlite://PATH or postgres://…",
            ));
        }
        Ok(Box::new(sqlite::Sqlite::open(Path::new(path))?))
    }
}

/// Runs `work` in a write transaction and returns what it produced.
pub fn write<T>(db: &dyn Database, mut work: impl FnMut(&mut dyn Tx) -> Result<T>) -> Result<T> {
    let mut out = None;
    db.write(&mut |tx| {
        out = Some(work(tx)?);
        Ok(())
    })?;
    out.ok_or_else(|| HubError::Internal("a write produced nothing".into()))
}

/// Runs `work` on a consistent view and returns what it produced.
pub fn read<T>(db: &dyn Database, mut work: impl FnMut(&mut dyn Tx) -> Result<T>) -> Result<T> {
    let mut out = None;
    db.read(&mut |tx| {
        out = Some(work(tx)?);
        Ok(())
    })?;
    out.ok_or_else(|| HubError::Internal("a read produced nothing".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_holder_is_read_back_as_it_was_written_and_no_other_word_is_a_holder() {
        for holder in [
            Holder::Hub,
            Holder::Person(Role::Chief),
            Holder::Person(Role::AssistantChief),
            Holder::Person(Role::Elder),
            Holder::Person(Role::Officer),
            Holder::Person(Role::Admin),
        ] {
            assert_eq!(Holder::parse(holder.as_str()), Ok(holder));
        }
        assert_eq!(Holder::Person(Role::Admin), Role::Admin);
        assert_ne!(Holder::Hub, Role::Admin);
        assert_eq!(Holder::Hub.role(), None);
        for word in ["", "Hub", "king", "officer "] {
            assert!(Holder::parse(word).is_err(), "{word:?}");
        }
    }
}
