//! The timed run: three kinds of request, each at its own offered rate (open loop: a request
//! starts on schedule whether or not earlier ones were answered) or as fast as the hub
//! answers (closed loop: a number of workers, each sending its next request once the last
//! is answered).
//!
//! - `sync`: a reporter's device with nothing to send and nothing new for it.
//! - `push`: a reporter's device sends a few new reports.
//! - `pull`: a county-wide officer's device receives what was pushed since its last pull.
//!
//! A device sends one request at a time, as a field device does: a request whose turn comes
//! when every device tried is busy is not sent and counted as skipped.

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use tokio::sync::{OwnedMutexGuard, Semaphore};
use tokio::task::JoinSet;
use tokio::time::{Instant, MissedTickBehavior};

use super::device::Device;
use super::exchange::{self, Done, Failure};
use super::tally::Tally;
use super::{Fleet, Shared};

/// How often a kind of request is sent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rate {
    /// Offered, per second (0: none).
    PerSecond(f64),
    /// As fast as the hub answers, by this many workers.
    Max(usize),
}

/// The kinds of request and the devices that make them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sync,
    Push,
    Pull,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Sync => "sync",
            Kind::Push => "push",
            Kind::Pull => "pull",
        }
    }
}

/// The devices of each kind.
#[derive(Debug, Default)]
pub struct Pools {
    pub quiet: Vec<Shared>,
    pub pushers: Vec<Shared>,
    pub officers: Vec<Shared>,
}

impl Pools {
    fn of(&self, kind: Kind) -> &[Shared] {
        match kind {
            Kind::Sync => &self.quiet,
            Kind::Push => &self.pushers,
            Kind::Pull => &self.officers,
        }
    }
}

/// What the run shares between its tasks.
#[derive(Debug)]
pub struct Run {
    pub fleet: Arc<Fleet>,
    pub pools: Pools,
    pub tally: Tally,
    /// Reports per push, inclusive.
    pub push_size: (usize, usize),
    /// Requests in flight at most, all kinds together: beyond it, a request is skipped.
    pub places: Semaphore,
}

/// Sends `kind` at `rate` until `deadline`, then waits for the requests still in flight.
pub async fn drive(run: Arc<Run>, kind: Kind, rate: Rate, deadline: Instant) {
    match rate {
        Rate::PerSecond(r) if r > 0.0 => offered(run, kind, r, deadline).await,
        Rate::PerSecond(_) => {}
        Rate::Max(workers) => {
            let mut set = JoinSet::new();
            for _ in 0..workers.max(1) {
                let run = run.clone();
                set.spawn(async move {
                    while Instant::now() < deadline {
                        if !one(&run, kind).await {
                            tokio::time::sleep(Duration::from_millis(1)).await;
                        }
                    }
                });
            }
            while set.join_next().await.is_some() {}
        }
    }
}

async fn offered(run: Arc<Run>, kind: Kind, rate: f64, deadline: Instant) {
    let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
    // Late ticks are made up at once: the rate offered is the rate asked for.
    ticks.set_missed_tick_behavior(MissedTickBehavior::Burst);
    let mut set = JoinSet::new();
    loop {
        let at = ticks.tick().await;
        if at >= deadline {
            break;
        }
        let run = run.clone();
        set.spawn(async move {
            one(&run, kind).await;
        });
        while set.try_join_next().is_some() {}
    }
    while set.join_next().await.is_some() {}
}

/// One request of `kind` from an idle device; false when none could be sent.
async fn one(run: &Run, kind: Kind) -> bool {
    let Ok(_place) = run.places.try_acquire() else {
        run.tally.skip(kind.name());
        return false;
    };
    let Some(mut device) = idle(run.pools.of(kind)) else {
        run.tally.skip(kind.name());
        return false;
    };
    if kind == Kind::Push {
        let (low, high) = run.push_size;
        let count = rand::thread_rng().gen_range(low..=high);
        if let Err(e) = device.file(&mut rand::thread_rng(), count) {
            run.tally
                .fail(kind.name(), &Failure::protocol("synthetic report", e));
            return false;
        }
    }
    let done: Done = exchange::sync(&run.fleet, &mut device).await;
    run.tally.record(kind.name(), &done);
    true
}

/// A device of `pool` that is not sending, tried at random a few times.
fn idle(pool: &[Shared]) -> Option<OwnedMutexGuard<Device>> {
    if pool.is_empty() {
        return None;
    }
    let mut rng = rand::thread_rng();
    (0..8).find_map(|_| {
        pool[rng.gen_range(0..pool.len())]
            .clone()
            .try_lock_owned()
            .ok()
    })
}
