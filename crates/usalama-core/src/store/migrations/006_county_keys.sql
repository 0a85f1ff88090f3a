-- The county keys restricted sources are sealed to (see `store::county`).

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
