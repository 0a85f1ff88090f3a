//! Updates at a hub over a temporary database, on SQLite and (when `USALAMA_TEST_POSTGRES` is
//! set) on PostgreSQL: publishing and its refusals, the offer at sync and at the update
//! endpoint, withdrawal, chunks and deltas.

use ed25519_dalek::SigningKey;
use rand::{Rng, SeedableRng};
use usalama_protocol::release::{
    delta, test_key, Budget, ChunkRequest, Manifest, Signed, UpdateAnswer, UpdateProblem,
    UpdateState, Version, MAX_CHUNK, UNLIMITED,
};
use usalama_protocol::wire::{SyncRequest, SyncResponse, PROTOCOL};

use crate::db;
use crate::hub::sms::tests::{enroll, hubs};
use crate::hub::Hub;

fn v(text: &str) -> Version {
    text.parse().expect("a version")
}

/// A package of `len` bytes: the same seed gives the same bytes.
fn package(seed: u64, len: usize) -> Vec<u8> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..len).map(|_| rng.gen()).collect()
}

/// The next version of `old`: a few bytes changed and some added.
fn next(old: &[u8], seed: u64) -> Vec<u8> {
    let mut new = old.to_vec();
    new[1000..1100].copy_from_slice(&package(seed, 100));
    new.extend_from_slice(&package(seed + 1, 5000));
    new
}

fn release_file(bytes: &[u8], version: &str) -> String {
    Manifest::of(bytes, v(version), "amd64", 9, PROTOCOL).sign(&test_key())
}

fn publish(hub: &Hub, bytes: &[u8], version: &str) {
    hub.publish(release_file(bytes, version).as_bytes(), bytes)
        .expect("published");
}

fn state(running: &str) -> UpdateState {
    UpdateState {
        running: v(running),
        arch: "amd64".into(),
        fetching: None,
        problem: None,
    }
}

fn offer(hub: &Hub, key: &SigningKey, state: UpdateState) -> UpdateAnswer {
    let signed = Signed::sign(state, key, &hub.id()).expect("signed");
    hub.release_offer(&signed.to_json().expect("json"))
        .expect("answered")
}

/// The version offered to a device running `running`, and the version its delta starts from.
fn offered(hub: &Hub, key: &SigningKey, running: &str) -> Option<(Version, Option<Version>)> {
    offer(hub, key, state(running)).offer.map(|o| {
        let release = usalama_protocol::release::Release::parse(
            o.release.as_bytes(),
            &[test_key().verifying_key()],
        )
        .expect("the release file as signed");
        (release.manifest.version, o.delta.map(|d| d.from))
    })
}

fn chunk(
    hub: &Hub,
    key: &SigningKey,
    version: &str,
    from: Option<&str>,
    offset: u64,
    length: u32,
) -> crate::Result<Vec<u8>> {
    let ask = ChunkRequest {
        version: v(version),
        from: from.map(v),
        offset,
        length,
    };
    let signed = Signed::sign(ask, key, &hub.id()).expect("signed");
    hub.release_chunk(&signed.to_json().expect("json"))
}

/// Every byte of a package or a delta, fetched `step` bytes at a time.
fn fetch(hub: &Hub, key: &SigningKey, version: &str, from: Option<&str>, step: u32) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        match chunk(hub, key, version, from, out.len() as u64, step) {
            Ok(bytes) => {
                assert!(!bytes.is_empty() && bytes.len() <= step.min(MAX_CHUNK) as usize);
                out.extend_from_slice(&bytes);
            }
            Err(e) if e.code() == "bad_range" => return out,
            Err(e) => panic!("chunk at {}: {e}", out.len()),
        }
    }
}

