//! The county's early-warning settings: the thresholds of the triggers, the indicators it marks
//! as provocative, the trend test and the sub-counties along each border.
//!
//! The hub records them (`usalama-hub warnings set FILE`) as a `warnings_configured` entry in
//! its own chain; every device receives it as it receives the units, and the latest in the
//! chain holds. Until the county sets any, [`Settings::default`] holds. The document, every
//! field optional (a missing one keeps its default):
//!
//! ```json
//! {"livestock_threshold": 50, "repeat_raid_days": 14, "rising_weeks": 3,
//!  "provocative": ["all_male_migration", "pre_raid_blessing", "war_songs"],
//!  "trend": {"alpha": 0.01, "min_count": 3},
//!  "borders": {"turkana": ["ke-024-sc-pokot-north"], "uganda": ["ke-024-sc-pokot-north"]}}
//! ```

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Value};

use super::trend::TrendTest;
use crate::domain::{Indicator, IndicatorFamily};
use crate::error::{Error, Problems, Result};

const FIELDS: &[&str] = &[
    "livestock_threshold",
    "repeat_raid_days",
    "rising_weeks",
    "provocative",
    "trend",
    "borders",
];

/// The neighbours West Pokot's raids cross to and from.
pub const BORDERS: &[&str] = &[
    "turkana",
    "baringo",
    "elgeyo_marakwet",
    "trans_nzoia",
    "uganda",
];

/// The largest head count a livestock threshold may be.
pub const MAX_LIVESTOCK_THRESHOLD: u64 = 100_000;
/// The longest window, in days, between two raids in a location.
pub const MAX_REPEAT_DAYS: u64 = 365;
/// The longest run of rising weeks a trigger may wait for.
pub const MAX_RISING_WEEKS: u64 = 12;

/// The county's settings, checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settings {
    /// At least this many head stolen in one report raises a warning.
    pub livestock_threshold: u32,
    /// A second raid in the same location within this many days raises a warning.
    pub repeat_raid_days: u32,
    /// Early-warning signs in a location rising this many weeks running raise a warning.
    pub rising_weeks: u32,
    /// Indicators any sighting of which raises a warning.
    pub provocative: Vec<Indicator>,
    #[serde(serialize_with = "trend_json")]
    pub trend: TrendTest,
    /// For each border, the units along it (sub-counties, most often).
    pub borders: BTreeMap<String, Vec<String>>,
}

impl Default for Settings {
    fn default() -> Settings {
        let borders: &[(&str, &[&str])] = &[
            (
                "turkana",
                &["ke-024-sc-pokot-north", "ke-024-sc-pokot-central"],
            ),
            (
                "baringo",
                &["ke-024-sc-pokot-central", "ke-024-sc-pokot-south"],
            ),
            (
                "elgeyo_marakwet",
                &["ke-024-sc-pokot-south", "ke-024-sc-kipkomo"],
            ),
            (
                "trans_nzoia",
                &["ke-024-sc-west-pokot", "ke-024-sc-kipkomo"],
            ),
            ("uganda", &["ke-024-sc-pokot-north", "ke-024-sc-west-pokot"]),
        ];
        Settings {
            livestock_threshold: 50,
            repeat_raid_days: 14,
            rising_weeks: 3,
            provocative: Indicator::ALL
                .iter()
                .copied()
                .filter(|i| {
                    matches!(
                        i.family(),
                        IndicatorFamily::Provocative | IndicatorFamily::ArmedIntervention
                    )
                })
                .collect(),
            trend: TrendTest::default(),
            borders: borders
                .iter()
                .map(|(b, units)| (b.to_string(), units.iter().map(|u| u.to_string()).collect()))
                .collect(),
        }
    }
}

fn trend_json<S: serde::Serializer>(t: &TrendTest, s: S) -> std::result::Result<S::Ok, S::Error> {
    json!({"alpha": t.alpha, "min_count": t.min_count}).serialize(s)
}

impl Settings {
    /// Reads a settings document, naming every field at fault. `is_unit` says whether a unit id
    /// is in the county's gazetteer.
    pub fn parse(doc: &Value, is_unit: &dyn Fn(&str) -> bool) -> Result<Settings> {
        let Some(map) = doc.as_object() else {
            return Err(Error::invalid(
                "",
                "the early-warning settings are a JSON object",
            ));
        };
        let mut problems = Problems::default();
        for key in map.keys().filter(|k| !FIELDS.contains(&k.as_str())) {
            problems.push(
                key.as_str(),
                format!(
                    "is not an early-warning setting; allowed: {}",
                    FIELDS.join(", ")
                ),
            );
        }
        let mut s = Settings::default();
        let mut number = |key: &str, min: u64, max: u64, what: &str| -> Option<u32> {
            let v = map.get(key)?;
            match v.as_u64().filter(|n| (min..=max).contains(n)) {
                Some(n) => u32::try_from(n).ok(),
                None => {
                    problems.push(
                        key,
                        format!("must be a whole number of {what} from {min} to {max} (got {v})"),
                    );
                    None
                }
            }
        };
        if let Some(n) = number("livestock_threshold", 1, MAX_LIVESTOCK_THRESHOLD, "head") {
            s.livestock_threshold = n;
        }
        if let Some(n) = number("repeat_raid_days", 1, MAX_REPEAT_DAYS, "days") {
            s.repeat_raid_days = n;
        }
        if let Some(n) = number("rising_weeks", 2, MAX_RISING_WEEKS, "weeks") {
            s.rising_weeks = n;
        }
        if let Some(v) = map.get("provocative") {
            s.provocative = provocative(v, &mut problems);
        }
        if let Some(v) = map.get("trend") {
            s.trend = trend(v, &mut problems);
        }
        if let Some(v) = map.get("borders") {
            s.borders = borders(v, is_unit, &mut problems);
        }
        problems.into_result()?;
        Ok(s)
    }

