//! The load generator (`usalama-load`) against a real hub: a short run of a handful of devices
//! reports syncs, pushes and pulls, every one answered, and the hub's memory.

use std::process::Command;

use serde_json::Value;

use crate::helpers::hub_bin;

#[test]
fn a_short_load_run_reports_every_kind_answered_without_errors() {
    let out = Command::new(env!("CARGO_BIN_EXE_usalama-load"))
        .arg("--hub-bin")
        .arg(hub_bin())
        .args([
            "--devices",
            "6",
            "--officers",
            "1",
            "--seed-reports",
            "50",
            "--duration",
            "2s",
            "--rate-sync",
            "20",
            "--rate-push",
            "5",
            "--rate-pull",
            "2",
            "--json",
        ])
        .output()
        .expect("usalama-load runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let outcome: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let kind = |name: &str| -> Value {
        outcome["run"]
            .as_array()
            .and_then(|kinds| kinds.iter().find(|k| k["kind"] == name))
            .cloned()
            .unwrap_or_else(|| panic!("no {name} in {outcome}"))
    };
    for name in ["sync", "push", "pull"] {
        let k = kind(name);
        assert!(k["ok"].as_u64().unwrap_or(0) > 0, "{k}");
        assert_eq!(k["ok"], k["sent"], "{k}");
        assert_eq!(k["errors"], serde_json::json!({}), "{k}");
        assert!(k["p99_ms"].as_f64().unwrap_or(0.0) > 0.0, "{k}");
    }
    // Pushes carried reports; the officer received what was pushed; a sync with nothing new
    // received nothing.
    assert!(kind("push")["entries_up"].as_u64().unwrap_or(0) > 0);
    assert!(kind("pull")["entries_down"].as_u64().unwrap_or(0) > 0);
    assert_eq!(kind("sync")["entries_down"], 0);
    assert_eq!(outcome["protocol_failures"], 0);
    assert_eq!(outcome["hub_survived"], true);
    let seeded = outcome["setup"]
        .as_array()
        .and_then(|s| s.iter().find(|p| p["step"] == "seed"))
        .map(|p| p["count"].clone());
    assert_eq!(seeded, Some(serde_json::json!(50)));
    assert!(
        outcome["hub_memory_mib"]["run_peak"]
            .as_f64()
            .unwrap_or(0.0)
            > 1.0
    );
}
