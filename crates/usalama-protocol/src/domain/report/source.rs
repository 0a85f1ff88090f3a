//! The source section: where the information came from, restricted because informants'
//! safety depends on it.

use serde::Serialize;
use serde_json::{Map, Value};

use super::reading::{optional_text, vocab, Path, MAX_NARRATIVE_CHARS};
use crate::domain::taxonomy::SourceKind;
use crate::domain::text::Lines;
use crate::error::Rule;

/// Where the information came from. Restricted: informants' safety depends on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub kind: SourceKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

pub(super) fn source(map: &Map<String, Value>, at: &mut Path<'_>) -> Option<Source> {
    at.unknown_keys(map, &["kind", "name", "contact", "notes"]);
    let kind = match map.get("kind") {
        Some(v) => at.at("kind", |p| p.check(vocab(v, SourceKind::parse))),
        None => {
            at.at("kind", |p| {
                p.broke(
                    Rule::Required,
                    format!(
                        "is required when source is given; allowed: {}",
                        SourceKind::ALL
                            .iter()
                            .map(|k| k.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            });
            None
        }
    };
    let name = optional_text(map, "name", at);
    let contact = optional_text(map, "contact", at);
    let notes = match map.get("notes") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => at.at("notes", |p| {
            let t = p.text(v, MAX_NARRATIVE_CHARS, Lines::Many);
            p.check(t).map(Some).ok_or(())
        }),
    };
    match (kind, name, contact, notes) {
        (Some(kind), Ok(name), Ok(contact), Ok(notes)) => Some(Source {
            kind,
            name,
            contact,
            notes,
        }),
        _ => None,
    }
}
