//! The hub's one error type: what went wrong, as an HTTP status and a machine-readable code.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// The request is not what the protocol allows; nothing was stored.
    #[error("{message}")]
    Rejected {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
    #[error("database: {0}")]
    Database(String),
    #[error("{0}")]
    Internal(String),
}

impl HubError {
    pub fn rejected(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        HubError::Rejected {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        HubError::rejected(StatusCode::BAD_REQUEST, code, message)
    }

    /// The machine-readable reason, also the label of the refusal metric.
    pub fn code(&self) -> &'static str {
        match self {
            HubError::Rejected { code, .. } => code,
            HubError::Database(_) | HubError::Internal(_) => "internal",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            HubError::Rejected { status, .. } => *status,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
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

impl From<usalama_core::Error> for HubError {
    fn from(e: usalama_core::Error) -> Self {
        match e {
            usalama_core::Error::Malformed(m) => HubError::bad_request("malformed", m),
            usalama_core::Error::Unsupported(m) => {
                HubError::rejected(StatusCode::UPGRADE_REQUIRED, "protocol", m)
            }
            usalama_core::Error::Invalid(p) => HubError::bad_request("invalid", p.to_string()),
            other => HubError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for HubError {
    fn into_response(self) -> Response {
        let status = self.status();
        // An internal failure gets an opaque answer; its cause goes to the log.
        let message = match &self {
            HubError::Rejected { message, .. } => message.clone(),
            other => {
                tracing::error!(error = %other, "internal error");
                "the hub had an internal problem; try again later".to_owned()
            }
        };
        let body = serde_json::json!({"error": {"code": self.code(), "message": message}});
        (status, axum::Json(body)).into_response()
    }
}

pub type Result<T, E = HubError> = std::result::Result<T, E>;
