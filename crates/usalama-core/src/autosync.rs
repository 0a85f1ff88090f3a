//! Background sync, for the desktop app: syncs every few minutes, right away when the network
//! comes back or a report is saved, and backs off with jitter after failures. It never blocks the
//! interface: the store is locked only for the short steps of [`sync::sync`], never across the
//! network wait.
//!
//! # Layout
//!
//! - [`Schedule`]: when to try next, from how the last attempt went (pure, unit-tested).
//! - [`AutoSync`]: the loop, woken by [`AutoSync::sync_now`], [`AutoSync::saved`], the timer
//!   and [`NetworkWatch`]; it tells its owner after every change with a callback.
//! - [`NetworkWatch`]: notices that the network came back by reading the kernel's routing table
//!   every few seconds (Linux), which costs no bytes on a metered link.
//! - [`send_sealed`]: while the app is locked, sends the one request sealed before it locked
//!   (see docs/store.md, "Locking"), when the network allows, and reads nothing back.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::Rng;
use serde::Serialize;
use tokio::sync::Notify;

use crate::store::{FailureKind, Outgoing, SyncFailure};
use crate::sync::{self, RetryPolicy};
use crate::Store;

/// When the next background sync happens.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// Between successful syncs.
    pub every: Duration,
    /// The wait after the first failure; it doubles with each further failure...
    pub first_backoff: Duration,
    /// ...up to this.
    pub max_backoff: Duration,
    failures: u32,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            every: Duration::from_secs(5 * 60),
            first_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(30 * 60),
            failures: 0,
        }
    }
}

impl Schedule {
    /// The wait before the next attempt, given how this one went. After a failure the wait
    /// doubles each time, with up to a quarter either way of random jitter so that the devices
    /// of a county coming back online together do not retry in step.
    pub fn after(&mut self, failure: Option<&SyncFailure>) -> Duration {
        let Some(failure) = failure else {
            self.failures = 0;
            return self.every;
        };
        // A refusal or an outdated app will not mend itself in a minute: wait the longest.
        let lasting = failure.kind.lasting();
        let base = if lasting {
            self.max_backoff
        } else {
            self.first_backoff
                .saturating_mul(1 << self.failures.min(16))
                .min(self.max_backoff)
        };
        self.failures = self.failures.saturating_add(1);
        base.mul_f64(rand::thread_rng().gen_range(0.75..1.25))
    }

    /// Failures since the last success.
    pub fn failures(&self) -> u32 {
        self.failures
    }
}

/// What the loop is doing, besides what the store records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Live {
    /// Whether the hub answered at the last attempt of this run; `None` before any.
    pub online: Option<bool>,
    /// A sync is running now.
    pub syncing: bool,
    /// Counts the changes above: of two snapshots, the one with the higher version is newer
    /// (a status pulled by the UI can arrive after one pushed later).
    pub version: u64,
}

/// The background sync of one unlocked store.
#[derive(Debug, Default)]
pub struct AutoSync {
    wake: Notify,
    live: Mutex<Live>,
}

impl AutoSync {
    pub fn new() -> Arc<AutoSync> {
        Arc::new(AutoSync::default())
    }

    /// Syncs now ("Sync now", or right after enrollment).
    pub fn sync_now(&self) {
        self.wake.notify_one();
    }

    /// A report or amendment was saved: send it now unless the hub was unreachable at the last
    /// attempt, in which case the backoff (or the network coming back) decides.
    pub fn saved(&self) {
        if self.live().online != Some(false) {
            self.wake.notify_one();
        }
    }

    pub fn live(&self) -> Live {
        *self.live.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set(&self, f: impl FnOnce(&mut Live)) {
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut live);
        live.version += 1;
    }

    /// Runs until the process ends. `changed` is called whenever the sync bar's state changed
    /// (a sync started or ended); it must be quick.
    pub async fn run(
        self: Arc<Self>,
        store: Arc<Mutex<Store>>,
        mut schedule: Schedule,
        changed: impl Fn() + Send + 'static,
    ) {
        let mut network = NetworkWatch::new();
        loop {
            let enrolled = lock(&store).hub_link().ok().flatten().is_some();
            let wait = if enrolled {
                self.set(|l| l.syncing = true);
                changed();
                // One sync retries a dropped request a little; the schedule does the rest.
                let policy = RetryPolicy {
                    attempts: 2,
                    first_backoff: Duration::from_secs(2),
                };
                let report = sync::sync(&store, None, policy).await;
                let online = report
                    .error
                    .as_ref()
                    .is_none_or(|e| e.kind != FailureKind::Unreachable);
                self.set(|l| {
                    l.syncing = false;
                    l.online = Some(online);
                });
                changed();
                schedule.after(report.error.as_ref())
            } else {
                // Not enrolled: nothing to do until enrollment wakes the loop.
                Duration::MAX
            };
            let offline = self.live().online == Some(false);
            tokio::select! {
                _ = sleep(wait) => {}
                _ = self.wake.notified() => {}
                _ = network.came_back(), if offline => {}
            }
        }
    }
}

