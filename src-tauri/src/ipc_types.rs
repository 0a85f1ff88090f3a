//! The frontend's TypeScript for the types that cross the IPC boundary, generated from the Rust
//! types themselves (ts-rs, reading their serde attributes), so that the UI's `kind: string`
//! cannot hide a typo and a field renamed here cannot go unnoticed there. The vocabularies'
//! labels come the same way from the one file the summaries read
//! (`usalama-protocol/data/vocabulary.json`), as `vocabulary.ts`.
//!
//! The files live in `ui/src/lib/generated/`, committed. This test writes them into a
//! temporary folder and fails, naming the file, when one differs from the committed one;
//! `USALAMA_WRITE_IPC_TYPES=1` (or `make ipc-types`) writes them in place instead.

use std::path::{Path, PathBuf};

use ts_rs::{Config, TS};
use usalama_core::form::{FormProblem, Rule};
use usalama_core::store::FailureKind;

use crate::error::CommandError;
use crate::sync_bar::{SyncFailure, SyncStatus};
use crate::updates::{GoBack, UpdatePanel, UpdateStage};

const HEADER: &str = "// Generated from the Rust types by usalama-desktop's ipc_types test: do not edit.\n\
// Regenerate with `make ipc-types` (or USALAMA_WRITE_IPC_TYPES=1 cargo test -p usalama-desktop ipc_types).\n";

/// Each exported type's file name and its TypeScript.
fn bindings() -> Vec<(String, String)> {
    // Counts and versions stay well below 2^53: numbers, not bigints.
    let cfg = Config::new().with_large_int("number");
    let mut files = Vec::new();
    let mut add = |name: &str, text: Result<String, ts_rs::ExportError>| {
        let text = text.expect("TypeScript for an IPC type");
        files.push((format!("{name}.ts"), format!("{HEADER}{text}")));
    };
    add("Rule", Rule::export_to_string(&cfg));
    add("FormProblem", FormProblem::export_to_string(&cfg));
    add("CommandError", CommandError::export_to_string(&cfg));
    add("FailureKind", FailureKind::export_to_string(&cfg));
    add("SyncFailure", SyncFailure::export_to_string(&cfg));
    add("SyncStatus", SyncStatus::export_to_string(&cfg));
    add("UpdatePanel", UpdatePanel::export_to_string(&cfg));
    add("UpdateStage", UpdateStage::export_to_string(&cfg));
    add("GoBack", GoBack::export_to_string(&cfg));
    files.push(("vocabulary.ts".into(), vocabulary()));
    files
}

/// Every closed vocabulary with its labels, as a TypeScript constant whose keys are literal
/// types (so `label("type", "kiling")` is a type error in the frontend, as a Rust typo is here).
fn vocabulary() -> String {
    let mut sets: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(usalama_core::protocol::vocabulary::JSON).expect("vocabulary JSON");
    sets.shift_remove("_");
    let json = serde_json::to_string_pretty(&sets).expect("vocabulary as JSON");
    format!(
        "{HEADER}// The closed vocabularies and their labels, in the order forms show them \
         (usalama-protocol's data/vocabulary.json).\n\
         export const VOCABULARY = {json} as const;\n"
    )
}

fn generated() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/generated")
}

#[test]
fn the_committed_ipc_types_match_the_rust_types() {
    let files = bindings();
    let dir = generated();
    if std::env::var_os("USALAMA_WRITE_IPC_TYPES").is_some() {
        std::fs::create_dir_all(&dir).expect("generated folder");
        for (name, text) in &files {
            std::fs::write(dir.join(name), text).expect("write a generated file");
        }
        return;
    }
    // Written to a temporary folder too, so that a failure leaves the new text to diff with.
    let fresh = std::env::temp_dir().join("usalama-ipc-types");
    std::fs::create_dir_all(&fresh).expect("temporary folder");
    let mut stale = Vec::new();
    for (name, text) in &files {
        std::fs::write(fresh.join(name), text).expect("write a generated file");
        let committed = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        if committed != *text {
            stale.push(format!("ui/src/lib/generated/{name}"));
        }
    }
    assert!(
        stale.is_empty(),
        "the TypeScript for the IPC types is out of date: {} (the new text is in {}; run `make ipc-types`)",
        stale.join(", "),
        fresh.display()
    );
}
