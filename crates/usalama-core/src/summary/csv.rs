//! CSV (RFC 4180: comma-separated, fields quoted where needed, CRLF line ends, UTF-8 without a
//! byte-order mark) of the summary's tables.

use super::table::{Cell, Table};

/// The table as CSV text, its header first.
pub fn render(table: &Table) -> String {
    let mut out = String::with_capacity(256 * (table.rows.len() + 1));
    line(&mut out, table.header.iter().map(String::as_str));
    for row in &table.rows {
        let texts: Vec<String> = row.iter().map(cell_text).collect();
        line(&mut out, texts.iter().map(String::as_str));
    }
    out
}

/// The first characters that make a spreadsheet read a cell as a formula (or, for tab and
/// carriage return, shift it into one): `=`, `+`, `-`, `@`, tab, carriage return, and the
/// full-width forms some spreadsheets fold to them (`＝`, `＋`, `－`, `＠`).
pub const FORMULA_STARTS: &[char] = &[
    '=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
];

/// A text cell that a spreadsheet would read as a formula gets a leading apostrophe, so that
/// opening an export never runs what someone typed into a narrative. Numbers are written as
/// numbers (a count is never negative).
fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Number(n) => n.to_string(),
        Cell::Text(t) if t.starts_with(FORMULA_STARTS) => format!("'{t}"),
        Cell::Text(t) => t.clone(),
    }
}

fn line<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_commas_quotes_and_formulas_are_escaped() {
        let table = Table {
            name: "t".into(),
            header: vec!["a".into(), "b".into()],
            rows: vec![vec![
                Cell::Text("x, \"y\"".into()),
                Cell::Text("=HYPERLINK(1)".into()),
            ]],
        };
        assert_eq!(render(&table), "a,b\r\n\"x, \"\"y\"\"\",'=HYPERLINK(1)\r\n");
    }

    #[test]
    fn every_formula_start_is_neutralised_and_plain_text_is_not() {
        for start in FORMULA_STARTS {
            let text = format!("{start}HYPERLINK(\"http://x\",\"y\")");
            let table = Table {
                name: "t".into(),
                header: vec!["a".into()],
                rows: vec![vec![Cell::Text(text.clone())]],
            };
            let rendered = render(&table);
            let cell = rendered
                .strip_prefix("a\r\n")
                .and_then(|r| r.strip_suffix("\r\n"))
                .expect("one row");
            let unquoted = cell
                .strip_prefix('"')
                .and_then(|c| c.strip_suffix('"'))
                .map_or_else(|| cell.to_owned(), |c| c.replace("\"\"", "\""));
            assert_eq!(unquoted, format!("'{text}"), "{start:?}");
        }
        for plain in ["Lami Nyeusi", "3 - 4 goats", "OB 12/20/11/2026", "'quoted"] {
            assert_eq!(cell_text(&Cell::Text(plain.into())), plain);
        }
        assert_eq!(cell_text(&Cell::Number(150)), "150");
    }
}
