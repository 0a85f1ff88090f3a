//! Updates on the wire: a 1 MB package fetched through a counting link shaped like 2G (40 kbit/s,
//! 700 ms round trip) that cuts answers in the middle, within the county's metered budget; a
//! report sync during the download; and, given two builds, the delta between their packages.
//!
//! `make bench-updates`: built with debug assertions (`--profile dev`), because the package is
//! signed with the test key, which only such builds accept. Nothing here is asserted; the
//! figures go to docs/benchmarks.md. `USALAMA_BENCH_BUILDS=OLD:NEW` (two `usalama` binaries)
//! adds the delta between two consecutive builds' packages.

// A benchmark reads best top to bottom: the function-length limit is for the crates.
#![allow(clippy::too_many_lines)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use usalama_core::protocol::release::delta;
use usalama_core::sync::{sync, RetryPolicy};
use usalama_tests::bench::{device, file};
use usalama_tests::hub::TestHub;
use usalama_tests::link::{Link, LinkConfig};
use usalama_tests::release::package;

const PACKAGE: usize = 1 << 20;
const CUT_DOWN_EVERY: u64 = 200_000;

fn main() {
    // The hub is on 127.0.0.1: the device is told its link costs money, as a chief's does.
    std::env::set_var("USALAMA_LINK", "metered");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let policy = RetryPolicy::default();
    let hub = TestHub::start();
    let dir = tempfile::tempdir().expect("dir");
    let (deb, release) = package(dir.path(), "0.2.0", PACKAGE, 1);
    let bytes = std::fs::read(&deb).expect("deb");
    let size = bytes.len() as u64;
    let budget = hub.hub.update_budget().expect("budget");
    let shaped = Link::start(
        &hub.url,
        LinkConfig {
            one_way_delay: Duration::from_millis(350),
            bytes_per_second: Some(5_000),
            cut_every: None,
            cut_down_every: Some(CUT_DOWN_EVERY),
        },
    );
    let chief = device(&hub, &rt, "chief", None);
    rt.block_on(sync(&chief.store, Some(&shaped.url), policy));
    hub.hub
        .publish(release.as_bytes(), &bytes)
        .expect("published");

    // The first sync after publication takes the offer and starts the download.
    let (mut syncs, mut seconds, mut fetched) = (0, 0.0, 0);
    shaped.stats.reset();
    let step = || {
        let started = Instant::now();
        let report = rt.block_on(sync(&chief.store, Some(&shaped.url), policy));
        (
            started.elapsed().as_secs_f64(),
            report.update.fetched,
            report.update.ready,
        )
    };
    let mut ready = false;
    let mut count = |(s, f, r): (f64, u64, bool)| {
        seconds += s;
        fetched += f;
        syncs += 1;
        ready = r;
    };
    count(step());

    // A report sync while the download is under way, with nothing more of it fetched (the
    // county's metered budget set to 0 for this one sync): what the chief's report costs.
    let (during, report_seconds) = {
        let (r0, u0, d0, _) = shaped.stats.read();
        hub.hub.set_update_budget(Some(0), None).expect("budget");
        file(&chief, &[usalama_tests::report_doc(1)]);
        let started = Instant::now();
        let report = rt.block_on(sync(&chief.store, Some(&shaped.url), policy));
        assert_eq!(report.sent, 1, "the report went");
        let took = started.elapsed().as_secs_f64();
        hub.hub
            .set_update_budget(Some(budget.metered), None)
            .expect("budget");
        let (r1, u1, d1, _) = shaped.stats.read();
        ((r1 - r0, (u1 - u0) + (d1 - d0)), took)
    };

    for _ in 0..200 {
        let taken = step();
        let done = taken.2;
        count(taken);
        if done {
            break;
        }
    }
    let (requests, up, down, cuts) = shaped.stats.read();
    let kb = |b: u64| b as f64 / 1000.0;
    println!("| case | figure |");
    println!("| --- | --- |");
    println!(
        "| package, fetched through 2G with answers cut every {} KB, county budget {} KiB a sync | {:.1} KB in {syncs} syncs, {requests} requests, {:.0} s on the link |",
        CUT_DOWN_EVERY / 1000,
        budget.metered >> 10,
        kb(size),
        seconds
    );
    println!(
        "| bytes down / up on the link (headers and sync answers included) | {:.1} KB / {:.1} KB, {cuts} cuts |",
        kb(down),
        kb(up)
    );
    println!(
        "| beyond the package, all overhead and resends | {:.1} KB ({:.1} KB a cut if all were resends; a chunk is 32 KiB) |",
        kb(down.saturating_sub(size)),
        kb(down.saturating_sub(size)) / cuts.max(1) as f64
    );
    println!(
        "| a report sync during the download | {} request(s), {:.2} KB, {:.1} s |",
        during.0,
        kb(during.1),
        report_seconds
    );
    println!(
        "| ready after | {} ({} bytes counted as fetched) |",
        if ready { "yes" } else { "NOT READY" },
        fetched
    );
    let per_kb = seconds / kb(size);
    println!(
        "| extrapolated to a 15 MB package | {:.0} syncs, {:.1} h of link time |",
        (15e6 / budget.metered as f64).ceil(),
        per_kb * 15_000.0 / 3600.0
    );
    if let Ok(builds) = std::env::var("USALAMA_BENCH_BUILDS") {
        deltas(dir.path(), &builds);
    }
}

