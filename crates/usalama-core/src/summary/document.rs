//! The printable document: what a summary or a slip says, as blocks that both the HTML and the
//! PDF renderer draw, so the two never disagree on a label, a row or a figure.

use serde::Serialize;
use serde_json::Value;

use super::words::{self, fill, Words};
use super::{change, Amount, Edition, LivestockCount, LogEntry, Summary, Waiting};
use crate::domain::{IncidentType, Lang, SourceKind, Species};
use crate::store::ReportView;

/// How many items a list section prints before "and N more".
pub const LIST_LIMIT: usize = 25;

/// A document ready to draw. It serializes as the data the desktop app's print view draws.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub lang: Lang,
    pub title: String,
    pub edition: Edition,
    /// The edition and what it holds, printed at the top of every page.
    pub banner: String,
    /// Printed at the bottom of every page, beside the page number.
    pub footer: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    Left,
    Right,
}

#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub label: String,
    /// A share of the page's width; the shares of a table add up to 1.
    pub width: f32,
    pub align: Align,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Row {
    pub cells: Vec<String>,
    /// A line under the row across every column (the restricted details of an incident).
    pub detail: Option<String>,
    pub strong: bool,
}

/// One series of a bar chart: a legend and one value per label.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub legend: String,
    pub values: Vec<u64>,
    /// A label printed after the bar instead of the number ("about 150", "at least 20").
    pub texts: Vec<String>,
}

/// Serialized as `{"kind": "table", "data": {...}}`, `{"kind": "heading", "data": "..."}`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum Block {
    /// The document's heading and its facts (area, period, prepared by, ...).
    Title {
        title: String,
        facts: Vec<(String, String)>,
    },
    Heading(String),
    Paragraph(String),
    /// Small grey text.
    Note(String),
    /// Text in a fixed form that a reader may compare character by character (a hash).
    Code(String),
    Table {
        columns: Vec<Column>,
        rows: Vec<Row>,
        /// Small print, for long logs.
        small: bool,
    },
    /// A horizontal bar chart: one group of bars per label, one bar per series.
    Bars {
        title: String,
        labels: Vec<String>,
        series: Vec<Series>,
    },
    /// Lines for the signatures of the given roles, each with the given fields (name,
    /// signature, date).
    SignOff {
        roles: Vec<String>,
        fields: Vec<String>,
    },
}

fn col(label: &str, width: f32) -> Column {
    Column {
        label: label.to_owned(),
        width,
        align: Align::Left,
    }
}

fn num(label: &str, width: f32) -> Column {
    Column {
        label: label.to_owned(),
        width,
        align: Align::Right,
    }
}

fn row(cells: Vec<String>) -> Row {
    Row {
        cells,
        ..Row::default()
    }
}

/// The footer of every page: who prepared it and when.
fn footer(w: &Words, name: &str, role: &str, at: &str, lang: Lang) -> String {
    format!(
        "{} {name} ({}), {} · Usalama",
        w.prepared_by,
        words::role(lang, role),
        at.get(..16).unwrap_or(at).replace('T', " ")
    )
}

