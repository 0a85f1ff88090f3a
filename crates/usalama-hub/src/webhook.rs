//! The webhook of an Android SMS-gateway phone: `POST /sms/inbound`, the second source of flash
//! alerts beside gammu-smsd's inbox folder ([`crate::gammu`]), for counties whose SMS arrive on
//! a phone rather than a dongle. Each message the phone receives comes as signed JSON and goes
//! into the same [`Hub::take_sms`], stored once with its outcome.
//!
//! **Only the county's phone is heard.** The phone and the hub share a secret
//! (`serve --sms-webhook-secret-file FILE`); without one the route answers 404, like any path
//! the hub does not serve. A request carries `X-Usalama-Timestamp` (Unix seconds) and
//! `X-Usalama-Signature: sha256=<hex>`, the HMAC-SHA256 under the secret of
//! `"<timestamp>.<body>"`. One whose signature does not verify (compared in constant time), or
//! whose timestamp is more than [`SKEW`] from the hub's clock (a recorded request sent again
//! later), is answered 401 and not stored: it is not the county's phone speaking, so it is
//! counted and logged, not kept for the administrator. The body is bounded ([`MAX_BODY`])
//! before it is read, and parsed only once its signature verifies.
//!
//! **Once, however often the phone retries.** A message is stored under the source
//! `webhook:<the gateway's id>#<digest>`, the digest keyed by the hub's key over the id, the
//! sender, the text and the time received: the same message posted again finds its source and
//! is not stored twice, while a gateway that reuses an id (reinstalled, its counter reset) for
//! another message does not lose it.
//!
//! # Layout
//!
//! - [`Secret`]: the shared secret, read from its file;
//! - [`signature`] and `verify`: the signature and the clock, before anything is parsed;
//! - `inbound`: the route, from the body to `Hub::take_sms` and the answer.

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::error::{HubError, Refusal, Result};
use crate::http::{blocking, body_of, refused, Shared};
use crate::hub::{hmac_sha256, Incoming, Taken};
use crate::Hub;

/// The largest body accepted: a message of a few SMS parts and its fields take well under 1 KB.
pub const MAX_BODY: usize = 4 << 10;
/// How far, in seconds, a request's timestamp may be from the hub's clock.
pub const SKEW: i64 = 300;
/// The header with the request's time, Unix seconds.
pub const TIMESTAMP: &str = "x-usalama-timestamp";
/// The header with `sha256=<hex>`.
pub const SIGNATURE: &str = "x-usalama-signature";
/// The fewest characters a secret may have: 32 hex digits are 128 bits.
pub const MIN_SECRET: usize = 32;
/// The longest gateway id kept in a source.
const MAX_ID: usize = 64;
/// The longest sender accepted (a number, or an operator's name).
const MAX_FROM: usize = 32;

/// The secret the gateway phone and the hub share: the key of the HMAC is its text's bytes.
#[derive(Clone)]
pub struct Secret(Zeroizing<Vec<u8>>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl Secret {
    /// The secret a file holds: its text without the surrounding white space, at least
    /// [`MIN_SECRET`] characters.
    pub fn parse(text: &str) -> Result<Secret> {
        let text = text.trim();
        if text.chars().count() < MIN_SECRET {
            return Err(HubError::refused(
                Refusal::Invalid,
                format!(
                    "the webhook secret has {} characters; give at least {MIN_SECRET} (e.g. \
                     `openssl rand -hex 32`)",
                    text.chars().count()
                ),
            ));
        }
        Ok(Secret(Zeroizing::new(text.as_bytes().to_vec())))
    }

    /// Reads the secret from `path`.
    pub fn read(path: &std::path::Path) -> Result<Secret> {
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
            HubError::refused(
                Refusal::Invalid,
                format!("cannot read the webhook secret {}: {e}", path.display()),
            )
        })?);
        Secret::parse(&text)
    }
}

