//! The app's state: the home folder, the store once unlocked, and its background sync.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use tauri::AppHandle;
use usalama_core::autosync::{AutoSync, Schedule};
use usalama_core::{Error, Store};

use crate::error::CommandError;
use crate::sync_bar;

#[derive(Debug)]
pub struct AppState {
    home: PathBuf,
    // Set once, when the user unlocks (or creates) the store; it stays open until the app ends.
    // A `std::sync::Mutex`, not an async one: no `.await` happens while it is held, and each
    // command holds it only for one core call.
    store: OnceLock<Arc<Mutex<Store>>>,
    autosync: Arc<AutoSync>,
}

impl AppState {
    pub fn new(home: PathBuf) -> Self {
        AppState {
            home,
            store: OnceLock::new(),
            autosync: AutoSync::new(),
        }
    }

    pub fn home(&self) -> &Path {
        &self.home
    }

    pub fn is_open(&self) -> bool {
        self.store.get().is_some()
    }

    /// Keeps the unlocked store for the commands that follow and starts its background sync.
    /// A second store (a second unlock in one run) is refused: the first one stays in use.
    pub fn put(&self, store: Store, app: &AppHandle) -> Result<(), CommandError> {
        let store = Arc::new(Mutex::new(store));
        self.store
            .set(store.clone())
            .map_err(|_| CommandError::already_open())?;
        let autosync = self.autosync.clone();
        let app = app.clone();
        let changed = {
            let store = store.clone();
            let autosync = autosync.clone();
            move || {
                let status = sync_bar::SyncStatus::of(&lock(&store), autosync.live());
                if let Ok(status) = status {
                    sync_bar::announce(&app, &status);
                }
            }
        };
        tauri::async_runtime::spawn(autosync.run(store, Schedule::default(), changed));
        Ok(())
    }

    /// The unlocked store, to hand to the core's async functions (which lock it briefly).
    pub fn store(&self) -> Result<Arc<Mutex<Store>>, CommandError> {
        self.store.get().cloned().ok_or_else(CommandError::not_open)
    }

    pub fn autosync(&self) -> &AutoSync {
        &self.autosync
    }

    /// Runs `f` on the unlocked store.
    pub fn with_store<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, Error>,
    ) -> Result<T, CommandError> {
        let store = self.store.get().ok_or_else(CommandError::not_open)?;
        Ok(f(&mut lock(store))?)
    }

    /// The sync bar's state now.
    pub fn sync_status(&self) -> Result<sync_bar::SyncStatus, CommandError> {
        let live = self.autosync.live();
        self.with_store(|s| sync_bar::SyncStatus::of(s, live))
    }
}

fn lock(store: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    // A command that panicked while holding the lock left the store as SQLite left it: every
    // write is a transaction, so the store itself is consistent.
    store.lock().unwrap_or_else(|e| e.into_inner())
}
