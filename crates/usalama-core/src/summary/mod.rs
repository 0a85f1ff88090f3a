//! Summaries for a unit and a period: the figures, the incident log and the lists a baraza or a
//! security committee reads, and their renderings.
//!
//! [`Summary::build`] folds the reports of a unit's subtree over two periods of the same length
//! (the one asked for and the one before it) into one model; the renderers print that model and
//! compute nothing of their own, so every rendering shows the same figures. How each figure is
//! counted is written down in `docs/summaries.md`.
//!
//! # Layout
//!
//! - this module: the model ([`Summary`], [`Figures`], [`Amount`], [`LogEntry`]) and how it is
//!   counted.
//! - [`words`]: every label, in English and Kiswahili.
//! - [`document`]: what a summary or a slip prints, as blocks (title, tables, bar charts,
//!   sign-off lines) that the HTML and PDF renderers both draw.
//! - [`html`]: a self-contained HTML page with a print stylesheet.
//! - [`pdf`]: A4 PDF with embedded, subsetted fonts, of a summary or of a report's slip.
//! - [`table`]: the incident log and the figures as rows, shared by [`csv`] and [`xlsx`].
//! - [`csv`] and [`xlsx`]: tabular exports for spreadsheets.

pub mod csv;
pub mod document;
pub mod html;
pub mod pdf;
pub mod table;
pub mod words;
pub mod xlsx;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value};
use time::{Date, Duration, Time};

use crate::domain::report::MAX_COUNT;
use crate::domain::{Agency, IncidentType, Lang, SourceKind, Species, Urgency};
use crate::error::{Error, Result};
use crate::files::write_durably;
use crate::gazetteer::Unit;
use words::{fill, Words};

/// Which readers a summary is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Edition {
    /// For the baraza (the default): no restricted field and no GPS.
    Public,
    /// For the security committee: everything the reader may read.
    Restricted,
}

impl Edition {
    pub const ALL: &'static [&'static str] = &["public", "restricted"];

    pub fn parse(text: &str) -> std::result::Result<Edition, String> {
        match text {
            "public" => Ok(Edition::Public),
            "restricted" => Ok(Edition::Restricted),
            other => Err(format!(
                "unknown edition {other:?}; allowed: public (for the baraza, the default), \
                 restricted (for the security committee)"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Edition::Public => "public",
            Edition::Restricted => "restricted",
        }
    }

    /// The banner printed on every page.
    pub fn banner(self, w: &Words) -> String {
        match self {
            Edition::Public => format!("{}: {}", w.edition_public, w.edition_public_note),
            Edition::Restricted => {
                format!("{}: {}", w.edition_restricted, w.edition_restricted_note)
            }
        }
    }

    pub fn label(self, w: &Words) -> &'static str {
        match self {
            Edition::Public => w.edition_public,
            Edition::Restricted => w.edition_restricted,
        }
    }
}

/// The file formats of a summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Html,
    Csv,
    Xlsx,
}

impl Format {
    pub fn parse(text: &str) -> std::result::Result<Format, String> {
        match text {
            "pdf" => Ok(Format::Pdf),
            "html" => Ok(Format::Html),
            "csv" => Ok(Format::Csv),
            "xlsx" => Ok(Format::Xlsx),
            other => Err(format!(
                "unknown format {other:?}; allowed: pdf, html, csv, xlsx"
            )),
        }
    }
}

impl Format {
    /// The file name's extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

/// The name a summary is saved under in a folder the user chose (a USB stick, Documents):
/// `usalama-summary-UNIT-FROM-TO-EDITION.EXT`, so two editions or periods never overwrite
/// each other and the same summary saved again replaces the older copy.
pub fn file_name(summary: &Summary, format: Format) -> String {
    let unit: String = summary
        .unit
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "usalama-summary-{unit}-{}-{}-{}.{}",
        summary.period.from,
        summary.period.to,
        summary.edition.as_str(),
        format.extension()
    )
}

/// Writes the summary into `folder` under its [`file_name`]; returns every file written.
pub fn save_in(
    summary: &Summary,
    format: Format,
    lang: Lang,
    folder: &Path,
) -> Result<Vec<PathBuf>> {
    write(
        summary,
        format,
        lang,
        &folder.join(file_name(summary, format)),
    )
}

/// Writes the summary in `format` to `out`; for CSV, the incident log goes to `out` and the
/// figures to `NAME-figures.csv` beside it. Returns every file written.
pub fn write(summary: &Summary, format: Format, lang: Lang, out: &Path) -> Result<Vec<PathBuf>> {
    match format {
        Format::Html => {
            let doc = document::summary(summary, lang);
            write_durably(out, html::render(&doc).as_bytes())?;
            Ok(vec![out.to_owned()])
        }
        Format::Pdf => {
            let doc = document::summary(summary, lang);
            write_durably(out, &pdf::render(&doc)?)?;
            Ok(vec![out.to_owned()])
        }
        Format::Csv => {
            let stem = out
                .file_stem()
                .map_or_else(|| "summary".into(), |s| s.to_string_lossy().into_owned());
            let figures_path = out.with_file_name(format!("{stem}-figures.csv"));
            write_durably(out, csv::render(&table::log(summary, lang)).as_bytes())?;
            write_durably(
                &figures_path,
                csv::render(&table::figures(summary, lang)).as_bytes(),
            )?;
            Ok(vec![out.to_owned(), figures_path])
        }
        Format::Xlsx => {
            let sheets = [table::figures(summary, lang), table::log(summary, lang)];
            write_durably(out, &xlsx::render(&sheets))?;
            Ok(vec![out.to_owned()])
        }
    }
}

