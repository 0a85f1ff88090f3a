//! Fetching: the budget, cuts, refused offers, deltas, damage and a full disk.

use super::*;

#[test]
fn the_hub_is_local_by_its_address_and_the_budget_follows() {
    for local in [
        "http://127.0.0.1:7878",
        "https://10.1.2.3",
        "https://172.20.0.1:7878",
        "https://192.168.1.10",
        "https://169.254.3.4",
        "https://[::1]:7878",
        "https://[fd00::1]",
        "https://[fe80::1]",
        "http://localhost:7878",
    ] {
        assert!(fetch::is_local(local), "{local}");
    }
    for metered in [
        "https://41.89.1.2",
        "https://172.32.0.1",
        "https://hub.county.go.ke:7878",
        "https://[2001:db8::1]",
    ] {
        assert!(!fetch::is_local(metered), "{metered}");
    }
    let budget = Budget {
        metered: 65536,
        lan: UNLIMITED,
    };
    assert_eq!(
        fetch::allowance(budget, "https://hub.county.go.ke"),
        (Some(65536), fetch::METERED_CHUNK)
    );
    assert_eq!(
        fetch::allowance(budget, "https://192.168.1.10"),
        (None, crate::protocol::release::MAX_CHUNK)
    );
}

#[test]
fn an_offer_is_fetched_within_the_budget_and_the_next_sync_goes_on_where_it_stopped() {
    let laptop = Laptop::new();
    let package = bytes(1, 600 << 10);
    let hub = Hub::serve(Served {
        package: package.clone(),
        ..Served::default()
    });
    let taken = laptop.take(Some(&offer(release(&package, "0.3.0"), None)));
    assert_eq!(taken.offered, Some(v("0.3.0")));
    assert_eq!(
        laptop
            .store
            .lock()
            .expect("lock")
            .update_state()
            .expect("state")
            .fetching,
        Some(v("0.3.0"))
    );

    let report = laptop.fetch(&hub, lan(300 << 10));
    assert_eq!(report.fetched, 300 << 10);
    let record = laptop.record().expect("record");
    assert_eq!((record.stage, record.held), (Stage::Fetching, 300 << 10));
    let part = laptop.shelf.package_part(v("0.3.0"));
    assert_eq!(file_len(&part), 300 << 10);
    // No budget, no request.
    laptop.fetch(&hub, lan(0));
    let first = hub.asked();
    assert_eq!(first.len(), 2, "{first:?}");

    let report = laptop.fetch(&hub, lan(300 << 10));
    assert_eq!(report.fetched, 300 << 10);
    let record = laptop.record().expect("record");
    assert_eq!(record.stage, Stage::Ready);
    assert_eq!(
        std::fs::read(laptop.shelf.package(v("0.3.0"))).expect("package"),
        package
    );
    assert!(!part.exists());
    // Every byte was asked once.
    let mut offsets: Vec<u64> = first.iter().chain(&hub.asked()).map(|a| a.offset).collect();
    offsets.sort_unstable();
    offsets.dedup();
    assert_eq!(offsets, vec![0, 256 << 10, 300 << 10, 556 << 10]);
}

#[test]
fn a_cut_loses_at_most_the_chunk_in_flight_and_bytes_held_are_never_asked_again() {
    let laptop = Laptop::new();
    let package = bytes(2, 100_000);
    let release = release(&package, "0.3.0");
    laptop.take(Some(&offer(release, None)));
    let cut = Hub::serve(Served {
        package: package.clone(),
        cut_after: Some(2),
        ..Served::default()
    });
    let budget = Budget {
        metered: UNLIMITED,
        lan: UNLIMITED,
    };
    // Chunks of 32 KiB: pretend the link is metered by fetching through a small LAN budget
    // per sync instead, one chunk at a time.
    for _ in 0..2 {
        laptop.fetch(&cut, lan(32 << 10));
    }
    let report = laptop.fetch(&cut, budget);
    assert!(report.stopped.is_some(), "{report:?}");
    let held = laptop.record().expect("record").held;
    assert_eq!(held, 64 << 10);
    // A chunk written to disk but not recorded (a power cut between the two) is asked again;
    // nothing before it is.
    let part = laptop.shelf.package_part(v("0.3.0"));
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&part)
        .expect("part");
    file.write_all(&[0xAA; 1000]).expect("written");
    drop(file);
    let hub = Hub::serve(Served {
        package: package.clone(),
        ..Served::default()
    });
    laptop.fetch(&hub, budget);
    let asked = hub.asked();
    assert_eq!(asked.first().map(|a| a.offset), Some(64 << 10));
    assert_eq!(laptop.record().expect("record").stage, Stage::Ready);
    assert_eq!(
        std::fs::read(laptop.shelf.package(v("0.3.0"))).expect("package"),
        package
    );
}

