//! The gazetteer: the county's administrative and electoral units.
//!
//! Two branches that are never merged: electoral (county → constituency → ward) and
//! administrative (county → sub-county → division → location → sub-location → village).
//! Shipped unit ids are fixed in `data/gazetteer.json`, so every device and the hub agree on them
//! without talking, and an id never changes when a unit is renamed.

use serde::{Deserialize, Serialize};

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
pub fn shipped() -> Vec<Unit> {
    // The file is part of the build; a test checks that it parses.
    serde_json::from_str(SHIPPED).unwrap_or_default()
}

/// The id of the county unit, where a report with no unit and a reporter with no unit counts.
pub const COUNTY: &str = "ke-024";

/// `root` and every unit below it, on whichever branch `root` lies.
pub fn subtree<'a>(units: &'a [Unit], root: &str) -> Vec<&'a str> {
    let mut out: Vec<&str> = units
        .iter()
        .filter(|u| u.id == root)
        .map(|u| u.id.as_str())
        .collect();
    let mut i = 0;
    while i < out.len() {
        let parent = out[i];
        out.extend(
            units
                .iter()
                .filter(|u| u.parent.as_deref() == Some(parent))
                .map(|u| u.id.as_str()),
        );
        i += 1;
    }
    out
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
}
