//! The people section: killed, injured and abducted, each one figure or split into men, women
//! and children.

use serde::Serialize;
use serde_json::Value;

use super::counts::{tally, Tally};
use super::reading::{describe, Path};
use crate::error::Rule;

/// People killed, injured or abducted: one figure, or split into men, women and children.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum PeopleFigure {
    Total(Tally),
    Split(Split),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Split {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub men: Option<Tally>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub women: Option<Tally>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub children: Option<Tally>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct People {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub killed: Option<PeopleFigure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub injured: Option<PeopleFigure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abducted: Option<PeopleFigure>,
}

pub(super) fn people(value: &Value, at: &mut Path<'_>) -> Option<People> {
    let Value::Object(map) = value else {
        at.broke(
            Rule::Other,
            format!(
                "must be an object with killed, injured, abducted (got {})",
                describe(value)
            ),
        );
        return None;
    };
    at.unknown_keys(map, &["killed", "injured", "abducted"]);
    let mut people = People::default();
    let mut ok = true;
    for (key, slot) in [
        ("killed", &mut people.killed),
        ("injured", &mut people.injured),
        ("abducted", &mut people.abducted),
    ] {
        let Some(v) = map.get(key) else { continue };
        let figure = at.at(key, |p| people_figure(v, p));
        ok &= figure.is_some();
        *slot = figure;
    }
    ok.then_some(people)
}

fn people_figure(value: &Value, at: &mut Path<'_>) -> Option<PeopleFigure> {
    match value {
        Value::Object(map) => {
            at.unknown_keys(map, &["men", "women", "children"]);
            let mut split = Split {
                men: None,
                women: None,
                children: None,
            };
            let mut ok = true;
            for (key, slot) in [
                ("men", &mut split.men),
                ("women", &mut split.women),
                ("children", &mut split.children),
            ] {
                if let Some(v) = map.get(key) {
                    let t = at.at(key, |p| tally(v, p));
                    ok &= t.is_some();
                    *slot = t;
                }
            }
            ok.then_some(PeopleFigure::Split(split))
        }
        other => tally(other, at).map(PeopleFigure::Total),
    }
}