/// Sends a request sealed by [`Store::seal_for_locked_sending`] before the app locked, retrying
/// with the usual backoff (and at once when the network comes back) until the hub takes it or
/// refuses it; then calls `sent` with whether it was taken. The hub's answer is dropped unread:
/// it may hold other people's reports, and nothing can record it while the store is locked. At
/// the next unlock the ordinary sync records the acknowledgements (the hub keeps an entry it
/// already holds once) and fetches what is new.
pub async fn send_sealed(outgoing: Outgoing, sent: impl FnOnce(bool) + Send) {
    let mut schedule = Schedule::default();
    let mut network = NetworkWatch::new();
    loop {
        let failure = match post_sealed(&outgoing).await {
            Ok(()) => return sent(true),
            Err(failure) => failure,
        };
        if !failure.kind.transient() {
            // Refused, or a version the hub no longer takes: the next unlock's sync says so.
            return sent(false);
        }
        let wait = schedule.after(Some(&failure));
        tokio::select! {
            _ = sleep(wait) => {}
            _ = network.came_back() => {}
        }
    }
}

async fn post_sealed(outgoing: &Outgoing) -> Result<(), SyncFailure> {
    let failure = |kind: FailureKind, message: String| SyncFailure { kind, message };
    let client = sync::http_client(outgoing.cert_sha256.as_deref())
        .map_err(|e| failure(FailureKind::Local, e.to_string()))?;
    let response = client
        .post(format!("{}/v1/sync", outgoing.url))
        .header("content-type", "application/octet-stream")
        .body(outgoing.body.clone())
        .send()
        .await
        .map_err(|e| failure(FailureKind::Unreachable, e.to_string()))?;
    match response.status().as_u16() {
        200 => Ok(()),
        500..=599 => Err(failure(FailureKind::Server, response.status().to_string())),
        status => Err(failure(FailureKind::Refused, format!("HTTP {status}"))),
    }
}

async fn sleep(wait: Duration) {
    match tokio::time::Instant::now().checked_add(wait) {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

fn lock(store: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(|e| e.into_inner())
}

/// Notices network changes without using the network.
#[derive(Debug)]
pub struct NetworkWatch {
    last: u64,
}

impl NetworkWatch {
    const EVERY: Duration = Duration::from_secs(5);

    pub fn new() -> NetworkWatch {
        NetworkWatch {
            last: Self::routes(),
        }
    }

    /// Resolves when the routes change and a route out exists: a cable plugged in, a modem
    /// connected, Wi-Fi joined. Where routes cannot be read, never resolves (the timer still
    /// runs).
    pub async fn came_back(&mut self) {
        loop {
            tokio::time::sleep(Self::EVERY).await;
            let now = Self::routes();
            let changed = now != self.last;
            self.last = now;
            if changed && now != 0 {
                return;
            }
        }
    }

    /// A digest of the routes other than loopback; 0 when there are none.
    fn routes() -> u64 {
        use std::hash::{Hash, Hasher};
        let Ok(table) = std::fs::read_to_string("/proc/net/route") else {
            return 0;
        };
        let routes: Vec<&str> = table
            .lines()
            .skip(1)
            .filter(|l| !l.starts_with("lo\t") && !l.trim().is_empty())
            .collect();
        if routes.is_empty() {
            return 0;
        }
        let mut h = std::collections::hash_map::DefaultHasher::new();
        routes.hash(&mut h);
        h.finish().max(1)
    }
}

impl Default for NetworkWatch {
    fn default() -> Self {
        NetworkWatch::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(kind: FailureKind) -> SyncFailure {
        SyncFailure {
            kind,
            message: String::new(),
        }
    }

    #[test]
    fn failures_back_off_exponentially_with_jitter_up_to_the_cap() {
        let mut s = Schedule::default();
        let unreachable = failure(FailureKind::Unreachable);
        let waits: Vec<Duration> = (0..12).map(|_| s.after(Some(&unreachable))).collect();
        for (n, wait) in waits.iter().enumerate() {
            let base = (s.first_backoff * (1 << n.min(16))).min(s.max_backoff);
            assert!(
                *wait >= base.mul_f64(0.75) && *wait <= base.mul_f64(1.25),
                "{n}: {wait:?}"
            );
        }
        assert_eq!(s.failures(), 12);
        // Jitter: many devices failing together do not all retry at the same moment.
        let spread: std::collections::BTreeSet<Duration> = (0..20)
            .map(|_| Schedule::default().after(Some(&unreachable)))
            .collect();
        assert!(spread.len() > 1);
    }

    #[test]
    fn a_success_resets_the_backoff() {
        let mut s = Schedule::default();
        for _ in 0..5 {
            s.after(Some(&failure(FailureKind::Server)));
        }
        assert_eq!(s.after(None), s.every);
        assert_eq!(s.failures(), 0);
        let first = s.after(Some(&failure(FailureKind::Unreachable)));
        assert!(first <= s.first_backoff.mul_f64(1.25));
    }

    #[test]
    fn a_refusal_waits_the_longest() {
        let mut s = Schedule::default();
        let wait = s.after(Some(&failure(FailureKind::Refused)));
        assert!(wait >= s.max_backoff.mul_f64(0.75));
    }
}
