-- Every other device's entry covered by its author's signature (see `store::sync`).

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
-- Other devices' entries that came only as proofs: bodiless, the entries after one held here
-- up to the one whose signature covers it (a reporter's entries carry a signature every few
-- entries). Kept in their file form so that `verify` checks the cover again; never projected.
CREATE TABLE proofs (
    device BLOB NOT NULL,
    seq    INTEGER NOT NULL,
    entry  BLOB NOT NULL,
    PRIMARY KEY (device, seq)
) WITHOUT ROWID;
-- The digests of the last bundles this device wrote (sealed to the hub, so it cannot read them
-- back): one brought back to it is refused in words rather than carried to the hub again.
CREATE TABLE exported_bundles (
    digest BLOB PRIMARY KEY,
    at     INTEGER NOT NULL
) WITHOUT ROWID;
