//! The sync bar's data: one shape, pulled by the UI with `sync_status` and pushed to it as the
//! `sync-status` event whenever it changes.
//!
//! Until this device is enrolled with a county hub, `enrolled` is false and the bar says so,
//! with the number of reports waiting to send; the "Sync now" button is hidden. Background sync
//! fills in the other fields (`online`, `syncing`, `last_success`, `last_failure`) and emits the
//! event after each attempt.

use serde::Serialize;
use tauri::{AppHandle, Emitter};
use usalama_core::{Error, Store};

/// The event the UI listens to.
pub const EVENT: &str = "sync-status";

#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncStatus {
    /// Whether this device is enrolled with a county hub.
    pub enrolled: bool,
    /// Whether the hub answered at the last attempt; `None` before any attempt.
    pub online: Option<bool>,
    /// A sync is running now.
    pub syncing: bool,
    /// Reports recorded here and not yet received by the hub (status `pending`).
    pub waiting: u64,
    /// When the last sync completed (RFC 3339, East Africa Time).
    pub last_success: Option<String>,
    /// The last failure, if it came after the last success.
    pub last_failure: Option<SyncFailure>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SyncFailure {
    pub at: String,
    /// A closed set the UI translates: e.g. `unreachable`, `refused`, `incomplete`.
    pub kind: String,
    /// In plain words, with what to do.
    pub message: String,
}

impl SyncStatus {
    /// The bar's state read from the store.
    pub fn of(store: &Store) -> Result<SyncStatus, Error> {
        let waiting = store
            .status_counts()?
            .get("pending")
            .copied()
            .unwrap_or_default();
        Ok(SyncStatus {
            waiting,
            ..SyncStatus::default()
        })
    }
}

/// Tells the UI the bar's new state. A UI that is not listening misses nothing it cannot pull.
pub fn announce(app: &AppHandle, status: &SyncStatus) {
    let _ = app.emit(EVENT, status);
}
