//! Updates through the county hub: releases signed offline with the release key, offered to
//! devices at sync and fetched in chunks, whole or as a delta.
//!
//! - [`signed`]: the manifest (package, version, size, SHA-256, the store's schema) and its
//!   release file; the keys a build accepts (the release key, and the test key in test builds).
//! - [`version`]: three numbers, compared as numbers.
//! - [`offer`]: the update part of a sync request (what the device runs and fetches) and of the
//!   answer (the county's budget and a newer release).
//! - [`fetch`]: the update endpoint's signed JSON requests, which no sync protocol change
//!   touches.
//! - [`delta`]: zstd deltas against the package a device runs.

pub mod delta;
pub mod fetch;
pub mod offer;
pub mod signed;
pub mod version;

pub use fetch::{ChunkRequest, Signed, CHUNK_PATH, MAX_CHUNK, OFFER_PATH};
pub use offer::{Budget, Delta, Offer, UpdateAnswer, UpdateProblem, UpdateState, UNLIMITED};
pub use signed::{
    accepted_keys, is_arch, test_key, this_arch, Manifest, Release, MAX_PACKAGE, MAX_RELEASE_FILE,
};
pub use version::Version;
