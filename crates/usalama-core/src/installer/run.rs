//! The installer's side, run as root by the systemd unit (`usalama installer run`): every
//! request in the spool, one after the other, then the status.
//!
//! Nothing in the spool is trusted: a file is read only if it is a regular file (never through
//! a link, never a pipe), up to a bound, and copied into the installer's own folder before it
//! is checked; the release is read with [`Release::parse`] against the keys this build accepts,
//! and the package must be the one it names. A version no newer than the installed one is
//! refused (going back is its own request, to the package the installer kept).

use std::fs::File;
use std::io::Read;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use super::{Action, Outcome, Status};
use crate::error::{Error, Result};
use crate::files::write_durably;
use crate::protocol::release::{accepted_keys, this_arch, Release, Version, MAX_PACKAGE};

/// How the installer puts a package in place.
#[derive(Debug, Clone)]
pub enum Apply {
    /// `dpkg -i`, as root: the laptop's own installation.
    Dpkg,
    /// `dpkg-deb -x` into a folder: tests, and trying a package without installing it.
    UnpackInto(PathBuf),
}

/// The most requests one run takes; more wait for the next run.
const MAX_REQUESTS: usize = 16;
/// A file in the spool that belongs to no request is removed once this old (it may be a
/// request still being written).
const STALE: Duration = Duration::from_secs(3600);

/// Takes every request in the spool of `folder`, in the order they were made; returns what
/// each did (also written to `status.json`, the last one as `last`).
pub fn run(folder: &Path, apply: &Apply) -> Result<Vec<Outcome>> {
    let spool = folder.join("spool");
    let packages = folder.join("packages");
    std::fs::create_dir_all(&packages).map_err(|e| io(&packages, e))?;
    let mut status = Status::read(folder)?.unwrap_or_default();
    if status.installed.is_none() {
        status.installed = installed_by_hand(apply);
    }
    let mut outcomes = Vec::new();
    for (name, action) in requests(&spool)? {
        let result = match action {
            Action::Install => install(&spool, &name, &packages, apply, &mut status),
            Action::GoBack => go_back(&packages, apply, &mut status),
        };
        let (ok, version, message) = match result {
            Ok((version, message)) => (true, Some(version), message),
            Err(e) => (false, None, e.to_string()),
        };
        for ext in ["request", "deb", "release"] {
            let _ = std::fs::remove_file(spool.join(format!("{name}.{ext}")));
        }
        let outcome = Outcome {
            action,
            version,
            ok,
            message,
            at: unix_now(),
        };
        status.last = Some(outcome.clone());
        outcomes.push(outcome);
        write_status(folder, &status)?;
    }
    remove_stale(&spool);
    Ok(outcomes)
}

/// The requests waiting, oldest first: (name, action). An unreadable or unknown request is
/// removed.
fn requests(spool: &Path) -> Result<Vec<(String, Action)>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(spool)
        .map_err(|e| io(spool, e))?
        .flatten()
    {
        let path = entry.path();
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".request"))
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric()))
        else {
            continue;
        };
        let action = match read_safely(&path, 16).as_deref() {
            Ok(b"install") => Action::Install,
            Ok(b"go-back") => Action::GoBack,
            _ => {
                let _ = std::fs::remove_file(&path);
                continue;
            }
        };
        let made = entry.metadata().ok().and_then(|m| m.modified().ok());
        found.push((made, name.to_owned(), action));
    }
    found.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    Ok(found
        .into_iter()
        .take(MAX_REQUESTS)
        .map(|(_, name, action)| (name, action))
        .collect())
}

fn install(
    spool: &Path,
    name: &str,
    packages: &Path,
    apply: &Apply,
    status: &mut Status,
) -> Result<(Version, String)> {
    let text = read_safely(&spool.join(format!("{name}.release")), 1024)?;
    let release = Release::parse(&text, &accepted_keys())?;
    let m = &release.manifest;
    m.check_machine(this_arch())?;
    if let Some(installed) = status.installed.filter(|i| *i >= m.version) {
        return Err(Error::Refused(format!(
            "version {} is not newer than the installed {installed}; to go back, ask for it",
            m.version
        )));
    }
    let limit = usize::try_from(m.size.min(MAX_PACKAGE)).unwrap_or(0);
    let package = read_safely(&spool.join(format!("{name}.deb")), limit)?;
    m.check(&package)?;
    // Checked in memory; what is installed is the installer's own copy of those bytes.
    let incoming = packages.join("incoming.deb");
    write_durably(&incoming, &package)?;
    put_in_place(&incoming, apply)?;
    rotate(packages, "current", "previous")?;
    rename(&incoming, &packages.join("current.deb"))?;
    write_durably(&packages.join("current.release"), release.text.as_bytes())?;
    status.previous = status.installed;
    status.previous_schema = status.installed_schema;
    status.installed = Some(m.version);
    status.installed_schema = Some(m.schema);
    Ok((m.version, format!("version {} is installed", m.version)))
}

