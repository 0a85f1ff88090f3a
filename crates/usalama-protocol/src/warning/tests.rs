use proptest::prelude::*;
use serde_json::json;
use time::macros::date;
use time::{Date, Duration};

use super::*;
use crate::domain::{IncidentType, Report};
use crate::gazetteer;

const OMBOLION: &str = "ke-024-l-ombolion";

fn id(n: u32) -> ReportId {
    let mut b = [0; 10];
    b[..4].copy_from_slice(&n.to_be_bytes());
    ReportId(b)
}

fn incident(n: u32, kind: IncidentType, day: Date, unit: &str) -> Incident {
    Incident {
        report: id(n),
        kind,
        day,
        unit: Some(unit.into()),
        killed: None,
        abducted: None,
        livestock_stolen: 0,
        indicators: Vec::new(),
    }
}

fn compute(incidents: &[Incident], s: &Settings) -> Vec<Warning> {
    warnings(incidents, s, &gazetteer::shipped()).warnings
}

#[test]
fn a_killing_raises_a_warning_whose_id_names_its_report() {
    let mut i = incident(1, IncidentType::Killing, date!(2026 - 11 - 20), OMBOLION);
    i.killed = Some(Some(2));
    let w = compute(&[i], &Settings::default());
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].rule, Rule::Report);
    assert_eq!(w[0].reasons, vec![Reason::Killing { killed: Some(2) }]);
    assert_eq!(
        w[0].id,
        WarningId::derive(Rule::Report, OMBOLION, &id(1).to_string())
    );
    assert_eq!(WarningId::parse(&w[0].id.to_string()), Some(w[0].id));
}

#[test]
fn the_livestock_threshold_is_the_countys() {
    let mut raid = incident(
        1,
        IncidentType::LivestockRaid,
        date!(2026 - 11 - 20),
        OMBOLION,
    );
    raid.livestock_stolen = 150;
    assert_eq!(compute(&[raid.clone()], &Settings::default()).len(), 1);
    let raised = Settings::parse(&json!({"livestock_threshold": 200}), &|_| true).expect("parsed");
    assert!(compute(&[raid], &raised).is_empty());
}

#[test]
fn only_provocative_signs_raise_a_warning_alone() {
    let mut sign = incident(
        1,
        IncidentType::EarlyWarning,
        date!(2026 - 11 - 20),
        OMBOLION,
    );
    sign.indicators = vec![Indicator::Drought];
    assert!(compute(&[sign.clone()], &Settings::default()).is_empty());
    sign.indicators.push(Indicator::WarSongs);
    let w = compute(&[sign], &Settings::default());
    assert_eq!(
        w[0].reasons,
        vec![Reason::Provocative {
            indicators: vec![Indicator::WarSongs]
        }]
    );
}

#[test]
fn a_second_raid_within_the_window_raises_a_repeat_raid() {
    let a = incident(
        1,
        IncidentType::LivestockRaid,
        date!(2026 - 11 - 01),
        OMBOLION,
    );
    let b = incident(
        2,
        IncidentType::LivestockRaid,
        date!(2026 - 11 - 10),
        OMBOLION,
    );
    let c = incident(
        3,
        IncidentType::LivestockRaid,
        date!(2026 - 12 - 30),
        OMBOLION,
    );
    let w = compute(&[a, b, c], &Settings::default());
    let repeats: Vec<_> = w.iter().filter(|w| w.rule == Rule::RepeatRaid).collect();
    assert_eq!(repeats.len(), 1, "{w:?}");
    assert_eq!(repeats[0].reports, vec![id(1), id(2)]);
    assert_eq!(repeats[0].anchor(), id(2));
    assert_eq!(repeats[0].counts, vec![9]);
}

