//! `units`: the county's gazetteer, listed and changed by the administrator.

use clap::Subcommand;
use usalama_protocol::domain::text::escape_line;

use super::{open, print_json, Failure};

#[derive(Debug, Subcommand)]
pub(crate) enum UnitsCommand {
    List,
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        kind: String,
        #[arg(long)]
        parent: String,
    },
    Rename {
        id: String,
        #[arg(long)]
        name: String,
    },
    Retire {
        id: String,
    },
}

pub(crate) fn run(db: &str, command: UnitsCommand, json: bool) -> Result<(), Failure> {
    let hub = open(db)?;
    let changed = match command {
        UnitsCommand::List => {
            let units = hub.units()?;
            if json {
                print_json(&units);
            } else {
                for u in units {
                    let retired = if u.retired { " (retired)" } else { "" };
                    say!(
                        "{:<26} {:<13} {:<24} {}",
                        u.id,
                        u.kind,
                        format!("{}{retired}", escape_line(&u.name)),
                        u.parent.as_deref().unwrap_or("-")
                    );
                }
            }
            return Ok(());
        }
        UnitsCommand::Add { name, kind, parent } => hub.add_unit(&name, &kind, &parent)?,
        UnitsCommand::Rename { id, name } => hub.rename_unit(&id, &name)?,
        UnitsCommand::Retire { id } => hub.retire_unit(&id)?,
    };
    if json {
        print_json(&changed);
    } else {
        say!(
            "{} {} ({}); every device receives the change at its next sync.",
            changed.id,
            escape_line(&changed.name),
            changed.kind
        );
    }
    Ok(())
}