/// What to summarise: a unit with its subtree, calendar days in East Africa Time (both
/// inclusive), and for whom.
#[derive(Debug, Clone)]
pub struct SummaryRequest {
    pub unit: String,
    pub from: Date,
    pub to: Date,
    pub edition: Edition,
}

/// Calendar days in East Africa Time, both inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

impl Period {
    /// The number of days, at least 1.
    pub fn days(self) -> i64 {
        (self.to - self.from).whole_days() + 1
    }

    /// The period this one is compared with: as many whole calendar months before, when this
    /// one is whole months (November is compared with October, February with January); else
    /// the period of the same length that ends the day before this one starts.
    pub fn previous(self) -> Period {
        let to = self.from - Duration::days(1);
        let whole_months = self.from.day() == 1 && self.to.next_day().is_none_or(|d| d.day() == 1);
        if whole_months {
            let months = months_between(self.from, self.to) + 1;
            let mut from = to.replace_day(1).unwrap_or(to);
            for _ in 1..months {
                from = from
                    .previous_day()
                    .map_or(from, |d| d.replace_day(1).unwrap_or(d));
            }
            return Period { from, to };
        }
        Period {
            from: to - Duration::days(self.days() - 1),
            to,
        }
    }

    /// Unix milliseconds: the first instant of `from` and the first instant after `to`.
    pub fn bounds_ms(self) -> (i64, i64) {
        let start = |d: Date| {
            let t = d.with_time(Time::MIDNIGHT).assume_offset(crate::EAT);
            (t.unix_timestamp_nanos() / 1_000_000) as i64
        };
        let end = self.to.next_day().map_or(i64::MAX, start);
        (start(self.from), end)
    }

    pub fn contains_ms(self, ms: i64) -> bool {
        let (from, to) = self.bounds_ms();
        (from..to).contains(&ms)
    }

    /// `2026-11-01 – 2026-11-30`.
    pub fn text(self) -> String {
        if self.from == self.to {
            self.from.to_string()
        } else {
            format!("{} – {}", self.from, self.to)
        }
    }
}

/// How many calendar months `to`'s month is after `from`'s.
fn months_between(from: Date, to: Date) -> i32 {
    (to.year() - from.year()) * 12 + i32::from(u8::from(to.month()))
        - i32::from(u8::from(from.month()))
}

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
fn count_of(value: &Value) -> Option<u64> {
    value.as_u64().filter(|n| *n <= MAX_COUNT)
}

// The sums below saturate: even a store holding counts that no parser accepts adds up
// without overflowing.
impl Amount {
    fn add(&mut self, value: Option<u64>, estimate: bool) {
        match value {
            Some(n) => {
                self.known = self.known.saturating_add(n);
                self.estimated |= estimate && n > 0;
            }
            None => self.unknown = self.unknown.saturating_add(1),
        }
    }

    fn merge(&mut self, other: Amount) {
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
    fn add(&mut self, figure: Option<&Value>) {
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

    fn merge(&mut self, other: PeopleTotal) {
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

/// The statuses of a report, in the order of its life.
pub const STATUSES: &[&str] = &[
    "pending",
    "received",
    "acknowledged",
    "responding",
    "closed",
];

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
    fn count(&mut self, incident: &Incident) {
        let one = |n: &mut u32| *n = n.saturating_add(1);
        one(&mut self.incidents);
        if let Some(t) = self.by_type.iter_mut().find(|t| t.kind == incident.kind) {
            one(&mut t.count);
        }
        match incident.kind {
            IncidentType::Firearm => one(&mut self.firearms),
            IncidentType::Arrest => one(&mut self.arrests),
            IncidentType::EarlyWarning => one(&mut self.early_warnings),
            IncidentType::PeaceMeeting => one(&mut self.peace_meetings),
            IncidentType::LivestockRecovered => one(&mut self.recoveries),
            _ => {}
        }
        self.arrested = self.arrested.saturating_add(incident.arrested);
        self.firearms_recovered = self
            .firearms_recovered
            .saturating_add(incident.firearms_recovered);
        self.killed.merge(incident.killed);
        self.injured.merge(incident.injured);
        self.abducted.merge(incident.abducted);
        for line in &incident.livestock {
            if let Some(f) = self
                .livestock
                .iter_mut()
                .find(|f| f.species == line.species)
            {
                f.stolen.merge(line.stolen);
                f.recovered.merge(line.recovered);
                f.killed.merge(line.killed);
            }
        }
        if incident.status != "closed" {
            one(&mut self.open);
        }
        match self
            .by_status
            .iter_mut()
            .find(|(s, _)| *s == incident.status)
        {
            Some((_, n)) => one(n),
            None => self.by_status.push((incident.status.clone(), 1)),
        }
    }

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

/// The restricted details of an incident, in the restricted edition only, and each only where
/// the reader may read it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Restricted {
    pub gps: Option<(f64, f64)>,
    pub source: Option<SourceView>,
    pub suspect_names: Vec<String>,
    pub suspect_group: Option<String>,
}

impl Restricted {
    pub fn is_empty(&self) -> bool {
        self.gps.is_none()
            && self.source.is_none()
            && self.suspect_names.is_empty()
            && self.suspect_group.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceView {
    pub kind: Option<SourceKind>,
    pub name: Option<String>,
    pub contact: Option<String>,
    pub notes: Option<String>,
}

/// A livestock line of one incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LivestockLine {
    pub species: Species,
    pub stolen: Amount,
    pub recovered: Amount,
    pub killed: Amount,
}

/// One line of the incident log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogEntry {
    pub id: String,
    /// `YYYY-MM-DD HH:MM`, East Africa Time.
    pub when: String,
    pub unit: String,
    pub place: Option<String>,
    #[serde(rename = "type")]
    pub kind: IncidentType,
    pub urgency: Urgency,
    /// The narrative, cut short at a word.
    pub narrative: String,
    pub narrative_cut: bool,
    /// Agencies told of the incident when it was reported.
    pub agencies: Vec<Agency>,
    /// The agency leading the response, once one is named.
    pub lead_agency: Option<Agency>,
    /// The latest action recorded by the response, or its outcome.
    pub action: Option<String>,
    /// `OB 12/20/11/2026, Sigor`.
    pub ob: Option<String>,
    pub status: String,
    pub killed: PeopleTotal,
    pub injured: PeopleTotal,
    pub abducted: PeopleTotal,
    pub livestock: Vec<LivestockLine>,
    /// Other reports linked to this one as the same incident.
    pub also_reported: u32,
    /// Only in the restricted edition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restricted: Option<Restricted>,
}

/// A unit with the most incidents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hotspot {
    pub unit: String,
    pub incidents: u32,
    pub previous: u32,
    pub killed: Amount,
    pub early_warnings: u32,
}

/// What an open incident waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Waiting {
    /// Still on this device: to be sent to the county hub.
    Send,
    /// On the hub: for an agency to acknowledge it.
    Acknowledge,
    /// Acknowledged or responding: for the response to end.
    Response,
}

/// An open incident and what it waits for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pending {
    /// Its position in [`Summary::log`].
    pub entry: usize,
    pub waiting: Waiting,
}

