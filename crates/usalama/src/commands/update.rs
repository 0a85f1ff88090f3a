//! `usalama update …`: where updates stand, handing the ready version to the installer, going
//! back, and importing a release from a USB stick. What the chief reads is printed in English
//! and Kiswahili; `--json` prints the core's structures, with `message: {"en", "sw"}`.

use std::path::Path;

use usalama_core::update::{self, UpdateView};
use usalama_core::{Error, Store};

use super::unlock::{open, print_json};
use crate::args::UpdateCommand;
use crate::failure::Failure;

pub(super) fn run(home: &Path, command: UpdateCommand, json: bool) -> Result<(), Failure> {
    let mut store = open(home)?;
    match command {
        UpdateCommand::Status => status(&mut store, json),
        UpdateCommand::Install => install(&mut store, json),
        UpdateCommand::Back => back(&mut store, json),
        UpdateCommand::Import { path } => import(&mut store, &path, json),
    }
}

fn status(store: &mut Store, json: bool) -> Result<(), Failure> {
    let view = update::status(store)?;
    if json {
        return print_json(&view);
    }
    say!(
        "Usalama {} ({}) runs on this laptop.",
        view.running,
        view.arch
    );
    tell(&view);
    if let Some(p) = &view.problem {
        say!("Problem ({}): {}", p.problem.code(), p.message);
    }
    if let Some(refused) = &view.refused {
        say!("Last offer refused: {refused}");
    }
    if let Some(last) = view.installer.as_ref().and_then(|s| s.last.as_ref()) {
        let outcome = if last.ok { "done" } else { "failed" };
        say!("The installer's last request {outcome}: {}", last.message);
    }
    Ok(())
}

/// What to tell the chief, in both languages.
fn tell(view: &UpdateView) {
    say!("{}.", view.message.en);
    say!("{}.", view.message.sw);
}

fn install(store: &mut Store, json: bool) -> Result<(), Failure> {
    let installed = update::install(store)?;
    if json {
        return print_json(&installed);
    }
    say!(
        "Version {} was handed to the installer; it runs when you next open Usalama.",
        installed.version
    );
    say!(
        "Toleo {} limekabidhiwa kisakinishi; litaanza utakapofungua Usalama tena.",
        installed.version
    );
    match installed.installer.as_ref().and_then(|s| s.last.as_ref()) {
        Some(last) if last.ok => say!("The installer's last request: {}", last.message),
        Some(last) => say!("The installer's last request failed: {}", last.message),
        None => say!("`usalama update status` shows the installer's outcome."),
    }
    Ok(())
}

fn back(store: &mut Store, json: bool) -> Result<(), Failure> {
    let went = update::go_back(store)?;
    if json {
        return print_json(&went);
    }
    say!("The installer was asked to go back to version {}.", went.to);
    if let Some(from) = went.from {
        say!("Version {from} will not be fetched again on this laptop.");
    }
    Ok(())
}

fn import(store: &mut Store, path: &Path, json: bool) -> Result<(), Failure> {
    let imported = update::import(store, path).map_err(|e| match e {
        // A release the stick holds that this laptop will not take: bad input.
        Error::Refused(why) | Error::NotFound(why) => Failure::usage(why),
        other => other.into(),
    })?;
    if json {
        return print_json(&imported);
    }
    tell(&update::status(store)?);
    Ok(())
}