/// The delta between two builds' packages, as a fraction of the newer package, for each way
/// Debian compresses a package's data.
fn deltas(dir: &Path, builds: &str) {
    let (old, new) = builds
        .split_once(':')
        .expect("USALAMA_BENCH_BUILDS=OLD:NEW");
    for compression in ["none", "gzip", "xz"] {
        let old_deb = deb_of(dir, Path::new(old), "0.2.0", compression);
        let new_deb = deb_of(dir, Path::new(new), "0.2.1", compression);
        let old_bytes = std::fs::read(&old_deb).expect("old");
        let new_bytes = std::fs::read(&new_deb).expect("new");
        let started = Instant::now();
        let d = delta::make(&old_bytes, &new_bytes).expect("delta");
        let took = started.elapsed().as_secs_f64();
        assert_eq!(
            delta::apply(&old_bytes, &d, new_bytes.len() as u64).expect("applies"),
            new_bytes
        );
        println!(
            "| delta between two builds, data compressed with {compression} | {:.1} KB of {:.1} KB ({:.1}%), made in {:.1} s |",
            d.len() as f64 / 1000.0,
            new_bytes.len() as f64 / 1000.0,
            100.0 * d.len() as f64 / new_bytes.len() as f64,
            took
        );
    }
}

/// A package holding `binary` as `usr/bin/usalama`.
fn deb_of(dir: &Path, binary: &Path, version: &str, compression: &str) -> std::path::PathBuf {
    let tree = dir.join(format!("build-{version}-{compression}"));
    std::fs::create_dir_all(tree.join("DEBIAN")).expect("mkdir");
    std::fs::create_dir_all(tree.join("usr/bin")).expect("mkdir");
    std::fs::write(
        tree.join("DEBIAN/control"),
        format!(
            "Package: usalama\nVersion: {version}\nArchitecture: amd64\nMaintainer: Usalama \
             <ict@usalama.invalid>\nDescription: a build\n"
        ),
    )
    .expect("control");
    std::fs::copy(binary, tree.join("usr/bin/usalama")).expect("binary");
    let deb = dir.join(format!("build-{version}-{compression}.deb"));
    let ok = Command::new("dpkg-deb")
        .args(["--root-owner-group", &format!("-Z{compression}"), "--build"])
        .arg(&tree)
        .arg(&deb)
        .output()
        .expect("dpkg-deb");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    deb
}
