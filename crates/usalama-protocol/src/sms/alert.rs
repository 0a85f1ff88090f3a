//! What an alert says: the fields of a report a flash alert carries, as values that can only
//! hold what the format can carry, and the numbers the format gives each vocabulary.

use std::collections::BTreeMap;

use serde_json::Value;
use time::OffsetDateTime;

use super::note::Note;
use super::refusal::Refusal;
use crate::domain::report::{Count, Gps, Tally};
use crate::domain::taxonomy::{IncidentType, Species, Urgency};
use crate::error::{Broken, Rule};

/// A flash alert: what the county needs in the first hour, before the full report syncs.
///
/// Times are carried to the minute (seconds are dropped when it is written). The short form
/// carries neither `position` nor `note`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub kind: IncidentType,
    pub urgency: Urgency,
    /// A unit id of the gazetteer.
    pub unit: String,
    /// When the incident happened: at most 7 days before the alert was sent (or a few minutes
    /// after, as a report's time may be).
    pub occurred_at: OffsetDateTime,
    /// When the alert was made; the receiver refuses it after 7 days.
    pub sent_at: OffsetDateTime,
    /// People killed, injured and abducted: `None` when the report says nothing, unknown when
    /// it says "an unknown number".
    pub killed: Option<Tally>,
    pub injured: Option<Tally>,
    pub abducted: Option<Tally>,
    /// Heads stolen, by species; a species not listed is not said.
    pub stolen: BTreeMap<Species, Tally>,
    /// Whether the head counts are estimates.
    pub estimate: bool,
    pub position: Option<Position>,
    pub note: Note,
}

impl Alert {
    /// The eight figures in the order the format writes them, each with its field's name.
    pub(super) fn figures(&self) -> [(String, Option<Tally>); 8] {
        let stolen = |s: Species| {
            (
                format!("livestock.{s}.stolen"),
                self.stolen.get(&s).copied(),
            )
        };
        [
            ("people.killed".to_owned(), self.killed),
            ("people.injured".to_owned(), self.injured),
            ("people.abducted".to_owned(), self.abducted),
            stolen(SPECIES[0]),
            stolen(SPECIES[1]),
            stolen(SPECIES[2]),
            stolen(SPECIES[3]),
            stolen(SPECIES[4]),
        ]
    }

    /// People killed, injured and abducted as a report's `people` says them: a figure not
    /// said is absent, an unknown one `null`.
    pub fn people(&self) -> serde_json::Map<String, Value> {
        [
            ("killed", self.killed),
            ("injured", self.injured),
            ("abducted", self.abducted),
        ]
        .into_iter()
        .filter_map(|(name, figure)| Some((name.to_owned(), serde_json::json!(figure?))))
        .collect()
    }

    /// The same alert as the short form carries it: no position, no note.
    pub fn without_position_and_note(&self) -> Alert {
        Alert {
            position: None,
            note: Note::default(),
            ..self.clone()
        }
    }
}

/// A known count, by the report parser's rule (0 to `MAX_COUNT`).
pub fn count(n: u32) -> Result<Tally, Refusal> {
    Count::parse(&Value::from(n))
        .map(Tally::Known)
        .map_err(|broken| Refusal::field("count", broken))
}

/// A coarse position: latitude and longitude to the hundredth of a degree (about 1.1 km).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Position {
    /// Hundredths of a degree, −9000 to 9000.
    lat: i32,
    /// Hundredths of a degree, −18000 to 18000.
    lon: i32,
}

/// Bits of a position: 18,001 latitudes times 36,001 longitudes is under 2³⁰.
pub(super) const POSITION_BITS: u32 = 30;
const LONGITUDES: u64 = 36_001;
const POSITIONS: u64 = 18_001 * LONGITUDES;

impl Position {
    /// A report's GPS rounded to the hundredth of a degree; refused as the report parser
    /// refuses GPS out of range.
    pub fn from_gps(gps: Gps) -> Result<Position, Refusal> {
        let in_range = |v: f64, limit: f64| v.is_finite() && v.abs() <= limit;
        if !in_range(gps.lat, 90.0) || !in_range(gps.lon, 180.0) {
            return Err(Refusal::field(
                "position",
                Broken::new(
                    Rule::Gps,
                    format!(
                        "latitude must be from -90 to 90 and longitude from -180 to 180 degrees \
                         (got {}, {})",
                        gps.lat, gps.lon
                    ),
                ),
            ));
        }
        Ok(Position {
            lat: (gps.lat * 100.0).round() as i32,
            lon: (gps.lon * 100.0).round() as i32,
        })
    }

