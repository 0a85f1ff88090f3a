-- A device enrolled from a cleared or administrator's invite waits for the administrator.
ALTER TABLE devices ADD COLUMN pending BOOLEAN NOT NULL DEFAULT FALSE;
-- Bytes each device sent, per day (East Africa Time), for the daily budget.
CREATE TABLE budgets (
    device BYTEA NOT NULL, day BIGINT NOT NULL, bytes BIGINT NOT NULL,
    PRIMARY KEY (device, day)
);
