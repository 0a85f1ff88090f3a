//! The labels of every closed vocabulary, in English and Kiswahili, from one file
//! (`data/vocabulary.json`) that the summaries and the desktop app read too: incident types,
//! urgency, species, agencies, source kinds, statuses, outcomes, roles, unit kinds, resources
//! and early-warning indicators. A test fails if any key a Rust vocabulary knows lacks a label,
//! or if the file names a key no vocabulary knows.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::domain::Lang;

/// The file, as shipped.
pub const JSON: &str = include_str!("../data/vocabulary.json");

/// One key of a vocabulary, with its labels.
#[derive(Debug, Clone, Deserialize)]
pub struct Term {
    pub key: String,
    pub en: String,
    pub sw: String,
    /// A short form for narrow columns (agencies).
    #[serde(default)]
    pub short: Option<String>,
    /// The family an early-warning indicator belongs to; the file lists each family's
    /// indicators together, in the families' order.
    #[serde(default)]
    pub family: Option<String>,
}

impl Term {
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Sw => &self.sw,
        }
    }
}

/// Every vocabulary by name (`incident_type`, `species`, ...), its terms in the order forms
/// show them.
pub fn sets() -> &'static HashMap<String, Vec<Term>> {
    static SETS: OnceLock<HashMap<String, Vec<Term>>> = OnceLock::new();
    SETS.get_or_init(|| {
        let mut all: HashMap<String, serde_json::Value> =
            serde_json::from_str(JSON).expect("the shipped vocabulary is JSON");
        all.remove("_");
        all.into_iter()
            .map(|(name, terms)| {
                let terms: Vec<Term> =
                    serde_json::from_value(terms).expect("the shipped vocabulary's terms");
                (name, terms)
            })
            .collect()
    })
}

/// The term `key` of vocabulary `set`, if the file has it.
pub fn term(set: &str, key: &str) -> Option<&'static Term> {
    sets().get(set)?.iter().find(|t| t.key == key)
}

/// The label of `key` in `set`, or the key itself when the file lacks it (a value written by
/// a newer version).
pub fn label<'a>(set: &str, key: &'a str, lang: Lang) -> &'a str
where
    'static: 'a,
{
    term(set, key).map_or(key, |t| t.label(lang))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Agency, IncidentType, Indicator, IndicatorFamily, Role, SourceKind};
    use crate::domain::{Species, Urgency};

    fn keys(set: &str) -> Vec<&'static str> {
        sets()
            .get(set)
            .unwrap_or_else(|| panic!("no vocabulary {set}"))
            .iter()
            .map(|t| t.key.as_str())
            .collect()
    }

    fn same(set: &str, rust: Vec<&str>) {
        let mut file = keys(set);
        let mut rust = rust;
        file.sort_unstable();
        rust.sort_unstable();
        assert_eq!(file, rust, "{set}: the file and the Rust vocabulary differ");
        for t in &sets()[set] {
            assert!(
                !t.en.trim().is_empty() && !t.sw.trim().is_empty(),
                "{set}.{} lacks a label",
                t.key
            );
        }
    }

    #[test]
    fn every_key_of_every_vocabulary_has_both_labels_and_no_more() {
        same(
            "incident_type",
            IncidentType::ALL.iter().map(|v| v.as_str()).collect(),
        );
        same("urgency", Urgency::ALL.iter().map(|v| v.as_str()).collect());
        same("species", Species::ALL.iter().map(|v| v.as_str()).collect());
        same("agency", Agency::ALL.iter().map(|v| v.as_str()).collect());
        same(
            "source_kind",
            SourceKind::ALL.iter().map(|v| v.as_str()).collect(),
        );
        same(
            "indicator",
            Indicator::ALL.iter().map(|v| v.as_str()).collect(),
        );
        same(
            "indicator_family",
            IndicatorFamily::ALL.iter().map(|v| v.as_str()).collect(),
        );
        let mut roles: Vec<&str> = Role::ALL.iter().map(|v| v.as_str()).collect();
        roles.push("hub");
        same("role", roles);
        same("resource", crate::needs::RESOURCES.to_vec());
        same("unit_kind", crate::gazetteer::KINDS.to_vec());
        same(
            "outcome",
            crate::lifecycle::Outcome::ALL
                .iter()
                .map(|o| o.as_str())
                .collect(),
        );
        same("status", crate::lifecycle::STATUSES.to_vec());
        for a in &sets()["agency"] {
            assert!(a.short.is_some(), "agency {} lacks its short form", a.key);
        }
    }

    #[test]
    fn each_indicator_names_its_family_and_the_families_come_in_order() {
        let families = keys("indicator_family");
        let mut last = 0;
        for t in &sets()["indicator"] {
            let rust = Indicator::ALL
                .iter()
                .find(|i| i.as_str() == t.key)
                .map(|i| i.family().as_str());
            assert_eq!(t.family.as_deref(), rust, "indicator {}: family", t.key);
            let at = families
                .iter()
                .position(|f| Some(*f) == rust)
                .expect("a known family");
            assert!(
                at >= last,
                "indicator {} is out of its family's place",
                t.key
            );
            last = at;
        }
    }

    #[test]
    fn an_unknown_key_reads_as_itself() {
        assert_eq!(
            label("incident_type", "meteor_strike", Lang::Sw),
            "meteor_strike"
        );
        assert_eq!(label("species", "camels", Lang::Sw), "ngamia");
    }
}
