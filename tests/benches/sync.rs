//! Sync on the wire: HTTP requests and bytes (headers included) through a counting proxy, for
//! reports of about 600 bytes of JSON, and times through a link shaped like 2G.
//!
//! `cargo bench -p usalama-tests --bench sync` (or `make bench`). Nothing here is asserted; the
//! figures go to docs/benchmarks.md.

// A test story reads best top to bottom: the function-length limit is for the crates.
#![allow(clippy::too_many_lines)]

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::SeedableRng;
use serde_json::Value;
use usalama_core::sync::{sync, RetryPolicy};
use usalama_tests::bench::{device, file, Device};
use usalama_tests::hub::TestHub;
use usalama_tests::link::{Link, LinkConfig};

/// One sync through `link`; returns (requests, bytes up + down, seconds, cuts, bytes up) and
/// checks that it completed.
fn measured(
    rt: &tokio::runtime::Runtime,
    device: &Device,
    link: &Link,
    policy: RetryPolicy,
) -> (u64, u64, f64, u64, u64) {
    link.stats.reset();
    let started = Instant::now();
    let report = rt.block_on(sync(&device.store, Some(&link.url), policy));
    let seconds = started.elapsed().as_secs_f64();
    assert!(report.complete, "sync failed: {:?}", report.error);
    let (requests, up, down, cuts) = link.stats.read();
    (requests, up + down, seconds, cuts, up)
}

fn docs(n: usize, seed: u64) -> Vec<Value> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n)
        .map(|i| usalama_tests::realistic_report(&mut rng, i as u64))
        .collect()
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let policy = RetryPolicy::default();
    let thousand = docs(1000, 1);
    let json_bytes: usize = thousand.iter().map(|d| d.to_string().len()).sum();
    let all_json = serde_json::to_vec(&thousand).expect("json");
    let zstd_json = zstd::bulk::compress(&all_json, 3).expect("zstd").len();
    println!(
        "1,000 reports: {} bytes of JSON ({} per report), {} bytes with zstd -3 over the whole batch",
        json_bytes,
        json_bytes / 1000,
        zstd_json
    );

    // A chief's device on an unshaped link.
    let hub = TestHub::start();
    let link = Link::start(&hub.url, LinkConfig::default());
    let chief = device(&hub, &rt, "chief", None);
    measured(&rt, &chief, &link, policy); // the first sync receives the reference data
    let idle = measured(&rt, &chief, &link, policy);
    file(&chief, &docs(10, 2));
    let push10 = measured(&rt, &chief, &link, policy);

    // A backlog of 1,000, then a new device of the county that pulls them.
    let hub = TestHub::start();
    let link = Link::start(&hub.url, LinkConfig::default());
    let chief = device(&hub, &rt, "chief", None);
    measured(&rt, &chief, &link, policy);
    file(&chief, &thousand);
    let push1000 = measured(&rt, &chief, &link, policy);
    let officer = device(&hub, &rt, "officer", Some("nps"));
    let pull1000 = measured(&rt, &officer, &link, policy);

    // The same backlog, with the connection cut after every 100 KB sent.
    let hub = TestHub::start();
    let clean = Link::start(&hub.url, LinkConfig::default());
    let cutting = Link::start(
        &hub.url,
        LinkConfig {
            cut_every: Some(100_000),
            ..LinkConfig::default()
        },
    );
    let chief = device(&hub, &rt, "chief", None);
    measured(&rt, &chief, &clean, policy);
    file(&chief, &thousand);
    let retrying = RetryPolicy {
        attempts: 8,
        first_backoff: Duration::from_millis(100),
    };
    let cut = measured(&rt, &chief, &cutting, retrying);
    let cut_up = cut.4;
    let clean_up = push1000.4;
    let resent = cut_up.saturating_sub(clean_up);
    let chunk = clean_up / push1000.0.max(1);

    // 2G: 40 kbit/s and 700 ms round trip.
    let hub = TestHub::start();
    let shaped = Link::start(
        &hub.url,
        LinkConfig {
            one_way_delay: Duration::from_millis(350),
            bytes_per_second: Some(5_000),
            cut_every: None,
            cut_down_every: None,
        },
    );
    let chief = device(&hub, &rt, "chief", None);
    measured(&rt, &chief, &shaped, policy);
    file(&chief, &docs(10, 2));
    let slow10 = measured(&rt, &chief, &shaped, policy);
    file(&chief, &thousand);
    let slow1000 = measured(&rt, &chief, &shaped, policy);

    let kb = |b: u64| b as f64 / 1000.0;
    let bound = 1.5 * zstd_json as f64;
    println!("| case | requests | bytes on the wire | goal |");
    println!("| --- | --- | --- | --- |");
    println!(
        "| sync with nothing new, both ways | {} | {:.2} KB | 1 request, at most 1 KB |",
        idle.0,
        kb(idle.1)
    );
    println!(
        "| push 10 new reports | {} | {:.2} KB | 1 request, at most 4 KB |",
        push10.0,
        kb(push10.1)
    );
    println!(
        "| first push of 1,000 reports | {} | {:.1} KB ({:.2} x zstd of the JSON) | at most 4 requests, at most 1.5 x ({:.1} KB) |",
        push1000.0, kb(push1000.1), push1000.1 as f64 / zstd_json as f64, bound / 1000.0
    );
    println!(
        "| a new device pulls 1,000 reports | {} | {:.1} KB ({:.2} x zstd of the JSON) | at most 4 requests, at most 1.5 x ({:.1} KB) |",
        pull1000.0, kb(pull1000.1), pull1000.1 as f64 / zstd_json as f64, bound / 1000.0
    );
    println!(
        "| connection cut after every 100 KB during the 1,000 push | {} ({} cuts) | {:.1} KB sent, {:.1} KB resent (a chunk is about {:.1} KB) | completes; resent at most one chunk per cut |",
        cut.0, cut.3, kb(cut_up), kb(resent), kb(chunk)
    );
    println!(
        "| 2G link (40 kbit/s, 700 ms round trip): push 10 | {} | {:.2} KB | {:.1} s |",
        slow10.0,
        kb(slow10.1),
        slow10.2
    );
    println!(
        "| 2G link (40 kbit/s, 700 ms round trip): push 1,000 | {} | {:.1} KB | {:.1} s |",
        slow1000.0,
        kb(slow1000.1),
        slow1000.2
    );
}
