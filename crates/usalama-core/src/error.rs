//! The one error type of the core, with the variants callers branch on.

use std::fmt;
use std::path::PathBuf;

/// Everything that can go wrong below the shell.
///
/// Callers branch on the variant (the CLI maps each to an exit status, the desktop app to a
/// `kind` the UI switches on); the message is for people.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input broke one or more rules; nothing was written.
    #[error("{0}")]
    Invalid(Problems),
    /// The passphrase or recovery code does not unlock this store.
    #[error("{0}")]
    Locked(String),
    /// There is no store at this home folder yet.
    #[error("no Usalama store in {}; create one with `usalama init`", .0.display())]
    NotInitialized(PathBuf),
    /// `init` was asked to create a store where one already exists.
    #[error("a Usalama store already exists in {}; nothing was changed", .0.display())]
    AlreadyInitialized(PathBuf),
    /// No report (or other thing) has this id.
    #[error("{0}")]
    NotFound(String),
    /// This device has no county hub to sync with yet.
    #[error("this device is not enrolled with a county hub; enroll it first with `usalama enroll --string ENROLLMENT` (the county ICT office gives the enrollment)")]
    NotEnrolled,
    /// This device is already enrolled with a county hub; a device belongs to one hub.
    #[error("this device is already enrolled with the county hub at {0}; nothing was changed. A laptop belongs to one county hub: to move this person to another hub, the county ICT office sets up a new store on a laptop and enrolls that (`usalama-hub invite --person`)")]
    AlreadyEnrolled(String),
    /// The hub could not be reached.
    #[error("{0}")]
    Unreachable(String),
    /// The hub refused (an enrollment code, a device).
    #[error("{0}")]
    Refused(String),
    /// This device's role may not do this.
    #[error("{0}")]
    NotAllowed(String),
    /// The ledger or the store was changed behind our back.
    #[error("integrity check failed: {0}")]
    Integrity(String),
    /// The store file is damaged or was written by a newer version.
    #[error("{0}")]
    Unsupported(String),
    /// Bytes that should hold an entry (or a batch of them) do not.
    #[error("malformed entry: {0}")]
    Malformed(String),
    /// A summary or a slip could not be drawn (a font that cannot be embedded).
    #[error("could not draw the document: {0}")]
    Render(String),
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
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

    /// A short machine-readable name for the variant, for `{ kind, message }` payloads.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Invalid(_) => "invalid",
            Error::Locked(_) => "locked",
            Error::NotInitialized(_) => "not_initialized",
            Error::AlreadyInitialized(_) => "already_initialized",
            Error::NotFound(_) => "not_found",
            Error::NotAllowed(_) => "not_allowed",
            Error::NotEnrolled => "not_enrolled",
            Error::AlreadyEnrolled(_) => "already_enrolled",
            Error::Unreachable(_) => "unreachable",
            Error::Refused(_) => "refused",
            Error::Integrity(_) => "integrity",
            Error::Unsupported(_) => "unsupported",
            Error::Malformed(_) => "malformed",
            Error::Render(_) => "render",
            Error::Database(_) => "database",
            Error::Io { .. } => "io",
        }
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
