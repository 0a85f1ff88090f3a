-- Releases the administrator published: the release file exactly as signed, and its package's
-- size and SHA-256. `rank` orders versions as numbers (major * 10^10 + minor * 10^5 + patch);
-- the offer at every sync is one look-up of the primary key.
CREATE TABLE releases (
    arch TEXT NOT NULL, rank BIGINT NOT NULL, version TEXT NOT NULL,
    release_text TEXT NOT NULL, size BIGINT NOT NULL, sha256 BYTEA NOT NULL,
    published_at BIGINT NOT NULL,
    -- When the administrator withdrew it: no longer offered, its bytes refused (but kept).
    withdrawn_at BIGINT,
    PRIMARY KEY (arch, rank)
);
-- A package's bytes, in rows of 64 KiB: any range is read from the few rows it covers.
CREATE TABLE release_chunks (
    arch TEXT NOT NULL, rank BIGINT NOT NULL, n BIGINT NOT NULL, bytes BYTEA NOT NULL,
    PRIMARY KEY (arch, rank, n)
);
-- Deltas from an older package (`from_rank`) to a release's, made at publish.
CREATE TABLE release_deltas (
    arch TEXT NOT NULL, rank BIGINT NOT NULL, from_rank BIGINT NOT NULL,
    from_version TEXT NOT NULL, size BIGINT NOT NULL, sha256 BYTEA NOT NULL,
    PRIMARY KEY (arch, rank, from_rank)
);
CREATE TABLE release_delta_chunks (
    arch TEXT NOT NULL, rank BIGINT NOT NULL, from_rank BIGINT NOT NULL, n BIGINT NOT NULL,
    bytes BYTEA NOT NULL,
    PRIMARY KEY (arch, rank, from_rank, n)
);
-- What each device last said of its updates, written only when it changes.
CREATE TABLE device_updates (
    device BYTEA PRIMARY KEY,
    running TEXT NOT NULL, arch TEXT NOT NULL, fetching TEXT, problem TEXT,
    -- When the device said it (Unix ms).
    reported_at BIGINT NOT NULL
);
-- When each device last synced (Unix ms), set with its request counter.
ALTER TABLE devices ADD COLUMN synced_at BIGINT;
