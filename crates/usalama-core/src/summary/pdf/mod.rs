//! A printable document as an A4 PDF: DejaVu Sans embedded (subsetted to the glyphs used),
//! tables that continue across pages with their header repeated, bar charts, the edition at the
//! top of every page and "page n of m" at the bottom.
//!
//! Layout is a single pass down the page: each block measures its text with the font's own
//! advance widths, wraps it, and starts a new page when it does not fit. Glyphs are addressed by
//! their id in the subset (the subsetter renumbers them in the order they are first used), so
//! the content streams can be written while laying out and the fonts subsetted at the end.
//! A character the font lacks (an emoji, a script DejaVu Sans does not cover) prints as U+FFFD,
//! the replacement glyph, never as an error, and a note at the end says what the mark means.

//!
//! # Layout
//!
//! - this module: the pages, the blocks laid out down them, and the file.
//! - `font`: an embedded font, its glyphs as used, and its subset written into the file.
//! - `table`: tables across pages, and bar charts.

mod font;
mod table;

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::document::{Block, Document};
use super::Edition;
use crate::domain::Lang;
use crate::error::Result;
use font::{embed, Font};

const REGULAR: &[u8] = include_bytes!("../../../fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../../fonts/DejaVuSans-Bold.ttf");

/// A4 in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 40.0;
/// Where the body starts below the banner, and where it must end above the footer.
const BODY_TOP: f32 = PAGE_H - 58.0;
const BODY_BOTTOM: f32 = 48.0;
const WIDTH: f32 = PAGE_W - 2.0 * MARGIN_X;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Regular,
    Bold,
}

/// Colours, as RGB.
const INK: (f32, f32, f32) = (0.07, 0.07, 0.07);
const GREY: (f32, f32, f32) = (0.35, 0.35, 0.35);
const RULE: (f32, f32, f32) = (0.72, 0.72, 0.72);
const HEADER_FILL: (f32, f32, f32) = (0.9, 0.9, 0.9);
const RESTRICTED: (f32, f32, f32) = (0.61, 0.11, 0.11);
const RESTRICTED_FILL: (f32, f32, f32) = (0.98, 0.91, 0.9);
const PUBLIC_FILL: (f32, f32, f32) = (0.93, 0.96, 0.93);
const BARS: [(f32, f32, f32); 2] = [(0.18, 0.36, 0.54), (0.66, 0.76, 0.87)];

/// The pages being laid out.
struct Layout {
    fonts: [Font; 2],
    pages: Vec<Content>,
    /// The baseline of the next line on the current page.
    y: f32,
}

impl Layout {
    fn font(&mut self, style: Style) -> &mut Font {
        match style {
            Style::Regular => &mut self.fonts[0],
            Style::Bold => &mut self.fonts[1],
        }
    }

