//! Why an alert was refused, or could not be made: one variant per reason, each with a stable
//! code (the hub keeps it with every message it refuses) and a message for people.
//!
//! These are the alert's own reasons, as [`crate::admission::Reason`] are an entry's; where a
//! caller works in the crate's [`Error`], each converts into the variant of the same kind.

use std::fmt;

use time::OffsetDateTime;

use super::Form;
use crate::error::{Error, Problem, Problems};

/// Why a text is not an alert that may be taken, or why an alert cannot be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    // Read without a key: anyone can tell these.
    /// The text has neither form's shape: an ordinary message.
    NotAnAlert,
    /// An alert of a version this one does not read.
    UnknownVersion { version: char },
    /// A character neither form uses, at position `at` (1-based, in the text as received).
    BadCharacter { at: usize, found: char },
    /// An alert cut short or run on: `length` characters (spaces of the short form not
    /// counted).
    BadLength { form: Form, length: usize },
    /// The short form's check character does not match: a character was mistyped.
    BadCheck,

    // Read with the device's key.
    /// No enrolled device has the alert's key id (another county's device, or a revoked one).
    UnknownDevice,
    /// The tag does not match: the alert was altered or forged.
    BadTag,
    /// Authentic, but not laid out as this version writes alerts (a faulty device).
    Malformed { what: &'static str },
    /// Authentic, but a field breaks the rule the report parser applies to it; or, when
    /// writing, a field the alert cannot carry.
    Field(Problem),
    /// The alert's unit matches more than one unit of the receiver's gazetteer.
    AmbiguousUnit { units: Vec<String> },

    // Replays, judged by the receiver's window for the device.
    /// Sent more than 7 days before it was received.
    TooOld { sent_at: OffsetDateTime },
    /// Sent later than the receiver's clock allows: the device's clock is ahead.
    FromTheFuture { sent_at: OffsetDateTime },
    /// Its counter is below the device's window: an old alert sent again.
    Replayed { counter: u32 },
    /// This alert was already taken: the same alert again (keep one).
    Duplicate { counter: u32 },

    // Writing an alert.
    /// A note character that cannot be folded into the note's alphabet.
    NoteCharacter { at: usize, found: char },
    /// A note longer than this alert leaves room for.
    NoteTooLong { length: usize, room: usize },
    /// A figure larger than the short form carries: send the full form.
    TooLargeForShortForm { field: String, limit: u32 },
    /// The device has sent as many alerts as a counter can number.
    CounterExhausted,
    /// A key of small order: no secret can be shared with it.
    UnusableKey,
}

