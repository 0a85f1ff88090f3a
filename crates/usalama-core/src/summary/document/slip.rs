//! The one-page slip of a report: its fields, what it counts, its timeline and its ledger
//! hash.

use serde_json::{Map, Value};

use super::{col, footer, row, Block, Document, Row};
use crate::domain::{Agency, IncidentType, Lang, SourceKind, Urgency};
use crate::summary::incident::Incident;
use crate::summary::words::{self, Words};
use crate::summary::{
    eat_minutes, shorten, Edition, Figures, LivestockCount, Preparer, SlipReport, SlipStep,
    SummaryDoc, SummaryRow,
};

/// How many characters of the narrative a slip prints.
const NARRATIVE_CHARS: usize = 1500;

/// The one-page slip of a report: its fields, its timeline and its ledger hash. `printed_at`
/// (Unix milliseconds) dates the footer.
pub fn slip(
    report: &SlipReport,
    edition: Edition,
    lang: Lang,
    unit_name: &str,
    prepared_by: &Preparer,
    printed_at: i64,
) -> Document {
    let w = words::words(lang);
    let doc = &report.document;
    let mut blocks = vec![Block::Title {
        title: format!("{}: {}", w.slip_title, report.id),
        facts: facts(report, edition, lang, unit_name, w),
    }];
    blocks.push(Block::Heading(w.what_happened.into()));
    let (narrative, cut) = shorten(&text(doc, "narrative").unwrap_or_default(), NARRATIVE_CHARS);
    blocks.push(Block::Paragraph(narrative));
    if cut {
        blocks.push(Block::Note(w.narrative_cut.into()));
    }
    let mut rows = counted(report, lang, w);
    rows.extend(suspects(doc, edition, w));
    if edition == Edition::Restricted {
        rows.extend(restricted(doc, lang, w));
    }
    blocks.push(Block::Table {
        columns: vec![col(w.figure, 0.3), col("", 0.7)],
        rows,
        small: false,
    });
    timeline(&mut blocks, &report.timeline, lang, w);
    Document {
        lang,
        title: format!("{}: {}", w.slip_title, report.id),
        edition,
        banner: edition.banner(w),
        footer: footer(
            w,
            &prepared_by.name,
            &prepared_by.role,
            &crate::clock::format_ms(printed_at),
            lang,
        ),
        blocks,
    }
}

fn text(doc: &Map<String, Value>, key: &str) -> Option<String> {
    doc.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// The title's facts: what, how urgent, where and when, who reported it, its OB number and
/// the agencies told.
fn facts(
    report: &SlipReport,
    edition: Edition,
    lang: Lang,
    unit_name: &str,
    w: &Words,
) -> Vec<(String, String)> {
    let doc = &report.document;
    let kind = text(doc, "type")
        .and_then(|t| IncidentType::parse(&t).ok())
        .map_or_else(
            || text(doc, "type").unwrap_or_default(),
            |t| words::incident_type(lang, t).to_owned(),
        );
    let urgency = text(doc, "urgency")
        .and_then(|u| Urgency::parse(&u).ok())
        .map_or_else(|| "–".to_owned(), |u| words::urgency(lang, u).to_owned());
    let when = text(doc, "occurred_at")
        .and_then(|t| {
            time::OffsetDateTime::parse(&t, &time::format_description::well_known::Rfc3339).ok()
        })
        .map_or_else(String::new, |t| {
            eat_minutes((t.unix_timestamp_nanos() / 1_000_000) as i64)
        });
    let mut facts = vec![
        (w.id.to_owned(), report.id.clone()),
        (
            w.kind.to_owned(),
            format!("{kind}   ·   {}: {urgency}", w.urgency),
        ),
        (w.status.to_owned(), words::status(lang, &report.status)),
        (w.when.to_owned(), when),
        (w.area.to_owned(), unit_name.to_owned()),
    ];
    if let Some(place) = text(doc, "place") {
        facts.push((w.place.into(), place));
    }
    facts.push((
        w.reported_by.into(),
        format!(
            "{} ({})",
            report.reported_by.name,
            words::role(lang, &report.reported_by.role)
        ),
    ));
    facts.push((
        w.recorded.into(),
        report
            .recorded_at
            .get(..16)
            .unwrap_or(&report.recorded_at)
            .replace('T', " "),
    ));
    facts.extend(response_facts(report, lang, w));
    facts.push((w.edition.into(), edition.banner(w)));
    facts
}

/// The OB number, the agencies told and the lead agency, where the report has them.
fn response_facts(report: &SlipReport, lang: Lang, w: &Words) -> Vec<(String, String)> {
    let doc = &report.document;
    let mut facts = Vec::new();
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
            .filter_map(|a| Agency::parse(a.as_str()?).ok())
            .map(|a| words::agency(lang, a).to_owned())
            .collect();
        if !names.is_empty() {
            facts.push((w.agencies_told.into(), names.join(", ")));
        }
    }
    if let Some(lead) = &report.lead_agency {
        let name = Agency::parse(lead)
            .map_or_else(|_| lead.clone(), |a| words::agency(lang, a).to_owned());
        facts.push((w.lead_agency.into(), name));
    }
    facts
}

/// People and livestock, as the report gives them, counted as a summary counts them.
fn counted(report: &SlipReport, lang: Lang, w: &Words) -> Vec<Row> {
    let mut figures = Figures::default();
    let row_doc = SummaryRow {
        id: report.id.clone(),
        status: report.status.clone(),
        unit: report.unit_counted.clone(),
        occurred_at_ms: 0,
        document: SummaryDoc::from_map(&report.document),
        may_read_restricted: false,
        linked_to: None,
        lead_agency: None,
        action: None,
        closure: None,
    };
    figures.count(&Incident::read(&row_doc));
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
    rows
}

/// The suspects: how many, armed, which way they went; their names and group in the
/// restricted edition only.
fn suspects(doc: &Map<String, Value>, edition: Edition, w: &Words) -> Option<Row> {
    let sus = doc.get("suspects").filter(|v| v.is_object())?;
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
    (!bits.is_empty()).then(|| row(vec![w.suspects.into(), bits.join("; ")]))
}

/// The GPS position and the source, for the restricted edition.
fn restricted(doc: &Map<String, Value>, lang: Lang, w: &Words) -> Vec<Row> {
    let mut rows = Vec::new();
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
    rows
}

/// The timeline, each entry with its hash, and the filing's hash to compare with the ledger.
fn timeline(blocks: &mut Vec<Block>, steps: &[SlipStep], lang: Lang, w: &Words) {
    blocks.push(Block::Heading(w.timeline.into()));
    blocks.push(Block::Table {
        columns: vec![
            col(w.when, 0.17),
            col(w.what_happened, 0.2),
            col(w.recorded_by, 0.23),
            col(w.entry, 0.4),
        ],
        rows: steps.iter().map(|t| step(t, lang, w)).collect(),
        small: true,
    });
    blocks.push(Block::Heading(w.ledger_hash.into()));
    let filing = steps
        .iter()
        .find(|t| t.kind == "report_filed")
        .map(|t| t.hash.clone())
        .unwrap_or_default();
    blocks.push(Block::Code(filing));
    blocks.push(Block::Note(w.ledger_hash_note.into()));
}

fn step(t: &SlipStep, lang: Lang, w: &Words) -> Row {
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
        format!("#{} {}", t.seq, t.hash),
    ])
}
