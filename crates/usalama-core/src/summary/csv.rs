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

/// A text cell that a spreadsheet would read as a formula gets a leading apostrophe, so that
/// opening an export never runs what someone typed into a narrative.
fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Number(n) => n.to_string(),
        Cell::Text(t) if t.starts_with(['=', '+', '@']) => format!("'{t}"),
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
}
