//! The key figures of a period and how each report adds to them: counts of incidents, people
//! and livestock, honest about numbers that were estimated or never given.

use serde::Serialize;
use serde_json::Value;

use super::words::{self, fill, Words};
use crate::domain::report::MAX_COUNT;
use crate::domain::{IncidentType, Lang, Species};

/// A number of people or animals added up over reports, honest about what is not known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Amount {
    /// The sum of every number given.
    pub known: u64,
    /// Some of the numbers added were estimates.
    pub estimated: bool,
    /// How many reports said this happened but gave no number.
    pub unknown: u32,
}

/// A stored count as a summary reads it: a whole number from 0 to [`MAX_COUNT`], or `None`
/// (unknown) for anything else. Parsing refuses larger counts, but a store written before the
/// hub checked received entries may hold one (`killed = 2^64 - 2`), and it must neither panic
/// a summary nor swamp its totals.
pub(super) fn count_of(value: &Value) -> Option<u64> {
    value.as_u64().filter(|n| *n <= MAX_COUNT)
}

// The sums below saturate: even a store holding counts that no parser accepts adds up
// without overflowing.
impl Amount {
    pub(super) fn add(&mut self, value: Option<u64>, estimate: bool) {
        match value {
            Some(n) => {
                self.known = self.known.saturating_add(n);
                self.estimated |= estimate && n > 0;
            }
            None => self.unknown = self.unknown.saturating_add(1),
        }
    }

    pub(super) fn merge(&mut self, other: Amount) {
        self.known = self.known.saturating_add(other.known);
        self.estimated |= other.estimated;
        self.unknown = self.unknown.saturating_add(other.unknown);
    }

    /// Nothing given at all, not even "unknown".
    pub fn is_nothing(self) -> bool {
        self.known == 0 && self.unknown == 0
    }

    /// "150", "about 150", "at least 150", "at least about 150", "unknown number", or "0".
    pub fn phrase(self, w: &Words) -> String {
        let n = self.known.to_string();
        let number = if self.estimated {
            fill(w.about, &[("n", &n)])
        } else {
            n
        };
        match (self.known, self.unknown) {
            (0, 0) => "0".into(),
            (0, _) => w.unknown_number.into(),
            (_, 0) => number,
            _ => fill(w.at_least, &[("n", &number)]),
        }
    }
}

/// People killed, injured or abducted: the total, and the men, women and children where reports
/// split them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PeopleTotal {
    pub total: Amount,
    pub men: Amount,
    pub women: Amount,
    pub children: Amount,
    /// People counted in the total by reports that gave no split.
    pub not_split: u64,
}

impl PeopleTotal {
    pub(super) fn add(&mut self, figure: Option<&Value>) {
        match figure {
            None => {}
            Some(Value::Object(split)) => {
                let mut any_unknown = false;
                for (key, part) in [
                    ("men", &mut self.men),
                    ("women", &mut self.women),
                    ("children", &mut self.children),
                ] {
                    match split.get(key) {
                        None => {}
                        Some(v) => {
                            let n = count_of(v);
                            part.add(n, false);
                            match n {
                                Some(n) => self.total.known = self.total.known.saturating_add(n),
                                None => any_unknown = true,
                            }
                        }
                    }
                }
                if any_unknown {
                    self.total.unknown = self.total.unknown.saturating_add(1);
                }
            }
            Some(v) => {
                let n = count_of(v);
                self.total.add(n, false);
                self.not_split = self.not_split.saturating_add(n.unwrap_or(0));
            }
        }
    }

    pub(super) fn merge(&mut self, other: PeopleTotal) {
        self.total.merge(other.total);
        self.men.merge(other.men);
        self.women.merge(other.women);
        self.children.merge(other.children);
        self.not_split = self.not_split.saturating_add(other.not_split);
    }

    /// "5 (men 2, women 1, children 1, not split 1)", or just the total when nothing was split.
    pub fn phrase(self, w: &Words) -> String {
        let total = self.total.phrase(w);
        let parts: Vec<String> = [
            (w.men, self.men),
            (w.women, self.women),
            (w.children, self.children),
        ]
        .iter()
        .filter(|(_, a)| !a.is_nothing())
        .map(|(label, a)| format!("{label} {}", a.phrase(w)))
        .collect();
        if parts.is_empty() {
            return total;
        }
        let mut parts = parts;
        if self.not_split > 0 {
            parts.push(format!("{} {}", w.not_split, self.not_split));
        }
        format!("{total} ({})", parts.join(", "))
    }
}

