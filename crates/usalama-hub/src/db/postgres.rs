//! The PostgreSQL backend, for a county (or a nation) that outgrows one SQLite file: the same
//! tables as [`super::sqlite`] with PostgreSQL types, and the same answers to every [`Tx`] call.
//!
//! The `postgres` crate's client is synchronous: it drives its own small tokio runtime inside,
//! and so must not be called from a thread that is already driving async tasks. The hub calls
//! the database from `spawn_blocking` threads; every call here also goes through
//! [`tokio::task::block_in_place`], so that a call made directly from a multi-threaded
//! runtime's `block_on` (as `serve` does once at start-up) steps out of the runtime first
//! instead of panicking.
//!
//! The connection is plain TCP or a unix socket: run the database on the hub's machine or a
//! private network (TLS to the database is not built in).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;
use std::sync::{Mutex, MutexGuard, PoisonError};

use postgres::config::Host;
use postgres::types::ToSql;
use postgres::{Client, Config, IsolationLevel, NoTls, Row, Statement, Transaction};
use usalama_protocol::domain::Role;
use usalama_protocol::gazetteer::Unit;
use usalama_protocol::ledger::{DeviceId, Entry, EntryKind, Hash, ReportId};

use super::{
    Audience, Database, DeviceRecord, Fork, Holder, Invite, Refused, ReportScope, Stored, Tx,
};
use crate::error::{HubError, Refusal, Result};

/// Append-only: never change a migration that has shipped; add a new one. Each is recorded in
/// `schema_migrations` when applied.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/postgres/001_hub.sql"),
    include_str!("migrations/postgres/002_approval_and_budget.sql"),
];

/// The key of the advisory lock every write transaction holds until it commits.
/// (The bytes of "usalama\0" read as a big-endian number: any fixed value would do.)
const WRITE_LOCK: i64 = 0x7573_616c_616d_6100;

/// How many rows of a pull travel from the server at a time: a pull stops at about
/// `CHUNK_BYTES`, so most of a large backlog is never sent to the hub at all.
const PULL_BATCH: i32 = 256;

pub struct Postgres {
    config: Config,
    /// What the logs and errors call this database (never the password).
    name: String,
    // One connection behind a `std` mutex, for the same reason as the SQLite backend: nothing
    // awaits while it is held. The mutex alone would serialise this process's writes, but not
    // those of another process on the same database (`usalama-hub units add` while `serve`
    // runs, or two hubs behind one address), so every write transaction also takes
    // `pg_advisory_xact_lock(WRITE_LOCK)` first. Hub sequence numbers come from an identity
    // sequence, handed out when a row is inserted, not when it commits; with writers one at a
    // time they commit in the order they were handed out, so a reader that has seen number n
    // never later finds a smaller number it skipped.
    conn: Mutex<Option<Connection>>,
}

impl std::fmt::Debug for Postgres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Postgres")
            .field("database", &self.name)
            .finish_non_exhaustive()
    }
}

/// A session and the statements prepared on it (a prepared statement belongs to its session).
struct Connection {
    client: Client,
    statements: HashMap<&'static str, Statement>,
}

impl Postgres {
    /// Connects to the database at `url` (`postgres://USER:PASSWORD@HOST:PORT/DB`, or with
    /// `?host=/run/postgresql` for a unix socket) and brings its schema up to date.
    pub fn open(url: &str) -> Result<Postgres> {
        let config = Config::from_str(url).map_err(|e| {
            HubError::refused(Refusal::Invalid,
                format!("--db: not a PostgreSQL address ({e}); it looks like postgres://USER:PASSWORD@HOST:5432/DATABASE"),
            )
        })?;
        let name = describe(&config);
        let db = Postgres {
            config,
            name,
            conn: Mutex::new(None),
        };
        tokio::task::block_in_place(|| db.migrate())?;
        Ok(db)
    }

