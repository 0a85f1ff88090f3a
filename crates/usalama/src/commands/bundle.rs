//! Sync by USB stick: writing what the county hub lacks to a file, and reading a bundle.

use std::path::Path;

use serde_json::json;
use usalama_core::wire::MAX_BUNDLE;

use super::unlock::{open, print_json};
use crate::failure::Failure;

pub(super) fn export(home: &Path, out: &Path, json: bool) -> Result<(), Failure> {
    let mut store = open(home)?;
    let (bytes, exported) = store.export_bundle()?;
    usalama_core::files::write_durably(out, &bytes)?;
    if json {
        return print_json(&json!({
            "file": out,
            "entries": exported.entries,
            "carried": exported.carried,
            "bytes": exported.bytes,
        }));
    }
    say!(
        "Wrote {} of this laptop's entries{} to {} ({} bytes).",
        exported.entries,
        if exported.carried > 0 {
            format!(" and {} carried for other devices", exported.carried)
        } else {
            String::new()
        },
        out.display(),
        exported.bytes
    );
    say!(
        "Take it to the county office (`usalama-hub import`), and bring back the hub's bundle \
         for this laptop (`usalama bundle import`). Nothing is lost if the stick is lost: \
         export again."
    );
    Ok(())
}

pub(super) fn import(home: &Path, file: &Path, json: bool) -> Result<(), Failure> {
    let bytes = usalama_core::files::read_at_most(file, MAX_BUNDLE, "a bundle")?;
    let mut store = open(home)?;
    let imported = store.import_bundle(&bytes)?;
    if json {
        return print_json(&imported);
    }
    if imported.from == "hub" {
        say!(
            "Imported the county hub's bundle: {} new entries, {} of this laptop's entries \
             received by the county.",
            imported.received,
            imported.acknowledged
        );
    } else {
        say!(
            "Another laptop's bundle for the county hub: sealed to the hub, so this laptop \
             cannot read it; it is relayed as it is at this laptop's next sync{}.",
            if imported.carried_bundles == 0 {
                " (it was already waiting here)"
            } else {
                ""
            }
        );
    }
    Ok(())
}
