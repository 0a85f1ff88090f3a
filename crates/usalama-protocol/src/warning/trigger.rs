//! Triggers: at location level and below, where counts are too sparse for statistics, rules a
//! committee can read at a glance.
//!
//! - **A report**: any killing or abduction; at least the county's threshold of head stolen;
//!   any sighting of an indicator the county marks as provocative. One warning per report,
//!   naming every reason it met.
//! - **A repeat raid**: a raid in a location within the county's window (14 days by default)
//!   of the one before it there.
//! - **Rising signs**: early-warning signs in a location more numerous each week than the week
//!   before, the county's number of weeks running (3 by default); raised on the week the run
//!   reaches that length.
//!
//! A location is a report's unit's `location` ancestor, or the unit itself when it lies above
//! a location (a division, a ward) or is not in the gazetteer.

use std::collections::BTreeMap;

use time::{Date, Duration};

use super::{Incident, Reason, Rule, Settings, Warning, WarningId};
use crate::gazetteer::{self, Unit};

/// The warning a single report raises, if any.
pub fn of_report(i: &Incident, s: &Settings) -> Option<Warning> {
    let mut reasons = Vec::new();
    if let Some(killed) = i.killed {
        reasons.push(Reason::Killing { killed });
    }
    if let Some(abducted) = i.abducted {
        reasons.push(Reason::Abduction { abducted });
    }
    if i.livestock_stolen >= s.livestock_threshold {
        reasons.push(Reason::LivestockStolen {
            head: i.livestock_stolen,
            threshold: s.livestock_threshold,
        });
    }
    let provocative: Vec<_> = i
        .indicators
        .iter()
        .copied()
        .filter(|x| s.is_provocative(*x))
        .collect();
    if !provocative.is_empty() {
        reasons.push(Reason::Provocative {
            indicators: provocative,
        });
    }
    if reasons.is_empty() {
        return None;
    }
    let area = i.unit.as_deref().unwrap_or_default().to_owned();
    Some(Warning {
        id: WarningId::derive(Rule::Report, &area, &i.report.to_string()),
        rule: Rule::Report,
        area,
        day: i.day,
        reports: vec![i.report],
        reasons,
        trend: None,
        counts: Vec::new(),
    })
}

/// The location a unit counts under: its `location` ancestor, or itself.
pub fn location_of<'a>(units: &BTreeMap<&'a str, &'a Unit>, unit: &'a str) -> &'a str {
    gazetteer::nearest_of_kind(units, unit, "location").unwrap_or(unit)
}

/// Repeat raids: in each location, every raid within `repeat_raid_days` of the raid before it.
pub fn repeat_raids(by_location: &BTreeMap<&str, Vec<&Incident>>, s: &Settings) -> Vec<Warning> {
    let window = Duration::days(i64::from(s.repeat_raid_days));
    let mut out = Vec::new();
    for (location, incidents) in by_location {
        let raids: Vec<&&Incident> = incidents.iter().filter(|i| i.is_raid()).collect();
        for pair in raids.windows(2) {
            let (before, after) = (pair[0], pair[1]);
            if after.day - before.day > window {
                continue;
            }
            let what = format!("{}+{}", before.report, after.report);
            out.push(Warning {
                id: WarningId::derive(Rule::RepeatRaid, location, &what),
                rule: Rule::RepeatRaid,
                area: (*location).to_owned(),
                day: after.day,
                reports: vec![before.report, after.report],
                reasons: Vec::new(),
                trend: None,
                counts: vec![(after.day - before.day).whole_days() as u32],
            });
        }
    }
    out
}

/// Rising signs: in each location, the weeks on which the count of early-warning signs has
/// risen `rising_weeks` weeks running (and had not the week before).
pub fn rising_signs(by_location: &BTreeMap<&str, Vec<&Incident>>, s: &Settings) -> Vec<Warning> {
    let run = s.rising_weeks as usize;
    let mut out = Vec::new();
    for (location, incidents) in by_location {
        let mut weeks: BTreeMap<Date, Vec<&Incident>> = BTreeMap::new();
        for i in incidents.iter().filter(|i| i.is_sign()) {
            weeks.entry(monday(i.day)).or_default().push(i);
        }
        let (Some(first), Some(last)) = (weeks.keys().next(), weeks.keys().last()) else {
            continue;
        };
        let (first, last) = (*first - Duration::weeks(1), *last);
        let counts: Vec<(Date, u32)> = std::iter::successors(Some(first), |d| {
            Some(*d + Duration::weeks(1)).filter(|d| *d <= last)
        })
        .map(|d| (d, weeks.get(&d).map_or(0, |v| v.len() as u32)))
        .collect();
        let rises: Vec<bool> = counts.windows(2).map(|w| w[1].1 > w[0].1).collect();
        for end in run..=rises.len() {
            let rising = rises[end - run..end].iter().all(|r| *r);
            let already = end > run && rises[end - run - 1];
            if !rising || already {
                continue;
            }
            let (week, _) = counts[end];
            let reports = weeks[&week].iter().map(|i| i.report).collect();
            out.push(Warning {
                id: WarningId::derive(Rule::RisingSigns, location, &week.to_string()),
                rule: Rule::RisingSigns,
                area: (*location).to_owned(),
                day: week,
                reports,
                reasons: Vec::new(),
                trend: None,
                counts: counts[end - run..=end].iter().map(|(_, c)| *c).collect(),
            });
        }
    }
    out
}

/// The Monday that starts the week of `day`.
pub fn monday(day: Date) -> Date {
    day - Duration::days(i64::from(day.weekday().number_days_from_monday()))
}
