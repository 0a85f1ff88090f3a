//! The administrator's commands, one module per group; each parses its arguments, calls the
//! hub and prints what it did (or, with `--json`, one JSON document).

pub(crate) mod backup;
pub(crate) mod bundles;
pub(crate) mod devices;
pub(crate) mod invite;
pub(crate) mod redact;
pub(crate) mod release;
pub(crate) mod review;
pub(crate) mod serve;
pub(crate) mod sms;
pub(crate) mod units;
pub(crate) mod warnings;

use usalama_hub::{db, Hub, HubError};

/// Why a command failed: the exit status (2 for bad input or usage, 1 for anything else) and
/// the message.
pub(crate) struct Failure(pub(crate) u8, pub(crate) String);

impl From<HubError> for Failure {
    fn from(e: HubError) -> Self {
        let status = if e.status().is_client_error() { 2 } else { 1 };
        Failure(status, e.to_string())
    }
}

pub(crate) fn usage(message: impl Into<String>) -> Failure {
    Failure(2, message.into())
}

pub(crate) fn print_json(value: &impl serde::Serialize) {
    say!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

pub(crate) fn open(spec: &str) -> Result<Hub, Failure> {
    Ok(Hub::open(db::open(spec)?)?)
}
