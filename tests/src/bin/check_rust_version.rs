//! Checks that the workspace's declared `rust-version` is true: at least the `rust_version`
//! every dependency in the lock file declares (`cargo metadata`). Run by `make lint`.
//!
//! Exit 0 when it holds; 1, naming the dependencies that need more, when it does not.

use std::process::{Command, ExitCode};

use serde_json::Value;

/// `1.85`, `1.90.1` as comparable numbers (missing parts are 0).
fn version(text: &str) -> Option<(u64, u64, u64)> {
    let mut parts = text.split('.').map(|p| p.parse::<u64>().ok());
    let major = parts.next()??;
    let minor = parts.next().flatten().unwrap_or(0);
    let patch = parts.next().flatten().unwrap_or(0);
    Some((major, minor, patch))
}

fn main() -> ExitCode {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = match Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .output()
    {
        Ok(out) if out.status.success() => out.stdout,
        Ok(out) => {
            eprintln!(
                "cargo metadata failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("cargo metadata could not run: {e}");
            return ExitCode::FAILURE;
        }
    };
    let metadata: Value = match serde_json::from_slice(&output) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("cargo metadata printed something other than JSON: {e}");
            return ExitCode::FAILURE;
        }
    };
    let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
    let declared = |p: &Value| p["rust_version"].as_str().and_then(version);
    let ours: Vec<&Value> = packages.iter().filter(|p| p["source"].is_null()).collect();
    let Some(workspace) = ours.iter().filter_map(|p| declared(p)).min() else {
        eprintln!("no workspace package declares a rust-version");
        return ExitCode::FAILURE;
    };
    let mut short: Vec<String> = packages
        .iter()
        .filter(|p| !p["source"].is_null())
        .filter(|p| declared(p).is_some_and(|v| v > workspace))
        .map(|p| {
            format!(
                "{} {} needs Rust {}",
                p["name"].as_str().unwrap_or("?"),
                p["version"].as_str().unwrap_or("?"),
                p["rust_version"].as_str().unwrap_or("?")
            )
        })
        .collect();
    if short.is_empty() {
        let (major, minor, patch) = workspace;
        println!("rust-version {major}.{minor}.{patch} holds for every dependency");
        return ExitCode::SUCCESS;
    }
    short.sort();
    eprintln!(
        "the workspace declares rust-version {}.{}, but:",
        workspace.0, workspace.1
    );
    for line in &short {
        eprintln!("  {line}");
    }
    eprintln!("raise `rust-version` in Cargo.toml to the highest of these");
    ExitCode::FAILURE
}
