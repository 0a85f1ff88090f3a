//! `backup`: a consistent copy of the hub's data (and its key), while it serves.

use std::path::Path;

use serde_json::json;

use super::{open, print_json, Failure};

pub(crate) fn run(db: &str, out: &Path, json: bool) -> Result<(), Failure> {
    open(db)?.backup(out)?;
    if json {
        print_json(&json!({"backup": out}));
    } else {
        say!("Backed up to {}", out.display());
    }
    Ok(())
}
