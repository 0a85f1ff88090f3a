//! `warnings`: the county's early-warning settings, shown and set by the administrator.

use std::path::PathBuf;

use clap::Subcommand;
use usalama_protocol::files::read_at_most;

use super::{open, print_json, usage, Failure};

/// The largest settings file read, in bytes.
const MAX_FILE: usize = 64 * 1024;

#[derive(Debug, Subcommand)]
pub(crate) enum WarningsCommand {
    /// Print the settings every device applies.
    Show,
    /// Check a settings file (JSON) and send it to every device; fields it leaves out take
    /// their defaults.
    Set { file: PathBuf },
}

pub(crate) fn run(db: &str, command: WarningsCommand, json: bool) -> Result<(), Failure> {
    let hub = open(db)?;
    let settings = match command {
        WarningsCommand::Show => hub.warning_settings()?,
        WarningsCommand::Set { file } => {
            let bytes = read_at_most(&file, MAX_FILE, "the settings file")
                .map_err(|e| usage(e.to_string()))?;
            let doc: serde_json::Value = serde_json::from_slice(&bytes)
                .map_err(|e| usage(format!("{}: not JSON ({e})", file.display())))?;
            let settings = hub.set_warning_settings(&doc)?;
            if !json {
                say!(
                    "Early-warning settings recorded; every device applies them at its next sync."
                );
            }
            settings
        }
    };
    if json {
        print_json(&settings.to_value());
    } else {
        say!(
            "{}",
            serde_json::to_string_pretty(&settings.to_value()).unwrap_or_default()
        );
    }
    Ok(())
}