    fn migrate(&self) -> Result<()> {
        let mut slot = self.lock();
        let conn = self.connected(&mut slot)?;
        let mut tx = conn.client.transaction().pg()?;
        // Two processes starting at once must not both apply the same migration.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])
            .pg()?;
        // Quietly: "already exists, skipping" at every start is not news.
        tx.batch_execute("SET LOCAL client_min_messages TO WARNING")
            .pg()?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL
             )",
        )
        .pg()?;
        let done: i64 = tx
            .query_one(
                "SELECT coalesce(max(version), 0) FROM schema_migrations",
                &[],
            )
            .pg()?
            .get(0);
        let done = usize::try_from(done).map_err(|_| damaged("schema version"))?;
        if done > MIGRATIONS.len() {
            return Err(HubError::Database(format!(
                "{} was written by a newer usalama-hub (schema {done}); update usalama-hub",
                self.name
            )));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(done) {
            tx.batch_execute(sql).pg()?;
            let version = i64::try_from(i + 1).map_err(|_| damaged("schema version"))?;
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                &[&version, &crate::now_ms()],
            )
            .pg()?;
        }
        tx.commit().pg()?;
        Ok(())
    }

    fn lock(&self) -> MutexGuard<'_, Option<Connection>> {
        // A panic inside `work` drops its transaction, which rolls back: the session is clean.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The open session, connecting again if the last one was lost (the server restarted, or
    /// the network dropped): the hub recovers at the next request without a restart.
    fn connected<'s>(&self, slot: &'s mut Option<Connection>) -> Result<&'s mut Connection> {
        if slot.as_ref().is_some_and(|c| c.client.is_closed()) {
            *slot = None;
        }
        match slot {
            Some(conn) => Ok(conn),
            None => {
                let client = self.config.connect(NoTls).map_err(|e| {
                    HubError::Database(format!("cannot connect to {}: {e}", self.name))
                })?;
                Ok(slot.insert(Connection {
                    client,
                    statements: HashMap::new(),
                }))
            }
        }
    }

    fn run(&self, write: bool, work: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        tokio::task::block_in_place(|| {
            let mut slot = self.lock();
            let conn = self.connected(&mut slot)?;
            match attempt(conn, write, work) {
                // A session the server ended (it restarted) shows only when next used. If that
                // happened at the very start, nothing has run yet: connect again and go on,
                // rather than fail the request.
                Err(Attempt::Begin { lost: true, .. }) => {
                    *slot = None;
                    let conn = self.connected(&mut slot)?;
                    attempt(conn, write, work).map_err(HubError::from)
                }
                other => other.map_err(HubError::from),
            }
        })
    }

    /// The connection settings as libpq's environment variables, for `pg_dump`: the password
    /// travels in the environment, not on a command line that `ps` shows.
    fn libpq_env(&self) -> Vec<(&'static str, String)> {
        let c = &self.config;
        let mut env = Vec::new();
        let hosts: Vec<String> = c
            .get_hosts()
            .iter()
            .map(|h| match h {
                Host::Tcp(name) => name.clone(),
                Host::Unix(path) => path.display().to_string(),
            })
            .collect();
        if !hosts.is_empty() {
            env.push(("PGHOST", hosts.join(",")));
        }
        let ports: Vec<String> = c.get_ports().iter().map(u16::to_string).collect();
        if !ports.is_empty() {
            env.push(("PGPORT", ports.join(",")));
        }
        if let Some(user) = c.get_user() {
            env.push(("PGUSER", user.to_owned()));
        }
        if let Some(password) = c.get_password() {
            env.push(("PGPASSWORD", String::from_utf8_lossy(password).into_owned()));
        }
        if let Some(db) = c.get_dbname() {
            env.push(("PGDATABASE", db.to_owned()));
        }
        if let Some(options) = c.get_options() {
            env.push(("PGOPTIONS", options.to_owned()));
        }
        if let Some(timeout) = c.get_connect_timeout() {
            env.push(("PGCONNECT_TIMEOUT", timeout.as_secs().max(1).to_string()));
        }
        env
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // Closing the client shuts down its inner runtime, which tokio forbids on a thread that
        // drives async tasks (the last handle to the hub may go away there): hand it to a plain
        // thread when inside a runtime.
        let conn = self
            .conn
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(conn) = conn {
            if tokio::runtime::Handle::try_current().is_ok() {
                let _ = std::thread::spawn(move || drop(conn)).join();
            }
        }
    }
}

impl Database for Postgres {
    fn write(&self, work: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        self.run(true, work)
    }

    fn read(&self, work: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        self.run(false, work)
    }

    /// `pg_dump --format=custom`: one consistent snapshot, taken while the hub serves (readers
    /// and writers are not blocked). Restore with `pg_restore` (see docs/hub.md).
    fn backup(&self, out: &Path) -> Result<()> {
        if out.exists() {
            return Err(HubError::refused(
                Refusal::Exists,
                format!("{} exists already; choose a new file", out.display()),
            ));
        }
        // Written beside the target and renamed when complete, so a failed dump never leaves a
        // file that looks like a backup.
        let partial = partial_path(out);
        // pg_dump writes into the file as it finds it: made 0600 first, the dump is never
        // readable by others.
        super::private_file(&partial)
            .map_err(|e| HubError::Database(format!("cannot write {}: {e}", out.display())))?;
        let output = Command::new("pg_dump")
            .args(["--format=custom", "--no-password", "--file"])
            .arg(&partial)
            .envs(self.libpq_env())
            .output()
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    HubError::Database(
                        "pg_dump was not found; install the PostgreSQL client tools (Debian and \
                         Ubuntu: apt-get install postgresql-client) at least as new as the server"
                            .into(),
                    )
                } else {
                    HubError::Database(format!("cannot run pg_dump: {e}"))
                }
            })?;
        if !output.status.success() {
            let _ = std::fs::remove_file(&partial);
            return Err(HubError::Database(format!(
                "pg_dump of {} failed: {}",
                self.name,
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        std::fs::rename(&partial, out).map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            HubError::Database(format!("cannot write {}: {e}", out.display()))
        })?;
        Ok(())
    }

    /// `VACUUM entries`: removes the dead row versions that still hold a dropped body from the
    /// table's pages. PostgreSQL's own write-ahead log and any backups keep them until they are
    /// recycled or deleted (see docs/hub.md).
    fn scrub(&self) -> Result<()> {
        tokio::task::block_in_place(|| {
            let mut slot = self.lock();
            let conn = self.connected(&mut slot)?;
            // VACUUM cannot run inside a transaction block: a plain statement.
            conn.client.batch_execute("VACUUM entries").pg()
        })
    }

    fn backend(&self) -> &'static str {
        "postgres"
    }
}

/// Why one try at a transaction failed: while beginning it (and whether because the session
/// is gone), or later.
enum Attempt {
    Begin { error: HubError, lost: bool },
    Later(HubError),
}

