//! The commands the UI invokes. Each pulls the state, calls one core function and converts the
//! error; anything longer belongs in the core.
//!
//! Every command is `async` so that Tauri runs it off the main thread: unlocking derives a key
//! for a quarter of a second, and the window must stay responsive meanwhile.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tauri::{AppHandle, State};
use usalama_core::domain::{Agency, Lang, Role};
use usalama_core::enrollment::Enrollment;
use usalama_core::error::{Broken, Rule};
use usalama_core::gazetteer::{self, Unit};
use usalama_core::keys::KdfParams;
use usalama_core::lifecycle::{parse_figures, Action, Outcome};
use usalama_core::media::{self, Found, Place};
use usalama_core::request::{Naming, ReportQuery, SummaryQuery};
use usalama_core::store::{Draft, Imported, Incident, ReportRow, ReportView, Written};
use usalama_core::summary::document::{self, Document};
use usalama_core::summary::{self, Edition, Format, SummaryRequest};
use usalama_core::sync;
use usalama_core::wire::MAX_BUNDLE;
use usalama_core::{files, Error, Profile, Store};
use zeroize::Zeroizing;

use crate::error::CommandError;
use crate::state::{AppState, Locked};
use crate::sync_bar::{self, SyncStatus};

pub(crate) type Answer<T> = Result<T, CommandError>;

/// What the UI needs before anything else: whether a store exists, and the language to greet in.
#[derive(Debug, Serialize)]
pub struct Start {
    pub home: String,
    pub exists: bool,
    pub unlocked: bool,
    pub language: Option<Lang>,
    pub version: &'static str,
}

