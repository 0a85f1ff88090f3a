//! Fetching an offered release from the hub's update endpoint, chunk by chunk, within the
//! county's budget: all of it on the local network, a little after each sync on a link that
//! costs money. The delta first when there is one, and the whole package if the delta fails
//! (once: never back to the delta). The store is locked only to read and record, never across
//! the network or a file's flush.

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Mutex;

use crate::error::{Error, Result};
use crate::files::write_durably;
use crate::protocol::release::{
    delta, Budget, ChunkRequest, UpdateAnswer, UpdateProblem, UpdateState, Version, CHUNK_PATH,
    MAX_CHUNK, OFFER_PATH, UNLIMITED,
};
use crate::refusal::{ErrorBody, Refusal};
use crate::store::{Stage, UpdateRecord};
use crate::sync::{body_at_most, failure_from, lock, RetryPolicy, Unread};
use crate::Store;

use super::offer::{clear_problems, drop_record};
use super::shelf::{self, Shelf};
use super::UpdateReport;

/// A chunk on a link that costs money: small, so that a cut wastes little.
pub const METERED_CHUNK: u32 = 32 << 10;
/// The most bytes an answer of the update endpoint may hold: a whole chunk, with room for the
/// headers of JSON (an offer takes about 1 KB).
const MAX_ANSWER: usize = MAX_CHUNK as usize + (16 << 10);
/// The smallest chunk: a link that breaks before each chunk arrives gets smaller ones, down to
/// this.
pub const MIN_CHUNK: u32 = 8 << 10;

/// The hub's update endpoint, over the pinned client of sync.
#[derive(Debug)]
pub struct Link {
    pub client: reqwest::Client,
    pub base: String,
    pub policy: RetryPolicy,
}

/// Why a request to the update endpoint failed.
#[derive(Debug)]
pub enum Failed {
    /// The hub no longer has the release (or the delta).
    NoRelease,
    /// Bytes asked beyond the end.
    BadRange,
    /// The hub (after retries), or a refusal of this device: in words.
    Stopped(String),
    /// The connection broke, every attempt: in words.
    Cut(String),
}

/// Whether the hub at `base` is on this device's local network: decided from the address
/// alone (an IP address, or `localhost`); a name is taken as a link that costs money.
/// `USALAMA_LINK=metered` (or `lan`) says otherwise, for a laptop that reaches a private
/// address through a modem (a VPN over 2G), or a named hub on the office network.
pub fn is_local(base: &str) -> bool {
    match std::env::var("USALAMA_LINK").as_deref() {
        Ok("metered") => return false,
        Ok("lan") => return true,
        _ => {}
    }
    let Ok(url) = reqwest::Url::parse(base) else {
        return false;
    };
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => local_ip(ip),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

fn local_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => ip.is_loopback() || ip.is_private() || ip.is_link_local(),
        IpAddr::V6(ip) => {
            let first = ip.segments()[0];
            ip.is_loopback() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
        }
    }
}

/// How many bytes this sync may fetch (None: no limit) and how large a chunk is, on `base`.
pub fn allowance(budget: Budget, base: &str) -> (Option<u64>, u32) {
    let (bytes, chunk) = if is_local(base) {
        (budget.lan, MAX_CHUNK)
    } else {
        (budget.metered, METERED_CHUNK)
    };
    ((bytes != UNLIMITED).then_some(bytes), chunk)
}

/// Asks the update endpoint for an offer directly (a device whose sync is refused as too old).
pub async fn ask_offer(
    store: &Mutex<Store>,
    link: &Link,
) -> std::result::Result<UpdateAnswer, Failed> {
    let body = {
        let store = lock(store);
        let state: UpdateState = store.update_state().map_err(stopped)?;
        let (signed, _) = store.sign_update_request(state).map_err(stopped)?;
        signed.to_json().map_err(|e| stopped(e.into()))?
    };
    let bytes = post(link, OFFER_PATH, body).await?;
    serde_json::from_slice(&bytes)
        .map_err(|e| Failed::Stopped(format!("the hub's update offer could not be read: {e}")))
}

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failed::NoRelease => f.write_str("the county hub holds no such release"),
            Failed::BadRange => f.write_str("the county hub refused the range asked"),
            Failed::Stopped(why) | Failed::Cut(why) => f.write_str(why),
        }
    }
}

fn stopped(e: Error) -> Failed {
    Failed::Stopped(e.to_string())
}

