//! Every warning the reports raise, and the areas that have gone silent.

use std::collections::BTreeMap;

use serde::Serialize;
use time::{Date, Duration};

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
    let by_id: BTreeMap<&str, &Unit> = gazetteer::by_id(units);
    let mut by_location: BTreeMap<&str, Vec<&Incident>> = BTreeMap::new();
    for i in &sorted {
        if let Some(unit) = i.unit.as_deref() {
            by_location
                .entry(trigger::location_of(&by_id, unit))
                .or_default()
                .push(i);
        }
    }
    let mut out: Vec<Warning> = sorted
        .iter()
        .filter_map(|i| trigger::of_report(i, settings))
        .collect();
    out.extend(trigger::repeat_raids(&by_location, settings));
    out.extend(trigger::rising_signs(&by_location, settings));
    out.extend(trends(&sorted, settings, &by_id));
    out.sort_by_key(|w| std::cmp::Reverse((w.day, w.id)));
    Warnings { warnings: out }
}

/// Sub-county and border trends over the weeks from the first report to the last.
fn trends(sorted: &[&Incident], s: &Settings, units: &BTreeMap<&str, &Unit>) -> Vec<Warning> {
    let conflict: Vec<&Incident> = sorted.iter().copied().filter(|i| i.is_conflict()).collect();
    let (Some(first), Some(last)) = (conflict.first(), conflict.last()) else {
        return Vec::new();
    };
    let (first, last) = (monday(first.day), monday(last.day));
    let mut areas: BTreeMap<(Rule, &str), Vec<&Incident>> = BTreeMap::new();
    for i in &conflict {
        let ancestors = ancestors(units, i.unit.as_deref());
        for a in &ancestors {
            if units.get(a).is_some_and(|u| u.kind == "sub_county") {
                areas.entry((Rule::Trend, a)).or_default().push(i);
            }
        }
        for (border, members) in &s.borders {
            if members.iter().any(|m| ancestors.contains(&m.as_str())) {
                areas
                    .entry((Rule::BorderTrend, border))
                    .or_default()
                    .push(i);
            }
        }
    }
    let mut out = Vec::new();
    for ((rule, area), incidents) in areas {
        let weeks = ((last - first).whole_weeks() + 1) as usize;
        let mut series = Weekly {
            first_monday: first,
            counts: vec![0; weeks],
        };
        for i in &incidents {
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

/// A report's unit and its ancestors, nearest first (none for a report with no unit).
fn ancestors<'a>(units: &BTreeMap<&'a str, &'a Unit>, unit: Option<&'a str>) -> Vec<&'a str> {
    unit.map_or_else(Vec::new, |u| gazetteer::ancestors(units, u))
}

/// The sub-counties and locations with no report for `days` days before `today`, with the day
/// of their last report (areas that never reported are not listed: nothing says they exist to
/// report from).
pub fn silences(incidents: &[Incident], units: &[Unit], today: Date, days: i64) -> Vec<Silence> {
    let by_id: BTreeMap<&str, &Unit> = gazetteer::by_id(units);
    let mut last: BTreeMap<&str, Date> = BTreeMap::new();
    for i in incidents {
        for a in ancestors(&by_id, i.unit.as_deref()) {
            let kind = by_id.get(a).map(|u| u.kind.as_str());
            if matches!(kind, Some("sub_county" | "location")) {
                let d = last.entry(a).or_insert(i.day);
                *d = (*d).max(i.day);
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

/// The conflict incidents of each area (every unit an incident lies in), by day: what follows
/// a warning, found without reading every incident again for each warning.
#[derive(Debug)]
pub struct FollowUps<'a> {
    by_area: BTreeMap<&'a str, Vec<(Date, crate::ledger::ReportId)>>,
    units: BTreeMap<&'a str, &'a Unit>,
}

impl<'a> FollowUps<'a> {
    pub fn new(incidents: &'a [Incident], units: &'a [Unit]) -> FollowUps<'a> {
        let units: BTreeMap<&str, &Unit> = gazetteer::by_id(units);
        let mut by_area: BTreeMap<&str, Vec<(Date, crate::ledger::ReportId)>> = BTreeMap::new();
        for i in incidents.iter().filter(|i| i.is_conflict()) {
            for a in ancestors(&units, i.unit.as_deref()) {
                by_area.entry(a).or_default().push((i.day, i.report));
            }
        }
        for list in by_area.values_mut() {
            list.sort();
        }
        FollowUps { by_area, units }
    }

    /// How many conflict incidents in `w`'s area within `days` days after its day, other than those
    /// that raised it (a report warning's area is its location; a trend's, its sub-county or
    /// the border's units).
    pub fn of(&self, w: &Warning, s: &Settings, days: i64) -> usize {
        let areas: Vec<&str> = match w.rule {
            Rule::BorderTrend => s
                .borders
                .get(&w.area)
                .map(|m| m.iter().map(String::as_str).collect())
                .unwrap_or_default(),
            Rule::Report => vec![trigger::location_of(&self.units, &w.area)],
            _ => vec![w.area.as_str()],
        };
        let end = w.day + Duration::days(days);
        let window = |area: &str| {
            let list = self.by_area.get(area).map_or(&[][..], Vec::as_slice);
            let start = list.partition_point(|(d, _)| *d < w.day);
            let len = list[start..].partition_point(|(d, _)| *d <= end);
            &list[start..start + len]
        };
        let raised = |r: &crate::ledger::ReportId| w.reports.contains(r);
        if let [area] = areas.as_slice() {
            return window(area).iter().filter(|(_, r)| !raised(r)).count();
        }
        // A border's units may nest (a sub-county and a location in it): each incident once.
        let mut seen = std::collections::BTreeSet::new();
        for area in areas {
            seen.extend(window(area).iter().map(|(_, r)| *r).filter(|r| !raised(r)));
        }
        seen.len()
    }
}
