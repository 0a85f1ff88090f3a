//! Where the reports lie: each unit the reports name walked up the gazetteer once, rather than
//! once for every report that names it (a county's reports name a few hundred units; a store
//! holds a hundred thousand reports).

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

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

/// A map keyed by unit id, hashed by [`UnitHasher`].
pub(super) type UnitMap<'a, V> = HashMap<&'a str, V, BuildHasherDefault<UnitHasher>>;

/// The hash of rustc's own maps (FxHash): many times faster than the default on keys as short as
/// unit ids, which the warnings look up a few times for every report. Unlike the default, its
/// collisions can be chosen; but no one chooses unit ids: admission refuses a report naming a
/// unit the county's gazetteer lacks.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct UnitHasher(u64);

impl UnitHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for UnitHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut w = [0; 8];
            w.copy_from_slice(word);
            self.add(u64::from_le_bytes(w));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut w = [0; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The gazetteer by id, and the place of every unit the incidents name.
#[derive(Debug)]
pub(super) struct Places<'a> {
    pub units: BTreeMap<&'a str, &'a Unit>,
    named: UnitMap<'a, Place<'a>>,
}

impl<'a> Places<'a> {
    pub fn new(units: &'a [Unit], incidents: impl IntoIterator<Item = &'a Incident>) -> Self {
        let units = gazetteer::by_id(units);
        let mut named = UnitMap::default();
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
