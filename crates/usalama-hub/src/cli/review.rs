//! `forks` and `refused`: what the administrator reviews, entries that reused a device's
//! sequence number and entries kept without effect.

use clap::Subcommand;

use super::{open, print_json, Failure};

#[derive(Debug, Subcommand)]
pub(crate) enum ForksCommand {
    List,
}

#[derive(Debug, Subcommand)]
pub(crate) enum RefusedCommand {
    List,
}

pub(crate) fn forks(db: &str, command: ForksCommand, json: bool) -> Result<(), Failure> {
    let ForksCommand::List = command;
    let forks = open(db)?.forks()?;
    if json {
        print_json(&forks);
    } else if forks.is_empty() {
        say!("No forks.");
    } else {
        for f in forks {
            say!(
                "device {} entry {}: held {} offered {}",
                f.device,
                f.seq,
                f.held_hash,
                f.offered_hash
            );
        }
    }
    Ok(())
}

pub(crate) fn refused(db: &str, command: RefusedCommand, json: bool) -> Result<(), Failure> {
    let RefusedCommand::List = command;
    let refused = open(db)?.refused()?;
    if json {
        print_json(&refused);
    } else if refused.is_empty() {
        say!("No refused entries.");
    } else {
        for r in refused {
            say!(
                "{}  device {} entry {} ({}): {}",
                usalama_protocol::clock::format_ms(r.received_at),
                r.device,
                r.seq,
                r.kind,
                r.reason
            );
        }
    }
    Ok(())
}