impl Refusal {
    /// The stable code of the reason.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotAnAlert => "not_an_alert",
            Refusal::UnknownVersion { .. } => "unknown_version",
            Refusal::BadCharacter { .. } => "bad_character",
            Refusal::BadLength { .. } => "bad_length",
            Refusal::BadCheck => "bad_check",
            Refusal::UnknownDevice => "unknown_device",
            Refusal::BadTag => "bad_tag",
            Refusal::Malformed { .. } => "malformed",
            Refusal::Field(_) => "field_out_of_range",
            Refusal::AmbiguousUnit { .. } => "ambiguous_unit",
            Refusal::TooOld { .. } => "too_old",
            Refusal::FromTheFuture { .. } => "from_the_future",
            Refusal::Replayed { .. } => "replayed",
            Refusal::Duplicate { .. } => "duplicate",
            Refusal::NoteCharacter { .. } => "note_character",
            Refusal::NoteTooLong { .. } => "note_too_long",
            Refusal::TooLargeForShortForm { .. } => "too_large_for_short_form",
            Refusal::CounterExhausted => "counter_exhausted",
            Refusal::UnusableKey => "unusable_key",
        }
    }

    /// A field problem.
    pub(super) fn field(field: &str, broken: crate::error::Broken) -> Refusal {
        Refusal::Field(Problem::broke(field, broken))
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NotAnAlert => f.write_str("not a Usalama alert"),
            Refusal::UnknownVersion { version } => write!(
                f,
                "an alert of format version {version}, which this version of Usalama does not \
                 read: update Usalama"
            ),
            Refusal::BadCharacter { at, found } => write!(
                f,
                "character {at} ({found:?}) is not one an alert uses: the text was changed on \
                 the way or mistyped"
            ),
            Refusal::BadLength { form, length } => write!(
                f,
                "a {} alert has {} characters, this one {length}: it was cut short or run on",
                form.name(),
                form.length()
            ),
            Refusal::BadCheck => f.write_str(
                "the check character does not match: a character was mistyped; type the alert \
                 again",
            ),
            Refusal::UnknownDevice => f.write_str(
                "no enrolled device has this alert's key (another county's or a revoked device)",
            ),
            Refusal::BadTag => {
                f.write_str("the alert's tag does not match: it was altered or forged")
            }
            Refusal::Malformed { what } => {
                write!(f, "an authentic alert that is not well formed: {what}")
            }
            Refusal::Field(problem) => write!(f, "{problem}"),
            Refusal::AmbiguousUnit { units } => write!(
                f,
                "the alert's unit matches several units ({}): it cannot be placed",
                units.join(", ")
            ),
            Refusal::TooOld { sent_at } => write!(
                f,
                "sent at {}, more than 7 days ago: an old alert is not taken",
                when(*sent_at)
            ),
            Refusal::FromTheFuture { sent_at } => write!(
                f,
                "sent at {}, later than this clock allows: the device's clock is ahead",
                when(*sent_at)
            ),
            Refusal::Replayed { counter } => write!(
                f,
                "alert number {counter} is older than the device's window: an old alert sent again"
            ),
            Refusal::Duplicate { counter } => {
                write!(
                    f,
                    "alert number {counter} was already taken: the same alert again"
                )
            }
            Refusal::NoteCharacter { at, found } => write!(
                f,
                "note: character {at} ({found:?}) cannot be sent by SMS; use letters, digits and \
                 ordinary punctuation"
            ),
            Refusal::NoteTooLong { length, room } => write!(
                f,
                "note: {length} characters, but this alert has room for {room}; shorten it"
            ),
            Refusal::TooLargeForShortForm { field, limit } => write!(
                f,
                "{field}: the short form carries figures up to {limit}; send the full form (the \
                 QR code)"
            ),
            Refusal::CounterExhausted => {
                f.write_str("this device has sent all the alerts its key can number")
            }
            Refusal::UnusableKey => {
                f.write_str("a key of small order: no alert key can be derived")
            }
        }
    }
}

impl std::error::Error for Refusal {}

/// A time as people in the county read it.
fn when(at: OffsetDateTime) -> String {
    at.to_offset(crate::EAT)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| at.to_string())
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Error {
        let message = refusal.to_string();
        match refusal {
            Refusal::NotAnAlert
            | Refusal::BadCharacter { .. }
            | Refusal::BadLength { .. }
            | Refusal::BadCheck
            | Refusal::Malformed { .. } => Error::Malformed(message),
            Refusal::UnknownVersion { .. } => Error::Unsupported(message),
            Refusal::BadTag | Refusal::UnusableKey => Error::Integrity(message),
            Refusal::Field(problem) => Error::Invalid(Problems(vec![problem])),
            Refusal::NoteCharacter { .. } | Refusal::NoteTooLong { .. } => {
                Error::invalid("note", message)
            }
            Refusal::TooLargeForShortForm { field, .. } => Error::invalid(field, message),
            Refusal::UnknownDevice
            | Refusal::AmbiguousUnit { .. }
            | Refusal::TooOld { .. }
            | Refusal::FromTheFuture { .. }
            | Refusal::Replayed { .. }
            | Refusal::Duplicate { .. }
            | Refusal::CounterExhausted => Error::Refused(message),
        }
    }
}
