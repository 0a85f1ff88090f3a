//! Tables that continue across pages with their header repeated, restricted details under
//! their row, and horizontal bar charts.

use super::{
    Layout, Style, BARS, BODY_BOTTOM, BODY_TOP, GREY, HEADER_FILL, INK, MARGIN_X, RESTRICTED,
    RESTRICTED_FILL, RULE, WIDTH,
};
use crate::summary::document::{Align, Column, Row, Series};

/// Inside a cell, between its text and its edges, in points.
const PAD: f32 = 2.5;

/// A table's columns as laid out: their widths in points and the header's wrapped labels.
struct Grid<'a> {
    columns: &'a [Column],
    widths: Vec<f32>,
    header: Vec<Vec<String>>,
    header_h: f32,
    size: f32,
    leading: f32,
}

impl Layout {
    pub(super) fn table(&mut self, columns: &[Column], rows: &[Row], size: f32) {
        let leading = size * 1.25;
        let widths: Vec<f32> = columns.iter().map(|c| c.width * WIDTH).collect();
        let header: Vec<Vec<String>> = columns
            .iter()
            .zip(&widths)
            .map(|(c, w)| self.wrap(Style::Bold, size, &c.label, w - 2.0 * PAD))
            .collect();
        let header_h = header.iter().map(Vec::len).max().unwrap_or(1) as f32 * leading + 2.0 * PAD;
        let grid = Grid {
            columns,
            widths,
            header,
            header_h,
            size,
            leading,
        };
        self.room(header_h + 3.0 * leading);
        self.table_header(&grid);
        for row in rows {
            self.table_row(&grid, row);
        }
        self.y -= 6.0;
    }

    /// The header, on a grey band; drawn again at the top of every page the table continues on.
    fn table_header(&mut self, grid: &Grid<'_>) {
        let top = self.y;
        self.rect(
            MARGIN_X,
            top - grid.header_h,
            WIDTH,
            grid.header_h,
            HEADER_FILL,
        );
        self.cells(grid, top, Style::Bold, &grid.header);
        self.y = top - grid.header_h;
    }

    /// The cells of one row, each wrapped to its column, from `top` down.
    fn cells(&mut self, grid: &Grid<'_>, top: f32, style: Style, cells: &[Vec<String>]) {
        let mut x = MARGIN_X;
        for ((lines, w), c) in cells.iter().zip(&grid.widths).zip(grid.columns) {
            self.cell(
                x,
                top - PAD,
                *w,
                PAD,
                grid.size,
                grid.leading,
                style,
                INK,
                lines,
                c.align,
            );
            x += w;
        }
    }

    /// One row and its restricted details, on a new page (under the header again) when it
    /// does not fit on this one.
    fn table_row(&mut self, grid: &Grid<'_>, row: &Row) {
        let (size, leading) = (grid.size, grid.leading);
        let style = if row.strong {
            Style::Bold
        } else {
            Style::Regular
        };
        let cells: Vec<Vec<String>> = row
            .cells
            .iter()
            .zip(&grid.widths)
            .map(|(text, w)| self.wrap(style, size, text, w - 2.0 * PAD))
            .collect();
        let detail = row
            .detail
            .as_ref()
            .map(|d| self.wrap(Style::Regular, size, d, WIDTH - 2.0 * PAD))
            .unwrap_or_default();
        let cells_h = cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * leading + 2.0 * PAD;
        let detail_h = if detail.is_empty() {
            0.0
        } else {
            detail.len() as f32 * leading + PAD
        };
        if self.y - cells_h - detail_h < BODY_BOTTOM {
            self.new_page();
            self.table_header(grid);
        }
        let top = self.y;
        self.cells(grid, top, style, &cells);
        if !detail.is_empty() {
            let dt = top - cells_h + PAD;
            self.rect(
                MARGIN_X,
                top - cells_h - detail_h,
                WIDTH,
                detail_h,
                RESTRICTED_FILL,
            );
            self.cell(
                MARGIN_X,
                dt - PAD,
                WIDTH,
                PAD,
                size,
                leading,
                Style::Regular,
                RESTRICTED,
                &detail,
                Align::Left,
            );
        }
        self.y = top - cells_h - detail_h;
        let y = self.y;
        self.line(MARGIN_X, y, MARGIN_X + WIDTH, y, RULE, 0.4);
    }

    /// The lines of one cell, from `top` down.
    #[allow(clippy::too_many_arguments)]
    fn cell(
        &mut self,
        x: f32,
        top: f32,
        width: f32,
        pad: f32,
        size: f32,
        leading: f32,
        style: Style,
        colour: (f32, f32, f32),
        lines: &[String],
        align: Align,
    ) {
        let mut y = top - size;
        for line in lines {
            let lx = match align {
                Align::Left => x + pad,
                Align::Right => x + width - pad - self.font(style).width(line, size),
            };
            self.text(lx, y, style, size, colour, line);
            y -= leading;
        }
    }

    pub(super) fn bars(&mut self, title: &str, labels: &[String], series: &[Series]) {
        let size = 7.5;
        let bar_h = 7.0;
        let group_h = bar_h * series.len() as f32 + 5.0;
        let label_w = 150.0;
        let chart_w = WIDTH - label_w - 70.0;
        let height = 30.0 + group_h * labels.len() as f32;
        self.room(height.min(BODY_TOP - BODY_BOTTOM));
        if !title.is_empty() {
            self.paragraph(Style::Bold, 9.0, INK, title);
        }
        // The legend.
        let mut x = MARGIN_X + label_w;
        let y = self.y - 8.0;
        for (i, s) in series.iter().enumerate() {
            self.rect(x, y, 8.0, 7.0, BARS[i % 2]);
            self.text(x + 11.0, y + 1.0, Style::Regular, size, INK, &s.legend);
            x += 22.0 + self.font(Style::Regular).width(&s.legend, size);
        }
        self.y = y - 6.0;
        let max = series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .max()
            .unwrap_or(0)
            .max(1) as f32;
        for (g, label) in labels.iter().enumerate() {
            if self.y - group_h < BODY_BOTTOM {
                self.new_page();
            }
            let top = self.y;
            let lw = self.font(Style::Regular).width(label, size);
            let ly = top - group_h / 2.0 - size / 3.0;
            self.text(
                MARGIN_X + label_w - 6.0 - lw,
                ly,
                Style::Regular,
                size,
                INK,
                label,
            );
            for (i, s) in series.iter().enumerate() {
                let v = s.values.get(g).copied().unwrap_or(0) as f32;
                let w = chart_w * v / max;
                let y = top - (i as f32 + 1.0) * bar_h;
                if w > 0.0 {
                    self.rect(MARGIN_X + label_w, y, w, bar_h - 1.0, BARS[i % 2]);
                }
                let text = s.texts.get(g).map_or("", String::as_str);
                self.text(
                    MARGIN_X + label_w + w + 3.0,
                    y + 1.0,
                    Style::Regular,
                    6.5,
                    GREY,
                    text,
                );
            }
            self.line(
                MARGIN_X + label_w,
                top,
                MARGIN_X + label_w,
                top - group_h + 4.0,
                GREY,
                0.5,
            );
            self.y = top - group_h;
        }
        self.y -= 6.0;
    }
}
