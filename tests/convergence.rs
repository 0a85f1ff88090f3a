//! Concurrent response steps converge: officers who assign a lead agency without knowing of each
//! other end with the same state on every device, whatever order the devices sync in, and a real
//! disagreement shows as one.

use std::collections::BTreeSet;

use proptest::prelude::*;
use serde_json::Value;
use usalama_core::domain::{Agency, Role};
use usalama_core::lifecycle::Action;
use usalama_hub::Hub;

use crate::story::{enrolled, report, sync, Device};

const AGENCIES: [Agency; 6] = [
    Agency::Nps,
    Agency::Npr,
    Agency::Kdf,
    Agency::Nis,
    Agency::Ngao,
    Agency::Cso,
];

/// What every device must agree on.
fn picture(device: &Device, id: &str) -> (Value, Value, Value, Value, usize) {
    let v = device.view(id);
    let assigned = v["timeline"]
        .as_array()
        .map_or(0, |t| t.iter().filter(|i| i["kind"] == "assigned").count());
    (
        v["lead_agency"].clone(),
        v["supporting_agencies"].clone(),
        v["contested_lead"].clone(),
        v["status"].clone(),
        assigned,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn concurrent_assignments_converge_whatever_the_sync_order(
        leads in proptest::collection::vec(0..AGENCIES.len(), 2..=3),
        early in proptest::collection::vec(0..4usize, 0..6),
        order in Just((0..4usize).collect::<Vec<_>>()).prop_shuffle(),
        settle in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().expect("dir");
        let db = usalama_hub::db::open(&dir.path().join("hub.db").display().to_string())
            .expect("database");
        let hub = Hub::open(db).expect("hub");
        let mut devices = vec![enrolled(&hub, "Joseph Korkimul", Role::Chief, "ke-024-l-ombolion", None)];
        let id = devices[0].file(&report("ke-024-l-ombolion", 1, 0));
        sync(&hub, &mut devices[0]);
        for (i, _) in leads.iter().enumerate() {
            let mut officer = enrolled(&hub, &format!("DCC {i}"), Role::Officer, "ke-024", Some(Agency::Ngao));
            sync(&hub, &mut officer);
            devices.push(officer);
        }
        // Each county commissioner's officer names a lead, none knowing of the others.
        for (i, lead) in leads.iter().enumerate() {
            let support: Vec<Agency> = AGENCIES.iter().copied().filter(|a| a != &AGENCIES[*lead]).take(i).collect();
            devices[i + 1].store.act(&id, Action::Assign { lead: AGENCIES[*lead], support, replaces: None }).expect("assigned");
        }
        let n = devices.len();
        // Some devices sync early, in any order; then every device twice, in a shuffled order.
        for d in early.iter().map(|d| d % n) {
            sync(&hub, &mut devices[d]);
        }
        let order: Vec<usize> = order.into_iter().filter(|d| *d < n).collect();
        for _ in 0..2 {
            for d in &order {
                sync(&hub, &mut devices[*d]);
            }
        }
        let first = picture(&devices[0], &id);
        for d in &devices[1..] {
            prop_assert_eq!(&picture(d, &id), &first);
        }
        prop_assert_eq!(first.4, leads.len(), "every assignment stays in the timeline");
        let named: BTreeSet<String> = leads.iter().map(|l| AGENCIES[*l].as_str().to_owned()).collect();
        let contested: BTreeSet<String> = first.2.as_array().map_or_else(BTreeSet::new, |c| {
            c.iter().filter_map(|a| a.as_str().map(str::to_owned)).collect()
        });
        if named.len() > 1 {
            // A real disagreement is shown, naming every lead put forward.
            prop_assert_eq!(&contested, &named);
        } else {
            prop_assert!(contested.is_empty());
        }
        prop_assert!(named.contains(first.0.as_str().unwrap_or_default()));

        // One officer, now seeing every assignment, settles it: the same on every device.
        if settle {
            devices[1].store.act(&id, Action::Assign { lead: Agency::Kdf, support: Vec::new(), replaces: None }).expect("settled");
            for _ in 0..2 {
                for d in &order {
                    sync(&hub, &mut devices[*d]);
                }
            }
            for d in &devices {
                let p = picture(d, &id);
                prop_assert_eq!(p.0.as_str(), Some("kdf"));
                prop_assert!(p.2.is_null() || p.2.as_array().is_some_and(Vec::is_empty), "{:?}", p.2);
            }
        }
    }
}

/// Two officers close the same report, neither knowing of the other: the one folded second has
/// no effect on any device, and the hub shows it to the administrator.
#[test]
fn a_step_the_state_leaves_without_effect_is_shown_to_the_administrator() {
    use usalama_core::lifecycle::Outcome;
    let dir = tempfile::tempdir().expect("dir");
    let db =
        usalama_hub::db::open(&dir.path().join("hub.db").display().to_string()).expect("database");
    let hub = Hub::open(db).expect("hub");
    let mut chief = enrolled(
        &hub,
        "Joseph Korkimul",
        Role::Chief,
        "ke-024-l-ombolion",
        None,
    );
    let id = chief.file(&report("ke-024-l-ombolion", 1, 0));
    sync(&hub, &mut chief);
    let mut a = enrolled(
        &hub,
        "DCC Kacheliba",
        Role::Officer,
        "ke-024",
        Some(Agency::Ngao),
    );
    let mut b = enrolled(
        &hub,
        "DCC Alale",
        Role::Officer,
        "ke-024",
        Some(Agency::Ngao),
    );
    sync(&hub, &mut a);
    sync(&hub, &mut b);
    for (device, outcome) in [(&mut a, Outcome::Resolved), (&mut b, Outcome::FalseAlarm)] {
        device
            .store
            .act(
                &id,
                Action::Close {
                    outcome,
                    note: None,
                    figures: None,
                },
            )
            .expect("closed");
    }
    for _ in 0..2 {
        for device in [&mut a, &mut b, &mut chief] {
            sync(&hub, device);
        }
    }
    let refused = hub.refused().expect("listed");
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].kind, "closed");
    assert!(
        refused[0]
            .reason
            .starts_with(&format!("no effect on report {id}")),
        "{refused:?}"
    );
    let outcome = chief.view(&id)["outcome"].clone();
    for device in [&a, &b] {
        assert_eq!(device.view(&id)["outcome"], outcome);
        let timeline = device.view(&id)["timeline"].clone();
        let closes: Vec<&Value> = timeline
            .as_array()
            .expect("timeline")
            .iter()
            .filter(|t| t["kind"] == "closed")
            .collect();
        assert_eq!(closes.len(), 2);
        assert_eq!(
            closes.iter().filter(|t| t["refused"].is_string()).count(),
            1
        );
    }
}