/// Who prepared a summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preparer {
    pub name: String,
    pub role: String,
}

/// A unit's names in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitName {
    pub name: String,
    pub sw_name: Option<String>,
    pub kind: String,
    pub parent: Option<String>,
}

/// The summary of a unit and its subtree over a period, beside the period before.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub unit: String,
    pub edition: Edition,
    pub period: Period,
    pub previous_period: Period,
    pub prepared_by: Preparer,
    /// RFC 3339, East Africa Time.
    pub prepared_at: String,
    pub figures: Figures,
    pub previous: Figures,
    /// Every incident of the period, oldest first.
    pub log: Vec<LogEntry>,
    pub hotspots: Vec<Hotspot>,
    /// Positions in [`Summary::log`].
    pub early_warnings: Vec<usize>,
    /// Positions in [`Summary::log`]: peace meetings and livestock recoveries.
    pub peace_and_recoveries: Vec<usize>,
    /// Open incidents other than peace meetings, most urgent first, then oldest first.
    pub pending: Vec<Pending>,
    /// Operations in the unit's subtree whose needs assessment is open at the period's end,
    /// with their gaps (see [`crate::needs`]).
    pub needs: Vec<crate::needs::Needs>,
    /// Reports not counted on their own because they are linked to a primary report.
    pub linked_reports: u32,
    /// The names of every unit the summary mentions.
    pub units: BTreeMap<String, UnitName>,
}

/// The fields of a report document a summary reads; the rest of the document is skipped
/// unread, which is what makes a summary of thousands of reports fast.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(default)]
pub struct SummaryDoc {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub urgency: Option<String>,
    pub place: Option<String>,
    pub narrative: Option<String>,
    pub people: Option<Value>,
    pub livestock: Option<Value>,
    pub agencies_notified: Option<Value>,
    pub ob: Option<Value>,
    pub gps: Option<Value>,
    pub source: Option<Value>,
    pub suspects: Option<Value>,
}

impl SummaryDoc {
    /// Reads a stored document. A document this version cannot read as expected (written by
    /// a newer one) is read field by field, keeping what it can.
    pub fn parse(json: &[u8]) -> SummaryDoc {
        serde_json::from_slice(json).unwrap_or_else(|_| {
            let map: Map<String, Value> = serde_json::from_slice(json).unwrap_or_default();
            SummaryDoc::from_map(&map)
        })
    }

    pub fn from_map(map: &Map<String, Value>) -> SummaryDoc {
        let text = |k: &str| map.get(k).and_then(Value::as_str).map(str::to_owned);
        let value = |k: &str| map.get(k).filter(|v| !v.is_null()).cloned();
        SummaryDoc {
            kind: text("type"),
            urgency: text("urgency"),
            place: text("place"),
            narrative: text("narrative"),
            people: value("people"),
            livestock: value("livestock"),
            agencies_notified: value("agencies_notified"),
            ob: value("ob"),
            gps: value("gps"),
            source: value("source"),
            suspects: value("suspects"),
        }
    }
}

/// One report as a summary reads it: its projection row and its current document.
#[derive(Debug, Clone)]
pub struct SummaryRow {
    pub id: String,
    pub status: String,
    /// The unit it counts under.
    pub unit: String,
    pub occurred_at_ms: i64,
    pub document: SummaryDoc,
    /// The reader may read its restricted sections (its author, or a cleared reader).
    pub may_read_restricted: bool,
    /// The primary report this one was linked to as the same incident, if any.
    pub linked_to: Option<String>,
    /// The agency leading the response, once one is named.
    pub lead_agency: Option<Agency>,
    /// The latest action or outcome recorded by the response.
    pub action: Option<String>,
    /// The figures the lead agency recorded when closing the incident.
    pub closure: Option<Map<String, Value>>,
}

