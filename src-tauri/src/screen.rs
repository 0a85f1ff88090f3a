//! The window fits the screen it opens on: as large as its default (1280×760), never larger than
//! the screen, so that an old laptop's 1024×600 screen with no window manager to shrink the
//! window still shows the whole form and its Save bar.

use tauri::{PhysicalPosition, PhysicalSize, Runtime, WebviewWindow};

/// Shrinks `window` to its screen when it is larger, and moves it to the screen's corner.
pub fn fit<R: Runtime>(window: &WebviewWindow<R>) {
    let monitor = match window.current_monitor() {
        Ok(Some(m)) => m,
        _ => match window.primary_monitor() {
            Ok(Some(m)) => m,
            _ => return,
        },
    };
    let (screen, corner) = (*monitor.size(), *monitor.position());
    let Ok(size) = window.outer_size() else {
        return;
    };
    if size.width <= screen.width && size.height <= screen.height {
        return;
    }
    let fitted = PhysicalSize::new(size.width.min(screen.width), size.height.min(screen.height));
    let _ = window.set_size(fitted);
    let _ = window.set_position(PhysicalPosition::new(corner.x, corner.y));
}
