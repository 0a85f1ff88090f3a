-- Drafts of the desktop app's report form. They stay on this device and are never synced.

CREATE TABLE drafts (
    id         TEXT PRIMARY KEY,
    updated_at INTEGER NOT NULL,
    -- Whatever the form holds, as JSON: it need not be a valid report yet.
    document   TEXT NOT NULL
);