impl Hub {
    /// Turns the gateway's webhook on with `secret`, or off with none.
    pub fn set_webhook_secret(&mut self, secret: Option<Secret>) {
        self.webhook_secret = secret;
    }
}

/// `sha256=<hex>`: the signature of `body` sent at `timestamp` under `secret`.
pub fn signature(secret: &Secret, timestamp: &str, body: &[u8]) -> String {
    format!("sha256={}", hex::encode(mac(secret, timestamp, body)))
}

fn mac(secret: &Secret, timestamp: &str, body: &[u8]) -> [u8; 32] {
    let mut signed = Vec::with_capacity(timestamp.len() + 1 + body.len());
    signed.extend_from_slice(timestamp.as_bytes());
    signed.push(b'.');
    signed.extend_from_slice(body);
    hmac_sha256(&secret.0, &signed)
}

/// Checks the request's signature, then its time against the hub's clock (`now`, Unix
/// seconds); each refusal says what to fix on the phone.
fn verify(secret: &Secret, headers: &HeaderMap, body: &[u8], now: i64) -> Result<()> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .ok_or_else(|| unverified(format!("the {name} header is missing or unreadable")))
    };
    let timestamp = header(TIMESTAMP)?;
    let at: i64 = timestamp
        .parse()
        .ok()
        .filter(|_| timestamp.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| unverified(format!("{TIMESTAMP}: Unix seconds (got {timestamp:?})")))?;
    let given = header(SIGNATURE)?;
    let mut claimed = [0u8; 32];
    given
        .strip_prefix("sha256=")
        .and_then(|h| hex::decode_to_slice(h, &mut claimed).ok())
        .ok_or_else(|| unverified(format!("{SIGNATURE}: sha256= and 64 hex digits")))?;
    let expected = mac(secret, timestamp, body);
    // Constant time: how many leading bytes match must not show in how long the answer takes.
    let differ = expected
        .iter()
        .zip(claimed.iter())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if differ != 0 {
        return Err(unverified(
            "the signature does not verify: the gateway's secret is not this hub's, or the body \
             was changed on the way",
        ));
    }
    if (now - at).abs() > SKEW {
        return Err(unverified(format!(
            "the request's timestamp is {} seconds from the hub's clock (at most {SKEW}): set \
             the phone's clock, or this is an old request sent again",
            now - at
        )));
    }
    Ok(())
}

fn unverified(message: impl Into<String>) -> HubError {
    HubError::refused(Refusal::Unauthenticated, message)
}

/// A message as the gateway posts it.
#[derive(Debug, Deserialize)]
pub struct Inbound {
    /// The gateway's id for the message: the same on every retry.
    pub id: String,
    /// The sender's number.
    pub from: String,
    pub text: String,
    /// When the phone received it, RFC 3339.
    pub received_at: String,
}

