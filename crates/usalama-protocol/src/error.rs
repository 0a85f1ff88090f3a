//! The one error type of what devices and hubs share, and the problems an input can have.

use std::fmt;

/// Everything that can go wrong in checking what another party wrote.
///
/// The device's and the hub's own error types take each variant over as it is.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input broke one or more rules; nothing was written.
    #[error("{0}")]
    Invalid(Problems),
    /// A signature, a chain or a seal does not hold: the bytes were changed or forged.
    #[error("integrity check failed: {0}")]
    Integrity(String),
    /// Bytes that should hold an entry (or a batch of them) do not.
    #[error("malformed entry: {0}")]
    Malformed(String),
    /// Written by a newer version, or in a format this one does not know.
    #[error("{0}")]
    Unsupported(String),
    /// Made for another party (a bundle sealed to another device or hub).
    #[error("{0}")]
    Refused(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    /// Bad input in one field, with what is allowed.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid(Problems(vec![Problem::new(field, message)]))
    }

    /// The field `field` broke `broken`.
    pub fn broke(field: impl Into<String>, broken: Broken) -> Self {
        Error::Invalid(Problems(vec![Problem::broke(field, broken)]))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What a field's value broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The field must be given.
    Required,
    /// A count: a whole number from 0 to [`MAX_COUNT`](crate::domain::report::MAX_COUNT), or unknown.
    Count,
    /// Text that must not be empty.
    NotEmpty,
    /// Text longer than `max` characters.
    TooLong,
    /// A key of a closed vocabulary (type, urgency, species, agency, source kind).
    Choice,
    /// A date and time with its offset.
    DateTime,
    /// A date before the year 2000.
    TooEarly,
    /// A date later than now.
    Future,
    /// Latitude −90..90, longitude −180..180.
    Gps,
    /// At least one of unit and place.
    UnitOrPlace,
    /// A unit id that is not in the gazetteer.
    UnknownUnit,
    /// A unit that was retired.
    RetiredUnit,
    /// A species listed twice in the livestock table.
    DuplicateSpecies,
    /// Yes or no.
    YesNo,
    /// A required field an amendment tried to remove.
    CannotRemove,
    /// A field the document may not hold.
    UnknownField,
    /// Text holding a control or text-direction character (or a line break in a one-line
    /// field).
    Characters,
    /// A new passphrase shorter than the device store allows.
    PassphraseShort,
    /// A new passphrase that is the example Usalama once suggested.
    PassphraseExample,
    /// A new passphrase that is the user's name or an area's name.
    PassphrasePersonal,
    /// A new passphrase that is digits only, one character repeated, or a very common phrase.
    PassphraseGuessable,
    /// Anything else: show the message as it is.
    Other,
}

/// A rule a value broke, before it is known which field holds the value: what a parser of one
/// value returns, and [`Problems::add`] files under its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub rule: Rule,
    /// The largest allowed value (counts) or length (text), when the rule has one.
    pub limit: Option<u64>,
    /// What is allowed, in English (for the CLI and the logs).
    pub message: String,
}

impl Broken {
    pub fn new(rule: Rule, message: impl Into<String>) -> Self {
        Broken {
            rule,
            limit: None,
            message: message.into(),
        }
    }

    /// The same, naming the largest value or length allowed.
    pub fn up_to(self, limit: u64) -> Self {
        Broken {
            limit: Some(limit),
            ..self
        }
    }
}

/// One rule an input broke: the field at fault, the rule as data for a user interface to say
/// in the user's language, and what is allowed in English.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub field: String,
    #[serde(skip)]
    pub rule: Rule,
    #[serde(skip)]
    pub limit: Option<u64>,
    pub message: String,
}

impl Problem {
    /// A problem with no rule a user interface knows ([`Rule::Other`]): its words are shown.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Problem::broke(field, Broken::new(Rule::Other, message))
    }

    /// The field `field` broke `broken`.
    pub fn broke(field: impl Into<String>, broken: Broken) -> Self {
        Problem {
            field: field.into(),
            rule: broken.rule,
            limit: broken.limit,
            message: broken.message,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

/// Every problem found in one input, so the user can fix them all at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// A problem with no rule a user interface knows ([`Rule::Other`]).
    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem::new(field, message));
    }

    /// The field `field` broke `broken`.
    pub fn add(&mut self, field: impl Into<String>, broken: Broken) {
        self.0.push(Problem::broke(field, broken));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Prefix every field with `prefix` (e.g. the file and document a problem came from).
    pub fn within(mut self, prefix: &str) -> Self {
        for p in &mut self.0 {
            p.field = if p.field.is_empty() {
                prefix.to_owned()
            } else {
                format!("{prefix}: {}", p.field)
            };
        }
        self
    }

    pub fn extend(&mut self, other: Problems) {
        self.0.extend(other.0);
    }

    /// `Ok(())` when nothing was found, the problems otherwise.
    pub fn into_result(self) -> Result<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(self))
        }
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}
