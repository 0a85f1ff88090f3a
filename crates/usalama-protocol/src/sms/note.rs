//! The note a full-form alert carries: printable ASCII only, 7 bits a character.
//!
//! Kiswahili and English are written in the 26 Latin letters, so printable ASCII (space to `~`,
//! 95 characters, case kept) holds what a chief types in either language. What phones and
//! word processors put in instead is folded: curly quotes and the modifier apostrophe to `'`
//! (the one in *ng'ombe*), curly double quotes to `"`, dashes to `-`, the ellipsis to `...`,
//! accented Latin letters to their base letter (`é` to `e`, `ŋ` to `ng`), and every run of
//! spaces, tabs and line breaks to one space, with none at the ends. Anything else (an emoji, a
//! letter of another script, a control character) is refused with its position, so the chief
//! retypes it rather than have it silently dropped.

use std::fmt;

use super::refusal::Refusal;

/// The longest note the length field can announce; the room a given alert leaves is smaller
/// (see [`super::note_room`]).
pub const MAX_NOTE: usize = 127;
/// Bits of a note's length, written before its characters.
pub(super) const LENGTH_BITS: u32 = 7;
/// Bits of one character: its offset from the space.
pub(super) const CHAR_BITS: u32 = 7;

/// A note: folded, and holding only printable ASCII.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Note(String);

impl Note {
    /// The note as it will arrive: folded, or refused at the first character that cannot be.
    pub fn parse(text: &str) -> Result<Note, Refusal> {
        let mut out = String::with_capacity(text.len());
        let mut space = false;
        for (at, c) in text.chars().enumerate() {
            if c.is_whitespace() {
                space = !out.is_empty();
                continue;
            }
            let folded = fold(c).ok_or(Refusal::NoteCharacter {
                at: at + 1,
                found: c,
            })?;
            if space {
                out.push(' ');
                space = false;
            }
            out.push_str(folded);
        }
        if out.chars().count() > MAX_NOTE {
            return Err(Refusal::NoteTooLong {
                length: out.chars().count(),
                room: MAX_NOTE,
            });
        }
        Ok(Note(out))
    }

    /// The beginning of `text` as a note of at most `room` characters (and at most
    /// [`MAX_NOTE`]): folded as [`Note::parse`] folds, characters that cannot be folded left
    /// out rather than refused (the text was not typed for an SMS), and cut at the last word
    /// that fits when one ends in the second half of the room.
    pub fn beginning_of(text: &str, room: usize) -> Note {
        let room = room.min(MAX_NOTE);
        let mut out = String::with_capacity(room);
        let mut space = false;
        let mut cut = false;
        for c in text.chars() {
            if c.is_whitespace() {
                space = !out.is_empty();
                continue;
            }
            let Some(folded) = fold(c) else { continue };
            if out.len() + usize::from(space) + folded.len() > room {
                cut = !space;
                break;
            }
            if space {
                out.push(' ');
                space = false;
            }
            out.push_str(folded);
        }
        if cut {
            if let Some(end) = out.rfind(' ').filter(|&end| end * 2 >= room) {
                out.truncate(end);
            }
        }
        Note(out)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Characters (each one byte: the note is ASCII).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Each character's 7-bit code.
    pub(super) fn codes(&self) -> impl Iterator<Item = u64> + '_ {
        self.0.bytes().map(|b| u64::from(b - b' '))
    }

    /// A note from 7-bit codes; `None` when a code is not a printable character or the text
    /// is not what [`Note::parse`] makes of itself (so that every note has one encoding).
    pub(super) fn from_codes(codes: &[u64]) -> Option<Note> {
        let text: String = codes
            .iter()
            .map(|&code| (code < 95).then(|| char::from(b' ' + code as u8)))
            .collect::<Option<_>>()?;
        let note = Note::parse(&text).ok()?;
        (note.0 == text).then_some(note)
    }
}

impl fmt::Debug for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Note({:?})", self.0)
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What `c` (not whitespace) becomes in a note, if anything.
fn fold(c: char) -> Option<&'static str> {
    if c.is_ascii_graphic() {
        return PRINTABLE.get(usize::from(c as u8 - b'!')..=usize::from(c as u8 - b'!'));
    }
    let folded = match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}'
        | '\u{02BB}' | '\u{00B4}' => "'",
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => "\"",
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => "-",
        '\u{2026}' => "...",
        'ŋ' => "ng",
        'Ŋ' => "Ng",
        'ß' => "ss",
        'æ' => "ae",
        'Æ' => "AE",
        _ => return base_letter(c),
    };
    Some(folded)
}

/// Every printable ASCII character but the space, in order: `fold` hands out slices of it.
const PRINTABLE: &str =
    "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

