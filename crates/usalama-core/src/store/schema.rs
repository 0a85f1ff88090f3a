//! The store's schema, as append-only migrations: one SQL file each in `migrations/`, run in
//! the order of their numbers.
//!
//! Never change or remove a migration that has shipped; add a new file. `PRAGMA user_version`
//! records how many have run.

use rusqlite::Transaction;

use crate::error::{Error, Result};

const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_ledger.sql"),
    include_str!("migrations/002_drafts.sql"),
    include_str!("migrations/003_carried.sql"),
    include_str!("migrations/004_entries_by_kind.sql"),
    include_str!("migrations/005_response_columns.sql"),
    include_str!("migrations/006_county_keys.sql"),
    include_str!("migrations/007_signatures_and_clearance.sql"),
    include_str!("migrations/008_warning_facts.sql"),
    include_str!("migrations/009_reports_by_type_and_status.sql"),
    include_str!("migrations/010_updates.sql"),
];

/// The migration that added the response columns: a store migrated from before it rebuilds
/// every report's row.
pub const RESPONSE_COLUMNS: usize = 5;

/// The migration that added the facts a warning reads: a store migrated from before it fills
/// them from every report's document (one from before [`RESPONSE_COLUMNS`] rebuilds every row,
/// which fills them too).
pub const WARNING_FACTS: usize = 8;

/// Runs the migrations this store has not run yet, all in `tx`; returns how many had run before.
pub fn migrate(tx: &Transaction<'_>) -> Result<usize> {
    let done: usize = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if done > MIGRATIONS.len() {
        return Err(Error::Unsupported(format!(
            "this store was written by a newer version of Usalama (schema {done}, this version \
             knows {}); update Usalama",
            MIGRATIONS.len()
        )));
    }
    for sql in &MIGRATIONS[done..] {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", MIGRATIONS.len())?;
    Ok(done)
}

/// The schema this version writes: a release names it, so that going back to a version that
/// cannot read the store is refused.
pub fn version() -> u32 {
    MIGRATIONS.len() as u32
}
