//! The hub's one error type: what went wrong, as an HTTP status and a machine-readable code.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
pub use usalama_protocol::refusal::{ErrorBody, Refusal};

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// The request is not what the protocol allows; nothing was stored.
    #[error("{message}")]
    Refused { refusal: Refusal, message: String },
    #[error("database: {0}")]
    Database(String),
    #[error("{0}")]
    Internal(String),
}

impl HubError {
    pub fn refused(refusal: Refusal, message: impl Into<String>) -> Self {
        HubError::Refused {
            refusal,
            message: message.into(),
        }
    }

    /// Why, as the shared list of refusals has it (an internal failure is [`Refusal::Internal`]).
    pub fn refusal(&self) -> Refusal {
        match self {
            HubError::Refused { refusal, .. } => *refusal,
            HubError::Database(_) | HubError::Internal(_) => Refusal::Internal,
        }
    }

    /// The machine-readable reason, also the label of the refusal metric.
    pub fn code(&self) -> &'static str {
        self.refusal().code()
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.refusal().status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<rusqlite::Error> for HubError {
    fn from(e: rusqlite::Error) -> Self {
        HubError::Database(e.to_string())
    }
}

impl From<postgres::Error> for HubError {
    fn from(e: postgres::Error) -> Self {
        HubError::Database(e.to_string())
    }
}

impl From<usalama_protocol::Error> for HubError {
    fn from(e: usalama_protocol::Error) -> Self {
        match e {
            usalama_protocol::Error::Malformed(m) => HubError::refused(Refusal::Malformed, m),
            usalama_protocol::Error::Unsupported(m) => HubError::refused(Refusal::Protocol, m),
            usalama_protocol::Error::Invalid(p) => {
                HubError::refused(Refusal::Invalid, p.to_string())
            }
            other => HubError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for HubError {
    fn into_response(self) -> Response {
        let status = self.status();
        // An internal failure gets an opaque answer; its cause goes to the log.
        let message = match &self {
            HubError::Refused { message, .. } => message.clone(),
            other => {
                tracing::error!(error = %other, "internal error");
                "the hub had an internal problem; try again later".to_owned()
            }
        };
        (status, axum::Json(ErrorBody::new(self.refusal(), message))).into_response()
    }
}

pub type Result<T, E = HubError> = std::result::Result<T, E>;
