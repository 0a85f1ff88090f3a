//! Where the reports lie: each unit the reports name walked up the gazetteer once, rather than
//! once for every report that names it (a county's reports name a few hundred units; a store
//! holds a hundred thousand reports).

use std::collections::{BTreeMap, HashMap};

use super::{trigger, Incident};
use crate::gazetteer::{self, Unit};

/// A unit a report names, placed in the gazetteer.
#[derive(Debug)]
pub(super) struct Place<'a> {
    /// The unit and its ancestors, nearest first.
    pub ancestors: Vec<&'a str>,
    /// The location it counts under (see [`trigger::location_of`]).
    pub location: &'a str,
}

/// The gazetteer by id, and the place of every unit the incidents name.
#[derive(Debug)]
pub(super) struct Places<'a> {
    pub units: BTreeMap<&'a str, &'a Unit>,
    named: HashMap<&'a str, Place<'a>>,
}

impl<'a> Places<'a> {
    pub fn new(units: &'a [Unit], incidents: impl IntoIterator<Item = &'a Incident>) -> Self {
        let units = gazetteer::by_id(units);
        let mut named = HashMap::new();
        for unit in incidents.into_iter().filter_map(|i| i.unit.as_deref()) {
            named.entry(unit).or_insert_with(|| Place {
                ancestors: gazetteer::ancestors(&units, unit),
                location: trigger::location_of(&units, unit),
            });
        }
        Places { units, named }
    }

    /// The place of an incident's unit; `None` for an incident that names none.
    pub fn of(&self, incident: &Incident) -> Option<&Place<'a>> {
        self.named(incident.unit.as_deref()?)
    }

    /// The place of `unit`, if an incident names it.
    pub fn named(&self, unit: &str) -> Option<&Place<'a>> {
        self.named.get(unit)
    }

    /// The location `unit` counts under.
    pub fn location<'b>(&'b self, unit: &'b str) -> &'b str {
        match self.named.get(unit) {
            Some(place) => place.location,
            None => trigger::location_of(&self.units, unit),
        }
    }
}
