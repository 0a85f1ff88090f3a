-- The ledger, the projections and the reference data.

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