/// What a summary needs besides the reports.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub units: &'a [Unit],
    pub prepared_by: &'a Preparer,
    /// Unix milliseconds.
    pub prepared_at: i64,
}

/// How many hotspots a summary names.
const HOTSPOTS: usize = 5;
/// How many characters of a narrative the log prints.
const NARRATIVE_CHARS: usize = 240;

/// A report read into what the figures need.
struct Incident {
    kind: IncidentType,
    status: String,
    killed: PeopleTotal,
    injured: PeopleTotal,
    abducted: PeopleTotal,
    livestock: Vec<LivestockLine>,
    arrested: u64,
    firearms_recovered: u64,
}

impl Incident {
    fn read(row: &SummaryRow) -> Incident {
        let doc = &row.document;
        let kind = doc
            .kind
            .as_deref()
            .and_then(|t| IncidentType::parse(t).ok())
            .unwrap_or(IncidentType::Other);
        let people = doc.people.as_ref();
        let person = |key: &str| {
            let mut total = PeopleTotal::default();
            total.add(people.and_then(|p| p.get(key)));
            total
        };
        let mut livestock: Vec<LivestockLine> = match &doc.livestock {
            Some(Value::Array(lines)) => lines.iter().filter_map(livestock_line).collect(),
            _ => Vec::new(),
        };
        // The closure's count of animals recovered replaces the report's own: the same
        // animals are never counted twice. The documented form is `livestock: [{species,
        // recovered}]`; the desktop app writes `livestock_recovered: [{species, count}]`.
        let closure = row.closure.as_ref();
        let closed_lines = ["livestock", "livestock_recovered"]
            .into_iter()
            .zip(["recovered", "count"])
            .filter_map(|(key, number)| match closure.and_then(|c| c.get(key)) {
                Some(Value::Array(lines)) => Some(lines.iter().map(move |l| (l, number))),
                _ => None,
            })
            .flatten();
        for (line, number) in closed_lines {
            let Some(species) = line
                .get("species")
                .and_then(Value::as_str)
                .and_then(|s| Species::parse(s).ok())
            else {
                continue;
            };
            let Some(n) = line.get(number) else {
                continue;
            };
            let mut recovered = Amount::default();
            recovered.add(count_of(n), false);
            match livestock.iter_mut().find(|l| l.species == species) {
                Some(l) => l.recovered = recovered,
                None => livestock.push(LivestockLine {
                    species,
                    stolen: Amount::default(),
                    recovered,
                    killed: Amount::default(),
                }),
            }
        }
        let closed = |key: &str| closure.and_then(|c| c.get(key)).and_then(count_of);
        Incident {
            kind,
            status: row.status.clone(),
            killed: person("killed"),
            injured: person("injured"),
            abducted: person("abducted"),
            livestock,
            arrested: closed("arrests").unwrap_or(0),
            firearms_recovered: closed("firearms_recovered").unwrap_or(0),
        }
    }

    /// Counts as a security incident for hotspots (not a peace meeting, a recovery, an arrest
    /// or an early-warning sign, which have sections of their own).
    fn is_insecurity(&self) -> bool {
        !matches!(
            self.kind,
            IncidentType::PeaceMeeting
                | IncidentType::LivestockRecovered
                | IncidentType::Arrest
                | IncidentType::EarlyWarning
        )
    }
}

fn livestock_line(line: &Value) -> Option<LivestockLine> {
    // A species this version does not know (written by a newer one) is left out.
    let species = Species::parse(line.get("species")?.as_str()?).ok()?;
    let estimate = line.get("estimate").and_then(Value::as_bool) == Some(true);
    let amount = |key: &str| {
        let mut a = Amount::default();
        if let Some(v) = line.get(key) {
            a.add(count_of(v), estimate);
        }
        a
    };
    Some(LivestockLine {
        species,
        stolen: amount("stolen"),
        recovered: amount("recovered"),
        killed: amount("killed"),
    })
}

