//! The app's state: the home folder and, once unlocked, the store.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use usalama_core::{Error, Store};

use crate::error::CommandError;

#[derive(Debug)]
pub struct AppState {
    home: PathBuf,
    // A `std::sync::Mutex`, not an async one: no `.await` happens while it is held, and each
    // command holds it only for one core call.
    store: Mutex<Option<Store>>,
}

impl AppState {
    pub fn new(home: PathBuf) -> Self {
        AppState {
            home,
            store: Mutex::new(None),
        }
    }

    pub fn home(&self) -> &Path {
        &self.home
    }

    pub fn is_open(&self) -> bool {
        self.lock().is_some()
    }

    /// Keeps the unlocked store for the commands that follow.
    pub fn put(&self, store: Store) {
        *self.lock() = Some(store);
    }

    /// Runs `f` on the unlocked store.
    pub fn with_store<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, Error>,
    ) -> Result<T, CommandError> {
        let mut guard = self.lock();
        let store = guard.as_mut().ok_or_else(CommandError::not_open)?;
        Ok(f(store)?)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Store>> {
        // A command that panicked while holding the lock left the store as SQLite left it:
        // every write is a transaction, so the store itself is consistent.
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }
}