#[test]
fn offers_unsigned_older_or_for_another_machine_are_refused_and_change_nothing() {
    let laptop = Laptop::new();
    let package = bytes(3, 5000);
    let good = release(&package, "0.3.0");
    laptop.take(Some(&offer(good.clone(), None)));
    let before = laptop.record();

    let other_key = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    let unsigned = Manifest::of(&package, v("0.4.0"), this_arch(), 10, 2).sign(&other_key);
    let older = release(&package, "0.1.9");
    let same = release(&package, "0.2.0");
    let other_arch = Manifest::of(&package, v("0.4.0"), "sparc64", 10, 2).sign(&test_key());
    let mut not_ours = Manifest::of(&package, v("0.4.0"), this_arch(), 10, 2);
    not_ours.package = "cowsay".into();
    let not_ours = not_ours.sign(&test_key());
    let mut changed = release(&package, "0.4.0");
    changed = changed.replacen("0.4.0", "0.5.0", 1);
    for (bad, why) in [
        (unsigned, "not signed with the Usalama release key"),
        (changed, "not signed with the Usalama release key"),
        (older, "not newer than the running 0.2.0"),
        (same, "not newer than the running 0.2.0"),
        (other_arch, "for sparc64 machines"),
        (not_ours, "of cowsay"),
    ] {
        let taken = laptop.take(Some(&offer(bad, None)));
        let refused = taken.refused.expect("refused");
        assert!(refused.contains(why), "{refused}");
        assert_eq!(taken.offered, None);
        assert_eq!(laptop.record(), before);
        let store = laptop.store.lock().expect("lock");
        assert!(store.update_refusal().expect("refusal").is_some());
    }
    // A good offer again clears the refusal.
    laptop.take(Some(&offer(good, None)));
    let store = laptop.store.lock().expect("lock");
    assert_eq!(store.update_refusal().expect("refusal"), None);
}

#[test]
fn a_newer_offer_replaces_the_fetch_and_no_offer_drops_it() {
    let laptop = Laptop::new();
    let p3 = bytes(4, 70_000);
    let p4 = bytes(5, 80_000);
    laptop.take(Some(&offer(release(&p3, "0.3.0"), None)));
    let hub = Hub::serve(Served {
        package: p3,
        ..Served::default()
    });
    laptop.fetch(&hub, lan(10_000));
    let part3 = laptop.shelf.package_part(v("0.3.0"));
    assert_eq!(file_len(&part3), 10_000);

    laptop.take(Some(&offer(release(&p4, "0.4.0"), None)));
    let record = laptop.record().expect("record");
    assert_eq!((record.version(), record.held), (v("0.4.0"), 0));
    assert!(!part3.exists());
    // An older offer afterwards (a hub that lost its newest) takes nothing back.
    laptop.take(Some(&offer(release(&bytes(4, 70_000), "0.3.0"), None)));
    assert_eq!(laptop.record().expect("record").version(), v("0.4.0"));

    laptop.take(None);
    assert_eq!(laptop.record(), None);
    assert_eq!(
        std::fs::read_dir(&laptop.shelf.dir)
            .expect("dir")
            .flatten()
            .filter(|e| e.path().is_file())
            .count(),
        0
    );
}

fn installed_package(laptop: &Laptop, old: &[u8]) {
    let path = laptop.shelf.installed(v("0.2.0"));
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, old).expect("installed");
}

fn delta_offer(old: &[u8], new: &[u8]) -> (Vec<u8>, Delta) {
    let d = delta::make(old, new).expect("delta");
    let meta = Delta {
        from: v("0.2.0"),
        size: d.len() as u64,
        sha256: hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&d)),
    };
    (d, meta)
}

