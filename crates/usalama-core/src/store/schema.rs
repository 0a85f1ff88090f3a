//! The store's schema, as append-only migrations.
//!
//! Never change or remove a migration that has shipped; add a new one. `PRAGMA user_version`
//! records how many have run.

use rusqlite::Transaction;

use crate::error::{Error, Result};

const MIGRATIONS: &[&str] = &[
    // 1: the ledger, the projections and the reference data.
    r#"
    CREATE TABLE identity (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        device     BLOB NOT NULL,
        secret_key BLOB NOT NULL,
        name       TEXT NOT NULL,
        role       TEXT NOT NULL,
        unit       TEXT,
        agency     TEXT,
        lang       TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        -- Set by the hub's enrollment: the person using this device, and whether they are
        -- cleared to read restricted sections.
        person     TEXT,
        cleared    INTEGER NOT NULL DEFAULT 0,
        -- The head of this device's own chain, written with every entry, so that a removed
        -- last entry is noticed by `verify`.
        head_seq   INTEGER NOT NULL DEFAULT 0,
        head_hash  BLOB,
        head_at    INTEGER
    );

    -- Every device whose entries this store holds, with the key that verifies them.
    CREATE TABLE devices (
        device     BLOB PRIMARY KEY,
        public_key BLOB NOT NULL,
        name       TEXT NOT NULL,
        role       TEXT NOT NULL,
        unit       TEXT,
        agency     TEXT,
        person     TEXT,
        cleared    INTEGER NOT NULL DEFAULT 0,
        revoked    INTEGER NOT NULL DEFAULT 0
    );

    -- The ledger: append-only; a body may later be dropped by a redaction, its hash stays.
    CREATE TABLE entries (
        device    BLOB NOT NULL,
        seq       INTEGER NOT NULL,
        format    INTEGER NOT NULL,
        kind      INTEGER NOT NULL,
        at        INTEGER NOT NULL,
        prev      BLOB NOT NULL,
        subject   TEXT,
        body_hash BLOB NOT NULL,
        body      BLOB,
        -- NULL for an entry that arrived inside a run, covered by a later entry's signature.
        signature BLOB,
        hash      BLOB NOT NULL UNIQUE,
        -- When the county hub stored it (Unix ms, hub clock); NULL until then.
        received_at INTEGER,
        -- The report the entry is about: its subject, or the report it files.
        about     TEXT,
        -- A rowid table: its rows are large, which WITHOUT ROWID tables store poorly.
        PRIMARY KEY (device, seq)
    );
    CREATE INDEX entries_about ON entries (about) WHERE about IS NOT NULL;

    -- Projections: each report's current state, rebuilt from its entries in the same
    -- transaction as every entry about it.
    CREATE TABLE reports (
        rowid       INTEGER PRIMARY KEY,
        id          TEXT NOT NULL UNIQUE,
        author      BLOB NOT NULL,
        type        TEXT NOT NULL,
        urgency     TEXT NOT NULL,
        status      TEXT NOT NULL,
        occurred_at INTEGER NOT NULL,
        recorded_at INTEGER NOT NULL,
        unit        TEXT NOT NULL,
        place       TEXT,
        amendments  INTEGER NOT NULL,
        document    TEXT NOT NULL
    );
    -- Covers the filters, so that a search can walk reports newest first without reading rows.
    CREATE INDEX reports_by_time ON reports (occurred_at DESC, type, status, unit);
    CREATE INDEX reports_by_type ON reports (type, occurred_at DESC);
    CREATE INDEX reports_by_unit ON reports (unit, occurred_at DESC);
    CREATE INDEX reports_by_status ON reports (status, occurred_at DESC);

    -- Text search over what people type (never the restricted source).
    CREATE VIRTUAL TABLE reports_text USING fts5 (
        narrative, place, other,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2'
    );

    -- The link with the county hub, once enrolled: one row.
    CREATE TABLE hub (
        id            INTEGER PRIMARY KEY CHECK (id = 1),
        url           TEXT NOT NULL,
        device        BLOB NOT NULL,
        public_key    BLOB NOT NULL,
        -- SHA-256 of the hub's TLS certificate, pinned at enrollment (NULL: plain HTTP).
        cert_sha256   TEXT,
        -- Grows with every request: the hub refuses a request whose counter it has seen.
        counter       INTEGER NOT NULL DEFAULT 0,
        -- The hub sequence number of the last entry received from the hub.
        cursor        INTEGER NOT NULL DEFAULT 0,
        -- This device's highest entry the hub holds, with every one before it.
        acked         INTEGER NOT NULL DEFAULT 0,
        -- Hub clock minus device clock at the last exchange, in ms.
        clock_offset  INTEGER,
        last_success  INTEGER,
        last_attempt  INTEGER,
        last_error_kind    TEXT,
        last_error_message TEXT
    );

    CREATE TABLE units (
        id      TEXT PRIMARY KEY,
        name    TEXT NOT NULL,
        sw_name TEXT,
        kind    TEXT NOT NULL,
        parent  TEXT,
        code    TEXT,
        retired INTEGER NOT NULL DEFAULT 0,
        ord     INTEGER NOT NULL
    );
    "#,
    // 2: drafts of the desktop app's report form. They stay on this device and are never synced.
    r#"
    CREATE TABLE drafts (
        id         TEXT PRIMARY KEY,
        updated_at INTEGER NOT NULL,
        -- Whatever the form holds, as JSON: it need not be a valid report yet.
        document   TEXT NOT NULL
    );
    "#,
    // 3: entries of other devices carried here by bundle (a USB stick), to pass on to the hub
    // at the next sync. They are not this device's to read: kept apart from the ledger, never
    // projected, and deleted once the hub holds them.
    r#"
    CREATE TABLE carried (
        device BLOB NOT NULL,
        seq    INTEGER NOT NULL,
        -- The entry's file form (`Entry::encode`), with its signature when it has one.
        entry  BLOB NOT NULL,
        PRIMARY KEY (device, seq)
    ) WITHOUT ROWID;
    "#,
    // 4: entries by kind: needs assessments are found without reading the whole ledger.
    r#"
    CREATE INDEX entries_by_kind ON entries (kind, at);
    "#,
    // 5: the response in each report's row, for an officer's inbox and the board of open
    // incidents: the lead agency, the supporting and acknowledging agencies and the linked
    // reports (each list as ",a,b," so that `LIKE '%,a,%'` finds one), kept by `reproject`.
    // Rows written before this migration are rebuilt when the store opens.
    r#"
    ALTER TABLE reports ADD COLUMN lead TEXT;
    ALTER TABLE reports ADD COLUMN supporting TEXT NOT NULL DEFAULT ',';
    ALTER TABLE reports ADD COLUMN acknowledged TEXT NOT NULL DEFAULT ',';
    ALTER TABLE reports ADD COLUMN linked TEXT NOT NULL DEFAULT ',';
    -- The inbox's order: flash, then urgent, then routine; newest first within each.
    CREATE INDEX reports_by_urgency ON reports (
        (CASE urgency WHEN 'flash' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END), occurred_at DESC
    );
    "#,
    // 6: the county keys restricted sources are sealed to (see `store::county`).
    r#"
    -- Every county key seen in a county key entry by a cleared device; `secret` when this
    -- device is one of its holders. `issued_*` place the issuing entry in the fold order.
    CREATE TABLE county_keys (
        id         BLOB PRIMARY KEY,
        public     BLOB NOT NULL UNIQUE,
        issued_at  INTEGER,
        issued_by  BLOB,
        issued_seq INTEGER,
        secret     BLOB
    );
    -- The device keys (by key id) each county key was sealed to.
    CREATE TABLE county_key_holders (
        public BLOB NOT NULL,
        holder BLOB NOT NULL,
        PRIMARY KEY (public, holder)
    ) WITHOUT ROWID;
    -- Sources written before this device knew a county key (JSON: an object, or null to
    -- remove one), in order; sealed into entries, and deleted here, once a key is known.
    -- `at`: when it was written (Unix ms), so that a later redaction or source discards it.
    CREATE TABLE unsealed_sources (
        n      INTEGER PRIMARY KEY,
        report TEXT NOT NULL,
        at     INTEGER NOT NULL,
        source TEXT NOT NULL
    );
    -- The report's latest source is sealed to keys this device does not hold.
    ALTER TABLE reports ADD COLUMN source_sealed INTEGER NOT NULL DEFAULT 0;
    "#,
    // 7: every other device's entry covered by its author's signature (see `store::sync`).
    r#"
    -- Other devices' entries stored before this version arrived vouched for by the hub alone,
    -- most without a signature of their own: marked, so that `verify` tells them apart from
    -- an entry that arrived unsigned since (which no current version stores).
    ALTER TABLE entries ADD COLUMN vouched INTEGER NOT NULL DEFAULT 0;
    UPDATE entries SET vouched = 1
     WHERE device != (SELECT device FROM identity WHERE id = 1);
    -- The last entry of a revoked device that the hub held when it was revoked: later ones
    -- take effect nowhere. NULL for a device revoked before this was recorded.
    ALTER TABLE devices ADD COLUMN revoked_after INTEGER;
    -- Other devices' bundles carried here for the hub, as they came (sealed to the hub: this
    -- device reads none of them), sent with the next sync and deleted once the hub has them.
    -- The county's founder (the issuer of its first county key), pinned the first time this
    -- device learns it: the root of every clearance approval (see `county`).
    CREATE TABLE clearance (
        id      INTEGER PRIMARY KEY CHECK (id = 1),
        founder BLOB NOT NULL
    );
    CREATE TABLE carried_bundles (
        digest   BLOB PRIMARY KEY,
        bundle   BLOB NOT NULL,
        added_at INTEGER NOT NULL
    );
    -- A holder of a county key counts as holding it (and is given it no more) only once an
    -- entry of its own shows it: issuing, sharing or acknowledging the key. Recipient ids in a
    -- box are only what its sender claims.
    ALTER TABLE county_key_holders ADD COLUMN acknowledged INTEGER NOT NULL DEFAULT 0;
    -- Work a migration leaves for the store to do once it is open, each in its own
    -- transactions; a task is deleted when done, so a cut power only delays it.
    CREATE TABLE upgrade_tasks (task TEXT PRIMARY KEY);
    -- The suspects' names and group in plain entries are sealed (`Store::seal_plain_suspects`).
    INSERT INTO upgrade_tasks (task) VALUES ('seal_plain_suspects');
    "#,
];

/// The migration that added the response columns: a store migrated from before it rebuilds
/// every report's row.
pub const RESPONSE_COLUMNS: usize = 5;

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
