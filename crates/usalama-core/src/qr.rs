//! A QR code's modules, which the desktop draws as squares and the CLI as characters: a phone's
//! camera reads an SMS alert off the screen (`SMSTO:number:text` opens its SMS app with both
//! filled in), so the chief types nothing.

use crate::error::{Error, Result};

/// A square QR code: `rows[y][x]` is true for a dark module. No quiet zone: whoever draws it
/// leaves four modules of margin.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Qr {
    pub size: usize,
    /// Each row as a string of `1` (dark) and `0` (light): compact over the IPC boundary.
    pub rows: Vec<String>,
}

/// The QR code of `text`, at error correction level M (15 % of it may be smudged or hidden by
/// a glare on the screen and it still reads).
pub fn encode(text: &str) -> Result<Qr> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| Error::Render(format!("no QR code for this text: {e}")))?;
    let size = code.width();
    let colors = code.to_colors();
    let rows = colors
        .chunks(size)
        .map(|row| {
            row.iter()
                .map(|c| if *c == qrcode::Color::Dark { '1' } else { '0' })
                .collect()
        })
        .collect();
    Ok(Qr { size, rows })
}

/// The code as text for a terminal: two rows of modules per line in half blocks, with the
/// quiet zone, dark on light whatever the terminal's colours.
pub fn to_terminal(qr: &Qr) -> String {
    const QUIET: usize = 4;
    let dark = |y: isize, x: isize| -> bool {
        if y < 0 || x < 0 {
            return false;
        }
        qr.rows
            .get(y as usize)
            .and_then(|r| r.as_bytes().get(x as usize))
            .is_some_and(|b| *b == b'1')
    };
    let span = (qr.size + 2 * QUIET) as isize;
    let mut out = String::new();
    let mut y = -(QUIET as isize);
    while y < span - QUIET as isize {
        for x in -(QUIET as isize)..span - QUIET as isize {
            // Light is drawn (a full block), dark left blank: dark modules on a light ground.
            out.push(match (dark(y, x), dark(y + 1, x)) {
                (false, false) => '█',
                (true, false) => '▄',
                (false, true) => '▀',
                (true, true) => ' ',
            });
        }
        out.push('\n');
        y += 2;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alert_of_160_characters_fits_a_code_a_laptop_screen_shows_large() {
        let text = format!("SMSTO:+254712345678:U1{}", "a".repeat(158));
        let qr = encode(&text).expect("a code");
        assert_eq!(qr.rows.len(), qr.size);
        assert!(qr.rows.iter().all(|r| r.len() == qr.size));
        // 180 bytes take version 9 at level M (53 modules): at 4 px a module, with the quiet
        // zone, 244 px, which a laptop's screen shows whole beside the text.
        assert_eq!(qr.size, 53, "{} modules", qr.size);
        // The three finder patterns: a dark 7×7 ring at three corners.
        for (y, x) in [(0, 0), (0, qr.size - 7), (qr.size - 7, 0)] {
            assert_eq!(&qr.rows[y][x..x + 7], "1111111");
        }
    }

    #[test]
    fn the_terminal_drawing_has_a_quiet_zone_and_two_rows_a_line() {
        let qr = encode("SMSTO:+254712345678:U1abc").expect("a code");
        let text = to_terminal(&qr);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), (qr.size + 8).div_ceil(2));
        assert!(
            lines[0].chars().all(|c| c == '█'),
            "quiet zone: {}",
            lines[0]
        );
        assert!(lines.iter().all(|l| l.chars().count() == qr.size + 8));
    }
}