#[test]
fn signs_rising_three_weeks_running_raise_one_warning() {
    let monday = date!(2026 - 11 - 02);
    let mut n = 0;
    let mut all = Vec::new();
    for (week, count) in [1, 2, 3, 4, 5].into_iter().enumerate() {
        for _ in 0..count {
            n += 1;
            let day = monday + Duration::weeks(week as i64);
            all.push(incident(n, IncidentType::EarlyWarning, day, OMBOLION));
        }
    }
    let w = compute(&all, &Settings::default());
    let rising: Vec<_> = w.iter().filter(|w| w.rule == Rule::RisingSigns).collect();
    // 0 → 1 → 2 → 3 reaches three rises in the third week; the run going on raises no more.
    assert_eq!(rising.len(), 1, "{rising:?}");
    assert_eq!(rising[0].day, monday + Duration::weeks(2));
    assert_eq!(rising[0].counts, vec![0, 1, 2, 3]);
}

#[test]
fn silent_areas_are_named_with_their_last_report() {
    let i = incident(1, IncidentType::Arrest, date!(2026 - 09 - 01), OMBOLION);
    let s = silences(&[i], &gazetteer::shipped(), date!(2026 - 11 - 01), 30);
    assert!(s
        .iter()
        .any(|s| s.area == OMBOLION && s.since == date!(2026 - 09 - 01)));
    assert!(s.iter().any(|s| s.area == "ke-024-sc-pokot-north"));
}