impl Inbound {
    /// The message in a verified body, and when it was received (Unix ms).
    fn parse(body: &[u8]) -> Result<(Inbound, i64)> {
        let malformed = |m: String| HubError::refused(Refusal::Malformed, m);
        let message: Inbound = serde_json::from_slice(body)
            .map_err(|e| malformed(format!("the message is not the webhook's JSON: {e}")))?;
        let id_ok = (1..=MAX_ID).contains(&message.id.len())
            && message.id.bytes().all(|b| b.is_ascii_graphic());
        if !id_ok {
            return Err(malformed(format!(
                "id: 1 to {MAX_ID} letters, digits or signs, without spaces"
            )));
        }
        let from_ok = (1..=MAX_FROM).contains(&message.from.chars().count())
            && !message.from.chars().any(char::is_control);
        if !from_ok {
            return Err(malformed(format!("from: 1 to {MAX_FROM} characters")));
        }
        let received = OffsetDateTime::parse(&message.received_at, &Rfc3339).map_err(|_| {
            malformed(format!(
                "received_at: an RFC 3339 time such as 2026-11-20T09:01:04+03:00 (got {:?})",
                message.received_at
            ))
        })?;
        let ms = i64::try_from(received.unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
        Ok((message, ms))
    }
}

/// Takes one SMS the gateway phone received. Its refusals: [`crate::openapi`].
#[utoipa::path(
    post,
    path = "/sms/inbound",
    tag = "public",
    description = "An SMS the county's Android gateway phone received (docs/sms.md, \"The \
gateway's webhook\"). Served only when the hub was started with a webhook secret (serve \
--sms-webhook-secret-file); otherwise 404, as for any path the hub does not serve. A request \
whose signature or timestamp does not verify is answered 401 `unauthenticated` and not stored.",
    params(
        ("X-Usalama-Timestamp" = String, Header, description = "When the request was signed, \
Unix seconds; at most 300 seconds from the hub's clock."),
        ("X-Usalama-Signature" = String, Header, description = "sha256= and the hex \
HMAC-SHA256, under the shared secret, of the timestamp, a full stop and the body."),
    ),
    request_body = crate::openapi::InboundSmsDoc,
    responses((
        status = 200,
        description = "Stored with its outcome (`accepted` or `refused` with the SMS refusal's \
code), or `stored_before`: the same message was stored earlier; do not send it again.",
        body = crate::openapi::TakenSmsDoc,
    )),
)]
pub(crate) async fn inbound(
    State(shared): State<Shared>,
    request: Request,
) -> std::result::Result<Response, HubError> {
    let Some(secret) = shared.hub.webhook_secret.clone() else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    let headers = request.headers().clone();
    let body: Bytes = body_of(&shared, request, MAX_BODY).await?;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    if let Err(e) = verify(&secret, &headers, &body, now) {
        refused(&shared.hub, &e);
        shared.hub.metrics.webhook_unverified();
        tracing::warn!(reason = %e, "an SMS webhook request that is not the gateway's; not stored");
        return Err(e);
    }
    let (message, received_at) = Inbound::parse(&body).inspect_err(|e| refused(&shared.hub, e))?;
    let taken = blocking(&shared.hub, move |hub| take(hub, &message, received_at)).await?;
    let answer = match taken {
        Taken::Accepted { id, .. } => json!({"status": "accepted", "code": null, "message": id}),
        Taken::Refused { id, code } => json!({"status": "refused", "code": code, "message": id}),
        Taken::AlreadyStored => json!({"status": "stored_before", "code": null}),
    };
    Ok(Json(answer).into_response())
}

