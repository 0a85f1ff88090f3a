// Declaring the app's commands makes each one a permission, so the capability file can grant
// exactly the commands the UI calls (and a command not listed there cannot be invoked).
fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(usalama_desktop_commands())),
    )
    .expect("tauri build script");
}

fn usalama_desktop_commands() -> &'static [&'static str] {
    &[
        "start",
        "gazetteer",
        "set_up",
        "unlock",
        "recover",
        "profile",
        "set_language",
        "change_passphrase",
        "lock",
        "set_lock_after",
        "simulate_sleep",
        "list_reports",
        "count_reports",
        "show_report",
        "allowed_actions",
        "act",
        "board",
        "warnings",
        "acknowledge_warning",
        "sms_alert",
        "file_report",
        "amend_report",
        "save_draft",
        "drafts",
        "delete_draft",
        "sync_status",
        "sync_now",
        "enroll",
        "summary",
        "save_summary",
        "places",
        "slip",
        "save_slip",
        "export_bundle",
        "bundle_files",
        "import_bundle",
        "update_status",
        "install_update",
        "go_back_version",
    ]
}