impl Attempt {
    fn begin(e: postgres::Error) -> Attempt {
        // The server ends a session after any FATAL error (e.g. "terminating connection due
        // to administrator command" when it shuts down); the client may not have noticed the
        // closed socket yet, and then learns it from the socket itself (connection reset).
        let socket = std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>());
        let lost =
            e.is_closed() || socket || e.as_db_error().is_some_and(|d| d.severity() == "FATAL");
        Attempt::Begin {
            error: HubError::Database(server_says(&e)),
            lost,
        }
    }
}

impl From<Attempt> for HubError {
    fn from(a: Attempt) -> HubError {
        match a {
            Attempt::Begin { error: e, .. } | Attempt::Later(e) => e,
        }
    }
}

/// Runs `work` in one transaction on `conn`, committed only if it returns `Ok`.
fn attempt(
    conn: &mut Connection,
    write: bool,
    work: &mut dyn FnMut(&mut dyn Tx) -> Result<()>,
) -> std::result::Result<(), Attempt> {
    let Connection { client, statements } = conn;
    // Writers run at READ COMMITTED, where each statement sees everything committed before it
    // began: after waiting for the lock, a writer sees the previous writer's work. (At
    // REPEATABLE READ its snapshot would be taken before the wait.) Readers get one snapshot
    // for their whole transaction.
    let started = client
        .build_transaction()
        .isolation_level(if write {
            IsolationLevel::ReadCommitted
        } else {
            IsolationLevel::RepeatableRead
        })
        .read_only(!write)
        .start();
    let tx = match started {
        Ok(tx) => tx,
        Err(e) => return Err(Attempt::begin(e)),
    };
    let mut wrapped = PgTx { tx, statements };
    if write {
        let locked = wrapped
            .tx
            .execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK]);
        if let Err(e) = locked {
            drop(wrapped);
            return Err(Attempt::begin(e));
        }
    }
    work(&mut wrapped).map_err(Attempt::Later)?;
    wrapped.tx.commit().pg().map_err(Attempt::Later)
}

/// `postgres::Error` says only "db error" for what the server reported: keep the server's
/// code and words, for the log.
trait Pg<T> {
    fn pg(self) -> Result<T>;
}

impl<T> Pg<T> for std::result::Result<T, postgres::Error> {
    fn pg(self) -> Result<T> {
        self.map_err(|e| HubError::Database(server_says(&e)))
    }
}

fn server_says(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => match std::error::Error::source(e) {
            Some(cause) => format!("{e}: {cause}"),
            None => e.to_string(),
        },
    }
}

fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    out.with_file_name(name)
}

/// "database DB on HOST:PORT", for messages: the URL without its password.
fn describe(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        Some(Host::Unix(p)) => p.display().to_string(),
        None => "localhost".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let db = config
        .get_dbname()
        .or(config.get_user())
        .unwrap_or("postgres");
    format!("PostgreSQL database {db} on {host}:{port}")
}

fn damaged(what: &str) -> HubError {
    HubError::Database(format!("a stored {what} is damaged"))
}

/// A role as stored; another word is a damaged row.
fn role(text: String) -> Result<Role> {
    Role::parse(&text).map_err(|_| damaged("role"))
}

fn fixed<const N: usize>(v: Vec<u8>, what: &str) -> Result<[u8; N]> {
    v.try_into().map_err(|_| damaged(what))
}

/// PostgreSQL has no unsigned integers: counters and sequence numbers are stored as BIGINT.
fn signed(v: u64, what: &str) -> Result<i64> {
    i64::try_from(v).map_err(|_| {
        HubError::refused(
            Refusal::Invalid,
            format!("{what} {v} is too large to be stored"),
        )
    })
}

fn unsigned(v: i64, what: &str) -> Result<u64> {
    u64::try_from(v).map_err(|_| damaged(what))
}

struct PgTx<'c> {
    tx: Transaction<'c>,
    statements: &'c mut HashMap<&'static str, Statement>,
}

/// `SELECT` of every device column (in the order [`device_from`] reads them), then `$tail`.
macro_rules! select_devices {
    ($tail:literal) => {
        concat!(
            "SELECT id, public_key, person, name, role, unit, agency, cleared, revoked,
                    enrolled_at, counter, head_seq, head_hash, pending FROM devices ",
            $tail
        )
    };
}

fn device_from(r: &Row) -> Result<DeviceRecord> {
    Ok(DeviceRecord {
        id: DeviceId(fixed(r.try_get(0).pg()?, "device id")?),
        public_key: fixed(r.try_get(1).pg()?, "device key")?,
        person: r.try_get(2).pg()?,
        name: r.try_get(3).pg()?,
        role: Holder::parse(&r.try_get::<_, String>(4).pg()?).map_err(|_| damaged("role"))?,
        unit: r.try_get(5).pg()?,
        agency: r.try_get(6).pg()?,
        cleared: r.try_get(7).pg()?,
        revoked: r.try_get(8).pg()?,
        enrolled_at: r.try_get(9).pg()?,
        counter: unsigned(r.try_get(10).pg()?, "request counter")?,
        head_seq: unsigned(r.try_get(11).pg()?, "sequence number")?,
        head_hash: Hash(fixed(r.try_get(12).pg()?, "chain head")?),
        pending: r.try_get(13).pg()?,
    })
}

