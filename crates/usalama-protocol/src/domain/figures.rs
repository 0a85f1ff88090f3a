//! The figures a lead agency records when it closes an incident (INTERFACES.md, "Closing
//! figures"): every key optional, every count a whole number from 0 to
//! [`MAX_COUNT`](super::report::MAX_COUNT) or `null` when unknown.
//!
//! ```json
//! {"livestock": [{"species": "cattle", "recovered": 60}], "arrests": 2,
//!  "firearms_recovered": 1, "people": {"rescued": 0}}
//! ```
//!
//! The desktop app writes the animals recovered as `"livestock_recovered": [{"species",
//! "count"}]`; both forms are read, and a summary counts either.

use serde_json::{Map, Value};

use super::report::Tally;
use super::taxonomy::Species;
use crate::error::{Broken, Problems, Rule};

/// The keys a figures object may hold.
pub const FIGURES_FIELDS: &[&str] = &[
    "livestock",
    "livestock_recovered",
    "arrests",
    "firearms_recovered",
    "people",
];

/// Checks closing figures, naming every field at fault; returns them as given.
pub fn parse_figures(value: &Value) -> Result<Map<String, Value>, Problems> {
    let mut problems = Problems::default();
    let Some(map) = value.as_object() else {
        problems.push(
            "",
            "closing figures must be a JSON object, e.g. {\"arrests\": 2}",
        );
        return Err(problems);
    };
    for (key, v) in map {
        match key.as_str() {
            "arrests" | "firearms_recovered" => count(v, key, &mut problems),
            "people" => match v {
                Value::Object(people) => {
                    for (k, n) in people {
                        if k == "rescued" {
                            count(n, &format!("people.{k}"), &mut problems);
                        } else {
                            problems.add(
                                format!("people.{k}"),
                                Broken::new(
                                    Rule::UnknownField,
                                    "unknown field (a typo?); allowed here: rescued",
                                ),
                            );
                        }
                    }
                }
                _ => problems.push("people", "must be an object such as {\"rescued\": 0}"),
            },
            "livestock" => lines(v, key, "recovered", &mut problems),
            "livestock_recovered" => lines(v, key, "count", &mut problems),
            _ => problems.add(
                key.as_str(),
                Broken::new(
                    Rule::UnknownField,
                    format!(
                        "unknown field (a typo?); fields of closing figures: {}",
                        FIGURES_FIELDS.join(", ")
                    ),
                ),
            ),
        }
    }
    problems.clone().into_result().map_err(|_| problems)?;
    Ok(map.clone())
}

fn count(value: &Value, field: &str, problems: &mut Problems) {
    if let Err(broken) = Tally::parse(value) {
        problems.add(field, broken);
    }
}

/// A list of `{"species", NUMBER}` with one line per species.
fn lines(value: &Value, field: &str, number: &str, problems: &mut Problems) {
    let Value::Array(items) = value else {
        problems.push(
            field,
            format!("must be a list of {{\"species\", \"{number}\"}}"),
        );
        return;
    };
    let mut seen: Vec<Species> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = |k: &str| format!("{field}[{i}].{k}");
        let Some(line) = item.as_object() else {
            problems.push(
                format!("{field}[{i}]"),
                format!("must be {{\"species\", \"{number}\"}}"),
            );
            continue;
        };
        for k in line.keys().filter(|k| *k != "species" && *k != number) {
            problems.add(
                at(k),
                Broken::new(
                    Rule::UnknownField,
                    format!("unknown field (a typo?); allowed here: species, {number}"),
                ),
            );
        }
        match line
            .get("species")
            .and_then(Value::as_str)
            .map(Species::parse)
        {
            Some(Ok(s)) if seen.contains(&s) => problems.add(
                at("species"),
                Broken::new(
                    Rule::DuplicateSpecies,
                    format!("{s} is listed twice; give one entry per species"),
                ),
            ),
            Some(Ok(s)) => seen.push(s),
            Some(Err(e)) => problems.add(at("species"), Broken::new(Rule::Choice, e)),
            None => problems.add(at("species"), Broken::new(Rule::Required, "is required")),
        }
        match line.get(number) {
            Some(n) => count(n, &at(number), problems),
            None => problems.add(at(number), Broken::new(Rule::Required, "is required")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_documented_and_the_desktop_forms_parse() {
        for figures in [
            json!({"livestock": [{"species": "cattle", "recovered": 60}], "arrests": 2,
                   "firearms_recovered": 1, "people": {"rescued": 0}}),
            json!({"arrests": 2, "livestock_recovered": [{"species": "goats", "count": 40}]}),
            json!({"arrests": null}),
            json!({}),
        ] {
            assert_eq!(
                parse_figures(&figures).expect("parses"),
                *figures.as_object().expect("object")
            );
        }
    }

    #[test]
    fn huge_negative_or_unknown_figures_are_refused_by_name() {
        let problems = parse_figures(&json!({
            "arrests": 18_446_744_073_709_551_614u64,
            "firearms_recovered": -1,
            "people": {"rescued": 100_001, "freed": 1},
            "livestock": [{"species": "cattle", "recovered": 1e30},
                          {"species": "cattle", "recovered": 1}],
            "livestock_recovered": [{"species": "zebra", "count": 2}],
            "bribes": 1,
        }))
        .expect_err("refused");
        let fields: Vec<&str> = problems.0.iter().map(|p| p.field.as_str()).collect();
        for field in [
            "arrests",
            "firearms_recovered",
            "people.rescued",
            "people.freed",
            "livestock[0].recovered",
            "livestock[1].species",
            "livestock_recovered[0].species",
            "bribes",
        ] {
            assert!(fields.contains(&field), "{field} in {problems}");
        }
        assert!(parse_figures(&json!([1])).is_err());
    }
}