/// A signed request to the update endpoint, retried like sync on network and hub errors.
async fn post(link: &Link, path: &str, body: Vec<u8>) -> std::result::Result<Vec<u8>, Failed> {
    let mut attempt = 0;
    loop {
        let sent = link
            .client
            .post(format!("{}{path}", link.base))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await;
        let answer = match sent {
            Ok(response) => {
                let status = response.status().as_u16();
                body_at_most(response, MAX_ANSWER)
                    .await
                    .map(|b| (status, b))
            }
            Err(e) => Err(Unread::Cut(e)),
        };
        let (status, bytes) = match answer {
            Ok(answer) => answer,
            Err(Unread::Cut(_)) if attempt + 1 < link.policy.attempts => {
                tokio::time::sleep(link.policy.backoff(attempt)).await;
                attempt += 1;
                continue;
            }
            Err(e @ Unread::Cut(_)) => return Err(Failed::Cut(e.message(&link.base))),
            Err(e) => return Err(Failed::Stopped(e.message(&link.base))),
        };
        if status == 200 {
            return Ok(bytes.to_vec());
        }
        let refusal = serde_json::from_slice::<ErrorBody>(&bytes)
            .ok()
            .and_then(|b| b.refusal());
        match (status, refusal) {
            (_, Some(Refusal::NoRelease)) | (404, _) => return Err(Failed::NoRelease),
            (_, Some(Refusal::BadRange)) | (416, _) => return Err(Failed::BadRange),
            (500..=599, _) if attempt + 1 < link.policy.attempts => {
                tokio::time::sleep(link.policy.backoff(attempt)).await;
                attempt += 1;
            }
            _ => return Err(Failed::Stopped(failure_from(status, &bytes).message)),
        }
    }
}

/// What is being fetched: the delta's partial file or the package's, its size, and the version
/// a delta starts from.
struct Target {
    path: PathBuf,
    total: u64,
    from: Option<Version>,
}

fn target(shelf: &Shelf, record: &UpdateRecord) -> Target {
    let version = record.version();
    match record.delta.as_ref().filter(|_| record.on_delta) {
        Some(d) => Target {
            path: shelf.delta_part(d.from, version),
            total: d.size,
            from: Some(d.from),
        },
        None => Target {
            path: shelf.package_part(version),
            total: record.release.manifest.size,
            from: None,
        },
    }
}

/// Fetches the release being fetched, within `budget`, until it is ready, the budget is
/// spent, or something stops it (recorded in `report`).
pub async fn fetch(
    store: &Mutex<Store>,
    shelf: &Shelf,
    link: &Link,
    budget: Budget,
    report: &mut UpdateReport,
) -> Result<()> {
    let (mut left, mut chunk) = allowance(budget, &link.base);
    loop {
        let Some(mut record) = lock(store).update_record()? else {
            return Ok(());
        };
        // Damaged twice: not fetched again until another release (or an import) replaces it.
        if record.stage != Stage::Fetching || record.restarts >= 2 || !room(store, shelf, &record)?
        {
            return Ok(());
        }
        let t = target(shelf, &record);
        let held = shelf::resume(&t.path, record.held)?;
        if held != record.held {
            record.held = held;
            lock(store).save_update_record(&record)?;
        }
        if held >= t.total {
            finish(store, shelf, record, report)?;
            continue;
        }
        let length = (t.total - held)
            .min(u64::from(chunk))
            .min(left.unwrap_or(u64::MAX));
        if length == 0 {
            return Ok(());
        }
        let ask = ChunkRequest {
            version: record.version(),
            from: t.from,
            offset: held,
            // At most `chunk`, a u32.
            length: u32::try_from(length).unwrap_or(chunk),
        };
        match ask_chunk(store, link, ask).await {
            Ok(bytes) if !bytes.is_empty() && bytes.len() as u64 <= length => {
                shelf::append(&t.path, &bytes)?;
                record.held = held + bytes.len() as u64;
                lock(store).save_update_record(&record)?;
                report.fetched += bytes.len() as u64;
                left = left.map(|l| l.saturating_sub(bytes.len() as u64));
            }
            Ok(_) => {
                report.stopped = Some("the hub answered a chunk of the wrong size".into());
                return Ok(());
            }
            // A link that breaks before a whole chunk arrives: halved chunks, down to the
            // smallest, before this sync gives up (the next starts from the same size).
            Err(Failed::Cut(_)) if chunk > MIN_CHUNK => chunk = (chunk / 2).max(MIN_CHUNK),
            Err(Failed::Stopped(why) | Failed::Cut(why)) => {
                report.stopped = Some(why);
                return Ok(());
            }
            Err(failed) => gone(store, shelf, record, &failed, report)?,
        }
    }
}

async fn ask_chunk(
    store: &Mutex<Store>,
    link: &Link,
    ask: ChunkRequest,
) -> std::result::Result<Vec<u8>, Failed> {
    let body = {
        let store = lock(store);
        let (signed, _) = store.sign_update_request(ask).map_err(stopped)?;
        signed.to_json().map_err(|e| stopped(e.into()))?
    };
    post(link, CHUNK_PATH, body).await
}

