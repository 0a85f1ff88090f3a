//! `devices`: the enrolled devices, and the administrator's revoking and approving of one.

use clap::Subcommand;
use usalama_protocol::clock::format_ms;
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
    /// Record the phone the answers to this device's flash alerts are texted to, and their
    /// language (without one, answers go to the number an alert came from, in both).
    Phone {
        device: String,
        /// International form, e.g. +254712345678.
        number: String,
        /// The language of the texts: en or sw.
        #[arg(long, default_value = "sw")]
        lang: String,
    },
}

pub(crate) fn run(db: &str, command: DevicesCommand, json: bool) -> Result<(), Failure> {
    match command {
        DevicesCommand::List => list(db, json),
        DevicesCommand::Revoke { device } => revoke(db, &device, json),
        DevicesCommand::Approve { device } => approve(db, &device, json),
        DevicesCommand::Phone {
            device,
            number,
            lang,
        } => phone(db, &device, &number, &lang, json),
    }
}

fn list(db: &str, json: bool) -> Result<(), Failure> {
    let devices = open(db)?.device_listing()?;
    if json {
        print_json(&devices);
        return Ok(());
    }
    // STATE stays last: scripts read a line's end.
    say!(
        "{:<34} {:<20} {:<16} {:<6} {:<24} {:<9} {:<26} {:<14} STATE",
        "DEVICE",
        "NAME",
        "ROLE",
        "AGENCY",
        "UNIT",
        "RUNNING",
        "LAST SYNC",
        "UPDATE PROBLEM"
    );
    for listed in devices {
        let d = &listed.device;
        say!(
            "{:<34} {:<20} {:<16} {:<6} {:<24} {:<9} {:<26} {:<14} {}",
            d.id.to_string(),
            escape_line(&d.name),
            d.role,
            d.agency.as_deref().unwrap_or("-"),
            d.unit.as_deref().unwrap_or("-"),
            listed
                .version
                .map_or_else(|| "unknown".into(), |v| v.to_string()),
            listed.synced_at.map_or_else(|| "-".into(), format_ms),
            listed.update_problem.unwrap_or("-"),
            if d.revoked {
                "revoked"
            } else if d.pending {
                "pending"
            } else {
                "active"
            }
        );
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

fn phone(db: &str, device: &str, number: &str, lang: &str, json: bool) -> Result<(), Failure> {
    let lang = usalama_protocol::domain::Lang::parse(lang)
        .map_err(|_| super::usage(format!("--lang {lang:?}: give en or sw")))?;
    let (d, number) = open(db)?.set_sms_phone(device, number, lang)?;
    if json {
        print_json(&serde_json::json!({
            "device": d.id, "number": number.as_str(), "lang": lang.as_str()
        }));
    } else {
        say!(
            "Answers to the flash alerts of device {} ({}) go to {} in {}.",
            d.id,
            escape_line(&d.name),
            number.as_str(),
            if lang == usalama_protocol::domain::Lang::Sw {
                "Kiswahili"
            } else {
                "English"
            }
        );
    }
    Ok(())
}
