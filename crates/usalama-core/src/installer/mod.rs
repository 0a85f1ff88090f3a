//! The installer: the one privileged step of an update, and how the app asks for it.
//!
//! The Debian package sets up a folder the installer owns (`/var/lib/usalama/installer`) and a
//! systemd path unit that starts `usalama installer run` as root whenever its `spool/` folder
//! is not empty. Anyone on the laptop may write to `spool/` (it is sticky and unreadable, like
//! `/tmp` without the listing), so the installer trusts nothing it finds there: it copies each
//! file into its own folder, reads the release with the same parser as the hub and the app,
//! checks the release key's signature and the package's SHA-256 itself, and installs nothing
//! else. It keeps the package it installed and the one before, so that the chief can go back,
//! except across a change of the store's schema.
//!
//! - [`spool`]: the app's side: hand over a verified package, ask to go back, read the status.
//! - [`mod@run`]: the installer's side, as root (or, in tests, unpacking into a folder).
//!
//! The folder:
//!
//! ```text
//! /var/lib/usalama/installer/
//!   spool/          1733: NAME.deb, NAME.release and NAME.request ("install" or "go-back")
//!   packages/       0755, root's: current.deb/.release, previous.deb/.release
//!   status.json     0644: what is installed, what it can go back to, the last outcome
//! ```

pub mod run;
pub mod spool;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::protocol::release::Version;

pub use run::{run, Apply};
pub use spool::{go_back, hand_over};

/// Where the installer's folder is: `USALAMA_INSTALLER_DIR` (tests), else the system's.
pub fn folder() -> PathBuf {
    std::env::var_os("USALAMA_INSTALLER_DIR").map_or_else(
        || PathBuf::from("/var/lib/usalama/installer"),
        PathBuf::from,
    )
}

/// What the installer last did and can do, as it writes it in `status.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    /// The version the installer installed last (None: installed by hand, or never).
    pub installed: Option<Version>,
    pub installed_schema: Option<u32>,
    /// The version it keeps to go back to.
    pub previous: Option<Version>,
    pub previous_schema: Option<u32>,
    pub last: Option<Outcome>,
}

/// One request's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub action: Action,
    pub version: Option<Version>,
    pub ok: bool,
    /// In words, for the chief and the county.
    pub message: String,
    /// Unix seconds.
    pub at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Install,
    GoBack,
}

/// The largest `status.json` read.
const MAX_STATUS: usize = 4 << 10;

impl Status {
    /// The installer's status, or None if it never ran (or is not installed).
    pub fn read(folder: &Path) -> crate::Result<Option<Status>> {
        let path = folder.join("status.json");
        if !path.exists() {
            return Ok(None);
        }
        let bytes = crate::files::read_at_most(&path, MAX_STATUS, "the installer's status")?;
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| crate::Error::Malformed(format!("the installer's status: {e}")))
    }

    /// Why the chief cannot go back, or None if they can.
    pub fn cannot_go_back(&self) -> Option<String> {
        let Some(previous) = self.previous else {
            return Some("there is no earlier version kept on this laptop".into());
        };
        if self.previous_schema != self.installed_schema {
            return Some(format!(
                "version {previous} keeps its reports in another form than this version does, \
                 and cannot open them: going back would lose them. Ask the county ICT office"
            ));
        }
        None
    }
}

#[cfg(test)]
mod tests;
