//! The summary as a printable document: one builder per section, in the order a baraza or a
//! security committee reads them.

use super::{
    capitalise, col, footer, list, num, restricted_line, row, Block, Document, Row, Series,
};
use crate::domain::{IncidentType, Lang, Species};
use crate::summary::words::{self, Words};
use crate::summary::{change, Amount, Figures, LivestockCount, LogEntry, Summary, Waiting};

/// The summary as a printable document in `lang`.
pub fn summary(s: &Summary, lang: Lang) -> Document {
    let w = words::words(lang);
    let mut blocks = vec![title(s, lang, w)];
    key_figures(&mut blocks, s, lang, w);
    by_type(&mut blocks, s, lang, w);
    livestock(&mut blocks, s, lang, w);
    hotspots(&mut blocks, s, lang, w);
    early_warnings(&mut blocks, s, lang, w);
    peace_and_recoveries(&mut blocks, s, lang, w);
    open_incidents(&mut blocks, s, lang, w);
    pending(&mut blocks, s, lang, w);
    needs(&mut blocks, s, lang, w);
    super::warnings::early_warning(&mut blocks, s, lang);
    incident_log(&mut blocks, s, lang, w);
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

fn title(s: &Summary, lang: Lang, w: &Words) -> Block {
    let unit_kind = s
        .units
        .get(&s.unit)
        .map(|u| words::unit_kind(lang, &u.kind))
        .unwrap_or_default();
    Block::Title {
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
    }
}

/// A count beside the previous period's, and the change.
fn count_row(label: &str, now: u32, before: u32) -> Row {
    row(vec![
        label.to_owned(),
        now.to_string(),
        before.to_string(),
        change(u64::from(now), u64::from(before)),
    ])
}

/// Key figures, each beside the previous period.
fn key_figures(blocks: &mut Vec<Block>, s: &Summary, lang: Lang, w: &Words) {
    let (f, p) = (&s.figures, &s.previous);
    blocks.push(Block::Heading(w.key_figures.into()));
    let livestock = |fig: &Figures, which| {
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
            (now.total, now.phrase(w)),
            (before.total, before.phrase(w)),
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
}

/// An amount beside the previous period's, each with its phrase; the change only when both
/// are known in full.
fn amount_row(label: &str, now: (Amount, String), before: (Amount, String)) -> Row {
    let ((now, now_text), (before, before_text)) = (now, before);
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
}

/// Incidents by type: the chart and the table, for the types seen in either period.
fn by_type(blocks: &mut Vec<Block>, s: &Summary, lang: Lang, w: &Words) {
    let (f, p) = (&s.figures, &s.previous);
    let types: Vec<IncidentType> = IncidentType::ALL
        .iter()
        .copied()
        .filter(|&t| f.of_type(t) > 0 || p.of_type(t) > 0)
        .collect();
    blocks.push(Block::Heading(w.incidents_by_type.into()));
    if types.is_empty() {
        blocks.push(Block::Paragraph(w.nothing_recorded.into()));
        return;
    }
    let series = |legend: String, fig: &Figures| Series {
        legend,
        values: types.iter().map(|&t| u64::from(fig.of_type(t))).collect(),
        texts: types.iter().map(|&t| fig.of_type(t).to_string()).collect(),
    };
    blocks.push(Block::Bars {
        // The heading above already names the chart.
        title: String::new(),
        labels: types
            .iter()
            .map(|&t| words::incident_type(lang, t).to_owned())
            .collect(),
        series: vec![
            series(format!("{} ({})", w.this_period, s.period.text()), f),
            series(format!("{} ({})", w.previous, s.previous_period.text()), p),
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

/// One livestock count of a species in a period; nothing when no report named the species.
fn head_count(fig: &Figures, species: Species, which: LivestockCount) -> Amount {
    fig.species(species)
        .map(|x| x.get(which))
        .unwrap_or_default()
}

/// Livestock per species, stolen against recovered.
fn livestock(blocks: &mut Vec<Block>, s: &Summary, lang: Lang, w: &Words) {
    let (f, p) = (&s.figures, &s.previous);
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
        return;
    }
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
            values: species
                .iter()
                .map(|&sp| head_count(f, sp, which).known)
                .collect(),
            texts: species
                .iter()
                .map(|&sp| head_count(f, sp, which).phrase(w))
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
                    head_count(f, sp, LivestockCount::Stolen).phrase(w),
                    head_count(f, sp, LivestockCount::Recovered).phrase(w),
                    head_count(f, sp, LivestockCount::Killed).phrase(w),
                    head_count(p, sp, LivestockCount::Stolen).phrase(w),
                    head_count(p, sp, LivestockCount::Recovered).phrase(w),
                ])
            })
            .collect(),
        small: false,
    });
}

