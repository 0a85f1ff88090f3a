//! After fetching: a stick, the installer, the status, going back, an outdated device, and
//! whole syncs.

use super::*;

fn stick(dir: &Path, package: &[u8], version: &str) -> PathBuf {
    std::fs::create_dir_all(dir).expect("stick");
    let deb = dir.join(format!("usalama-{version}_{}.deb", this_arch()));
    std::fs::write(&deb, package).expect("deb");
    let mut name = deb.as_os_str().to_owned();
    name.push(".release");
    std::fs::write(PathBuf::from(name), release(package, version)).expect("release");
    deb
}

#[test]
fn a_release_from_a_usb_stick_is_checked_and_then_ready_like_a_fetched_one() {
    let laptop = Laptop::new();
    let package = bytes(14, 30_000);
    let usb = laptop.dir.path().join("usb");
    // A bad one first: changed bytes, no release beside, older: each refused, nothing changes.
    let deb = stick(&usb.join("bad"), &package, "0.3.0");
    std::fs::write(&deb, bytes(15, 30_000)).expect("changed");
    let folder = laptop.dir.path().join("no-release");
    std::fs::create_dir_all(&folder).expect("dir");
    std::fs::write(folder.join("usalama-0.3.0_amd64.deb"), &package).expect("deb");
    let older = stick(&usb.join("older"), &package, "0.1.0");
    for (path, why) in [
        (deb, "SHA-256 differs"),
        (
            folder.join("usalama-0.3.0_amd64.deb"),
            "has no release beside it",
        ),
        (folder, "has no release beside it"),
        (older, "not newer than the running"),
    ] {
        let e = install::import_in(
            &mut laptop.store.lock().expect("lock"),
            &laptop.shelf,
            &path,
        )
        .expect_err("refused");
        assert!(e.to_string().contains(why), "{e}");
        assert_eq!(laptop.record(), None);
        assert!(!laptop.shelf.package(v("0.3.0")).exists());
    }

    let good = usb.join("good");
    stick(&good, &package, "0.3.0");
    let imported = install::import_in(
        &mut laptop.store.lock().expect("lock"),
        &laptop.shelf,
        &good,
    )
    .expect("imported");
    assert_eq!(imported.version, v("0.3.0"));
    let record = laptop.record().expect("record");
    assert_eq!(
        (record.stage, record.source),
        (Stage::Ready, Source::Import)
    );
    assert_eq!(std::fs::read(&imported.package).expect("package"), package);
    // The hub, which knows nothing newer, does not drop what came by stick.
    laptop.take(None);
    assert!(laptop.record().is_some());
}

#[test]
fn a_ready_package_is_handed_to_the_installer_and_kept_once_its_version_runs() {
    let mut laptop = Laptop::new();
    let package = bytes(16, 20_000);
    let usb = laptop.dir.path().join("usb");
    stick(&usb, &package, "0.3.0");
    let mut store = laptop.store.lock().expect("lock");
    install::import_in(&mut store, &laptop.shelf, &usb).expect("imported");

    let missing = laptop.dir.path().join("no-installer");
    let e = install::install_in(&mut store, &laptop.shelf, &missing).expect_err("no installer");
    assert!(e.to_string().contains("installer is missing"), "{e}");
    let problem = store.update_problem().expect("problem").map(|p| p.problem);
    assert_eq!(problem, Some(UpdateProblem::NoInstaller));

    let folder = laptop.installer();
    let installed = install::install_in(&mut store, &laptop.shelf, &folder).expect("handed");
    assert_eq!(installed.version, v("0.3.0"));
    let spooled: Vec<String> = std::fs::read_dir(folder.join("spool"))
        .expect("spool")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(spooled.len(), 3, "{spooled:?}");
    let record = store.update_record().expect("record").expect("some");
    assert_eq!(record.stage, Stage::HandedOver);
    assert_eq!(store.update_problem().expect("problem"), None);

    // The installer failed: ready again, with the problem.
    let failed = Status {
        last: Some(Outcome {
            action: Action::Install,
            version: None,
            ok: false,
            message: "dpkg failed".into(),
            at: record.handed_at.expect("handed"),
        }),
        ..Status::default()
    };
    offer::settle(&mut store, &laptop.shelf, Some(&failed)).expect("settled");
    let record = store.update_record().expect("record").expect("some");
    assert_eq!(record.stage, Stage::Ready);
    let problem = store.update_problem().expect("problem").map(|p| p.problem);
    assert_eq!(problem, Some(UpdateProblem::InstallFailed));
    install::install_in(&mut store, &laptop.shelf, &folder).expect("handed again");

    // The new version runs: its package is kept for the next delta, the rest forgotten.
    drop(store);
    laptop.shelf.running = v("0.3.0");
    let view = status_in(
        &mut laptop.store.lock().expect("lock"),
        &laptop.shelf,
        &folder,
    )
    .expect("status");
    assert_eq!((view.version, view.stage), (None, None));
    assert_eq!(
        std::fs::read(laptop.shelf.installed(v("0.3.0"))).expect("kept"),
        package
    );
    assert!(!laptop.shelf.package(v("0.3.0")).exists());
}

