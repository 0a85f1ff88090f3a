CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE invites (
    code_hash BLOB PRIMARY KEY,
    person TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL, unit TEXT NOT NULL,
    agency TEXT, cleared INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER
);
CREATE TABLE devices (
    id BLOB PRIMARY KEY, public_key BLOB NOT NULL, person TEXT NOT NULL,
    name TEXT NOT NULL, role TEXT NOT NULL, unit TEXT, agency TEXT,
    cleared INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0,
    enrolled_at INTEGER NOT NULL, counter INTEGER NOT NULL DEFAULT 0,
    head_seq INTEGER NOT NULL DEFAULT 0, head_hash BLOB NOT NULL
);
CREATE INDEX devices_person ON devices (person);
CREATE TABLE entries (
    hub_seq INTEGER PRIMARY KEY,
    device BLOB NOT NULL, seq INTEGER NOT NULL, format INTEGER NOT NULL,
    kind INTEGER NOT NULL, at INTEGER NOT NULL, prev BLOB NOT NULL, subject TEXT,
    body_hash BLOB NOT NULL, body BLOB, signature BLOB, hash BLOB NOT NULL,
    about TEXT, received_at INTEGER NOT NULL,
    -- Why the entry has no effect (kept so the chain stays whole), or NULL.
    refused TEXT,
    UNIQUE (device, seq)
);
CREATE INDEX entries_about ON entries (about) WHERE about IS NOT NULL;
CREATE TABLE reports (
    id TEXT PRIMARY KEY, author BLOB NOT NULL, person TEXT NOT NULL,
    unit TEXT NOT NULL, rescoped INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX reports_rescoped ON reports (rescoped) WHERE rescoped > 0;
CREATE TABLE forks (
    device BLOB NOT NULL, seq INTEGER NOT NULL, held_hash TEXT NOT NULL,
    offered_hash TEXT NOT NULL, seen_at INTEGER NOT NULL,
    PRIMARY KEY (device, seq, offered_hash)
);
CREATE TABLE units (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, sw_name TEXT, kind TEXT NOT NULL,
    parent TEXT, code TEXT, retired INTEGER NOT NULL DEFAULT 0, ord INTEGER NOT NULL
);
