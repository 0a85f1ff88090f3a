//! Early warning: the ledger's records turned into warnings the security committee acts on,
//! computed alike on every device from the reports it may see.
//!
//! Nothing here reads a clock: the warnings are a function of the reports (as folded from
//! their entries), the county's [`Settings`] and the gazetteer, so two devices holding the same
//! entries, in any order, show the same warnings with the same ids.
//!
//! - [`trigger`]: rules at location level and below, where counts are too sparse for
//!   statistics: a report that tells of a killing, an abduction, many head stolen or a
//!   provocative sign; a second raid in a location within days; signs rising weeks running.
//! - [`trend`]: a sub-county's or a border's weekly count unusually high for the season.
//! - [`settings`]: the county's thresholds, provocative indicators, trend test and borders.
//! - [`ack`]: an officer's acknowledgement of a warning, with the action taken.
//!
//! A warning's id is derived from what raised it (the rule, the area, the report or week), so
//! every device names it the same and an acknowledgement recorded on one device finds its
//! warning on every other.

pub mod ack;
#[doc(hidden)]
pub mod backtest;
pub mod settings;
pub mod trend;
pub mod trigger;
mod view;

use std::fmt;

use serde::Serialize;
use sha2::{Digest, Sha256};
use time::Date;

use crate::domain::report::PeopleFigure;
use crate::domain::{IncidentType, Indicator, Report, Tally};
use crate::ledger::ReportId;

pub use ack::Acknowledgement;
pub use settings::Settings;
pub use view::{silences, warnings, FollowUps, Silence, Warnings};

/// A warning's id: 10 bytes of a hash of what raised it, written `W` and 16 characters of
/// Crockford base32, like a report id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WarningId(pub ReportId);

impl WarningId {
    /// The id of the warning raised by `rule` in `area` from `what` (report ids or a week).
    pub fn derive(rule: Rule, area: &str, what: &str) -> WarningId {
        let mut h = Sha256::new();
        for part in ["usalama.warning", rule.as_str(), area, what] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        let mut id = [0; 10];
        id.copy_from_slice(&h.finalize()[..10]);
        WarningId(ReportId(id))
    }

    /// Parses the form [`fmt::Display`] writes (the `W` may be left out).
    pub fn parse(text: &str) -> Option<WarningId> {
        let t = text.trim();
        let t = t.strip_prefix(['W', 'w']).unwrap_or(t);
        ReportId::parse(t).map(WarningId)
    }
}

impl fmt::Display for WarningId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "W{}", self.0)
    }
}

impl Serialize for WarningId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What raised a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// One report told of a killing, an abduction, many head stolen or a provocative sign.
    Report,
    /// A second raid in the same location within the county's window.
    RepeatRaid,
    /// Early-warning signs in a location rising weeks running.
    RisingSigns,
    /// A sub-county's weekly count unusually high for the season.
    Trend,
    /// The same, summed along one of the county's borders.
    BorderTrend,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Report => "report",
            Rule::RepeatRaid => "repeat_raid",
            Rule::RisingSigns => "rising_signs",
            Rule::Trend => "trend",
            Rule::BorderTrend => "border_trend",
        }
    }
}

/// Why a single report raised a warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    Killing { killed: Option<u32> },
    Abduction { abducted: Option<u32> },
    LivestockStolen { head: u32, threshold: u32 },
    Provocative { indicators: Vec<Indicator> },
}

/// One warning, as every device that may see its reports computes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    pub id: WarningId,
    pub rule: Rule,
    /// The unit (a location, a sub-county) or the border the warning is about.
    pub area: String,
    /// The day of the incident, or the first day of the week, that raised it.
    #[serde(serialize_with = "iso_date")]
    pub day: Date,
    /// The reports that raised it, the latest last: an acknowledgement names the last, so that
    /// it reaches whoever may see it.
    pub reports: Vec<ReportId>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<Reason>,
    /// For trends: the week's count, what the season leads one to expect, how unusual it is
    /// and how many earlier years the expectation rests on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trend: Option<TrendFigures>,
    /// For rising signs and repeat raids: the counts that raised it, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub counts: Vec<u32>,
}

impl Warning {
    /// The report an acknowledgement names.
    pub fn anchor(&self) -> ReportId {
        *self.reports.last().expect("a warning has a report")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendFigures {
    pub count: u32,
    pub expected: f64,
    pub p_value: f64,
    pub years_of_history: u32,
}

pub(crate) fn iso_date<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

/// What the warnings read of one report: its current content, folded from its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub report: ReportId,
    pub kind: IncidentType,
    /// The day it happened, in East Africa Time.
    pub day: Date,
    pub unit: Option<String>,
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
            unit: r.unit.clone(),
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
        PeopleFigure::Split(s) => {
            let parts = [s.men, s.women, s.children];
            let sum = parts
                .iter()
                .filter_map(|t| t.and_then(Tally::known))
                .fold(0u32, u32::saturating_add);
            let unknown = parts.contains(&Some(Tally::UNKNOWN));
            (sum > 0 || !unknown).then_some(sum)
        }
    });
    match known {
        Some(Some(0)) | None if !by_type => None,
        Some(Some(0)) | None => Some(None),
        Some(n) => Some(n),
    }
}
#[cfg(test)]
mod tests;
