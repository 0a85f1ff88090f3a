//! The livestock section: one line per species, with heads stolen, recovered and killed.

use serde::Serialize;
use serde_json::Value;

use super::counts::{tally, Tally};
use super::reading::{describe, vocab, Path};
use crate::domain::taxonomy::Species;
use crate::error::Rule;

/// Heads of one species: stolen, recovered, killed; each may be unknown or an estimate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Livestock {
    pub species: Species,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stolen: Option<Tally>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovered: Option<Tally>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub killed: Option<Tally>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub estimate: bool,
}

pub(super) fn livestock(value: &Value, at: &mut Path<'_>) -> Option<Vec<Livestock>> {
    let Value::Array(items) = value else {
        at.broke(Rule::Other, format!(
            "must be a list of {{\"species\", \"stolen\", \"recovered\", \"killed\", \"estimate\"}} (got {})",
            describe(value)
        ));
        return None;
    };
    let mut lines: Vec<Livestock> = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let line = at.at(&format!("[{i}]"), |p| livestock_line(item, p));
        match line {
            Some(line) if lines.iter().any(|l| l.species == line.species) => {
                at.at(&format!("[{i}].species"), |p| {
                    p.broke(
                        Rule::DuplicateSpecies,
                        format!(
                            "{} is listed twice; give one entry per species",
                            line.species
                        ),
                    )
                });
                ok = false;
            }
            Some(line) => lines.push(line),
            None => ok = false,
        }
    }
    ok.then_some(lines)
}

fn livestock_line(value: &Value, at: &mut Path<'_>) -> Option<Livestock> {
    let Value::Object(map) = value else {
        at.broke(
            Rule::Other,
            format!("must be an object (got {})", describe(value)),
        );
        return None;
    };
    at.unknown_keys(
        map,
        &["species", "stolen", "recovered", "killed", "estimate"],
    );
    let species = match map.get("species") {
        Some(v) => at.at("species", |p| p.check(vocab(v, Species::parse))),
        None => {
            at.at("species", |p| p.broke(Rule::Required, "is required"));
            None
        }
    };
    let mut counts = [None, None, None];
    let mut ok = true;
    for (key, slot) in ["stolen", "recovered", "killed"]
        .iter()
        .zip(counts.iter_mut())
    {
        if let Some(v) = map.get(*key) {
            *slot = at.at(key, |p| tally(v, p));
            ok &= slot.is_some();
        }
    }
    let estimate = match map.get("estimate") {
        None | Some(Value::Null) => Some(false),
        Some(Value::Bool(b)) => Some(*b),
        Some(other) => at.at("estimate", |p| {
            p.broke(
                Rule::YesNo,
                format!("must be true or false (got {})", describe(other)),
            );
            None
        }),
    };
    let [stolen, recovered, killed] = counts;
    match (species, estimate) {
        (Some(species), Some(estimate)) if ok => Some(Livestock {
            species,
            stolen,
            recovered,
            killed,
            estimate,
        }),
        _ => None,
    }
}
