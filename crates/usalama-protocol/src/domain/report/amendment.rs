//! Amendments: the fields that change, normalised like a whole document, and how a report's
//! stored state takes them.

use serde::Serialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::fields::{Fields, REPORT_FIELDS};
use super::reading::describe;
use crate::domain::text::Origin;
use crate::error::{Broken, Problems, Rule};

/// A correction or addition to a report: only the fields that change (INTERFACES.md,
/// "Amendments"). A field present replaces its earlier value; `people` and `suspects` replace
/// the parts they name; `livestock` entries replace the entry of the same species; `null`
/// means "unknown" for counts and "none" for the optional sections.
#[derive(Debug, Clone, PartialEq)]
pub struct Amendment(Map<String, Value>);

impl Amendment {
    pub fn parse(value: &Value, now: OffsetDateTime) -> Result<Amendment, Problems> {
        Amendment::parse_as(value, now, Origin::Author)
    }

    /// Parses an amendment written by `origin` (see
    /// [`Report::parse_as`](super::Report::parse_as)).
    pub fn parse_as(
        value: &Value,
        now: OffsetDateTime,
        origin: Origin,
    ) -> Result<Amendment, Problems> {
        let object = changed_fields(value)?;
        let mut problems = Problems::default();
        let fields = Fields::parse(object, now, origin, &mut problems);
        refuse_removing_required(object, &mut problems);
        problems.clone().into_result().map_err(|_| problems)?;
        let mut patch = normalised(fields);
        keep_unknown_parts(object, &mut patch);
        Ok(Amendment(patch))
    }

    pub fn changes(&self) -> &Map<String, Value> {
        &self.0
    }

    pub fn into_json(self) -> Value {
        Value::Object(self.0)
    }

    /// The unit this amendment moves the report to, if it names one.
    pub fn unit(&self) -> Option<&str> {
        self.0.get("unit").and_then(Value::as_str)
    }
}

fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// The object an amendment must be, holding at least one change.
fn changed_fields(value: &Value) -> Result<&Map<String, Value>, Problems> {
    let mut problems = Problems::default();
    let Some(object) = value.as_object() else {
        problems.push(
            "",
            format!(
                "an amendment must be a JSON object (got {})",
                describe(value)
            ),
        );
        return Err(problems);
    };
    if object.is_empty() {
        problems.push(
            "",
            format!(
                "an amendment must change at least one field; fields: {}",
                REPORT_FIELDS.join(", ")
            ),
        );
        return Err(problems);
    }
    Ok(object)
}

/// A report always has a type, a time and a narrative: an amendment may change them, never
/// remove them.
fn refuse_removing_required(object: &Map<String, Value>, problems: &mut Problems) {
    for required in ["type", "occurred_at", "narrative"] {
        if object.get(required).is_some_and(Value::is_null) {
            problems.add(
                required,
                Broken::new(
                    Rule::CannotRemove,
                    "cannot be removed (null); give a new value",
                ),
            );
        }
    }
}

/// The patch of the fields present. Each is re-serialised from its parsed value, so the
/// stored patch is normalised exactly like a full document.
fn normalised(fields: Fields) -> Map<String, Value> {
    let mut patch = Map::new();
    let mut put = |key: &str, v: Value| {
        patch.insert(key.to_owned(), v);
    };
    if let Some(v) = fields.kind {
        put("type", to_value(&v));
    }
    if let Some(v) = fields.urgency {
        put("urgency", to_value(&v));
    }
    if let Some(v) = fields.occurred_at {
        put("occurred_at", to_value(&v));
    }
    if let Some(v) = fields.unit {
        put("unit", to_value(&v));
    }
    if let Some(v) = fields.place {
        put("place", to_value(&v));
    }
    if let Some(v) = fields.gps {
        put("gps", to_value(&v));
    }
    if let Some(v) = fields.narrative {
        put("narrative", to_value(&v));
    }
    if let Some(v) = fields.people {
        put("people", to_value(&v));
    }
    if let Some(v) = fields.livestock {
        put("livestock", to_value(&v));
    }
    if let Some(v) = fields.suspects {
        put("suspects", to_value(&v));
    }
    if let Some(v) = fields.agencies_notified {
        put("agencies_notified", to_value(&v));
    }
    if let Some(v) = fields.ob {
        put("ob", to_value(&v));
    }
    if let Some(v) = fields.source {
        put("source", to_value(&v));
    }
    if let Some(v) = fields.indicators {
        put("indicators", to_value(&v));
    }
    patch
}

/// `people` and `suspects` parts given as null mean "unknown": serialising the parsed value
/// leaves them out, so they are put back into the patch.
fn keep_unknown_parts(object: &Map<String, Value>, patch: &mut Map<String, Value>) {
    for section in ["people", "suspects"] {
        if let (Some(Value::Object(given)), Some(Value::Object(out))) =
            (object.get(section), patch.get_mut(section))
        {
            for (k, v) in given {
                if v.is_null() {
                    out.insert(k.clone(), Value::Null);
                }
            }
        }
    }
}

/// Applies an amendment's changes to a report's current state, both as stored JSON.
///
/// Works on JSON rather than typed values so that a state holding fields or values added by a
/// newer version still projects on an older device.
pub fn apply_changes(state: &mut Map<String, Value>, changes: &Map<String, Value>) {
    for (key, value) in changes {
        match (key.as_str(), value, state.get_mut(key)) {
            ("people" | "suspects", Value::Object(parts), Some(Value::Object(current))) => {
                for (k, v) in parts {
                    current.insert(k.clone(), v.clone());
                }
            }
            ("livestock", Value::Array(lines), Some(Value::Array(current))) => {
                for line in lines {
                    let species = line.get("species");
                    match current.iter_mut().find(|c| c.get("species") == species) {
                        Some(slot) => *slot = line.clone(),
                        None => current.push(line.clone()),
                    }
                }
            }
            _ => {
                state.insert(key.clone(), value.clone());
            }
        }
    }
}
