//! The early warnings and the flash alerts: what the UI shows of the warnings the reports
//! raise and an officer's acknowledgement of one, and a chief's alert of a report by SMS with
//! its QR code. Thin, as every command: the core computes and records.

use serde::Serialize;
use tauri::{AppHandle, State};
use usalama_core::store::WarningsView;

use crate::commands::{saved, Answer};
use crate::state::AppState;

/// The newest early warnings this laptop's reports raise (at most [`SHOWN_WARNINGS`], with how
/// many there are in all), with their acknowledgements, and the areas gone silent; "now" decides
/// which stand out as overdue.
#[tauri::command]
pub async fn warnings(state: State<'_, AppState>) -> Answer<WarningsView> {
    let now_ms = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    state.with_store(|s| Ok(s.warnings(now_ms)?.first(SHOWN_WARNINGS)))
}

/// The most warnings a screen is sent at once.
pub const SHOWN_WARNINGS: usize = 500;

/// Records that this laptop's officer saw a warning and what was done; background sync takes
/// it to the county. Returns the warning's id.
#[tauri::command]
pub async fn acknowledge_warning(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    note: String,
) -> Answer<String> {
    let id = state.with_store(|s| s.acknowledge_warning(&id, &note))?;
    saved(&app, &state);
    Ok(id.to_string())
}

/// A flash alert by SMS for one of this device's reports: what the chief sends from a phone,
/// and the QR code of its `SMSTO:` line once the hub has given its number.
#[derive(Debug, Serialize)]
pub struct SmsAlertView {
    counter: u32,
    full: String,
    /// `None` when a figure is larger than the short form carries.
    short: Option<String>,
    number: Option<String>,
    qr: Option<usalama_core::qr::Qr>,
}

/// Records the report's alert the first time (an entry that syncs like any other), the same
/// alert every time after.
#[tauri::command]
pub async fn sms_alert(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> Answer<SmsAlertView> {
    let alert = state.with_store(|s| s.sms_alert(&id, None))?;
    saved(&app, &state);
    let qr = alert
        .sms_uri
        .as_deref()
        .map(usalama_core::qr::encode)
        .transpose()?;
    Ok(SmsAlertView {
        counter: alert.counter,
        full: alert.full,
        short: alert.short,
        number: alert.number,
        qr,
    })
}
