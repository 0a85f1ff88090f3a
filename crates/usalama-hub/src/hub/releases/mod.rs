//! Updates through the county hub: releases the administrator publishes (checked against the
//! release key, stored whole with deltas from older ones), offered to each device at sync and
//! at the update endpoint, and served in chunks.
//!
//! This module holds the administrator's side (publish, list, withdraw, the county's budget,
//! the devices' status) and what devices get (the offer, the chunks); [`crate::db`] stores
//! the bytes in rows, so that any hub process serves any range without files of its own.

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use ed25519_dalek::VerifyingKey;
use serde::Serialize;
use sha2::{Digest, Sha256};
use usalama_protocol::ledger::DeviceId;
use usalama_protocol::release::fetch::Endpoint;
use usalama_protocol::release::{
    accepted_keys, delta, is_arch, Budget, ChunkRequest, Delta, Offer, Release, Signed,
    UpdateAnswer, UpdateState, Version, MAX_CHUNK,
};

use super::Hub;
use crate::db::{self, Blob, DeltaRecord, DeviceRecord, ReleaseRecord, Tx, CHUNK_ROW};
use crate::error::{HubError, Refusal, Result};
use crate::now_ms;

/// Where the county's update budget is kept (JSON, [`Budget`]).
const BUDGET_META: &str = "update-budget";
/// Deltas are made from at most this many older releases: the versions most devices run.
const DELTA_BASES: usize = 3;

/// A release as `release list` shows it, with its deltas.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseListing {
    #[serde(flatten)]
    pub release: ReleaseRecord,
    pub deltas: Vec<Delta>,
}

/// What `release publish` stored.
#[derive(Debug, Clone, Serialize)]
pub struct Published {
    #[serde(flatten)]
    pub listing: ReleaseListing,
    /// Older releases whose delta was not smaller than the package: none is kept.
    pub no_delta_from: Vec<Version>,
}

