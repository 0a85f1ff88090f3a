//! The printable document: what a summary or a slip says, as blocks that both the HTML and the
//! PDF renderer draw, so the two never disagree on a label, a row or a figure.

//!
//! # Layout
//!
//! - this module: the blocks, and the pieces the summary and the slip share.
//! - `sections`: the summary, one builder per section.
//! - `slip`: the one-page slip of a report.

mod sections;
mod slip;
pub mod warnings;

use serde::Serialize;

pub use sections::summary;
pub use slip::slip;

use super::words::{self, fill, Words};
use super::{Edition, LogEntry};
use crate::domain::Lang;

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
