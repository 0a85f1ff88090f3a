//! What the benchmarks share: a device with its store in memory's reach (a real encrypted
//! store, enrolled with a test hub), and reports filed on it.

use std::sync::Mutex;

use serde_json::Value;
use usalama_core::domain::{Lang, Report, Role};
use usalama_core::enrollment::Enrollment;
use usalama_core::keys::KdfParams;
use usalama_core::sync::enroll;
use usalama_core::{Profile, Store};

use crate::hub::TestHub;

/// A device's store, enrolled with a hub.
#[derive(Debug)]
pub struct Device {
    pub store: Mutex<Store>,
    _dir: tempfile::TempDir,
}

/// A new device of `role`, enrolled with `hub`.
pub fn device(
    hub: &TestHub,
    rt: &tokio::runtime::Runtime,
    role: &str,
    agency: Option<&str>,
) -> Device {
    let dir = tempfile::tempdir().expect("dir");
    let profile = Profile {
        name: "Bench".into(),
        role: Role::Chief,
        unit: None,
        agency: None,
        lang: Lang::En,
    };
    let (store, _) = Store::create(
        dir.path(),
        profile,
        "benchmarks are measured",
        KdfParams::FAST_INSECURE,
    )
    .expect("store");
    let store = Mutex::new(store);
    let unit = if role == "officer" {
        "ke-024"
    } else {
        "ke-024-l-ombolion"
    };
    let enrollment =
        Enrollment::parse(&hub.enrollment("Bench", role, unit, agency)).expect("enrollment");
    rt.block_on(enroll(&store, &enrollment)).expect("enrolled");
    Device { store, _dir: dir }
}

/// Files `docs` on `device`, as its user does.
pub fn file(device: &Device, docs: &[Value]) {
    let now = time::OffsetDateTime::now_utc();
    let reports: Vec<Report> = docs
        .iter()
        .map(|d| Report::parse(d, now).expect("valid"))
        .collect();
    device
        .store
        .lock()
        .expect("lock")
        .file_reports(&reports)
        .expect("filed");
}