#[test]
fn a_delta_from_the_installed_package_makes_the_new_one() {
    let laptop = Laptop::new();
    let old = bytes(6, 400_000);
    let mut new = old.clone();
    new[1000..2000].copy_from_slice(&bytes(7, 1000));
    let (d, meta) = delta_offer(&old, &new);
    installed_package(&laptop, &old);
    let hub = Hub::serve(Served {
        package: new.clone(),
        delta: Some((v("0.2.0"), d.clone())),
        ..Served::default()
    });
    laptop.take(Some(&offer(release(&new, "0.3.0"), Some(meta))));
    let report = laptop.fetch(&hub, lan(UNLIMITED));
    assert_eq!(report.fetched, d.len() as u64);
    assert!(hub.asked().iter().all(|a| a.from == Some(v("0.2.0"))));
    assert_eq!(laptop.record().expect("record").stage, Stage::Ready);
    assert_eq!(
        std::fs::read(laptop.shelf.package(v("0.3.0"))).expect("package"),
        new
    );
}

#[test]
fn a_delta_that_does_not_make_the_package_gives_way_to_the_whole_package_once() {
    let laptop = Laptop::new();
    let old = bytes(8, 300_000);
    let mut new = old.clone();
    new[5000..6000].copy_from_slice(&bytes(9, 1000));
    let (d, meta) = delta_offer(&old, &new);
    // This laptop's kept package is not the one the delta starts from.
    installed_package(&laptop, &bytes(10, 300_000));
    let hub = Hub::serve(Served {
        package: new.clone(),
        delta: Some((v("0.2.0"), d)),
        ..Served::default()
    });
    laptop.take(Some(&offer(release(&new, "0.3.0"), Some(meta.clone()))));
    let report = laptop.fetch(&hub, lan(UNLIMITED));
    assert!(report.note.is_some(), "{report:?}");
    let asked = hub.asked();
    assert!(asked.first().is_some_and(|a| a.from.is_some()));
    assert!(asked.last().is_some_and(|a| a.from.is_none()));
    let record = laptop.record().expect("record");
    assert!(record.delta_failed);
    assert_eq!(record.stage, Stage::Ready);
    assert_eq!(
        std::fs::read(laptop.shelf.package(v("0.3.0"))).expect("package"),
        new
    );

    // A delta the hub no longer holds: the package, from the start.
    let laptop = Laptop::new();
    installed_package(&laptop, &old);
    let hub = Hub::serve(Served {
        package: new.clone(),
        ..Served::default()
    });
    laptop.take(Some(&offer(release(&new, "0.3.0"), Some(meta))));
    laptop.fetch(&hub, lan(UNLIMITED));
    assert_eq!(laptop.record().expect("record").stage, Stage::Ready);
}

#[test]
fn a_package_damaged_twice_is_the_problem_damaged_and_is_not_fetched_again() {
    let laptop = Laptop::new();
    let promised = bytes(11, 50_000);
    let hub = Hub::serve(Served {
        package: bytes(12, 50_000),
        ..Served::default()
    });
    laptop.take(Some(&offer(release(&promised, "0.3.0"), None)));
    laptop.fetch(&hub, lan(UNLIMITED));
    let record = laptop.record().expect("record");
    assert_eq!((record.stage, record.restarts), (Stage::Fetching, 2));
    assert_eq!(laptop.problem(), Some(UpdateProblem::Damaged));
    assert_eq!(hub.asked().len(), 2);
    laptop.fetch(&hub, lan(UNLIMITED));
    assert!(hub.asked().is_empty());
    assert_eq!(
        laptop
            .store
            .lock()
            .expect("lock")
            .update_state()
            .expect("state")
            .problem,
        Some(UpdateProblem::Damaged)
    );
    // Another release ends the problem.
    laptop.take(Some(&offer(release(&promised, "0.3.1"), None)));
    assert_eq!(laptop.problem(), None);
}

#[test]
fn not_enough_disk_space_is_the_problem_disk_full_until_there_is() {
    let mut laptop = Laptop::new();
    let package = bytes(13, 40_000);
    let hub = Hub::serve(Served {
        package: package.clone(),
        ..Served::default()
    });
    laptop.take(Some(&offer(release(&package, "0.3.0"), None)));
    laptop.shelf.reserve = u64::MAX / 2;
    laptop.fetch(&hub, lan(UNLIMITED));
    assert_eq!(laptop.problem(), Some(UpdateProblem::DiskFull));
    assert!(hub.asked().is_empty());
    laptop.shelf.reserve = 0;
    laptop.fetch(&hub, lan(UNLIMITED));
    assert_eq!(laptop.problem(), None);
    assert_eq!(laptop.record().expect("record").stage, Stage::Ready);
}
