//! The report form's view of a problem: the rule it broke, as a code a user interface can say in
//! the user's language.
//!
//! Parsing names the field and says what is allowed in English (for the CLI and the logs). The
//! desktop app shows problems in English or Kiswahili next to the field, so it needs the rule as
//! data, not as a sentence to pick apart. The rule is derived here, beside the parser whose
//! messages it reads, and the tests below pin every message the form can meet; a message this
//! version does not know becomes [`Rule::Other`] and the UI shows it as it is.

use serde::Serialize;

use crate::domain::report::MAX_COUNT;
use crate::error::{Problem, Problems};

/// What a field's value broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The field must be given.
    Required,
    /// A count: a whole number from 0 to [`MAX_COUNT`], or unknown.
    Count,
    /// Text that must not be empty.
    NotEmpty,
    /// Text longer than `max` characters.
    TooLong,
    /// A key of a closed vocabulary (type, urgency, species, agency, source kind).
    Choice,
    /// A date and time with its offset.
    DateTime,
    /// A date before the year 2000.
    TooEarly,
    /// A date later than now.
    Future,
    /// Latitude −90..90, longitude −180..180.
    Gps,
    /// At least one of unit and place.
    UnitOrPlace,
    /// A unit id that is not in the gazetteer.
    UnknownUnit,
    /// A unit that was retired.
    RetiredUnit,
    /// A species listed twice in the livestock table.
    DuplicateSpecies,
    /// Yes or no.
    YesNo,
    /// A required field an amendment tried to remove.
    CannotRemove,
    /// A field the document may not hold.
    UnknownField,
    /// Text holding a control or text-direction character (or a line break in a one-line
    /// field).
    Characters,
    /// A new passphrase shorter than [`crate::keys::MIN_PASSPHRASE_CHARS`].
    PassphraseShort,
    /// A new passphrase that is the example Usalama once suggested.
    PassphraseExample,
    /// A new passphrase that is the user's name or an area's name.
    PassphrasePersonal,
    /// A new passphrase that is digits only, one character repeated, or a very common phrase.
    PassphraseGuessable,
    /// Anything else: show the message as it is.
    Other,
}

/// A problem with its rule, and the limit the rule names where it has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormProblem {
    pub field: String,
    pub rule: Rule,
    /// The largest allowed value (counts) or length (text), when the rule has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<u64>,
    /// The English message, for rules the UI does not know.
    pub message: String,
}

impl FormProblem {
    pub fn of(problem: &Problem) -> FormProblem {
        let (rule, max) = rule_of(&problem.message);
        FormProblem {
            field: problem.field.clone(),
            rule,
            max,
            message: problem.message.clone(),
        }
    }
}

/// Every problem with its rule.
pub fn classify(problems: &Problems) -> Vec<FormProblem> {
    problems.0.iter().map(FormProblem::of).collect()
}

fn rule_of(message: &str) -> (Rule, Option<u64>) {
    let m = message;
    let has = |s: &str| m.contains(s);
    // The passphrase's rules (crate::keys::check_new_passphrase), first: their words are
    // nothing like the report's.
    if m.starts_with("must be at least") && has("characters") && has("several words") {
        (Rule::PassphraseShort, None)
    } else if m.starts_with("is the example phrase") {
        (Rule::PassphraseExample, None)
    } else if m.starts_with("is too easy to guess from who you are") {
        (Rule::PassphrasePersonal, None)
    } else if m.starts_with("is too easy to guess") {
        (Rule::PassphraseGuessable, None)
    } else if has("must not hold control or text-direction characters") {
        (Rule::Characters, None)
    } else if has("whole number from 0 to") {
        (Rule::Count, Some(MAX_COUNT))
    } else if m.starts_with("is required") || m.ends_with(" is required") {
        (Rule::Required, None)
    } else if has("must not be empty") {
        (Rule::NotEmpty, None)
    } else if let Some(rest) = m.strip_prefix("must be at most ") {
        let max = rest.split(' ').next().and_then(|n| n.parse().ok());
        (Rule::TooLong, max)
    } else if has("must not be in the future") {
        (Rule::Future, None)
    } else if has("before the year 2000") {
        (Rule::TooEarly, None)
    } else if has("time zone offset") || has("must be a date and time") {
        (Rule::DateTime, None)
    } else if has("degrees") {
        (Rule::Gps, None)
    } else if has("give at least one of unit") || has("neither unit nor place") {
        (Rule::UnitOrPlace, None)
    } else if has("has been retired") {
        (Rule::RetiredUnit, None)
    } else if m.starts_with("unknown unit") || has("must be a unit id") {
        (Rule::UnknownUnit, None)
    } else if m.starts_with("unknown field") {
        (Rule::UnknownField, None)
    } else if m.starts_with("unknown ") && has("; allowed: ") {
        (Rule::Choice, None)
    } else if has("is listed twice") {
        (Rule::DuplicateSpecies, None)
    } else if has("must be true or false") || has("must be true, false or null") {
        (Rule::YesNo, None)
    } else if has("cannot be removed") {
        (Rule::CannotRemove, None)
    } else {
        (Rule::Other, None)
    }
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

    #[test]
    fn every_rule_the_form_can_break_has_its_code() {
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
        let one = |doc, field: &str, rule, max| {
            assert_eq!(rules(doc), vec![(field.to_owned(), rule, max)]);
        };
        one(
            with("narrative", json!("  ")),
            "narrative",
            Rule::NotEmpty,
            None,
        );
        one(
            with("place", json!("x".repeat(501))),
            "place",
            Rule::TooLong,
            Some(500),
        );
        one(with("type", json!("raid")), "type", Rule::Choice, None);
        one(
            with("agencies_notified", json!(["police"])),
            "agencies_notified[0]",
            Rule::Choice,
            None,
        );
        one(
            with("occurred_at", json!("2099-01-01T00:00:00+03:00")),
            "occurred_at",
            Rule::Future,
            None,
        );
        one(
            with("occurred_at", json!("1999-12-31T00:00:00+03:00")),
            "occurred_at",
            Rule::TooEarly,
            None,
        );
        one(
            with("occurred_at", json!("2026-01-05T10:00")),
            "occurred_at",
            Rule::DateTime,
            None,
        );
        one(
            with("occurred_at", json!("yesterday")),
            "occurred_at",
            Rule::DateTime,
            None,
        );
        one(
            with("gps", json!({"lat": 91, "lon": 35})),
            "gps",
            Rule::Gps,
            None,
        );
        one(
            with("unit", json!("no such unit!")),
            "unit",
            Rule::UnknownUnit,
            None,
        );
        one(
            with("colour", json!("red")),
            "colour",
            Rule::UnknownField,
            None,
        );
        one(
            with(
                "livestock",
                json!([{"species": "goats"}, {"species": "goats"}]),
            ),
            "livestock[1].species",
            Rule::DuplicateSpecies,
            None,
        );
        one(
            with(
                "livestock",
                json!([{"species": "goats", "estimate": "yes"}]),
            ),
            "livestock[0].estimate",
            Rule::YesNo,
            None,
        );
        one(
            with("ob", json!({"station": "Sigor"})),
            "ob.number",
            Rule::Required,
            None,
        );
        one(
            with("source", json!({"name": "A"})),
            "source.kind",
            Rule::Required,
            None,
        );
        one(
            with("narrative", json!("Raiders \u{202E}revir eht\u{202C} fled")),
            "narrative",
            Rule::Characters,
            None,
        );
        one(
            with("place", json!("Sigor\nStatus: closed")),
            "place",
            Rule::Characters,
            None,
        );
        one(
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
