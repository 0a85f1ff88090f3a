//! The command line, as INTERFACES.md defines it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "usalama",
    version,
    about = "Record, amend, list and verify community security reports",
    long_about = "Record, amend, list and verify community security reports.\n\n\
                  The store is encrypted; its passphrase is asked for on a terminal, or taken \
                  from USALAMA_PASSPHRASE in scripts."
)]
pub struct Cli {
    /// The folder holding this device's store (default: the platform's data folder).
    #[arg(long, global = true, env = "USALAMA_HOME", value_name = "DIR")]
    pub home: Option<PathBuf>,
    /// Print exactly one JSON document on stdout instead of text for people.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create this device's identity, keys and encrypted store.
    Init(InitArgs),
    /// The county's units (gazetteer).
    #[command(subcommand)]
    Units(UnitsCommand),
    /// Record, amend, find and show reports.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Check every entry's signature and every hash chain; exit 3 on any tampering.
    Verify,
    /// Change the passphrase (the old one is needed).
    #[command(subcommand)]
    Passphrase(PassphraseCommand),
    /// Enroll this device with the county hub (adopts the name, role, unit and agency it holds).
    Enroll(EnrollArgs),
    /// One sync with the county hub: send what it lacks, receive what is new.
    Sync {
        /// Use this hub address for this sync only (e.g. through a proxy).
        #[arg(long)]
        hub: Option<String>,
    },
    /// The response to a report, by agency officers: acknowledge, assign, update, close,
    /// reopen, link.
    #[command(subcommand)]
    Incident(IncidentCommand),
    /// A team's needs assessment before an operation (officers), and the gaps across open ones.
    #[command(subcommand)]
    Needs(NeedsCommand),
    /// Early warnings the reports raise (a killing, many head stolen, a provocative sign,
    /// repeat raids, rising signs, unusual weeks), and officers' acknowledgements of them.
    #[command(subcommand)]
    Warning(WarningCommand),
    /// Sync by USB stick, where there is no network: write what the county hub lacks to a file,
    /// or read the hub's answer (or another device's bundle, to carry it on).
    #[command(subcommand)]
    Bundle(BundleCommand),
    /// A printable or tabular summary of a unit (with everything below it) and a period.
    Summary(SummaryArgs),
    /// The county keys restricted sources are sealed to: which this device knows and holds,
    /// and the county's offline copy of them (cleared readers only).
    #[command(subcommand, name = "county-key")]
    CountyKey(CountyKeyCommand),
    /// Clearance to read restricted sources: granted by an approved cleared reader, never by
    /// the hub alone.
    #[command(subcommand)]
    Clearance(ClearanceCommand),
    /// Releases, on the machine that signs them (never the hub): make the release key, sign
    /// a package, check one.
    #[command(subcommand)]
    Release(ReleaseCommand),
    /// The update installer (started as root by its systemd unit).
    #[command(subcommand)]
    Installer(InstallerCommand),
    /// Updates through the county hub: where they stand, install the ready version, go back,
    /// or import one from a USB stick.
    #[command(subcommand)]
    Update(UpdateCommand),
    /// Set a new passphrase with the recovery code shown at `init`.
    Recover {
        /// The recovery code (20 letters and digits; dashes and spaces are ignored).
        #[arg(long)]
        code: String,
    },
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The name of the person using this device.
    #[arg(long)]
    pub name: String,
    /// chief, assistant_chief, elder, officer or admin.
    #[arg(long)]
    pub role: String,
    /// The unit id of the person's jurisdiction (see `usalama units list`).
    #[arg(long)]
    pub unit: Option<String>,
    /// For officers: nps, npr, kdf, nis, ngao or cso.
    #[arg(long)]
    pub agency: Option<String>,
    /// The language of the desktop app: en or sw.
    #[arg(long, default_value = "en")]
    pub lang: String,
}

