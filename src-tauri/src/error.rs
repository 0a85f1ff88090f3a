//! The error payload every command returns: `{ kind, message, problems }`.
//!
//! The UI switches on `kind` (the core's closed set, plus `not_open` when a command needs the
//! store before it is unlocked), never on the message. `problems` carries each field's rule for
//! messages in the user's language.

use serde::Serialize;
use usalama_core::form::{classify, FormProblem};
use usalama_core::Error;

#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CommandError {
    pub kind: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(test, ts(as = "Option<Vec<FormProblem>>", optional))]
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

    /// A second unlock in one run: the store opened first stays in use.
    pub fn already_open() -> Self {
        CommandError {
            kind: "already_open",
            message: "the store is already open".into(),
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

impl From<usalama_core::protocol::Error> for CommandError {
    fn from(e: usalama_core::protocol::Error) -> Self {
        CommandError::from(Error::from(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use usalama_core::error::{Broken, Rule};
    use usalama_core::{Problem, Problems};

    #[test]
    fn an_invalid_input_carries_each_field_and_its_rule() {
        let e = Error::Invalid(Problems(vec![Problem::broke(
            "people.killed",
            Broken::new(
                Rule::Count,
                "must be a whole number from 0 to 100000, or null when unknown (got -1)",
            )
            .up_to(100_000),
        )]));
        let payload = CommandError::from(e);
        assert_eq!(payload.kind, "invalid");
        assert_eq!(payload.problems[0].field, "people.killed");
        assert_eq!(payload.problems[0].rule, Rule::Count);
        let json = serde_json::to_value(&payload).expect("json");
        assert_eq!(json["problems"][0]["rule"], "count");
        assert_eq!(json["problems"][0]["max"], 100_000);
    }

    #[test]
    fn other_errors_have_a_kind_and_no_problems() {
        let payload = CommandError::from(Error::Locked("wrong passphrase".into()));
        let json = serde_json::to_value(&payload).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"kind": "locked", "message": "wrong passphrase"})
        );
    }
}