#[test]
fn the_status_says_in_both_languages_that_a_version_is_ready() {
    let laptop = Laptop::new();
    let package = bytes(17, 10_000);
    let usb = laptop.dir.path().join("usb");
    stick(&usb, &package, "0.3.0");
    let mut store = laptop.store.lock().expect("lock");
    install::import_in(&mut store, &laptop.shelf, &usb).expect("imported");
    let view = status_in(&mut store, &laptop.shelf, &laptop.installer()).expect("status");
    assert!(view.ready);
    assert_eq!(
        view.message.en,
        "Version 0.3.0 is ready. It will be installed when you next close Usalama"
    );
    assert_eq!(
        view.message.sw,
        "Toleo 0.3.0 liko tayari. Litasakinishwa utakapofunga Usalama wakati ujao"
    );
}

#[test]
fn going_back_is_asked_of_the_installer_and_the_version_left_is_not_taken_again() {
    let laptop = Laptop::new();
    let folder = laptop.installer();
    let mut store = laptop.store.lock().expect("lock");
    let write_status = |status: &Status| {
        std::fs::write(
            folder.join("status.json"),
            serde_json::to_vec(status).expect("json"),
        )
        .expect("status")
    };
    write_status(&Status {
        installed: Some(v("0.3.0")),
        installed_schema: Some(11),
        previous: Some(v("0.2.0")),
        previous_schema: Some(10),
        last: None,
    });
    let e = install::go_back_in(&mut store, &folder).expect_err("refused");
    assert!(e.to_string().contains("another form"), "{e}");
    assert_eq!(
        std::fs::read_dir(folder.join("spool"))
            .expect("spool")
            .count(),
        0
    );

    write_status(&Status {
        installed: Some(v("0.3.0")),
        installed_schema: Some(10),
        previous: Some(v("0.2.0")),
        previous_schema: Some(10),
        last: None,
    });
    let went = install::go_back_in(&mut store, &folder).expect("asked");
    assert_eq!((went.from, went.to), (Some(v("0.3.0")), v("0.2.0")));
    assert_eq!(
        std::fs::read_dir(folder.join("spool"))
            .expect("spool")
            .count(),
        1
    );
    let left = store.left_versions().expect("left");
    assert_eq!(left, vec![v("0.3.0")]);
    let e =
        check_release(&laptop.shelf, release(b"x", "0.3.0").as_bytes(), &left).expect_err("left");
    assert!(
        e.to_string().contains("went back from version 0.3.0"),
        "{e}"
    );
    assert!(check_release(&laptop.shelf, release(b"x", "0.3.1").as_bytes(), &left).is_ok());
}

