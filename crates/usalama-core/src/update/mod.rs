//! Updates through the county hub, on the device: the release the hub offers at sync (checked
//! here against the release key), fetched in chunks within the county's budget after the
//! reports, verified, and handed to the installer when the chief closes Usalama; or imported
//! from a USB stick where there is no network.
//!
//! A release goes `fetching` → `ready` → `handed_over`, and is forgotten once its version runs
//! (its package kept, so the next update can come as a delta). Why it cannot go on (a full
//! disk, a package damaged twice, no installer, a failed installation) is a problem the hub
//! hears of at every sync until it is resolved.
//!
//! # Layout
//!
//! - [`shelf`]: the files in `<home>/updates/`: partial files appended chunk by chunk and
//!   flushed, the ready package, the installed one; free space.
//! - [`offer`]: checking a release (key, machine, newer, not one the chief left) and taking
//!   the hub's offer; settling what the installer did.
//! - [`fetch`]: the update endpoint: the offer (for a device too old to sync) and chunks,
//!   within the budget, delta first.
//! - [`mod@install`]: handing a ready package to the installer, going back, importing from a stick.
//! - here: what a sync reports, what the status says (in English and Kiswahili), and the calls
//!   the shells make.

pub mod fetch;
pub mod install;
pub mod offer;
pub mod shelf;
#[cfg(test)]
mod tests;

use std::sync::Mutex;

use serde::Serialize;

use crate::enrollment::sync_url;
use crate::error::Result;
use crate::installer::{self, Status};
use crate::protocol::release::{UpdateAnswer, Version};
use crate::store::{ProblemNote, Source, Stage};
use crate::sync::{http_client, lock, RetryPolicy};
use crate::Store;

pub use install::{go_back, import, install, Imported, Installed, WentBack};
pub use shelf::Shelf;

/// What a sync did about updates: the `update` field of `usalama sync --json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UpdateReport {
    /// The release the hub offered at this sync (None: none, or a hub without updates).
    pub offered: Option<Version>,
    /// The release this device fetches or holds after the sync.
    pub version: Option<Version>,
    pub stage: Option<Stage>,
    /// Bytes fetched during this sync.
    pub fetched: u64,
    /// Bytes held of `total`, of what is being fetched: the delta while it is, else the
    /// package.
    pub held: u64,
    pub total: u64,
    /// What is being fetched is a delta from the running version's package.
    pub delta: bool,
    /// The package is here whole and verified.
    pub ready: bool,
    pub problem: Option<ProblemNote>,
    /// Why the offered release was refused, in words.
    pub refused: Option<String>,
    /// Why fetching stopped before the budget was spent (the network, the hub), in words.
    pub stopped: Option<String>,
    /// Anything else worth knowing (a delta that failed, a release withdrawn), in words.
    pub note: Option<String>,
}

/// A sentence in both languages of the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Words {
    pub en: String,
    pub sw: String,
}

/// Where updates stand on this device: `usalama update status`, and the desktop app's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpdateView {
    pub running: Version,
    pub arch: String,
    /// The release fetched, held or handed over.
    pub version: Option<Version>,
    pub stage: Option<Stage>,
    pub source: Option<Source>,
    pub held: u64,
    pub total: u64,
    pub delta: bool,
    pub ready: bool,
    pub problem: Option<ProblemNote>,
    /// The last release offered and refused, in words.
    pub refused: Option<String>,
    /// What the installer says (None: it never ran, or is missing).
    pub installer: Option<Status>,
    /// Why the chief cannot go back (None: they can).
    pub cannot_go_back: Option<String>,
    /// What to tell the chief.
    pub message: Words,
}

/// Where updates stand: settled first with what the installer did and what runs.
pub fn status(store: &mut Store) -> Result<UpdateView> {
    status_in(store, &Shelf::of(store.home()), &installer::folder())
}

pub(crate) fn status_in(
    store: &mut Store,
    shelf: &Shelf,
    folder: &std::path::Path,
) -> Result<UpdateView> {
    let installer = Status::read(folder).ok().flatten();
    offer::settle(store, shelf, installer.as_ref())?;
    let record = store.update_record()?;
    let mut report = UpdateReport::default();
    describe(store, &mut report)?;
    let cannot_go_back = match &installer {
        Some(s) => s.cannot_go_back(),
        None => Some("the installer has installed nothing on this laptop".into()),
    };
    Ok(UpdateView {
        running: shelf.running,
        arch: shelf.arch.clone(),
        version: report.version,
        stage: report.stage,
        source: record.as_ref().map(|r| r.source),
        held: report.held,
        total: report.total,
        delta: report.delta,
        ready: report.ready,
        problem: report.problem,
        refused: store.update_refusal()?.map(|(m, _)| m),
        message: words(
            shelf.running,
            report.version,
            report.stage,
            report.held,
            report.total,
        ),
        installer,
        cannot_go_back,
    })
}

