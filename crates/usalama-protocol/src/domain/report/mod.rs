//! The report document: what a chief records about one incident.
//!
//! Parsing is the only way to make a [`Report`] or an [`Amendment`], so a value of these types is
//! valid by construction. Parsing collects every problem in the document, naming the field and
//! what is allowed, so that the user can fix them all at once.
//!
//! # Layout
//!
//! - `document`: the whole report document and its required fields.
//! - `amendment`: the fields that change, and how a stored state takes them.
//! - `fields`: every field read in one pass, each by its section's parser.
//! - `incident`: when and where, the Occurrence Book entry, the agencies told.
//! - `people`, `livestock`, `suspects`, `source`: one section each, with its parser.
//! - `counts`: whole numbers of people or animals, and unknown counts.
//! - `reading`: where a value sits in a document, and the text and vocabulary readers.
//! - `restricted`: the sections taken out to be sealed, and put back.

mod amendment;
mod counts;
mod document;
mod fields;
mod incident;
mod livestock;
mod people;
mod reading;
mod restricted;
mod source;
mod suspects;

pub use amendment::{apply_changes, Amendment};
pub use counts::{Count, Tally, MAX_COUNT};
pub use document::Report;
pub use fields::REPORT_FIELDS;
pub use incident::{Gps, Ob, OccurredAt, FUTURE_TOLERANCE};
pub use livestock::Livestock;
pub use people::{People, PeopleFigure, Split};
pub use restricted::{
    apply_restricted, gives, restricted_patch, strip_restricted, take_restricted,
};
pub use source::Source;
pub use suspects::Suspects;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Map, Value};

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().expect("object")
    }

    #[test]
    fn restricted_sections_leave_the_document_and_come_back_as_a_patch() {
        let mut doc = map(json!({
            "narrative": "Raid at dawn.",
            "source": {"kind": "informant", "name": "Lokiru"},
            "suspects": {"count": 40, "names": ["Ekai"], "group": "Lomuria"}
        }));
        let patch = take_restricted(&mut doc);
        assert_eq!(
            doc,
            map(json!({"narrative": "Raid at dawn.", "suspects": {"count": 40}}))
        );
        assert_eq!(
            Value::Object(patch.clone()),
            json!({"source": {"kind": "informant", "name": "Lokiru"},
                   "suspects": {"names": ["Ekai"], "group": "Lomuria"}})
        );
        apply_restricted(&mut doc, &patch);
        assert_eq!(doc["suspects"]["names"], json!(["Ekai"]));
        assert_eq!(doc["suspects"]["group"], "Lomuria");
        assert_eq!(doc["source"]["name"], "Lokiru");
        // A later patch replaces only the parts it names; null removes.
        apply_restricted(&mut doc, &map(json!({"suspects": {"group": null}})));
        assert!(doc["suspects"].get("group").is_none());
        assert_eq!(doc["suspects"]["names"], json!(["Ekai"]));
        assert_eq!(doc["source"]["name"], "Lokiru");
    }

    #[test]
    fn a_box_sealed_before_suspects_were_sealed_holds_the_source_alone() {
        let source = json!({"kind": "witness"});
        assert_eq!(
            restricted_patch(source.clone()),
            map(json!({"source": source}))
        );
        assert_eq!(restricted_patch(Value::Null), map(json!({"source": null})));
        // Anything else a newer box might hold is not a section of the document.
        assert_eq!(
            restricted_patch(json!({"suspects": {"names": ["Ekai"]}, "other": 1})),
            map(json!({"suspects": {"names": ["Ekai"]}}))
        );
    }

    #[test]
    fn names_for_a_report_without_suspects_make_the_section() {
        let mut doc = map(json!({"narrative": "x"}));
        apply_restricted(&mut doc, &map(json!({"suspects": {"names": []}})));
        assert!(doc.get("suspects").is_none());
        apply_restricted(&mut doc, &map(json!({"suspects": {"names": ["Ekai"]}})));
        assert_eq!(doc["suspects"], json!({"names": ["Ekai"]}));
    }
}
