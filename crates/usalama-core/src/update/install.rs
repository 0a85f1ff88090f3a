//! The chief's side of an update: the ready package handed to the installer, going back to the
//! version the installer kept, and a release imported from a USB stick (checked like one
//! fetched, then ready like one).

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::files::read_at_most;
use crate::installer::{self, Status};
use crate::protocol::release::{Release, UpdateProblem, Version, MAX_RELEASE_FILE};
use crate::store::{Source, Stage, UpdateRecord};
use crate::Store;

use super::offer::{check_release, clear_problems, package_verifies, settle};
use super::shelf::{self, Shelf};

/// A package handed to the installer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Installed {
    pub version: Version,
    /// What the installer says now (its outcome, once it has run).
    pub installer: Option<Status>,
}

/// Going back, asked of the installer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WentBack {
    /// The version left (not offered again).
    pub from: Option<Version>,
    pub to: Version,
}

/// A release imported from a USB stick, now ready.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Imported {
    pub version: Version,
    pub package: PathBuf,
}

fn no_installer(folder: &Path) -> String {
    format!(
        "the update installer is missing on this laptop (no {}): install the new version by \
         hand, from a USB stick the county ICT office gives you (`sudo apt install ./PACKAGE.deb`)",
        folder.join("spool").display()
    )
}

/// Hands the ready package to the installer (`installer::folder()`); it installs it as root.
pub fn install(store: &mut Store) -> Result<Installed> {
    install_in(store, &Shelf::of(store.home()), &installer::folder())
}

pub(crate) fn install_in(store: &mut Store, shelf: &Shelf, folder: &Path) -> Result<Installed> {
    settle(store, shelf, Status::read(folder).ok().flatten().as_ref())?;
    let Some(mut record) = store.update_record()? else {
        return Err(Error::NotFound(
            "no update is ready on this laptop: sync with the county hub, or import one \
             from a USB stick (`usalama update import PATH`)"
                .into(),
        ));
    };
    let version = record.version();
    if record.stage == Stage::Fetching {
        return Err(Error::NotFound(format!(
            "version {version} is not here whole yet: sync again to fetch the rest"
        )));
    }
    if !package_verifies(shelf, &record)? {
        // Changed or lost on the disk since it was checked: fetched again.
        shelf.clear()?;
        store.save_update_record(&UpdateRecord::new(
            record.release.clone(),
            record.source,
            Stage::Fetching,
            None,
        ))?;
        return Err(Error::Integrity(format!(
            "the package of version {version} on this laptop no longer matches its release: \
             it is fetched again at the next sync"
        )));
    }
    if !folder.join("spool").is_dir() {
        let message = no_installer(folder);
        store.set_update_problem(Some((UpdateProblem::NoInstaller, &message)))?;
        return Err(Error::Unsupported(message));
    }
    installer::hand_over(folder, &shelf.package(version), &record.release.text)?;
    record.stage = Stage::HandedOver;
    record.handed_at = Some(crate::store::now_ms() / 1000);
    store.save_update_record(&record)?;
    clear_problems(
        store,
        &[UpdateProblem::NoInstaller, UpdateProblem::InstallFailed],
    )?;
    Ok(Installed {
        version,
        installer: Status::read(folder).ok().flatten(),
    })
}

/// Asks the installer to go back to the version it kept; the version left is not taken again.
pub fn go_back(store: &mut Store) -> Result<WentBack> {
    go_back_in(store, &installer::folder())
}

pub(crate) fn go_back_in(store: &mut Store, folder: &Path) -> Result<WentBack> {
    if !folder.join("spool").is_dir() {
        return Err(Error::Unsupported(no_installer(folder)));
    }
    let status = Status::read(folder)?.unwrap_or_default();
    if let Some(why) = status.cannot_go_back() {
        return Err(Error::NotAllowed(format!("cannot go back: {why}")));
    }
    let to = status
        .previous
        .ok_or_else(|| Error::NotAllowed("cannot go back: no earlier version is kept".into()))?;
    installer::go_back(folder)?;
    if let Some(from) = status.installed {
        store.record_left_version(from)?;
    }
    Ok(WentBack {
        from: status.installed,
        to,
    })
}

/// Imports a release from a USB stick: `path` is a `.deb` with its `.release` beside it
/// (`usalama-0.3.0_amd64.deb.release`), or a folder holding such a pair. Checked like a
/// release from the hub, then ready; a bad one is refused and changes nothing.
pub fn import(store: &mut Store, path: &Path) -> Result<Imported> {
    import_in(store, &Shelf::of(store.home()), path)
}

