//! The incident itself: when it happened, where (unit, GPS), the Occurrence Book entry and the
//! agencies told of it, each with its parser.

use serde::Serialize;
use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime, PrimitiveDateTime};

use super::reading::{describe, optional_text, vocab, Path};
use crate::domain::taxonomy::{Agency, Indicator};
use crate::domain::text::Lines;
use crate::error::{Broken, Rule};

/// How far ahead of this device's clock `occurred_at` may be (clocks drift).
pub const FUTURE_TOLERANCE: Duration = Duration::minutes(10);

/// Latitude −90..90 and longitude −180..180, in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Gps {
    pub lat: f64,
    pub lon: f64,
}

/// The police Occurrence Book entry, where one was booked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ob {
    pub number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub station: Option<String>,
}

/// When the incident happened, with the offset the reporter gave (East Africa Time, usually).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OccurredAt(OffsetDateTime);

impl OccurredAt {
    pub fn parse(value: &Value, now: OffsetDateTime) -> Result<Self, Broken> {
        let example = "e.g. \"2026-11-20T05:30:00+03:00\"";
        let Value::String(text) = value else {
            return Err(Broken::new(
                Rule::DateTime,
                format!(
                    "must be a date and time with its offset, {example} (got {})",
                    describe(value)
                ),
            ));
        };
        let at = match OffsetDateTime::parse(text, &Rfc3339) {
            Ok(at) => at,
            Err(_) if looks_like_local_time(text) => {
                return Err(Broken::new(
                    Rule::DateTime,
                    format!(
                        "must include the time zone offset, {example} for East Africa Time \
                         (got {text:?})"
                    ),
                ))
            }
            Err(_) => {
                return Err(Broken::new(
                    Rule::DateTime,
                    format!(
                        "must be a date and time with its offset (RFC 3339), {example} \
                         (got {text:?})"
                    ),
                ))
            }
        };
        if at.year() < 2000 {
            return Err(Broken::new(
                Rule::TooEarly,
                format!("must not be before the year 2000 (got {text:?})"),
            ));
        }
        if at > now + FUTURE_TOLERANCE {
            return Err(Broken::new(
                Rule::Future,
                format!(
                    "must not be in the future (got {text:?}; this device's clock says {})",
                    now.to_offset(crate::EAT)
                        .format(&Rfc3339)
                        .unwrap_or_default()
                ),
            ));
        }
        Ok(OccurredAt(at))
    }

    pub fn get(self) -> OffsetDateTime {
        self.0
    }
}

impl Serialize for OccurredAt {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = self.0.format(&Rfc3339).map_err(serde::ser::Error::custom)?;
        s.serialize_str(&text)
    }
}

fn looks_like_local_time(text: &str) -> bool {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let head = text.get(..16).unwrap_or(text);
    PrimitiveDateTime::parse(head, &format).is_ok()
}

pub(super) fn unit_id(id: String) -> Result<String, Broken> {
    if id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        Ok(id)
    } else {
        Err(Broken::new(
            Rule::UnknownUnit,
            format!(
                "must be a unit id from `usalama units list`, such as \"ke-024-w0641\" \
                 (got {id:?})"
            ),
        ))
    }
}

pub(super) fn gps(value: &Value) -> Result<Gps, Broken> {
    let Value::Object(map) = value else {
        return Err(Broken::new(
            Rule::Gps,
            format!(
                "must be {{\"lat\": degrees, \"lon\": degrees}} or null (got {})",
                describe(value)
            ),
        ));
    };
    if let Some(k) = map.keys().find(|k| *k != "lat" && *k != "lon") {
        return Err(Broken::new(
            Rule::UnknownField,
            format!("unknown field {k:?}; allowed here: lat, lon"),
        ));
    }
    let coordinate = |key: &str, limit: f64| -> Result<f64, String> {
        match map.get(key) {
            None => Err(format!("{key} is required")),
            Some(Value::Number(n)) => match n.as_f64() {
                Some(v) if v.is_finite() && v.abs() <= limit => Ok(v),
                _ => Err(format!(
                    "{key} must be from -{limit} to {limit} degrees (got {n})"
                )),
            },
            Some(other) => Err(format!(
                "{key} must be a number of degrees from -{limit} to {limit} (got {})",
                describe(other)
            )),
        }
    };
    let lat = coordinate("lat", 90.0);
    let lon = coordinate("lon", 180.0);
    match (lat, lon) {
        (Ok(lat), Ok(lon)) => Ok(Gps { lat, lon }),
        (Err(a), Err(b)) => Err(Broken::new(Rule::Gps, format!("{a}; {b}"))),
        (Err(e), _) | (_, Err(e)) => Err(Broken::new(Rule::Gps, e)),
    }
}

pub(super) fn agencies(value: &Value, at: &mut Path<'_>) -> Option<Vec<Agency>> {
    keys(
        value,
        at,
        Agency::parse,
        "agencies such as [\"nps\", \"kdf\"]",
    )
}

/// The early-warning indicators a report names: a list of keys, each once.
pub(super) fn indicators(value: &Value, at: &mut Path<'_>) -> Option<Vec<Indicator>> {
    keys(
        value,
        at,
        Indicator::parse,
        "indicators such as [\"war_songs\", \"strangers_scouting\"]",
    )
}

/// A list of keys of one vocabulary, each kept once; every bad item named by its index.
fn keys<T: PartialEq>(
    value: &Value,
    at: &mut Path<'_>,
    parse: fn(&str) -> Result<T, String>,
    what: &str,
) -> Option<Vec<T>> {
    let Value::Array(items) = value else {
        at.broke(
            Rule::Other,
            format!("must be a list of {what} (got {})", describe(value)),
        );
        return None;
    };
    let mut out = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match at.at(&format!("[{i}]"), |p| p.check(vocab(item, parse))) {
            Some(a) if !out.contains(&a) => out.push(a),
            Some(_) => {}
            None => ok = false,
        }
    }
    ok.then_some(out)
}

pub(super) fn ob(map: &Map<String, Value>, at: &mut Path<'_>) -> Option<Ob> {
    at.unknown_keys(map, &["number", "station"]);
    let number = match map.get("number") {
        Some(v) => at.at("number", |p| {
            let t = p.text(v, 100, Lines::One);
            p.check(t)
        }),
        None => {
            at.at("number", |p| {
                p.broke(Rule::Required, "is required when ob is given")
            });
            None
        }
    };
    let station = optional_text(map, "station", at);
    match (number, station) {
        (Some(number), Ok(station)) => Some(Ob { number, station }),
        _ => None,
    }
}