    fn page(&mut self) -> &mut Content {
        if self.pages.is_empty() {
            self.pages.push(Content::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.y = BODY_TOP;
    }

    /// Starts a new page unless `height` points still fit on this one.
    fn room(&mut self, height: f32) {
        if self.y - height < BODY_BOTTOM && self.y < BODY_TOP {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, y: f32, style: Style, size: f32, colour: (f32, f32, f32), s: &str) {
        if s.is_empty() {
            return;
        }
        let font = self.font(style);
        let name = font.name;
        let bytes = font.encode(s);
        self.page()
            .set_fill_rgb(colour.0, colour.1, colour.2)
            .begin_text()
            .set_font(Name(name), size)
            .next_line(x, y)
            .show(Str(&bytes))
            .end_text();
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: (f32, f32, f32)) {
        self.page()
            .set_fill_rgb(fill.0, fill.1, fill.2)
            .rect(x, y, w, h)
            .fill_nonzero();
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, colour: (f32, f32, f32), width: f32) {
        self.page()
            .set_stroke_rgb(colour.0, colour.1, colour.2)
            .set_line_width(width)
            .move_to(x1, y1)
            .line_to(x2, y2)
            .stroke();
    }

    /// Breaks `text` into lines no wider than `width`; a word wider than a line is broken
    /// between characters.
    fn wrap(&mut self, style: Style, size: f32, text: &str, width: f32) -> Vec<String> {
        let space = self.font(style).width(" ", size);
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            let mut line_w = 0.0;
            for word in paragraph.split_whitespace() {
                let mut word_w = self.font(style).width(word, size);
                let mut word = word.to_owned();
                if !line.is_empty() && line_w + space + word_w <= width {
                    line.push(' ');
                    line.push_str(&word);
                    line_w += space + word_w;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                while word_w > width {
                    let mut head = String::new();
                    let mut head_w = 0.0;
                    let mut rest = word.chars().peekable();
                    while let Some(&c) = rest.peek() {
                        let cw = self.font(style).width(&c.to_string(), size);
                        if head_w + cw > width && !head.is_empty() {
                            break;
                        }
                        head.push(c);
                        head_w += cw;
                        rest.next();
                    }
                    lines.push(head);
                    word = rest.collect();
                    word_w = self.font(style).width(&word, size);
                }
                line_w = word_w;
                line = word;
            }
            lines.push(line);
        }
        lines
    }

    /// Wrapped text from the current position down; returns nothing, moves `y`.
    fn paragraph(&mut self, style: Style, size: f32, colour: (f32, f32, f32), text: &str) {
        let leading = size * 1.3;
        for line in self.wrap(style, size, text, WIDTH) {
            self.room(leading);
            self.y -= size;
            let y = self.y;
            self.text(MARGIN_X, y, style, size, colour, &line);
            self.y -= leading - size;
        }
        self.y -= size * 0.4;
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Title { title, facts } => {
                self.paragraph(Style::Bold, 16.0, INK, title);
                self.y -= 2.0;
                let label_w = 120.0;
                for (label, value) in facts {
                    let lines = self.wrap(Style::Regular, 9.0, value, WIDTH - label_w);
                    self.room(12.0 * lines.len() as f32);
                    self.y -= 9.0;
                    let y = self.y;
                    self.text(MARGIN_X, y, Style::Bold, 9.0, INK, label);
                    for (i, line) in lines.iter().enumerate() {
                        if i > 0 {
                            self.y -= 12.0;
                        }
                        let y = self.y;
                        self.text(MARGIN_X + label_w, y, Style::Regular, 9.0, INK, line);
                    }
                    self.y -= 3.5;
                }
                self.y -= 4.0;
            }
            Block::Heading(text) => {
                // Keep a heading with at least a few lines of what follows it.
                self.room(60.0);
                self.y -= 10.0;
                self.paragraph(Style::Bold, 12.0, INK, text);
                let y = self.y + 3.0;
                self.line(MARGIN_X, y, MARGIN_X + WIDTH, y, GREY, 0.6);
                self.y -= 3.0;
            }
            Block::Paragraph(text) => self.paragraph(Style::Regular, 9.5, INK, text),
            Block::Note(text) => self.paragraph(Style::Regular, 7.5, GREY, text),
            Block::Code(text) => {
                self.room(18.0);
                let y = self.y - 15.0;
                self.rect(MARGIN_X, y, WIDTH, 16.0, HEADER_FILL);
                self.y -= 3.0;
                self.paragraph(Style::Regular, 8.5, INK, text);
                self.y -= 4.0;
            }
            Block::Table {
                columns,
                rows,
                small,
            } => self.table(columns, rows, if *small { 7.0 } else { 8.5 }),
            Block::Bars {
                title,
                labels,
                series,
            } => self.bars(title, labels, series),
            Block::SignOff { roles, fields } => {
                for role in roles {
                    self.room(52.0);
                    self.y -= 14.0;
                    let y = self.y;
                    self.text(MARGIN_X, y, Style::Bold, 9.5, INK, role);
                    self.y -= 24.0;
                    let y = self.y;
                    let slot = WIDTH / fields.len().max(1) as f32;
                    for (i, field) in fields.iter().enumerate() {
                        let x = MARGIN_X + slot * i as f32;
                        let label = format!("{field}:");
                        let w = self.font(Style::Regular).width(&label, 8.5) + 4.0;
                        self.text(x, y, Style::Regular, 8.5, INK, &label);
                        self.line(x + w, y - 1.5, x + slot - 12.0, y - 1.5, GREY, 0.5);
                    }
                    self.y -= 8.0;
                }
            }
        }
    }
}

impl Layout {
    /// The edition banner at the top of page `n` and the footer at its bottom.
    fn furnish(&mut self, n: usize, of: usize, doc: &Document, page_of: &str) {
        let (fill, ink) = match doc.edition {
            Edition::Public => (PUBLIC_FILL, INK),
            Edition::Restricted => (RESTRICTED_FILL, RESTRICTED),
        };
        let banner_y = PAGE_H - 40.0;
        let lines = self.wrap(Style::Bold, 7.5, &doc.banner, WIDTH - 8.0);
        let h = 6.0 + 9.0 * lines.len() as f32;
        self.page_at(n).set_fill_rgb(fill.0, fill.1, fill.2);
        self.page_at(n)
            .rect(MARGIN_X, banner_y + 12.0 - h, WIDTH, h)
            .fill_nonzero();
        let mut y = banner_y + 12.0 - 9.0;
        for line in &lines {
            self.text_at(n, MARGIN_X + 4.0, y, Style::Bold, 7.5, ink, line);
            y -= 9.0;
        }
        let page = super::words::fill(page_of, &[("n", &n.to_string()), ("m", &of.to_string())]);
        let footer = format!(
            "{} · {}",
            doc.edition.label(super::words::words(doc.lang)),
            doc.footer
        );
        let pw = self.font(Style::Regular).width(&page, 7.5);
        self.text_at(
            n,
            MARGIN_X + WIDTH - pw,
            28.0,
            Style::Regular,
            7.5,
            GREY,
            &page,
        );
        let footer = self
            .wrap(Style::Regular, 7.5, &footer, WIDTH - pw - 20.0)
            .into_iter()
            .next()
            .unwrap_or_default();
        self.text_at(n, MARGIN_X, 28.0, Style::Regular, 7.5, GREY, &footer);
        self.page_at(n).set_stroke_rgb(RULE.0, RULE.1, RULE.2);
        self.page_at(n)
            .set_line_width(0.5)
            .move_to(MARGIN_X, 38.0)
            .line_to(MARGIN_X + WIDTH, 38.0)
            .stroke();
    }

    fn page_at(&mut self, n: usize) -> &mut Content {
        &mut self.pages[n - 1]
    }

    #[allow(clippy::too_many_arguments)]
    fn text_at(
        &mut self,
        n: usize,
        x: f32,
        y: f32,
        style: Style,
        size: f32,
        colour: (f32, f32, f32),
        s: &str,
    ) {
        let font = self.font(style);
        let name = font.name;
        let bytes = font.encode(s);
        self.pages[n - 1]
            .set_fill_rgb(colour.0, colour.1, colour.2)
            .begin_text()
            .set_font(Name(name), size)
            .next_line(x, y)
            .show(Str(&bytes))
            .end_text();
    }
}

/// The document as PDF bytes.
/// What the replacement mark stands for, said at the end of a document that holds one.
fn unprintable_note(lang: Lang) -> &'static str {
    match lang {
        Lang::En => {
            "\u{FFFD} marks a character this PDF cannot print, such as an emoji; the report on the \
             laptop keeps it as it was written."
        }
        Lang::Sw => {
            "\u{FFFD} ni alama ya herufi ambayo PDF hii haiwezi kuchapisha, kama emoji; ripoti \
             iliyo kwenye kompyuta inaihifadhi kama ilivyoandikwa."
        }
    }
}

/// The document's blocks laid out on pages, with the note on unprintable characters when one
/// was met.
fn lay_out(doc: &Document) -> Result<Layout> {
    let mut layout = Layout {
        fonts: [
            Font::new(REGULAR, b"F1", "DejaVuSans")?,
            Font::new(BOLD, b"F2", "DejaVuSans-Bold")?,
        ],
        pages: vec![Content::new()],
        y: BODY_TOP,
    };
    for block in &doc.blocks {
        layout.block(block);
    }
    if layout.fonts.iter().any(|f| f.replaced) {
        layout.block(&Block::Note(unprintable_note(doc.lang).into()));
    }
    Ok(layout)
}

pub fn render(doc: &Document) -> Result<Vec<u8>> {
    let mut layout = lay_out(doc)?;
    let w = super::words::words(doc.lang);
    let count = layout.pages.len();
    for n in 1..=count {
        layout.furnish(n, count, doc, w.page_of);
    }

    let mut pdf = Pdf::new();
    let mut next = Ref::new(1);
    let mut alloc = || next.bump();
    let catalog = alloc();
    let tree = alloc();
    let info = alloc();
    let font_refs: Vec<Ref> = layout.fonts.iter().map(|_| alloc()).collect();
    let page_refs: Vec<(Ref, Ref)> = (0..count).map(|_| (alloc(), alloc())).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_refs.iter().map(|(p, _)| *p))
        .count(count as i32);
    pdf.document_info(info)
        .title(TextStr(&doc.title))
        .creator(TextStr("Usalama"))
        .producer(TextStr("Usalama"));
    let pages = std::mem::take(&mut layout.pages);
    for (content, (page_ref, content_ref)) in pages.into_iter().zip(&page_refs) {
        let mut page = pdf.page(*page_ref);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
            .parent(tree)
            .contents(*content_ref);
        {
            let mut resources = page.resources();
            let mut fonts = resources.fonts();
            for (font, id) in layout.fonts.iter().zip(&font_refs) {
                fonts.pair(Name(font.name), *id);
            }
        }
        page.finish();
        let bytes = content.finish().into_vec();
        let packed = miniz_oxide::deflate::compress_to_vec_zlib(&bytes, 6);
        pdf.stream(*content_ref, &packed)
            .filter(Filter::FlateDecode);
    }
    for (font, id) in layout.fonts.iter().zip(&font_refs) {
        embed(&mut pdf, font, *id, &mut alloc)?;
    }
    Ok(pdf.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Lang;
    use crate::summary::document::{Align, Column, Row};

    fn doc(blocks: Vec<Block>) -> Document {
        Document {
            lang: Lang::En,
            title: "Test".into(),
            edition: Edition::Public,
            banner: "PUBLIC EDITION".into(),
            footer: "footer".into(),
            blocks,
        }
    }

    #[test]
    fn characters_outside_the_font_print_as_the_replacement_glyph() {
        let bytes = render(&doc(vec![Block::Paragraph(
            "Ng'ombe 牛 🐄 \u{0007} done".into(),
        )]))
        .expect("pdf");
        assert!(bytes.starts_with(b"%PDF-"));
    }

    #[test]
    fn a_document_with_an_emoji_says_what_its_replacement_mark_means() {
        let blocks = |text: &str| vec![Block::Paragraph(text.into())];
        let plain = lay_out(&doc(blocks("Two cows taken from the boma"))).expect("layout");
        let emoji = lay_out(&doc(blocks("Two cows 🐄🐄 taken from the boma"))).expect("layout");
        assert!(!plain.fonts.iter().any(|f| f.replaced));
        assert!(emoji.fonts[0].replaced);
        // The note is one more line of text: the emoji's layout ends lower on its page.
        assert!(emoji.y < plain.y, "{} < {}", emoji.y, plain.y);
    }

    #[test]
    fn a_long_table_continues_on_more_pages() {
        let rows = (0..400)
            .map(|i| Row {
                cells: vec![format!("row {i}"), "x".repeat(30)],
                ..Row::default()
            })
            .collect();
        let columns = vec![
            Column {
                label: "A".into(),
                width: 0.5,
                align: Align::Left,
            },
            Column {
                label: "B".into(),
                width: 0.5,
                align: Align::Right,
            },
        ];
        let bytes = render(&doc(vec![Block::Table {
            columns,
            rows,
            small: false,
        }]))
        .expect("pdf");
        let text = String::from_utf8_lossy(&bytes);
        let count: usize = text
            .split("/Count ")
            .nth(1)
            .and_then(|t| t.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        assert!(count > 3, "{count} pages");
    }
}