/// The summary as a printable document in `lang`.
pub fn summary(s: &Summary, lang: Lang) -> Document {
    let w = words::words(lang);
    let f = &s.figures;
    let p = &s.previous;
    let mut blocks = Vec::new();
    let unit_kind = s
        .units
        .get(&s.unit)
        .map(|u| words::unit_kind(lang, &u.kind))
        .unwrap_or_default();
    blocks.push(Block::Title {
        title: format!("{}: {}", w.title, s.unit_name(&s.unit, lang)),
        facts: vec![
            (
                w.area.into(),
                format!("{} ({unit_kind})", s.unit_with_parent(&s.unit, lang)),
            ),
            (
                w.period.into(),
                format!(
                    "{}   ·   {}: {}",
                    s.period.text(),
                    w.previous_period,
                    s.previous_period.text()
                ),
            ),
            (
                w.prepared_by.into(),
                format!(
                    "{} ({})",
                    s.prepared_by.name,
                    words::role(lang, &s.prepared_by.role)
                ),
            ),
            (
                w.prepared_on.into(),
                s.prepared_at
                    .get(..16)
                    .unwrap_or(&s.prepared_at)
                    .replace('T', " "),
            ),
            (w.edition.into(), s.edition.banner(w)),
        ],
    });

    // Key figures, each beside the previous period.
    blocks.push(Block::Heading(w.key_figures.into()));
    let count_row = |label: &str, now: u32, before: u32| {
        row(vec![
            label.to_owned(),
            now.to_string(),
            before.to_string(),
            change(u64::from(now), u64::from(before)),
        ])
    };
    let amount_row = |label: &str, now: Amount, before: Amount, now_text: String, before_text| {
        row(vec![
            label.to_owned(),
            now_text,
            before_text,
            if now.unknown == 0 && before.unknown == 0 {
                change(now.known, before.known)
            } else {
                "–".into()
            },
        ])
    };
    let livestock = |fig: &super::Figures, which| {
        fig.livestock_sentence(which, lang, w)
            .unwrap_or_else(|| "0".into())
    };
    let mut rows = vec![count_row(w.incidents_all, f.incidents, p.incidents)];
    rows[0].strong = true;
    for (label, now, before) in [
        (w.killed, f.killed, p.killed),
        (w.injured, f.injured, p.injured),
        (w.abducted, f.abducted, p.abducted),
    ] {
        rows.push(amount_row(
            label,
            now.total,
            before.total,
            now.phrase(w),
            before.phrase(w),
        ));
    }
    for (label, which) in [
        (w.livestock_stolen, LivestockCount::Stolen),
        (w.livestock_recovered, LivestockCount::Recovered),
    ] {
        rows.push(row(vec![
            label.to_owned(),
            livestock(f, which),
            livestock(p, which),
            "–".into(),
        ]));
    }
    rows.push(count_row(w.firearms, f.firearms, p.firearms));
    rows.push(count_row(w.arrests, f.arrests, p.arrests));
    for (label, now, before) in [
        (
            w.firearms_recovered,
            f.firearms_recovered,
            p.firearms_recovered,
        ),
        (w.arrested, f.arrested, p.arrested),
    ] {
        rows.push(row(vec![
            label.to_owned(),
            now.to_string(),
            before.to_string(),
            change(now, before),
        ]));
    }
    rows.push(count_row(
        w.early_warnings_count,
        f.early_warnings,
        p.early_warnings,
    ));
    rows.push(count_row(
        w.peace_meetings_count,
        f.peace_meetings,
        p.peace_meetings,
    ));
    rows.push(count_row(w.recoveries_count, f.recoveries, p.recoveries));
    rows.push(count_row(w.open_count, f.open, p.open));
    blocks.push(Block::Table {
        columns: vec![
            col(w.figure, 0.28),
            col(w.this_period, 0.29),
            col(w.previous, 0.29),
            num(w.change, 0.14),
        ],
        rows,
        small: false,
    });
    blocks.push(Block::Note(w.counting_note.into()));

    // Incidents by type: the chart and the table, for the types seen in either period.
    let types: Vec<IncidentType> = IncidentType::ALL
        .iter()
        .copied()
        .filter(|&t| f.of_type(t) > 0 || p.of_type(t) > 0)
        .collect();
    blocks.push(Block::Heading(w.incidents_by_type.into()));
    if types.is_empty() {
        blocks.push(Block::Paragraph(w.nothing_recorded.into()));
    } else {
        blocks.push(Block::Bars {
            // The heading above already names the chart.
            title: String::new(),
            labels: types
                .iter()
                .map(|&t| words::incident_type(lang, t).to_owned())
                .collect(),
            series: vec![
                Series {
                    legend: format!("{} ({})", w.this_period, s.period.text()),
                    values: types.iter().map(|&t| u64::from(f.of_type(t))).collect(),
                    texts: types.iter().map(|&t| f.of_type(t).to_string()).collect(),
                },
                Series {
                    legend: format!("{} ({})", w.previous, s.previous_period.text()),
                    values: types.iter().map(|&t| u64::from(p.of_type(t))).collect(),
                    texts: types.iter().map(|&t| p.of_type(t).to_string()).collect(),
                },
            ],
        });
        blocks.push(Block::Table {
            columns: vec![
                col(w.kind, 0.55),
                num(w.this_period, 0.15),
                num(w.previous, 0.15),
                num(w.change, 0.15),
            ],
            rows: types
                .iter()
                .map(|&t| count_row(words::incident_type(lang, t), f.of_type(t), p.of_type(t)))
                .collect(),
            small: false,
        });
    }

    // Livestock per species, stolen against recovered.
    blocks.push(Block::Heading(w.livestock.into()));
    let species: Vec<Species> = Species::ALL
        .iter()
        .copied()
        .filter(|&sp| {
            [f.species(sp), p.species(sp)].iter().flatten().any(|x| {
                !(x.stolen.is_nothing() && x.recovered.is_nothing() && x.killed.is_nothing())
            })
        })
        .collect();
    if species.is_empty() {
        blocks.push(Block::Paragraph(w.no_livestock.into()));
    } else {
        let get = |fig: &super::Figures, sp, which| {
            fig.species(sp).map(|x| x.get(which)).unwrap_or_default()
        };
        blocks.push(Block::Bars {
            title: w.livestock_chart.into(),
            labels: species
                .iter()
                .map(|&sp| capitalise(words::species(lang, sp)))
                .collect(),
            series: [
                (w.stolen, LivestockCount::Stolen),
                (w.recovered, LivestockCount::Recovered),
            ]
            .iter()
            .map(|&(legend, which)| Series {
                legend: legend.into(),
                values: species.iter().map(|&sp| get(f, sp, which).known).collect(),
                texts: species
                    .iter()
                    .map(|&sp| get(f, sp, which).phrase(w))
                    .collect(),
            })
            .collect(),
        });
        blocks.push(Block::Table {
            columns: vec![
                col(w.species, 0.16),
                col(w.stolen, 0.14),
                col(w.recovered, 0.14),
                col(w.livestock_killed, 0.14),
                col(
                    &format!("{}: {}", w.previous, w.stolen.to_lowercase()),
                    0.21,
                ),
                col(
                    &format!("{}: {}", w.previous, w.recovered.to_lowercase()),
                    0.21,
                ),
            ],
            rows: species
                .iter()
                .map(|&sp| {
                    row(vec![
                        capitalise(words::species(lang, sp)),
                        get(f, sp, LivestockCount::Stolen).phrase(w),
                        get(f, sp, LivestockCount::Recovered).phrase(w),
                        get(f, sp, LivestockCount::Killed).phrase(w),
                        get(p, sp, LivestockCount::Stolen).phrase(w),
                        get(p, sp, LivestockCount::Recovered).phrase(w),
                    ])
                })
                .collect(),
            small: false,
        });
    }

    // Hotspots.
    blocks.push(Block::Heading(w.hotspots.into()));
    if s.hotspots.is_empty() {
        blocks.push(Block::Paragraph(w.nothing_recorded.into()));
    } else {
        blocks.push(Block::Table {
            columns: vec![
                col(w.area, 0.40),
                num(w.incidents, 0.15),
                num(w.previous, 0.15),
                num(w.killed, 0.15),
                num(w.early_warnings, 0.15),
            ],
            rows: s
                .hotspots
                .iter()
                .map(|h| {
                    row(vec![
                        s.unit_with_parent(&h.unit, lang),
                        h.incidents.to_string(),
                        h.previous.to_string(),
                        h.killed.phrase(w),
                        h.early_warnings.to_string(),
                    ])
                })
                .collect(),
            small: false,
        });
    }

    // Early-warning signs.
    blocks.push(Block::Heading(w.early_warnings.into()));
    list(
        &mut blocks,
        w,
        &s.early_warnings,
        vec![
            col(w.when, 0.16),
            col(w.place, 0.22),
            col(w.what_happened, 0.44),
            col(w.status, 0.18),
        ],
        |e| {
            vec![
                e.when.clone(),
                s.place(e, lang),
                e.narrative.clone(),
                words::status(lang, &e.status),
            ]
        },
        &s.log,
    );

    // Peace meetings and recoveries.
    blocks.push(Block::Heading(w.peace_and_recoveries.into()));
    list(
        &mut blocks,
        w,
        &s.peace_and_recoveries,
        vec![
            col(w.when, 0.15),
            col(w.place, 0.20),
            col(w.kind, 0.15),
            col(w.what_happened, 0.32),
            col(w.recovered, 0.18),
        ],
        |e| {
            let mut recovered = super::Figures::default();
            for line in &e.livestock {
                if let Some(x) = recovered
                    .livestock
                    .iter_mut()
                    .find(|x| x.species == line.species)
                {
                    x.recovered = line.recovered;
                }
            }
            vec![
                e.when.clone(),
                s.place(e, lang),
                words::incident_type(lang, e.kind).into(),
                e.narrative.clone(),
                recovered
                    .livestock_sentence(LivestockCount::Recovered, lang, w)
                    .unwrap_or_default(),
            ]
        },
        &s.log,
    );

    // Open incidents, by status.
    blocks.push(Block::Heading(w.open_incidents.into()));
    blocks.push(Block::Table {
        columns: vec![
            col(w.status, 0.55),
            num(w.this_period, 0.15),
            num(w.previous, 0.15),
            num(w.change, 0.15),
        ],
        rows: super::STATUSES
            .iter()
            .filter(|st| **st != "closed")
            .map(|st| count_row(&words::status(lang, st), f.status(st), p.status(st)))
            .collect(),
        small: false,
    });

    // Pending actions and needs.
    blocks.push(Block::Heading(w.pending.into()));
    let pending: Vec<usize> = s.pending.iter().map(|p| p.entry).collect();
    list(
        &mut blocks,
        w,
        &pending,
        vec![
            col(w.when, 0.14),
            col(w.place, 0.20),
            col(w.kind, 0.16),
            col(w.urgency, 0.10),
            col(w.waiting_for, 0.22),
            col(w.agencies_told, 0.18),
        ],
        |e| {
            let waiting = s
                .pending
                .iter()
                .find(|p| s.log[p.entry].id == e.id)
                .map_or(Waiting::Response, |p| p.waiting);
            vec![
                e.when.clone(),
                s.place(e, lang),
                words::incident_type(lang, e.kind).into(),
                words::urgency(lang, e.urgency).into(),
                match waiting {
                    Waiting::Send => w.waiting_send,
                    Waiting::Acknowledge => w.waiting_ack,
                    Waiting::Response => w.waiting_response,
                }
                .into(),
                if e.agencies.is_empty() {
                    w.none.into()
                } else {
                    s.agencies(e, w)
                },
            ]
        },
        &s.log,
    );
    if !s.needs.is_empty() {
        blocks.push(Block::Table {
            columns: vec![
                col(w.operation, 0.30),
                col(w.lead_agency, 0.12),
                col(w.dates, 0.18),
                col(w.gaps, 0.40),
            ],
            rows: s
                .needs
                .iter()
                .map(|n| {
                    let gaps: Vec<String> = n
                        .items
                        .iter()
                        .filter(|i| i.gap() > 0)
                        .map(|i| format!("{} {}", words::resource(lang, i.resource), i.gap()))
                        .collect();
                    row(vec![
                        format!("{} ({})", n.operation, s.unit_name(&n.area, lang)),
                        words::agency_short(n.lead).into(),
                        format!("{} – {}", n.from, n.to),
                        if gaps.is_empty() {
                            w.no_gaps.into()
                        } else {
                            gaps.join(", ")
                        },
                    ])
                })
                .collect(),
            small: true,
        });
    }

    // The incident log: every incident of the period.
    blocks.push(Block::Heading(format!(
        "{} ({})",
        w.incident_log,
        s.log.len()
    )));
    if s.log.is_empty() {
        blocks.push(Block::Paragraph(w.nothing_recorded.into()));
    } else {
        blocks.push(Block::Table {
            columns: vec![
                col(w.when, 0.10),
                col(w.place, 0.14),
                col(w.kind, 0.11),
                col(w.what_happened, 0.28),
                col(w.agency, 0.11),
                col(w.action, 0.09),
                col(w.ob, 0.09),
                col(w.status, 0.08),
            ],
            rows: s.log.iter().map(|e| log_row(s, e, lang, w)).collect(),
            small: true,
        });
    }

    blocks.push(Block::Heading(w.sign_off.into()));
    blocks.push(Block::SignOff {
        roles: vec![w.chief.into(), w.acc.into(), w.dcc.into()],
        fields: vec![w.name.into(), w.signature.into(), w.date.into()],
    });

    Document {
        lang,
        title: format!("{}: {}", w.title, s.unit_name(&s.unit, lang)),
        edition: s.edition,
        banner: s.edition.banner(w),
        footer: footer(
            w,
            &s.prepared_by.name,
            &s.prepared_by.role,
            &s.prepared_at,
            lang,
        ),
        blocks,
    }
}