#[tauri::command]
pub async fn start(state: State<'_, AppState>) -> Answer<Start> {
    let home = state.home();
    Ok(Start {
        home: home.display().to_string(),
        exists: Store::exists(home),
        unlocked: state.is_open(),
        language: Store::saved_language(home),
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// The units to choose from: the store's (which the hub may have updated) once unlocked, the
/// shipped ones at the first run.
#[tauri::command]
pub async fn gazetteer(state: State<'_, AppState>) -> Answer<Vec<Unit>> {
    if state.is_open() {
        state.with_store(|s| Ok(s.units().to_vec()))
    } else {
        Ok(gazetteer::shipped())
    }
}

/// Who uses this device, as the first-run screen asks it.
#[derive(Debug, Deserialize)]
pub struct NewProfile {
    pub name: String,
    pub role: Role,
    pub unit: Option<String>,
    /// An officer's agency; the county hub confirms it at enrollment.
    #[serde(default)]
    pub agency: Option<Agency>,
    pub lang: Lang,
}

#[derive(Debug, Serialize)]
pub struct ProfileView {
    pub name: String,
    pub role: Role,
    pub unit: Option<String>,
    pub agency: Option<String>,
    pub lang: Lang,
    pub device: String,
    pub fingerprint: String,
    pub home: String,
    pub version: &'static str,
    /// A warning when this device's clock is plainly wrong.
    pub clock_warning: Option<String>,
    /// How long the app waits without use before it locks, in seconds.
    pub lock_after: u32,
}

impl ProfileView {
    fn of(store: &Store) -> Result<ProfileView, Error> {
        let me = store.identity();
        Ok(ProfileView {
            name: me.profile.name.clone(),
            role: me.profile.role,
            unit: me.profile.unit.clone(),
            agency: me.profile.agency.map(|a| a.as_str().to_owned()),
            lang: me.profile.lang,
            device: me.device.to_string(),
            fingerprint: me.fingerprint(),
            home: store.home().display().to_string(),
            version: env!("CARGO_PKG_VERSION"),
            clock_warning: store.clock_warning()?,
            lock_after: store.lock_after(),
        })
    }
}

#[derive(Debug, Serialize)]
pub struct SetUp {
    /// Shown once, never kept: wiped from this side's memory once sent.
    #[serde(serialize_with = "plain_text")]
    pub recovery_code: Zeroizing<String>,
    pub profile: ProfileView,
}

#[tauri::command]
pub async fn set_up(
    app: AppHandle,
    state: State<'_, AppState>,
    profile: NewProfile,
    passphrase: String,
) -> Answer<SetUp> {
    let passphrase = Zeroizing::new(passphrase);
    let profile = Profile {
        name: profile.name.trim().to_owned(),
        role: profile.role,
        unit: profile.unit.filter(|u| !u.is_empty()),
        agency: profile.agency,
        lang: profile.lang,
    };
    let (store, code) = Store::set_up(
        state.home(),
        profile,
        &passphrase,
        KdfParams::for_new_store(),
    )?;
    let answer = SetUp {
        recovery_code: Zeroizing::new(code.as_str().to_owned()),
        profile: ProfileView::of(&store)?,
    };
    state.put(store, &app)?;
    Ok(answer)
}

fn plain_text<S: serde::Serializer>(text: &Zeroizing<String>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(text)
}

#[tauri::command]
pub async fn unlock(
    app: AppHandle,
    state: State<'_, AppState>,
    passphrase: String,
) -> Answer<ProfileView> {
    let passphrase = Zeroizing::new(passphrase);
    let store = Store::open(state.home(), &passphrase)?;
    let profile = ProfileView::of(&store)?;
    state.put(store, &app)?;
    Ok(profile)
}

#[tauri::command]
pub async fn recover(
    app: AppHandle,
    state: State<'_, AppState>,
    code: String,
    new_passphrase: String,
) -> Answer<ProfileView> {
    let (code, new_passphrase) = (Zeroizing::new(code), Zeroizing::new(new_passphrase));
    let store = Store::recover(state.home(), &code, &new_passphrase)?;
    let profile = ProfileView::of(&store)?;
    state.put(store, &app)?;
    Ok(profile)
}

#[tauri::command]
pub async fn profile(state: State<'_, AppState>) -> Answer<ProfileView> {
    state.with_store(|s| ProfileView::of(s))
}

#[tauri::command]
pub async fn set_language(state: State<'_, AppState>, lang: Lang) -> Answer<()> {
    state.with_store(|s| s.set_language(lang))
}

#[tauri::command]
pub async fn change_passphrase(state: State<'_, AppState>, old: String, new: String) -> Answer<()> {
    let (old, new) = (Zeroizing::new(old), Zeroizing::new(new));
    Ok(Store::change_passphrase(state.home(), &old, &new)?)
}

/// Locks: the UI has saved its draft; the store closes, and what waits to be sent goes while
/// locked (see [`AppState::lock`]).
#[tauri::command]
pub async fn lock(app: AppHandle, state: State<'_, AppState>) -> Answer<Locked> {
    Ok(state.lock(&app))
}

/// Sets how long the app waits without use before it locks, in minutes.
#[tauri::command]
pub async fn set_lock_after(state: State<'_, AppState>, minutes: u32) -> Answer<()> {
    state.with_store(|s| s.set_lock_after(minutes))
}

/// Behaves as if the system were about to sleep. Only debug builds (the tests') accept it: the
/// end-to-end tests inject the event that logind sends.
#[tauri::command]
pub async fn simulate_sleep(app: AppHandle) -> Answer<()> {
    if !cfg!(debug_assertions) {
        return Err(Error::NotAllowed("only a test build simulates sleep".into()).into());
    }
    tauri::async_runtime::spawn_blocking(move || crate::suspend::before_sleep(&app))
        .await
        .map_err(|e| Error::Unsupported(e.to_string()))?;
    Ok(())
}

#[tauri::command]
pub async fn list_reports(
    state: State<'_, AppState>,
    filter: ReportQuery,
) -> Answer<Vec<ReportRow>> {
    let filter = filter.filter(Naming::Fields)?;
    state.with_store(|s| s.list_reports(&filter))
}

/// How many reports a filter finds, its limit aside (the list shows a page of them).
#[tauri::command]
pub async fn count_reports(state: State<'_, AppState>, filter: ReportQuery) -> Answer<u64> {
    let filter = filter.filter(Naming::Fields)?;
    state.with_store(|s| s.count_reports(&filter))
}

#[tauri::command]
pub async fn show_report(state: State<'_, AppState>, id: String) -> Answer<ReportView> {
    state.with_store(|s| s.report(&s.resolve_report(&id)?))
}

/// The steps of the response this device may take on a report now (the core's rule).
#[tauri::command]
pub async fn allowed_actions(state: State<'_, AppState>, id: String) -> Answer<Vec<&'static str>> {
    state.with_store(|s| s.allowed_actions(&s.resolve_report(&id)?))
}

/// A step of the response as the report page's forms send it.
#[derive(Debug, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum StepForm {
    Acknowledge,
    Assign {
        lead: String,
        #[serde(default)]
        support: Vec<String>,
    },
    Update {
        note: String,
        #[serde(default)]
        responding: bool,
    },
    Close {
        outcome: String,
        note: Option<String>,
        figures: Option<Value>,
    },
    Reopen {
        note: String,
    },
    Link {
        other: String,
    },
}

impl StepForm {
    fn action(self, store: &Store) -> Result<Action, Error> {
        let agency = |field: &str, a: &str| {
            Agency::parse(a).map_err(|e| Error::broke(field, Broken::new(Rule::Choice, e)))
        };
        Ok(match self {
            StepForm::Acknowledge => Action::Acknowledge {
                agency: store.identity().profile.agency.ok_or_else(|| {
                    Error::NotAllowed("only an agency's officer acknowledges a report".into())
                })?,
            },
            StepForm::Assign { lead, support } => Action::Assign {
                lead: agency("lead", &lead)?,
                support: support
                    .iter()
                    .map(|a| agency("support", a))
                    .collect::<Result<_, _>>()?,
                replaces: None,
            },
            StepForm::Update { note, responding } => Action::Update { note, responding },
            StepForm::Close {
                outcome,
                note,
                figures,
            } => Action::Close {
                outcome: Outcome::parse(&outcome)
                    .map_err(|e| Error::broke("outcome", Broken::new(Rule::Choice, e)))?,
                note: note.filter(|n| !n.trim().is_empty()),
                figures: figures.map(|f| parse_figures(&f.to_string())).transpose()?,
            },
            StepForm::Reopen { note } => Action::Reopen { note },
            StepForm::Link { other } => Action::Link {
                other: store.resolve_report(&other)?,
            },
        })
    }
}

/// Records a step of a report's response; the sync bar counts it, and background sync sends it.
#[tauri::command]
pub async fn act(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    step: StepForm,
) -> Answer<String> {
    let id = state.with_store(|s| {
        let action = step.action(s)?;
        s.act(&id, action)
    })?;
    saved(&app, &state);
    Ok(id.to_string())
}

/// The board of open incidents, linked reports under their primary.
#[tauri::command]
pub async fn board(state: State<'_, AppState>, limit: Option<usize>) -> Answer<Vec<Incident>> {
    state.with_store(|s| s.board(limit.unwrap_or(300)))
}

#[tauri::command]
pub async fn file_report(
    app: AppHandle,
    state: State<'_, AppState>,
    document: Value,
    draft: Option<String>,
) -> Answer<String> {
    let id = state.with_store(|s| s.file_document(&document, draft.as_deref()))?;
    saved(&app, &state);
    Ok(id.to_string())
}

#[tauri::command]
pub async fn amend_report(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    changes: Value,
) -> Answer<String> {
    let id = state.with_store(|s| s.amend_document(&id, &changes))?;
    saved(&app, &state);
    Ok(id.to_string())
}

/// After a save: the bar counts one more waiting, and background sync sends it.
pub(crate) fn saved(app: &AppHandle, state: &AppState) {
    if let Ok(status) = state.sync_status() {
        sync_bar::announce(app, &status);
    }
    state.autosync().saved();
}

#[tauri::command]
pub async fn save_draft(state: State<'_, AppState>, id: String, document: Value) -> Answer<()> {
    state.with_store(|s| s.save_draft(&id, &document))
}

#[tauri::command]
pub async fn drafts(state: State<'_, AppState>) -> Answer<Vec<Draft>> {
    state.with_store(|s| s.drafts())
}

#[tauri::command]
pub async fn delete_draft(state: State<'_, AppState>, id: String) -> Answer<bool> {
    state.with_store(|s| s.delete_draft(&id))
}

#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> Answer<SyncStatus> {
    state.sync_status()
}

/// "Sync now": wakes background sync, which reports through the `sync-status` event.
#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> Answer<SyncStatus> {
    state.autosync().sync_now();
    state.sync_status()
}

/// Enrollment as the user gives it: the whole string the administrator handed over, or the
/// hub's address and the one-time code.
#[derive(Debug, Deserialize)]
pub struct EnrollmentForm {
    pub text: String,
    #[serde(default)]
    pub code: Option<String>,
}

/// Enrolls this laptop with the county hub, adopts the person the hub holds, and syncs.
#[tauri::command]
pub async fn enroll(
    app: AppHandle,
    state: State<'_, AppState>,
    enrollment: EnrollmentForm,
) -> Answer<ProfileView> {
    let enrollment = match enrollment.code.filter(|c| !c.trim().is_empty()) {
        Some(code) => Enrollment::new(&enrollment.text, &code, None)?,
        None => Enrollment::parse(&enrollment.text)?,
    };
    // A laptop belongs to one county hub: checked before the one-time code is spent.
    state.with_store(|s| s.may_enroll())?;
    let store = state.store()?;
    sync::enroll(&store, &enrollment).await?;
    state.autosync().sync_now();
    if let Ok(status) = state.sync_status() {
        sync_bar::announce(&app, &status);
    }
    state.with_store(|s| ProfileView::of(s))
}

/// A summary as the Summaries screen asks for it: the core's query and the language.
#[derive(Debug, Deserialize)]
pub struct SummaryForm {
    #[serde(flatten)]
    pub query: SummaryQuery,
    pub lang: Lang,
}

impl SummaryForm {
    fn request(self) -> Result<(SummaryRequest, Lang), Error> {
        Ok((self.query.parse(Naming::Fields)?, self.lang))
    }
}

/// The summary as the print view draws it: the same document the PDF prints.
#[tauri::command]
pub async fn summary(state: State<'_, AppState>, form: SummaryForm) -> Answer<Document> {
    let (request, lang) = form.request()?;
    state.with_store(|s| Ok(document::summary(&s.summary(&request)?, lang)))
}

/// Saves the summary as `pdf`, `csv` or `xlsx` in a place offered by [`places`]; returns the
/// names of the files written.
#[tauri::command]
pub async fn save_summary(
    state: State<'_, AppState>,
    form: SummaryForm,
    format: String,
    place: PathBuf,
) -> Answer<Vec<String>> {
    let format =
        Format::parse(&format).map_err(|e| Error::broke("format", Broken::new(Rule::Choice, e)))?;
    let place = media::offered(&place)?;
    let (request, lang) = form.request()?;
    let written =
        state.with_store(|s| summary::save_in(&s.summary(&request)?, format, lang, &place.path))?;
    Ok(written.iter().map(|p| file_name(p)).collect())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The USB sticks plugged in now, and Documents.
#[tauri::command]
pub async fn places() -> Answer<Vec<Place>> {
    Ok(media::places())
}

/// A report's one-page slip, as the print view draws it.
#[tauri::command]
pub async fn slip(
    state: State<'_, AppState>,
    id: String,
    edition: String,
    lang: Lang,
) -> Answer<Document> {
    let edition = Edition::parse(&edition)
        .map_err(|e| Error::broke("edition", Broken::new(Rule::Choice, e)))?;
    state.with_store(|s| s.slip(&s.resolve_report(&id)?, edition, lang))
}

/// Saves a report's slip as PDF in a place offered by [`places`]; returns the file's name.
#[tauri::command]
pub async fn save_slip(
    state: State<'_, AppState>,
    id: String,
    edition: String,
    lang: Lang,
    place: PathBuf,
) -> Answer<String> {
    let edition = Edition::parse(&edition)
        .map_err(|e| Error::broke("edition", Broken::new(Rule::Choice, e)))?;
    let place = media::offered(&place)?;
    let out = state
        .with_store(|s| s.save_slip_in(&s.resolve_report(&id)?, edition, lang, &place.path))?;
    Ok(file_name(&out))
}

/// "Send by USB stick": this laptop's bundle for the county hub, written in a place offered by
/// [`places`].
#[tauri::command]
pub async fn export_bundle(state: State<'_, AppState>, place: PathBuf) -> Answer<Written> {
    let place = media::offered(&place)?;
    state.with_store(|s| s.export_bundle_into(&place.path))
}

/// The bundles on the USB sticks plugged in now and in Documents.
#[tauri::command]
pub async fn bundle_files() -> Answer<Vec<Found>> {
    Ok(media::found_everywhere(BUNDLE_EXTENSION))
}

const BUNDLE_EXTENSION: &str = ".usalama";

/// "Receive from USB stick": imports a bundle listed by [`bundle_files`]; the sync bar and the
/// reports' statuses change with it.
#[tauri::command]
pub async fn import_bundle(
    app: AppHandle,
    state: State<'_, AppState>,
    file: PathBuf,
) -> Answer<Imported> {
    let found = media::offered_file(&file, BUNDLE_EXTENSION)?;
    // The size first: a file on a stick may be huge, or a link to something endless.
    let bytes = files::read_at_most(&found.path, MAX_BUNDLE, "a bundle")?;
    let imported = state.with_store(|s| s.import_bundle(&bytes))?;
    if let Ok(status) = state.sync_status() {
        sync_bar::announce(&app, &status);
    }
    Ok(imported)
}
