//! The HTTP API (axum): sync, enrollment, health, metrics and the OpenAPI description.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use crate::error::HubError;
use crate::hub::{EnrollRequest, Hub};

/// The largest request body accepted: a chunk is a few hundred KB; a bundle relayed by a device
/// may be larger.
pub const MAX_BODY: usize = 16 << 20;
const OPENAPI: &str = include_str!("../openapi.json");

pub fn router(hub: Arc<Hub>) -> Router {
    Router::new()
        .route("/v1/sync", post(sync))
        .route("/v1/enroll", post(enroll))
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(hub)
}

/// Runs blocking database work off the async threads, and counts refusals.
async fn blocking<T: Send + 'static>(
    hub: &Arc<Hub>,
    work: impl FnOnce(&Hub) -> Result<T, HubError> + Send + 'static,
) -> Result<T, HubError> {
    let hub2 = hub.clone();
    let result = tokio::task::spawn_blocking(move || work(&hub2))
        .await
        .map_err(|e| HubError::Internal(format!("a worker failed: {e}")))?;
    if let Err(e) = &result {
        hub.metrics.refused(e.code());
        if e.status().is_client_error() {
            tracing::warn!(
                code = e.code(),
                status = e.status().as_u16(),
                "request refused"
            );
        }
    }
    result
}

async fn sync(State(hub): State<Arc<Hub>>, body: Bytes) -> Result<Response, HubError> {
    let answer = blocking(&hub, move |h| h.sync(&body)).await?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], answer).into_response())
}

async fn enroll(State(hub): State<Arc<Hub>>, body: Bytes) -> Result<Response, HubError> {
    let request: EnrollRequest = serde_json::from_slice(&body)
        .map_err(|e| HubError::bad_request("malformed", format!("enrollment request: {e}")))?;
    let enrolled = blocking(&hub, move |h| h.enroll(&request)).await?;
    hub.metrics.enrolled();
    Ok(Json(enrolled).into_response())
}

async fn health(State(hub): State<Arc<Hub>>) -> Response {
    let backend = hub.db().backend();
    match blocking(&hub, |h| h.entry_counts()).await {
        Ok((entries, refused)) => Json(json!({
            "status": "ok",
            "protocol": usalama_core::wire::PROTOCOL,
            "version": env!("CARGO_PKG_VERSION"),
            "database": backend,
            "entries": entries,
            "refused_entries": refused,
        }))
        .into_response(),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "database unavailable"})),
        )
            .into_response(),
    }
}

async fn metrics(State(hub): State<Arc<Hub>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        hub.metrics.render(),
    )
        .into_response()
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}
