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
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One rule an input broke: the field at fault and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

impl Problem {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            field: field.into(),
            message: message.into(),
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
    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem::new(field, message));
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
