//! A printable document as one self-contained HTML page: no script, no external resource; the
//! charts are inline SVG and the stylesheet prints on A4.
//!
//! The edition banner and the footer sit in the `thead` and `tfoot` of a table that wraps the
//! whole page: browsers repeat those on every printed page, which a `position: fixed` element
//! does not reliably do without covering the text.

use std::fmt::Write as _;

use super::document::{Align, Block, Column, Document, Row};
use super::Edition;

const STYLE: &str = r#"
@page { size: A4; margin: 12mm 12mm 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; font-size: 10pt; color: #111;
       margin: 0 auto; max-width: 190mm; padding: 8px; }
table.page { width: 100%; border-collapse: collapse; }
table.page > thead td, table.page > tfoot td { padding: 0; }
.banner { font-weight: bold; font-size: 8.5pt; padding: 3px 6px; margin-bottom: 6px;
          border: 1px solid #555; }
.banner.public { background: #eef4ee; }
.banner.restricted { background: #fbe9e7; color: #9b1c1c; border-color: #9b1c1c; }
.footer { font-size: 7.5pt; color: #555; border-top: 1px solid #aaa; margin-top: 8px;
          padding-top: 3px; }
h1 { font-size: 16pt; margin: 4px 0 6px; }
h2 { font-size: 12pt; margin: 14px 0 4px; border-bottom: 1px solid #888; break-after: avoid; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0 0 8px; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
table.data { width: 100%; border-collapse: collapse; margin: 4px 0 6px; }
table.data th { background: #e6e6e6; text-align: left; font-size: 8.5pt; }
table.data th, table.data td { border: 1px solid #bbb; padding: 2px 4px; vertical-align: top; }
table.data.small { font-size: 7.5pt; }
table.data td.num, table.data th.num { text-align: right; }
table.data tr { break-inside: avoid; }
table.data tr.strong td { font-weight: bold; }
table.data td.detail { background: #fdf3f2; color: #9b1c1c; font-size: 7.5pt; }
p.note { font-size: 8pt; color: #555; }
pre.code { font-family: "DejaVu Sans Mono", monospace; font-size: 9pt; white-space: pre-wrap;
           word-break: break-all; border: 1px solid #bbb; padding: 4px; }
figure { margin: 4px 0 8px; break-inside: avoid; }
figcaption { font-weight: bold; font-size: 9pt; }
.signoff { display: grid; grid-template-columns: 1fr; gap: 14px; margin-top: 8px; break-inside: avoid; }
.signoff div { padding-bottom: 6px; line-height: 2.2; }
.signoff .field { margin-right: 14px; white-space: nowrap; }
@media print { body { padding: 0; max-width: none; } }
"#;

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // Attributes are always in double quotes, so an apostrophe (ng'ombe) stays as it is.
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// The document as an HTML page.
pub fn render(doc: &Document) -> String {
    let w = super::words::words(doc.lang);
    let class = match doc.edition {
        Edition::Public => "public",
        Edition::Restricted => "restricted",
    };
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"edition\" content=\"{class}\">\n<title>{title} · {edition}</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n<table class=\"page\">\n\
         <thead><tr><td><div class=\"banner {class}\">{banner}</div></td></tr></thead>\n\
         <tfoot><tr><td><div class=\"footer\">{banner_short} · {footer}</div></td></tr></tfoot>\n\
         <tbody><tr><td>\n",
        lang = doc.lang.as_str(),
        title = escape(&doc.title),
        edition = escape(doc.edition.label(w)),
        banner = escape(&doc.banner),
        banner_short = escape(doc.edition.label(w)),
        footer = escape(&doc.footer),
    );
    for block in &doc.blocks {
        block_html(&mut out, block);
    }
    out.push_str("</td></tr></tbody>\n</table>\n</body>\n</html>\n");
    out
}

fn block_html(out: &mut String, block: &Block) {
    match block {
        Block::Title { title, facts } => {
            let _ = writeln!(out, "<h1>{}</h1>\n<dl class=\"facts\">", escape(title));
            for (k, v) in facts {
                let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(v));
            }
            out.push_str("</dl>\n");
        }
        Block::Heading(text) => {
            let _ = writeln!(out, "<h2>{}</h2>", escape(text));
        }
        Block::Paragraph(text) => {
            let _ = writeln!(out, "<p>{}</p>", escape(text));
        }
        Block::Note(text) => {
            let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(text));
        }
        Block::Code(text) => {
            let _ = writeln!(out, "<pre class=\"code\">{}</pre>", escape(text));
        }
        Block::Table {
            columns,
            rows,
            small,
        } => table_html(out, columns, rows, *small),
        Block::Bars {
            title,
            labels,
            series,
        } => bars_svg(out, title, labels, series),
        Block::SignOff { roles, fields } => sign_off_html(out, roles, fields),
    }
}

fn table_html(out: &mut String, columns: &[Column], rows: &[Row], small: bool) {
    let _ = writeln!(
        out,
        "<table class=\"data{}\">\n<thead><tr>",
        if small { " small" } else { "" }
    );
    for c in columns {
        let _ = write!(
            out,
            "<th style=\"width:{:.1}%\"{}>{}</th>",
            c.width * 100.0,
            if c.align == Align::Right {
                " class=\"num\""
            } else {
                ""
            },
            escape(&c.label)
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        let _ = write!(
            out,
            "<tr{}>",
            if r.strong { " class=\"strong\"" } else { "" }
        );
        for (cell, c) in r.cells.iter().zip(columns) {
            let _ = write!(
                out,
                "<td{}>{}</td>",
                if c.align == Align::Right {
                    " class=\"num\""
                } else {
                    ""
                },
                escape(cell)
            );
        }
        out.push_str("</tr>\n");
        if let Some(detail) = &r.detail {
            let _ = writeln!(
                out,
                "<tr><td class=\"detail\" colspan=\"{}\">{}</td></tr>",
                columns.len(),
                escape(detail)
            );
        }
    }
    out.push_str("</tbody>\n</table>\n");
}

fn sign_off_html(out: &mut String, roles: &[String], fields: &[String]) {
    out.push_str("<div class=\"signoff\">\n");
    for role in roles {
        let _ = write!(out, "<div><strong>{}</strong><br>", escape(role));
        for f in fields {
            let _ = write!(
                out,
                "<span class=\"field\">{}: ____________________</span> ",
                escape(f)
            );
        }
        out.push_str("</div>\n");
    }
    out.push_str("</div>\n");
}

/// Bar colours: this period (or the first series) dark, the other light.
const COLOURS: [&str; 2] = ["#2f5d8a", "#a9c3dd"];

fn bars_svg(out: &mut String, title: &str, labels: &[String], series: &[super::document::Series]) {
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let bar_h = 9.0;
    let group_h = bar_h * series.len() as f64 + 6.0;
    let label_w = 190.0;
    let chart_w = 330.0;
    let legend_h = 16.0;
    let height = legend_h + group_h * labels.len() as f64 + 4.0;
    let caption = if title.is_empty() {
        String::new()
    } else {
        format!("<figcaption>{}</figcaption>\n", escape(title))
    };
    let _ = write!(
        out,
        "<figure>{caption}<svg xmlns=\"http://www.w3.org/2000/svg\" \
         viewBox=\"0 0 640 {height:.0}\" width=\"100%\" role=\"img\" aria-label=\"{}\" \
         font-family=\"DejaVu Sans, sans-serif\" font-size=\"9\">",
        escape(title)
    );
    for (i, s) in series.iter().enumerate() {
        let x = label_w + i as f64 * 180.0;
        let _ = write!(
            out,
            "<rect x=\"{x:.0}\" y=\"2\" width=\"10\" height=\"9\" fill=\"{}\"/>\
             <text x=\"{:.0}\" y=\"10\">{}</text>",
            COLOURS[i % 2],
            x + 14.0,
            escape(&s.legend)
        );
    }
    for (g, label) in labels.iter().enumerate() {
        let y0 = legend_h + g as f64 * group_h;
        let _ = write!(
            out,
            "<text x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            label_w - 6.0,
            y0 + group_h / 2.0 + 1.0,
            escape(label)
        );
        for (i, s) in series.iter().enumerate() {
            let v = s.values.get(g).copied().unwrap_or(0);
            let width = chart_w * v as f64 / max as f64;
            let y = y0 + i as f64 * bar_h;
            let _ = write!(
                out,
                "<rect x=\"{label_w:.0}\" y=\"{y:.1}\" width=\"{width:.1}\" height=\"{:.1}\" \
                 fill=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                bar_h - 1.0,
                COLOURS[i % 2],
                label_w + width + 3.0,
                y + bar_h - 2.0,
                escape(s.texts.get(g).map_or("", String::as_str))
            );
        }
    }
    out.push_str("</svg></figure>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Lang;
    use crate::summary::document::{Column, Row, Series};

    #[test]
    fn a_page_is_self_contained_and_escapes_what_people_typed() {
        let doc = Document {
            lang: Lang::Sw,
            title: "Muhtasari".into(),
            edition: Edition::Restricted,
            banner: "TOLEO LA SIRI".into(),
            footer: "Usalama".into(),
            blocks: vec![
                Block::Table {
                    columns: vec![Column {
                        label: "A".into(),
                        width: 1.0,
                        align: Align::Left,
                    }],
                    rows: vec![Row {
                        cells: vec!["<script>alert(1)</script> & ng'ombe".into()],
                        ..Row::default()
                    }],
                    small: false,
                },
                Block::Bars {
                    title: "Bars".into(),
                    labels: vec!["Ng'ombe".into()],
                    series: vec![Series {
                        legend: "Walioibwa".into(),
                        values: vec![3],
                        texts: vec!["3".into()],
                    }],
                },
            ],
        };
        let html = render(&doc);
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; ng'ombe"));
        for external in ["<script", "src=", "href=", "url(", "@import"] {
            assert!(!html.contains(external), "{external} in the page");
        }
        assert!(html.contains("<html lang=\"sw\">"));
        assert!(html.contains("class=\"banner restricted\""));
    }
}
