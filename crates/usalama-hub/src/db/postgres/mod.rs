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
//!
//! This module connects, migrates and runs transactions (retrying one the server could not
//! serialise); `tx` holds every storage operation of a transaction, and `rows` reads stored
//! rows back into records.

mod releases;
mod rows;
mod sms;
mod tx;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;
use std::sync::{Mutex, MutexGuard, PoisonError};

use postgres::config::Host;
use postgres::{Client, Config, IsolationLevel, NoTls, Statement};

use super::{Database, Tx};
use crate::error::{HubError, Refusal, Result};
use tx::PgTx;

/// Append-only: never change a migration that has shipped; add a new one. Each is recorded in
/// `schema_migrations` when applied.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/postgres/001_hub.sql"),
    include_str!("../migrations/postgres/002_approval_and_budget.sql"),
    include_str!("../migrations/postgres/003_sms.sql"),
    include_str!("../migrations/postgres/004_sms_relays.sql"),
    include_str!("../migrations/postgres/005_releases.sql"),
];

/// The key of the advisory lock every write transaction holds until it commits.
/// (The bytes of "usalama\0" read as a big-endian number: any fixed value would do.)
const WRITE_LOCK: i64 = 0x7573_616c_616d_6100;

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

#[cfg(test)]
mod tests {
    //! These need a PostgreSQL server: `make postgres-start` runs one and sets
    //! `USALAMA_TEST_POSTGRES`. Each test makes its own database and drops it afterwards.

    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use ed25519_dalek::SigningKey;
    use usalama_protocol::ledger::{DeviceId, Draft, Entry, EntryKind, Hash};

    use super::*;
    use crate::db::{read, write, Audience};

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
