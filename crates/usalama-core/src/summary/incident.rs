//! A report as a summary reads it: the few fields of its document and its projection a
//! summary needs, read into an incident for the figures and a line for the log.

use serde_json::{Map, Value};

use super::figures::{count_of, Amount, Figures, PeopleTotal};
use super::model::{Edition, LivestockLine, LogEntry, Restricted, SourceView};
use crate::domain::{Agency, IncidentType, SourceKind, Species, Urgency};

/// How many characters of a narrative the log prints.
const NARRATIVE_CHARS: usize = 240;

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

/// A report read into what the figures need.
pub(super) struct Incident {
    pub(super) kind: IncidentType,
    pub(super) status: String,
    pub(super) killed: PeopleTotal,
    pub(super) injured: PeopleTotal,
    pub(super) abducted: PeopleTotal,
    pub(super) livestock: Vec<LivestockLine>,
    pub(super) arrested: u64,
    pub(super) firearms_recovered: u64,
}

// How an incident adds to the figures lives here, beside the reading of the incident, so
// that the figures know nothing of reports and the two modules never depend on each other.
impl Figures {
    pub(super) fn count(&mut self, incident: &Incident) {
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
}

impl Incident {
    pub(super) fn read(row: &SummaryRow) -> Incident {
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
    pub(super) fn is_insecurity(&self) -> bool {
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

pub(super) fn log_entry(
    row: SummaryRow,
    incident: Incident,
    edition: Edition,
    also: u32,
) -> LogEntry {
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
