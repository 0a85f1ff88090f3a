//! The update endpoint: `POST /v1/release/offer` and `/v1/release/chunk`, JSON signed with the
//! device's key and nothing of the sync protocol, so that a device whose sync is refused as too
//! old still updates. The bodies are bounded before they are read; the hub checks the
//! signature, the device's standing and the range (`Hub::release_offer`, `Hub::release_chunk`).

use axum::extract::{Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use usalama_protocol::release::fetch::MAX_REQUEST;

use crate::error::HubError;
use crate::http::{blocking, body_of, Shared};

/// What a device may update to: its signed update state in (recorded if it changed), the
/// county's update budget and the newest release above what it runs out. Nothing of the sync
/// protocol: a device whose sync is refused as outdated still reaches it.
#[utoipa::path(
    post,
    path = "/v1/release/offer",
    tag = "public",
    request_body = crate::openapi::SignedUpdateStateDoc,
    responses((
        status = 200,
        description = "The county's update budget, and the newest release for the device's \
                       machine above what it runs (null if none), with a delta from exactly \
                       that version if the hub keeps one.",
        body = crate::openapi::UpdateAnswerDoc,
    )),
)]
pub(crate) async fn offer(
    State(shared): State<Shared>,
    request: Request,
) -> Result<Response, HubError> {
    let body = body_of(&shared, request, MAX_REQUEST).await?;
    let answer = blocking(&shared.hub, move |h| h.release_offer(&body)).await?;
    Ok(Json(answer).into_response())
}

/// Bytes of an offered package, or of its delta from the version the device runs.
#[utoipa::path(
    post,
    path = "/v1/release/chunk",
    tag = "public",
    request_body = crate::openapi::SignedChunkRequestDoc,
    responses((
        status = 200,
        description = "The bytes from `offset`: `length` of them, at most 262144 and never \
                       beyond the end.",
        content_type = "application/octet-stream",
    )),
)]
pub(crate) async fn chunk(
    State(shared): State<Shared>,
    request: Request,
) -> Result<Response, HubError> {
    let body = body_of(&shared, request, MAX_REQUEST).await?;
    let bytes = blocking(&shared.hub, move |h| h.release_chunk(&body)).await?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response())
}
