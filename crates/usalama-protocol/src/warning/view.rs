//! Every warning the reports raise, and the areas that have gone silent.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use serde::Serialize;
use time::{Date, Duration};

use super::places::{Place, Places, UnitMap};
use super::trend::{self, Weekly};
use super::trigger::{self, monday};
use super::{Incident, Rule, Settings, TrendFigures, Warning, WarningId};
use crate::gazetteer::{self, Unit};

/// The warnings of a set of reports, newest first (by day, then id).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Warnings {
    pub warnings: Vec<Warning>,
}

/// An area with no report since `since`: a quiet ward is not a safe ward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Silence {
    pub area: String,
    #[serde(serialize_with = "super::iso_date")]
    pub since: Date,
}

/// The warnings `incidents` raise under `settings`. The order incidents come in does not
/// matter.
pub fn warnings(incidents: &[Incident], settings: &Settings, units: &[Unit]) -> Warnings {
    let mut sorted: Vec<&Incident> = incidents.iter().collect();
    sorted.sort_by_key(|a| (a.day, a.report));
    sorted.dedup_by(|a, b| a.report == b.report);
    let places = Places::new(units, sorted.iter().copied());
    let mut by_location: UnitMap<Vec<&Incident>> = UnitMap::default();
    for i in &sorted {
        if let Some(place) = places.of(i) {
            by_location.entry(place.location).or_default().push(i);
        }
    }
    let by_location: BTreeMap<&str, Vec<&Incident>> = by_location.into_iter().collect();
    // Room for a warning from each report, the most there can be; the other rules add few.
    let mut out: Vec<Warning> = Vec::with_capacity(sorted.len());
    out.extend(
        sorted
            .iter()
            .filter_map(|i| trigger::of_report(i, settings)),
    );
    out.extend(trigger::repeat_raids(&by_location, settings));
    out.extend(trigger::rising_signs(&by_location, settings));
    out.extend(trends(&sorted, settings, &places));
    // The keys sorted apart from the warnings, which are large to move about.
    out.sort_by_cached_key(|w| Reverse((w.day, w.id)));
    Warnings { warnings: out }
}

/// Sub-county and border trends over the weeks from the first report to the last.
fn trends(sorted: &[&Incident], s: &Settings, places: &Places<'_>) -> Vec<Warning> {
    let conflict: Vec<&Incident> = sorted.iter().copied().filter(|i| i.is_conflict()).collect();
    let (Some(first), Some(last)) = (conflict.first(), conflict.last()) else {
        return Vec::new();
    };
    let (first, last) = (monday(first.day), monday(last.day));
    // Each area's incidents, in `lists`; which lists a unit's incidents go in, found once per
    // unit.
    let mut slots: BTreeMap<(Rule, &str), usize> = BTreeMap::new();
    let mut lists: Vec<Vec<&Incident>> = Vec::new();
    let mut of_unit: UnitMap<Vec<usize>> = UnitMap::default();
    for i in &conflict {
        let (Some(unit), Some(place)) = (i.unit.as_deref(), places.of(i)) else {
            continue;
        };
        let unit_slots = of_unit.entry(unit).or_insert_with(|| {
            trend_areas(place, s, &places.units)
                .into_iter()
                .map(|area| {
                    *slots.entry(area).or_insert_with(|| {
                        lists.push(Vec::new());
                        lists.len() - 1
                    })
                })
                .collect()
        });
        for slot in unit_slots.iter() {
            lists[*slot].push(i);
        }
    }
    let mut out = Vec::new();
    for ((rule, area), slot) in slots {
        let incidents = &lists[slot];
        let weeks = ((last - first).whole_weeks() + 1) as usize;
        let mut series = Weekly {
            first_monday: first,
            counts: vec![0; weeks],
        };
        for i in incidents {
            series.counts[((monday(i.day) - first).whole_weeks()) as usize] += 1;
        }
        for week in 0..weeks {
            let Some(surge) = trend::assess(&series, week, &s.trend) else {
                continue;
            };
            let day = first + Duration::weeks(week as i64);
            let reports = incidents
                .iter()
                .filter(|i| monday(i.day) == day)
                .map(|i| i.report)
                .collect();
            out.push(Warning {
                id: WarningId::derive(rule, area, &day.to_string()),
                rule,
                area: area.to_owned(),
                day,
                reports,
                reasons: Vec::new(),
                trend: Some(TrendFigures {
                    count: surge.count,
                    expected: surge.expected,
                    p_value: surge.p_value,
                    years_of_history: surge.years_of_history,
                }),
                counts: Vec::new(),
            });
        }
    }
    out
}

/// The trend areas a place counts in: the sub-counties among its ancestors, and the borders
/// one of whose units is among them.
fn trend_areas<'a>(
    place: &Place<'a>,
    s: &'a Settings,
    units: &BTreeMap<&str, &Unit>,
) -> Vec<(Rule, &'a str)> {
    let mut areas: Vec<(Rule, &str)> = place
        .ancestors
        .iter()
        .filter(|a| units.get(*a).is_some_and(|u| u.kind == "sub_county"))
        .map(|a| (Rule::Trend, *a))
        .collect();
    for (border, members) in &s.borders {
        if members
            .iter()
            .any(|m| place.ancestors.contains(&m.as_str()))
        {
            areas.push((Rule::BorderTrend, border.as_str()));
        }
    }
    areas
}

/// The sub-counties and locations with no report for `days` days before `today`, with the day
/// of their last report (areas that never reported are not listed: nothing says they exist to
/// report from).
pub fn silences(incidents: &[Incident], units: &[Unit], today: Date, days: i64) -> Vec<Silence> {
    let by_id: BTreeMap<&str, &Unit> = gazetteer::by_id(units);
    // The last day of each unit named, then of each area it lies in.
    let mut last_named: UnitMap<Date> = UnitMap::default();
    for i in incidents {
        if let Some(unit) = i.unit.as_deref() {
            let d = last_named.entry(unit).or_insert(i.day);
            *d = (*d).max(i.day);
        }
    }
    let mut last: BTreeMap<&str, Date> = BTreeMap::new();
    for (unit, day) in last_named {
        for a in gazetteer::ancestors(&by_id, unit) {
            let kind = by_id.get(a).map(|u| u.kind.as_str());
            if matches!(kind, Some("sub_county" | "location")) {
                let d = last.entry(a).or_insert(day);
                *d = (*d).max(day);
            }
        }
    }
    last.into_iter()
        .filter(|(_, d)| today - *d >= Duration::days(days))
        .map(|(area, since)| Silence {
            area: area.to_owned(),
            since,
        })
        .collect()
}