    /// The document as the hub records it, in the form [`Settings::parse`] reads.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    pub fn is_provocative(&self, indicator: Indicator) -> bool {
        self.provocative.contains(&indicator)
    }
}

fn provocative(v: &Value, problems: &mut Problems) -> Vec<Indicator> {
    let Some(items) = v.as_array() else {
        problems.push("provocative", "must be a list of indicator keys");
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.as_str().map(Indicator::parse) {
            Some(Ok(ind)) if !out.contains(&ind) => out.push(ind),
            Some(Ok(_)) => {}
            Some(Err(e)) => problems.push(format!("provocative[{i}]"), e),
            None => problems.push(format!("provocative[{i}]"), "must be an indicator key"),
        }
    }
    out
}

fn trend(v: &Value, problems: &mut Problems) -> TrendTest {
    let mut t = TrendTest::default();
    let Some(map) = v.as_object() else {
        problems.push("trend", "must be an object with alpha and min_count");
        return t;
    };
    for key in map
        .keys()
        .filter(|k| !["alpha", "min_count"].contains(&k.as_str()))
    {
        problems.push(
            format!("trend.{key}"),
            "is not a trend setting; allowed: alpha, min_count",
        );
    }
    if let Some(a) = map.get("alpha") {
        match a.as_f64().filter(|a| *a > 0.0 && *a <= 0.2) {
            Some(a) => t.alpha = a,
            None => problems.push(
                "trend.alpha",
                format!("must be a probability above 0 and at most 0.2 (got {a})"),
            ),
        }
    }
    if let Some(m) = map.get("min_count") {
        match m.as_u64().filter(|m| (1..=1000).contains(m)) {
            Some(m) => t.min_count = m as u32,
            None => problems.push(
                "trend.min_count",
                format!("must be a whole number of incidents from 1 to 1000 (got {m})"),
            ),
        }
    }
    t
}

fn borders(
    v: &Value,
    is_unit: &dyn Fn(&str) -> bool,
    problems: &mut Problems,
) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let Some(map) = v.as_object() else {
        problems.push("borders", "must be an object from a border to its units");
        return out;
    };
    for (border, units) in map {
        let at = format!("borders.{border}");
        if !BORDERS.contains(&border.as_str()) {
            problems.push(
                at.as_str(),
                format!("is not a border; allowed: {}", BORDERS.join(", ")),
            );
            continue;
        }
        let Some(units) = units.as_array() else {
            problems.push(at.as_str(), "must be a list of unit ids");
            continue;
        };
        let mut ids = Vec::new();
        for (i, u) in units.iter().enumerate() {
            match u.as_str() {
                Some(id) if is_unit(id) => ids.push(id.to_owned()),
                _ => problems.push(
                    format!("{at}[{i}]"),
                    format!("{u} is not a unit of the county's gazetteer"),
                ),
            }
        }
        out.insert(border.clone(), ids);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn any_unit(id: &str) -> bool {
        id.starts_with("ke-024")
    }

    #[test]
    fn an_empty_document_keeps_every_default() {
        let s = Settings::parse(&json!({}), &any_unit).expect("parsed");
        assert_eq!(s, Settings::default());
        assert!(s.is_provocative(Indicator::WarSongs));
        assert!(!s.is_provocative(Indicator::Drought));
    }

    #[test]
    fn the_defaults_read_back_as_themselves() {
        let d = Settings::default();
        assert_eq!(
            Settings::parse(&d.to_value(), &any_unit).expect("parsed"),
            d
        );
    }

    #[test]
    fn every_broken_field_is_named() {
        let err = Settings::parse(
            &json!({"livestock_threshold": -5, "repeat_raid_days": 0, "provocative": ["war_songs", "rain_dance"],
                    "trend": {"alpha": 2, "speed": 1}, "borders": {"mars": [], "uganda": ["nowhere"]},
                    "colour": "red"}),
            &any_unit,
        )
        .expect_err("refused");
        let text = err.to_string();
        for field in [
            "livestock_threshold",
            "repeat_raid_days",
            "provocative[1]",
            "trend.alpha",
            "trend.speed",
            "borders.mars",
            "borders.uganda[0]",
            "colour",
        ] {
            assert!(text.contains(field), "{field} not named in: {text}");
        }
        assert!(text.contains("rain_dance"), "{text}");
    }

    #[test]
    fn a_partial_document_changes_only_what_it_names() {
        let s = Settings::parse(&json!({"livestock_threshold": 200}), &any_unit).expect("parsed");
        assert_eq!(s.livestock_threshold, 200);
        assert_eq!(s.repeat_raid_days, Settings::default().repeat_raid_days);
    }
}
