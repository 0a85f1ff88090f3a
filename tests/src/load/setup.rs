//! Before the clock starts: every synthetic device enrolls over HTTP with its one-time code;
//! the seeders push the stored reports in chunks as large as a device sends; the officers pull
//! them all, as a county-wide officer's laptop once did. Each step is timed and its requests
//! counted like the run's.
//!
//! A step's request that the hub refuses for load (busy, a timeout) is tried again after a
//! pause; a protocol failure stops the set-up.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use usalama_core::enrollment::Enrolled;

use super::device::Device;
use super::error::LoadError;
use super::exchange::{self, Done, Failure};
use super::tally::Tally;
use super::{Fleet, Link, Shared};

/// How many times a set-up request refused for load is tried.
const ATTEMPTS: u32 = 12;

/// Enrolls every device with its code, `concurrency` at a time. Returns the hub's key, which
/// every answer must agree on.
pub async fn enroll(
    link: &Link,
    devices: &[Shared],
    codes: &[String],
    concurrency: usize,
    tally: &Tally,
) -> Result<ed25519_dalek::VerifyingKey, LoadError> {
    let next = AtomicUsize::new(0);
    let keys = std::sync::Mutex::new(Vec::new());
    let worker = || async {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(shared) = devices.get(i) else {
                return Ok::<(), LoadError>(());
            };
            let device = shared.lock().await;
            let body = serde_json::to_vec(&device.enroll_request(&codes[i]))
                .map_err(|e| LoadError::Synthetic(e.to_string()))?;
            let mut retry = Retry::new(tally, "enroll");
            let enrolled = loop {
                let started = Instant::now();
                let answer =
                    exchange::post(link, "/v1/enroll", "application/json", body.clone()).await;
                let done = Done {
                    latency: started.elapsed(),
                    sent: 0,
                    result: Ok(Default::default()),
                };
                match answer.and_then(|bytes| {
                    serde_json::from_slice::<Enrolled>(&bytes)
                        .map_err(|e| Failure::protocol("answer: unreadable enrollment", e))
                }) {
                    Ok(enrolled) => break retry.answered(&done, enrolled),
                    Err(failure) => {
                        retry
                            .failed(Done {
                                result: Err(failure),
                                ..done
                            })
                            .await?
                    }
                }
            };
            if enrolled.role != device.role || enrolled.unit.as_deref() != Some(&device.unit) {
                return Err(LoadError::Setup(format!(
                    "the hub enrolled device {i} as {} of {:?}, not as invited",
                    enrolled.role, enrolled.unit
                )));
            }
            keys.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(enrolled.hub_key);
        }
    };
    let workers: Vec<_> = (0..concurrency.max(1)).map(|_| worker()).collect();
    for result in join_all(workers).await {
        result?;
    }
    let keys = keys.into_inner().unwrap_or_else(|p| p.into_inner());
    let first = keys
        .first()
        .ok_or_else(|| LoadError::Setup("no device enrolled".into()))?;
    if keys.iter().any(|k| k != first) {
        return Err(LoadError::Setup(
            "the hub answered with more than one key".into(),
        ));
    }
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(first, &mut bytes)
        .map_err(|_| LoadError::Setup("the hub's key is not 64 hex digits".into()))?;
    ed25519_dalek::VerifyingKey::from_bytes(&bytes)
        .map_err(|_| LoadError::Setup("the hub's key is not an Ed25519 key".into()))
}

/// Pushes `total` reports from the seeders, spread evenly, in requests of up to a device's
/// chunk, two seeders at a time (the hub writes one request at a time).
pub async fn seed(
    fleet: &Fleet,
    seeders: &[Shared],
    total: u64,
    tally: &Tally,
) -> Result<(), LoadError> {
    if seeders.is_empty() || total == 0 {
        return Ok(());
    }
    let each = total.div_ceil(seeders.len() as u64);
    let mut left = total;
    let mut shares = Vec::new();
    for s in seeders {
        let share = each.min(left);
        left -= share;
        shares.push((s, share));
    }
    let next = AtomicUsize::new(0);
    let worker = || async {
        while let Some((shared, share)) = shares.get(next.fetch_add(1, Ordering::Relaxed)) {
            let mut device = shared.lock().await;
            let mut filed = 0;
            while filed < *share {
                // About a chunk's worth: reports of some 600 bytes.
                let batch = (*share - filed).min(400);
                device.file(&mut rand::thread_rng(), batch as usize)?;
                filed += batch;
                send_all(fleet, &mut device, tally, "seed").await?;
            }
        }
        Ok::<(), LoadError>(())
    };
    for result in join_all(vec![worker(), worker()]).await {
        result?;
    }
    Ok(())
}

/// Syncs each device until it has sent everything and the hub has nothing more for it.
pub async fn catch_up(
    fleet: &Fleet,
    devices: &[Shared],
    tally: &Tally,
    kind: &'static str,
) -> Result<(), LoadError> {
    let work = devices.iter().map(|shared| async move {
        let mut device = shared.lock().await;
        loop {
            send_all(fleet, &mut device, tally, kind).await?;
            if !device.more {
                return Ok::<(), LoadError>(());
            }
        }
    });
    for result in join_all(work.collect()).await {
        result?;
    }
    Ok(())
}

/// Syncs until every entry of the device is acknowledged (at least once).
async fn send_all(
    fleet: &Fleet,
    device: &mut Device,
    tally: &Tally,
    kind: &'static str,
) -> Result<(), LoadError> {
    let mut retry = Retry::new(tally, kind);
    loop {
        let done = exchange::sync(fleet, device).await;
        if done.result.is_ok() {
            retry.answered(&done, ());
        } else {
            retry.failed(done).await?;
        }
        if device.unsent() == 0 {
            return Ok(());
        }
    }
}

/// Tries of one set-up request: each counted under its kind; after a refusal for load, a
/// pause that doubles; a protocol failure, or too many refusals in a row, fails the set-up.
struct Retry<'t> {
    tally: &'t Tally,
    kind: &'static str,
    pause: Duration,
    refused: u32,
}

impl<'t> Retry<'t> {
    fn new(tally: &'t Tally, kind: &'static str) -> Retry<'t> {
        Retry {
            tally,
            kind,
            pause: Duration::from_millis(100),
            refused: 0,
        }
    }

    fn answered<T>(&mut self, done: &Done, value: T) -> T {
        self.tally.record(self.kind, done);
        self.refused = 0;
        self.pause = Duration::from_millis(100);
        value
    }

    async fn failed(&mut self, done: Done) -> Result<(), LoadError> {
        self.tally.record(self.kind, &done);
        let Err(failure) = done.result else {
            return Ok(());
        };
        self.refused += 1;
        if failure.protocol || self.refused >= ATTEMPTS {
            return Err(LoadError::Setup(format!(
                "{}: {} ({})",
                self.kind, failure.kind, failure.message
            )));
        }
        tokio::time::sleep(self.pause).await;
        self.pause = (self.pause * 2).min(Duration::from_secs(5));
        Ok(())
    }
}

/// Awaits every future, concurrently on this task.
async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = (0..pinned.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if out[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => out[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().flatten().collect()
}