/// The devices' updates, counted for the administrator.
#[derive(Debug, Clone, Default, Serialize)]
pub struct UpdateStatus {
    /// What is offered now: the newest release for each machine that is not withdrawn.
    pub offered: Vec<Offered>,
    /// Devices not revoked.
    pub devices: u64,
    pub running: Vec<Running>,
    /// Devices that never said what they run (from before updates).
    pub unknown: u64,
    pub fetching: Vec<Fetching>,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Offered {
    pub version: Version,
    pub arch: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Running {
    pub version: Version,
    pub arch: String,
    pub devices: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Fetching {
    pub version: Version,
    pub devices: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// The problem's code (`disk_full`).
    pub problem: &'static str,
    pub words: &'static str,
    pub devices: u64,
}

/// A device as `devices list` shows it: its record, when it last synced, and its updates.
#[derive(Debug, Clone, Serialize)]
pub struct DeviceListing {
    #[serde(flatten)]
    pub device: DeviceRecord,
    /// Unix ms; `None` if it has not synced since the hub kept the time.
    pub synced_at: Option<i64>,
    /// The version it said it runs (`None`: from before updates).
    pub version: Option<Version>,
    pub arch: Option<String>,
    pub fetching: Option<Version>,
    /// Why it cannot update, as a code (`disk_full`).
    pub update_problem: Option<&'static str>,
}

fn bad_release(message: impl Into<String>) -> HubError {
    HubError::refused(Refusal::BadRelease, message)
}

fn no_release(message: impl Into<String>) -> HubError {
    HubError::refused(Refusal::NoRelease, message)
}

fn published_already(release: &Release) -> HubError {
    let m = &release.manifest;
    bad_release(format!(
        "version {} for {} is published already (withdrawn or not): publish a newer version",
        m.version, m.arch
    ))
}

impl Hub {
    /// Publishes a release: the release file must verify against the release key and name
    /// `package` exactly; a version published already for its machine is refused. Deltas are
    /// made from the newest older releases for the same machine, and kept when smaller than
    /// the package. Nothing is stored unless all of it is.
    pub fn publish(&self, release_file: &[u8], package: &[u8]) -> Result<Published> {
        let keys = accepted_keys();
        if keys.is_empty() {
            return Err(bad_release(
                "this usalama-hub was built without the release key (USALAMA_RELEASE_KEY), so it \
                 can check no release: publish with a usalama-hub built with it",
            ));
        }
        let release = Release::parse(release_file, &keys)
            .map_err(|e| bad_release(format!("the release file: {e}")))?;
        let m = &release.manifest;
        m.check(package)
            .map_err(|e| bad_release(format!("the package: {e}")))?;
        let bases = db::read(self.db(), |tx| {
            if tx.release(&m.arch, m.version)?.is_some() {
                return Err(published_already(&release));
            }
            let older: Vec<ReleaseRecord> = tx
                .releases()?
                .into_iter()
                .filter(|r| r.arch == m.arch && r.version < m.version && r.withdrawn_at.is_none())
                .take(DELTA_BASES)
                .collect();
            older
                .into_iter()
                .map(|r| Ok((r.version, read_whole(tx, package_of(&r), r.size)?)))
                .collect::<Result<Vec<_>>>()
        })?;
        let (deltas, no_delta_from) = deltas_to(m.version, &m.arch, &bases, package)?;
        let record = ReleaseRecord {
            version: m.version,
            arch: m.arch.clone(),
            release: release.text.clone(),
            size: m.size,
            sha256: m.sha256,
            published_at: now_ms(),
            withdrawn_at: None,
        };
        db::write(self.db(), |tx| {
            if !tx.insert_release(&record)? {
                return Err(published_already(&release));
            }
            store_chunks(tx, package_of(&record), package)?;
            for (d, bytes) in &deltas {
                tx.insert_delta(d)?;
                store_chunks(tx, delta_of(d), bytes)?;
            }
            Ok(())
        })?;
        tracing::info!(version = %m.version, arch = %m.arch, deltas = deltas.len(), "release published");
        Ok(Published {
            listing: ReleaseListing {
                release: record,
                deltas: deltas.iter().map(|(d, _)| listed(d)).collect(),
            },
            no_delta_from,
        })
    }

    /// Every release, newest first, with its deltas.
    pub fn releases(&self) -> Result<Vec<ReleaseListing>> {
        let (releases, deltas) = db::read(self.db(), |tx| Ok((tx.releases()?, tx.deltas()?)))?;
        Ok(releases
            .into_iter()
            .map(|release| ReleaseListing {
                deltas: deltas
                    .iter()
                    .filter(|d| d.arch == release.arch && d.version == release.version)
                    .map(listed)
                    .collect(),
                release,
            })
            .collect())
    }

    /// Withdraws `version` (for `arch`, or for every machine): it is offered to no device from
    /// now on, and its bytes are refused; they stay stored. Returns the releases as they are
    /// now.
    pub fn withdraw(&self, version: Version, arch: Option<&str>) -> Result<Vec<ReleaseRecord>> {
        let now = now_ms();
        db::write(self.db(), |tx| {
            let matching: Vec<ReleaseRecord> = tx
                .releases()?
                .into_iter()
                .filter(|r| r.version == version && (arch.is_none() || arch == Some(&r.arch)))
                .collect();
            if matching.is_empty() {
                let machine = arch.map(|a| format!(" for {a}")).unwrap_or_default();
                return Err(no_release(format!(
                    "no release {version}{machine} is published; see `usalama-hub release list`"
                )));
            }
            let mut out = Vec::new();
            for r in matching {
                tx.set_withdrawn(&r.arch, r.version, now)?;
                out.extend(tx.release(&r.arch, r.version)?);
            }
            Ok(out)
        })
    }

    /// The county's update budget: what the administrator set, or [`Budget::default`].
    pub fn update_budget(&self) -> Result<Budget> {
        db::read(self.db(), |tx| budget_in(tx))
    }

    /// Sets the budget over metered links, on the local network, or both.
    pub fn set_update_budget(&self, metered: Option<u64>, lan: Option<u64>) -> Result<Budget> {
        db::write(self.db(), |tx| {
            let mut budget = budget_in(tx)?;
            budget.metered = metered.unwrap_or(budget.metered);
            budget.lan = lan.unwrap_or(budget.lan);
            let text =
                serde_json::to_string(&budget).map_err(|e| HubError::Internal(e.to_string()))?;
            tx.set_meta(BUDGET_META, &text)?;
            Ok(budget)
        })
    }

    /// The devices counted by what they run, fetch and cannot do (revoked ones left out).
    pub fn update_status(&self) -> Result<UpdateStatus> {
        let (all, releases) = db::read(self.db(), |tx| {
            Ok((tx.all_device_updates(&self.id)?, tx.releases()?))
        })?;
        let mut status = UpdateStatus::default();
        // Newest first: the first release of each machine left is the one offered.
        for r in releases.into_iter().filter(|r| r.withdrawn_at.is_none()) {
            if !status.offered.iter().any(|o| o.arch == r.arch) {
                status.offered.push(Offered {
                    version: r.version,
                    arch: r.arch,
                });
            }
        }
        let mut running: BTreeMap<(Version, String), u64> = BTreeMap::new();
        let mut fetching: BTreeMap<Version, u64> = BTreeMap::new();
        let mut problems: BTreeMap<&'static str, Problem> = BTreeMap::new();
        for d in all.into_iter().filter(|d| !d.revoked) {
            status.devices += 1;
            let Some(state) = d.state else {
                status.unknown += 1;
                continue;
            };
            *running.entry((state.running, state.arch)).or_default() += 1;
            if let Some(v) = state.fetching {
                *fetching.entry(v).or_default() += 1;
            }
            if let Some(p) = state.problem {
                problems
                    .entry(p.code())
                    .or_insert(Problem {
                        problem: p.code(),
                        words: p.words(),
                        devices: 0,
                    })
                    .devices += 1;
            }
        }
        status.running = running
            .into_iter()
            .rev()
            .map(|((version, arch), devices)| Running {
                version,
                arch,
                devices,
            })
            .collect();
        status.fetching = fetching
            .into_iter()
            .rev()
            .map(|(version, devices)| Fetching { version, devices })
            .collect();
        status.problems = problems.into_values().collect();
        Ok(status)
    }

    /// Every enrolled device with when it last synced and what it said of its updates.
    pub fn device_listing(&self) -> Result<Vec<DeviceListing>> {
        let (devices, updates) = db::read(self.db(), |tx| {
            Ok((tx.devices()?, tx.all_device_updates(&self.id)?))
        })?;
        let mut updates: BTreeMap<DeviceId, db::DeviceUpdates> =
            updates.into_iter().map(|u| (u.device, u)).collect();
        Ok(devices
            .into_iter()
            .filter(|d| d.id != self.id)
            .map(|device| {
                let u = updates.remove(&device.id);
                let synced_at = u.as_ref().and_then(|u| u.synced_at);
                let state = u.and_then(|u| u.state);
                DeviceListing {
                    device,
                    synced_at,
                    version: state.as_ref().map(|s| s.running),
                    arch: state.as_ref().map(|s| s.arch.clone()),
                    fetching: state.as_ref().and_then(|s| s.fetching),
                    update_problem: state.and_then(|s| s.problem).map(|p| p.code()),
                }
            })
            .collect())
    }

    /// The update part of a sync's answer: records what the device says if it changed (an
    /// idle sync writes nothing more), and offers the newest release above what it runs.
    pub(super) fn updates_at_sync(
        &self,
        tx: &mut dyn Tx,
        device: &DeviceId,
        state: &UpdateState,
        now: i64,
    ) -> Result<UpdateAnswer> {
        if !is_arch(&state.arch) {
            // Never a machine a release names: nothing to keep, nothing to offer, and the
            // sync it came with goes through.
            return Ok(UpdateAnswer {
                budget: budget_in(tx)?,
                offer: None,
            });
        }
        if tx.device_updates(device)?.as_ref() != Some(state) {
            tx.set_device_updates(device, state, now)?;
        }
        offer_in(tx, state)
    }

    /// `POST /v1/release/offer`: a device's signed update state, recorded if it changed,
    /// answered with the county's budget and the newest release above what it runs.
    pub fn release_offer(&self, body: &[u8]) -> Result<UpdateAnswer> {
        let signed = Signed::<UpdateState>::parse(body)?;
        let state = &signed.body;
        if !is_arch(&state.arch) {
            return Err(HubError::refused(
                Refusal::Invalid,
                "arch: a machine's Debian name (amd64, arm64), at most 16 lower-case letters, \
                 digits and dashes",
            ));
        }
        let (device, changed, answer) = db::read(self.db(), |tx| {
            let device = self.signer(tx, &signed)?;
            let changed = tx.device_updates(&device)?.as_ref() != Some(state);
            Ok((device, changed, offer_in(tx, state)?))
        })?;
        // Read first, written only when it changed: asking again costs no write.
        if changed {
            let now = now_ms();
            db::write(self.db(), |tx| tx.set_device_updates(&device, state, now))?;
        }
        Ok(answer)
    }

    /// `POST /v1/release/chunk`: bytes of a package or of a delta, at most [`MAX_CHUNK`],
    /// for the machine the device said it runs.
    pub fn release_chunk(&self, body: &[u8]) -> Result<Vec<u8>> {
        let signed = Signed::<ChunkRequest>::parse(body)?;
        let ask = &signed.body;
        let bytes = db::read(self.db(), |tx| {
            let device = self.signer(tx, &signed)?;
            let arch = tx.device_updates(&device)?.map(|s| s.arch).ok_or_else(|| {
                no_release(
                    "this device has not said which machine it runs: sync, or ask for an \
                     offer, first",
                )
            })?;
            let release = tx
                .release(&arch, ask.version)?
                .filter(|r| r.withdrawn_at.is_none())
                .ok_or_else(|| {
                    no_release(format!("no release {} for {arch} is offered", ask.version))
                })?;
            let (blob, size) = match ask.from {
                None => (package_of(&release), release.size),
                Some(from) => {
                    let d = tx.delta(&arch, ask.version, from)?.ok_or_else(|| {
                        no_release(format!("no delta from {from} to {} is kept", ask.version))
                    })?;
                    let blob = Blob {
                        arch: &arch,
                        version: ask.version,
                        from: Some(from),
                    };
                    (blob, d.size)
                }
            };
            if ask.length == 0 || ask.offset >= size {
                return Err(HubError::refused(
                    Refusal::BadRange,
                    format!(
                        "{} bytes from {} are not within the {size} bytes asked for",
                        ask.length, ask.offset
                    ),
                ));
            }
            let end = size.min(ask.offset + u64::from(ask.length.min(MAX_CHUNK)));
            read_range(tx, blob, ask.offset, end)
        })?;
        self.metrics.release_sent(bytes.len());
        Ok(bytes)
    }

    /// The device that signed an update request, if it may fetch: enrolled, approved, not
    /// revoked, and its key signed this request for this hub.
    fn signer<T: Endpoint>(&self, tx: &mut dyn Tx, signed: &Signed<T>) -> Result<DeviceId> {
        let device = self.authenticated(tx.device(&signed.device()?)?)?;
        let key = VerifyingKey::from_bytes(&device.public_key)
            .map_err(|_| HubError::Database("a stored device key is damaged".into()))?;
        signed.verify(&key, &self.id).map_err(|_| {
            HubError::refused(
                Refusal::Unauthenticated,
                "the update request is not signed by this device's key",
            )
        })?;
        Ok(device.id)
    }
}

/// The county's budget and the newest release above what the device runs, with a delta
/// from exactly that version if the hub keeps one.
fn offer_in(tx: &mut dyn Tx, state: &UpdateState) -> Result<UpdateAnswer> {
    let budget = budget_in(tx)?;
    let offer = match tx.newest_release(&state.arch, state.running)? {
        None => None,
        Some(r) => Some(Offer {
            delta: tx
                .delta(&r.arch, r.version, state.running)?
                .as_ref()
                .map(listed),
            release: r.release,
        }),
    };
    Ok(UpdateAnswer { budget, offer })
}

fn budget_in(tx: &mut dyn Tx) -> Result<Budget> {
    tx.meta(BUDGET_META)?
        .map(|text| {
            serde_json::from_str(&text)
                .map_err(|_| HubError::Database("the stored update budget is damaged".into()))
        })
        .transpose()
        .map(Option::unwrap_or_default)
}

/// Deltas kept with their bytes, and the versions whose delta was not kept.
type Deltas = (Vec<(DeltaRecord, Vec<u8>)>, Vec<Version>);

/// The delta from each older package (`bases`) to `package`, kept when it is smaller than the
/// package and gives it back.
fn deltas_to(
    version: Version,
    arch: &str,
    bases: &[(Version, Vec<u8>)],
    package: &[u8],
) -> Result<Deltas> {
    let mut kept = Vec::new();
    let mut not = Vec::new();
    for (from, old) in bases {
        let bytes = delta::make(old, package)
            .map_err(|e| HubError::Internal(format!("making the delta from {from}: {e}")))?;
        let restores =
            delta::apply(old, &bytes, package.len() as u64).is_ok_and(|made| made == package);
        if bytes.len() >= package.len() || !restores {
            not.push(*from);
            continue;
        }
        let record = DeltaRecord {
            arch: arch.to_owned(),
            version,
            from: *from,
            size: bytes.len() as u64,
            sha256: Sha256::digest(&bytes).into(),
        };
        kept.push((record, bytes));
    }
    Ok((kept, not))
}

/// A kept delta as devices and the administrator see it.
fn listed(d: &DeltaRecord) -> Delta {
    Delta {
        from: d.from,
        size: d.size,
        sha256: hex::encode(d.sha256),
    }
}

fn package_of(r: &ReleaseRecord) -> Blob<'_> {
    Blob {
        arch: &r.arch,
        version: r.version,
        from: None,
    }
}

fn delta_of(d: &DeltaRecord) -> Blob<'_> {
    Blob {
        arch: &d.arch,
        version: d.version,
        from: Some(d.from),
    }
}

fn store_chunks(tx: &mut dyn Tx, blob: Blob<'_>, bytes: &[u8]) -> Result<()> {
    for (n, chunk) in bytes.chunks(CHUNK_ROW).enumerate() {
        tx.insert_chunk(blob, n as u64, chunk)?;
    }
    Ok(())
}

/// Bytes `offset..end` of a package or a delta, from the rows that hold them.
fn read_range(tx: &mut dyn Tx, blob: Blob<'_>, offset: u64, end: u64) -> Result<Vec<u8>> {
    let row = CHUNK_ROW as u64;
    let (first, last) = (offset / row, (end - 1) / row);
    let rows = tx.chunks(blob, first, last)?;
    let whole = rows.len() as u64 == last - first + 1
        && rows.iter().zip(first..).all(|((n, _), want)| *n == want);
    if !whole {
        return Err(HubError::Database(format!(
            "the stored bytes of release {} are incomplete",
            blob.version
        )));
    }
    let joined: Vec<u8> = rows.into_iter().flat_map(|(_, bytes)| bytes).collect();
    let start = usize::try_from(offset - first * row).unwrap_or(usize::MAX);
    let stop = usize::try_from(end - first * row).unwrap_or(usize::MAX);
    joined.get(start..stop).map(<[u8]>::to_vec).ok_or_else(|| {
        HubError::Database(format!(
            "the stored bytes of release {} are shorter than its size",
            blob.version
        ))
    })
}

/// A whole package, `size` bytes.
fn read_whole(tx: &mut dyn Tx, blob: Blob<'_>, size: u64) -> Result<Vec<u8>> {
    if size == 0 {
        return Ok(Vec::new());
    }
    read_range(tx, blob, 0, size)
}