impl Summary {
    /// Folds `rows` (the reports of the unit's subtree in this period and the one before, in any
    /// order) into a summary.
    pub fn build(
        request: &SummaryRequest,
        context: Context<'_>,
        rows: impl IntoIterator<Item = SummaryRow>,
    ) -> Result<Summary> {
        let unit = context
            .units
            .iter()
            .find(|u| u.id == request.unit)
            .ok_or_else(|| Error::broke("unit", crate::gazetteer::unknown_unit(&request.unit)))?;
        if request.from > request.to {
            return Err(Error::invalid(
                "from",
                format!(
                    "{} is after --to {}; give a period whose first day comes first",
                    request.from, request.to
                ),
            ));
        }
        let period = Period {
            from: request.from,
            to: request.to,
        };
        let previous_period = period.previous();
        let mut rows: Vec<SummaryRow> = rows.into_iter().collect();
        rows.sort_by(|a, b| (a.occurred_at_ms, &a.id).cmp(&(b.occurred_at_ms, &b.id)));
        // Reports linked to a primary report are that incident: counted once, under the primary.
        let mut also: HashMap<String, u32> = HashMap::new();
        let mut linked_reports = 0;
        for row in &rows {
            if let Some(primary) = &row.linked_to {
                let n = also.entry(primary.clone()).or_default();
                *n = n.saturating_add(1);
            }
        }
        let mut figures = Figures::default();
        let mut previous = Figures::default();
        let mut log = Vec::new();
        let mut spots: HashMap<String, Hotspot> = HashMap::new();
        let (now_from, now_to) = period.bounds_ms();
        let (before_from, before_to) = previous_period.bounds_ms();
        for row in rows {
            let in_period = (now_from..now_to).contains(&row.occurred_at_ms);
            let in_previous = (before_from..before_to).contains(&row.occurred_at_ms);
            if !in_period && !in_previous {
                continue;
            }
            if row.linked_to.is_some() {
                linked_reports = u32::saturating_add(linked_reports, u32::from(in_period));
                continue;
            }
            let incident = Incident::read(&row);
            let spot = spots.entry(row.unit.clone()).or_insert_with(|| Hotspot {
                unit: row.unit.clone(),
                incidents: 0,
                previous: 0,
                killed: Amount::default(),
                early_warnings: 0,
            });
            if in_previous {
                previous.count(&incident);
                if incident.is_insecurity() {
                    spot.previous = spot.previous.saturating_add(1);
                }
                continue;
            }
            figures.count(&incident);
            if incident.is_insecurity() {
                spot.incidents = spot.incidents.saturating_add(1);
                spot.killed.merge(incident.killed.total);
            } else if incident.kind == IncidentType::EarlyWarning {
                spot.early_warnings = spot.early_warnings.saturating_add(1);
            }
            let also = also.get(&row.id).copied().unwrap_or(0);
            log.push(log_entry(row, incident, request.edition, also));
        }
        let mut hotspots: Vec<Hotspot> = spots.into_values().filter(|s| s.incidents > 0).collect();
        hotspots.sort_by(|a, b| b.incidents.cmp(&a.incidents).then(a.unit.cmp(&b.unit)));
        hotspots.truncate(HOTSPOTS);
        let positions = |keep: &dyn Fn(&LogEntry) -> bool| -> Vec<usize> {
            log.iter()
                .enumerate()
                .filter(|(_, e)| keep(e))
                .map(|(i, _)| i)
                .collect()
        };
        let early_warnings = positions(&|e| e.kind == IncidentType::EarlyWarning);
        let peace_and_recoveries = positions(&|e| {
            matches!(
                e.kind,
                IncidentType::PeaceMeeting | IncidentType::LivestockRecovered
            )
        });
        let mut pending: Vec<Pending> = log
            .iter()
            .enumerate()
            .filter(|(_, e)| e.status != "closed" && e.kind != IncidentType::PeaceMeeting)
            .map(|(i, e)| Pending {
                entry: i,
                waiting: match e.status.as_str() {
                    "pending" => Waiting::Send,
                    "received" => Waiting::Acknowledge,
                    _ => Waiting::Response,
                },
            })
            .collect();
        // Most urgent first; the log is oldest first, and the sort is stable.
        pending.sort_by_key(|p| log[p.entry].urgency);
        let mut units = BTreeMap::new();
        let name_unit = |units: &mut BTreeMap<String, UnitName>, id: &str| {
            if let Some(u) = context.units.iter().find(|u| u.id == id) {
                units.entry(id.to_owned()).or_insert_with(|| UnitName {
                    name: u.name.clone(),
                    sw_name: u.sw_name.clone(),
                    kind: u.kind.clone(),
                    parent: u.parent.clone(),
                });
            }
        };
        name_unit(&mut units, &unit.id);
        let mentioned: std::collections::BTreeSet<&str> =
            log.iter().map(|e| e.unit.as_str()).collect();
        for id in mentioned {
            name_unit(&mut units, id);
        }
        let parents: Vec<String> = units.values().filter_map(|u| u.parent.clone()).collect();
        for p in parents {
            name_unit(&mut units, &p);
        }
        Ok(Summary {
            unit: unit.id.clone(),
            edition: request.edition,
            period,
            previous_period,
            prepared_by: context.prepared_by.clone(),
            prepared_at: crate::clock::format_ms(context.prepared_at),
            figures,
            previous,
            log,
            hotspots,
            early_warnings,
            peace_and_recoveries,
            pending,
            needs: Vec::new(),
            linked_reports,
            units,
        })
    }

    /// A unit's name in `lang`, or its id when the gazetteer does not know it.
    pub fn unit_name(&self, id: &str, lang: Lang) -> String {
        match self.units.get(id) {
            Some(u) => match (lang, &u.sw_name) {
                (Lang::Sw, Some(sw)) => sw.clone(),
                _ => u.name.clone(),
            },
            None => id.to_owned(),
        }
    }

    /// "Takaywa (Ombolion)": a unit with its parent, which tells places with one name apart.
    pub fn unit_with_parent(&self, id: &str, lang: Lang) -> String {
        let name = self.unit_name(id, lang);
        match self.units.get(id).and_then(|u| u.parent.as_deref()) {
            Some(parent) if parent != crate::gazetteer::COUNTY => {
                format!("{name} ({})", self.unit_name(parent, lang))
            }
            _ => name,
        }
    }

    /// Where an incident happened, as the log prints it: the place name and the unit.
    pub fn place(&self, e: &LogEntry, lang: Lang) -> String {
        let unit = self.unit_name(&e.unit, lang);
        match &e.place {
            Some(place) => format!("{place}, {unit}"),
            None => unit,
        }
    }

