//! What this device takes of the hub's offers: a release it checks itself (the release key's
//! signature, Usalama for this machine, newer than the running version, not one the chief went
//! back from), replacing an older one being fetched; and what it settles once a handed-over
//! version runs or its installation failed.

use crate::error::{Error, Result};
use crate::installer::{Action, Status};
use crate::protocol::release::{accepted_keys, Offer, Release, UpdateProblem, Version};
use crate::store::{Source, Stage, UpdateRecord};
use crate::Store;

use super::shelf::{self, Shelf};

/// The problems a fetch has: a new offer (or none) makes them moot.
const FETCH_PROBLEMS: &[UpdateProblem] = &[UpdateProblem::DiskFull, UpdateProblem::Damaged];
/// The problems an installation has: a package handed over, or a version running, ends them.
const INSTALL_PROBLEMS: &[UpdateProblem] =
    &[UpdateProblem::NoInstaller, UpdateProblem::InstallFailed];

/// The release of `text`, if this device may take it: signed with a release key this build
/// accepts, of Usalama for this machine, newer than the running version and not one the chief
/// went back from (`left`). A downgrade is never taken this way.
pub fn check_release(shelf: &Shelf, text: &[u8], left: &[Version]) -> Result<Release> {
    let release = Release::parse(text, &accepted_keys())?;
    let m = &release.manifest;
    m.check_machine(&shelf.arch)?;
    if m.version <= shelf.running {
        return Err(Error::Refused(format!(
            "version {} is not newer than the running {}: an update never takes a laptop back \
             to an older version",
            m.version, shelf.running
        )));
    }
    if left.contains(&m.version) {
        return Err(Error::Refused(format!(
            "the chief went back from version {} on this laptop: it is not taken again",
            m.version
        )));
    }
    Ok(release)
}

/// What became of the hub's offer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Taken {
    /// The version offered, if its release was taken (or is the one already held).
    pub offered: Option<Version>,
    /// Why the offered release was refused, in words.
    pub refused: Option<String>,
}

/// Applies the hub's offer (None: it has nothing newer for this device). A refused offer
/// changes nothing but the refusal recorded.
pub fn take(store: &mut Store, shelf: &Shelf, offer: Option<&Offer>) -> Result<Taken> {
    let current = store.update_record()?;
    let Some(offer) = offer else {
        // Nothing newer at the hub: what it offered before was withdrawn. An import and a
        // package already handed over are this laptop's own business.
        if let Some(r) = current.filter(|r| r.source == Source::Hub && r.stage != Stage::HandedOver)
        {
            drop_record(store, shelf, &r)?;
        }
        return Ok(Taken::default());
    };
    let release = match check_release(shelf, offer.release.as_bytes(), &store.left_versions()?) {
        Ok(release) => release,
        Err(e) => {
            let message = format!("the county hub offered a release this laptop refused: {e}");
            if accepted_keys().is_empty() {
                store.set_update_problem(Some((UpdateProblem::NoReleaseKey, &message)))?;
            }
            store.set_update_refusal(Some(&message))?;
            return Ok(Taken {
                offered: None,
                refused: Some(message),
            });
        }
    };
    store.set_update_refusal(None)?;
    clear_problems(store, &[UpdateProblem::NoReleaseKey])?;
    let taken = Taken {
        offered: Some(release.manifest.version),
        refused: None,
    };
    if current.is_some_and(|r| r.version() >= release.manifest.version) {
        return Ok(taken);
    }
    shelf.clear()?;
    let mut record = UpdateRecord::new(release, Source::Hub, Stage::Fetching, offer.delta.clone());
    // A delta helps only from the package of the running version, kept at its installation.
    record.on_delta = offer.delta.as_ref().is_some_and(|d| {
        d.from == shelf.running && d.size > 0 && shelf.installed(d.from).is_file()
    });
    store.save_update_record(&record)?;
    clear_problems(store, FETCH_PROBLEMS)?;
    Ok(taken)
}

/// Forgets a release and its files.
pub fn drop_record(store: &mut Store, shelf: &Shelf, record: &UpdateRecord) -> Result<()> {
    shelf.clear()?;
    store.forget_update_record()?;
    if record.stage == Stage::Fetching {
        clear_problems(store, FETCH_PROBLEMS)?;
    }
    Ok(())
}

/// Clears the recorded problem if it is one of `which`.
pub fn clear_problems(store: &mut Store, which: &[UpdateProblem]) -> Result<()> {
    if store
        .update_problem()?
        .is_some_and(|p| which.contains(&p.problem))
    {
        store.set_update_problem(None)?;
    }
    Ok(())
}

/// Brings the record up to date with what runs and what the installer did: a handed-over
/// version that now runs is installed (its package kept for the next delta); one whose
/// installation failed is ready again, with the problem; a release no newer than the running
/// version (installed by hand) is forgotten.
pub fn settle(store: &mut Store, shelf: &Shelf, installer: Option<&Status>) -> Result<()> {
    let Some(mut record) = store.update_record()? else {
        return Ok(());
    };
    let version = record.version();
    if version <= shelf.running {
        let package = shelf.package(version);
        if version == shelf.running && record.stage == Stage::HandedOver && package.is_file() {
            shelf.keep_installed(&package, version)?;
        }
        shelf.clear()?;
        store.forget_update_record()?;
        return clear_problems(store, INSTALL_PROBLEMS);
    }
    let failed = installer.and_then(|s| s.last.as_ref()).filter(|last| {
        last.action == Action::Install
            && !last.ok
            && record.handed_at.is_some_and(|at| last.at >= at)
    });
    if let (Stage::HandedOver, Some(last)) = (record.stage, failed) {
        record.stage = Stage::Ready;
        record.handed_at = None;
        store.save_update_record(&record)?;
        let message = format!(
            "the installer could not install version {version}: {}",
            last.message
        );
        store.set_update_problem(Some((UpdateProblem::InstallFailed, &message)))?;
    }
    Ok(())
}

/// Whether the package of `record` is here whole and matches its release.
pub fn package_verifies(shelf: &Shelf, record: &UpdateRecord) -> Result<bool> {
    let path = shelf.package(record.version());
    if !path.is_file() {
        return Ok(false);
    }
    let (size, digest) = shelf::digest(&path)?;
    let m = &record.release.manifest;
    Ok(size == m.size && m.check_digest(&digest).is_ok())
}
