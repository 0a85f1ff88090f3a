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
//! - this module: the formats, and writing a summary to a file.
//! - `model`: the model every rendering prints ([`Summary`], [`LogEntry`], [`Hotspot`]), its
//!   [`Edition`], and the report a slip prints ([`SlipReport`]).
//! - `figures`: the key figures of a period ([`Figures`], [`Amount`], [`PeopleTotal`]) and how
//!   each incident adds to them.
//! - `period`: the [`Period`] asked for and the one it is compared with.
//! - `incident`: a report as a summary reads it ([`SummaryRow`], [`SummaryDoc`]), into an
//!   incident for the figures and a line for the log.
//! - `build`: [`Summary::build`], the one pass over the reports.
//! - [`words`]: every label, in English and Kiswahili.
//! - [`document`]: what a summary or a slip prints, as blocks (title, tables, bar charts,
//!   sign-off lines) that the HTML and PDF renderers both draw.
//! - [`html`]: a self-contained HTML page with a print stylesheet.
//! - [`pdf`]: A4 PDF with embedded, subsetted fonts, of a summary or of a report's slip.
//! - [`table`]: the incident log and the figures as rows, shared by [`csv`] and [`xlsx`].
//! - [`csv`] and [`xlsx`]: tabular exports for spreadsheets.

mod build;
pub mod csv;
pub mod document;
mod figures;
pub mod html;
mod incident;
mod model;
pub mod pdf;
mod period;
pub mod table;
pub mod words;
pub mod xlsx;

pub use build::Context;
pub use figures::{
    Amount, Figures, LivestockCount, PeopleTotal, SpeciesFigures, TypeCount, STATUSES,
};
pub use incident::{eat_minutes, shorten, SummaryDoc, SummaryRow};
pub use model::{
    change, Edition, Hotspot, LivestockLine, LogEntry, Pending, Preparer, Restricted, Signer,
    SlipReport, SlipStep, SourceView, Summary, SummaryWarning, UnitName, Waiting,
};
pub use period::Period;

use std::path::{Path, PathBuf};

use time::Date;

use crate::domain::Lang;
use crate::error::Result;
use crate::files::write_durably;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Species;
    use serde_json::json;
    use serde_json::Value;
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
