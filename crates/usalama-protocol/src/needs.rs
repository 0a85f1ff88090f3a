//! Needs assessments: before an operation, a team lists what it has and what it needs, so the
//! county sees the gaps across every open operation (the field study found agencies short of
//! vehicles, fuel, radios and more).
//!
//! An assessment is one signed entry (`needs_assessed`), written by an agency officer and synced
//! to the county; officers' devices receive every assessment. The document:
//!
//! ```json
//! {"operation": "Recover cattle taken at Kanyerus", "area": "ke-024-l-ombolion",
//!  "from": "2026-11-27", "to": "2026-11-30", "lead": "kdf",
//!  "items": [{"resource": "vehicles", "have": 2, "need": 5},
//!            {"resource": "fuel", "have": 100, "need": 400, "note": "litres"}]}
//! ```

use serde::Serialize;
use serde_json::{Map, Value};
use time::Date;

use crate::domain::text::{self, Lines, Origin};
use crate::domain::Agency;
use crate::error::{Broken, Error, Result, Rule};
use crate::Problems;

/// What a team may need for an operation.
pub const RESOURCES: &[&str] = &[
    "personnel",
    "vehicles",
    "fuel",
    "radios",
    "arms_ammunition",
    "medical",
    "food_water",
    "other",
];

/// The largest quantity, for any resource.
pub const MAX_QUANTITY: u64 = 1_000_000;
const MAX_TEXT: usize = 200;

/// A checked needs assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Needs {
    pub operation: String,
    pub area: String,
    #[serde(serialize_with = "iso_date")]
    pub from: Date,
    #[serde(serialize_with = "iso_date")]
    pub to: Date,
    pub lead: Agency,
    pub items: Vec<Need>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Need {
    pub resource: &'static str,
    pub have: u64,
    pub need: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Need {
    /// What is still missing: never below zero.
    pub fn gap(&self) -> u64 {
        self.need.saturating_sub(self.have)
    }
}

fn iso_date<S: serde::Serializer>(d: &Date, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&d.to_string())
}

fn day(text: &str) -> Option<Date> {
    Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

impl Needs {
    /// Parses a document, naming every field at fault.
    pub fn parse(doc: &Value) -> Result<Needs> {
        Needs::parse_as(doc, Origin::Author)
    }

    /// Parses a document written by `origin` (the character rule binds only an author).
    pub fn parse_as(doc: &Value, origin: Origin) -> Result<Needs> {
        let mut problems = Problems::default();
        let Some(map) = doc.as_object() else {
            return Err(Error::invalid("", "a needs assessment is a JSON object"));
        };
        unknown_fields(map, &mut problems);
        let operation = required_text(map, "operation", origin, &mut problems);
        let area = required_text(map, "area", origin, &mut problems);
        let from = required_day(map, "from", &mut problems);
        let to = required_day(map, "to", &mut problems);
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                problems.push("to", format!("{t} is before from ({f})"));
            }
        }
        let lead = lead(map, &mut problems);
        let items = items(map, origin, &mut problems);
        problems.into_result()?;
        match (operation, area, from, to, lead) {
            (Some(operation), Some(area), Some(from), Some(to), Some(lead)) => Ok(Needs {
                operation,
                area,
                from,
                to,
                lead,
                items,
            }),
            _ => Err(Error::invalid("", "the needs assessment is incomplete")),
        }
    }

    /// The document as stored in the entry, in the form [`Needs::parse`] reads.
    pub fn to_value(&self) -> Value {
        serde_json::json!({
            "operation": self.operation,
            "area": self.area,
            "from": self.from.to_string(),
            "to": self.to.to_string(),
            "lead": self.lead,
            "items": self.items,
        })
    }

    /// Whether the operation is still to come or under way on `today`.
    pub fn open_on(&self, today: Date) -> bool {
        self.to >= today
    }
}

fn unknown_fields(map: &Map<String, Value>, problems: &mut Problems) {
    for key in map.keys() {
        if !["operation", "area", "from", "to", "lead", "items"].contains(&key.as_str()) {
            problems.push(
                key.as_str(),
                "is not a field of a needs assessment; allowed: operation, area, from, to, \
                 lead, items",
            );
        }
    }
}

/// Text of 1 to [`MAX_TEXT`] characters, trimmed.
fn required_text(
    map: &Map<String, Value>,
    k: &str,
    origin: Origin,
    problems: &mut Problems,
) -> Option<String> {
    match map.get(k) {
        Some(Value::String(s)) if !s.trim().is_empty() && s.chars().count() <= MAX_TEXT => {
            match origin {
                Origin::Author => text::check(s.trim(), Lines::One)
                    .map_err(|message| problems.add(k, Broken::new(Rule::Characters, message)))
                    .ok()
                    .map(|()| s.trim().to_owned()),
                Origin::Received => Some(s.trim().to_owned()),
            }
        }
        _ => {
            problems.add(
                k,
                Broken::new(
                    Rule::Required,
                    format!("is required: text of 1 to {MAX_TEXT} characters"),
                ),
            );
            None
        }
    }
}

fn required_day(map: &Map<String, Value>, k: &str, problems: &mut Problems) -> Option<Date> {
    let d = map.get(k).and_then(Value::as_str).and_then(day);
    if d.is_none() {
        problems.add(
            k,
            Broken::new(Rule::Required, "is required: a date as YYYY-MM-DD"),
        );
    }
    d
}

