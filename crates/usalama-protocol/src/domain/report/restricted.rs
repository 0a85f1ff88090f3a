//! The restricted sections (the source, the suspects' names and group): taken out of a
//! document to be sealed, and put back from a sealed patch.

use serde_json::{Map, Value};

/// Removes the restricted sections from a report document (or a change to one): the whole
/// `source`, and the suspects' names and group.
pub fn strip_restricted(document: &mut Map<String, Value>) {
    take_restricted(document);
}

/// The suspects' parts that are restricted.
const RESTRICTED_SUSPECTS: [&str; 2] = ["names", "group"];

/// Takes the restricted sections out of a report document (or a change to one) and returns
/// them as a restricted patch: `{"source": …, "suspects": {"names": …, "group": …}}`, with only
/// the parts the document held (`null` kept: it removes). An empty map when it held none.
/// A suspects section left empty by a change is dropped from the change.
pub fn take_restricted(document: &mut Map<String, Value>) -> Map<String, Value> {
    let mut patch = Map::new();
    if let Some(source) = document.remove("source") {
        patch.insert("source".into(), source);
    }
    if let Some(Value::Object(suspects)) = document.get_mut("suspects") {
        let parts: Map<String, Value> = RESTRICTED_SUSPECTS
            .iter()
            .filter_map(|k| suspects.remove(*k).map(|v| ((*k).to_owned(), v)))
            .collect();
        if !parts.is_empty() {
            patch.insert("suspects".into(), Value::Object(parts));
        }
    }
    patch
}

/// What a sealed entry of a report's restricted sections holds, read as a restricted patch
/// (see [`take_restricted`]). Entries sealed before the suspects' names and group were sealed
/// hold the source alone: an object with its `kind`, or `null` for "no source any more".
pub fn restricted_patch(sealed: Value) -> Map<String, Value> {
    match sealed {
        Value::Object(map) if !map.contains_key("kind") => map
            .into_iter()
            .filter(|(k, _)| k == "source" || k == "suspects")
            .collect(),
        source => Map::from_iter([("source".to_owned(), source)]),
    }
}

/// Whether a part of a restricted patch gives something: not `null`, not an empty list.
pub fn gives(part: &Value) -> bool {
    !part.is_null() && part.as_array().is_none_or(|a| !a.is_empty())
}

/// Applies a restricted patch to a report document: each part present replaces the earlier
/// one; `null` (or no names) removes it.
pub fn apply_restricted(document: &mut Map<String, Value>, patch: &Map<String, Value>) {
    match patch.get("source") {
        Some(Value::Null) => {
            document.remove("source");
        }
        Some(source) => {
            document.insert("source".into(), source.clone());
        }
        None => {}
    }
    let Some(Value::Object(parts)) = patch.get("suspects") else {
        return;
    };
    if !matches!(document.get("suspects"), Some(Value::Object(_))) {
        if !parts.values().any(gives) {
            return;
        }
        document.insert("suspects".into(), Value::Object(Map::new()));
    }
    let Some(Value::Object(suspects)) = document.get_mut("suspects") else {
        return;
    };
    for key in RESTRICTED_SUSPECTS {
        match parts.get(key) {
            Some(v) if gives(v) => {
                suspects.insert(key.into(), v.clone());
            }
            Some(_) => {
                suspects.remove(key);
            }
            None => {}
        }
    }
}