fn log_row(s: &Summary, e: &LogEntry, lang: Lang, w: &Words) -> Row {
    let mut narrative = e.narrative.clone();
    if e.also_reported > 0 {
        narrative.push_str(&format!(" (+{})", e.also_reported));
    }
    let detail = e
        .restricted
        .as_ref()
        .filter(|r| !r.is_empty())
        .map(|r| restricted_line(r, lang, w));
    Row {
        cells: vec![
            e.when.clone(),
            s.place(e, lang),
            words::incident_type(lang, e.kind).into(),
            narrative,
            s.agencies(e, w),
            e.action
                .as_deref()
                .map_or_else(|| "–".into(), |a| words::outcome(lang, a)),
            e.ob.clone().unwrap_or_else(|| "–".into()),
            words::status(lang, &e.status),
        ],
        detail,
        strong: false,
    }
}

/// "Restricted: Source: Informant, Lokwang, 0712…; Suspects: Ekai; Group: …; GPS: 1.73210, 35.51230".
pub fn restricted_line(r: &super::Restricted, lang: Lang, w: &Words) -> String {
    let mut parts = Vec::new();
    if let Some(src) = &r.source {
        let mut bits: Vec<String> = Vec::new();
        if let Some(k) = src.kind {
            bits.push(words::source_kind(lang, k).into());
        }
        bits.extend(src.name.clone());
        bits.extend(src.contact.clone());
        bits.extend(src.notes.clone());
        parts.push(format!("{}: {}", w.source, bits.join(", ")));
    }
    if !r.suspect_names.is_empty() {
        parts.push(format!(
            "{} ({}): {}",
            w.suspects,
            w.suspect_names.to_lowercase(),
            r.suspect_names.join(", ")
        ));
    }
    if let Some(g) = &r.suspect_group {
        parts.push(format!("{}: {g}", w.suspect_group));
    }
    if let Some((lat, lon)) = r.gps {
        parts.push(format!("{}: {lat:.5}, {lon:.5}", w.gps));
    }
    format!("{}: {}", w.restricted_details, parts.join("; "))
}

