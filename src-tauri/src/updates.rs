//! Updates in the desktop app: where the update stands (the About section of Settings), "Install
//! now", "Go back to the previous version", and the ready package handed to the installer when
//! the window closes. The core does the work (`usalama_core::update`); this only shapes it for
//! the frontend, with closed codes it translates.

use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use usalama_core::store::Stage;
use usalama_core::update::{self, UpdateView};

use crate::commands::Answer;
use crate::state::AppState;

/// What the About section shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct UpdatePanel {
    /// The version running now.
    pub running: String,
    /// The newer version fetched, held or handed to the installer.
    pub version: Option<String>,
    pub stage: Option<UpdateStage>,
    /// Bytes of it here, of `total`.
    pub held: u64,
    pub total: u64,
    /// Why it cannot go on: `disk_full`, `no_installer`, `damaged`, `install_failed` or
    /// `no_release_key`.
    pub problem: Option<String>,
    pub go_back: GoBack,
    /// The version going back would return to.
    pub previous: Option<String>,
    /// The installer's last refusal, in its words (English), when its last request failed.
    pub installer_refused: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum UpdateStage {
    Fetching,
    Ready,
    HandedOver,
}

/// Whether the chief can go back, or why not.
#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum GoBack {
    Possible,
    /// The installer keeps no earlier version (it has installed at most one).
    NoneKept,
    /// The earlier version keeps its reports in another form and could not open the store.
    OtherSchema,
    /// The update installer is missing on this laptop.
    NoInstaller,
}

impl UpdatePanel {
    fn of(view: UpdateView) -> UpdatePanel {
        let installer = view.installer.as_ref();
        let go_back = match installer {
            None => GoBack::NoInstaller,
            Some(s) if s.previous.is_none() => GoBack::NoneKept,
            Some(s) if s.cannot_go_back().is_some() => GoBack::OtherSchema,
            Some(_) => GoBack::Possible,
        };
        UpdatePanel {
            running: view.running.to_string(),
            version: view.version.map(|v| v.to_string()),
            stage: view.stage.map(|s| match s {
                Stage::Fetching => UpdateStage::Fetching,
                Stage::Ready => UpdateStage::Ready,
                Stage::HandedOver => UpdateStage::HandedOver,
            }),
            held: view.held,
            total: view.total,
            problem: view.problem.map(|p| p.problem.code().to_owned()),
            go_back,
            previous: installer.and_then(|s| s.previous).map(|v| v.to_string()),
            installer_refused: installer
                .and_then(|s| s.last.as_ref())
                .filter(|o| !o.ok)
                .map(|o| o.message.clone()),
        }
    }
}

#[tauri::command]
pub async fn update_status(state: State<'_, AppState>) -> Answer<UpdatePanel> {
    state.with_store(|s| update::status(s).map(UpdatePanel::of))
}

/// Hands the ready package to the installer now.
#[tauri::command]
pub async fn install_update(state: State<'_, AppState>) -> Answer<UpdatePanel> {
    state.with_store(|s| {
        update::install(s)?;
        update::status(s).map(UpdatePanel::of)
    })
}

/// Asks the installer to go back to the version it kept.
#[tauri::command]
pub async fn go_back_version(state: State<'_, AppState>) -> Answer<UpdatePanel> {
    state.with_store(|s| {
        update::go_back(s)?;
        update::status(s).map(UpdatePanel::of)
    })
}

/// As the window closes: a ready package goes to the installer ("It will be installed when
/// you next close Usalama"). A locked app hands over nothing: the next close will.
pub fn at_close(app: &AppHandle) {
    let state = app.state::<AppState>();
    if !state.is_open() {
        return;
    }
    let handed = state.with_store(|s| {
        let view = update::status(s)?;
        if view.stage == Some(Stage::Ready) {
            update::install(s).map(Some)
        } else {
            Ok(None)
        }
    });
    match handed {
        Ok(Some(installed)) => eprintln!(
            "usalama-desktop: version {} handed to the installer",
            installed.version
        ),
        Ok(None) => {}
        Err(e) => eprintln!(
            "usalama-desktop: the update was not handed over: {}",
            e.message
        ),
    }
}
