//! An officer's acknowledgement of a warning: who saw it and what was done, in the signed
//! record.
//!
//! One `warning_acknowledged` entry, on the officer's own chain, naming as its subject the
//! report the warning's id points to last (so that it reaches every device that may see that
//! report, the reporting chief's among them). Its body:
//!
//! ```json
//! {"warning": "W3k9x0c2m4n6p8r1t", "note": "Two KPR teams sent to Kanyerus; elders met."}
//! ```

use serde_json::{json, Map, Value};

use super::WarningId;
use crate::domain::text::{self, Lines, Origin};
use crate::error::{Error, Problems, Result};

/// The longest note, in characters.
pub const MAX_NOTE: usize = 500;

/// A checked acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    pub warning: WarningId,
    /// The action taken.
    pub note: String,
}

impl Acknowledgement {
    /// Reads an acknowledgement, naming every field at fault; `origin` says whether the
    /// character rules of an author apply.
    pub fn parse(doc: &Value, origin: Origin) -> Result<Acknowledgement> {
        let Some(map) = doc.as_object() else {
            return Err(Error::invalid("", "an acknowledgement is a JSON object"));
        };
        let mut problems = Problems::default();
        for key in map
            .keys()
            .filter(|k| !["warning", "note"].contains(&k.as_str()))
        {
            problems.push(
                key.as_str(),
                "is not a field of an acknowledgement; allowed: warning, note",
            );
        }
        let warning = map
            .get("warning")
            .and_then(Value::as_str)
            .and_then(WarningId::parse);
        if warning.is_none() {
            problems.push(
                "warning",
                "is required: a warning id as `usalama warning list` shows it (W and 16 letters \
                 and digits)",
            );
        }
        let note = note(map, origin, &mut problems);
        problems.into_result()?;
        match (warning, note) {
            (Some(warning), Some(note)) => Ok(Acknowledgement { warning, note }),
            _ => Err(Error::invalid("", "the acknowledgement is incomplete")),
        }
    }

    /// The entry's body, in the form [`Acknowledgement::parse`] reads.
    pub fn to_value(&self) -> Value {
        json!({"warning": self.warning.to_string(), "note": self.note})
    }
}

fn note(map: &Map<String, Value>, origin: Origin, problems: &mut Problems) -> Option<String> {
    let text = map.get("note").and_then(Value::as_str).map(str::trim);
    match text {
        Some(t) if !t.is_empty() && t.chars().count() <= MAX_NOTE => {
            if origin == Origin::Author {
                if let Err(message) = text::check(t, Lines::Many) {
                    problems.push("note", message);
                    return None;
                }
            }
            Some(t.to_owned())
        }
        _ => {
            problems.push(
                "note",
                format!("is required: what was done, 1 to {MAX_NOTE} characters"),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::warning::Rule;

    #[test]
    fn an_acknowledgement_reads_back_as_itself() {
        let a = Acknowledgement {
            warning: WarningId::derive(Rule::Report, "ke-024-l-ombolion", "x"),
            note: "Teams sent.".into(),
        };
        assert_eq!(
            Acknowledgement::parse(&a.to_value(), Origin::Author).expect("parsed"),
            a
        );
    }

    #[test]
    fn a_missing_note_or_a_bad_id_is_named() {
        let err = Acknowledgement::parse(
            &json!({"warning": "nonsense", "note": "  ", "by": "me"}),
            Origin::Author,
        )
        .expect_err("refused")
        .to_string();
        for field in ["warning", "note", "by"] {
            assert!(err.contains(field), "{field}: {err}");
        }
        let long = "x".repeat(MAX_NOTE + 1);
        let id = WarningId::derive(Rule::Trend, "a", "b").to_string();
        assert!(
            Acknowledgement::parse(&json!({"warning": id, "note": long}), Origin::Author).is_err()
        );
    }
}