#[test]
fn a_device_too_old_to_sync_asks_the_update_endpoint_and_fetches() {
    // The real running version: the offer must be newer than this build.
    let running = Version::running();
    let newer = Version {
        major: running.major + 1,
        minor: 0,
        patch: 0,
    }
    .to_string();
    let package = bytes(18, 70_000);
    let answer = UpdateAnswer {
        budget: Budget::default(),
        offer: Some(offer(release(&package, &newer), None)),
    };
    let hub = Hub::serve(Served {
        package: package.clone(),
        offer: Some(serde_json::to_string(&answer).expect("json")),
        ..Served::default()
    });
    let laptop = Laptop::at(&hub.base);
    let report = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(after_sync(
            &laptop.store,
            None,
            RetryPolicy::default(),
            None,
            true,
        ));
    assert_eq!(report.offered, Some(v(&newer)), "{report:?}");
    assert!(report.ready, "{report:?}");
    assert_eq!(report.fetched, package.len() as u64);
    let home = laptop.store.lock().expect("lock").home().to_owned();
    let shelf = Shelf::of(&home);
    assert_eq!(
        std::fs::read(shelf.package(v(&newer))).expect("package"),
        package
    );
}

#[test]
fn a_sync_with_its_update_part_may_run_on_any_thread() {
    fn send<T: Send>(_: &T) {}
    let laptop = Laptop::new();
    let sync = crate::sync::sync(&laptop.store, None, RetryPolicy::default());
    send(&sync);
}

#[test]
fn every_sync_request_tells_the_hub_where_updates_stand() {
    let laptop = Laptop::new();
    let package = bytes(19, 1000);
    let running = Version::running();
    let newer = format!("{}.0.0", running.major + 1);
    let mut store = laptop.store.lock().expect("lock");
    let shelf = Shelf::of(store.home());
    offer::take(
        &mut store,
        &shelf,
        Some(&offer(release(&package, &newer), None)),
    )
    .expect("taken");
    store
        .set_update_problem(Some((UpdateProblem::DiskFull, "full")))
        .expect("problem");
    let out = store.next_sync_request(1 << 16).expect("request");
    let request = crate::wire::SyncRequest::frame(&out.body)
        .expect("frame")
        .open()
        .expect("request");
    let state = request.updates.expect("the update state");
    assert_eq!(state.running, running);
    assert_eq!(state.arch, this_arch());
    assert_eq!(state.fetching, Some(v(&newer)));
    assert_eq!(state.problem, Some(UpdateProblem::DiskFull));
}

#[test]
fn a_sync_exchanges_the_reports_first_then_fetches_the_offered_release_within_the_budget() {
    let running = Version::running();
    let newer = format!("{}.0.0", running.major + 1);
    let package = bytes(20, 100_000);
    let hub = Hub::serve(Served {
        package: package.clone(),
        sync_updates: Some(UpdateAnswer {
            budget: lan(40_000),
            offer: Some(offer(release(&package, &newer), None)),
        }),
        ..Served::default()
    });
    let laptop = Laptop::at(&hub.base);
    let policy = RetryPolicy {
        attempts: 1,
        first_backoff: Duration::from_millis(1),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let report = runtime.block_on(crate::sync::sync(&laptop.store, None, policy));
    assert!(report.complete, "{report:?}");
    let update = &report.update;
    assert_eq!(update.offered, Some(v(&newer)), "{update:?}");
    assert_eq!(
        (update.fetched, update.held, update.total),
        (40_000, 40_000, 100_000)
    );
    assert!(!update.ready);
    let log = std::mem::take(&mut hub.served.lock().expect("lock").log);
    assert_eq!(log, ["sync Some(None)", "chunk 0"], "the reports first");

    // The next sync says what it fetches and goes on; a third completes it.
    runtime.block_on(crate::sync::sync(&laptop.store, None, policy));
    let report = runtime.block_on(crate::sync::sync(&laptop.store, None, policy));
    assert!(report.update.ready, "{:?}", report.update);
    let log = std::mem::take(&mut hub.served.lock().expect("lock").log);
    assert_eq!(
        log,
        [
            format!("sync Some(Some({:?}))", v(&newer)),
            "chunk 40000".into(),
            format!("sync Some(Some({:?}))", v(&newer)),
            "chunk 80000".into(),
        ]
    );

    // The hub withdraws it: dropped.
    hub.served.lock().expect("lock").sync_updates = Some(UpdateAnswer {
        budget: lan(40_000),
        offer: None,
    });
    let report = runtime.block_on(crate::sync::sync(&laptop.store, None, policy));
    assert_eq!(report.update.version, None, "{:?}", report.update);
}
