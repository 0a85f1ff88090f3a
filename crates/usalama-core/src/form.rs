//! The report form's view of a problem: the rule it broke, as a code a user interface can say in
//! the user's language.
//!
//! Each parser names the rule where it finds the problem ([`crate::error::Broken`]), beside the
//! English message for the CLI and the logs; the desktop app shows the rule in English or
//! Kiswahili next to the field. A problem with no rule the form knows is [`Rule::Other`], and the
//! UI shows its message as it is. The tests below pin the rule of every problem the form can
//! meet, from real documents.

use serde::Serialize;

pub use crate::error::Rule;
use crate::error::{Problem, Problems};

/// A problem with its rule, and the limit the rule names where it has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FormProblem {
    pub field: String,
    pub rule: Rule,
    /// The largest allowed value (counts) or length (text), when the rule has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub max: Option<u64>,
    /// The English message, for rules the UI does not know.
    pub message: String,
}

impl FormProblem {
    pub fn of(problem: &Problem) -> FormProblem {
        FormProblem {
            field: problem.field.clone(),
            rule: problem.rule,
            max: problem.limit,
            message: problem.message.clone(),
        }
    }
}

/// Every problem with its rule.
pub fn classify(problems: &Problems) -> Vec<FormProblem> {
    problems.0.iter().map(FormProblem::of).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Amendment, Report};
    use serde_json::{json, Value};
    use time::OffsetDateTime;

    fn rules(document: Value) -> Vec<(String, Rule, Option<u64>)> {
        let problems = Report::parse(&document, OffsetDateTime::now_utc()).expect_err("invalid");
        classify(&problems)
            .into_iter()
            .map(|p| (p.field, p.rule, p.max))
            .collect()
    }

    fn base() -> serde_json::Map<String, Value> {
        json!({"type": "killing", "occurred_at": "2026-01-05T10:00:00+03:00",
               "place": "Sigor", "narrative": "Two herders were shot."})
        .as_object()
        .cloned()
        .unwrap_or_default()
    }

    fn with(key: &str, value: Value) -> Value {
        let mut doc = base();
        doc.insert(key.to_owned(), value);
        Value::Object(doc)
    }

    /// Asserts that `doc` breaks one rule only: `rule`, at `field`.
    fn breaks_one(doc: Value, field: &str, rule: Rule, max: Option<u64>) {
        assert_eq!(rules(doc), vec![(field.to_owned(), rule, max)]);
    }

    #[test]
    fn every_rule_the_form_can_break_has_its_code() {
        required_fields_and_counts();
        texts_and_choices();
        dates();
        places_units_sections_and_characters();
    }

    fn required_fields_and_counts() {
        assert_eq!(
            rules(json!({})),
            vec![
                ("type".into(), Rule::Required, None),
                ("occurred_at".into(), Rule::Required, None),
                ("narrative".into(), Rule::Required, None),
                ("unit".into(), Rule::UnitOrPlace, None),
            ]
        );
        let count = |field: &str, doc| {
            assert_eq!(rules(doc), vec![(field.into(), Rule::Count, Some(100_000))]);
        };
        count("people.killed", with("people", json!({"killed": -1})));
        count("people.killed", with("people", json!({"killed": 100_001})));
        count(
            "people.injured.women",
            with("people", json!({"injured": {"women": 1.5}})),
        );
        count(
            "livestock[0].stolen",
            with(
                "livestock",
                json!([{"species": "cattle", "stolen": "many"}]),
            ),
        );
        count("suspects.count", with("suspects", json!({"count": -4})));
    }

    fn texts_and_choices() {
        breaks_one(
            with("narrative", json!("  ")),
            "narrative",
            Rule::NotEmpty,
            None,
        );
        breaks_one(
            with("place", json!("x".repeat(501))),
            "place",
            Rule::TooLong,
            Some(500),
        );
        breaks_one(with("type", json!("raid")), "type", Rule::Choice, None);
        breaks_one(
            with("agencies_notified", json!(["police"])),
            "agencies_notified[0]",
            Rule::Choice,
            None,
        );
    }

    fn dates() {
        breaks_one(
            with("occurred_at", json!("2099-01-01T00:00:00+03:00")),
            "occurred_at",
            Rule::Future,
            None,
        );
        breaks_one(
            with("occurred_at", json!("1999-12-31T00:00:00+03:00")),
            "occurred_at",
            Rule::TooEarly,
            None,
        );
        breaks_one(
            with("occurred_at", json!("2026-01-05T10:00")),
            "occurred_at",
            Rule::DateTime,
            None,
        );
        breaks_one(
            with("occurred_at", json!("yesterday")),
            "occurred_at",
            Rule::DateTime,
            None,
        );
    }

    fn places_units_sections_and_characters() {
        breaks_one(
            with("gps", json!({"lat": 91, "lon": 35})),
            "gps",
            Rule::Gps,
            None,
        );
        breaks_one(
            with("unit", json!("no such unit!")),
            "unit",
            Rule::UnknownUnit,
            None,
        );
        breaks_one(
            with("colour", json!("red")),
            "colour",
            Rule::UnknownField,
            None,
        );
        breaks_one(
            with(
                "livestock",
                json!([{"species": "goats"}, {"species": "goats"}]),
            ),
            "livestock[1].species",
            Rule::DuplicateSpecies,
            None,
        );
        breaks_one(
            with(
                "livestock",
                json!([{"species": "goats", "estimate": "yes"}]),
            ),
            "livestock[0].estimate",
            Rule::YesNo,
            None,
        );
        breaks_one(
            with("ob", json!({"station": "Sigor"})),
            "ob.number",
            Rule::Required,
            None,
        );
        breaks_one(
            with("source", json!({"name": "A"})),
            "source.kind",
            Rule::Required,
            None,
        );
        breaks_one(
            with("narrative", json!("Raiders \u{202E}revir eht\u{202C} fled")),
            "narrative",
            Rule::Characters,
            None,
        );
        breaks_one(
            with("place", json!("Sigor\nStatus: closed")),
            "place",
            Rule::Characters,
            None,
        );
        breaks_one(
            with("suspects", json!({"names": ["A\u{1b}[2J"]})),
            "suspects.names[0]",
            Rule::Characters,
            None,
        );
    }

    #[test]
    fn an_amendment_removing_a_required_field_is_named() {
        let problems = Amendment::parse(&json!({"narrative": null}), OffsetDateTime::now_utc())
            .expect_err("invalid");
        assert!(classify(&problems)
            .iter()
            .any(|p| p.field == "narrative" && p.rule == Rule::CannotRemove));
    }

    #[test]
    fn every_passphrase_refusal_has_its_code() {
        use crate::keys::{check_new_passphrase, OwnWords};
        let own = OwnWords::of("Joseph Korkimul", &crate::gazetteer::shipped());
        let rule = |passphrase: &str| match check_new_passphrase(passphrase, &own) {
            Err(crate::Error::Invalid(problems)) => {
                let p = &classify(&problems)[0];
                assert_eq!(p.field, "passphrase");
                p.rule
            }
            other => panic!("{passphrase:?}: {other:?}"),
        };
        assert_eq!(rule("short"), Rule::PassphraseShort);
        assert_eq!(rule("cows drink at the borehole"), Rule::PassphraseExample);
        assert_eq!(rule("Joseph Korkimul"), Rule::PassphrasePersonal);
        assert_eq!(rule("Kapenguria123"), Rule::PassphrasePersonal);
        assert_eq!(rule("1234567890"), Rule::PassphraseGuessable);
        assert_eq!(rule("zzzzzzzzzzzz"), Rule::PassphraseGuessable);
        assert_eq!(rule("password1234"), Rule::PassphraseGuessable);
    }

    #[test]
    fn an_unknown_message_keeps_its_words() {
        let p = FormProblem::of(&Problem::new("x", "something new"));
        assert_eq!((p.rule, p.message.as_str()), (Rule::Other, "something new"));
    }
}