    /// The agencies column: the lead agency when named, else the agencies told.
    pub fn agencies(&self, e: &LogEntry, w: &Words) -> String {
        match e.lead_agency {
            Some(lead) => format!("{} ({})", words::agency_short(lead), w.lead),
            None => e
                .agencies
                .iter()
                .map(|a| words::agency_short(*a))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// A signed difference, "+3", "−2" or "0".
pub fn change(now: u64, before: u64) -> String {
    match now.cmp(&before) {
        std::cmp::Ordering::Greater => format!("+{}", now - before),
        std::cmp::Ordering::Less => format!("−{}", before - now),
        std::cmp::Ordering::Equal => "0".into(),
    }
}

fn log_entry(row: SummaryRow, incident: Incident, edition: Edition, also: u32) -> LogEntry {
    let restricted = (edition == Edition::Restricted).then(|| restricted(&row));
    let doc = row.document;
    let (narrative, cut) = shorten(
        doc.narrative.as_deref().unwrap_or_default(),
        NARRATIVE_CHARS,
    );
    let ob = doc.ob.as_ref().and_then(|ob| {
        let number = ob.get("number")?.as_str()?;
        Some(match ob.get("station").and_then(Value::as_str) {
            Some(station) => format!("{number}, {station}"),
            None => number.to_owned(),
        })
    });
    let agencies = match &doc.agencies_notified {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|a| Agency::parse(a.as_str()?).ok())
            .collect(),
        _ => Vec::new(),
    };
    LogEntry {
        id: row.id,
        when: eat_minutes(row.occurred_at_ms),
        unit: row.unit,
        place: doc.place,
        kind: incident.kind,
        urgency: doc
            .urgency
            .as_deref()
            .and_then(|u| Urgency::parse(u).ok())
            .unwrap_or(Urgency::Routine),
        narrative,
        narrative_cut: cut,
        agencies,
        lead_agency: row.lead_agency,
        action: row.action,
        ob,
        status: incident.status,
        killed: incident.killed,
        injured: incident.injured,
        abducted: incident.abducted,
        livestock: incident.livestock,
        also_reported: also,
        restricted,
    }
}

fn restricted(row: &SummaryRow) -> Restricted {
    let doc = &row.document;
    let gps = doc.gps.as_ref().and_then(|g| {
        Some((
            g.get("lat").and_then(Value::as_f64)?,
            g.get("lon").and_then(Value::as_f64)?,
        ))
    });
    let mut out = Restricted {
        gps,
        ..Restricted::default()
    };
    if !row.may_read_restricted {
        return out;
    }
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
    if let Some(Value::Object(source)) = &doc.source {
        out.source = Some(SourceView {
            kind: source
                .get("kind")
                .and_then(Value::as_str)
                .and_then(|k| SourceKind::parse(k).ok()),
            name: text(source.get("name")),
            contact: text(source.get("contact")),
            notes: text(source.get("notes")),
        });
    }
    if let Some(Value::Object(suspects)) = &doc.suspects {
        out.suspect_group = text(suspects.get("group"));
        if let Some(Value::Array(names)) = suspects.get("names") {
            out.suspect_names = names
                .iter()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect();
        }
    }
    out
}

/// The first `max` characters of `text`, its runs of spaces and line breaks made one space,
/// cut at a word with "…" when it is longer. One pass, stopping at the cut: the log shortens
/// thousands of narratives.
pub fn shorten(text: &str, max: usize) -> (String, bool) {
    let mut out = String::with_capacity(text.len().min(max * 2));
    let mut count = 0;
    // Where the last space was written, and how many characters came before it.
    let mut last_space: Option<(usize, usize)> = None;
    let mut gap = false;
    for c in text.chars() {
        if c.is_whitespace() {
            gap = !out.is_empty();
            continue;
        }
        let needed = if gap { 2 } else { 1 };
        if count + needed > max {
            let end = match last_space {
                Some((at, before)) if before > max / 2 => at,
                _ => out.len(),
            };
            out.truncate(end);
            out.push('…');
            return (out, true);
        }
        if gap {
            last_space = Some((out.len(), count));
            out.push(' ');
            count += 1;
            gap = false;
        }
        out.push(c);
        count += 1;
    }
    (out, false)
}

/// Unix milliseconds as `YYYY-MM-DD HH:MM` in East Africa Time.
pub fn eat_minutes(ms: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .ok()
        .and_then(|t| t.to_offset(crate::EAT).format(&format).ok())
        .unwrap_or_else(|| ms.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    fn row(id: &str, at: &str, unit: &str, doc: Value) -> SummaryRow {
        let document = SummaryDoc::from_map(&doc.as_object().cloned().unwrap_or_default());
        let ms = time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
            .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
            .unwrap_or_default();
        SummaryRow {
            id: id.into(),
            status: "pending".into(),
            unit: unit.into(),
            occurred_at_ms: ms,
            document,
            may_read_restricted: true,
            linked_to: None,
            lead_agency: None,
            action: None,
            closure: None,
        }
    }

    fn build(rows: Vec<SummaryRow>, edition: Edition) -> Summary {
        let units = crate::gazetteer::shipped();
        let preparer = Preparer {
            name: "Joseph Korkimul".into(),
            role: "chief".into(),
        };
        let request = SummaryRequest {
            unit: crate::gazetteer::COUNTY.into(),
            from: date!(2026 - 11 - 01),
            to: date!(2026 - 11 - 30),
            edition,
        };
        let context = Context {
            units: &units,
            prepared_by: &preparer,
            prepared_at: 0,
        };
        Summary::build(&request, context, rows).expect("summary")
    }

    #[test]
    fn a_saved_summary_is_named_by_unit_period_and_edition() {
        let s = build(Vec::new(), Edition::Restricted);
        assert_eq!(
            file_name(&s, Format::Xlsx),
            "usalama-summary-ke-024-2026-11-01-2026-11-30-restricted.xlsx"
        );
        let dir = tempfile::tempdir().expect("dir");
        let written = save_in(&s, Format::Csv, Lang::En, dir.path()).expect("saved");
        let names: Vec<String> = written
            .iter()
            .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "usalama-summary-ke-024-2026-11-01-2026-11-30-restricted.csv",
                "usalama-summary-ke-024-2026-11-01-2026-11-30-restricted-figures.csv"
            ]
        );
        assert!(written
            .iter()
            .all(|p| p.starts_with(dir.path()) && p.is_file()));
    }

    #[test]
    fn the_previous_period_is_the_month_before_a_month_and_else_as_long_and_just_before() {
        let p = Period {
            from: date!(2026 - 11 - 01),
            to: date!(2026 - 11 - 30),
        };
        assert_eq!(
            p.previous(),
            Period {
                from: date!(2026 - 10 - 01),
                to: date!(2026 - 10 - 31)
            },
            "a month is compared with the month before"
        );
        let (from, to) = p.bounds_ms();
        assert_eq!(to - from, 30 * 24 * 3600 * 1000);
        let previous = |from, to| Period { from, to }.previous();
        let period = |from, to| Period { from, to };
        // March after February, January after December across the year's end, a quarter.
        assert_eq!(
            previous(date!(2026 - 03 - 01), date!(2026 - 03 - 31)),
            period(date!(2026 - 02 - 01), date!(2026 - 02 - 28))
        );
        assert_eq!(
            previous(date!(2027 - 01 - 01), date!(2027 - 01 - 31)),
            period(date!(2026 - 12 - 01), date!(2026 - 12 - 31))
        );
        assert_eq!(
            previous(date!(2026 - 04 - 01), date!(2026 - 06 - 30)),
            period(date!(2026 - 01 - 01), date!(2026 - 03 - 31))
        );
        // A week, and days that are not whole months: as long, just before.
        assert_eq!(
            previous(date!(2026 - 11 - 23), date!(2026 - 11 - 29)),
            period(date!(2026 - 11 - 16), date!(2026 - 11 - 22))
        );
        assert_eq!(
            previous(date!(2026 - 11 - 01), date!(2026 - 11 - 15)),
            period(date!(2026 - 10 - 17), date!(2026 - 10 - 31))
        );
    }

    #[test]
    fn unknown_and_estimated_livestock_stay_honest() {
        let rows = vec![
            row(
                "a",
                "2026-11-03T05:00:00+03:00",
                "ke-024-l-ombolion",
                json!({"type": "livestock_raid", "livestock": [
                    {"species": "cattle", "stolen": 150, "estimate": true},
                    {"species": "goats", "stolen": null}]}),
            ),
            row(
                "b",
                "2026-11-04T05:00:00+03:00",
                "ke-024-l-ombolion",
                json!({"type": "livestock_theft", "livestock": [
                    {"species": "cattle", "stolen": 10, "recovered": 4}]}),
            ),
        ];
        let s = build(rows, Edition::Public);
        let w = &words::EN;
        assert_eq!(
            s.figures
                .livestock_sentence(LivestockCount::Stolen, Lang::En, w)
                .as_deref(),
            Some("about 160 cattle, plus an unknown number of goats")
        );
        assert_eq!(
            s.figures
                .livestock_sentence(LivestockCount::Recovered, Lang::En, w)
                .as_deref(),
            Some("4 cattle")
        );
        assert_eq!(
            s.figures
                .livestock_sentence(LivestockCount::Killed, Lang::En, w),
            None
        );
    }

    #[test]
    fn people_are_split_where_known_and_unknown_is_not_zero() {
        let rows = vec![
            row(
                "a",
                "2026-11-03T05:00:00+03:00",
                "ke-024",
                json!({"type": "killing", "people": {"killed": {"men": 2, "children": 1}}}),
            ),
            row(
                "b",
                "2026-11-05T05:00:00+03:00",
                "ke-024",
                json!({"type": "killing", "people": {"killed": 3, "injured": null}}),
            ),
        ];
        let s = build(rows, Edition::Public);
        let w = &words::EN;
        assert_eq!(s.figures.killed.total.known, 6);
        assert_eq!(
            s.figures.killed.phrase(w),
            "6 (men 2, children 1, not split 3)"
        );
        assert_eq!(s.figures.injured.phrase(w), "unknown number");
        assert_eq!(s.figures.abducted.phrase(w), "0");
    }

    #[test]
    fn a_linked_report_counts_once_under_its_primary() {
        let mut second = row(
            "b",
            "2026-11-03T06:00:00+03:00",
            "ke-024",
            json!({"type": "livestock_raid", "livestock": [{"species": "cattle", "stolen": 90}]}),
        );
        second.linked_to = Some("a".into());
        let rows = vec![
            row(
                "a",
                "2026-11-03T05:00:00+03:00",
                "ke-024",
                json!({"type": "livestock_raid", "livestock": [{"species": "cattle", "stolen": 100}]}),
            ),
            second,
        ];
        let s = build(rows, Edition::Public);
        assert_eq!(s.figures.incidents, 1);
        assert_eq!(
            s.figures.species(Species::Cattle).map(|f| f.stolen.known),
            Some(100)
        );
        assert_eq!(s.log[0].also_reported, 1);
        assert_eq!(s.linked_reports, 1);
    }

    #[test]
    fn each_report_counts_in_the_period_it_happened() {
        let rows = vec![
            row(
                "a",
                "2026-10-31T23:59:00+03:00",
                "ke-024",
                json!({"type": "killing"}),
            ),
            row(
                "b",
                "2026-11-01T00:00:00+03:00",
                "ke-024",
                json!({"type": "killing"}),
            ),
            row(
                "c",
                "2026-11-30T23:59:00+03:00",
                "ke-024",
                json!({"type": "arrest"}),
            ),
            row(
                "d",
                "2026-12-01T00:00:00+03:00",
                "ke-024",
                json!({"type": "arrest"}),
            ),
            // Just before October, the month November is compared with.
            row(
                "e",
                "2026-09-30T23:59:00+03:00",
                "ke-024",
                json!({"type": "arrest"}),
            ),
        ];
        let s = build(rows, Edition::Public);
        assert_eq!(s.figures.incidents, 2);
        assert_eq!(s.previous.incidents, 1);
        assert_eq!(s.figures.arrests, 1);
        assert_eq!(s.log.len(), 2);
    }

    #[test]
    fn the_public_edition_holds_no_restricted_detail() {
        let doc = json!({"type": "livestock_raid", "gps": {"lat": 1.7321, "lon": 35.5123},
            "source": {"kind": "informant", "name": "Lokwang"},
            "suspects": {"names": ["Ekai"], "group": "Lomuria"}});
        let rows = vec![row("a", "2026-11-03T05:00:00+03:00", "ke-024", doc.clone())];
        let public = build(rows.clone(), Edition::Public);
        assert_eq!(public.log[0].restricted, None);
        let text = serde_json::to_string(&public).expect("json");
        for secret in ["Lokwang", "Ekai", "Lomuria", "1.7321"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        let restricted = build(rows, Edition::Restricted);
        let r = restricted.log[0].restricted.clone().expect("restricted");
        assert_eq!(r.gps, Some((1.7321, 35.5123)));
        assert_eq!(r.suspect_names, vec!["Ekai".to_owned()]);
        let mut other = row("b", "2026-11-03T05:00:00+03:00", "ke-024", doc);
        other.may_read_restricted = false;
        let not_mine = build(vec![other], Edition::Restricted);
        let r = not_mine.log[0].restricted.clone().expect("restricted");
        assert_eq!(r.source, None);
        assert!(r.suspect_names.is_empty());
    }

    #[test]
    fn a_narrative_is_cut_at_a_word() {
        let (short, cut) = shorten("one two three four five six", 12);
        assert_eq!(short, "one two…");
        assert!(cut);
        assert_eq!(shorten("short", 12), ("short".into(), false));
        assert_eq!(shorten("  two\n\nlines  ", 12), ("two lines".into(), false));
        assert_eq!(shorten("abcdefghijklmnop", 5), ("abcde…".into(), true));
    }

    #[test]
    fn counts_no_parser_accepts_neither_panic_a_summary_nor_swamp_its_totals() {
        let huge = u64::MAX - 1;
        let doc = |n: u64| {
            json!({
                "type": "livestock_raid", "narrative": "n",
                "people": {"killed": huge, "injured": {"men": huge, "women": 1},
                           "abducted": n},
                "livestock": [{"species": "cattle", "stolen": huge, "recovered": huge,
                               "killed": 3}],
            })
        };
        let mut rows: Vec<SummaryRow> = (0..3)
            .map(|i| {
                row(
                    &format!("r{i}"),
                    "2026-11-20T05:30:00+03:00",
                    "ke-024-l-ombolion",
                    doc(i),
                )
            })
            .collect();
        let mut closed = row("c", "2026-11-21T05:30:00+03:00", "ke-024", doc(1));
        closed.status = "closed".into();
        closed.closure = Some(
            json!({"arrests": huge, "firearms_recovered": huge,
                   "livestock": [{"species": "goats", "recovered": huge}]})
            .as_object()
            .cloned()
            .unwrap_or_default(),
        );
        rows.push(closed);
        for edition in [Edition::Public, Edition::Restricted] {
            let s = build(rows.clone(), edition);
            let f = &s.figures;
            assert_eq!(f.incidents, 4);
            // Out of range reads as "unknown number": reported, never counted.
            assert_eq!((f.killed.total.known, f.killed.total.unknown), (0, 4));
            assert_eq!((f.injured.women.known, f.injured.men.unknown), (4, 4));
            assert_eq!(f.abducted.total.known, 4);
            let cattle = f.species(Species::Cattle).expect("cattle");
            assert_eq!((cattle.stolen.known, cattle.killed.known), (0, 12));
            assert_eq!((f.arrested, f.firearms_recovered), (0, 0));
            let w = words::words(Lang::En);
            assert!(f.killed.phrase(w).contains("unknown"));
            for format in [Format::Csv, Format::Html, Format::Xlsx, Format::Pdf] {
                let dir = tempfile::tempdir().expect("dir");
                save_in(&s, format, Lang::En, dir.path()).expect("saved");
            }
        }
        // The sums themselves saturate.
        let mut a = Amount::default();
        a.add(Some(u64::MAX), false);
        a.add(Some(u64::MAX), false);
        a.merge(a);
        assert_eq!(a.known, u64::MAX);
    }
}