/// The base letter of an accented Latin letter (Latin-1 and Latin Extended-A).
fn base_letter(c: char) -> Option<&'static str> {
    const GROUPS: &[(&str, &str)] = &[
        ("ÀÁÂÃÄÅĀĂĄ", "A"),
        ("àáâãäåāăą", "a"),
        ("ÇĆĈĊČ", "C"),
        ("çćĉċč", "c"),
        ("ĎĐÐ", "D"),
        ("ďđð", "d"),
        ("ÈÉÊËĒĔĖĘĚ", "E"),
        ("èéêëēĕėęě", "e"),
        ("ĜĞĠĢ", "G"),
        ("ĝğġģ", "g"),
        ("ĤĦ", "H"),
        ("ĥħ", "h"),
        ("ÌÍÎÏĨĪĬĮİ", "I"),
        ("ìíîïĩīĭįı", "i"),
        ("Ĵ", "J"),
        ("ĵ", "j"),
        ("Ķ", "K"),
        ("ķ", "k"),
        ("ĹĻĽĿŁ", "L"),
        ("ĺļľŀł", "l"),
        ("ÑŃŅŇ", "N"),
        ("ñńņň", "n"),
        ("ÒÓÔÕÖØŌŎŐ", "O"),
        ("òóôõöøōŏő", "o"),
        ("ŔŖŘ", "R"),
        ("ŕŗř", "r"),
        ("ŚŜŞŠ", "S"),
        ("śŝşš", "s"),
        ("ŢŤŦ", "T"),
        ("ţťŧ", "t"),
        ("ÙÚÛÜŨŪŬŮŰŲ", "U"),
        ("ùúûüũūŭůűų", "u"),
        ("Ŵ", "W"),
        ("ŵ", "w"),
        ("ÝŶŸ", "Y"),
        ("ýÿŷ", "y"),
        ("ŹŻŽ", "Z"),
        ("źżž", "z"),
    ];
    GROUPS
        .iter()
        .find(|(letters, _)| letters.contains(c))
        .map(|(_, base)| *base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kiswahili_and_english_keep_their_letters_case_and_punctuation() {
        for text in [
            "Wavamizi 40 wenye silaha wameiba ng'ombe 150 karibu na mto Turkwel, saa 11 alfajiri.",
            "About 40 armed raiders drove cattle towards the river at dawn (Lomut/Masol)!",
            "~{[|]}^_`@#$%&*+=<>?;:\\",
        ] {
            assert_eq!(Note::parse(text).expect("kept").as_str(), text);
        }
    }

    #[test]
    fn what_phones_type_instead_is_folded() {
        let note = Note::parse(
            "  Ng\u{2019}ombe  \u{201C}wengi\u{201D}\n\tkaribu — Lokiriama… Ŋakwa café ",
        )
        .expect("folded");
        assert_eq!(
            note.as_str(),
            "Ng'ombe \"wengi\" karibu - Lokiriama... Ngakwa cafe"
        );
        // Folding is idempotent: the folded note is its own fold.
        assert_eq!(Note::parse(note.as_str()).expect("again"), note);
    }

    #[test]
    fn other_characters_are_refused_with_their_position() {
        for (text, at, found) in [
            ("raid 🐄", 6, '🐄'),
            ("مرحبا", 1, 'م'),
            ("a\u{0}b", 2, '\u{0}'),
            ("ab\u{202E}c", 3, '\u{202E}'),
        ] {
            assert_eq!(Note::parse(text), Err(Refusal::NoteCharacter { at, found }));
        }
        assert!(matches!(
            Note::parse(&"x".repeat(128)),
            Err(Refusal::NoteTooLong { length: 128, .. })
        ));
    }

    #[test]
    fn a_narratives_beginning_is_folded_cut_at_a_word_and_reads_back_as_a_note() {
        let narrative =
            "About 40 armed raiders 🐄 drove cattle\ntowards the Turkwel river at dawn.";
        let note = Note::beginning_of(narrative, 40);
        assert_eq!(note.as_str(), "About 40 armed raiders drove cattle");
        assert_eq!(Note::parse(note.as_str()).expect("a note"), note);
        assert_eq!(Note::beginning_of(narrative, 500).len(), 70);
        assert_eq!(Note::beginning_of("Ngʼombe…", 9).as_str(), "Ng'ombe");
        assert_eq!(Note::beginning_of(&"x".repeat(300), 300).len(), MAX_NOTE);
        assert!(Note::beginning_of("🐄", 60).is_empty());
    }

    #[test]
    fn codes_read_back_only_as_a_note_parse_would_make_them() {
        let note = Note::parse("Raid at 05:30, ~40 men.").expect("parsed");
        let codes: Vec<u64> = note.codes().collect();
        assert_eq!(Note::from_codes(&codes), Some(note));
        // A code past `~`, a leading space and two spaces are not what parse makes.
        assert_eq!(Note::from_codes(&[95]), None);
        assert_eq!(Note::from_codes(&[0, 33]), None);
        assert_eq!(Note::from_codes(&[33, 0, 0, 33]), None);
    }
}
