//! Characters that text typed into a report may not hold, and how they are shown when an entry
//! recorded elsewhere holds them anyway.
//!
//! Control characters (C0, DEL and C1) can rewrite a terminal's screen, and Unicode's
//! direction controls can make a narrative read differently from what it holds ("Trojan
//! Source"). Newly written text is refused when it holds one (newline and tab are kept in free
//! text such as a narrative or a note); text recorded before this rule, or by a device that
//! ignores it, is kept as it was and escaped wherever it is printed for people.

use std::borrow::Cow;

/// Whose text is being parsed: this decides the character rule and nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Typed or imported on this device now: every rule applies.
    Author,
    /// Recorded on another device (perhaps by an older version) and received: every rule an
    /// author is held to except the character rule, which came later. Such text is escaped when
    /// it is printed ([`escape`]).
    Received,
}

/// What kind of text a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// One line: a place, a name, a number.
    One,
    /// Free text (a narrative, notes): newlines and tabs are allowed.
    Many,
}

/// Unicode's explicit direction controls: embeddings and overrides (U+202A to U+202E),
/// isolates (U+2066 to U+2069), and the marks U+200E, U+200F and U+061C.
pub fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Whether `c` may not appear in newly written text of this kind.
pub fn is_forbidden(c: char, lines: Lines) -> bool {
    match c {
        '\n' | '\t' => lines == Lines::One,
        c if c.is_control() => true,
        c => is_direction_control(c),
    }
}

/// Checks newly written text: `Err` names the first forbidden character and where it is.
pub fn check(text: &str, lines: Lines) -> Result<(), String> {
    match text
        .chars()
        .enumerate()
        .find(|(_, c)| is_forbidden(*c, lines))
    {
        None => Ok(()),
        Some((at, c)) => Err(format!(
            "must not hold control or text-direction characters (found U+{:04X} at character \
             {}){}; retype the text or paste it as plain text",
            c as u32,
            at + 1,
            if lines == Lines::One {
                ", nor line breaks or tabs"
            } else {
                ""
            }
        )),
    }
}

/// `text` with every control or direction character except newline and tab written as
/// `\u{…}`, for printing to people (a terminal, a log line); unchanged when it holds none.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_as(text, Lines::Many)
}

/// Like [`escape`], and newlines and tabs too: for a value shown on one line (a place in a
/// list, a unit's name), where a line break could fake a line of its own.
pub fn escape_line(text: &str) -> Cow<'_, str> {
    escape_as(text, Lines::One)
}

fn escape_as(text: &str, lines: Lines) -> Cow<'_, str> {
    if !text.chars().any(|c| is_forbidden(c, lines)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_forbidden(c, lines) {
            out.push_str(&format!("\\u{{{:04x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_direction_characters_are_refused_and_newlines_only_in_free_text() {
        for bad in [
            "a\u{0}b",
            "a\u{1b}[2Jb",
            "a\rb",
            "a\u{7f}",
            "a\u{85}",
            "a\u{9b}",
            "\u{202E}abc",
            "\u{202A}",
            "\u{2066}x",
            "\u{2069}",
            "\u{200E}",
            "\u{200F}",
            "\u{061C}",
        ] {
            assert!(check(bad, Lines::Many).is_err(), "{bad:?}");
            assert!(check(bad, Lines::One).is_err(), "{bad:?}");
        }
        assert!(check("line one\nline two\tindented", Lines::Many).is_ok());
        assert!(check("line one\nline two", Lines::One).is_err());
        assert!(check("a\tb", Lines::One).is_err());
        assert!(check("Lami Nyeusi, near the borehole; ng'ombe 40", Lines::One).is_ok());
        // Letters of right-to-left scripts are text, not controls.
        assert!(check("مرحبا", Lines::One).is_ok());
        let message = check("ab\u{202E}c", Lines::Many).expect_err("refused");
        assert!(message.contains("U+202E at character 3"), "{message}");
    }

    #[test]
    fn escaping_shows_every_control_and_keeps_newlines_and_tabs() {
        assert!(matches!(escape("plain\ttext\n"), Cow::Borrowed(_)));
        assert_eq!(
            escape("a\u{1b}[31mred\u{202E}gnp.exe\r"),
            "a\\u{001b}[31mred\\u{202e}gnp.exe\\u{000d}"
        );
        assert_eq!(escape("one\ntwo"), "one\ntwo");
        assert_eq!(
            escape_line("one\ntwo\tthree"),
            "one\\u{000a}two\\u{0009}three"
        );
    }
}
