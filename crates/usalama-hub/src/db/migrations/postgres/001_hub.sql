CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE invites (
    code_hash BYTEA PRIMARY KEY,
    person TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL, unit TEXT NOT NULL,
    agency TEXT, cleared BOOLEAN NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT
);
CREATE TABLE devices (
    id BYTEA PRIMARY KEY, public_key BYTEA NOT NULL, person TEXT NOT NULL,
    name TEXT NOT NULL, role TEXT NOT NULL, unit TEXT, agency TEXT,
    cleared BOOLEAN NOT NULL, revoked BOOLEAN NOT NULL DEFAULT FALSE,
    enrolled_at BIGINT NOT NULL, counter BIGINT NOT NULL DEFAULT 0,
    head_seq BIGINT NOT NULL DEFAULT 0, head_hash BYTEA NOT NULL
);
CREATE INDEX devices_person ON devices (person);
CREATE TABLE entries (
    hub_seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device BYTEA NOT NULL, seq BIGINT NOT NULL, format SMALLINT NOT NULL,
    kind INTEGER NOT NULL, at BIGINT NOT NULL, prev BYTEA NOT NULL, subject TEXT,
    body_hash BYTEA NOT NULL, body BYTEA, signature BYTEA, hash BYTEA NOT NULL,
    about TEXT, received_at BIGINT NOT NULL,
    -- Why the entry has no effect (kept so the chain stays whole), or NULL.
    refused TEXT,
    UNIQUE (device, seq)
);
CREATE INDEX entries_about ON entries (about) WHERE about IS NOT NULL;
CREATE TABLE reports (
    id TEXT PRIMARY KEY, author BYTEA NOT NULL, person TEXT NOT NULL,
    unit TEXT NOT NULL, rescoped BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX reports_rescoped ON reports (rescoped) WHERE rescoped > 0;
CREATE TABLE forks (
    device BYTEA NOT NULL, seq BIGINT NOT NULL, held_hash TEXT NOT NULL,
    offered_hash TEXT NOT NULL, seen_at BIGINT NOT NULL,
    PRIMARY KEY (device, seq, offered_hash)
);
CREATE TABLE units (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, sw_name TEXT, kind TEXT NOT NULL,
    parent TEXT, code TEXT, retired BOOLEAN NOT NULL DEFAULT FALSE, ord BIGINT NOT NULL
);