/// Entries the audience may see, in delivery order: an entry is delivered at its own hub
/// sequence number, or again at its report's `rescoped` number once the report moved into new
/// devices' view. The same query as the SQLite backend's, with `GREATEST` for `max` and an
/// array for the unit list.
const PULL: &str = "WITH candidates AS (
         SELECT hub_seq FROM entries WHERE hub_seq > $1
         UNION
         SELECT e.hub_seq FROM reports r JOIN entries e ON e.about = r.id
         WHERE r.rescoped > $1
     )
     SELECT e.device, e.seq, e.format, e.kind, e.at, e.prev, e.subject, e.body_hash, e.body,
            e.signature, e.hub_seq, e.received_at,
            GREATEST(e.hub_seq, COALESCE(r.rescoped, 0)) AS ord
     FROM candidates c JOIN entries e ON e.hub_seq = c.hub_seq
     LEFT JOIN reports r ON r.id = e.about
     WHERE e.refused IS NULL AND e.device <> $2
       AND ((e.device = $3 AND e.about IS NULL) OR r.person = $4 OR r.unit = ANY($5)
            OR ($6 AND e.kind = 20) OR e.kind IN (30, 31))
       AND (e.kind <> 4 OR $7 OR r.person = $4)
     ORDER BY ord, e.hub_seq";

fn entry_from(r: &Row) -> Result<Entry> {
    let format: i16 = r.try_get(2).pg()?;
    let kind: i32 = r.try_get(3).pg()?;
    super::sqlite::build_entry((
        r.try_get(0).pg()?,
        unsigned(r.try_get(1).pg()?, "sequence number")?,
        u8::try_from(format).map_err(|_| damaged("entry format"))?,
        u16::try_from(kind).map_err(|_| damaged("entry kind"))?,
        r.try_get(4).pg()?,
        r.try_get(5).pg()?,
        r.try_get(6).pg()?,
        r.try_get(7).pg()?,
        r.try_get(8).pg()?,
        r.try_get(9).pg()?,
    ))
}

impl PgTx<'_> {
    /// The statement for `sql`, prepared once per session.
    fn stmt(&mut self, sql: &'static str) -> Result<Statement> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.tx.prepare(sql).pg()?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }

    fn exec(&mut self, sql: &'static str, params: &[&(dyn ToSql + Sync)]) -> Result<u64> {
        let s = self.stmt(sql)?;
        self.tx.execute(&s, params).pg()
    }

    fn one(&mut self, sql: &'static str, params: &[&(dyn ToSql + Sync)]) -> Result<Option<Row>> {
        let s = self.stmt(sql)?;
        self.tx.query_opt(&s, params).pg()
    }

    fn all(&mut self, sql: &'static str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>> {
        let s = self.stmt(sql)?;
        self.tx.query(&s, params).pg()
    }
}

