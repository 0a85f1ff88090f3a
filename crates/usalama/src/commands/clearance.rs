//! Clearance to read restricted sources: who asked, who is approved, and approving a device.

use std::path::Path;

use super::unlock::{open, print_json};
use crate::failure::Failure;

pub(super) fn list(home: &Path, json: bool) -> Result<(), Failure> {
    let store = open(home)?;
    let clearances = store.clearances()?;
    if json {
        return print_json(&clearances);
    }
    let state = |c: &usalama_core::store::ClearanceOf| match (c.revoked, c.approved, c.requested) {
        (true, _, _) => "revoked",
        (false, true, _) if c.founder => "approved (founded the county's keys)",
        (false, true, _) => "approved",
        (false, false, true) => "waiting for approval",
        (false, false, false) => "not cleared",
    };
    let me = &clearances.me;
    say!("This device: {} ({})", me.device, state(me));
    say!("  fingerprint to read out: {}", me.fingerprint);
    if clearances.requested.is_empty() {
        say!("No other device's clearance was requested.");
    }
    for c in &clearances.requested {
        say!(
            "{}  {} ({}): {}{}",
            c.device.get(..8).unwrap_or(&c.device),
            c.name,
            c.role,
            state(c),
            if c.approved && c.earlier_keys {
                ", with earlier keys"
            } else {
                ""
            }
        );
    }
    Ok(())
}

pub(super) fn approve(
    home: &Path,
    device: &str,
    fingerprint: &str,
    earlier: bool,
    json: bool,
) -> Result<(), Failure> {
    let mut store = open(home)?;
    let approved = store.approve_clearance(device, fingerprint, earlier)?;
    if json {
        return print_json(&approved);
    }
    say!(
        "Approved {} ({}, {}): cleared devices give it the county key{} at their next sync.",
        approved.name,
        approved.role,
        approved.device,
        if earlier { "s, earlier ones too," } else { "" }
    );
    Ok(())
}
