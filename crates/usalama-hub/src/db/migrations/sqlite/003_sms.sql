-- Every SMS the hub picked up, accepted as an alert or refused, kept for the administrator.
-- `source` names where it came from (the gateway's file name and a hash of its content): a
-- message read again after a crash finds itself here and is not stored twice.
CREATE TABLE sms_messages (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL UNIQUE,
    -- When the gateway received it, and when the hub stored it (Unix ms).
    received_at INTEGER NOT NULL, stored_at INTEGER NOT NULL,
    -- The sender's number, sealed to the hub's key, and a keyed hash of it to find a sender's
    -- messages without opening every one.
    sender BLOB NOT NULL, sender_index BLOB NOT NULL,
    -- The whole text, sealed likewise; its first characters in clear for the list.
    text BLOB NOT NULL, excerpt TEXT NOT NULL,
    -- The device whose key opened it and its alert number (a refused one may have neither).
    device BLOB, counter INTEGER,
    -- The alert's fields as JSON, when accepted.
    alert TEXT,
    -- The refusal's stable code and its reason in words; NULL when accepted.
    refusal TEXT, reason TEXT
);
CREATE INDEX sms_messages_refused ON sms_messages (id) WHERE refusal IS NOT NULL;
CREATE INDEX sms_messages_sender ON sms_messages (sender_index);
-- One accepted alert per device and alert number, whatever else the hub's rules do.
CREATE UNIQUE INDEX sms_alerts_taken ON sms_messages (device, counter) WHERE refusal IS NULL;
-- Enrolled devices by the key id of their alert key (25 bits; two devices may share one).
CREATE TABLE sms_keys (
    key_id INTEGER NOT NULL, device BLOB NOT NULL, PRIMARY KEY (key_id, device)
);
-- Each device's replay window, as JSON ({"highest": n, "seen": bitmap}).
CREATE TABLE sms_windows (device BLOB PRIMARY KEY, seen TEXT NOT NULL);
