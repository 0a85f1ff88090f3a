//! `usalama-hub`, the county hub: serve, and the administrator's commands.
//!
//! Exit status: 0 success; 2 bad input or usage (nothing written); 1 anything else.
//!
//! # Layout
//!
//! This file parses the command line and hands each command to its group in `cli/`:
//! `serve`, `invite`, `devices`, `units`, `review` (forks and refused entries), `sms` (messages
//! received by SMS), `release` (updates published through the hub), `bundles`
//! (import and export), `redact` and `backup`; `cli/mod.rs` holds what they share (opening
//! the hub, printing JSON, the failure and its exit status).

/// `println!` that gives up quietly when stdout is closed (e.g. piped into `head`).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use cli::Failure;

#[derive(Debug, Parser)]
#[command(name = "usalama-hub", version, about = "The Usalama county hub")]
struct Cli {
    /// The database: a file path, sqlite://PATH or postgres://USER@HOST/DB.
    #[arg(
        long,
        global = true,
        default_value = "usalama-hub.db",
        env = "USALAMA_HUB_DB"
    )]
    db: String,
    /// Print exactly one JSON document on stdout.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve devices: sync, enrollment, health and metrics.
    Serve(cli::serve::ServeArgs),
    /// A one-time enrollment code for a person's device.
    Invite(cli::invite::InviteArgs),
    /// Enrolled devices.
    #[command(subcommand)]
    Devices(cli::devices::DevicesCommand),
    /// The county's gazetteer, which reaches every device.
    #[command(subcommand)]
    Units(cli::units::UnitsCommand),
    /// The county's early-warning settings, which reach every device.
    #[command(subcommand)]
    Warnings(cli::warnings::WarningsCommand),
    /// Entries that reused a device's sequence number with other content.
    #[command(subcommand)]
    Forks(cli::review::ForksCommand),
    /// Updates through the hub: signed releases published, offered at sync and fetched in
    /// chunks.
    #[command(subcommand)]
    Release(cli::release::ReleaseCommand),
    /// Messages received by SMS: flash alerts accepted, and messages refused with why.
    #[command(subcommand)]
    Sms(cli::sms::SmsCommand),
    /// Entries kept without effect: their author's role may not make them.
    #[command(subcommand)]
    Refused(cli::review::RefusedCommand),
    /// Read a device's bundle (from a USB stick): the same checks and idempotency as a sync.
    Import { file: PathBuf },
    /// Write a bundle for one device: what its next sync would receive.
    Export {
        /// The device (at least 6 digits of its id; see `devices list`).
        #[arg(long)]
        device: String,
        #[arg(long)]
        out: PathBuf,
        /// The device's cursor (default: the last one it reported, by sync or bundle; 0 sends
        /// everything it may see).
        #[arg(long)]
        since: Option<u64>,
    },
    /// Replace a report's content with FILE's everywhere (e.g. an informant's name typed by
    /// mistake): the earlier content is dropped here now and on every device at its next sync.
    Redact {
        /// The report's whole id (16 letters and digits).
        id: String,
        /// A whole report document: the report's content from now on (`-` reads standard
        /// input).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Why the content is removed; devices show it with "redacted by … at …".
        #[arg(long)]
        reason: String,
    },
    /// A consistent copy of the hub's data, while it serves.
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(status, message)) => {
            for line in message.lines() {
                eprintln!("usalama-hub: {line}");
            }
            ExitCode::from(status)
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    let (db, json) = (cli.db.as_str(), cli.json);
    match cli.command {
        Command::Serve(args) => cli::serve::run(db, args),
        Command::Invite(args) => cli::invite::run(db, args, json),
        Command::Devices(command) => cli::devices::run(db, command, json),
        Command::Units(command) => cli::units::run(db, command, json),
        Command::Warnings(command) => cli::warnings::run(db, command, json),
        Command::Forks(command) => cli::review::forks(db, command, json),
        Command::Refused(command) => cli::review::refused(db, command, json),
        Command::Sms(command) => cli::sms::run(db, command, json),
        Command::Release(command) => cli::release::run(db, command, json),
        Command::Import { file } => cli::bundles::import(db, &file, json),
        Command::Export { device, out, since } => {
            cli::bundles::export(db, &device, &out, since, json)
        }
        Command::Redact { id, file, reason } => cli::redact::run(db, &id, &file, &reason, json),
        Command::Backup { out } => cli::backup::run(db, &out, json),
    }
}
