-- Entries of other devices carried here by bundle (a USB stick), to pass on to the hub at the next
-- sync. They are not this device's to read: kept apart from the ledger, never projected, and
-- deleted once the hub holds them.

CREATE TABLE carried (
    device BLOB NOT NULL,
    seq    INTEGER NOT NULL,
    -- The entry's file form (`Entry::encode`), with its signature when it has one.
    entry  BLOB NOT NULL,
    PRIMARY KEY (device, seq)
) WITHOUT ROWID;