fn lead(map: &Map<String, Value>, problems: &mut Problems) -> Option<Agency> {
    match map.get("lead").and_then(Value::as_str).map(Agency::parse) {
        Some(Ok(a)) => Some(a),
        Some(Err(e)) => {
            problems.add("lead", Broken::new(Rule::Choice, e));
            None
        }
        None => {
            problems.add(
                "lead",
                Broken::new(
                    Rule::Required,
                    "is required: nps, npr, kdf, nis, ngao or cso",
                ),
            );
            None
        }
    }
}

fn items(map: &Map<String, Value>, origin: Origin, problems: &mut Problems) -> Vec<Need> {
    let mut items = Vec::new();
    match map.get("items").and_then(Value::as_array) {
        Some(list) if !list.is_empty() => {
            for (i, item) in list.iter().enumerate() {
                if let Some(need) = Need::parse(item, i, origin, problems) {
                    items.push(need);
                }
            }
        }
        _ => problems.add(
            "items",
            Broken::new(
                Rule::Required,
                "is required: a list of {\"resource\", \"have\", \"need\"}",
            ),
        ),
    }
    items
}

impl Need {
    fn parse(item: &Value, i: usize, origin: Origin, problems: &mut Problems) -> Option<Need> {
        let field = |k: &str| format!("items[{i}].{k}");
        let Some(map) = item.as_object() else {
            problems.push(
                format!("items[{i}]"),
                "must be {\"resource\", \"have\", \"need\"}",
            );
            return None;
        };
        let resource = match map.get("resource").and_then(Value::as_str) {
            Some(r) => RESOURCES.iter().find(|k| **k == r).copied().or_else(|| {
                problems.add(
                    field("resource"),
                    Broken::new(
                        Rule::Choice,
                        format!("unknown resource {r:?}; allowed: {}", RESOURCES.join(", ")),
                    ),
                );
                None
            }),
            None => {
                problems.add(
                    field("resource"),
                    Broken::new(
                        Rule::Required,
                        format!("is required: one of {}", RESOURCES.join(", ")),
                    ),
                );
                None
            }
        };
        let quantity = |k: &str, problems: &mut Problems| match map.get(k).and_then(Value::as_u64) {
            Some(n) if n <= MAX_QUANTITY => Some(n),
            _ => {
                problems.add(
                    field(k),
                    Broken::new(
                        Rule::Count,
                        format!("must be a whole number from 0 to {MAX_QUANTITY}"),
                    )
                    .up_to(MAX_QUANTITY),
                );
                None
            }
        };
        let have = quantity("have", problems);
        let need = quantity("need", problems);
        let note = match map.get("note") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.chars().count() <= MAX_TEXT => {
                match (origin, text::check(s, Lines::One)) {
                    (Origin::Author, Err(message)) => {
                        problems.add(field("note"), Broken::new(Rule::Characters, message));
                        None
                    }
                    _ => Some(s.clone()),
                }
            }
            Some(_) => {
                problems.add(
                    field("note"),
                    Broken::new(
                        Rule::TooLong,
                        format!("must be text of at most {MAX_TEXT} characters"),
                    )
                    .up_to(MAX_TEXT as u64),
                );
                None
            }
        };
        Some(Need {
            resource: resource?,
            have: have?,
            need: need?,
            note,
        })
    }
}

/// The gaps of every open operation, totalled per resource, in [`RESOURCES`] order.
pub fn total_gaps<'a>(
    needs: impl IntoIterator<Item = &'a Needs>,
    today: Date,
) -> Map<String, Value> {
    let mut totals = vec![0u64; RESOURCES.len()];
    for n in needs.into_iter().filter(|n| n.open_on(today)) {
        for item in &n.items {
            if let Some(i) = RESOURCES.iter().position(|r| *r == item.resource) {
                // Saturating: a store written before quantities were bounded may hold any.
                totals[i] = totals[i].saturating_add(item.gap());
            }
        }
    }
    RESOURCES
        .iter()
        .zip(totals)
        .map(|(r, t)| ((*r).to_owned(), Value::from(t)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(to: &str, vehicles: (u64, u64)) -> Value {
        json!({"operation": "Recover cattle", "area": "ke-024-l-ombolion", "from": "2026-11-27",
               "to": to, "lead": "kdf",
               "items": [{"resource": "vehicles", "have": vehicles.0, "need": vehicles.1},
                         {"resource": "fuel", "have": 100, "need": 400, "note": "litres"}]})
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let bad = json!({"operation": "", "area": "x", "from": "27/11/2026", "to": "2026-11-01",
                         "lead": "army", "items": [{"resource": "tanks", "have": -1, "need": 2}],
                         "budget": 5});
        let Err(Error::Invalid(problems)) = Needs::parse(&bad) else {
            panic!("not refused as invalid");
        };
        let fields: Vec<&str> = problems.0.iter().map(|p| p.field.as_str()).collect();
        for f in [
            "budget",
            "operation",
            "from",
            "lead",
            "items[0].resource",
            "items[0].have",
        ] {
            assert!(fields.contains(&f), "{f} not named in {fields:?}");
        }
    }

    #[test]
    fn gaps_of_open_operations_are_totalled_and_never_negative() {
        let today = day("2026-11-28").expect("day");
        let open = Needs::parse(&doc("2026-11-30", (2, 5))).expect("parsed");
        let surplus = Needs::parse(&doc("2026-12-02", (9, 5))).expect("parsed");
        let over = Needs::parse(&doc("2026-11-27", (0, 50))).expect("parsed");
        // What is stored reads back the same.
        assert_eq!(Needs::parse(&open.to_value()).expect("read back"), open);
        let totals = total_gaps([&open, &surplus, &over], today);
        assert_eq!(totals["vehicles"], 3);
        assert_eq!(totals["fuel"], 600);
        assert_eq!(totals["radios"], 0);
    }
}
