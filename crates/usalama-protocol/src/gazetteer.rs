//! The gazetteer: the county's administrative and electoral units.
//!
//! Two branches that are never merged: electoral (county → constituency → ward) and
//! administrative (county → sub-county → division → location → sub-location → village).
//! Shipped unit ids are fixed in `data/gazetteer.json`, so every device and the hub agree on them
//! without talking, and an id never changes when a unit is renamed.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::error::{Broken, Rule};

/// The units shipped with this version.
const SHIPPED: &str = include_str!("../data/gazetteer.json");

/// The kinds of unit, in order from the county down each branch.
pub const KINDS: &[&str] = &[
    "county",
    "constituency",
    "ward",
    "sub_county",
    "division",
    "location",
    "sub_location",
    "village",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub parent: Option<String>,
    /// The name in Kiswahili, where it differs.
    #[serde(default)]
    pub sw_name: Option<String>,
    /// The official code (IEBC for wards and constituencies, the county code for the county).
    #[serde(default)]
    pub code: Option<String>,
    /// A retired unit keeps its reports but is offered for no new ones.
    #[serde(default)]
    pub retired: bool,
}

/// The units shipped with this version, parents before children.
/// The problem of an id that names no unit of the county, with where to find the ids.
pub fn unknown_unit(id: &str) -> Broken {
    Broken::new(
        Rule::UnknownUnit,
        format!("unknown unit {id:?}; see `usalama units list` for the ids"),
    )
}

pub fn shipped() -> Vec<Unit> {
    // The file is part of the build; a test checks that it parses.
    serde_json::from_str(SHIPPED).unwrap_or_default()
}

/// The id of the county unit, where a report with no unit and a reporter with no unit counts.
pub const COUNTY: &str = "ke-024";

/// The longest name a unit may have, in characters.
pub const MAX_NAME: usize = 100;

/// Whether `id` has the shape of a unit id: letters, digits, `-` and `_`, 1 to 100 of them.
pub fn is_unit_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `root` and every unit below it, on whichever branch `root` lies. Each unit is listed once,
/// so a loop of parents (which no unit entry may make, but a damaged store might hold) ends
/// the walk instead of running forever.
pub fn subtree<'a>(units: &'a [Unit], root: &str) -> Vec<&'a str> {
    let mut out: Vec<&str> = units
        .iter()
        .filter(|u| u.id == root)
        .map(|u| u.id.as_str())
        .take(1)
        .collect();
    let mut seen: HashSet<&str> = out.iter().copied().collect();
    let mut i = 0;
    while i < out.len() {
        let parent = out[i];
        for u in units {
            if u.parent.as_deref() == Some(parent) && seen.insert(u.id.as_str()) {
                out.push(u.id.as_str());
            }
        }
        i += 1;
    }
    out
}

/// The units by id, for walks up the tree.
pub fn by_id(units: &[Unit]) -> BTreeMap<&str, &Unit> {
    units.iter().map(|u| (u.id.as_str(), u)).collect()
}

/// `unit` and its ancestors, nearest first (`unit` itself even when the gazetteer lacks it). A
/// loop of parents, which a damaged store might hold, ends the walk.
pub fn ancestors<'a>(units: &BTreeMap<&'a str, &'a Unit>, unit: &'a str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut at = Some(unit);
    while let Some(id) = at {
        if out.contains(&id) || out.len() > 16 {
            break;
        }
        out.push(id);
        at = units.get(id).and_then(|u| u.parent.as_deref());
    }
    out
}

/// The nearest of `unit` and its ancestors that is a unit of `kind`.
pub fn nearest_of_kind<'a>(
    units: &BTreeMap<&'a str, &'a Unit>,
    unit: &'a str,
    kind: &str,
) -> Option<&'a str> {
    ancestors(units, unit)
        .into_iter()
        .find(|id| units.get(id).is_some_and(|u| u.kind == kind))
}

/// Whether placing unit `id` under `parent` would make `id` its own ancestor, or reach a loop
/// of parents already there. `parent_of` gives a unit's parent as the gazetteer holds it.
pub fn would_loop(parent_of: impl Fn(&str) -> Option<String>, id: &str, parent: &str) -> bool {
    let mut seen: HashSet<String> = HashSet::new();
    let mut at = parent.to_owned();
    loop {
        if at == id || !seen.insert(at.clone()) {
            return true;
        }
        match parent_of(&at) {
            Some(next) => at = next,
            None => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_gazetteer_has_both_branches_unmerged() {
        let units = shipped();
        let kind = |id: &str| units.iter().find(|u| u.id == id).map(|u| u.kind.as_str());
        assert_eq!(units.iter().filter(|u| u.kind == "ward").count(), 20);
        assert_eq!(units.iter().filter(|u| u.kind == "constituency").count(), 4);
        for u in &units {
            assert!(
                KINDS.contains(&u.kind.as_str()),
                "{} has kind {}",
                u.id,
                u.kind
            );
            let Some(parent) = &u.parent else {
                assert_eq!(u.kind, "county");
                continue;
            };
            let parent_kind = kind(parent).unwrap_or_else(|| panic!("{} has no parent", u.id));
            let electoral = ["constituency", "ward"];
            if electoral.contains(&u.kind.as_str()) {
                assert!(parent_kind == "county" || electoral.contains(&parent_kind));
            } else {
                assert!(
                    !electoral.contains(&parent_kind),
                    "{} is under {parent}",
                    u.id
                );
            }
        }
    }

    #[test]
    fn a_subtree_holds_the_root_and_everything_below_it() {
        let units = shipped();
        let all = subtree(&units, COUNTY);
        assert_eq!(all.len(), units.len());
        let constituency = subtree(&units, "ke-024-c129");
        assert_eq!(constituency.len(), 7);
        assert!(subtree(&units, "nowhere").is_empty());
    }

    fn unit(id: &str, parent: Option<&str>) -> Unit {
        Unit {
            id: id.into(),
            name: id.into(),
            kind: "location".into(),
            parent: parent.map(Into::into),
            sw_name: None,
            code: None,
            retired: false,
        }
    }

    #[test]
    fn a_loop_of_parents_ends_the_subtree_walk() {
        // a -> b -> c -> a, and d under c: each is listed once and the walk ends.
        let units = vec![
            unit("a", Some("c")),
            unit("b", Some("a")),
            unit("c", Some("b")),
            unit("d", Some("c")),
            unit("self", Some("self")),
        ];
        let mut all = subtree(&units, "a");
        all.sort_unstable();
        assert_eq!(all, ["a", "b", "c", "d"]);
        assert_eq!(subtree(&units, "self"), ["self"]);
    }

    #[test]
    fn a_unit_placed_under_its_own_descendant_would_loop() {
        let units = shipped();
        let parent_of = |id: &str| {
            units
                .iter()
                .find(|u| u.id == id)
                .and_then(|u| u.parent.clone())
        };
        let ward = units
            .iter()
            .find(|u| u.kind == "ward")
            .expect("a ward")
            .id
            .clone();
        assert!(would_loop(parent_of, COUNTY, &ward));
        assert!(would_loop(parent_of, &ward, &ward));
        assert!(!would_loop(parent_of, "ke-024-u-new", &ward));
        // A loop already in a damaged gazetteer is found, not walked forever.
        let looped = [unit("x", Some("y")), unit("y", Some("x"))];
        let parent_of = |id: &str| {
            looped
                .iter()
                .find(|u| u.id == id)
                .and_then(|u| u.parent.clone())
        };
        assert!(would_loop(parent_of, "new", "x"));
    }
}
