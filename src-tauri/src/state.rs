//! The app's state: the home folder, the store while unlocked, and its background sync.
//!
//! The store is open only between an unlock and the next lock. Locking closes it (SQLCipher
//! forgets the key, the device's signing key is wiped from memory) after sealing, while it is
//! still open, the one sync request that carries what waits to be sent; only those bytes stay in
//! memory, for [`autosync::send_sealed`] to deliver while the app is locked (see docs/store.md,
//! "Locking").

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use tauri::async_runtime::JoinHandle;
use tauri::{AppHandle, Emitter};
use usalama_core::autosync::{self, AutoSync, Schedule};
use usalama_core::{Error, Store};

use crate::error::CommandError;
use crate::sync_bar;

/// The event that tells the UI the store was locked (by the app itself, or after the system
/// said it is about to sleep).
pub const LOCKED: &str = "locked";
/// The event that tells the locked UI what became of the reports waiting to be sent.
pub const SENT_WHILE_LOCKED: &str = "sent-while-locked";

#[derive(Debug)]
pub struct AppState {
    home: PathBuf,
    // A `std::sync::Mutex`, not an async one: no `.await` happens while it is held.
    phase: Mutex<Phase>,
    // Replaced at each unlock: the counts of one open store's background sync.
    autosync: Mutex<Arc<AutoSync>>,
}

#[derive(Debug, Default)]
enum Phase {
    #[default]
    Locked,
    Open {
        // Each command holds the inner lock only for one core call.
        store: Arc<Mutex<Store>>,
        sync: JoinHandle<()>,
    },
    /// Locked, with a sealed request still being delivered.
    Sending { task: JoinHandle<()> },
}

/// What a lock left to be sent while locked.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Locked {
    /// This device's entries (reports, amendments, response steps) in the sealed request.
    pub waiting: usize,
}

impl AppState {
    pub fn new(home: PathBuf) -> Self {
        AppState {
            home,
            phase: Mutex::new(Phase::Locked),
            autosync: Mutex::new(AutoSync::new()),
        }
    }

    pub fn home(&self) -> &Path {
        &self.home
    }

    pub fn is_open(&self) -> bool {
        matches!(*self.phase(), Phase::Open { .. })
    }

    fn phase(&self) -> MutexGuard<'_, Phase> {
        self.phase.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps the unlocked store for the commands that follow and starts its background sync;
    /// a request still being sent from the last lock is dropped (this sync sends it all). A
    /// second store while one is open is refused: the first one stays in use.
    pub fn put(&self, store: Store, app: &AppHandle) -> Result<(), CommandError> {
        let mut phase = self.phase();
        if matches!(*phase, Phase::Open { .. }) {
            return Err(CommandError::already_open());
        }
        if let Phase::Sending { task } = std::mem::take(&mut *phase) {
            task.abort();
        }
        let store = Arc::new(Mutex::new(store));
        let autosync = AutoSync::new();
        *self.autosync.lock().unwrap_or_else(|e| e.into_inner()) = autosync.clone();
        let changed = {
            let store = store.clone();
            let autosync = autosync.clone();
            let app = app.clone();
            move || {
                let status = sync_bar::SyncStatus::of(&lock(&store), autosync.live());
                if let Ok(status) = status {
                    sync_bar::announce(&app, &status);
                }
            }
        };
        let sync =
            tauri::async_runtime::spawn(autosync.run(store.clone(), Schedule::default(), changed));
        *phase = Phase::Open { store, sync };
        Ok(())
    }

    /// Locks: seals what waits to be sent, stops background sync and closes the store. The UI
    /// saves its draft before it asks; a lock the system asked for (sleep) does not wait.
    /// Locking a locked app does nothing.
    pub fn lock(&self, app: &AppHandle) -> Locked {
        let mut phase = self.phase();
        if !matches!(*phase, Phase::Open { .. }) {
            return Locked::default();
        }
        let Phase::Open { store, sync } = std::mem::take(&mut *phase) else {
            return Locked::default();
        };
        sync.abort();
        // Sealed while the store is still open; a failure only means nothing goes until the
        // next unlock, which is no reason not to lock.
        let sealed = lock(&store).seal_for_locked_sending().ok().flatten();
        // The last handle: the store closes here. A command still running keeps its own
        // handle until it returns, and the store closes then.
        drop(store);
        let locked = Locked {
            waiting: sealed.as_ref().map_or(0, |o| o.entries),
        };
        if let Some(outgoing) = sealed {
            let sender = app.clone();
            let task = tauri::async_runtime::spawn(async move {
                autosync::send_sealed(outgoing, move |sent| {
                    let _ = sender.emit(SENT_WHILE_LOCKED, sent);
                })
                .await;
            });
            *phase = Phase::Sending { task };
        }
        drop(phase);
        let _ = app.emit(LOCKED, locked);
        locked
    }

    /// The unlocked store, to hand to the core's async functions (which lock it briefly).
    pub fn store(&self) -> Result<Arc<Mutex<Store>>, CommandError> {
        match &*self.phase() {
            Phase::Open { store, .. } => Ok(store.clone()),
            _ => Err(CommandError::not_open()),
        }
    }

    pub fn autosync(&self) -> Arc<AutoSync> {
        self.autosync
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Runs `f` on the unlocked store.
    pub fn with_store<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, Error>,
    ) -> Result<T, CommandError> {
        let store = self.store()?;
        let mut store = lock(&store);
        Ok(f(&mut store)?)
    }

    /// The sync bar's state now.
    pub fn sync_status(&self) -> Result<sync_bar::SyncStatus, CommandError> {
        let live = self.autosync().live();
        self.with_store(|s| sync_bar::SyncStatus::of(s, live))
    }
}

fn lock(store: &Mutex<Store>) -> MutexGuard<'_, Store> {
    // A command that panicked while holding the lock left the store as SQLite left it: every
    // write is a transaction, so the store itself is consistent.
    store.lock().unwrap_or_else(|e| e.into_inner())
}