/// Heads of one species stolen, recovered and killed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SpeciesFigures {
    pub species: Species,
    pub stolen: Amount,
    pub recovered: Amount,
    pub killed: Amount,
}

/// Which livestock count a sentence is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LivestockCount {
    Stolen,
    Recovered,
    Killed,
}

impl SpeciesFigures {
    pub fn get(&self, which: LivestockCount) -> Amount {
        match which {
            LivestockCount::Stolen => self.stolen,
            LivestockCount::Recovered => self.recovered,
            LivestockCount::Killed => self.killed,
        }
    }
}

/// Incidents of one type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TypeCount {
    #[serde(rename = "type")]
    pub kind: IncidentType,
    pub count: u32,
}

/// The key figures of one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// Every incident counted (linked reports count once, under their primary report).
    pub incidents: u32,
    /// Every type of the taxonomy, in its order, zeros included.
    pub by_type: Vec<TypeCount>,
    pub killed: PeopleTotal,
    pub injured: PeopleTotal,
    pub abducted: PeopleTotal,
    /// Every species, in the vocabulary's order.
    pub livestock: Vec<SpeciesFigures>,
    /// Incidents of type `firearm`.
    pub firearms: u32,
    /// Incidents of type `arrest`.
    pub arrests: u32,
    /// People arrested, as the lead agency recorded when closing incidents.
    pub arrested: u64,
    /// Firearms recovered, as the lead agency recorded when closing incidents.
    pub firearms_recovered: u64,
    pub early_warnings: u32,
    pub peace_meetings: u32,
    /// Incidents of type `livestock_recovered`.
    pub recoveries: u32,
    /// Incidents not closed.
    pub open: u32,
    /// Incidents by status: pending, received, acknowledged, responding, closed.
    pub by_status: Vec<(String, u32)>,
}

pub use crate::lifecycle::STATUSES;

impl Default for Figures {
    fn default() -> Self {
        Figures {
            incidents: 0,
            by_type: IncidentType::ALL
                .iter()
                .map(|&kind| TypeCount { kind, count: 0 })
                .collect(),
            killed: PeopleTotal::default(),
            injured: PeopleTotal::default(),
            abducted: PeopleTotal::default(),
            livestock: Species::ALL
                .iter()
                .map(|&species| SpeciesFigures {
                    species,
                    stolen: Amount::default(),
                    recovered: Amount::default(),
                    killed: Amount::default(),
                })
                .collect(),
            firearms: 0,
            arrests: 0,
            arrested: 0,
            firearms_recovered: 0,
            early_warnings: 0,
            peace_meetings: 0,
            recoveries: 0,
            open: 0,
            by_status: STATUSES.iter().map(|s| ((*s).to_owned(), 0)).collect(),
        }
    }
}

impl Figures {
    pub fn of_type(&self, kind: IncidentType) -> u32 {
        self.by_type
            .iter()
            .find(|t| t.kind == kind)
            .map_or(0, |t| t.count)
    }

    pub fn species(&self, species: Species) -> Option<&SpeciesFigures> {
        self.livestock.iter().find(|f| f.species == species)
    }

    pub fn status(&self, status: &str) -> u32 {
        self.by_status
            .iter()
            .find(|(s, _)| s == status)
            .map_or(0, |(_, n)| *n)
    }

    /// "at least 150 cattle, about 20 goats, plus an unknown number of sheep", or `None` when no
    /// report gave this count for any species.
    pub fn livestock_sentence(
        &self,
        which: LivestockCount,
        lang: Lang,
        w: &Words,
    ) -> Option<String> {
        let mut known = Vec::new();
        let mut unknown = Vec::new();
        for f in &self.livestock {
            let a = f.get(which);
            let name = words::species(lang, f.species);
            if a.known > 0 {
                known.push(format!("{} {name}", a.phrase(w)));
            } else if a.unknown > 0 {
                unknown.push(name);
            }
        }
        if known.is_empty() && unknown.is_empty() {
            return None;
        }
        let unknown_part = (!unknown.is_empty()).then(|| {
            let what = join_and(&unknown, w.and);
            if known.is_empty() {
                format!("{} ({what})", w.unknown_number)
            } else {
                fill(w.plus_unknown, &[("what", &what)])
            }
        });
        let mut parts = known;
        parts.extend(unknown_part);
        Some(parts.join(", "))
    }
}

fn join_and(items: &[&str], and: &str) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} {and} {last}", init.join(", ")),
    }
}