/// A list section: up to [`LIST_LIMIT`] rows, then "and N more".
fn list(
    blocks: &mut Vec<Block>,
    w: &Words,
    positions: &[usize],
    columns: Vec<Column>,
    cells: impl Fn(&LogEntry) -> Vec<String>,
    log: &[LogEntry],
) {
    if positions.is_empty() {
        blocks.push(Block::Paragraph(w.nothing_recorded.into()));
        return;
    }
    blocks.push(Block::Table {
        columns,
        rows: positions
            .iter()
            .take(LIST_LIMIT)
            .filter_map(|&i| log.get(i))
            .map(|e| row(cells(e)))
            .collect(),
        small: true,
    });
    if positions.len() > LIST_LIMIT {
        blocks.push(Block::Note(fill(
            w.more,
            &[("n", &(positions.len() - LIST_LIMIT).to_string())],
        )));
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The one-page slip of a report: its fields, its timeline and its ledger hash.
pub fn slip(
    view: &ReportView,
    edition: Edition,
    lang: Lang,
    unit_name: &str,
    prepared_by: &super::Preparer,
) -> Document {
    let w = words::words(lang);
    let doc = &view.document;
    let text = |k: &str| doc.get(k).and_then(Value::as_str).map(str::to_owned);
    let kind = text("type")
        .and_then(|t| IncidentType::parse(&t).ok())
        .map_or_else(
            || text("type").unwrap_or_default(),
            |t| words::incident_type(lang, t).to_owned(),
        );
    let urgency = text("urgency")
        .and_then(|u| crate::domain::Urgency::parse(&u).ok())
        .map_or_else(|| "–".to_owned(), |u| words::urgency(lang, u).to_owned());
    let when = text("occurred_at")
        .and_then(|t| {
            time::OffsetDateTime::parse(&t, &time::format_description::well_known::Rfc3339).ok()
        })
        .map_or_else(String::new, |t| {
            super::eat_minutes((t.unix_timestamp_nanos() / 1_000_000) as i64)
        });
    let mut facts = vec![
        (w.id.to_owned(), view.id.clone()),
        (
            w.kind.to_owned(),
            format!("{kind}   ·   {}: {urgency}", w.urgency),
        ),
        (w.status.to_owned(), words::status(lang, &view.status)),
        (w.when.to_owned(), when),
        (w.area.to_owned(), unit_name.to_owned()),
    ];
    if let Some(place) = text("place") {
        facts.push((w.place.into(), place));
    }
    facts.push((
        w.reported_by.into(),
        format!(
            "{} ({})",
            view.reported_by.name,
            words::role(lang, &view.reported_by.role)
        ),
    ));
    facts.push((
        w.recorded.into(),
        view.recorded_at
            .get(..16)
            .unwrap_or(&view.recorded_at)
            .replace('T', " "),
    ));
    if let Some(ob) = doc.get("ob").filter(|v| !v.is_null()) {
        let number = ob.get("number").and_then(Value::as_str).unwrap_or("");
        let station = ob.get("station").and_then(Value::as_str);
        facts.push((
            w.ob.into(),
            station.map_or_else(|| number.to_owned(), |s| format!("{number}, {s}")),
        ));
    }
    if let Some(Value::Array(agencies)) = doc.get("agencies_notified") {
        let names: Vec<String> = agencies
            .iter()
            .filter_map(|a| crate::domain::Agency::parse(a.as_str()?).ok())
            .map(|a| words::agency(lang, a).to_owned())
            .collect();
        if !names.is_empty() {
            facts.push((w.agencies_told.into(), names.join(", ")));
        }
    }
    if let Some(lead) = &view.lead_agency {
        let name = crate::domain::Agency::parse(lead)
            .map_or_else(|_| lead.clone(), |a| words::agency(lang, a).to_owned());
        facts.push((w.lead_agency.into(), name));
    }
    facts.push((w.edition.into(), edition.banner(w)));
    let mut blocks = vec![Block::Title {
        title: format!("{}: {}", w.slip_title, view.id),
        facts,
    }];
    blocks.push(Block::Heading(w.what_happened.into()));
    let (narrative, cut) = super::shorten(&text("narrative").unwrap_or_default(), 1500);
    blocks.push(Block::Paragraph(narrative));
    if cut {
        blocks.push(Block::Note(w.narrative_cut.into()));
    }

    // People and livestock, as the report gives them.
    let mut figures = super::Figures::default();
    let row_doc = super::SummaryRow {
        id: view.id.clone(),
        status: view.status.clone(),
        unit: view.unit_counted.clone(),
        occurred_at_ms: 0,
        document: super::SummaryDoc::from_map(doc),
        may_read_restricted: false,
        linked_to: None,
        lead_agency: None,
        action: None,
        closure: None,
    };
    figures.count(&super::incident::Incident::read(&row_doc));
    let mut rows = vec![];
    for (label, t) in [
        (w.killed, figures.killed),
        (w.injured, figures.injured),
        (w.abducted, figures.abducted),
    ] {
        rows.push(row(vec![label.into(), t.phrase(w)]));
    }
    for (label, which) in [
        (w.livestock_stolen.to_owned(), LivestockCount::Stolen),
        (w.livestock_recovered.to_owned(), LivestockCount::Recovered),
        (
            format!("{}: {}", w.livestock, w.livestock_killed.to_lowercase()),
            LivestockCount::Killed,
        ),
    ] {
        if let Some(sentence) = figures.livestock_sentence(which, lang, w) {
            rows.push(row(vec![label, sentence]));
        }
    }
    if let Some(sus) = doc.get("suspects").filter(|v| v.is_object()) {
        let mut bits = Vec::new();
        if let Some(n) = sus.get("count") {
            bits.push(if n.is_null() {
                w.unknown_number.to_owned()
            } else {
                n.to_string()
            });
        }
        if sus.get("armed") == Some(&Value::Bool(true)) {
            bits.push(w.armed.into());
        }
        if let Some(d) = sus.get("direction").and_then(Value::as_str) {
            bits.push(format!("{}: {d}", w.direction));
        }
        if edition == Edition::Restricted {
            if let Some(Value::Array(names)) = sus.get("names") {
                let names: Vec<&str> = names.iter().filter_map(Value::as_str).collect();
                if !names.is_empty() {
                    bits.push(format!(
                        "{}: {}",
                        w.suspect_names.to_lowercase(),
                        names.join(", ")
                    ));
                }
            }
            if let Some(g) = sus.get("group").and_then(Value::as_str) {
                bits.push(format!("{}: {g}", w.suspect_group.to_lowercase()));
            }
        }
        if !bits.is_empty() {
            rows.push(row(vec![w.suspects.into(), bits.join("; ")]));
        }
    }
    if edition == Edition::Restricted {
        if let Some(gps) = doc.get("gps").filter(|v| v.is_object()) {
            let c = |k: &str| gps.get(k).and_then(Value::as_f64).unwrap_or_default();
            rows.push(row(vec![
                w.gps.into(),
                format!("{:.5}, {:.5}", c("lat"), c("lon")),
            ]));
        }
        if let Some(src) = doc.get("source").filter(|v| v.is_object()) {
            let mut bits: Vec<String> = Vec::new();
            if let Some(k) = src
                .get("kind")
                .and_then(Value::as_str)
                .and_then(|k| SourceKind::parse(k).ok())
            {
                bits.push(words::source_kind(lang, k).into());
            }
            for key in ["name", "contact", "notes"] {
                if let Some(v) = src.get(key).and_then(Value::as_str) {
                    bits.push(v.into());
                }
            }
            rows.push(row(vec![w.source.into(), bits.join(", ")]));
        }
    }
    blocks.push(Block::Table {
        columns: vec![col(w.figure, 0.3), col("", 0.7)],
        rows,
        small: false,
    });

    // The timeline, each entry with its hash.
    blocks.push(Block::Heading(w.timeline.into()));
    blocks.push(Block::Table {
        columns: vec![
            col(w.when, 0.17),
            col(w.what_happened, 0.2),
            col(w.recorded_by, 0.23),
            col(w.entry, 0.4),
        ],
        rows: view
            .timeline
            .iter()
            .map(|t| {
                let what = match t.kind.as_str() {
                    "report_filed" => w.filed,
                    "report_amended" => w.amended,
                    "report_redacted" => w.redacted,
                    "source_sealed" => w.source_recorded,
                    "received_by_county" => w.received_by_county,
                    _ => w.update,
                };
                let by = match &t.by.agency {
                    Some(a) => format!("{} ({}, {a})", t.by.name, words::role(lang, &t.by.role)),
                    None => format!("{} ({})", t.by.name, words::role(lang, &t.by.role)),
                };
                row(vec![
                    t.at.get(..16).unwrap_or(&t.at).replace('T', " "),
                    what.into(),
                    by,
                    format!("#{} {}", t.entry.seq, t.entry.hash),
                ])
            })
            .collect(),
        small: true,
    });
    blocks.push(Block::Heading(w.ledger_hash.into()));
    let filing = view
        .timeline
        .iter()
        .find(|t| t.kind == "report_filed")
        .map(|t| t.entry.hash.clone())
        .unwrap_or_default();
    blocks.push(Block::Code(filing));
    blocks.push(Block::Note(w.ledger_hash_note.into()));
    Document {
        lang,
        title: format!("{}: {}", w.slip_title, view.id),
        edition,
        banner: edition.banner(w),
        footer: footer(
            w,
            &prepared_by.name,
            &prepared_by.role,
            &crate::clock::format_ms(crate::store::now_ms()),
            lang,
        ),
        blocks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_serializes_as_blocks_tagged_by_kind() {
        let doc = Document {
            lang: Lang::Sw,
            title: "Muhtasari".into(),
            edition: Edition::Public,
            banner: "TOLEO LA UMMA".into(),
            footer: "Usalama".into(),
            blocks: vec![
                Block::Heading("Idadi".into()),
                Block::Table {
                    columns: vec![col("Aina", 0.7), num("Idadi", 0.3)],
                    rows: vec![row(vec!["Uvamizi".into(), "3".into()])],
                    small: false,
                },
            ],
        };
        let json = serde_json::to_value(&doc).expect("json");
        assert_eq!(json["edition"], "public");
        assert_eq!(json["lang"], "sw");
        assert_eq!(
            json["blocks"][0],
            serde_json::json!({"kind": "heading", "data": "Idadi"})
        );
        assert_eq!(json["blocks"][1]["kind"], "table");
        assert_eq!(json["blocks"][1]["data"]["columns"][1]["align"], "right");
        assert_eq!(json["blocks"][1]["data"]["rows"][0]["cells"][1], "3");
    }
}
