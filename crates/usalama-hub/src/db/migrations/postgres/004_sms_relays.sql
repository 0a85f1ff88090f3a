-- The report each accepted alert was relayed as (the report id of the hub's `sms_relayed`
-- entry), so that an officer's step finds the number to text back.
ALTER TABLE sms_messages ADD COLUMN relay TEXT;
CREATE UNIQUE INDEX sms_messages_relay ON sms_messages (relay) WHERE relay IS NOT NULL;
-- The chief's full report, once its device's `sms_alert` entry with the alert's number came:
-- the steps taken on it are texted back too.
ALTER TABLE sms_messages ADD COLUMN joined TEXT;
CREATE INDEX sms_messages_joined ON sms_messages (joined) WHERE joined IS NOT NULL;
-- Texts the hub sends: the answer to an alert's sender, word to the duty officers. `purpose`
-- names what each is for and is unique, so that whatever runs twice sends once.
CREATE TABLE sms_outgoing (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    purpose TEXT NOT NULL UNIQUE,
    -- The number, sealed to the hub's key, and its keyed hash (the daily cap counts by it).
    recipient BYTEA NOT NULL, recipient_index BYTEA NOT NULL,
    text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    -- When it was written into the gateway's outbox (NULL while it waits), and when the
    -- gateway had sent it (its file found in gammu's sent folder).
    written_at BIGINT, sent_at BIGINT
);
CREATE INDEX sms_outgoing_waiting ON sms_outgoing (id) WHERE written_at IS NULL;
CREATE INDEX sms_outgoing_recipient ON sms_outgoing (recipient_index, created_at);
CREATE INDEX sms_outgoing_by_time ON sms_outgoing (created_at);
