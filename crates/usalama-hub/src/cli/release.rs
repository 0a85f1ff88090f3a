//! `release`: updates through the hub: publishing a signed release, listing and withdrawing
//! releases, the county's update budget, and what the devices run.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use usalama_hub::hub::{ReleaseListing, UpdateStatus};
use usalama_protocol::clock::format_ms;
use usalama_protocol::files::read_at_most;
use usalama_protocol::release::{Budget, Version, MAX_PACKAGE, MAX_RELEASE_FILE, UNLIMITED};

use super::{open, print_json, usage, Failure};

#[derive(Debug, Subcommand)]
pub(crate) enum ReleaseCommand {
    /// Check a package against its signed release file and offer it to the devices of its
    /// machine (with deltas from the newest older releases).
    Publish {
        package: PathBuf,
        /// The release file signed with the release key (default: PACKAGE.release).
        #[arg(long, value_name = "FILE")]
        signature: Option<PathBuf>,
    },
    /// Every release, newest first, with its size, dates and deltas.
    List,
    /// Stop offering a release; its bytes are refused from now on.
    Withdraw {
        version: String,
        /// Only the release for this machine (default: every machine).
        #[arg(long)]
        arch: Option<String>,
    },
    /// Devices counted by the version they run, what they fetch and why they cannot update.
    Status,
    /// Show, or set, how many bytes of update a device may fetch after each sync.
    Budget {
        /// Over a link that costs money: a number of bytes, or `unlimited`.
        #[arg(long, value_name = "BYTES")]
        metered: Option<String>,
        /// On the hub's local network: a number of bytes, or `unlimited`.
        #[arg(long, value_name = "BYTES")]
        lan: Option<String>,
    },
}

pub(crate) fn run(db: &str, command: ReleaseCommand, json: bool) -> Result<(), Failure> {
    match command {
        ReleaseCommand::Publish { package, signature } => {
            publish(db, &package, signature.as_deref(), json)
        }
        ReleaseCommand::List => list(db, json),
        ReleaseCommand::Withdraw { version, arch } => withdraw(db, &version, arch, json),
        ReleaseCommand::Status => status(db, json),
        ReleaseCommand::Budget { metered, lan } => budget(db, metered, lan, json),
    }
}

fn publish(db: &str, package: &Path, signature: Option<&Path>, json: bool) -> Result<(), Failure> {
    let signature = signature.map_or_else(
        || {
            let mut name = package.as_os_str().to_owned();
            name.push(".release");
            PathBuf::from(name)
        },
        Path::to_path_buf,
    );
    // One byte more than allowed: a longer file is refused by name, not cut.
    let text = read_at_most(&signature, MAX_RELEASE_FILE + 1, "the release file")
        .map_err(|e| usage(e.to_string()))?;
    let bytes = read_at_most(package, MAX_PACKAGE as usize, "the package")
        .map_err(|e| usage(e.to_string()))?;
    let published = open(db)?.publish(&text, &bytes)?;
    if json {
        print_json(&published);
        return Ok(());
    }
    let r = &published.listing.release;
    say!(
        "Published usalama {} for {} ({} bytes, sha256 {}): offered to its devices from their \
         next sync.",
        r.version,
        r.arch,
        r.size,
        hex::encode(r.sha256)
    );
    for d in &published.listing.deltas {
        say!("Delta from {}: {} bytes.", d.from, d.size);
    }
    for v in &published.no_delta_from {
        say!("No delta from {v}: it would not be smaller than the package.");
    }
    Ok(())
}

