//! The whole report document: its fields parsed, the required ones present, and a unit or a
//! place to count it under.

use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;

use super::fields::Fields;
use super::incident::{Gps, Ob, OccurredAt};
use super::livestock::Livestock;
use super::people::People;
use super::reading::describe;
use super::source::Source;
use super::suspects::Suspects;
use crate::domain::taxonomy::{Agency, IncidentType, Indicator, Urgency};
use crate::domain::text::Origin;
use crate::error::{Broken, Problems, Rule};

/// A validated report document (INTERFACES.md, "The report document").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    #[serde(rename = "type")]
    pub kind: IncidentType,
    pub urgency: Urgency,
    pub occurred_at: OccurredAt,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gps: Option<Gps>,
    pub narrative: String,
    #[serde(skip_serializing_if = "is_default")]
    pub people: People,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub livestock: Vec<Livestock>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspects: Option<Suspects>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub agencies_notified: Vec<Agency>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ob: Option<Ob>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// The early-warning indicators the reporter saw (DOMAIN.md), most often on an
    /// `early_warning` report.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<Indicator>,
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

impl Report {
    /// Parses a report document. `now` is this device's clock, for the "not in the future" rule.
    pub fn parse(value: &Value, now: OffsetDateTime) -> Result<Report, Problems> {
        Report::parse_as(value, now, Origin::Author)
    }

    /// Parses a document written by `origin`; `now` is the clock the author's rule is checked
    /// against (for a received entry, the time it was recorded).
    pub fn parse_as(
        value: &Value,
        now: OffsetDateTime,
        origin: Origin,
    ) -> Result<Report, Problems> {
        let mut problems = Problems::default();
        let Some(object) = value.as_object() else {
            problems.push(
                "",
                format!(
                    "a report document must be a JSON object (got {})",
                    describe(value)
                ),
            );
            return Err(problems);
        };
        let fields = Fields::parse(object, now, origin, &mut problems);
        let kind = required(fields.kind, "type", &mut problems);
        let occurred_at = required(fields.occurred_at, "occurred_at", &mut problems);
        let narrative = required(fields.narrative, "narrative", &mut problems);
        let unit = fields.unit.flatten();
        let place = fields.place.flatten();
        if unit.is_none()
            && place.is_none()
            && !problems
                .0
                .iter()
                .any(|p| p.field == "unit" || p.field == "place")
        {
            problems.add(
                "unit",
                Broken::new(
                    Rule::UnitOrPlace,
                    "give at least one of unit (an id from `usalama units list`) and place (a \
                     place name)",
                ),
            );
        }
        match (kind, occurred_at, narrative) {
            (Some(kind), Some(occurred_at), Some(narrative)) if problems.is_empty() => Ok(Report {
                kind,
                urgency: fields.urgency.unwrap_or(Urgency::Routine),
                occurred_at,
                unit,
                place,
                gps: fields.gps.flatten(),
                narrative,
                people: fields.people.unwrap_or_default(),
                livestock: fields.livestock.unwrap_or_default(),
                suspects: fields.suspects.flatten(),
                agencies_notified: fields.agencies_notified.unwrap_or_default(),
                ob: fields.ob.flatten(),
                source: fields.source.flatten(),
                indicators: fields.indicators.unwrap_or_default(),
            }),
            _ => Err(problems),
        }
    }

    /// The document as stored in the ledger: compact JSON, fields in their documented order.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

fn required<T>(value: Option<T>, field: &str, problems: &mut Problems) -> Option<T> {
    if value.is_none() && !problems.0.iter().any(|p| p.field == field) {
        problems.add(field, Broken::new(Rule::Required, "is required"));
    }
    value
}
