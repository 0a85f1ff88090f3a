//! The sync bar's data: one shape, pulled by the UI with `sync_status` and pushed to it as the
//! `sync-status` event whenever it changes (a sync started or ended, a report was saved).
//!
//! Until this device is enrolled with a county hub, `enrolled` is false and the bar says so,
//! with the number of reports waiting to send; the "Sync now" button is hidden.

use serde::Serialize;
use tauri::{AppHandle, Emitter};
use usalama_core::autosync::Live;
use usalama_core::store::FailureKind;
use usalama_core::{Error, Store};

/// The event the UI listens to.
pub const EVENT: &str = "sync-status";

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SyncStatus {
    /// Whether this device is enrolled with a county hub.
    pub enrolled: bool,
    /// The hub's address, once enrolled.
    pub hub: Option<String>,
    /// Whether the hub answered at the last attempt; `None` before any attempt.
    pub online: Option<bool>,
    /// A sync is running now.
    pub syncing: bool,
    /// Reports recorded here and not yet received by the hub (status `pending`).
    pub waiting: u64,
    /// Restricted sources recorded here that wait for the county key before they are sealed
    /// and sent.
    pub sources_waiting: u64,
    /// When the last sync completed (RFC 3339, East Africa Time).
    pub last_success: Option<String>,
    /// The last failure, if it came after the last success.
    pub last_failure: Option<SyncFailure>,
    /// Grows with each start and end of a sync: the UI keeps the newest status it has seen,
    /// whichever way (pulled or pushed) it arrived.
    pub version: u64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SyncFailure {
    pub at: Option<String>,
    /// A closed set the UI translates (serialised as `unreachable`, `refused`, `rejected`,
    /// `outdated`, `server`, `integrity` or `local`).
    pub kind: FailureKind,
    /// In plain words (English), with what to do.
    pub message: String,
}

impl SyncStatus {
    /// The bar's state: what the store records, and what the background sync is doing.
    pub fn of(store: &Store, live: Live) -> Result<SyncStatus, Error> {
        let status = store.sync_status()?;
        Ok(SyncStatus {
            enrolled: status.enrolled,
            hub: status.hub_url,
            // Before the first attempt of this run, the last recorded one tells.
            online: live.online.or_else(|| {
                status
                    .last_error
                    .as_ref()
                    .map(|e| e.kind != FailureKind::Unreachable)
                    .or(status.last_success.as_ref().map(|_| true))
                    .filter(|_| status.enrolled)
            }),
            syncing: live.syncing,
            waiting: status.waiting_reports,
            sources_waiting: store.sources_waiting_to_seal()?,
            last_success: status.last_success,
            last_failure: status.last_error.map(|e| SyncFailure {
                at: status.last_attempt,
                kind: e.kind,
                message: e.message,
            }),
            version: live.version,
        })
    }
}

/// Tells the UI the bar's new state. A UI that is not listening misses nothing it cannot pull.
pub fn announce(app: &AppHandle, status: &SyncStatus) {
    let _ = app.emit(EVENT, status);
}