    pub fn lat(&self) -> f64 {
        f64::from(self.lat) / 100.0
    }

    pub fn lon(&self) -> f64 {
        f64::from(self.lon) / 100.0
    }

    pub fn gps(&self) -> Gps {
        Gps {
            lat: self.lat(),
            lon: self.lon(),
        }
    }

    pub(super) fn index(self) -> u64 {
        (self.lat + 9000) as u64 * LONGITUDES + (self.lon + 18000) as u64
    }

    pub(super) fn from_index(index: u64) -> Option<Position> {
        (index < POSITIONS).then(|| Position {
            lat: (index / LONGITUDES) as i32 - 9000,
            lon: (index % LONGITUDES) as i32 - 18000,
        })
    }
}

/// Incident types by the number the format gives them. A new type is appended (older alerts
/// keep their meaning); a test fails until every type of the taxonomy has a number.
pub(super) const KINDS: [IncidentType; 17] = [
    IncidentType::LivestockRaid,
    IncidentType::LivestockTheft,
    IncidentType::ArmedClash,
    IncidentType::Killing,
    IncidentType::AssaultInjury,
    IncidentType::Abduction,
    IncidentType::RoadAmbush,
    IncidentType::AttackOnSecurityForces,
    IncidentType::Firearm,
    IncidentType::PropertyDestruction,
    IncidentType::Displacement,
    IncidentType::Protest,
    IncidentType::Arrest,
    IncidentType::LivestockRecovered,
    IncidentType::PeaceMeeting,
    IncidentType::EarlyWarning,
    IncidentType::Other,
];

pub(super) const URGENCIES: [Urgency; 3] = [Urgency::Flash, Urgency::Urgent, Urgency::Routine];

/// Species in the order their figures are written.
pub(super) const SPECIES: [Species; 5] = [
    Species::Cattle,
    Species::Goats,
    Species::Sheep,
    Species::Camels,
    Species::Donkeys,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vocabulary_key_has_one_number() {
        for kind in IncidentType::ALL {
            assert_eq!(KINDS.iter().filter(|k| *k == kind).count(), 1, "{kind}");
        }
        for urgency in Urgency::ALL {
            assert_eq!(URGENCIES.iter().filter(|u| *u == urgency).count(), 1);
        }
        for species in Species::ALL {
            assert_eq!(SPECIES.iter().filter(|s| *s == species).count(), 1);
        }
        assert!(KINDS.len() * URGENCIES.len() <= 64);
    }

    #[test]
    fn a_position_is_the_gps_to_the_hundredth_and_its_number_reads_back() {
        let lomut = Position::from_gps(Gps {
            lat: 1.7321,
            lon: 35.5123,
        })
        .expect("in range");
        assert_eq!((lomut.lat(), lomut.lon()), (1.73, 35.51));
        for p in [
            lomut,
            Position::from_gps(Gps {
                lat: -90.0,
                lon: -180.0,
            })
            .expect("corner"),
            Position::from_gps(Gps {
                lat: 90.0,
                lon: 180.0,
            })
            .expect("corner"),
        ] {
            assert!(p.index() < 1 << POSITION_BITS);
            assert_eq!(Position::from_index(p.index()), Some(p));
        }
        assert_eq!(Position::from_index(POSITIONS), None);
        for bad in [(91.0, 0.0), (0.0, -180.5), (f64::NAN, 0.0)] {
            let refused = Position::from_gps(Gps {
                lat: bad.0,
                lon: bad.1,
            });
            assert!(matches!(refused, Err(Refusal::Field(p)) if p.rule == Rule::Gps));
        }
    }

    #[test]
    fn a_count_follows_the_report_parsers_bound() {
        assert_eq!(count(100_000).map(|t| t.known()), Ok(Some(100_000)));
        assert!(matches!(count(100_001), Err(Refusal::Field(p)) if p.rule == Rule::Count));
    }
}
