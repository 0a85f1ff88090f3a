//! Why a command failed, and the exit status that tells a script what kind of failure it was.

use usalama_core::Error;

/// A failure, with the exit status that tells a script what kind it was.
#[derive(Debug)]
pub struct Failure {
    pub status: u8,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            status: 2,
            message: message.into(),
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let status = match &e {
            Error::Invalid(_)
            | Error::Locked(_)
            | Error::NotInitialized(_)
            | Error::AlreadyInitialized(_)
            | Error::NotFound(_)
            | Error::NotAllowed(_)
            | Error::NotEnrolled
            | Error::AlreadyEnrolled(_) => 2,
            Error::Integrity(_) | Error::Malformed(_) => 3,
            Error::Unreachable(_) | Error::Refused(_) => 4,
            Error::Unsupported(_) | Error::Render(_) | Error::Database(_) | Error::Io { .. } => 1,
        };
        Failure {
            status,
            message: e.to_string(),
        }
    }
}

impl From<usalama_core::protocol::Error> for Failure {
    /// The shared checks' errors, as the device's error of the same kind.
    fn from(e: usalama_core::protocol::Error) -> Self {
        Failure::from(Error::from(e))
    }
}
