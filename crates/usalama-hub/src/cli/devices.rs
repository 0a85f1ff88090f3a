//! `devices`: the enrolled devices, and the administrator's revoking and approving of one.

use clap::Subcommand;
use usalama_protocol::domain::text::escape_line;

use super::{open, print_json, Failure};

#[derive(Debug, Subcommand)]
pub(crate) enum DevicesCommand {
    List,
    /// Refuse this device from its next request.
    Revoke {
        device: String,
    },
    /// Let a device enrolled from a cleared or administrator's invite sync, after comparing
    /// its id with the one its laptop shows.
    Approve {
        device: String,
    },
}

pub(crate) fn run(db: &str, command: DevicesCommand, json: bool) -> Result<(), Failure> {
    match command {
        DevicesCommand::List => list(db, json),
        DevicesCommand::Revoke { device } => revoke(db, &device, json),
        DevicesCommand::Approve { device } => approve(db, &device, json),
    }
}

fn list(db: &str, json: bool) -> Result<(), Failure> {
    let devices = open(db)?.devices()?;
    if json {
        print_json(&devices);
    } else {
        say!(
            "{:<34} {:<20} {:<16} {:<6} {:<24} STATE",
            "DEVICE",
            "NAME",
            "ROLE",
            "AGENCY",
            "UNIT"
        );
        for d in devices {
            say!(
                "{:<34} {:<20} {:<16} {:<6} {:<24} {}",
                d.id.to_string(),
                escape_line(&d.name),
                d.role,
                d.agency.as_deref().unwrap_or("-"),
                d.unit.as_deref().unwrap_or("-"),
                if d.revoked {
                    "revoked"
                } else if d.pending {
                    "pending"
                } else {
                    "active"
                }
            );
        }
    }
    Ok(())
}

fn revoke(db: &str, device: &str, json: bool) -> Result<(), Failure> {
    let d = open(db)?.revoke(device)?;
    if json {
        print_json(&d);
    } else {
        say!(
            "Revoked device {} ({}); it is refused from its next request.",
            d.id,
            escape_line(&d.name)
        );
    }
    Ok(())
}

fn approve(db: &str, device: &str, json: bool) -> Result<(), Failure> {
    let d = open(db)?.approve(device)?;
    if json {
        print_json(&d);
    } else {
        say!(
            "Approved device {} ({}, {}); it syncs from its next request.",
            d.id,
            escape_line(&d.name),
            d.role
        );
    }
    Ok(())
}
