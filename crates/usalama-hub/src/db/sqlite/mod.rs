//! The SQLite backend: one file, WAL, one connection for writes (SQLite has one writer anyway).
//!
//! This module opens the file (migrations, modes) and runs transactions; `tx` holds every
//! storage operation of a transaction, and `rows` reads stored rows back into records.

mod releases;
mod rows;
mod sms;
mod tx;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, TransactionBehavior};

use super::{Database, Tx};
use crate::error::{HubError, Refusal, Result};

/// One SQL file each in `migrations/sqlite/`, in order. Append-only: never change a
/// migration that has shipped; add a new file.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/sqlite/001_hub.sql"),
    include_str!("../migrations/sqlite/002_approval_and_budget.sql"),
    include_str!("../migrations/sqlite/003_sms.sql"),
    include_str!("../migrations/sqlite/004_sms_relays.sql"),
    include_str!("../migrations/sqlite/005_releases.sql"),
];

#[derive(Debug)]
pub struct Sqlite {
    // A `std` mutex: no `.await` happens while it is held (callers use `spawn_blocking`).
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl Sqlite {
    pub fn open(path: &Path) -> Result<Sqlite> {
        // Only the hub's own user may read the county's reports: the file is made 0600 before
        // SQLite writes to it, and SQLite gives its log and shared-memory files the database
        // file's mode. A database made before this is closed down too.
        super::private_file(path)
            .map_err(|e| HubError::Database(format!("cannot open {}: {e}", path.display())))?;
        let mut conn = Connection::open(path)
            .map_err(|e| HubError::Database(format!("cannot open {}: {e}", path.display())))?;
        // A redacted body is overwritten with zeros, not left in free space.
        conn.pragma_update(None, "secure_delete", "ON")?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let done: usize = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if done > MIGRATIONS.len() {
            return Err(HubError::Database(format!(
                "{} was written by a newer usalama-hub (schema {done}); update usalama-hub",
                path.display()
            )));
        }
        for sql in &MIGRATIONS[done..] {
            tx.execute_batch(sql)?;
        }
        tx.pragma_update(None, "user_version", MIGRATIONS.len())?;
        tx.commit()?;
        for suffix in ["-wal", "-shm"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            super::restrict(Path::new(&name)).map_err(|e| {
                HubError::Database(format!("cannot restrict {}: {e}", path.display()))
            })?;
        }
        Ok(Sqlite {
            conn: Mutex::new(conn),
            path: path.to_owned(),
        })
    }

    fn run(
        &self,
        behavior: TransactionBehavior,
        work: &mut dyn FnMut(&mut dyn Tx) -> Result<()>,
    ) -> Result<()> {
        let mut conn = self
            .conn
            .lock()
            .map_err(|_| HubError::Internal("the database lock was poisoned".into()))?;
        let tx = conn.transaction_with_behavior(behavior)?;
        let mut wrapped = SqliteTx { tx };
        work(&mut wrapped)?;
        wrapped.tx.commit()?;
        Ok(())
    }
}

impl Database for Sqlite {
    fn write(&self, work: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        self.run(TransactionBehavior::Immediate, work)
    }

    fn read(&self, work: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        self.run(TransactionBehavior::Deferred, work)
    }

    fn backup(&self, out: &Path) -> Result<()> {
        if out.exists() {
            return Err(HubError::refused(
                Refusal::Exists,
                format!("{} exists already; choose a new file", out.display()),
            ));
        }
        let conn = self
            .conn
            .lock()
            .map_err(|_| HubError::Internal("the database lock was poisoned".into()))?;
        // VACUUM INTO fills an empty file as it finds it: made 0600 first, the copy is never
        // readable by others.
        super::private_file(out)
            .map_err(|e| HubError::Database(format!("cannot write {}: {e}", out.display())))?;
        if let Err(e) = conn.execute("VACUUM INTO ?1", [out.display().to_string()]) {
            let _ = std::fs::remove_file(out);
            return Err(e.into());
        }
        Ok(())
    }

    /// Copies every page into the database file and empties the write-ahead log, whose older
    /// frames may still hold a dropped body.
    fn scrub(&self) -> Result<()> {
        let conn = self
            .conn
            .lock()
            .map_err(|_| HubError::Internal("the database lock was poisoned".into()))?;
        // Another process (`serve`, or an administrator's command) may be reading: it will not
        // be for long, and the log can be emptied only once it is done.
        for _ in 0..50 {
            let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
            if busy == 0 {
                return Ok(());
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        tracing::warn!(
            "the write-ahead log could not be emptied after a redaction (another process kept \
             reading); it will be at the next redaction or when the hub stops"
        );
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn key_file(&self) -> Option<PathBuf> {
        Some(super::key_file_beside(&self.path))
    }
}

pub(super) use rows::build_entry;
use tx::SqliteTx;
