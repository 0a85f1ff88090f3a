//! The one error type of the core, with the variants callers branch on.

use std::path::PathBuf;

pub use usalama_protocol::{Broken, Problem, Problems, Rule};

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

    /// The field `field` broke `broken`.
    pub fn broke(field: impl Into<String>, broken: Broken) -> Self {
        Error::Invalid(Problems(vec![Problem::broke(field, broken)]))
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

impl From<usalama_protocol::Error> for Error {
    /// The shared checks' errors, each as the variant of the same name.
    fn from(e: usalama_protocol::Error) -> Self {
        use usalama_protocol::Error as Shared;
        match e {
            Shared::Invalid(problems) => Error::Invalid(problems),
            Shared::Integrity(why) => Error::Integrity(why),
            Shared::Malformed(why) => Error::Malformed(why),
            Shared::Unsupported(why) => Error::Unsupported(why),
            Shared::Refused(why) => Error::Refused(why),
            Shared::Io { context, source } => Error::Io { context, source },
        }
    }
}