fn hotspots(blocks: &mut Vec<Block>, s: &Summary, lang: Lang, w: &Words) {
    blocks.push(Block::Heading(w.hotspots.into()));
    if s.hotspots.is_empty() {
        blocks.push(Block::Paragraph(w.nothing_recorded.into()));
        return;
    }
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

fn early_warnings(blocks: &mut Vec<Block>, s: &Summary, lang: Lang, w: &Words) {
    blocks.push(Block::Heading(w.early_warnings.into()));
    list(
        blocks,
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
}

fn peace_and_recoveries(blocks: &mut Vec<Block>, s: &Summary, lang: Lang, w: &Words) {
    blocks.push(Block::Heading(w.peace_and_recoveries.into()));
    list(
        blocks,
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
            vec![
                e.when.clone(),
                s.place(e, lang),
                words::incident_type(lang, e.kind).into(),
                e.narrative.clone(),
                recovered(e, lang, w),
            ]
        },
        &s.log,
    );
}

/// The animals an incident recovered, as the figures phrase them.
fn recovered(e: &LogEntry, lang: Lang, w: &Words) -> String {
    let mut recovered = Figures::default();
    for line in &e.livestock {
        if let Some(x) = recovered
            .livestock
            .iter_mut()
            .find(|x| x.species == line.species)
        {
            x.recovered = line.recovered;
        }
    }
    recovered
        .livestock_sentence(LivestockCount::Recovered, lang, w)
        .unwrap_or_default()
}

/// Open incidents, by status.
fn open_incidents(blocks: &mut Vec<Block>, s: &Summary, lang: Lang, w: &Words) {
    let (f, p) = (&s.figures, &s.previous);
    blocks.push(Block::Heading(w.open_incidents.into()));
    blocks.push(Block::Table {
        columns: vec![
            col(w.status, 0.55),
            num(w.this_period, 0.15),
            num(w.previous, 0.15),
            num(w.change, 0.15),
        ],
        rows: crate::summary::STATUSES
            .iter()
            .filter(|st| **st != "closed")
            .map(|st| count_row(&words::status(lang, st), f.status(st), p.status(st)))
            .collect(),
        small: false,
    });
}

/// Pending actions: what each open incident waits for.
fn pending(blocks: &mut Vec<Block>, s: &Summary, lang: Lang, w: &Words) {
    blocks.push(Block::Heading(w.pending.into()));
    let pending: Vec<usize> = s.pending.iter().map(|p| p.entry).collect();
    list(
        blocks,
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
}

/// The operations whose needs are open, under the pending actions' heading.
fn needs(blocks: &mut Vec<Block>, s: &Summary, lang: Lang, w: &Words) {
    if s.needs.is_empty() {
        return;
    }
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

/// The incident log: every incident of the period.
fn incident_log(blocks: &mut Vec<Block>, s: &Summary, lang: Lang, w: &Words) {
    blocks.push(Block::Heading(format!(
        "{} ({})",
        w.incident_log,
        s.log.len()
    )));
    if s.log.is_empty() {
        blocks.push(Block::Paragraph(w.nothing_recorded.into()));
        return;
    }
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
