-- A device enrolled from a cleared or administrator's invite waits for the administrator.
ALTER TABLE devices ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
-- Bytes each device sent, per day (East Africa Time), for the daily budget.
CREATE TABLE budgets (
    device BLOB NOT NULL, day INTEGER NOT NULL, bytes INTEGER NOT NULL,
    PRIMARY KEY (device, day)
);
