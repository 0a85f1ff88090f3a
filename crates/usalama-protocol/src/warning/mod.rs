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
mod follow_ups;
mod incident;
mod places;
pub mod settings;
pub mod trend;
pub mod trigger;
mod view;

use std::fmt;

use serde::Serialize;
use sha2::{Digest, Sha256};
use time::Date;

use crate::domain::Indicator;
use crate::ledger::ReportId;

pub use ack::Acknowledgement;
pub use follow_ups::FollowUps;
pub use incident::Incident;
pub use settings::Settings;
pub use view::{silences, warnings, Silence, Warnings};

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

#[cfg(test)]
mod tests;
