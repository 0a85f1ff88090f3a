//! An embedded font: the glyphs the document uses, renumbered for the subset as they are first
//! met, and the subset written into the file as a CID-keyed font with its widths and its map
//! back to Unicode.

use std::collections::HashMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

use crate::error::{Error, Result};

/// What replaces a character the font has no glyph for.
const REPLACEMENT: char = '\u{FFFD}';

/// One embedded font: its glyphs as used so far, renumbered for the subset.
pub(super) struct Font {
    data: &'static [u8],
    face: Face<'static>,
    /// The PDF name the content streams use (`/F1`).
    pub(super) name: &'static [u8],
    base: &'static str,
    units: f32,
    /// Each character met so far: its id in the subset and its advance in 1/1000 em.
    glyphs: HashMap<char, (u16, f32)>,
    remapper: GlyphRemapper,
    /// For each id in the subset, in order: the character it stands for, and its advance.
    used: Vec<(char, f32)>,
    /// Whether some character printed as the replacement glyph (an emoji, a script the font
    /// does not cover).
    pub(super) replaced: bool,
}

impl Font {
    pub(super) fn new(
        data: &'static [u8],
        name: &'static [u8],
        base: &'static str,
    ) -> Result<Font> {
        let face = Face::parse(data, 0)
            .map_err(|e| Error::Render(format!("the bundled font {base} does not parse: {e}")))?;
        let units = f32::from(face.units_per_em());
        Ok(Font {
            data,
            face,
            name,
            base,
            units,
            glyphs: HashMap::new(),
            remapper: GlyphRemapper::new(),
            // Id 0 of the subset is .notdef.
            used: vec![(REPLACEMENT, 0.0)],
            replaced: false,
        })
    }

    /// The subset id and advance (1/1000 em) of `c`, adding it to the subset on first use.
    fn glyph(&mut self, c: char) -> (u16, f32) {
        if let Some(&g) = self.glyphs.get(&c) {
            return g;
        }
        let (shown, gid) = match self.face.glyph_index(c) {
            Some(gid) => (c, gid),
            None => {
                self.replaced = true;
                (
                    REPLACEMENT,
                    self.face.glyph_index(REPLACEMENT).unwrap_or(GlyphId(0)),
                )
            }
        };
        let advance =
            f32::from(self.face.glyph_hor_advance(gid).unwrap_or(0)) * 1000.0 / self.units;
        let new = self.remapper.remap(gid.0);
        if usize::from(new) == self.used.len() {
            self.used.push((shown, advance));
        }
        self.glyphs.insert(c, (new, advance));
        (new, advance)
    }

    pub(super) fn width(&mut self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.glyph(c).1).sum::<f32>() * size / 1000.0
    }

    /// The text as two-byte glyph ids (the `Identity-H` encoding).
    pub(super) fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            out.extend_from_slice(&self.glyph(c).0.to_be_bytes());
        }
        out
    }
}

/// Writes a font as a Type 0 font with a CID-keyed TrueType subset, its widths, and the map
/// back to Unicode that lets readers copy and search the text.
pub(super) fn embed(
    pdf: &mut Pdf,
    font: &Font,
    id: Ref,
    alloc: &mut impl FnMut() -> Ref,
) -> Result<()> {
    let cid = alloc();
    let descriptor = alloc();
    let file = alloc();
    let cmap = alloc();
    let subset = subsetter::subset(font.data, 0, &font.remapper).map_err(|e| {
        Error::Render(format!(
            "the font {} could not be subsetted: {e}",
            font.base
        ))
    })?;
    let base = format!("{}+{}", subset_tag(font), font.base);
    pdf.type0_font(id)
        .base_font(Name(base.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap);
    let mut cid_font = pdf.cid_font(cid);
    cid_font
        .subtype(CidFontType::Type2)
        .base_font(Name(base.as_bytes()))
        .system_info(SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        })
        .font_descriptor(descriptor)
        .default_width(0.0)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    cid_font
        .widths()
        .consecutive(0, font.used.iter().map(|(_, w)| *w));
    cid_font.finish();
    describe(pdf, font, descriptor, file, &base);
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(&subset, 6);
    pdf.stream(file, &packed)
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), subset.len() as i32);
    to_unicode(pdf, font, cmap);
    Ok(())
}

/// The subset's tag: six capital letters that change with the glyphs it holds.
fn subset_tag(font: &Font) -> String {
    let mut h: u32 = 2_166_136_261;
    for (c, _) in &font.used {
        h = (h ^ *c as u32).wrapping_mul(16_777_619);
    }
    (0..6)
        .map(|i| char::from(b'A' + ((h >> (i * 5)) % 26) as u8))
        .collect()
}

/// The font's descriptor: its metrics in 1/1000 em, and where its file is.
fn describe(pdf: &mut Pdf, font: &Font, descriptor: Ref, file: Ref, base: &str) {
    let scale = 1000.0 / font.units;
    let bbox = font.face.global_bounding_box();
    pdf.font_descriptor(descriptor)
        .name(Name(base.as_bytes()))
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(
            f32::from(bbox.x_min) * scale,
            f32::from(bbox.y_min) * scale,
            f32::from(bbox.x_max) * scale,
            f32::from(bbox.y_max) * scale,
        ))
        .italic_angle(0.0)
        .ascent(f32::from(font.face.ascender()) * scale)
        .descent(f32::from(font.face.descender()) * scale)
        .cap_height(f32::from(font.face.capital_height().unwrap_or(font.face.ascender())) * scale)
        .stem_v(if font.base.ends_with("Bold") {
            140.0
        } else {
            80.0
        })
        .font_file2(file);
}

/// The map from the subset's ids back to the characters they stand for.
fn to_unicode(pdf: &mut Pdf, font: &Font, cmap: Ref) {
    let mut unicode = UnicodeCmap::new(
        Name(b"Custom"),
        SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"UCS"),
            supplement: 0,
        },
    );
    for (gid, (c, _)) in font.used.iter().enumerate().skip(1) {
        unicode.pair(gid as u16, *c);
    }
    let cmap_bytes = unicode.finish().into_vec();
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(&cmap_bytes, 6);
    pdf.stream(cmap, &packed).filter(Filter::FlateDecode);
}
