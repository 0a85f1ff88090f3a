//! One function per command: read the input, call the core, print for people or as JSON.
//!
//! # Layout
//!
//! - `device`: `init`, `passphrase change`, `recover` and `verify`: this device's store.
//! - `units`: `units list`.
//! - `report`: `report add`, `amend`, `redact`, `list`, `show` and `slip`; `report_view` shows
//!   one report on a terminal; `alert`: `report alert`, a flash alert by SMS.
//! - `summary`: `summary`.
//! - `incident`: `incident ack`, `assign`, `update`, `close`, `reopen` and `link`.
//! - `needs`: `needs add` and `needs list`.
//! - `warning`: `warning list` and `warning ack`.
//! - `sync`: `enroll` and `sync`, over the network.
//! - `bundle`: `bundle export` and `bundle import`, by USB stick.
//! - `county_key`: `county-key list`, `export` and `import`.
//! - `clearance`: `clearance list` and `approve`.
//! - `release`: `release keygen`, `sign` and `verify`, where releases are signed; `installer
//!   run`, the privileged step of an update.
//! - `update`: `update status`, `install`, `back` and `import`: updates through the county hub.
//! - `input`: FILE arguments and options, read and named as the command line names them.
//! - `unlock`: the store unlocked with its passphrase, JSON output, the clock warning.

mod alert;
mod bundle;
mod clearance;
mod county_key;
mod device;
mod incident;
mod input;
mod needs;
mod release;
mod report;
mod report_view;
mod summary;
mod sync;
mod units;
mod unlock;
mod update;
mod warning;

use std::path::PathBuf;

use crate::args::{
    BundleCommand, ClearanceCommand, Cli, Command, CountyKeyCommand, InstallerCommand,
    NeedsCommand, PassphraseCommand, ReleaseCommand, ReportCommand, UnitsCommand, WarningCommand,
};
use crate::failure::Failure;

pub fn run(cli: Cli) -> Result<(), Failure> {
    let home = match cli.home {
        Some(home) => home,
        None => default_home()?,
    };
    let json = cli.json;
    match cli.command {
        Command::Init(args) => device::init(&home, args, json),
        Command::Units(UnitsCommand::List) => units::list(&home, json),
        Command::Report(ReportCommand::Add { files }) => report::add(&home, &files, json),
        Command::Report(ReportCommand::Amend { id, file }) => {
            report::amend(&home, &id, &file, json)
        }
        Command::Report(ReportCommand::Redact { id, file, reason }) => {
            report::redact(&home, &id, &file, &reason, json)
        }
        Command::Report(ReportCommand::List(args)) => report::list(&home, args, json),
        Command::Report(ReportCommand::Show { id }) => report::show(&home, &id, json),
        Command::Report(ReportCommand::Slip(args)) => report::slip(&home, args, json),
        Command::Report(ReportCommand::Alert { id, note }) => {
            alert::alert(&home, &id, note.as_deref(), json)
        }
        Command::Summary(args) => summary::write(&home, args, json),
        Command::Incident(command) => incident::record(&home, command, json),
        Command::Needs(NeedsCommand::Add { file }) => needs::add(&home, &file, json),
        Command::Needs(NeedsCommand::List { open }) => needs::list(&home, open, json),
        Command::Warning(WarningCommand::List { open }) => warning::list(&home, open, json),
        Command::Warning(WarningCommand::Ack { id, note }) => warning::ack(&home, &id, &note, json),
        Command::Bundle(BundleCommand::Export { out }) => bundle::export(&home, &out, json),
        Command::Bundle(BundleCommand::Import { file }) => bundle::import(&home, &file, json),
        Command::CountyKey(CountyKeyCommand::List) => county_key::list(&home, json),
        Command::CountyKey(CountyKeyCommand::Export { out }) => {
            county_key::export(&home, &out, json)
        }
        Command::CountyKey(CountyKeyCommand::Import { file }) => {
            county_key::import(&home, &file, json)
        }
        Command::Clearance(ClearanceCommand::List) => clearance::list(&home, json),
        Command::Clearance(ClearanceCommand::Approve {
            device,
            fingerprint,
            with_earlier,
        }) => clearance::approve(&home, &device, &fingerprint, with_earlier, json),
        Command::Verify => device::verify(&home, json),
        Command::Passphrase(PassphraseCommand::Change) => device::passphrase_change(&home, json),
        Command::Recover { code } => device::recover(&home, &code, json),
        Command::Enroll(args) => sync::enroll(&home, args, json),
        Command::Sync { hub } => sync::sync(&home, hub.as_deref(), json),
        Command::Release(ReleaseCommand::Keygen { out }) => release::keygen(&out, json),
        Command::Release(ReleaseCommand::Sign(args)) => release::sign(args, json),
        Command::Release(ReleaseCommand::Verify { package, signature }) => {
            release::verify(&package, signature, json)
        }
        Command::Installer(InstallerCommand::Run {
            folder,
            unpack_into,
        }) => release::run_installer(folder, unpack_into, json),
        Command::Update(command) => update::run(&home, command, json),
    }
}

fn default_home() -> Result<PathBuf, Failure> {
    dirs::data_dir()
        .map(|d| d.join("usalama"))
        .ok_or_else(|| Failure::usage("no data folder on this system; give --home DIR"))
}