/// Stores a verified message under its source.
fn take(hub: &Hub, message: &Inbound, received_at: i64) -> Result<Taken> {
    let digest = hub.sms_digest(&[
        b"webhook",
        message.id.as_bytes(),
        message.from.as_bytes(),
        message.text.as_bytes(),
        message.received_at.as_bytes(),
    ]);
    let source = format!("webhook:{}#{digest}", message.id);
    let taken = hub.take_sms(&Incoming {
        source: &source,
        sender: &message.from,
        text: &message.text,
        // A phone's clock ahead of the hub's must not move an alert's arrival into the future.
        received_at: received_at.min(crate::now_ms()),
    })?;
    let gateway_id = message.id.as_str();
    match &taken {
        Taken::Accepted {
            id,
            device,
            counter,
        } => tracing::info!(sms = id, %device, counter, gateway_id, "SMS alert accepted"),
        Taken::Refused { id, code } => tracing::warn!(sms = id, code, gateway_id, "SMS refused"),
        Taken::AlreadyStored => tracing::info!(gateway_id, "SMS stored before; posted again"),
    }
    Ok(taken)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of docs/sms.md.
    const SECRET: &str = "6f1c0b6c2d3e4f5a69788796a5b4c3d2";
    const TIMESTAMP_EXAMPLE: &str = "1795154430";
    const BODY: &str = r#"{"id":"4711","from":"+254700000001","text":"U1 hello","received_at":"2026-11-20T09:00:00+03:00"}"#;
    const SIGNED: &str = "sha256=792ab0bf476680859de525c8e3ee54633f0c7d05fad0d891ba80a528bb9b206a";

    fn secret() -> Secret {
        Secret::parse(SECRET).expect("secret")
    }

    fn headers(timestamp: &str, signature: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(TIMESTAMP, timestamp.parse().expect("header"));
        h.insert(SIGNATURE, signature.parse().expect("header"));
        h
    }

    #[test]
    fn the_worked_example_of_the_documentation_signs_as_it_says() {
        assert_eq!(
            signature(&secret(), TIMESTAMP_EXAMPLE, BODY.as_bytes()),
            SIGNED
        );
        let at: i64 = TIMESTAMP_EXAMPLE.parse().expect("seconds");
        verify(
            &secret(),
            &headers(TIMESTAMP_EXAMPLE, SIGNED),
            BODY.as_bytes(),
            at,
        )
        .expect("verifies");
    }

    #[test]
    fn a_changed_body_a_wrong_secret_or_an_old_time_does_not_verify() {
        let at: i64 = TIMESTAMP_EXAMPLE.parse().expect("seconds");
        let h = headers(TIMESTAMP_EXAMPLE, SIGNED);
        let changed = BODY.replace("4711", "4712");
        for (secret, body, now) in [
            (secret(), changed.as_bytes(), at),
            (
                Secret::parse(&SECRET.replace('6', "7")).expect("secret"),
                BODY.as_bytes(),
                at,
            ),
            (secret(), BODY.as_bytes(), at + SKEW + 1),
            (secret(), BODY.as_bytes(), at - SKEW - 1),
        ] {
            let e = verify(&secret, &h, body, now).expect_err("refused");
            assert_eq!(e.code(), "unauthenticated");
        }
        verify(&secret(), &h, BODY.as_bytes(), at + SKEW).expect("within the skew");
    }

    #[test]
    fn a_missing_or_misshapen_header_is_named() {
        let at: i64 = TIMESTAMP_EXAMPLE.parse().expect("seconds");
        let mut h = headers(TIMESTAMP_EXAMPLE, SIGNED);
        h.remove(SIGNATURE);
        let e = verify(&secret(), &h, BODY.as_bytes(), at).expect_err("refused");
        assert!(e.to_string().contains(SIGNATURE), "{e}");
        let h = headers("-5", SIGNED);
        let e = verify(&secret(), &h, BODY.as_bytes(), at).expect_err("refused");
        assert!(e.to_string().contains(TIMESTAMP), "{e}");
        let h = headers(TIMESTAMP_EXAMPLE, "md5=00");
        let e = verify(&secret(), &h, BODY.as_bytes(), at).expect_err("refused");
        assert!(e.to_string().contains("64 hex digits"), "{e}");
    }

    #[test]
    fn a_short_secret_is_refused() {
        assert!(Secret::parse("  too-short  ").is_err());
        assert!(Secret::parse(&format!("{SECRET}\n")).is_ok());
    }

    #[test]
    fn a_message_needs_its_four_fields_in_their_shapes() {
        let (m, at) = Inbound::parse(BODY.as_bytes()).expect("parsed");
        assert_eq!((m.id.as_str(), at), ("4711", 1_795_154_400_000));
        for bad in [
            r#"{"id":"4711","from":"+2547","text":"x"}"#,
            r#"{"id":"has space","from":"+2547","text":"x","received_at":"2026-11-20T09:00:00Z"}"#,
            r#"{"id":"1","from":"","text":"x","received_at":"2026-11-20T09:00:00Z"}"#,
            r#"{"id":"1","from":"+2547","text":"x","received_at":"yesterday"}"#,
            "not json",
        ] {
            let e = Inbound::parse(bad.as_bytes()).expect_err(bad);
            assert_eq!(e.code(), "malformed", "{bad}");
        }
    }
}