fn list(db: &str, json: bool) -> Result<(), Failure> {
    let releases = open(db)?.releases()?;
    if json {
        print_json(&releases);
        return Ok(());
    }
    if releases.is_empty() {
        say!("No release published: see `usalama-hub release publish`.");
        return Ok(());
    }
    say!(
        "{:<10} {:<7} {:>11} {:<26} {:<26} DELTAS",
        "VERSION",
        "ARCH",
        "SIZE",
        "PUBLISHED",
        "WITHDRAWN"
    );
    for ReleaseListing { release: r, deltas } in releases {
        let deltas: Vec<String> = deltas
            .iter()
            .map(|d| format!("from {} ({} bytes)", d.from, d.size))
            .collect();
        say!(
            "{:<10} {:<7} {:>11} {:<26} {:<26} {}",
            r.version.to_string(),
            r.arch,
            r.size,
            format_ms(r.published_at),
            r.withdrawn_at.map_or_else(|| "-".into(), format_ms),
            if deltas.is_empty() {
                "-".into()
            } else {
                deltas.join(", ")
            }
        );
    }
    Ok(())
}

fn withdraw(db: &str, version: &str, arch: Option<String>, json: bool) -> Result<(), Failure> {
    let version: Version = version
        .parse()
        .map_err(|e: usalama_protocol::Error| usage(e.to_string()))?;
    let withdrawn = open(db)?.withdraw(version, arch.as_deref())?;
    if json {
        print_json(&withdrawn);
        return Ok(());
    }
    for r in withdrawn {
        say!(
            "Withdrew usalama {} for {}: no device is offered it from now on, and its bytes are \
             refused; devices below it are offered the newest release left.",
            r.version,
            r.arch
        );
    }
    Ok(())
}

fn status(db: &str, json: bool) -> Result<(), Failure> {
    let status = open(db)?.update_status()?;
    if json {
        print_json(&status);
        return Ok(());
    }
    let UpdateStatus {
        offered,
        devices,
        running,
        unknown,
        fetching,
        problems,
    } = status;
    for o in offered {
        say!("Offered for {}: {}", o.arch, o.version);
    }
    say!("{devices} devices (revoked ones left out).");
    if devices > 0 {
        say!("Running:");
    }
    for r in running {
        say!(
            "  {:<10} {:<7} {}",
            r.version.to_string(),
            r.arch,
            r.devices
        );
    }
    if unknown > 0 {
        say!("  {:<18} {unknown}", "unknown (before updates)");
    }
    for f in fetching {
        say!("Fetching {}: {}", f.version, f.devices);
    }
    for p in problems {
        say!("Cannot update, {} ({}): {}", p.words, p.problem, p.devices);
    }
    Ok(())
}

fn budget(
    db: &str,
    metered: Option<String>,
    lan: Option<String>,
    json: bool,
) -> Result<(), Failure> {
    let metered = metered.map(|m| bytes("--metered", &m)).transpose()?;
    let lan = lan.map(|l| bytes("--lan", &l)).transpose()?;
    let hub = open(db)?;
    let budget = if metered.is_none() && lan.is_none() {
        hub.update_budget()?
    } else {
        hub.set_update_budget(metered, lan)?
    };
    if json {
        print_json(&shown(budget));
    } else {
        say!(
            "Per sync, a device may fetch {} of update over a metered link and {} on the hub's \
             local network.",
            words(budget.metered),
            words(budget.lan)
        );
    }
    Ok(())
}

/// `BYTES` or `unlimited`.
fn bytes(flag: &str, text: &str) -> Result<u64, Failure> {
    if text == "unlimited" {
        return Ok(UNLIMITED);
    }
    text.parse::<u64>()
        .ok()
        .filter(|&n| n < UNLIMITED)
        .ok_or_else(|| {
            usage(format!(
                "{flag} {text:?}: give a number of bytes (e.g. 65536) or `unlimited`"
            ))
        })
}

/// The budget as JSON: `null` for no limit.
fn shown(budget: Budget) -> serde_json::Value {
    let value = |n: u64| (n != UNLIMITED).then_some(n);
    serde_json::json!({"metered": value(budget.metered), "lan": value(budget.lan)})
}

fn words(n: u64) -> String {
    if n == UNLIMITED {
        "any number of bytes".into()
    } else {
        format!("{n} bytes")
    }
}