fn arb_incident() -> impl Strategy<Value = Incident> {
    let units = [
        OMBOLION,
        "ke-024-l-cheptulel",
        "ke-024-sl-lebei",
        "ke-024-sc-kipkomo",
    ];
    (
        0u32..400,
        0usize..IncidentType::ALL.len(),
        0i64..900,
        0usize..units.len(),
        0u32..300,
        any::<bool>(),
        proptest::collection::vec(0usize..Indicator::ALL.len(), 0..3),
    )
        .prop_map(move |(n, k, d, u, head, killed, ind)| Incident {
            report: id(n),
            kind: IncidentType::ALL[k],
            day: date!(2024 - 01 - 01) + Duration::days(d),
            unit: Some(units[u].into()),
            killed: killed.then_some(Some(1)),
            abducted: None,
            livestock_stolen: head,
            indicators: ind.into_iter().map(|i| Indicator::ALL[i]).collect(),
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn warnings_are_the_same_whatever_order_reports_arrive_in(
        incidents in proptest::collection::vec(arb_incident(), 0..120),
        seed in any::<u64>(),
    ) {
        // One report id holds one content: a device never holds two.
        let mut unique = incidents;
        unique.sort_by_key(|i| i.report);
        unique.dedup_by_key(|i| i.report);
        let mut shuffled = unique.clone();
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let s = Settings::default();
        prop_assert_eq!(compute(&unique, &s), compute(&shuffled, &s));
    }
}

#[test]
fn a_stored_document_reads_as_the_parsed_report_does() {
    let now = time::OffsetDateTime::now_utc();
    let docs = [
        json!({"type": "killing", "occurred_at": "2026-11-20T23:30:00+00:00", "unit": OMBOLION,
               "narrative": "x", "people": {"killed": null}}),
        json!({"type": "livestock_raid", "occurred_at": "2026-11-20T05:30:00+03:00",
               "unit": OMBOLION, "narrative": "x",
               "people": {"killed": {"men": 2, "women": null}, "abducted": {"children": null}},
               "livestock": [{"species": "cattle", "stolen": 120, "estimate": true},
                             {"species": "goats", "stolen": null}, {"species": "sheep", "stolen": 30}]}),
        json!({"type": "early_warning", "occurred_at": "2026-11-20T05:30:00+03:00",
               "place": "Kanyerus", "narrative": "x", "indicators": ["war_songs", "drought"]}),
        json!({"type": "abduction", "occurred_at": "2026-11-20T05:30:00+03:00", "unit": OMBOLION,
               "narrative": "x", "people": {"abducted": 0}}),
    ];
    for (n, doc) in docs.iter().enumerate() {
        let report = Report::parse(doc, now).expect("a report");
        let parsed = Incident::of(id(n as u32), &report);
        let stored = Incident::of_stored(id(n as u32), &report.to_json().to_string());
        assert_eq!(stored.as_ref(), Some(&parsed), "{doc}");
    }
}

#[test]
fn follow_ups_count_conflict_in_the_same_location_within_the_window() {
    let mut killing = incident(1, IncidentType::Killing, date!(2026 - 11 - 01), OMBOLION);
    killing.killed = Some(Some(1));
    let all = [
        killing,
        incident(
            2,
            IncidentType::LivestockRaid,
            date!(2026 - 11 - 08),
            OMBOLION,
        ),
        incident(
            3,
            IncidentType::LivestockRaid,
            date!(2026 - 11 - 30),
            OMBOLION,
        ),
        incident(
            4,
            IncidentType::ArmedClash,
            date!(2026 - 11 - 05),
            "ke-024-l-cheptulel",
        ),
        incident(
            5,
            IncidentType::PeaceMeeting,
            date!(2026 - 11 - 06),
            OMBOLION,
        ),
    ];
    let units = gazetteer::shipped();
    let s = Settings::default();
    let w = warnings(&all, &s, &units);
    let raised = w
        .warnings
        .iter()
        .find(|w| w.reports == vec![id(1)])
        .expect("the killing's warning");
    assert_eq!(FollowUps::new(&all, &units).of(raised, &s, 14), 1);
}

/// An incident in a unit of the gazetteer, one below a location, one the gazetteer lacks, or
/// none.
fn arb_placed_incident() -> impl Strategy<Value = Incident> {
    (arb_incident(), 0usize..6).prop_map(|(mut i, u)| {
        match u {
            0 => i.unit = None,
            1 => i.unit = Some("ke-024-v-takaywa".into()),
            2 => i.unit = Some("ke-024-l-not-in-the-gazetteer".into()),
            _ => {}
        }
        i
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn follow_ups_silences_and_order_are_what_a_plain_reading_of_every_incident_gives(
        incidents in proptest::collection::vec(arb_placed_incident(), 0..150),
    ) {
        let mut unique = incidents;
        unique.sort_by_key(|i| i.report);
        unique.dedup_by_key(|i| i.report);
        let units = gazetteer::shipped();
        let by_id = gazetteer::by_id(&units);
        let s = Settings::default();
        let lies_in = |i: &Incident, area: &str| {
            i.unit
                .as_deref()
                .is_some_and(|u| gazetteer::ancestors(&by_id, u).contains(&area))
        };
        let raised = warnings(&unique, &s, &units).warnings;
        prop_assert!(raised
            .windows(2)
            .all(|w| (w[0].day, w[0].id) > (w[1].day, w[1].id)));
        let follow_ups = FollowUps::new(&unique, &units);
        for w in &raised {
            let areas: Vec<&str> = match w.rule {
                Rule::Report => vec![trigger::location_of(&by_id, &w.area)],
                Rule::BorderTrend => s.borders[&w.area].iter().map(String::as_str).collect(),
                _ => vec![w.area.as_str()],
            };
            let end = w.day + Duration::days(14);
            let followed = unique
                .iter()
                .filter(|i| i.is_conflict() && i.day >= w.day && i.day <= end)
                .filter(|i| !w.reports.contains(&i.report))
                .filter(|i| areas.iter().any(|a| lies_in(i, a)))
                .count();
            prop_assert_eq!(follow_ups.of(w, &s, 14), followed, "{:?}", w);
        }
        let today = date!(2026 - 09 - 01);
        let mut last: std::collections::BTreeMap<&str, Date> = Default::default();
        for u in units.iter().filter(|u| matches!(u.kind.as_str(), "sub_county" | "location")) {
            if let Some(day) = unique.iter().filter(|i| lies_in(i, &u.id)).map(|i| i.day).max() {
                last.insert(&u.id, day);
            }
        }
        let silent: Vec<(String, Date)> = last
            .into_iter()
            .filter(|(_, d)| today - *d >= Duration::days(30))
            .map(|(a, d)| (a.to_owned(), d))
            .collect();
        let found: Vec<(String, Date)> = silences(&unique, &units, today, 30)
            .into_iter()
            .map(|s| (s.area, s.since))
            .collect();
        prop_assert_eq!(found, silent);
    }
}
