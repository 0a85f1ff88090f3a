//! What the warnings read of one report: its type, day, unit, the people killed or abducted,
//! the head stolen and the indicators named, from its current content.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use crate::domain::report::PeopleFigure;
use crate::domain::{IncidentType, Indicator, Report, Tally};
use crate::ledger::ReportId;

/// What the warnings read of one report: its current content, folded from its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub report: ReportId,
    pub kind: IncidentType,
    /// The day it happened, in East Africa Time.
    pub day: Date,
    /// The unit it names: shared, where it can be, with other incidents naming the same.
    pub unit: Option<Arc<str>>,
    /// `Some(None)`: people were killed, how many is not known.
    pub killed: Option<Option<u32>>,
    pub abducted: Option<Option<u32>>,
    pub livestock_stolen: u32,
    pub indicators: Vec<Indicator>,
}

impl Incident {
    pub fn of(report: ReportId, r: &Report) -> Incident {
        let head = r
            .livestock
            .iter()
            .filter_map(|l| l.stolen.and_then(Tally::known))
            .fold(0u32, u32::saturating_add);
        Incident {
            report,
            kind: r.kind,
            day: r.occurred_at.get().to_offset(crate::clock::EAT).date(),
            unit: r.unit.as_deref().map(Arc::from),
            killed: harmed(r.people.killed.as_ref(), r.kind == IncidentType::Killing),
            abducted: harmed(
                r.people.abducted.as_ref(),
                r.kind == IncidentType::Abduction,
            ),
            livestock_stolen: head,
            indicators: r.indicators.clone(),
        }
    }

    /// Whether it counts towards a trend: an incident of conflict (not a peace meeting, an
    /// early-warning sign, an arrest or a recovery).
    pub fn is_conflict(&self) -> bool {
        !matches!(
            self.kind,
            IncidentType::PeaceMeeting
                | IncidentType::EarlyWarning
                | IncidentType::Arrest
                | IncidentType::LivestockRecovered
                | IncidentType::Other
        )
    }

    /// Whether it tells of an early-warning sign: an early-warning report, or any report naming
    /// a sign of conflict.
    pub fn is_sign(&self) -> bool {
        self.kind == IncidentType::EarlyWarning
            || self.indicators.iter().any(|i| i.is_conflict_sign())
    }

    pub fn is_raid(&self) -> bool {
        matches!(
            self.kind,
            IncidentType::LivestockRaid | IncidentType::LivestockTheft
        )
    }
}

/// How many people a figure counts: `Some(Some(n))` known and above zero, `Some(None)` some
/// but not known how many (or a report of that type with no figure), `None` none.
fn harmed(figure: Option<&PeopleFigure>, by_type: bool) -> Option<Option<u32>> {
    let known = figure.map(|f| match f {
        PeopleFigure::Total(t) => t.known(),
        PeopleFigure::Split(s) => split_total(
            [s.men, s.women, s.children]
                .into_iter()
                .flatten()
                .map(Tally::known),
        ),
    });
    harm(known, by_type)
}

/// The total of the parts given (men, women, children; `None`: not known how many): unknown
/// only when no part is known to be above zero and one is unknown.
fn split_total(parts: impl Iterator<Item = Option<u32>>) -> Option<u32> {
    let (mut sum, mut unknown) = (0u32, false);
    for part in parts {
        match part {
            Some(n) => sum = sum.saturating_add(n),
            None => unknown = true,
        }
    }
    (sum > 0 || !unknown).then_some(sum)
}

/// From a figure (`None`: none given; `Some(None)`: not known how many) to what a warning reads,
/// a report of the type itself counting as harm of unknown size.
fn harm(figure: Option<Option<u32>>, by_type: bool) -> Option<Option<u32>> {
    match figure {
        Some(Some(0)) | None if !by_type => None,
        Some(Some(0)) | None => Some(None),
        Some(n) => Some(n),
    }
}

/// The fields of a stored report document the warnings read; every other is skipped unread.
#[derive(Deserialize)]
struct Facts {
    #[serde(rename = "type")]
    kind: IncidentType,
    occurred_at: String,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    people: Option<Value>,
    #[serde(default)]
    livestock: Vec<Value>,
    #[serde(default)]
    indicators: Vec<Indicator>,
}

impl Incident {
    /// What the warnings read of a stored document (one that was checked when it was recorded),
    /// without checking it again: the fast path for a store of many reports. `None` if it does
    /// not read as a report.
    pub fn of_stored(report: ReportId, document: &str) -> Option<Incident> {
        let f: Facts = serde_json::from_str(document).ok()?;
        let day = OffsetDateTime::parse(&f.occurred_at, &Rfc3339)
            .ok()?
            .to_offset(crate::clock::EAT)
            .date();
        let part = |k: &str| f.people.as_ref().and_then(|p| p.get(k));
        let head = f
            .livestock
            .iter()
            .filter_map(|l| l.get("stolen").and_then(Value::as_u64))
            .fold(0u32, |sum, n| {
                sum.saturating_add(n.min(u64::from(u32::MAX)) as u32)
            });
        Some(Incident {
            report,
            kind: f.kind,
            day,
            unit: f.unit.filter(|u| !u.is_empty()).map(Arc::from),
            killed: stored_figure(part("killed"), f.kind == IncidentType::Killing),
            abducted: stored_figure(part("abducted"), f.kind == IncidentType::Abduction),
            livestock_stolen: head,
            indicators: f.indicators,
        })
    }
}

/// [`harmed`] of a stored figure: a number, `null` (unknown), or men, women and children.
fn stored_figure(v: Option<&Value>, by_type: bool) -> Option<Option<u32>> {
    let known = |v: &Value| v.as_u64().map(|n| n.min(u64::from(u32::MAX)) as u32);
    let figure = match v {
        None => None,
        Some(Value::Object(parts)) => Some(split_total(
            ["men", "women", "children"]
                .iter()
                .filter_map(|k| parts.get(*k))
                .map(known),
        )),
        Some(v) => Some(known(v)),
    };
    harm(figure, by_type)
}
