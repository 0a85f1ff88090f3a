//! What followed a warning: the conflict incidents in its area in the days after it, counted
//! for every warning from one index of each area's incidents by day rather than by reading
//! every incident again for each.

use std::collections::BTreeSet;

use time::Date;

use super::places::{Places, UnitMap};
use super::{Incident, Rule, Settings, Warning};
use crate::gazetteer::Unit;
use crate::ledger::ReportId;

/// The conflict incidents of each area (every unit an incident lies in), by day.
#[derive(Debug)]
pub struct FollowUps<'a> {
    by_area: UnitMap<'a, Dated>,
    places: Places<'a>,
}

/// One area's conflict incidents, by day and id, with where each day's begin.
#[derive(Debug)]
struct Dated {
    incidents: Vec<(Date, ReportId)>,
    /// The Julian day of the first incident.
    first: i64,
    /// The index of the first incident on or after each day from the first incident's to the
    /// last's, and then the number of incidents.
    starts: Vec<usize>,
}

impl Dated {
    fn new(mut incidents: Vec<(Date, ReportId)>) -> Dated {
        incidents.sort_unstable();
        let julian = |i: &(Date, ReportId)| i64::from(i.0.to_julian_day());
        let (first, last) = match (incidents.first(), incidents.last()) {
            (Some(f), Some(l)) => (julian(f), julian(l)),
            _ => (0, -1),
        };
        let mut starts = Vec::with_capacity(usize::try_from(last - first + 2).unwrap_or(0));
        let mut at = 0;
        for day in first..=last + 1 {
            while incidents.get(at).is_some_and(|i| julian(i) < day) {
                at += 1;
            }
            starts.push(at);
        }
        Dated {
            incidents,
            first,
            starts,
        }
    }

    /// The incidents from Julian day `from` to `to`, both included.
    fn between(&self, from: i64, to: i64) -> &[(Date, ReportId)] {
        let index = |day: i64| match usize::try_from(day - self.first) {
            Ok(n) => self.starts.get(n).copied().unwrap_or(self.incidents.len()),
            Err(_) => 0,
        };
        let (start, end) = (index(from), index(to.saturating_add(1)));
        &self.incidents[start..end.max(start)]
    }
}

impl<'a> FollowUps<'a> {
    pub fn new(incidents: &'a [Incident], units: &'a [Unit]) -> FollowUps<'a> {
        let places = Places::new(units, incidents);
        // Each unit's conflict incidents, then each area's: those of every unit in it.
        let mut by_unit: UnitMap<Vec<(Date, ReportId)>> = UnitMap::default();
        for i in incidents.iter().filter(|i| i.is_conflict()) {
            if let Some(unit) = i.unit.as_deref() {
                by_unit.entry(unit).or_default().push((i.day, i.report));
            }
        }
        let mut by_area: UnitMap<Vec<(Date, ReportId)>> = UnitMap::default();
        for (unit, list) in &by_unit {
            let Some(place) = places.named(unit) else {
                continue;
            };
            for a in &place.ancestors {
                by_area.entry(a).or_default().extend_from_slice(list);
            }
        }
        FollowUps {
            by_area: by_area
                .into_iter()
                .map(|(area, list)| (area, Dated::new(list)))
                .collect(),
            places,
        }
    }

    /// How many conflict incidents in `w`'s area within `days` days after its day, other than those
    /// that raised it (a report warning's area is its location; a trend's, its sub-county or
    /// the border's units).
    pub fn of(&self, w: &Warning, s: &Settings, days: i64) -> usize {
        let from = i64::from(w.day.to_julian_day());
        let window = |area: &str| {
            self.by_area
                .get(area)
                .map_or(&[][..], |d| d.between(from, from.saturating_add(days)))
        };
        if w.rule == Rule::Report {
            // Its one report happened on its day, the window's first: found by binary search
            // rather than by reading the whole window.
            let window = window(self.places.location(&w.area));
            let here = |r: &&ReportId| window.binary_search(&(w.day, **r)).is_ok();
            return window.len() - w.reports.iter().filter(here).count();
        }
        // Any other's reports are a week's in its area, hundreds perhaps: sorted, to be searched.
        let mut reports: Vec<&ReportId> = w.reports.iter().collect();
        reports.sort_unstable();
        let raised = |r: &ReportId| reports.binary_search(&r).is_ok();
        let members = match w.rule {
            Rule::BorderTrend => s.borders.get(&w.area).map_or(&[][..], Vec::as_slice),
            _ => std::slice::from_ref(&w.area),
        };
        if let [area] = members {
            return window(area).iter().filter(|(_, r)| !raised(r)).count();
        }
        // A border's units may nest (a sub-county and a location in it): each incident once.
        let mut seen = BTreeSet::new();
        for area in members {
            seen.extend(window(area).iter().map(|(_, r)| *r).filter(|r| !raised(r)));
        }
        seen.len()
    }
}
