//! The summary as two tables for spreadsheets: the figures (one row per figure, beside the
//! previous period) and the incident log (one row per incident). CSV and XLSX write the same
//! tables.

use super::words::{self, Words};
use super::{change, Amount, Edition, LivestockCount, LogEntry, PeopleTotal, Summary};
use crate::domain::{IncidentType, Lang};

/// A cell: text, or a whole number a spreadsheet can add up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Number(u64),
}

impl Cell {
    pub fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => n.to_string(),
        }
    }
}

impl From<&str> for Cell {
    fn from(t: &str) -> Self {
        Cell::Text(t.to_owned())
    }
}

impl From<String> for Cell {
    fn from(t: String) -> Self {
        Cell::Text(t)
    }
}

impl From<u32> for Cell {
    fn from(n: u32) -> Self {
        Cell::Number(u64::from(n))
    }
}

impl From<u64> for Cell {
    fn from(n: u64) -> Self {
        Cell::Number(n)
    }
}

#[derive(Debug, Clone)]
pub struct Table {
    /// The sheet's name in a workbook.
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A number when nothing about it is unknown or estimated, the honest phrase otherwise.
fn amount(a: Amount, w: &Words) -> Cell {
    if a.unknown == 0 && !a.estimated {
        Cell::Number(a.known)
    } else {
        Cell::Text(a.phrase(w))
    }
}

fn people(p: PeopleTotal, w: &Words) -> Cell {
    amount(p.total, w)
}

/// The figures, one per row: section, figure, this period, previous period, change, note.
pub fn figures(s: &Summary, lang: Lang) -> Table {
    let w = words::words(lang);
    let mut rows = facts(s, lang, w);
    rows.extend(counts(s, lang, w));
    rows.extend(people_rows(s, w));
    rows.extend(livestock_rows(s, lang, w));
    rows.extend(hotspot_rows(s, lang, w));
    Table {
        name: w.figures_sheet.into(),
        header: vec![
            w.section.into(),
            w.figure.into(),
            w.this_period.into(),
            w.previous.into(),
            w.change.into(),
            w.note.into(),
        ],
        rows,
    }
}

/// What the summary is of: the area, the periods, who prepared it and the edition.
fn facts(s: &Summary, lang: Lang, w: &Words) -> Vec<Vec<Cell>> {
    let facts: [(&str, String); 5] = [
        (w.area, s.unit_with_parent(&s.unit, lang)),
        (w.period, s.period.text()),
        (w.previous_period, s.previous_period.text()),
        (
            w.prepared_by,
            format!(
                "{} ({}), {}",
                s.prepared_by.name,
                words::role(lang, &s.prepared_by.role),
                s.prepared_at
            ),
        ),
        (w.edition, s.edition.banner(w)),
    ];
    facts
        .into_iter()
        .map(|(label, value)| {
            vec![
                w.title.into(),
                label.into(),
                value.into(),
                "".into(),
                "".into(),
                "".into(),
            ]
        })
        .collect()
}

/// The counts of incidents: all, by type, of each kind the key figures name, by status; and
/// the arrests and firearms recovered the closures recorded.
fn counts(s: &Summary, lang: Lang, w: &Words) -> Vec<Vec<Cell>> {
    let (f, p) = (&s.figures, &s.previous);
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut count = |section: &str, label: &str, now: u32, before: u32| {
        rows.push(vec![
            section.into(),
            label.into(),
            now.into(),
            before.into(),
            change(u64::from(now), u64::from(before)).into(),
            "".into(),
        ]);
    };
    count(w.key_figures, w.incidents_all, f.incidents, p.incidents);
    for t in IncidentType::ALL {
        count(
            w.incidents_by_type,
            words::incident_type(lang, *t),
            f.of_type(*t),
            p.of_type(*t),
        );
    }
    count(w.key_figures, w.firearms, f.firearms, p.firearms);
    count(w.key_figures, w.arrests, f.arrests, p.arrests);
    count(
        w.key_figures,
        w.early_warnings_count,
        f.early_warnings,
        p.early_warnings,
    );
    count(
        w.key_figures,
        w.peace_meetings_count,
        f.peace_meetings,
        p.peace_meetings,
    );
    count(
        w.key_figures,
        w.recoveries_count,
        f.recoveries,
        p.recoveries,
    );
    count(w.key_figures, w.open_count, f.open, p.open);
    for st in super::STATUSES {
        count(
            w.status,
            &words::status(lang, st),
            f.status(st),
            p.status(st),
        );
    }
    for (label, now, before) in [
        (
            w.firearms_recovered,
            f.firearms_recovered,
            p.firearms_recovered,
        ),
        (w.arrested, f.arrested, p.arrested),
    ] {
        rows.push(vec![
            w.key_figures.into(),
            label.into(),
            now.into(),
            before.into(),
            change(now, before).into(),
            "".into(),
        ]);
    }
    rows
}

/// People killed, injured and abducted, each with its split into men, women and children.
fn people_rows(s: &Summary, w: &Words) -> Vec<Vec<Cell>> {
    let (f, p) = (&s.figures, &s.previous);
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for (label, now, before) in [
        (w.killed, f.killed, p.killed),
        (w.injured, f.injured, p.injured),
        (w.abducted, f.abducted, p.abducted),
    ] {
        rows.push(vec![
            w.people.into(),
            label.into(),
            people(now, w),
            people(before, w),
            change(now.total.known, before.total.known).into(),
            now.phrase(w).into(),
        ]);
        for (part, a, b) in [
            (w.men, now.men, before.men),
            (w.women, now.women, before.women),
            (w.children, now.children, before.children),
        ] {
            rows.push(vec![
                w.people.into(),
                format!("{label}: {part}").into(),
                amount(a, w),
                amount(b, w),
                change(a.known, b.known).into(),
                "".into(),
            ]);
        }
    }
    rows
}

/// Every species: stolen, recovered and killed.
fn livestock_rows(s: &Summary, lang: Lang, w: &Words) -> Vec<Vec<Cell>> {
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for (now, before) in s.figures.livestock.iter().zip(&s.previous.livestock) {
        for (label, which) in [
            (w.stolen, LivestockCount::Stolen),
            (w.recovered, LivestockCount::Recovered),
            (w.livestock_killed, LivestockCount::Killed),
        ] {
            let (a, b) = (now.get(which), before.get(which));
            rows.push(vec![
                w.livestock.into(),
                format!(
                    "{}: {}",
                    words::species(lang, now.species),
                    label.to_lowercase()
                )
                .into(),
                amount(a, w),
                amount(b, w),
                change(a.known, b.known).into(),
                "".into(),
            ]);
        }
    }
    rows
}

fn hotspot_rows(s: &Summary, lang: Lang, w: &Words) -> Vec<Vec<Cell>> {
    s.hotspots
        .iter()
        .map(|h| {
            vec![
                w.hotspots.into(),
                s.unit_with_parent(&h.unit, lang).into(),
                h.incidents.into(),
                h.previous.into(),
                change(u64::from(h.incidents), u64::from(h.previous)).into(),
                "".into(),
            ]
        })
        .collect()
}

/// The incident log: one row per incident of the period, oldest first.
pub fn log(s: &Summary, lang: Lang) -> Table {
    let w = words::words(lang);
    let restricted = s.edition == Edition::Restricted;
    let mut header: Vec<String> = [
        w.id,
        w.when,
        w.unit_col,
        w.place,
        w.kind,
        w.urgency,
        w.what_happened,
        w.agency,
        w.action,
        w.ob,
        w.status,
        w.killed,
        w.injured,
        w.abducted,
    ]
    .iter()
    .map(|l| (*l).to_owned())
    .collect();
    header.push(w.livestock_stolen.into());
    header.push(w.livestock_recovered.into());
    if restricted {
        header.push(w.restricted_details.into());
    }
    header.push(w.edition.into());
    let rows = s.log.iter().map(|e| log_row(s, e, lang, w)).collect();
    Table {
        name: w.incidents_sheet.into(),
        header,
        rows,
    }
}

/// One incident: the log's columns, its restricted details in that edition, and the edition.
fn log_row(s: &Summary, e: &LogEntry, lang: Lang, w: &Words) -> Vec<Cell> {
    let mut one = super::Figures::default();
    for line in &e.livestock {
        if let Some(x) = one.livestock.iter_mut().find(|x| x.species == line.species) {
            x.stolen = line.stolen;
            x.recovered = line.recovered;
        }
    }
    let sentence = |which| {
        one.livestock_sentence(which, lang, w)
            .unwrap_or_default()
            .into()
    };
    let mut row: Vec<Cell> = vec![
        e.id.clone().into(),
        e.when.clone().into(),
        s.unit_name(&e.unit, lang).into(),
        e.place.clone().unwrap_or_default().into(),
        words::incident_type(lang, e.kind).into(),
        words::urgency(lang, e.urgency).into(),
        e.narrative.clone().into(),
        s.agencies(e, w).into(),
        e.action
            .as_deref()
            .map(|a| words::outcome(lang, a))
            .unwrap_or_default()
            .into(),
        e.ob.clone().unwrap_or_default().into(),
        words::status(lang, &e.status).into(),
        people(e.killed, w),
        people(e.injured, w),
        people(e.abducted, w),
        sentence(LivestockCount::Stolen),
        sentence(LivestockCount::Recovered),
    ];
    if s.edition == Edition::Restricted {
        row.push(
            e.restricted
                .as_ref()
                .filter(|r| !r.is_empty())
                .map(|r| super::document::restricted_line(r, lang, w))
                .unwrap_or_default()
                .into(),
        );
    }
    row.push(s.edition.label(w).into());
    row
}
