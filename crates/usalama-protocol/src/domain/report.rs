//! The report document: what a chief records about one incident.
//!
//! Parsing is the only way to make a [`Report`] or an [`Amendment`], so a value of these types is
//! valid by construction. Parsing collects every problem in the document, naming the field and
//! what is allowed, so that the user can fix them all at once.

use serde::Serialize;
use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime, PrimitiveDateTime};

use super::taxonomy::{Agency, IncidentType, SourceKind, Species, Urgency};
use super::text::{self, Lines, Origin};
use crate::error::{Broken, Problems, Rule};

/// The largest head count or people count a report may hold.
pub const MAX_COUNT: u64 = 100_000;
/// How far ahead of this device's clock `occurred_at` may be (clocks drift).
pub const FUTURE_TOLERANCE: Duration = Duration::minutes(10);
const MAX_NARRATIVE_CHARS: usize = 20_000;
const MAX_TEXT_CHARS: usize = 500;

/// A whole number of people or animals, 0 to [`MAX_COUNT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Count(u32);

impl Count {
    pub fn parse(value: &Value) -> Result<Self, Broken> {
        let allowed = format!("a whole number from 0 to {MAX_COUNT}, or null when unknown");
        let broken = |message| Broken::new(Rule::Count, message).up_to(MAX_COUNT);
        match value {
            Value::Number(n) => match n.as_u64() {
                Some(v) if v <= MAX_COUNT => Ok(Count(v as u32)),
                Some(v) => Err(broken(format!(
                    "must be {allowed} (got {v}, which is too large)"
                ))),
                None => Err(broken(format!("must be {allowed} (got {n})"))),
            },
            other => Err(broken(format!(
                "must be {allowed} (got {})",
                describe(other)
            ))),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// A count that may be unknown: `null` on the wire, kept distinct from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Tally {
    Known(Count),
    Unknown(()),
}

impl Tally {
    pub const UNKNOWN: Tally = Tally::Unknown(());

    pub fn parse(value: &Value) -> Result<Self, Broken> {
        if value.is_null() {
            Ok(Tally::UNKNOWN)
        } else {
            Count::parse(value).map(Tally::Known)
        }
    }

    pub fn known(self) -> Option<u32> {
        match self {
            Tally::Known(c) => Some(c.get()),
            Tally::Unknown(()) => None,
        }
    }
}

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

/// Heads of one species: stolen, recovered, killed; each may be unknown or an estimate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Livestock {
    pub species: Species,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stolen: Option<Tally>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovered: Option<Tally>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub killed: Option<Tally>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub estimate: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Suspects {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<Tally>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub armed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    /// Restricted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Restricted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
}

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

/// Where the information came from. Restricted: informants' safety depends on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub kind: SourceKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
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

/// A validated report document (INTERFACES.md, "The report document").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    #[serde(rename = "type")]
    pub kind: IncidentType,
    pub urgency: Urgency,
    pub occurred_at: OccurredAt,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gps: Option<Gps>,
    pub narrative: String,
    #[serde(skip_serializing_if = "is_default")]
    pub people: People,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub livestock: Vec<Livestock>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspects: Option<Suspects>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub agencies_notified: Vec<Agency>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ob: Option<Ob>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// The fields of a report document, in the order they are documented.
pub const REPORT_FIELDS: &[&str] = &[
    "type",
    "urgency",
    "occurred_at",
    "unit",
    "place",
    "gps",
    "narrative",
    "people",
    "livestock",
    "suspects",
    "agencies_notified",
    "ob",
    "source",
];

impl Report {
    /// Parses a report document. `now` is this device's clock, for the "not in the future" rule.
    pub fn parse(value: &Value, now: OffsetDateTime) -> Result<Report, Problems> {
        Report::parse_as(value, now, Origin::Author)
    }

    /// Parses a document written by `origin`; `now` is the clock the author's rule is checked
    /// against (for a received entry, the time it was recorded).
    pub fn parse_as(
        value: &Value,
        now: OffsetDateTime,
        origin: Origin,
    ) -> Result<Report, Problems> {
        let mut problems = Problems::default();
        let Some(object) = value.as_object() else {
            problems.push(
                "",
                format!(
                    "a report document must be a JSON object (got {})",
                    describe(value)
                ),
            );
            return Err(problems);
        };
        let fields = Fields::parse(object, now, origin, &mut problems);
        let kind = required(fields.kind, "type", &mut problems);
        let occurred_at = required(fields.occurred_at, "occurred_at", &mut problems);
        let narrative = required(fields.narrative, "narrative", &mut problems);
        let unit = fields.unit.flatten();
        let place = fields.place.flatten();
        if unit.is_none()
            && place.is_none()
            && !problems
                .0
                .iter()
                .any(|p| p.field == "unit" || p.field == "place")
        {
            problems.add(
                "unit",
                Broken::new(
                    Rule::UnitOrPlace,
                    "give at least one of unit (an id from `usalama units list`) and place (a \
                     place name)",
                ),
            );
        }
        match (kind, occurred_at, narrative) {
            (Some(kind), Some(occurred_at), Some(narrative)) if problems.is_empty() => Ok(Report {
                kind,
                urgency: fields.urgency.unwrap_or(Urgency::Routine),
                occurred_at,
                unit,
                place,
                gps: fields.gps.flatten(),
                narrative,
                people: fields.people.unwrap_or_default(),
                livestock: fields.livestock.unwrap_or_default(),
                suspects: fields.suspects.flatten(),
                agencies_notified: fields.agencies_notified.unwrap_or_default(),
                ob: fields.ob.flatten(),
                source: fields.source.flatten(),
            }),
            _ => Err(problems),
        }
    }

    /// The document as stored in the ledger: compact JSON, fields in their documented order.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

fn required<T>(value: Option<T>, field: &str, problems: &mut Problems) -> Option<T> {
    if value.is_none() && !problems.0.iter().any(|p| p.field == field) {
        problems.add(field, Broken::new(Rule::Required, "is required"));
    }
    value
}

/// A correction or addition to a report: only the fields that change (INTERFACES.md,
/// "Amendments"). A field present replaces its earlier value; `people` and `suspects` replace
/// the parts they name; `livestock` entries replace the entry of the same species; `null`
/// means "unknown" for counts and "none" for the optional sections.
#[derive(Debug, Clone, PartialEq)]
pub struct Amendment(Map<String, Value>);

impl Amendment {
    pub fn parse(value: &Value, now: OffsetDateTime) -> Result<Amendment, Problems> {
        Amendment::parse_as(value, now, Origin::Author)
    }

    /// Parses an amendment written by `origin` (see [`Report::parse_as`]).
    pub fn parse_as(
        value: &Value,
        now: OffsetDateTime,
        origin: Origin,
    ) -> Result<Amendment, Problems> {
        let mut problems = Problems::default();
        let Some(object) = value.as_object() else {
            problems.push(
                "",
                format!(
                    "an amendment must be a JSON object (got {})",
                    describe(value)
                ),
            );
            return Err(problems);
        };
        if object.is_empty() {
            problems.push(
                "",
                format!(
                    "an amendment must change at least one field; fields: {}",
                    REPORT_FIELDS.join(", ")
                ),
            );
            return Err(problems);
        }
        let fields = Fields::parse(object, now, origin, &mut problems);
        for required in ["type", "occurred_at", "narrative"] {
            if object.get(required).is_some_and(Value::is_null) {
                problems.add(
                    required,
                    Broken::new(
                        Rule::CannotRemove,
                        "cannot be removed (null); give a new value",
                    ),
                );
            }
        }
        problems.clone().into_result().map_err(|_| problems)?;
        let mut patch = Map::new();
        let mut put = |key: &str, v: Value| {
            patch.insert(key.to_owned(), v);
        };
        // Each present field is re-serialised from its parsed value, so the stored patch is
        // normalised exactly like a full document.
        if let Some(v) = fields.kind {
            put("type", to_value(&v));
        }
        if let Some(v) = fields.urgency {
            put("urgency", to_value(&v));
        }
        if let Some(v) = fields.occurred_at {
            put("occurred_at", to_value(&v));
        }
        if let Some(v) = fields.unit {
            put("unit", to_value(&v));
        }
        if let Some(v) = fields.place {
            put("place", to_value(&v));
        }
        if let Some(v) = fields.gps {
            put("gps", to_value(&v));
        }
        if let Some(v) = fields.narrative {
            put("narrative", to_value(&v));
        }
        if let Some(v) = fields.people {
            put("people", to_value(&v));
        }
        if let Some(v) = fields.livestock {
            put("livestock", to_value(&v));
        }
        if let Some(v) = fields.suspects {
            put("suspects", to_value(&v));
        }
        if let Some(v) = fields.agencies_notified {
            put("agencies_notified", to_value(&v));
        }
        if let Some(v) = fields.ob {
            put("ob", to_value(&v));
        }
        if let Some(v) = fields.source {
            put("source", to_value(&v));
        }
        // `people` and `suspects` parts given as null mean "unknown": keep them in the patch.
        for section in ["people", "suspects"] {
            if let (Some(Value::Object(given)), Some(Value::Object(out))) =
                (object.get(section), patch.get_mut(section))
            {
                for (k, v) in given {
                    if v.is_null() {
                        out.insert(k.clone(), Value::Null);
                    }
                }
            }
        }
        Ok(Amendment(patch))
    }

    pub fn changes(&self) -> &Map<String, Value> {
        &self.0
    }

    pub fn into_json(self) -> Value {
        Value::Object(self.0)
    }

    /// The unit this amendment moves the report to, if it names one.
    pub fn unit(&self) -> Option<&str> {
        self.0.get("unit").and_then(Value::as_str)
    }
}

fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Applies an amendment's changes to a report's current state, both as stored JSON.
///
/// Works on JSON rather than typed values so that a state holding fields or values added by a
/// newer version still projects on an older device.
pub fn apply_changes(state: &mut Map<String, Value>, changes: &Map<String, Value>) {
    for (key, value) in changes {
        match (key.as_str(), value, state.get_mut(key)) {
            ("people" | "suspects", Value::Object(parts), Some(Value::Object(current))) => {
                for (k, v) in parts {
                    current.insert(k.clone(), v.clone());
                }
            }
            ("livestock", Value::Array(lines), Some(Value::Array(current))) => {
                for line in lines {
                    let species = line.get("species");
                    match current.iter_mut().find(|c| c.get("species") == species) {
                        Some(slot) => *slot = line.clone(),
                        None => current.push(line.clone()),
                    }
                }
            }
            _ => {
                state.insert(key.clone(), value.clone());
            }
        }
    }
}

/// Removes the restricted sections from a report document (or a change to one): the whole
/// `source`, and the suspects' names and group.
pub fn strip_restricted(document: &mut Map<String, Value>) {
    take_restricted(document);
}

/// The suspects' parts that are restricted.
const RESTRICTED_SUSPECTS: [&str; 2] = ["names", "group"];

/// Takes the restricted sections out of a report document (or a change to one) and returns
/// them as a restricted patch: `{"source": …, "suspects": {"names": …, "group": …}}`, with only
/// the parts the document held (`null` kept: it removes). An empty map when it held none.
/// A suspects section left empty by a change is dropped from the change.
pub fn take_restricted(document: &mut Map<String, Value>) -> Map<String, Value> {
    let mut patch = Map::new();
    if let Some(source) = document.remove("source") {
        patch.insert("source".into(), source);
    }
    if let Some(Value::Object(suspects)) = document.get_mut("suspects") {
        let parts: Map<String, Value> = RESTRICTED_SUSPECTS
            .iter()
            .filter_map(|k| suspects.remove(*k).map(|v| ((*k).to_owned(), v)))
            .collect();
        if !parts.is_empty() {
            patch.insert("suspects".into(), Value::Object(parts));
        }
    }
    patch
}

/// What a sealed entry of a report's restricted sections holds, read as a restricted patch
/// (see [`take_restricted`]). Entries sealed before the suspects' names and group were sealed
/// hold the source alone: an object with its `kind`, or `null` for "no source any more".
pub fn restricted_patch(sealed: Value) -> Map<String, Value> {
    match sealed {
        Value::Object(map) if !map.contains_key("kind") => map
            .into_iter()
            .filter(|(k, _)| k == "source" || k == "suspects")
            .collect(),
        source => Map::from_iter([("source".to_owned(), source)]),
    }
}

/// Whether a part of a restricted patch gives something: not `null`, not an empty list.
pub fn gives(part: &Value) -> bool {
    !part.is_null() && part.as_array().is_none_or(|a| !a.is_empty())
}

/// Applies a restricted patch to a report document: each part present replaces the earlier
/// one; `null` (or no names) removes it.
pub fn apply_restricted(document: &mut Map<String, Value>, patch: &Map<String, Value>) {
    match patch.get("source") {
        Some(Value::Null) => {
            document.remove("source");
        }
        Some(source) => {
            document.insert("source".into(), source.clone());
        }
        None => {}
    }
    let Some(Value::Object(parts)) = patch.get("suspects") else {
        return;
    };
    if !matches!(document.get("suspects"), Some(Value::Object(_))) {
        if !parts.values().any(gives) {
            return;
        }
        document.insert("suspects".into(), Value::Object(Map::new()));
    }
    let Some(Value::Object(suspects)) = document.get_mut("suspects") else {
        return;
    };
    for key in RESTRICTED_SUSPECTS {
        match parts.get(key) {
            Some(v) if gives(v) => {
                suspects.insert(key.into(), v.clone());
            }
            Some(_) => {
                suspects.remove(key);
            }
            None => {}
        }
    }
}

/// Every field of a document, each `None` when absent; nullable fields are `Some(None)` when
/// given as `null`.
#[derive(Default)]
struct Fields {
    kind: Option<IncidentType>,
    urgency: Option<Urgency>,
    occurred_at: Option<OccurredAt>,
    unit: Option<Option<String>>,
    place: Option<Option<String>>,
    gps: Option<Option<Gps>>,
    narrative: Option<String>,
    people: Option<People>,
    livestock: Option<Vec<Livestock>>,
    suspects: Option<Option<Suspects>>,
    agencies_notified: Option<Vec<Agency>>,
    ob: Option<Option<Ob>>,
    source: Option<Option<Source>>,
}

impl Fields {
    fn parse(
        object: &Map<String, Value>,
        now: OffsetDateTime,
        origin: Origin,
        problems: &mut Problems,
    ) -> Fields {
        let mut f = Fields::default();
        for (key, value) in object {
            let mut at = Path::new(key, origin, problems);
            match key.as_str() {
                "type" => f.kind = at.check(vocab(value, IncidentType::parse)),
                "urgency" => f.urgency = at.check(vocab(value, Urgency::parse)),
                "occurred_at" => f.occurred_at = at.check(OccurredAt::parse(value, now)),
                "unit" => {
                    f.unit = at.nullable(value, |v| {
                        text(v, 100, Lines::One, origin).and_then(unit_id)
                    })
                }
                "place" => {
                    f.place = at.nullable(value, |v| text(v, MAX_TEXT_CHARS, Lines::One, origin))
                }
                "gps" => f.gps = at.nullable(value, gps),
                "narrative" => {
                    f.narrative = at.check(text(value, MAX_NARRATIVE_CHARS, Lines::Many, origin))
                }
                "people" => f.people = people(value, &mut at),
                "livestock" => f.livestock = livestock(value, &mut at),
                "suspects" => f.suspects = at.nullable_section(value, suspects),
                "agencies_notified" => f.agencies_notified = agencies(value, &mut at),
                "ob" => f.ob = at.nullable_section(value, ob),
                "source" => f.source = at.nullable_section(value, source),
                _ => at.problem(Broken::new(
                    Rule::UnknownField,
                    format!(
                        "unknown field (a typo?); fields of a report: {}",
                        REPORT_FIELDS.join(", ")
                    ),
                )),
            }
        }
        f
    }
}

/// Where in the document a value sits, and the problems found so far.
struct Path<'p> {
    path: String,
    origin: Origin,
    problems: &'p mut Problems,
}

impl<'p> Path<'p> {
    fn new(path: &str, origin: Origin, problems: &'p mut Problems) -> Self {
        Path {
            path: path.to_owned(),
            origin,
            problems,
        }
    }

    /// Text of `lines` kind, at most `max_chars` once trimmed.
    fn text(&self, value: &Value, max_chars: usize, lines: Lines) -> Result<String, Broken> {
        text(value, max_chars, lines, self.origin)
    }

    fn problem(&mut self, broken: Broken) {
        self.problems.add(self.path.clone(), broken);
    }

    fn broke(&mut self, rule: Rule, message: impl Into<String>) {
        self.problem(Broken::new(rule, message));
    }

    fn check<T>(&mut self, result: Result<T, Broken>) -> Option<T> {
        result.map_err(|m| self.problem(m)).ok()
    }

    fn nullable<T>(
        &mut self,
        value: &Value,
        parse: impl FnOnce(&Value) -> Result<T, Broken>,
    ) -> Option<Option<T>> {
        if value.is_null() {
            Some(None)
        } else {
            self.check(parse(value)).map(Some)
        }
    }

    /// A section (an object) that may be `null`; `parse` reports its own problems.
    fn nullable_section<T>(
        &mut self,
        value: &Value,
        parse: impl FnOnce(&Map<String, Value>, &mut Path<'_>) -> Option<T>,
    ) -> Option<Option<T>> {
        match value {
            Value::Null => Some(None),
            Value::Object(map) => parse(map, self).map(Some),
            other => {
                self.problem(Broken::new(
                    Rule::Other,
                    format!("must be an object or null (got {})", describe(other)),
                ));
                None
            }
        }
    }

    /// Runs `f` on the sub-path `key`.
    fn at<T>(&mut self, key: &str, f: impl FnOnce(&mut Path<'_>) -> T) -> T {
        let mut sub = Path {
            path: if key.starts_with('[') {
                format!("{}{key}", self.path)
            } else {
                format!("{}.{key}", self.path)
            },
            origin: self.origin,
            problems: self.problems,
        };
        f(&mut sub)
    }

    fn unknown_keys(&mut self, map: &Map<String, Value>, allowed: &[&str]) {
        for key in map.keys().filter(|k| !allowed.contains(&k.as_str())) {
            self.at(key, |p| {
                p.problem(Broken::new(
                    Rule::UnknownField,
                    format!(
                        "unknown field (a typo?); allowed here: {}",
                        allowed.join(", ")
                    ),
                ))
            });
        }
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.chars().count() > 40 => "a long text".into(),
        Value::String(s) => format!("{s:?}"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// A key of a closed vocabulary.
fn vocab<T>(value: &Value, parse: fn(&str) -> Result<T, String>) -> Result<T, Broken> {
    match value {
        Value::String(s) => parse(s),
        other => parse("").map_err(|m| m.replacen("\"\"", &describe(other), 1)),
    }
    .map_err(|m| Broken::new(Rule::Choice, m))
}

fn text(value: &Value, max_chars: usize, lines: Lines, origin: Origin) -> Result<String, Broken> {
    let Value::String(s) = value else {
        return Err(Broken::new(
            Rule::Other,
            format!("must be text (got {})", describe(value)),
        ));
    };
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return Err(Broken::new(Rule::NotEmpty, "must not be empty"));
    }
    if origin == Origin::Author {
        text::check(trimmed, lines).map_err(|m| Broken::new(Rule::Characters, m))?;
    }
    let chars = trimmed.chars().count();
    if chars > max_chars {
        return Err(Broken::new(
            Rule::TooLong,
            format!("must be at most {max_chars} characters (got {chars})"),
        )
        .up_to(max_chars as u64));
    }
    Ok(trimmed.to_owned())
}

fn unit_id(id: String) -> Result<String, Broken> {
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

fn gps(value: &Value) -> Result<Gps, Broken> {
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

fn tally(value: &Value, at: &mut Path<'_>) -> Option<Tally> {
    at.check(Tally::parse(value))
}

fn people(value: &Value, at: &mut Path<'_>) -> Option<People> {
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

fn livestock(value: &Value, at: &mut Path<'_>) -> Option<Vec<Livestock>> {
    let Value::Array(items) = value else {
        at.broke(Rule::Other, format!(
            "must be a list of {{\"species\", \"stolen\", \"recovered\", \"killed\", \"estimate\"}} (got {})",
            describe(value)
        ));
        return None;
    };
    let mut lines: Vec<Livestock> = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let line = at.at(&format!("[{i}]"), |p| livestock_line(item, p));
        match line {
            Some(line) if lines.iter().any(|l| l.species == line.species) => {
                at.at(&format!("[{i}].species"), |p| {
                    p.broke(
                        Rule::DuplicateSpecies,
                        format!(
                            "{} is listed twice; give one entry per species",
                            line.species
                        ),
                    )
                });
                ok = false;
            }
            Some(line) => lines.push(line),
            None => ok = false,
        }
    }
    ok.then_some(lines)
}

fn livestock_line(value: &Value, at: &mut Path<'_>) -> Option<Livestock> {
    let Value::Object(map) = value else {
        at.broke(
            Rule::Other,
            format!("must be an object (got {})", describe(value)),
        );
        return None;
    };
    at.unknown_keys(
        map,
        &["species", "stolen", "recovered", "killed", "estimate"],
    );
    let species = match map.get("species") {
        Some(v) => at.at("species", |p| p.check(vocab(v, Species::parse))),
        None => {
            at.at("species", |p| p.broke(Rule::Required, "is required"));
            None
        }
    };
    let mut counts = [None, None, None];
    let mut ok = true;
    for (key, slot) in ["stolen", "recovered", "killed"]
        .iter()
        .zip(counts.iter_mut())
    {
        if let Some(v) = map.get(*key) {
            *slot = at.at(key, |p| tally(v, p));
            ok &= slot.is_some();
        }
    }
    let estimate = match map.get("estimate") {
        None | Some(Value::Null) => Some(false),
        Some(Value::Bool(b)) => Some(*b),
        Some(other) => at.at("estimate", |p| {
            p.broke(
                Rule::YesNo,
                format!("must be true or false (got {})", describe(other)),
            );
            None
        }),
    };
    let [stolen, recovered, killed] = counts;
    match (species, estimate) {
        (Some(species), Some(estimate)) if ok => Some(Livestock {
            species,
            stolen,
            recovered,
            killed,
            estimate,
        }),
        _ => None,
    }
}

fn optional_text(
    map: &Map<String, Value>,
    key: &str,
    at: &mut Path<'_>,
) -> Result<Option<String>, ()> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => at.at(key, |p| {
            let t = p.text(v, MAX_TEXT_CHARS, Lines::One);
            p.check(t).map(Some).ok_or(())
        }),
    }
}

fn suspects(map: &Map<String, Value>, at: &mut Path<'_>) -> Option<Suspects> {
    at.unknown_keys(map, &["count", "armed", "direction", "group", "names"]);
    let mut ok = true;
    let count = match map.get("count") {
        Some(v) => {
            let t = at.at("count", |p| tally(v, p));
            ok &= t.is_some();
            t
        }
        None => None,
    };
    let armed = match map.get("armed") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(other) => {
            at.at("armed", |p| {
                p.broke(
                    Rule::YesNo,
                    format!("must be true, false or null (got {})", describe(other)),
                )
            });
            ok = false;
            None
        }
    };
    let direction = optional_text(map, "direction", at);
    let group = optional_text(map, "group", at);
    let names = match map.get("names") {
        None | Some(Value::Null) => Some(Vec::new()),
        Some(Value::Array(items)) => {
            let mut names = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match at.at(&format!("names[{i}]"), |p| {
                    let t = p.text(item, MAX_TEXT_CHARS, Lines::One);
                    p.check(t)
                }) {
                    Some(n) => names.push(n),
                    None => ok = false,
                }
            }
            Some(names)
        }
        Some(other) => {
            at.at("names", |p| {
                p.broke(
                    Rule::Other,
                    format!("must be a list of names (got {})", describe(other)),
                )
            });
            None
        }
    };
    match (direction, group, names) {
        (Ok(direction), Ok(group), Some(names)) if ok => Some(Suspects {
            count,
            armed,
            direction,
            group,
            names,
        }),
        _ => None,
    }
}

fn agencies(value: &Value, at: &mut Path<'_>) -> Option<Vec<Agency>> {
    let Value::Array(items) = value else {
        at.broke(
            Rule::Other,
            format!(
                "must be a list of agencies such as [\"nps\", \"kdf\"] (got {})",
                describe(value)
            ),
        );
        return None;
    };
    let mut out = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match at.at(&format!("[{i}]"), |p| p.check(vocab(item, Agency::parse))) {
            Some(a) if !out.contains(&a) => out.push(a),
            Some(_) => {}
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn ob(map: &Map<String, Value>, at: &mut Path<'_>) -> Option<Ob> {
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

fn source(map: &Map<String, Value>, at: &mut Path<'_>) -> Option<Source> {
    at.unknown_keys(map, &["kind", "name", "contact", "notes"]);
    let kind = match map.get("kind") {
        Some(v) => at.at("kind", |p| p.check(vocab(v, SourceKind::parse))),
        None => {
            at.at("kind", |p| {
                p.broke(
                    Rule::Required,
                    format!(
                        "is required when source is given; allowed: {}",
                        SourceKind::ALL
                            .iter()
                            .map(|k| k.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            });
            None
        }
    };
    let name = optional_text(map, "name", at);
    let contact = optional_text(map, "contact", at);
    let notes = match map.get("notes") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => at.at("notes", |p| {
            let t = p.text(v, MAX_NARRATIVE_CHARS, Lines::Many);
            p.check(t).map(Some).ok_or(())
        }),
    };
    match (kind, name, contact, notes) {
        (Some(kind), Ok(name), Ok(contact), Ok(notes)) => Some(Source {
            kind,
            name,
            contact,
            notes,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().expect("object")
    }

    #[test]
    fn restricted_sections_leave_the_document_and_come_back_as_a_patch() {
        let mut doc = map(json!({
            "narrative": "Raid at dawn.",
            "source": {"kind": "informant", "name": "Lokiru"},
            "suspects": {"count": 40, "names": ["Ekai"], "group": "Lomuria"}
        }));
        let patch = take_restricted(&mut doc);
        assert_eq!(
            doc,
            map(json!({"narrative": "Raid at dawn.", "suspects": {"count": 40}}))
        );
        assert_eq!(
            Value::Object(patch.clone()),
            json!({"source": {"kind": "informant", "name": "Lokiru"},
                   "suspects": {"names": ["Ekai"], "group": "Lomuria"}})
        );
        apply_restricted(&mut doc, &patch);
        assert_eq!(doc["suspects"]["names"], json!(["Ekai"]));
        assert_eq!(doc["suspects"]["group"], "Lomuria");
        assert_eq!(doc["source"]["name"], "Lokiru");
        // A later patch replaces only the parts it names; null removes.
        apply_restricted(&mut doc, &map(json!({"suspects": {"group": null}})));
        assert!(doc["suspects"].get("group").is_none());
        assert_eq!(doc["suspects"]["names"], json!(["Ekai"]));
        assert_eq!(doc["source"]["name"], "Lokiru");
    }

    #[test]
    fn a_box_sealed_before_suspects_were_sealed_holds_the_source_alone() {
        let source = json!({"kind": "witness"});
        assert_eq!(
            restricted_patch(source.clone()),
            map(json!({"source": source}))
        );
        assert_eq!(restricted_patch(Value::Null), map(json!({"source": null})));
        // Anything else a newer box might hold is not a section of the document.
        assert_eq!(
            restricted_patch(json!({"suspects": {"names": ["Ekai"]}, "other": 1})),
            map(json!({"suspects": {"names": ["Ekai"]}}))
        );
    }

    #[test]
    fn names_for_a_report_without_suspects_make_the_section() {
        let mut doc = map(json!({"narrative": "x"}));
        apply_restricted(&mut doc, &map(json!({"suspects": {"names": []}})));
        assert!(doc.get("suspects").is_none());
        apply_restricted(&mut doc, &map(json!({"suspects": {"names": ["Ekai"]}})));
        assert_eq!(doc["suspects"], json!({"names": ["Ekai"]}));
    }
}