fn go_back(packages: &Path, apply: &Apply, status: &mut Status) -> Result<(Version, String)> {
    if let Some(why) = status.cannot_go_back() {
        return Err(Error::Refused(format!("cannot go back: {why}")));
    }
    // The kept package is checked again: the folder is root's, but a check costs little.
    let text = read_safely(&packages.join("previous.release"), 1024)?;
    let release = Release::parse(&text, &accepted_keys())?;
    let previous = packages.join("previous.deb");
    let limit = usize::try_from(release.manifest.size.min(MAX_PACKAGE)).unwrap_or(0);
    release.manifest.check(&read_safely(&previous, limit)?)?;
    put_in_place(&previous, apply)?;
    // The two swap: the newer one is kept, so the chief can return to it.
    rotate(packages, "current", "swap")?;
    rotate(packages, "previous", "current")?;
    rotate(packages, "swap", "previous")?;
    std::mem::swap(&mut status.installed, &mut status.previous);
    std::mem::swap(&mut status.installed_schema, &mut status.previous_schema);
    let v = release.manifest.version;
    Ok((v, format!("went back to version {v}")))
}

fn put_in_place(package: &Path, apply: &Apply) -> Result<()> {
    let mut command = match apply {
        Apply::Dpkg => {
            let mut c = Command::new("/usr/bin/dpkg");
            c.arg("-i").arg(package);
            c
        }
        Apply::UnpackInto(root) => {
            let mut c = Command::new("dpkg-deb");
            c.arg("-x").arg(package).arg(root);
            c
        }
    };
    let out = command
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .output()
        .map_err(|e| Error::Unsupported(format!("could not run the package tool: {e}")))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr);
        let tail: String = said.lines().rev().take(3).collect::<Vec<_>>().join(" / ");
        return Err(Error::Unsupported(format!(
            "the package tool failed ({}): {tail}",
            out.status
        )));
    }
    Ok(())
}

/// The version `dpkg` says is installed, for a laptop whose first version came by hand.
fn installed_by_hand(apply: &Apply) -> Option<Version> {
    if !matches!(apply, Apply::Dpkg) {
        return None;
    }
    let out = Command::new("/usr/bin/dpkg-query")
        .args(["-W", "-f=${Version}", "usalama"])
        .env_clear()
        .output()
        .ok()?;
    String::from_utf8(out.stdout).ok()?.trim().parse().ok()
}

/// Reads a regular file of at most `limit` bytes, never through a link and never a pipe or a
/// device, whoever put it there.
fn read_safely(path: &Path, limit: usize) -> Result<Vec<u8>> {
    let before = std::fs::symlink_metadata(path).map_err(|e| io(path, e))?;
    if !before.file_type().is_file() {
        return Err(Error::Refused(format!(
            "{} is not a plain file",
            path.display()
        )));
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| io(path, e))?;
    let meta = file.metadata().map_err(|e| io(path, e))?;
    if !meta.is_file() || meta.ino() != before.ino() || meta.dev() != before.dev() {
        return Err(Error::Refused(format!(
            "{} changed while read",
            path.display()
        )));
    }
    if meta.len() > limit as u64 {
        return Err(Error::Refused(format!(
            "{} holds more bytes than its release allows",
            path.display()
        )));
    }
    let mut bytes = Vec::new();
    File::take(file, limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io(path, e))?;
    if bytes.len() > limit {
        return Err(Error::Refused(format!(
            "{} grew while read",
            path.display()
        )));
    }
    Ok(bytes)
}

/// Moves `from.deb`/`from.release` to `to.*` in `packages`, if they exist.
fn rotate(packages: &Path, from: &str, to: &str) -> Result<()> {
    for ext in ["deb", "release"] {
        let source = packages.join(format!("{from}.{ext}"));
        if source.exists() {
            rename(&source, &packages.join(format!("{to}.{ext}")))?;
        }
    }
    Ok(())
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(|e| io(from, e))
}

fn write_status(folder: &Path, status: &Status) -> Result<()> {
    let json = serde_json::to_vec_pretty(status).map_err(|e| Error::Malformed(e.to_string()))?;
    write_durably(&folder.join("status.json"), &json)?;
    Ok(())
}

/// Removes what no request claims once it is old: files left by a request that was never
/// finished, or put there by someone else.
fn remove_stale(spool: &Path) {
    let Ok(entries) = std::fs::read_dir(spool) else {
        return;
    };
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .is_some_and(|age| age > STALE);
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn io(path: &Path, e: std::io::Error) -> Error {
    Error::Unsupported(format!("{}: {e}", path.display()))
}