/// What to tell the chief, in English and Kiswahili.
pub fn words(
    running: Version,
    version: Option<Version>,
    stage: Option<Stage>,
    held: u64,
    total: u64,
) -> Words {
    let (en, sw) = match (version, stage) {
        (Some(v), Some(Stage::Ready)) => (
            format!("Version {v} is ready. It will be installed when you next close Usalama"),
            format!("Toleo {v} liko tayari. Litasakinishwa utakapofunga Usalama wakati ujao"),
        ),
        (Some(v), Some(Stage::HandedOver)) => (
            format!("Version {v} was handed to the installer. It runs when you next open Usalama"),
            format!("Toleo {v} limekabidhiwa kisakinishi. Litaanza utakapofungua Usalama tena"),
        ),
        (Some(v), _) => {
            let percent = (held.saturating_mul(100)).checked_div(total).unwrap_or(0);
            (
                format!("Version {v} is being fetched: {percent}% is here"),
                format!("Toleo {v} linapakuliwa: asilimia {percent} imefika"),
            )
        }
        (None, _) => (
            format!("Usalama {running} is the newest version this laptop knows of"),
            format!("Usalama {running} ni toleo jipya zaidi linalojulikana kwenye kompyuta hii"),
        ),
    };
    Words { en, sw }
}

/// Where updates stand, as a sync that fetched nothing (it failed before the end) reports it.
pub fn current(store: &Store) -> UpdateReport {
    let mut report = UpdateReport::default();
    if let Err(e) = describe(store, &mut report) {
        report.stopped = Some(e.to_string());
    }
    report
}

/// Fills in where the release stands after a sync.
fn describe(store: &Store, report: &mut UpdateReport) -> Result<()> {
    report.problem = store.update_problem()?;
    let Some(record) = store.update_record()? else {
        return Ok(());
    };
    report.version = Some(record.version());
    report.stage = Some(record.stage);
    report.ready = record.stage == Stage::Ready;
    report.delta = record.on_delta && record.stage == Stage::Fetching;
    report.held = record.held;
    report.total = match record.delta.as_ref().filter(|_| report.delta) {
        Some(d) => d.size,
        None => record.release.manifest.size,
    };
    Ok(())
}

/// The update part of a sync, once the reports are exchanged: the hub's answer taken (or, for
/// a device too old to sync, the offer asked of the update endpoint), then chunks fetched
/// within the budget. Never fails the sync: the report says what happened.
pub async fn after_sync(
    store: &Mutex<Store>,
    url: Option<&str>,
    policy: RetryPolicy,
    answer: Option<UpdateAnswer>,
    outdated: bool,
) -> UpdateReport {
    let shelf = Shelf::of(lock(store).home());
    let mut report = UpdateReport::default();
    if let Err(e) = update_steps(store, &shelf, url, policy, answer, outdated, &mut report).await {
        report.stopped = Some(e.to_string());
    }
    if let Err(e) = describe(&lock(store), &mut report) {
        report.stopped = Some(e.to_string());
    }
    report
}

async fn update_steps(
    store: &Mutex<Store>,
    shelf: &Shelf,
    url: Option<&str>,
    policy: RetryPolicy,
    answer: Option<UpdateAnswer>,
    outdated: bool,
    report: &mut UpdateReport,
) -> Result<()> {
    {
        let installer = Status::read(&installer::folder()).ok().flatten();
        offer::settle(&mut lock(store), shelf, installer.as_ref())?;
    }
    let Some(link) = lock(store).hub_link()? else {
        return Ok(());
    };
    let link = fetch::Link {
        client: http_client(link.cert_sha256.as_deref())?,
        base: sync_url(url, &link.url)?.unwrap_or(link.url),
        policy,
    };
    let answer = match (answer, outdated) {
        (Some(answer), _) => answer,
        (None, true) => match fetch::ask_offer(store, &link).await {
            Ok(answer) => answer,
            Err(failed) => {
                report.stopped = Some(failed.to_string());
                return Ok(());
            }
        },
        // A hub from before updates: nothing to take or fetch.
        (None, false) => return Ok(()),
    };
    take_and_fetch(store, shelf, &link, answer, report).await
}

/// Takes the hub's answer, then fetches within its budget.
pub async fn take_and_fetch(
    store: &Mutex<Store>,
    shelf: &Shelf,
    link: &fetch::Link,
    answer: UpdateAnswer,
    report: &mut UpdateReport,
) -> Result<()> {
    let taken = offer::take(&mut lock(store), shelf, answer.offer.as_ref())?;
    report.offered = taken.offered;
    report.refused = taken.refused;
    fetch::fetch(store, shelf, link, answer.budget, report).await
}