#[test]
fn a_publish_that_does_not_verify_changes_nothing() {
    for s in hubs() {
        let hub = &s.hub;
        let good = package(1, 150_000);
        publish(hub, &good, "0.2.0");
        let before = hub.releases().expect("listed");
        let newer = next(&good, 2);
        let text = release_file(&newer, "0.3.0");
        let unsigned = &text[..text.find("signature ").expect("a signature line")];
        let other = Manifest::of(&newer, v("0.3.0"), "amd64", 9, PROTOCOL)
            .sign(&SigningKey::from_bytes(&[7; 32]));
        let mut changed = newer.clone();
        changed[77] ^= 1;
        let cases: Vec<(&str, Vec<u8>, Vec<u8>)> = vec![
            ("unsigned", unsigned.as_bytes().to_vec(), newer.clone()),
            ("another key", other.into_bytes(), newer.clone()),
            (
                "truncated",
                text.as_bytes()[..text.len() - 9].to_vec(),
                newer.clone(),
            ),
            (
                "another size",
                text.clone().into_bytes(),
                newer[..newer.len() - 1].to_vec(),
            ),
            ("one byte changed", text.clone().into_bytes(), changed),
            (
                "published already",
                release_file(&good, "0.2.0").into_bytes(),
                good.clone(),
            ),
        ];
        for (case, file, bytes) in cases {
            let e = hub.publish(&file, &bytes).expect_err(case);
            assert_eq!(e.code(), "bad_release", "{case}: {e}");
            assert_eq!(
                hub.releases().expect("listed").len(),
                before.len(),
                "{case}"
            );
        }
        assert_eq!(
            hub.releases().expect("listed")[0].release,
            before[0].release,
            "nothing changed"
        );
    }
}

#[test]
fn the_newest_release_above_what_a_device_runs_is_offered_and_a_withdrawn_one_is_not() {
    for s in hubs() {
        let hub = &s.hub;
        let (key, _) = enroll(hub, 32);
        let p1 = package(1, 200_000);
        let p2 = next(&p1, 10);
        let p3 = next(&p2, 20);
        publish(hub, &p1, "0.1.0");
        publish(hub, &p2, "0.2.0");
        publish(hub, &p3, "0.3.0");
        assert_eq!(
            offered(hub, &key, "0.2.0"),
            Some((v("0.3.0"), Some(v("0.2.0"))))
        );
        assert_eq!(
            offered(hub, &key, "0.1.0"),
            Some((v("0.3.0"), Some(v("0.1.0"))))
        );
        // A delta only from exactly the version the device runs.
        assert_eq!(offered(hub, &key, "0.1.5"), Some((v("0.3.0"), None)));
        assert_eq!(offered(hub, &key, "0.3.0"), None);
        assert_eq!(offered(hub, &key, "0.10.0"), None);
        let other_machine = UpdateState {
            arch: "arm64".into(),
            ..state("0.1.0")
        };
        assert_eq!(offer(hub, &key, other_machine).offer, None);

        let withdrawn = hub.withdraw(v("0.3.0"), None).expect("withdrawn");
        assert!(withdrawn.iter().all(|r| r.withdrawn_at.is_some()));
        assert_eq!(
            offered(hub, &key, "0.1.0"),
            Some((v("0.2.0"), Some(v("0.1.0"))))
        );
        assert_eq!(offered(hub, &key, "0.2.0"), None);
        for from in [None, Some("0.2.0")] {
            let e = chunk(hub, &key, "0.3.0", from, 0, 1000).expect_err("withdrawn");
            assert_eq!(e.code(), "no_release");
        }
        let listed = hub.releases().expect("listed");
        assert_eq!(listed.len(), 3);
        assert!(listed[0].release.withdrawn_at.is_some(), "its record stays");
        assert_eq!(
            hub.withdraw(v("0.9.0"), None).expect_err("none").code(),
            "no_release"
        );
    }
}