/// The hub has no such release or range: a delta gives way to the package; a package that is
/// gone is dropped, one asked beyond its end is started again.
fn gone(
    store: &Mutex<Store>,
    shelf: &Shelf,
    mut record: UpdateRecord,
    failed: &Failed,
    report: &mut UpdateReport,
) -> Result<()> {
    let t = target(shelf, &record);
    shelf::remove(&t.path)?;
    if record.on_delta {
        record.on_delta = false;
        record.delta_failed = true;
        record.held = 0;
        report.note = Some("the hub no longer holds the delta: fetching the whole package".into());
        return lock(store).save_update_record(&record);
    }
    if matches!(failed, Failed::NoRelease) {
        report.note = Some("the hub no longer offers this release: dropped".into());
        return drop_record(&mut lock(store), shelf, &record);
    }
    restart(&mut lock(store), record, "the hub refused the range asked")
}

/// Not enough free space: the problem is recorded (and cleared once there is space).
fn room(store: &Mutex<Store>, shelf: &Shelf, record: &UpdateRecord) -> Result<bool> {
    shelf.make()?;
    let size = record.release.manifest.size;
    let need = match record.delta.as_ref().filter(|_| record.on_delta) {
        // The delta, then the package it makes (in memory, then on disk).
        Some(d) => d.size.saturating_sub(record.held) + size,
        None => size.saturating_sub(record.held),
    };
    let mut store = lock(store);
    match shelf.free_space() {
        Some(free) if free < need.saturating_add(shelf.reserve) => {
            let message = format!(
                "version {} needs {} MB of free disk space and {} MB is free: free some space \
                 (old downloads, videos) and sync again",
                record.version(),
                need.saturating_add(shelf.reserve).div_ceil(1 << 20),
                free >> 20
            );
            store.set_update_problem(Some((UpdateProblem::DiskFull, &message)))?;
            Ok(false)
        }
        _ => {
            clear_problems(&mut store, &[UpdateProblem::DiskFull])?;
            Ok(true)
        }
    }
}

/// The whole delta or package is here: checked, and made ready (or fetched again).
fn finish(
    store: &Mutex<Store>,
    shelf: &Shelf,
    mut record: UpdateRecord,
    report: &mut UpdateReport,
) -> Result<()> {
    let version = record.version();
    let t = target(shelf, &record);
    if t.from.is_some() {
        let made = rebuild(shelf, &record);
        shelf::remove(&t.path)?;
        record.on_delta = false;
        record.held = 0;
        match made {
            Ok(()) => ready(&mut lock(store), record),
            Err(e) => {
                // Never back to the delta: the package, whole.
                record.delta_failed = true;
                report.note = Some(format!("{e}: fetching the whole package"));
                lock(store).save_update_record(&record)
            }
        }
    } else {
        let (size, digest) = shelf::digest(&t.path)?;
        let m = &record.release.manifest;
        if size == m.size && m.check_digest(&digest).is_ok() {
            shelf::rename(&t.path, &shelf.package(version))?;
            ready(&mut lock(store), record)
        } else {
            shelf::remove(&t.path)?;
            restart(
                &mut lock(store),
                record,
                "the package fetched does not match its release",
            )
        }
    }
}

/// The package the delta makes from the installed one, checked against the release and
/// written where a ready package waits.
fn rebuild(shelf: &Shelf, record: &UpdateRecord) -> Result<()> {
    let d = record
        .delta
        .as_ref()
        .ok_or_else(|| Error::Integrity("no delta was offered".into()))?;
    let t = target(shelf, record);
    let (size, digest) = shelf::digest(&t.path)?;
    if size != d.size || hex::encode(digest) != d.sha256 {
        return Err(Error::Integrity(
            "the delta fetched is not the one the hub offered".into(),
        ));
    }
    let read = |path: PathBuf| {
        std::fs::read(&path).map_err(|e| Error::io(format!("reading {}", path.display()), e))
    };
    let old = read(shelf.installed(d.from))?;
    let m = &record.release.manifest;
    let package = delta::apply(&old, &read(t.path)?, m.size)?;
    m.check(&package)?;
    Ok(write_durably(&shelf.package(record.version()), &package)?)
}

fn ready(store: &mut Store, mut record: UpdateRecord) -> Result<()> {
    record.stage = Stage::Ready;
    record.held = record.release.manifest.size;
    store.save_update_record(&record)?;
    clear_problems(store, &[UpdateProblem::DiskFull, UpdateProblem::Damaged])
}

/// The package did not match its release: fetched again from its first byte, once; the second
/// time it is the problem `damaged`, and the fetch stops.
fn restart(store: &mut Store, mut record: UpdateRecord, why: &str) -> Result<()> {
    record.held = 0;
    record.restarts += 1;
    store.save_update_record(&record)?;
    if record.restarts >= 2 {
        let message = format!(
            "version {} arrived damaged twice ({why}); it is not fetched again. Tell the \
             county ICT office, or install it from a USB stick (`usalama update import`)",
            record.version()
        );
        store.set_update_problem(Some((UpdateProblem::Damaged, &message)))?;
    }
    Ok(())
}