#[derive(Debug, Args)]
#[group(required = true, multiple = true)]
pub struct EnrollArgs {
    /// The whole enrollment string from the county ICT office.
    #[arg(long, conflicts_with_all = ["hub", "code"])]
    pub string: Option<String>,
    /// The hub's address, e.g. https://10.0.0.5:7878 (with --code).
    #[arg(long, requires = "code")]
    pub hub: Option<String>,
    /// The one-time enrollment code (with --hub).
    #[arg(long, requires = "hub")]
    pub code: Option<String>,
    /// The hub certificate's SHA-256 fingerprint, for an https hub (with --hub).
    #[arg(long, requires = "hub")]
    pub cert_sha256: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum IncidentCommand {
    /// Acknowledge a report for this officer's agency.
    Ack { id: String },
    /// Name the lead agency and those supporting it (the county commissioner's office, ngao).
    Assign {
        id: String,
        /// nps, npr, kdf, nis, ngao or cso.
        #[arg(long)]
        lead: String,
        /// Supporting agencies, comma-separated.
        #[arg(long, value_delimiter = ',')]
        support: Vec<String>,
    },
    /// A progress update from the response.
    Update {
        id: String,
        #[arg(long)]
        note: String,
        /// `responding`: teams or resources are committed.
        #[arg(long)]
        status: Option<String>,
    },
    /// Close with an outcome: resolved, false_alarm, duplicate or no_action_possible.
    Close {
        id: String,
        #[arg(long)]
        outcome: String,
        #[arg(long)]
        note: Option<String>,
        /// A JSON file of figures, e.g. {"arrests": 2, "livestock_recovered": [...]}.
        #[arg(long)]
        figures: Option<PathBuf>,
    },
    /// Reopen a closed report.
    Reopen {
        id: String,
        #[arg(long)]
        note: String,
    },
    /// OTHER_ID describes the same incident as ID, which stays the primary report.
    Link {
        id: String,
        #[arg(value_name = "OTHER_ID")]
        other: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum NeedsCommand {
    /// Record a needs assessment from FILE (JSON; "-" reads standard input).
    Add { file: PathBuf },
    /// The assessments this device holds, newest first, and the gaps of the open ones.
    List {
        /// Only operations not yet ended.
        #[arg(long)]
        open: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum WarningCommand {
    /// The warnings this device's reports raise, newest first, with who acknowledged each.
    List {
        /// Only those no officer has acknowledged yet.
        #[arg(long)]
        open: bool,
    },
    /// Record that you saw warning ID and what was done (agency officers).
    Ack {
        /// The warning's id, as `warning list` shows it (W and 16 letters and digits).
        id: String,
        /// The action taken: 1 to 500 characters.
        #[arg(long)]
        note: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum CountyKeyCommand {
    /// The county keys this device knows, which it holds, who holds each, and the sources
    /// waiting for a key.
    List,
    /// Write the county's offline copy of the keys this device holds to FILE, sealed under a
    /// passphrase (asked for, or USALAMA_KEY_PASSPHRASE); keep it on paper or a stick in a safe.
    Export {
        #[arg(long)]
        out: PathBuf,
    },
    /// Take the keys of an offline copy onto this cleared device (when every cleared device
    /// was lost); it shares them with the other cleared readers at its next sync.
    Import { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum ClearanceCommand {
    /// This device's fingerprint (read it out to the cleared reader who approves it) and every
    /// device whose clearance the county requested, approved or waiting.
    List,
    /// Approve a device's clearance, once its user has read out the fingerprint its own laptop
    /// shows: cleared devices then give it the county key at their next sync.
    Approve {
        /// The device (at least 6 hex digits of its id; see `usalama clearance list`).
        device: String,
        /// The fingerprint its laptop shows (32 hex digits; spaces and dashes are ignored).
        #[arg(long)]
        fingerprint: String,
        /// Also give it the keys issued before now, to read earlier sources.
        #[arg(long)]
        with_earlier: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    /// Write every entry the county hub has not acknowledged to FILE, for a USB stick.
    Export {
        #[arg(long)]
        out: PathBuf,
    },
    /// Read a bundle: the county hub's answer for this device, or another device's entries,
    /// which this device then carries to the hub at its next sync.
    Import { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum UnitsCommand {
    /// List every unit: id, kind, name and parent.
    List,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Record the report documents in FILE(s) (`-` reads standard input); all or nothing.
    Add {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Record an amendment: a document with only the fields that change.
    Amend {
        id: String,
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Replace a report's content with FILE's everywhere (e.g. to remove an informant's name
    /// typed by mistake): the earlier content is dropped here, on the county hub and on every
    /// device at their next sync. Only the report's author or the county administrator may.
    Redact {
        id: String,
        /// A whole report document: the report's content from now on (`-` reads standard
        /// input). `usalama report show ID --json` gives the current one to edit.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Why the content is removed; shown in the timeline beside "redacted by … at …".
        #[arg(long)]
        reason: String,
    },
    /// Reports, newest first.
    List(ListArgs),
    /// One report: its current state and its timeline.
    Show { id: String },
    /// A one-page printable slip of a report (PDF or HTML): its fields, its timeline and its
    /// ledger hash.
    Slip(SlipArgs),
    /// A flash alert of one of your reports by SMS: recorded once (asking again shows the same
    /// alert), then shown as the text to send from your phone to the county hub's number.
    Alert {
        /// The report's id (its first letters do).
        id: String,
        /// The alert's note (at most about 80 characters); by default the narrative's beginning.
        #[arg(long)]
        note: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct SummaryArgs {
    /// The unit: the summary covers it and every unit below it (see `usalama units list`).
    #[arg(long)]
    pub unit: String,
    /// The first day (YYYY-MM-DD, East Africa Time), inclusive.
    #[arg(long)]
    pub from: String,
    /// The last day (YYYY-MM-DD, East Africa Time), inclusive.
    #[arg(long)]
    pub to: String,
    /// pdf, html, csv or xlsx.
    #[arg(long)]
    pub format: String,
    /// The file to write (for csv, the figures go to NAME-figures.csv beside it).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// public (for the baraza: no sources, suspects' names or exact locations) or restricted
    /// (for the security committee).
    #[arg(long, default_value = "public")]
    pub edition: String,
    /// The language of the summary: en or sw (default: this device's language).
    #[arg(long)]
    pub lang: Option<String>,
}

#[derive(Debug, Args)]
pub struct SlipArgs {
    /// The report's id (its first letters do).
    pub id: String,
    /// The file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// pdf (the default) or html.
    #[arg(long, default_value = "pdf")]
    pub format: String,
    /// public (the default) or restricted.
    #[arg(long, default_value = "public")]
    pub edition: String,
    /// en or sw (default: this device's language).
    #[arg(long)]
    pub lang: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this incident type (e.g. livestock_raid).
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: Option<String>,
    /// Only this unit and every unit below it.
    #[arg(long)]
    pub unit: Option<String>,
    /// Only this status: pending, received, acknowledged, responding or closed.
    #[arg(long)]
    pub status: Option<String>,
    /// From this day (YYYY-MM-DD, East Africa Time), inclusive.
    #[arg(long)]
    pub from: Option<String>,
    /// To this day (YYYY-MM-DD, East Africa Time), inclusive.
    #[arg(long)]
    pub to: Option<String>,
    /// Words to find in the narrative, place, OB number or suspects' direction.
    #[arg(long)]
    pub search: Option<String>,
    /// At most this many reports (default: all with --json, 50 otherwise).
    #[arg(long)]
    pub limit: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub enum PassphraseCommand {
    /// Set a new passphrase (USALAMA_NEW_PASSPHRASE in scripts). The data is not re-encrypted.
    Change,
}

#[derive(Debug, Subcommand)]
pub enum ReleaseCommand {
    /// Make a release key: its secret half goes to FILE (keep it offline), its public half is
    /// printed, to build release packages with (`USALAMA_RELEASE_KEY`).
    Keygen {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Sign a package with the release key: writes PACKAGE.release.
    Sign(SignArgs),
    /// Check a package against its release file with the keys this build accepts.
    Verify {
        package: PathBuf,
        /// The release file (default: PACKAGE.release).
        #[arg(long, value_name = "FILE")]
        signature: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// The package (.deb).
    pub package: PathBuf,
    /// The release key's secret half, as `release keygen` wrote it.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// The version (default: the package's own, read with dpkg-deb).
    #[arg(long)]
    pub version: Option<String>,
    /// Debian's name for the machine (default: the package's own).
    #[arg(long)]
    pub arch: Option<String>,
    /// The device store's schema the version writes (default: this build's).
    #[arg(long)]
    pub schema: Option<u32>,
    /// Where to write the release file (default: PACKAGE.release).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum InstallerCommand {
    /// Take every request waiting in the installer's spool: install a verified package with
    /// dpkg (as root), or go back to the kept one.
    Run {
        /// The installer's folder (default: /var/lib/usalama/installer, or
        /// USALAMA_INSTALLER_DIR).
        #[arg(long, value_name = "DIR")]
        folder: Option<PathBuf>,
        /// Unpack packages into DIR with dpkg-deb instead of installing them (to try one).
        #[arg(long, value_name = "DIR")]
        unpack_into: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UpdateCommand {
    /// Where updates stand: the version running, the one being fetched or ready, any problem.
    Status,
    /// Hand the ready version to the installer, which installs it.
    Install,
    /// Go back to the version the installer kept (not across a change of the store's form).
    Back,
    /// Take a release from a USB stick: a .deb with its .release beside it, or a folder
    /// holding such a pair.
    Import {
        /// The package (`usalama-0.3.0_amd64.deb`, its `.release` beside it) or a folder.
        path: PathBuf,
    },
}