#[test]
fn chunks_give_back_the_package_and_the_delta_makes_it_from_the_older_one() {
    for s in hubs() {
        let hub = &s.hub;
        let (key, _) = enroll(hub, 33);
        let old = package(3, 300_000);
        let new = next(&old, 30);
        publish(hub, &old, "0.2.0");
        publish(hub, &new, "0.3.0");
        let answer = offer(hub, &key, state("0.2.0"));
        assert_eq!(answer.budget, Budget::default());
        let d = answer.offer.and_then(|o| o.delta).expect("a delta");
        for step in [1000, 65_536, 100_000, MAX_CHUNK, u32::MAX] {
            assert_eq!(fetch(hub, &key, "0.3.0", None, step), new, "step {step}");
        }
        let bytes = fetch(hub, &key, "0.3.0", Some("0.2.0"), 4096);
        assert_eq!(bytes.len() as u64, d.size);
        assert!(bytes.len() < new.len() / 10, "{} bytes", bytes.len());
        assert_eq!(
            delta::apply(&old, &bytes, new.len() as u64).expect("applies"),
            new
        );
        let size = new.len() as u64;
        assert_eq!(
            chunk(hub, &key, "0.3.0", None, size - 5, 100).expect("the end"),
            new[new.len() - 5..]
        );
        for (offset, length) in [(size, 10), (size + 1, 10), (0, 0)] {
            let e = chunk(hub, &key, "0.3.0", None, offset, length).expect_err("out of range");
            assert_eq!(e.code(), "bad_range", "{offset} {length}");
        }
        for (version, from) in [("0.4.0", None), ("0.3.0", Some("0.1.0"))] {
            let e = chunk(hub, &key, version, from, 0, 10).expect_err("none");
            assert_eq!(e.code(), "no_release", "{version} {from:?}");
        }
        let listed = hub.releases().expect("listed");
        assert_eq!(listed[0].deltas.len(), 1);
        assert_eq!(listed[0].deltas[0].size, d.size);
    }
}

#[test]
fn only_an_enrolled_device_signing_for_itself_is_answered() {
    for s in hubs() {
        let hub = &s.hub;
        let (key, device) = enroll(hub, 34);
        let (other, _) = enroll(hub, 35);
        publish(hub, &package(4, 70_000), "0.3.0");
        offer(hub, &key, state("0.2.0"));
        let mut forged = Signed::sign(state("0.2.0"), &other, &hub.id()).expect("signed");
        forged.device = device.to_string();
        let e = hub
            .release_offer(&forged.to_json().expect("json"))
            .expect_err("another device's signature");
        assert_eq!(e.code(), "unauthenticated");
        let mut unsigned = Signed::sign(state("0.2.0"), &key, &hub.id()).expect("signed");
        unsigned.signature = "00".repeat(64);
        let e = hub
            .release_offer(&unsigned.to_json().expect("json"))
            .expect_err("unsigned");
        assert_eq!(e.code(), "unauthenticated");
        let stranger = SigningKey::from_bytes(&[99; 32]);
        let e = chunk(hub, &stranger, "0.3.0", None, 0, 10).expect_err("unknown");
        assert_eq!(e.code(), "unknown_device");
        let ask = ChunkRequest {
            version: v("0.3.0"),
            from: None,
            offset: 0,
            length: 10,
        };
        let mut forged = Signed::sign(ask, &other, &hub.id()).expect("signed");
        forged.device = device.to_string();
        let e = hub
            .release_chunk(&forged.to_json().expect("json"))
            .expect_err("another device's signature");
        assert_eq!(e.code(), "unauthenticated");
        assert_eq!(
            chunk(hub, &key, "0.3.0", None, 0, 10).expect("chunk").len(),
            10
        );
        let (waiting, _) = enroll_waiting(hub, 37);
        let e = chunk(hub, &waiting, "0.3.0", None, 0, 10).expect_err("pending");
        assert_eq!(e.code(), "pending_approval");
        let weird = UpdateState {
            arch: "AMD 64".into(),
            ..state("0.2.0")
        };
        let signed = Signed::sign(weird, &key, &hub.id()).expect("signed");
        let e = hub
            .release_offer(&signed.to_json().expect("json"))
            .expect_err("not a machine's name");
        assert_eq!(e.code(), "invalid");
        hub.revoke(&device.to_string()).expect("revoked");
        let e = chunk(hub, &key, "0.3.0", None, 0, 10).expect_err("revoked");
        assert_eq!(e.code(), "revoked");
        let signed = Signed::sign(state("0.2.0"), &key, &hub.id()).expect("signed");
        let e = hub
            .release_offer(&signed.to_json().expect("json"))
            .expect_err("revoked");
        assert_eq!(e.code(), "revoked");
    }
}

