//! What the hub stores of updates: the releases the administrator published (the release file
//! as signed, the package's bytes in rows of [`CHUNK_ROW`]), the deltas made from older
//! packages, and what each device last said of its updates. Both backends implement
//! [`ReleaseStore`], which every [`super::Tx`] also is.

use serde::Serialize;
use usalama_protocol::ledger::DeviceId;
use usalama_protocol::release::{UpdateProblem, UpdateState, Version};

use crate::error::{HubError, Refusal, Result};

/// The bytes of a package or a delta are stored in rows of this many: a chunk request
/// ([`usalama_protocol::release::MAX_CHUNK`] at most) reads only the few rows it covers.
pub const CHUNK_ROW: usize = 64 << 10;

/// A published release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReleaseRecord {
    pub version: Version,
    pub arch: String,
    /// The release file exactly as signed: what devices are offered.
    #[serde(skip)]
    pub release: String,
    pub size: u64,
    #[serde(serialize_with = "hex_digest")]
    pub sha256: [u8; 32],
    /// Unix ms.
    pub published_at: i64,
    /// When it was withdrawn (Unix ms): not offered, its bytes refused.
    pub withdrawn_at: Option<i64>,
}

/// A delta from an older package to a release's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeltaRecord {
    pub arch: String,
    pub version: Version,
    pub from: Version,
    pub size: u64,
    #[serde(serialize_with = "hex_digest")]
    pub sha256: [u8; 32],
}

/// Bytes of a release: its package, or its delta from `Some(version)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blob<'a> {
    pub arch: &'a str,
    pub version: Version,
    pub from: Option<Version>,
}

/// A device as the update status sees it: when it last synced, and what it last said of its
/// updates (nothing, if it is from before updates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceUpdates {
    pub device: DeviceId,
    pub revoked: bool,
    /// Unix ms; `None` if it never synced since the hub kept it.
    pub synced_at: Option<i64>,
    pub state: Option<UpdateState>,
    /// When it said so (Unix ms).
    pub reported_at: Option<i64>,
}

fn hex_digest<S: serde::Serializer>(d: &[u8; 32], s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(d))
}

/// The update operations of one transaction.
pub trait ReleaseStore {
    /// Stores a release's record; false (and nothing stored) if its version and architecture
    /// are published already.
    fn insert_release(&mut self, release: &ReleaseRecord) -> Result<bool>;
    fn insert_delta(&mut self, delta: &DeltaRecord) -> Result<()>;
    /// Stores row `n` of a package's or a delta's bytes.
    fn insert_chunk(&mut self, blob: Blob<'_>, n: u64, bytes: &[u8]) -> Result<()>;
    /// Rows `first..=last` of a package's or a delta's bytes, in order.
    fn chunks(&mut self, blob: Blob<'_>, first: u64, last: u64) -> Result<Vec<(u64, Vec<u8>)>>;

    /// Every release, newest first (by architecture, then version).
    fn releases(&mut self) -> Result<Vec<ReleaseRecord>>;
    fn release(&mut self, arch: &str, version: Version) -> Result<Option<ReleaseRecord>>;
    /// The newest release for `arch` above `above` that is not withdrawn.
    fn newest_release(&mut self, arch: &str, above: Version) -> Result<Option<ReleaseRecord>>;
    /// Every delta, newest release first.
    fn deltas(&mut self) -> Result<Vec<DeltaRecord>>;
    fn delta(&mut self, arch: &str, version: Version, from: Version)
        -> Result<Option<DeltaRecord>>;
    /// Marks a release withdrawn at `at`; false if it was already.
    fn set_withdrawn(&mut self, arch: &str, version: Version, at: i64) -> Result<bool>;

    /// What `device` last said of its updates.
    fn device_updates(&mut self, device: &DeviceId) -> Result<Option<UpdateState>>;
    fn set_device_updates(&mut self, device: &DeviceId, state: &UpdateState, at: i64)
        -> Result<()>;
    /// Every enrolled device (but the hub) with when it last synced and its update state.
    fn all_device_updates(&mut self, hub: &DeviceId) -> Result<Vec<DeviceUpdates>>;
}

/// Versions as one number that orders them: each part is below 100,000 (five digits).
pub fn rank(v: Version) -> Result<i64> {
    let part = |n: u32| {
        (n < 100_000).then_some(i64::from(n)).ok_or_else(|| {
            HubError::refused(
                Refusal::Invalid,
                format!("version {v}: a part is too large"),
            )
        })
    };
    Ok(part(v.major)? * 10_000_000_000 + part(v.minor)? * 100_000 + part(v.patch)?)
}

/// A stored version's text, read back.
pub(super) fn stored_version(text: &str) -> Result<Version> {
    text.parse()
        .map_err(|_| HubError::Database("a stored version is damaged".into()))
}

/// A stored update problem's code, read back.
pub(super) fn stored_problem(code: Option<String>) -> Result<Option<UpdateProblem>> {
    code.map(|c| {
        UpdateProblem::parse(&c)
            .ok_or_else(|| HubError::Database("a stored update problem is damaged".into()))
    })
    .transpose()
}

/// An update state from its stored columns.
pub(super) fn stored_state(
    running: &str,
    arch: String,
    fetching: Option<String>,
    problem: Option<String>,
) -> Result<UpdateState> {
    Ok(UpdateState {
        running: stored_version(running)?,
        arch,
        fetching: fetching.as_deref().map(stored_version).transpose()?,
        problem: stored_problem(problem)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_order_versions_as_numbers() {
        let r = |s: &str| rank(s.parse().expect("version")).expect("rank");
        assert!(r("0.10.0") > r("0.9.99999"));
        assert!(r("1.0.0") > r("0.99999.99999"));
        assert_eq!(r("0.0.0"), 0);
        let big = Version {
            major: 100_000,
            minor: 0,
            patch: 0,
        };
        assert!(rank(big).is_err());
    }
}
