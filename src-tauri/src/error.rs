//! The error payload every command returns: `{ kind, message, problems }`.
//!
//! The UI switches on `kind` (the core's closed set, plus `not_open` when a command needs the
//! store before it is unlocked), never on the message. `problems` carries each field's rule for
//! messages in the user's language.

use serde::Serialize;
use usalama_core::form::{classify, FormProblem};
use usalama_core::Error;

#[derive(Debug, Serialize)]
pub struct CommandError {
    pub kind: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<FormProblem>,
}

impl CommandError {
    /// A command that needs the store ran before the user unlocked it.
    pub fn not_open() -> Self {
        CommandError {
            kind: "not_open",
            message: "the store is locked; enter the passphrase first".into(),
            problems: Vec::new(),
        }
    }
}

impl From<Error> for CommandError {
    fn from(e: Error) -> Self {
        let problems = match &e {
            Error::Invalid(problems) => classify(problems),
            _ => Vec::new(),
        };
        CommandError {
            kind: e.kind(),
            message: e.to_string(),
            problems,
        }
    }
}
