//! The suspects section: how many, armed or not, where they went; their names and group are
//! restricted.

use serde::Serialize;
use serde_json::{Map, Value};

use super::counts::{tally, Tally};
use super::reading::{describe, optional_text, Path, MAX_TEXT_CHARS};
use crate::domain::text::Lines;
use crate::error::Rule;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Suspects {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<Tally>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub armed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    /// Restricted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Restricted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
}

pub(super) fn suspects(map: &Map<String, Value>, at: &mut Path<'_>) -> Option<Suspects> {
    at.unknown_keys(map, &["count", "armed", "direction", "group", "names"]);
    let mut ok = true;
    let count = match map.get("count") {
        Some(v) => {
            let t = at.at("count", |p| tally(v, p));
            ok &= t.is_some();
            t
        }
        None => None,
    };
    let armed = match map.get("armed") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(other) => {
            at.at("armed", |p| {
                p.broke(
                    Rule::YesNo,
                    format!("must be true, false or null (got {})", describe(other)),
                )
            });
            ok = false;
            None
        }
    };
    let direction = optional_text(map, "direction", at);
    let group = optional_text(map, "group", at);
    let names = match map.get("names") {
        None | Some(Value::Null) => Some(Vec::new()),
        Some(Value::Array(items)) => {
            let mut names = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match at.at(&format!("names[{i}]"), |p| {
                    let t = p.text(item, MAX_TEXT_CHARS, Lines::One);
                    p.check(t)
                }) {
                    Some(n) => names.push(n),
                    None => ok = false,
                }
            }
            Some(names)
        }
        Some(other) => {
            at.at("names", |p| {
                p.broke(
                    Rule::Other,
                    format!("must be a list of names (got {})", describe(other)),
                )
            });
            None
        }
    };
    match (direction, group, names) {
        (Ok(direction), Ok(group), Some(names)) if ok => Some(Suspects {
            count,
            armed,
            direction,
            group,
            names,
        }),
        _ => None,
    }
}