impl Tx for PgTx<'_> {
    fn meta(&mut self, key: &str) -> Result<Option<String>> {
        self.one("SELECT value FROM meta WHERE key = $1", &[&key])?
            .map(|r| r.try_get(0).pg())
            .transpose()
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.exec(
            "INSERT INTO meta (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&key, &value],
        )?;
        Ok(())
    }

    fn delete_meta(&mut self, key: &str) -> Result<()> {
        self.exec("DELETE FROM meta WHERE key = $1", &[&key])?;
        Ok(())
    }

    fn insert_invite(&mut self, i: &Invite) -> Result<()> {
        self.exec(
            "INSERT INTO invites (code_hash, person, name, role, unit, agency, cleared, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &&i.code_hash[..],
                &i.person,
                &i.name,
                &i.role.as_str(),
                &i.unit,
                &i.agency,
                &i.cleared,
                &i.expires_at,
            ],
        )?;
        Ok(())
    }

    fn take_invite(&mut self, code_hash: &[u8; 32]) -> Result<Option<Invite>> {
        let row = self.one(
            "UPDATE invites SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL
             RETURNING person, name, role, unit, agency, cleared, expires_at",
            &[&&code_hash[..], &crate::now_ms()],
        )?;
        row.map(|r| {
            Ok(Invite {
                code_hash: *code_hash,
                person: r.try_get(0).pg()?,
                name: r.try_get(1).pg()?,
                role: role(r.try_get(2).pg()?)?,
                unit: r.try_get(3).pg()?,
                agency: r.try_get(4).pg()?,
                cleared: r.try_get(5).pg()?,
                expires_at: r.try_get(6).pg()?,
            })
        })
        .transpose()
    }

    fn insert_device(&mut self, d: &DeviceRecord) -> Result<()> {
        self.exec(
            "INSERT INTO devices (id, public_key, person, name, role, unit, agency, cleared,
                                  revoked, enrolled_at, counter, head_seq, head_hash, pending)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            &[
                &&d.id.0[..],
                &&d.public_key[..],
                &d.person,
                &d.name,
                &d.role.as_str(),
                &d.unit,
                &d.agency,
                &d.cleared,
                &d.revoked,
                &d.enrolled_at,
                &signed(d.counter, "request counter")?,
                &signed(d.head_seq, "sequence number")?,
                &&d.head_hash.0[..],
                &d.pending,
            ],
        )?;
        Ok(())
    }

    fn device(&mut self, id: &DeviceId) -> Result<Option<DeviceRecord>> {
        self.one(select_devices!("WHERE id = $1"), &[&&id.0[..]])?
            .map(|r| device_from(&r))
            .transpose()
    }

    fn devices(&mut self) -> Result<Vec<DeviceRecord>> {
        self.all(select_devices!("ORDER BY enrolled_at, id"), &[])?
            .iter()
            .map(device_from)
            .collect()
    }

    fn set_revoked(&mut self, id: &DeviceId) -> Result<bool> {
        Ok(self.exec(
            "UPDATE devices SET revoked = TRUE WHERE id = $1 AND NOT revoked",
            &[&&id.0[..]],
        )? > 0)
    }

    fn set_approved(&mut self, id: &DeviceId) -> Result<bool> {
        Ok(self.exec(
            "UPDATE devices SET pending = FALSE WHERE id = $1 AND pending",
            &[&&id.0[..]],
        )? > 0)
    }

    fn spent(&mut self, device: &DeviceId, day: i64) -> Result<u64> {
        self.one(
            "SELECT bytes FROM budgets WHERE device = $1 AND day = $2",
            &[&&device.0[..], &day],
        )?
        .map(|r| unsigned(r.try_get(0).pg()?, "byte count"))
        .transpose()
        .map(Option::unwrap_or_default)
    }

    fn spend(&mut self, device: &DeviceId, day: i64, bytes: u64) -> Result<()> {
        self.exec(
            "DELETE FROM budgets WHERE device = $1 AND day < $2",
            &[&&device.0[..], &day],
        )?;
        self.exec(
            "INSERT INTO budgets (device, day, bytes) VALUES ($1, $2, $3)
             ON CONFLICT (device, day) DO UPDATE SET bytes = budgets.bytes + excluded.bytes",
            &[&&device.0[..], &day, &signed(bytes, "byte count")?],
        )?;
        Ok(())
    }

    fn set_counter(&mut self, id: &DeviceId, counter: u64) -> Result<()> {
        self.exec(
            "UPDATE devices SET counter = $2 WHERE id = $1",
            &[&&id.0[..], &signed(counter, "request counter")?],
        )?;
        Ok(())
    }

    fn set_head(&mut self, id: &DeviceId, seq: u64, hash: &Hash) -> Result<()> {
        self.exec(
            "UPDATE devices SET head_seq = $2, head_hash = $3 WHERE id = $1",
            &[&&id.0[..], &signed(seq, "sequence number")?, &&hash.0[..]],
        )?;
        Ok(())
    }

    fn entry_hash(&mut self, device: &DeviceId, seq: u64) -> Result<Option<Hash>> {
        let row = self.one(
            "SELECT hash FROM entries WHERE device = $1 AND seq = $2",
            &[&&device.0[..], &signed(seq, "sequence number")?],
        )?;
        row.map(|r| Ok(Hash(fixed(r.try_get(0).pg()?, "hash")?)))
            .transpose()
    }

    fn insert_entry(&mut self, e: &Entry, received_at: i64, refused: Option<&str>) -> Result<u64> {
        let signature = e.signature.as_ref().map(|s| &s[..]);
        let row = self.one(
            "INSERT INTO entries (device, seq, format, kind, at, prev, subject, body_hash,
                                  body, signature, hash, about, received_at, refused)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
             RETURNING hub_seq",
            &[
                &&e.device.0[..],
                &signed(e.seq, "sequence number")?,
                &i16::from(e.format),
                &i32::from(e.kind.code()),
                &e.at,
                &&e.prev.0[..],
                &e.subject.map(|s| s.to_string()),
                &&e.body_hash.0[..],
                &e.body,
                &signature,
                &&e.hash().0[..],
                &e.about().map(|s| s.to_string()),
                &received_at,
                &refused,
            ],
        )?;
        let hub_seq: i64 = row
            .ok_or_else(|| HubError::Database("an insert returned no hub sequence number".into()))?
            .try_get(0)
            .pg()?;
        unsigned(hub_seq, "hub sequence number")
    }

    fn entries_about(&mut self, id: &ReportId) -> Result<Vec<Entry>> {
        let rows = self.all(
            "SELECT device, seq, format, kind, at, prev, subject, body_hash, body, signature
             FROM entries WHERE about = $1 ORDER BY hub_seq",
            &[&id.to_string()],
        )?;
        rows.iter().map(entry_from).collect()
    }

    fn entries_to_signature(
        &mut self,
        device: &DeviceId,
        seq: u64,
        limit: usize,
    ) -> Result<Vec<(Entry, i64)>> {
        let rows = self.all(
            "SELECT device, seq, format, kind, at, prev, subject, body_hash, body, signature,
                    received_at
             FROM entries WHERE device = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            &[
                &&device.0[..],
                &signed(seq, "sequence number")?,
                &(limit.min(i64::MAX as usize) as i64),
            ],
        )?;
        let mut out = Vec::new();
        for row in &rows {
            let entry = entry_from(row)?;
            let received: i64 = row.try_get(10).pg()?;
            let signed = entry.signature.is_some();
            out.push((entry, received));
            if signed {
                break;
            }
        }
        Ok(out)
    }

    fn drop_body(&mut self, device: &DeviceId, seq: u64) -> Result<bool> {
        Ok(self.exec(
            "UPDATE entries SET body = NULL
             WHERE device = $1 AND seq = $2 AND body IS NOT NULL",
            &[&&device.0[..], &signed(seq, "sequence number")?],
        )? > 0)
    }

    fn pull(
        &mut self,
        a: &Audience<'_>,
        cursor: u64,
        max_bytes: usize,
    ) -> Result<(Vec<Stored>, bool)> {
        let stmt = self.stmt(PULL)?;
        // A portal fetches the rows a batch at a time, so the server stops sending once the
        // response is full.
        let portal = self
            .tx
            .bind(
                &stmt,
                &[
                    &signed(cursor, "cursor")?,
                    &&a.device.0[..],
                    &&a.hub.0[..],
                    &a.person,
                    &a.units,
                    &a.operations,
                    &a.cleared,
                ],
            )
            .pg()?;
        let mut out: Vec<Stored> = Vec::new();
        let mut bytes = 0;
        loop {
            let rows = self.tx.query_portal(&portal, PULL_BATCH).pg()?;
            if rows.is_empty() {
                return Ok((out, false));
            }
            for r in &rows {
                let order = unsigned(r.try_get(12).pg()?, "delivery order")?;
                if bytes >= max_bytes && out.last().is_some_and(|l| l.order != order) {
                    return Ok((out, true));
                }
                let entry = entry_from(r)?;
                bytes += entry.body.as_ref().map_or(32, Vec::len) + 24;
                out.push(Stored {
                    entry,
                    hub_seq: unsigned(r.try_get(10).pg()?, "hub sequence number")?,
                    received_at: r.try_get(11).pg()?,
                    order,
                });
            }
        }
    }

    fn report(&mut self, id: &ReportId) -> Result<Option<ReportScope>> {
        let row = self.one(
            "SELECT author, person, unit, rescoped FROM reports WHERE id = $1",
            &[&id.to_string()],
        )?;
        row.map(|r| {
            Ok(ReportScope {
                id: *id,
                author: DeviceId(fixed(r.try_get(0).pg()?, "device id")?),
                person: r.try_get(1).pg()?,
                unit: r.try_get(2).pg()?,
                rescoped: unsigned(r.try_get(3).pg()?, "hub sequence number")?,
            })
        })
        .transpose()
    }

    fn upsert_report(&mut self, s: &ReportScope) -> Result<()> {
        self.exec(
            "INSERT INTO reports (id, author, person, unit, rescoped) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (id) DO UPDATE SET unit = excluded.unit, rescoped = excluded.rescoped",
            &[
                &s.id.to_string(),
                &&s.author.0[..],
                &s.person,
                &s.unit,
                &signed(s.rescoped, "hub sequence number")?,
            ],
        )?;
        Ok(())
    }

    fn insert_fork(&mut self, f: &Fork) -> Result<()> {
        self.exec(
            "INSERT INTO forks (device, seq, held_hash, offered_hash, seen_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            &[
                &&f.device.0[..],
                &signed(f.seq, "sequence number")?,
                &f.held_hash,
                &f.offered_hash,
                &f.seen_at,
            ],
        )?;
        Ok(())
    }

    fn forks(&mut self) -> Result<Vec<Fork>> {
        self.all(
            "SELECT device, seq, held_hash, offered_hash, seen_at FROM forks ORDER BY seen_at",
            &[],
        )?
        .iter()
        .map(|r| {
            Ok(Fork {
                device: DeviceId(fixed(r.try_get(0).pg()?, "device id")?),
                seq: unsigned(r.try_get(1).pg()?, "sequence number")?,
                held_hash: r.try_get(2).pg()?,
                offered_hash: r.try_get(3).pg()?,
                seen_at: r.try_get(4).pg()?,
            })
        })
        .collect()
    }

    fn units(&mut self) -> Result<Vec<Unit>> {
        self.all(
            "SELECT id, name, sw_name, kind, parent, code, retired FROM units ORDER BY ord, id",
            &[],
        )?
        .iter()
        .map(|r| {
            Ok(Unit {
                id: r.try_get(0).pg()?,
                name: r.try_get(1).pg()?,
                sw_name: r.try_get(2).pg()?,
                kind: r.try_get(3).pg()?,
                parent: r.try_get(4).pg()?,
                code: r.try_get(5).pg()?,
                retired: r.try_get(6).pg()?,
            })
        })
        .collect()
    }

    fn upsert_unit(&mut self, u: &Unit) -> Result<()> {
        self.exec(
            "INSERT INTO units (id, name, sw_name, kind, parent, code, retired, ord)
             VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT coalesce(max(ord), 0) + 1 FROM units))
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, sw_name = excluded.sw_name,
                kind = excluded.kind, parent = excluded.parent, code = excluded.code,
                retired = excluded.retired",
            &[
                &u.id, &u.name, &u.sw_name, &u.kind, &u.parent, &u.code, &u.retired,
            ],
        )?;
        Ok(())
    }

    fn received_at(&mut self, device: &DeviceId, seq: u64) -> Result<Option<i64>> {
        let rows = self.all(
            "SELECT received_at FROM entries WHERE device = $1 AND seq = $2",
            &[&&device.0[..], &signed(seq, "sequence number")?],
        )?;
        rows.first().map(|r| r.try_get(0).pg()).transpose()
    }

    fn response_steps(&mut self) -> Result<Vec<(Entry, i64)>> {
        let rows = self.all(
            "SELECT device, seq, format, kind, at, prev, subject, body_hash, body, signature,
                    received_at
             FROM entries WHERE kind BETWEEN 10 AND 15 AND refused IS NULL ORDER BY hub_seq",
            &[],
        )?;
        rows.iter()
            .map(|r| Ok((entry_from(r)?, r.try_get(10).pg()?)))
            .collect()
    }

    fn refused(&mut self) -> Result<Vec<Refused>> {
        self.all(
            "SELECT device, seq, kind, refused, received_at FROM entries
             WHERE refused IS NOT NULL ORDER BY hub_seq",
            &[],
        )?
        .iter()
        .map(|r| {
            let kind: i32 = r.try_get(2).pg()?;
            Ok(Refused {
                device: DeviceId(fixed(r.try_get(0).pg()?, "device id")?),
                seq: unsigned(r.try_get(1).pg()?, "sequence number")?,
                kind: EntryKind::from_code(u16::try_from(kind).unwrap_or(u16::MAX)).name(),
                reason: r.try_get(3).pg()?,
                received_at: r.try_get(4).pg()?,
            })
        })
        .collect()
    }

    fn entry_counts(&mut self) -> Result<(u64, u64)> {
        let row = self
            .one("SELECT count(*), count(refused) FROM entries", &[])?
            .ok_or_else(|| HubError::Database("counting entries returned nothing".into()))?;
        Ok((
            unsigned(row.try_get(0).pg()?, "count")?,
            unsigned(row.try_get(1).pg()?, "count")?,
        ))
    }

    fn last_hub_seq(&mut self) -> Result<u64> {
        let row = self
            .one("SELECT coalesce(max(hub_seq), 0)::BIGINT FROM entries", &[])?
            .ok_or_else(|| {
                HubError::Database("reading the last sequence returned nothing".into())
            })?;
        unsigned(row.try_get(0).pg()?, "hub_seq")
    }
}

