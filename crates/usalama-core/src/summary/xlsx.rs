//! An Excel workbook (Office Open XML, `.xlsx`) of the summary's tables: one sheet each, the
//! header row bold and frozen, numbers as numbers, text as strings, written by
//! `rust_xlsxwriter`.

use rust_xlsxwriter::{Color, Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::table::{Cell, Table};

/// Excel's limits: rows on a sheet (the header included) and characters in a cell. A file
/// past either is one Excel refuses to open, so the tables are fitted to them.
const MAX_ROWS: usize = 1_048_576;
const MAX_CELL_CHARS: usize = 32_767;

/// How many rows a column's width is measured over: enough to see the usual text, few enough
/// that a long log does not make the sheet slow to write.
const MEASURED_ROWS: usize = 200;

/// The workbook, one sheet per table.
pub fn render(tables: &[Table]) -> Vec<u8> {
    // Every limit a workbook has is met before a cell is written (sheet names, row count,
    // cell length), and the file is built in memory, so nothing is left to fail.
    workbook(tables).expect("a workbook of fitted tables, written to memory")
}

fn workbook(tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0x00E6_E6E6));
    let body = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let mut names = Vec::new();
    for t in tables {
        let name = sheet_name(&t.name, &names);
        let sheet = book.add_worksheet();
        sheet.set_name(name.as_str())?;
        names.push(name);
        sheet.set_freeze_panes(1, 0)?;
        size_columns(sheet, t)?;
        for (col, label) in t.header.iter().enumerate() {
            sheet.write_string_with_format(0, column(col), printable(label), &header)?;
        }
        for (i, row) in t.rows.iter().take(MAX_ROWS - 1).enumerate() {
            let at = u32::try_from(i + 1).unwrap_or(u32::MAX);
            for (col, cell) in row.iter().enumerate() {
                match cell {
                    // Excel holds numbers as doubles; a count is far below 2^53, so exact.
                    Cell::Number(n) => {
                        sheet.write_number_with_format(at, column(col), *n as f64, &body)?
                    }
                    Cell::Text(text) => {
                        sheet.write_string_with_format(at, column(col), printable(text), &body)?
                    }
                };
            }
        }
    }
    book.save_to_buffer()
}

/// Each column as wide as its widest text among the first rows, within bounds that keep a
/// narrative from making the sheet unreadable.
fn size_columns(sheet: &mut Worksheet, t: &Table) -> Result<(), XlsxError> {
    for (i, h) in t.header.iter().enumerate() {
        let widest = t
            .rows
            .iter()
            .take(MEASURED_ROWS)
            .filter_map(|r| r.get(i))
            .map(|c| c.text().chars().count())
            .chain(std::iter::once(h.chars().count()))
            .max()
            .unwrap_or(10);
        let width = (widest as f64 * 1.1 + 2.0).clamp(8.0, 60.0);
        sheet.set_column_width(column(i), width)?;
    }
    Ok(())
}

fn column(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

/// The text a cell can hold: without the control characters XML 1.0 cannot carry (a
/// spreadsheet would show them as `_x0001_`), and at most as long as Excel allows.
fn printable(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r')
                || !((c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}')
        })
        .take(MAX_CELL_CHARS)
        .collect()
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, not starting or
/// ending with an apostrophe, unique whatever the case.
fn sheet_name(name: &str, taken: &[String]) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(28)
        .collect();
    let clean = clean.trim_matches('\'');
    let base = if rust_xlsxwriter::utility::check_sheet_name(clean).is_ok() {
        clean.to_owned()
    } else {
        "Sheet".to_owned()
    };
    let is_taken = |c: &str| taken.iter().any(|t| t.eq_ignore_ascii_case(c));
    let mut candidate = base.clone();
    let mut n = 2;
    while is_taken(&candidate) {
        candidate = format!("{base} {n}");
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_is_a_zip_with_every_part() {
        let t = Table {
            name: "Incidents".into(),
            header: vec!["a".into()],
            rows: vec![vec![Cell::Number(3)]],
        };
        let bytes = render(&[t]);
        assert_eq!(&bytes[..4], b"PK\x03\x04");
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("xl/worksheets/sheet1.xml"));
    }

    #[test]
    fn sheet_names_are_ones_excel_accepts_and_never_repeat() {
        let taken = vec!["Incidents".to_owned()];
        assert_eq!(sheet_name("Incidents", &taken), "Incidents 2");
        assert_eq!(sheet_name("INCIDENTS", &taken), "INCIDENTS 2");
        assert_eq!(sheet_name("a/b:c", &[]), "abc");
        assert_eq!(sheet_name("[]", &[]), "Sheet");
        assert_eq!(sheet_name("'quoted'", &[]), "quoted");
    }

    #[test]
    fn text_that_looks_like_a_formula_stays_text_in_a_workbook() {
        // A workbook cell is a formula only inside <f>; text is written as a string, which a
        // spreadsheet shows and never evaluates, whatever its first character.
        for start in super::super::csv::FORMULA_STARTS {
            let text = format!("{start}cmd|' /C calc'!A0");
            let t = Table {
                name: "Incidents".into(),
                header: vec!["a".into()],
                rows: vec![vec![Cell::Text(text.clone())]],
            };
            let bytes = render(&[t]);
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
            let mut xml = String::new();
            std::io::Read::read_to_string(
                &mut zip.by_name("xl/worksheets/sheet1.xml").expect("sheet"),
                &mut xml,
            )
            .expect("utf-8");
            assert!(!xml.contains("<f>") && !xml.contains("<f "), "{xml}");
            assert!(
                xml.contains("<c r=\"A2\" s=\"2\" t=\"s\">"),
                "{start:?}: {xml}"
            );
        }
    }
}
