//! `import` and `export`: bundles carried on a USB stick to and from devices no network
//! reaches.

use std::path::Path;

use serde_json::json;

use super::{open, print_json, usage, Failure};

/// Reads a device's bundle: the same checks and idempotency as a sync.
pub(crate) fn import(db: &str, file: &Path, json: bool) -> Result<(), Failure> {
    // A stick is another machine's bytes: the size is checked before anything is read.
    let bytes =
        usalama_protocol::files::read_at_most(file, usalama_protocol::wire::MAX_BUNDLE, "a bundle")
            .map_err(|e| usage(e.to_string()))?;
    let report = open(db)?.import_bundle(&bytes)?;
    if json {
        print_json(&report);
    } else {
        say!(
            "Imported the bundle of device {}: {} entries stored, {} already held.",
            report.device,
            report.stored,
            report.already_held
        );
        for why in &report.skipped {
            say!("Not stored: {why}");
        }
    }
    Ok(())
}

/// Writes a bundle for one device: what its next sync would receive.
pub(crate) fn export(
    db: &str,
    device: &str,
    out: &Path,
    since: Option<u64>,
    json: bool,
) -> Result<(), Failure> {
    let (bytes, export) = open(db)?.export_bundle(device, since)?;
    usalama_protocol::files::write_durably(out, &bytes).map_err(|e| usage(e.to_string()))?;
    if json {
        print_json(&json!({
            "file": out,
            "device": export.device,
            "entries": export.entries,
            "bytes": export.bytes,
        }));
    } else {
        say!(
            "Wrote {} entries for device {} to {} ({} bytes); import it on that device \
             with `usalama bundle import`.",
            export.entries,
            export.device,
            out.display(),
            export.bytes
        );
    }
    Ok(())
}
