//! Locks the app when the system is about to sleep: a laptop closed in a hurry must not wake up
//! open in someone else's hands.
//!
//! On Linux, logind announces sleep with the `PrepareForSleep(true)` signal on the system
//! D-Bus. The app holds a "delay" inhibitor so the system waits (a few seconds at most) until the
//! store is locked, then lets go of it; after waking (`PrepareForSleep(false)`) it takes a new
//! one. Where there is no system bus or no logind (some containers, other systems), nothing is
//! watched and the idle lock still applies.
//!
//! [`before_sleep`] is the one path a sleep takes, whichever way it is reported: logind here, or
//! the `simulate_sleep` command, which only debug builds (the tests') accept.

use std::time::{Duration, Instant};

use tauri::{AppHandle, Emitter, Manager};

use crate::state::AppState;

/// The event that asks the UI to save its draft and lock.
pub const LOCK_REQUESTED: &str = "lock-requested";

/// How long the UI has to save its draft and lock before the app locks by itself.
const UI_GRACE: Duration = Duration::from_millis(1500);

/// The system is about to sleep: asks the UI to save and lock, and locks anyway after a
/// moment. Returns once the store is locked.
pub fn before_sleep(app: &AppHandle) {
    let state = app.state::<AppState>();
    if !state.is_open() {
        return;
    }
    let _ = app.emit(LOCK_REQUESTED, "sleep");
    let deadline = Instant::now() + UI_GRACE;
    while state.is_open() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    state.lock(app);
}

/// Starts watching for sleep in a thread of its own.
pub fn watch(app: AppHandle) {
    #[cfg(target_os = "linux")]
    {
        let spawned = std::thread::Builder::new()
            .name("sleep-watch".into())
            .spawn(move || {
                if let Err(e) = logind::watch(&app) {
                    eprintln!("usalama-desktop: not locking at sleep (no logind here: {e})");
                }
            });
        if let Err(e) = spawned {
            eprintln!("usalama-desktop: not locking at sleep: {e}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}

#[cfg(target_os = "linux")]
mod logind {
    use std::sync::mpsc;
    use std::time::Duration;

    use dbus::arg::OwnedFd;
    use dbus::blocking::{Connection, Proxy};
    use dbus::message::MatchRule;
    use tauri::AppHandle;

    const MANAGER: &str = "org.freedesktop.login1.Manager";

    pub fn watch(app: &AppHandle) -> Result<(), dbus::Error> {
        let conn = Connection::new_system()?;
        let logind = conn.with_proxy(
            "org.freedesktop.login1",
            "/org/freedesktop/login1",
            Duration::from_secs(5),
        );
        let (tx, rx) = mpsc::channel();
        conn.add_match(
            MatchRule::new_signal(MANAGER, "PrepareForSleep"),
            move |(going,): (bool,), _, _| tx.send(going).is_ok(),
        )?;
        let mut inhibitor = inhibit(&logind);
        loop {
            conn.process(Duration::from_secs(1))?;
            while let Ok(going) = rx.try_recv() {
                if going {
                    super::before_sleep(app);
                    // Closing the descriptor lets the system sleep.
                    drop(inhibitor.take());
                } else if inhibitor.is_none() {
                    inhibitor = inhibit(&logind);
                }
            }
        }
    }

    /// A delay inhibitor: the system waits for it (up to logind's InhibitDelayMaxSec) before
    /// sleeping. Without one the lock still happens, perhaps only just after waking.
    fn inhibit(logind: &Proxy<'_, &Connection>) -> Option<OwnedFd> {
        logind
            .method_call::<(OwnedFd,), _, _, _>(
                MANAGER,
                "Inhibit",
                (
                    "sleep",
                    "Usalama",
                    "Locking the reports before sleep",
                    "delay",
                ),
            )
            .map(|(fd,)| fd)
            .ok()
    }
}