/// Enrolls a cleared chief's device with the key of `seed`: it waits for approval.
fn enroll_waiting(hub: &Hub, seed: u8) -> (SigningKey, usalama_protocol::ledger::DeviceId) {
    use ed25519_dalek::Signer;
    use usalama_protocol::domain::Role;
    use usalama_protocol::enrollment::enrollment_proof_digest;
    use usalama_protocol::wire::EnrollRequest;

    let invite = hub
        .invite(&crate::hub::InviteRequest {
            name: format!("Chief {seed}"),
            role: Role::Chief,
            unit: "ke-024-v-lami-nyeusi".into(),
            agency: None,
            cleared: true,
            person: None,
            hours: 1,
        })
        .expect("invited");
    let key = SigningKey::from_bytes(&[seed; 32]);
    let public = key.verifying_key().to_bytes();
    let proof = key.sign(&enrollment_proof_digest(&invite.code, &public));
    hub.enroll(&EnrollRequest {
        code: invite.code,
        public_key: hex::encode(public),
        proof: hex::encode(proof.to_bytes()),
    })
    .expect("enrolled");
    (
        key.clone(),
        usalama_protocol::ledger::DeviceId::of(&key.verifying_key()),
    )
}

/// A sync request of the device `key` with counter `counter`, and the hub's answer.
fn sync(hub: &Hub, key: &SigningKey, counter: u64, updates: Option<UpdateState>) -> SyncResponse {
    let request = SyncRequest {
        device: usalama_protocol::ledger::DeviceId::of(&key.verifying_key()),
        counter,
        cursor: 0,
        device_time: crate::now_ms(),
        runs: Vec::new(),
        bundles: Vec::new(),
        updates,
    };
    let (bytes, tag) = request.seal(&hub.id(), key).expect("sealed");
    let answer = hub.sync(&bytes).expect("synced");
    SyncResponse::open(&answer, &hub.public_key(), &tag).expect("opened")
}

#[test]
fn a_sync_is_answered_about_updates_only_when_it_asks_and_records_only_changes() {
    for s in hubs() {
        let hub = &s.hub;
        let (key, device) = enroll(hub, 36);
        let p = package(5, 80_000);
        publish(hub, &p, "0.3.0");
        assert_eq!(sync(hub, &key, 1, None).updates, None);
        let status = hub.update_status().expect("status");
        assert_eq!((status.devices, status.unknown), (1, 1));

        let budget = hub
            .set_update_budget(Some(10_000), None)
            .expect("budget set");
        assert_eq!((budget.metered, budget.lan), (10_000, UNLIMITED));
        let answer = sync(hub, &key, 2, Some(state("0.2.0")))
            .updates
            .expect("updates");
        assert_eq!(answer.budget, budget);
        assert!(answer.offer.is_some());
        let reported = |hub: &Hub| {
            db::read(hub.db(), |tx| tx.all_device_updates(&hub.id()))
                .expect("read")
                .into_iter()
                .find(|d| d.device == device)
                .expect("the device")
        };
        let first = reported(hub);
        assert_eq!(first.state, Some(state("0.2.0")));
        assert!(first.synced_at.is_some());
        std::thread::sleep(std::time::Duration::from_millis(5));
        // The same state again: nothing is written of it.
        sync(hub, &key, 3, Some(state("0.2.0")));
        assert_eq!(reported(hub).reported_at, first.reported_at);
        let fetching = UpdateState {
            fetching: Some(v("0.3.0")),
            problem: Some(UpdateProblem::DiskFull),
            ..state("0.2.0")
        };
        sync(hub, &key, 4, Some(fetching.clone()));
        assert_eq!(reported(hub).state, Some(fetching));
        let status = hub.update_status().expect("status");
        assert_eq!((status.devices, status.unknown), (1, 0));
        assert_eq!(status.running[0].version, v("0.2.0"));
        assert_eq!(status.offered[0].version, v("0.3.0"));
        assert_eq!(status.fetching[0].version, v("0.3.0"));
        assert_eq!(status.problems[0].problem, "disk_full");
        let listed = hub.device_listing().expect("listed");
        assert_eq!(listed[0].version, Some(v("0.2.0")));
        assert_eq!(listed[0].update_problem, Some("disk_full"));
        // Once it runs the newest, nothing is offered (and it drops what it fetched).
        let answer = sync(hub, &key, 5, Some(state("0.3.0")))
            .updates
            .expect("updates");
        assert_eq!(answer.offer, None);
    }
}
