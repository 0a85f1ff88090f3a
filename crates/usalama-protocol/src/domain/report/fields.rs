//! Every field of a document read in one pass, each by its section's parser, with every
//! problem named: what a report and an amendment are both made from.

use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::incident::{agencies, gps, indicators, ob, unit_id, Gps, Ob, OccurredAt};
use super::livestock::{livestock, Livestock};
use super::people::{people, People};
use super::reading::{text, vocab, Path, MAX_NARRATIVE_CHARS, MAX_TEXT_CHARS};
use super::source::{source, Source};
use super::suspects::{suspects, Suspects};
use crate::domain::taxonomy::{Agency, IncidentType, Indicator, Urgency};
use crate::domain::text::{Lines, Origin};
use crate::error::{Broken, Problems, Rule};

/// The fields of a report document, in the order they are documented.
pub const REPORT_FIELDS: &[&str] = &[
    "type",
    "urgency",
    "occurred_at",
    "unit",
    "place",
    "gps",
    "narrative",
    "people",
    "livestock",
    "suspects",
    "agencies_notified",
    "ob",
    "source",
    "indicators",
];

/// Every field of a document, each `None` when absent; nullable fields are `Some(None)` when
/// given as `null`.
#[derive(Default)]
pub(super) struct Fields {
    pub(super) kind: Option<IncidentType>,
    pub(super) urgency: Option<Urgency>,
    pub(super) occurred_at: Option<OccurredAt>,
    pub(super) unit: Option<Option<String>>,
    pub(super) place: Option<Option<String>>,
    pub(super) gps: Option<Option<Gps>>,
    pub(super) narrative: Option<String>,
    pub(super) people: Option<People>,
    pub(super) livestock: Option<Vec<Livestock>>,
    pub(super) suspects: Option<Option<Suspects>>,
    pub(super) agencies_notified: Option<Vec<Agency>>,
    pub(super) ob: Option<Option<Ob>>,
    pub(super) source: Option<Option<Source>>,
    pub(super) indicators: Option<Vec<Indicator>>,
}

impl Fields {
    pub(super) fn parse(
        object: &Map<String, Value>,
        now: OffsetDateTime,
        origin: Origin,
        problems: &mut Problems,
    ) -> Fields {
        let mut f = Fields::default();
        for (key, value) in object {
            let mut at = Path::new(key, origin, problems);
            match key.as_str() {
                "type" => f.kind = at.check(vocab(value, IncidentType::parse)),
                "urgency" => f.urgency = at.check(vocab(value, Urgency::parse)),
                "occurred_at" => f.occurred_at = at.check(OccurredAt::parse(value, now)),
                "unit" => {
                    f.unit = at.nullable(value, |v| {
                        text(v, 100, Lines::One, origin).and_then(unit_id)
                    })
                }
                "place" => {
                    f.place = at.nullable(value, |v| text(v, MAX_TEXT_CHARS, Lines::One, origin))
                }
                "gps" => f.gps = at.nullable(value, gps),
                "narrative" => {
                    f.narrative = at.check(text(value, MAX_NARRATIVE_CHARS, Lines::Many, origin))
                }
                "people" => f.people = people(value, &mut at),
                "livestock" => f.livestock = livestock(value, &mut at),
                "suspects" => f.suspects = at.nullable_section(value, suspects),
                "agencies_notified" => f.agencies_notified = agencies(value, &mut at),
                "ob" => f.ob = at.nullable_section(value, ob),
                "source" => f.source = at.nullable_section(value, source),
                "indicators" => f.indicators = indicators(value, &mut at),
                _ => at.problem(Broken::new(
                    Rule::UnknownField,
                    format!(
                        "unknown field (a typo?); fields of a report: {}",
                        REPORT_FIELDS.join(", ")
                    ),
                )),
            }
        }
        f
    }
}