#[cfg(test)]
mod tests {
    //! These need a PostgreSQL server: `make postgres-start` runs one and sets
    //! `USALAMA_TEST_POSTGRES`. Each test makes its own database and drops it afterwards.

    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use ed25519_dalek::SigningKey;
    use usalama_protocol::ledger::{Draft, EntryKind};

    use super::*;
    use crate::db::{read, write};

    /// A fresh database on the test server, dropped with this value.
    struct Scratch {
        admin: String,
        name: String,
        url: String,
    }

    impl Scratch {
        /// `None` (the test is skipped) when no test server is configured, except under CI.
        fn new() -> Option<Scratch> {
            let Ok(admin) = std::env::var("USALAMA_TEST_POSTGRES") else {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "USALAMA_TEST_POSTGRES is not set; under CI the PostgreSQL tests must run \
                     (make postgres-start sets it)"
                );
                eprintln!("skipped: USALAMA_TEST_POSTGRES is not set (make postgres-start)");
                return None;
            };
            let name = format!("usalama_unit_{:016x}", rand::random::<u64>());
            let mut client = Client::connect(&admin, NoTls).expect("test server reachable");
            client
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .expect("database created");
            let mut config = Config::from_str(&admin).expect("a PostgreSQL URL");
            config.dbname(&name);
            let url = to_url(&config);
            Some(Scratch { admin, name, url })
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            if let Ok(mut client) = Client::connect(&self.admin, NoTls) {
                let _ = client.batch_execute(&format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                ));
            }
        }
    }

    /// The URL of a TCP config (the test server's).
    fn to_url(c: &Config) -> String {
        let host = match c.get_hosts().first() {
            Some(Host::Tcp(h)) => h.clone(),
            _ => "127.0.0.1".into(),
        };
        format!(
            "postgres://{}:{}@{host}:{}/{}",
            c.get_user().unwrap_or("postgres"),
            String::from_utf8_lossy(c.get_password().unwrap_or_default()),
            c.get_ports().first().copied().unwrap_or(5432),
            c.get_dbname().unwrap_or("postgres"),
        )
    }

    fn entry(key: &SigningKey, seq: u64) -> Entry {
        let draft = Draft {
            kind: EntryKind::Unknown(999),
            subject: None,
            body: format!("{{\"n\":{seq}}}").into_bytes(),
        };
        Entry::sign(
            draft,
            key,
            seq,
            Hash::GENESIS,
            1_700_000_000_000 + seq as i64,
        )
    }

    #[test]
    fn it_works_from_the_blocking_threads_of_a_tokio_runtime() {
        let Some(scratch) = Scratch::new() else {
            return;
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let url = scratch.url.clone();
        runtime.block_on(async move {
            // As the HTTP handlers do: every call on a `spawn_blocking` thread.
            let db = tokio::task::spawn_blocking(move || Postgres::open(&url).expect("opens"))
                .await
                .expect("joined");
            let db = Arc::new(db);
            let mut handles = Vec::new();
            for i in 0..4 {
                let db = db.clone();
                handles.push(tokio::task::spawn_blocking(move || {
                    write(db.as_ref(), |tx| tx.set_meta(&format!("k{i}"), "v"))?;
                    read(db.as_ref(), |tx| tx.meta(&format!("k{i}")))
                }));
            }
            for h in handles {
                assert_eq!(h.await.expect("joined").expect("written"), Some("v".into()));
            }
            // As `serve` does once at start-up: straight from the runtime's `block_on`.
            write(db.as_ref(), |tx| {
                tx.set_meta("address", "http://127.0.0.1:7878")
            })
            .expect("written from block_on");
            // And the last handle may go away on an async thread.
            drop(db);
        });
    }

    #[test]
    fn a_reader_never_skips_an_entry_that_commits_late() {
        let Some(scratch) = Scratch::new() else {
            return;
        };
        let key = SigningKey::from_bytes(&[7; 32]);
        let author = DeviceId::of(&key.verifying_key());
        Postgres::open(&scratch.url).expect("opens");
        let (writers, per_writer) = (3u64, 25u64);
        let done = Arc::new(AtomicBool::new(false));
        // Each writer has its own connection, as another process would: only the advisory lock
        // orders them.
        let handles: Vec<_> = (0..writers)
            .map(|w| {
                let url = scratch.url.clone();
                let key = key.clone();
                std::thread::spawn(move || {
                    let db = Postgres::open(&url).expect("opens");
                    for i in 0..per_writer {
                        let e = entry(&key, 1 + w * 1000 + i);
                        write(&db, |tx| {
                            let n = tx.insert_entry(&e, 0, None)?;
                            // Hold the number a while before committing.
                            std::thread::sleep(Duration::from_millis(n % 3));
                            Ok(())
                        })
                        .expect("written");
                    }
                })
            })
            .collect();
        let reader = {
            let url = scratch.url.clone();
            let done = done.clone();
            std::thread::spawn(move || {
                let db = Postgres::open(&url).expect("opens");
                let units: Vec<String> = Vec::new();
                let audience = Audience {
                    device: DeviceId([0; 16]),
                    person: "nobody",
                    units: &units,
                    hub: author,
                    operations: false,
                    cleared: false,
                };
                let (mut cursor, mut seen) = (0u64, Vec::new());
                let deadline = Instant::now() + Duration::from_secs(60);
                while Instant::now() < deadline {
                    let finished = done.load(Ordering::SeqCst);
                    let (got, _) =
                        read(&db, |tx| tx.pull(&audience, cursor, 4096)).expect("pulled");
                    for s in &got {
                        seen.push(s.entry.seq);
                        cursor = cursor.max(s.order);
                    }
                    if finished && got.is_empty() {
                        break;
                    }
                }
                seen
            })
        };
        for h in handles {
            h.join().expect("writer finished");
        }
        done.store(true, Ordering::SeqCst);
        let mut seen = reader.join().expect("reader finished");
        let (stored, _) = read(&Postgres::open(&scratch.url).expect("opens"), |tx| {
            tx.entry_counts()
        })
        .expect("counted");
        assert_eq!(stored, writers * per_writer);
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(
            seen.len() as u64,
            writers * per_writer,
            "a reader following the cursor missed entries that committed after a larger number"
        );
    }

    #[test]
    fn the_hub_reconnects_after_losing_its_session() {
        let Some(scratch) = Scratch::new() else {
            return;
        };
        let db = Postgres::open(&scratch.url).expect("opens");
        write(&db, |tx| tx.set_meta("k", "1")).expect("written");
        // What a server restart does to the hub's session.
        let mut other = Client::connect(&scratch.url, NoTls).expect("connects");
        let ended = other
            .query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
                &[],
            )
            .expect("terminated");
        assert_eq!(ended.len(), 1, "the hub had one session");
        // The next request finds the session gone, connects again and goes through.
        write(&db, |tx| tx.set_meta("k", "3")).expect("written after reconnecting");
        assert_eq!(
            read(&db, |tx| tx.meta("k")).expect("read"),
            Some("3".into())
        );
    }

    #[test]
    fn migrations_are_recorded_and_a_newer_schema_is_refused() {
        let Some(scratch) = Scratch::new() else {
            return;
        };
        Postgres::open(&scratch.url).expect("creates the schema");
        Postgres::open(&scratch.url).expect("opens it again");
        let mut client = Client::connect(&scratch.url, NoTls).expect("connects");
        let versions: Vec<i64> = client
            .query(
                "SELECT version FROM schema_migrations ORDER BY version",
                &[],
            )
            .expect("listed")
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(versions, (1..=MIGRATIONS.len() as i64).collect::<Vec<_>>());
        client
            .execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 0)",
                &[],
            )
            .expect("inserted");
        let err = Postgres::open(&scratch.url).expect_err("a newer schema is refused");
        assert!(err.to_string().contains("newer usalama-hub"), "{err}");
    }

    #[test]
    fn a_backup_is_a_pg_dump_archive_and_never_overwrites() {
        let Some(scratch) = Scratch::new() else {
            return;
        };
        let db = Postgres::open(&scratch.url).expect("opens");
        write(&db, |tx| tx.set_meta("k", "v")).expect("written");
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("hub.dump");
        db.backup(&out).expect("backed up");
        let bytes = std::fs::read(&out).expect("read");
        assert!(bytes.starts_with(b"PGDMP"), "not a pg_dump custom archive");
        assert!(!partial_path(&out).exists());
        let err = db.backup(&out).expect_err("an existing file is refused");
        assert_eq!(err.code(), "exists");
        assert_eq!(std::fs::read(&out).expect("read"), bytes);
    }

    #[test]
    fn the_password_stays_out_of_messages() {
        let config =
            Config::from_str("postgres://hub:s3cret@db.example:6543/county").expect("parses");
        let text = describe(&config);
        assert_eq!(text, "PostgreSQL database county on db.example:6543");
        let db = Postgres {
            config,
            name: text,
            conn: Mutex::new(None),
        };
        let env = db.libpq_env();
        assert!(env.contains(&("PGPASSWORD", "s3cret".into())));
        assert!(env.contains(&("PGHOST", "db.example".into())));
        assert!(env.contains(&("PGDATABASE", "county".into())));
    }
}
