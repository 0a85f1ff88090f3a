-- Updates through the county hub: what this device knows of them. The package's bytes are not
-- here but in files of the home folder's `updates/` (public, signed bytes).

-- The one release this device fetches, holds or handed to the installer: its release file as
-- signed (verified before it was stored), the delta the hub offered from the running version,
-- and how far the fetch is.
CREATE TABLE update_release (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    release TEXT NOT NULL,
    -- hub | import (a USB stick)
    source TEXT NOT NULL,
    -- fetching | ready | handed_over
    stage TEXT NOT NULL,
    delta_from TEXT,
    delta_size INTEGER,
    delta_sha256 TEXT,
    -- The partial file being fetched is the delta (else the package).
    on_delta INTEGER NOT NULL DEFAULT 0,
    -- The delta failed once: the package is fetched whole.
    delta_failed INTEGER NOT NULL DEFAULT 0,
    -- Bytes of the partial file written and flushed to disk.
    held INTEGER NOT NULL DEFAULT 0,
    -- Fresh starts after a package that did not match its release.
    restarts INTEGER NOT NULL DEFAULT 0,
    -- When it was handed to the installer (Unix seconds).
    handed_at INTEGER,
    updated_at INTEGER NOT NULL
);

-- Why this device cannot update, told to the hub at every sync until it is resolved.
CREATE TABLE update_problem (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    problem TEXT NOT NULL,
    message TEXT NOT NULL,
    at INTEGER NOT NULL
);

-- The last release offered and refused (unsigned, another machine's, not newer), in words.
CREATE TABLE update_refusal (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    message TEXT NOT NULL,
    at INTEGER NOT NULL
);

-- Versions the chief went back from: never offered to them again.
CREATE TABLE update_left (
    version TEXT PRIMARY KEY,
    at INTEGER NOT NULL
);
