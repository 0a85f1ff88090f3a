//! The store a command works on, unlocked with its passphrase; what it prints for scripts;
//! and the clock warning shown before anything is recorded.

use std::io::Write;
use std::path::Path;

use serde::Serialize;
use usalama_core::Store;

use crate::failure::Failure;
use crate::secrets;

pub(super) fn open(home: &Path) -> Result<Store, Failure> {
    if !Store::exists(home) {
        return Err(usalama_core::Error::NotInitialized(home.to_owned()).into());
    }
    Ok(Store::open(home, &secrets::passphrase()?)?)
}

pub(super) fn print_json(value: &impl Serialize) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::usage(format!("could not write JSON: {e}")))?;
    // Written as it is: JSON escapes control characters itself, and scripts read it.
    let _ = writeln!(std::io::stdout(), "{text}");
    Ok(())
}

pub(super) fn warn_clock(store: &Store) -> Result<(), Failure> {
    if let Some(warning) = store.clock_warning()? {
        eprintln!("usalama: warning: {warning}");
    }
    Ok(())
}
