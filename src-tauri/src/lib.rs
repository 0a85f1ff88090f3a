//! Usalama's desktop app: a Tauri shell over `usalama-core`.
//!
//! The shell holds no logic of its own: each command pulls the state, calls one core function
//! and turns the core's error into `{ kind, message, problems }` for the UI. Everything the app
//! does can also be done from the CLI and tested without a webview.
//!
//! # Layout
//!
//! - [`state`]: the home folder and the store while unlocked, behind a `std::sync::Mutex`;
//!   locking closes it.
//! - [`suspend`]: locks before the system sleeps (logind's `PrepareForSleep`).
//! - [`commands`]: the commands the UI invokes, a few lines each.
//! - [`alerts`]: the commands of the early warnings and of a chief's flash alert by SMS.
//! - [`error`]: the error payload the UI switches on.
//! - [`sync_bar`]: the sync bar's data, pushed to the UI as the `sync-status` event.
//! - [`screen`]: the window fits the screen it opens on.
//! - [`memory`]: the web view's memory stays bounded (WebKit's budget and cache model).
//! - `ipc_types` (tests only): the frontend's TypeScript for the IPC types, generated from these
//!   types and checked against the committed files in `ui/src/lib/generated/`.

pub mod alerts;
pub mod commands;
pub mod error;
#[cfg(test)]
mod ipc_types;
pub mod memory;
pub mod screen;
pub mod state;
pub mod suspend;
pub mod sync_bar;
pub mod updates;

use std::path::PathBuf;

use state::AppState;

/// The store's folder: `--home DIR`, else `USALAMA_HOME`, else the CLI's default
/// (`~/.local/share/usalama` on Linux), so the app and the CLI share one store.
pub fn home_folder(args: impl IntoIterator<Item = String>) -> PathBuf {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--home" {
            if let Some(dir) = args.next() {
                return PathBuf::from(dir);
            }
        } else if let Some(dir) = arg.strip_prefix("--home=") {
            return PathBuf::from(dir);
        }
    }
    if let Some(dir) = std::env::var_os("USALAMA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    dirs::data_dir()
        .map(|d| d.join("usalama"))
        .unwrap_or_else(|| PathBuf::from("usalama"))
}

/// Starts the app.
pub fn run() {
    // WebKitGTK's DMA-BUF renderer doubles the web process's memory (about 200 MB instead of
    // 100 MB) and shows a blank window on some old graphics chips; the shared-memory renderer is
    // plenty for forms and lists. Set before any thread starts; a user's own setting wins.
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    }
    memory::interpret_javascript();
    memory::bound_web_process();
    let home = home_folder(std::env::args().skip(1));
    let result = tauri::Builder::default()
        .manage(AppState::new(home))
        .setup(|app| {
            if let Some(window) = tauri::Manager::get_webview_window(app, "main") {
                screen::fit(&window);
                memory::bound_caches(&window);
            }
            suspend::watch(app.handle().clone());
            Ok(())
        })
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { .. } = event {
                updates::at_close(tauri::Manager::app_handle(window));
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::start,
            commands::gazetteer,
            commands::set_up,
            commands::unlock,
            commands::recover,
            commands::profile,
            commands::set_language,
            commands::change_passphrase,
            commands::lock,
            commands::set_lock_after,
            commands::simulate_sleep,
            commands::list_reports,
            commands::count_reports,
            commands::show_report,
            commands::allowed_actions,
            commands::act,
            commands::board,
            alerts::warnings,
            alerts::acknowledge_warning,
            alerts::sms_alert,
            commands::file_report,
            commands::amend_report,
            commands::save_draft,
            commands::drafts,
            commands::delete_draft,
            commands::sync_status,
            commands::sync_now,
            commands::enroll,
            commands::summary,
            commands::save_summary,
            commands::places,
            commands::slip,
            commands::save_slip,
            commands::export_bundle,
            commands::bundle_files,
            commands::import_bundle,
            updates::update_status,
            updates::install_update,
            updates::go_back_version,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("usalama-desktop: could not start: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words between `start` and the next `end` in `text`, as a list of names.
    fn names_between(text: &str, start: &str, end: &str) -> Vec<String> {
        let from = text.find(start).expect("the list's start") + start.len();
        let to = from + text[from..].find(end).expect("the list's end");
        text[from..to]
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == ':'))
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    }

    // A command the UI invokes must be handled, declared (build.rs) and granted to the window
    // (the capability): one missing from either of the last two is refused at run time with
    // "not allowed", which no compiler catches.
    #[test]
    fn every_command_is_handled_declared_and_granted() {
        let handled: Vec<String> = names_between(include_str!("lib.rs"), "generate_handler![", "]")
            .into_iter()
            .filter_map(|w| w.rsplit_once("::").map(|(_, name)| name.to_owned()))
            .collect();
        let declared = names_between(include_str!("../build.rs"), "&[", "]");
        let granted: Vec<String> = names_between(
            include_str!("../capabilities/default.json"),
            "\"permissions\"",
            "]",
        )
        .into_iter()
        .filter_map(|w| w.strip_prefix("allow-").map(|n| n.replace('-', "_")))
        .collect();
        assert!(handled.len() > 30, "{handled:?}");
        assert_eq!(
            declared, handled,
            "build.rs declares other commands than lib.rs handles"
        );
        assert_eq!(
            granted, handled,
            "the capability grants other commands than lib.rs handles"
        );
    }

    #[test]
    fn the_home_folder_comes_from_the_command_line_first() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            home_folder(args(&["--home", "/tmp/x"])),
            PathBuf::from("/tmp/x")
        );
        assert_eq!(
            home_folder(args(&["--home=/tmp/y"])),
            PathBuf::from("/tmp/y")
        );
    }
}