pub(crate) fn import_in(store: &mut Store, shelf: &Shelf, path: &Path) -> Result<Imported> {
    let (deb, release) = pair(shelf, path, &store.left_versions()?)?;
    let m = &release.manifest;
    let version = m.version;
    if let Some(r) = store.update_record()? {
        if r.version() > version {
            return Err(Error::Refused(format!(
                "version {} is already on this laptop, newer than the {version} on the stick",
                r.version()
            )));
        }
        if r.version() == version && r.stage != Stage::Fetching {
            return Ok(Imported {
                version,
                package: shelf.package(version),
            });
        }
    }
    shelf.make()?;
    if shelf
        .free_space()
        .is_some_and(|free| free < m.size.saturating_add(shelf.reserve))
    {
        return Err(Error::Unsupported(format!(
            "version {version} needs {} MB of free disk space: free some space and import again",
            m.size.saturating_add(shelf.reserve).div_ceil(1 << 20)
        )));
    }
    let copy = shelf.dir.join(format!(".import-{version}.part"));
    let copied = copy_checked(&deb, &copy, &release);
    if let Err(e) = copied {
        let _ = shelf::remove(&copy);
        return Err(e);
    }
    shelf.clear_except(&copy)?;
    shelf::rename(&copy, &shelf.package(version))?;
    store.save_update_record(&UpdateRecord {
        held: m.size,
        ..UpdateRecord::new(release.clone(), Source::Import, Stage::Ready, None)
    })?;
    clear_problems(store, &[UpdateProblem::DiskFull, UpdateProblem::Damaged])?;
    Ok(Imported {
        version,
        package: shelf.package(version),
    })
}

/// The package and its release at `path`: the `.deb` named, or the one pair in a folder for
/// this machine (the newest, if a stick holds several).
fn pair(shelf: &Shelf, path: &Path, left: &[Version]) -> Result<(PathBuf, Release)> {
    if !path.is_dir() {
        let release = release_beside(path)?;
        return Ok((
            path.to_owned(),
            check_release(shelf, &release, left).map_err(|e| refused(path, e))?,
        ));
    }
    let entries =
        fs::read_dir(path).map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    let mut found: Option<(PathBuf, Release)> = None;
    let mut why = None;
    for deb in entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "deb"))
    {
        let checked = release_beside(&deb)
            .and_then(|text| check_release(shelf, &text, left).map_err(|e| refused(&deb, e)));
        match checked {
            Ok(r)
                if found
                    .as_ref()
                    .is_none_or(|(_, f)| f.manifest.version < r.manifest.version) =>
            {
                found = Some((deb, r));
            }
            Ok(_) => {}
            Err(e) => why = Some(e),
        }
    }
    found.ok_or_else(|| {
        why.unwrap_or_else(|| {
            Error::NotFound(format!(
                "{} holds no Usalama package with its release beside it \
                 (usalama-VERSION_ARCH.deb and usalama-VERSION_ARCH.deb.release)",
                path.display()
            ))
        })
    })
}

fn refused(deb: &Path, e: Error) -> Error {
    let why = match e {
        Error::Refused(why) | Error::Integrity(why) | Error::Unsupported(why) => why,
        other => other.to_string(),
    };
    Error::Refused(format!("{} was not imported: {why}", deb.display()))
}

/// The release file beside a package: `NAME.deb.release`.
fn release_beside(deb: &Path) -> Result<Vec<u8>> {
    let mut name = deb.as_os_str().to_owned();
    name.push(".release");
    let path = PathBuf::from(name);
    if !path.is_file() {
        return Err(Error::NotFound(format!(
            "{} has no release beside it ({}): copy both files from the county ICT office",
            deb.display(),
            path.display()
        )));
    }
    Ok(read_at_most(&path, MAX_RELEASE_FILE, "the release file")?)
}

/// Copies a package from the stick (never through a link, never more than its release
/// says), flushed, and checks it against its release.
fn copy_checked(deb: &Path, to: &Path, release: &Release) -> Result<()> {
    let m = &release.manifest;
    let meta = fs::symlink_metadata(deb)
        .map_err(|e| Error::io(format!("reading {}", deb.display()), e))?;
    if !meta.is_file() || meta.len() != m.size {
        return Err(Error::Refused(format!(
            "{} was not imported: it is not the package its release names ({} bytes, not {})",
            deb.display(),
            meta.len(),
            m.size
        )));
    }
    let io = |e| Error::io(format!("copying {}", deb.display()), e);
    let mut from = fs::File::open(deb).map_err(io)?.take(m.size);
    let mut out = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(to)
        .map_err(io)?;
    std::io::copy(&mut from, &mut out).map_err(io)?;
    out.flush().map_err(io)?;
    out.sync_all().map_err(io)?;
    let (size, digest) = shelf::digest(to)?;
    if size != m.size || m.check_digest(&digest).is_err() {
        return Err(Error::Refused(format!(
            "{} was not imported: it is not the package its release names (its SHA-256 \
             differs): it was damaged or changed",
            deb.display()
        )));
    }
    Ok(())
}
