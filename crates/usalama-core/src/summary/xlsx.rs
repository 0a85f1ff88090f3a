//! An Excel workbook (Office Open XML, `.xlsx`) of the summary's tables: one sheet each, the
//! header row bold and frozen, numbers as numbers, text as inline strings.
//!
//! The format needs only a handful of XML parts in a ZIP file, so they are written here rather
//! than through a workbook library; the integration tests read the result back with one.

use super::table::{Cell, Table};

/// The workbook, one sheet per table.
pub fn render(tables: &[Table]) -> Vec<u8> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let sheets: String = (1..=tables.len())
        .map(|i| {
            format!(
                "<Override PartName=\"/xl/worksheets/sheet{i}.xml\" \
                 ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
            )
        })
        .collect();
    files.push((
        "[Content_Types].xml".into(),
        format!(
            "{XML}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
             <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
             <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
             <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
             <Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>\
             {sheets}</Types>"
        )
        .into_bytes(),
    ));
    files.push((
        "_rels/.rels".into(),
        format!(
            "{XML}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
             <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>\
             </Relationships>"
        )
        .into_bytes(),
    ));
    let mut names = Vec::new();
    let sheet_list: String = tables
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let name = sheet_name(&t.name, &names);
            let entry = format!(
                "<sheet name=\"{}\" sheetId=\"{}\" r:id=\"rId{}\"/>",
                escape(&name),
                i + 1,
                i + 1
            );
            names.push(name);
            entry
        })
        .collect();
    files.push((
        "xl/workbook.xml".into(),
        format!(
            "{XML}<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
             xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
             <sheets>{sheet_list}</sheets></workbook>"
        )
        .into_bytes(),
    ));
    let rels: String = (1..=tables.len())
        .map(|i| {
            format!(
                "<Relationship Id=\"rId{i}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet{i}.xml\"/>"
            )
        })
        .collect();
    files.push((
        "xl/_rels/workbook.xml.rels".into(),
        format!(
            "{XML}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
             {rels}<Relationship Id=\"rId{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
             </Relationships>",
            tables.len() + 1
        )
        .into_bytes(),
    ));
    files.push(("xl/styles.xml".into(), STYLES.as_bytes().to_vec()));
    for (i, t) in tables.iter().enumerate() {
        files.push((format!("xl/worksheets/sheet{}.xml", i + 1), sheet(t)));
    }
    super::zip::pack(&files)
}

const XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// Style 0: plain; 1: bold with a grey fill (the header); 2: wrapped text.
const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font>\
<font><b/><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>\
<fills count=\"3\"><fill><patternFill patternType=\"none\"/></fill>\
<fill><patternFill patternType=\"gray125\"/></fill>\
<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFE6E6E6\"/><bgColor indexed=\"64\"/></patternFill></fill></fills>\
<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>\
<cellXfs count=\"3\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>\
<xf numFmtId=\"0\" fontId=\"1\" fillId=\"2\" borderId=\"0\" xfId=\"0\" applyFont=\"1\" applyFill=\"1\"/>\
<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyAlignment=\"1\"><alignment wrapText=\"1\" vertical=\"top\"/></xf></cellXfs>\
<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>\
</styleSheet>";

fn sheet(t: &Table) -> Vec<u8> {
    let mut out = String::with_capacity(200 * (t.rows.len() + 1));
    out.push_str(XML);
    out.push_str(
        "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
         <sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" \
         activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews><cols>",
    );
    for (i, h) in t.header.iter().enumerate() {
        let widest = t
            .rows
            .iter()
            .take(200)
            .filter_map(|r| r.get(i))
            .map(|c| c.text().chars().count())
            .chain(std::iter::once(h.chars().count()))
            .max()
            .unwrap_or(10);
        let width = (widest as f64 * 1.1 + 2.0).clamp(8.0, 60.0);
        out.push_str(&format!(
            "<col min=\"{0}\" max=\"{0}\" width=\"{width:.1}\" customWidth=\"1\"/>",
            i + 1
        ));
    }
    out.push_str("</cols><sheetData>");
    let header: Vec<Cell> = t.header.iter().map(|h| Cell::Text(h.clone())).collect();
    row(&mut out, 1, &header, 1);
    for (i, r) in t.rows.iter().enumerate() {
        row(&mut out, i + 2, r, 2);
    }
    out.push_str("</sheetData></worksheet>");
    out.into_bytes()
}

fn row(out: &mut String, n: usize, cells: &[Cell], style: u8) {
    out.push_str(&format!("<row r=\"{n}\">"));
    for (i, cell) in cells.iter().enumerate() {
        let r = format!("{}{n}", column(i));
        match cell {
            Cell::Number(v) => out.push_str(&format!("<c r=\"{r}\" s=\"{style}\"><v>{v}</v></c>")),
            Cell::Text(t) => out.push_str(&format!(
                "<c r=\"{r}\" s=\"{style}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
                escape(t)
            )),
        }
    }
    out.push_str("</row>");
}

/// The column letters of a zero-based index: A … Z, AA …
fn column(mut i: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    letters.reverse();
    String::from_utf8_lossy(&letters).into_owned()
}

/// Escapes XML text, dropping the control characters XML 1.0 cannot hold.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, unique.
fn sheet_name(name: &str, taken: &[String]) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(28)
        .collect();
    let mut candidate = if clean.is_empty() {
        "Sheet".to_owned()
    } else {
        clean
    };
    let base = candidate.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{base} {n}");
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_like_a_spreadsheet() {
        assert_eq!(column(0), "A");
        assert_eq!(column(25), "Z");
        assert_eq!(column(26), "AA");
        assert_eq!(column(27), "AB");
        assert_eq!(column(701), "ZZ");
        assert_eq!(column(702), "AAA");
    }

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
    fn text_that_looks_like_a_formula_stays_text_in_a_workbook() {
        // A workbook cell is a formula only inside <f>; text is written as an inline string,
        // which a spreadsheet shows and never evaluates, whatever its first character.
        for start in super::super::csv::FORMULA_STARTS {
            let text = format!("{start}cmd|' /C calc'!A0");
            let t = Table {
                name: "Incidents".into(),
                header: vec!["a".into()],
                rows: vec![vec![Cell::Text(text.clone())]],
            };
            let xml = String::from_utf8(sheet(&t)).expect("utf-8");
            assert!(!xml.contains("<f>") && !xml.contains("<f "), "{xml}");
            assert!(xml.contains(&escape(&text)), "{start:?}: {xml}");
            assert!(xml.contains("t=\"inlineStr\""));
        }
    }
}
