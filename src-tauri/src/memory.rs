//! The web view's memory stays bounded on an old shared laptop. WebKit keeps what it has drawn
//! and loaded (decoded images, the resources of pages, JavaScript's heap) as long as memory is
//! plentiful, so browsing the list and report after report grows the web process by tens of
//! megabytes that nothing will use again: this is a single page app, with no page to go back
//! to and no resource it does not already hold.
//!
//! Three settings bound it. JavaScriptCore runs the pages' scripts in its interpreter, without
//! its just-in-time compilers: the compiled code and the profiles it is compiled from were the
//! web process's main growth while browsing (about 35 MB after the list and 20 report pages,
//! docs/benchmarks.md), and forms and lists of 200 rows need no compiled code to stay quick.
//! WebKit's memory-pressure handler is told the web process's budget, so
//! that past a share of it WebKit drops its caches and collects garbage at once instead of when
//! the system runs short; and the cache model is the one for a document viewer (no page cache,
//! the smallest memory cache).

/// The web process's budget. The app's pages are forms and lists; 120 MB holds the largest (the
/// list of 200 reports, a summary's print view) with room to spare.
#[cfg(target_os = "linux")]
const WEB_PROCESS_MB: u32 = 120;

/// Turns JavaScriptCore's just-in-time compilers off for the web process (which inherits the
/// app's environment). Must run before any thread starts; a user's own `JSC_useJIT` wins.
pub fn interpret_javascript() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("JSC_useJIT").is_none() {
        std::env::set_var("JSC_useJIT", "0");
    }
}

/// Sets WebKit's memory-pressure budget. Must run before the first web view is created.
pub fn bound_web_process() {
    #[cfg(target_os = "linux")]
    {
        use webkit2gtk::{MemoryPressureSettings, WebsiteDataManager};
        // The settings are a GTK object: GTK starts here, on the main thread, before the
        // windowing library starts it again (which does nothing the second time).
        if gtk::init().is_err() {
            return;
        }
        let mut settings = MemoryPressureSettings::new();
        settings.set_memory_limit(WEB_PROCESS_MB);
        // Release caches at half the budget, collect hard at 70 %; never kill the process (a
        // chief's unsaved form lives there), and look every 5 s rather than every 30.
        settings.set_conservative_threshold(0.5);
        settings.set_strict_threshold(0.7);
        settings.set_kill_threshold(0.0);
        settings.set_poll_interval(5.0);
        WebsiteDataManager::set_memory_pressure_settings(&mut settings);
    }
}

/// Sets the document viewer's cache model on the window's web view.
pub fn bound_caches<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    {
        let _ = window.with_webview(|webview| {
            use webkit2gtk::{CacheModel, WebContextExt, WebViewExt};
            if let Some(context) = webview.inner().context() {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
        });
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
