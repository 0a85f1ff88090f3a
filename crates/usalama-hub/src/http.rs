//! The HTTP API (axum): sync, enrollment, the update endpoint ([`crate::updates`]), the SMS
//! gateway's webhook ([`crate::webhook`]) and the OpenAPI description on the public address; health and metrics on the administrator's
//! address ([`admin_router`]).
//!
//! Anyone who can reach the public address can make the hub read a body, and (until the device
//! is known) decompress it. So before a handler runs, [`Limits`] bound what one address, and
//! everyone together, may make the hub do: how many requests it works on at once, how often an
//! address may ask, how large a body may be and how slowly it may arrive.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Json, Router};
use http_body_util::BodyExt;
use serde_json::json;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use usalama_protocol::release::{CHUNK_PATH, OFFER_PATH};

use crate::error::{HubError, Refusal};
use crate::hub::{EnrollRequest, Hub};

/// The largest sync body accepted: a request frame inflates to at most
/// [`usalama_protocol::wire::MAX_FRAME`], and zstd never makes data much larger, so a bigger body
/// cannot be a request.
pub const MAX_BODY: usize = usalama_protocol::wire::MAX_FRAME + (64 << 10);
/// The largest enrollment body: a code, a key and a signature in JSON take about 300 bytes.
pub const MAX_ENROLL_BODY: usize = 4 << 10;

/// What anyone may make the hub do before it knows who is asking. The defaults suit a county
/// hub on one small machine; `usalama-hub serve` can change each (see docs/hub.md).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Sync and enrollment requests worked on at once, from everyone together. The database
    /// takes one writer at a time, so more would only wait there, holding their bodies.
    pub concurrent: usize,
    /// Requests that may wait for one of those places; beyond this they are refused at once.
    pub waiting: usize,
    /// How long a request waits for a place before it is refused.
    pub wait: Duration,
    /// Sync and enrollment requests one address may have in flight at once.
    pub per_address: usize,
    /// Requests an address may make in a burst, and per minute after it (a token bucket). Many
    /// devices may share one address behind a mobile operator's NAT: keep these generous.
    pub burst: u32,
    pub per_minute: u32,
    /// How many addresses the rate limiter remembers (the oldest idle ones are forgotten).
    pub addresses: usize,
    /// A body must arrive within this time, plus one second for every `min_rate` bytes.
    pub body_grace: Duration,
    pub min_rate: usize,
    /// The time a client has to send a request's headers (applied by `serve`, where the
    /// connections are made).
    pub header_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            // SQLite takes one writer at a time: a second place lets the next request be read
            // and decompressed while the first writes. Each place may hold a body and its
            // inflated frame (up to 16 MiB of buffers), which is what bounds memory.
            concurrent: 2,
            waiting: 64,
            wait: Duration::from_secs(10),
            per_address: 4,
            burst: 120,
            per_minute: 120,
            addresses: 10_000,
            body_grace: Duration::from_secs(30),
            // A 2G link carries about 5 KB/s; a body must keep a fifth of that pace.
            min_rate: 1024,
            header_timeout: Duration::from_secs(20),
        }
    }
}

/// The limiter's state, shared by every request.
#[derive(Debug)]
struct Gate {
    limits: Limits,
    places: Arc<Semaphore>,
    waiting: Semaphore,
    // A `std` mutex: nothing awaits while it is held.
    addresses: Mutex<HashMap<IpAddr, Bucket>>,
}

#[derive(Debug, Clone)]
struct Bucket {
    tokens: f64,
    at: Instant,
    in_flight: usize,
}

/// A request's place: while held, it counts against the hub's and its address's limits.
#[derive(Debug)]
struct Place {
    gate: Arc<Gate>,
    ip: IpAddr,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Place {
    fn drop(&mut self) {
        if let Ok(mut map) = self.gate.addresses.lock() {
            if let Some(b) = map.get_mut(&self.ip) {
                b.in_flight = b.in_flight.saturating_sub(1);
            }
        }
    }
}

impl Gate {
    fn new(limits: Limits) -> Gate {
        Gate {
            places: Arc::new(Semaphore::new(limits.concurrent.max(1))),
            waiting: Semaphore::new(limits.waiting),
            addresses: Mutex::new(HashMap::new()),
            limits,
        }
    }

    /// Takes a token from the address's bucket and counts it in flight, or says why not.
    fn admit(&self, ip: IpAddr) -> Result<(), HubError> {
        let l = &self.limits;
        let now = Instant::now();
        let mut map = self
            .addresses
            .lock()
            .map_err(|_| HubError::Internal("the rate limiter's lock was poisoned".into()))?;
        let burst = f64::from(l.burst.max(1));
        let refill = |b: &Bucket| {
            (b.tokens + now.duration_since(b.at).as_secs_f64() * f64::from(l.per_minute) / 60.0)
                .min(burst)
        };
        if !map.contains_key(&ip) && map.len() >= l.addresses {
            // Forget the addresses that are idle and whose bucket is full again: they are as
            // if never seen. If every remembered address is busy, refuse new ones until some
            // are done rather than grow without bound.
            map.retain(|_, b| b.in_flight > 0 || refill(b) < burst);
            if map.len() >= l.addresses {
                return Err(too_many(
                    Refusal::Busy,
                    "the hub is answering too many addresses at once; try again in a minute",
                ));
            }
        }
        let b = map.entry(ip).or_insert(Bucket {
            tokens: burst,
            at: now,
            in_flight: 0,
        });
        b.tokens = refill(b);
        b.at = now;
        if b.in_flight >= l.per_address {
            return Err(too_many(
                Refusal::Busy,
                format!(
                    "this address already has {} requests in progress; wait for them to finish",
                    b.in_flight
                ),
            ));
        }
        if b.tokens < 1.0 {
            let wait = ((1.0 - b.tokens) * 60.0 / f64::from(l.per_minute.max(1))).ceil();
            return Err(too_many(
                Refusal::RateLimited,
                format!(
                    "too many requests from this address; try again in {wait} seconds (at most \
                     {} a minute)",
                    l.per_minute
                ),
            ));
        }
        b.tokens -= 1.0;
        b.in_flight += 1;
        Ok(())
    }

    /// Waits (a bounded time, among a bounded number of others) for a place to work on a
    /// request from `ip`.
    async fn enter(self: &Arc<Gate>, ip: IpAddr) -> Result<Place, HubError> {
        self.admit(ip)?;
        // From here the address's count includes this request: `Place`'s drop undoes it, so
        // build a guard before anything can fail.
        let mut undo = Undo {
            gate: self.clone(),
            ip,
            armed: true,
        };
        let permit = match self.places.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                let _queued = self.waiting.try_acquire().map_err(|_| {
                    too_many(Refusal::Busy, "the hub is busy; try again in a minute")
                })?;
                tokio::time::timeout(self.limits.wait, self.places.clone().acquire_owned())
                    .await
                    .map_err(|_| too_many(Refusal::Busy, "the hub is busy; try again in a minute"))?
                    .map_err(|_| HubError::Internal("the request limiter was closed".into()))?
            }
        };
        undo.armed = false;
        Ok(Place {
            gate: self.clone(),
            ip,
            _permit: permit,
        })
    }
}

/// Gives back an address's in-flight count when a request is refused while waiting.
struct Undo {
    gate: Arc<Gate>,
    ip: IpAddr,
    armed: bool,
}

impl Drop for Undo {
    fn drop(&mut self) {
        if self.armed {
            if let Ok(mut map) = self.gate.addresses.lock() {
                if let Some(b) = map.get_mut(&self.ip) {
                    b.in_flight = b.in_flight.saturating_sub(1);
                }
            }
        }
    }
}

fn too_many(refusal: Refusal, message: impl Into<String>) -> HubError {
    HubError::refused(refusal, message)
}

/// The public API with the default [`Limits`].
pub fn router(hub: Arc<Hub>) -> Router {
    router_with(hub, Limits::default())
}

/// The public API: sync, enrollment and the OpenAPI description. Serve it with
/// `into_make_service_with_connect_info::<SocketAddr>()` so that limits apply per address
/// (without it, every request counts as coming from one address).
pub fn router_with(hub: Arc<Hub>, limits: Limits) -> Router {
    let shared = Shared {
        hub,
        gate: Arc::new(Gate::new(limits)),
    };
    let limited = routes(limited_routes())
        .route_layer(middleware::from_fn_with_state(shared.clone(), limit))
        .with_state(shared);
    routes(open_routes()).merge(limited)
}

/// Health and metrics, for the administrator's listener (`serve --admin-listen`, loopback by
/// default): they tell whoever reads them how busy the county is, so they are not public.
pub fn admin_router(hub: Arc<Hub>) -> Router {
    routes(admin_routes()).with_state(hub)
}

/// A route: its path, its method's name as OpenAPI writes it, and its handler. The routers are
/// built from these lists alone, so that [`served`] names every route they serve.
type Route<S> = (&'static str, &'static str, MethodRouter<S>);

fn limited_routes() -> Vec<Route<Shared>> {
    vec![
        ("/v1/sync", "post", post(sync)),
        ("/v1/enroll", "post", post(enroll)),
        (OFFER_PATH, "post", post(crate::updates::offer)),
        (CHUNK_PATH, "post", post(crate::updates::chunk)),
        ("/sms/inbound", "post", post(crate::webhook::inbound)),
    ]
}

fn open_routes() -> Vec<Route<()>> {
    vec![("/openapi.json", "get", get(openapi))]
}

fn admin_routes() -> Vec<Route<Arc<Hub>>> {
    vec![
        ("/health", "get", get(health)),
        ("/metrics", "get", get(metrics)),
    ]
}

fn routes<S: Clone + Send + Sync + 'static>(list: Vec<Route<S>>) -> Router<S> {
    list.into_iter()
        .fold(Router::new(), |r, (path, _, method)| r.route(path, method))
}

/// Every route the public and the administrator's routers serve, as (path, method).
pub fn served() -> Vec<(&'static str, &'static str)> {
    let mut all: Vec<_> = limited_routes()
        .into_iter()
        .map(|(p, m, _)| (p, m))
        .collect();
    all.extend(open_routes().into_iter().map(|(p, m, _)| (p, m)));
    all.extend(admin_routes().into_iter().map(|(p, m, _)| (p, m)));
    all
}

#[derive(Debug, Clone)]
pub(crate) struct Shared {
    pub(crate) hub: Arc<Hub>,
    gate: Arc<Gate>,
}

/// Admits a request to sync or enrollment, or refuses it before its body is read.
async fn limit(State(shared): State<Shared>, request: Request, next: Next) -> Response {
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    match shared.gate.enter(ip).await {
        Ok(place) => {
            let response = next.run(request).await;
            drop(place);
            response
        }
        Err(e) => {
            shared.hub.metrics.refused(e.code());
            tracing::warn!(code = e.code(), %ip, "request refused by the limits");
            let mut response = e.into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
            response
        }
    }
}

/// Reads a body of at most `max` bytes, at the pace the limits ask; refuses it (413, 408)
/// otherwise, without reading the rest.
async fn read_body(body: Body, max: usize, limits: &Limits) -> Result<Bytes, HubError> {
    let too_large = || {
        HubError::refused(
            Refusal::TooLarge,
            format!("the request body is larger than the {max} bytes allowed here"),
        )
    };
    let started = Instant::now();
    let mut body = body;
    let mut out: Vec<u8> = Vec::new();
    loop {
        let allowed =
            limits.body_grace + Duration::from_secs((out.len() / limits.min_rate.max(1)) as u64);
        let left = allowed.saturating_sub(started.elapsed());
        let frame = match tokio::time::timeout(left, body.frame()).await {
            Err(_) => {
                return Err(HubError::refused(
                    Refusal::TooSlow,
                    format!(
                        "the request body arrived too slowly ({} bytes in {} seconds); try again \
                         on a better connection",
                        out.len(),
                        started.elapsed().as_secs()
                    ),
                ))
            }
            Ok(None) => break,
            Ok(Some(Err(e))) => {
                return Err(HubError::refused(
                    Refusal::Malformed,
                    format!("the request body could not be read: {e}"),
                ))
            }
            Ok(Some(Ok(frame))) => frame,
        };
        if let Ok(data) = frame.into_data() {
            if out.len() + data.len() > max {
                return Err(too_large());
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(Bytes::from(out))
}

/// Refuses at once a body whose declared length is over `max`.
fn declared_length(request: &Request, max: usize) -> Result<(), HubError> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(n) if n > max as u64 => Err(HubError::refused(
            Refusal::TooLarge,
            format!("the request body ({n} bytes) is larger than the {max} bytes allowed here"),
        )),
        _ => Ok(()),
    }
}

/// Runs blocking database work off the async threads, and counts refusals.
pub(crate) async fn blocking<T: Send + 'static>(
    hub: &Arc<Hub>,
    work: impl FnOnce(&Hub) -> Result<T, HubError> + Send + 'static,
) -> Result<T, HubError> {
    let hub2 = hub.clone();
    let result = tokio::task::spawn_blocking(move || work(&hub2))
        .await
        .map_err(|e| HubError::Internal(format!("a worker failed: {e}")))?;
    if let Err(e) = &result {
        refused(hub, e);
    }
    result
}

pub(crate) fn refused(hub: &Hub, e: &HubError) {
    hub.metrics.refused(e.code());
    if e.status().is_client_error() {
        tracing::warn!(
            code = e.code(),
            status = e.status().as_u16(),
            "request refused"
        );
    }
}

/// Reads a request's body under the limits, counting a refusal.
pub(crate) async fn body_of(
    shared: &Shared,
    request: Request,
    max: usize,
) -> Result<Bytes, HubError> {
    let read = async {
        declared_length(&request, max)?;
        read_body(request.into_body(), max, &shared.gate.limits).await
    };
    read.await.inspect_err(|e| refused(&shared.hub, e))
}

/// One sync exchange: the device's unacknowledged entries and pull cursor in, the
/// acknowledgement and what the device may see out. Its refusals: [`crate::openapi`].
#[utoipa::path(
    post,
    path = "/v1/sync",
    tag = "public",
    request_body(
        description = "A zstd-compressed sync request frame, signed by the device (docs/sync.md).",
        content_type = "application/octet-stream",
    ),
    responses((
        status = 200,
        description = "The sync response frame (zstd).",
        content_type = "application/octet-stream",
    )),
)]
pub(crate) async fn sync(
    State(shared): State<Shared>,
    request: Request,
) -> Result<Response, HubError> {
    let body = body_of(&shared, request, MAX_BODY).await?;
    let answer = blocking(&shared.hub, move |h| h.sync(&body)).await?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], answer).into_response())
}

/// Redeems a one-time enrollment code for a device's public key.
#[utoipa::path(
    post,
    path = "/v1/enroll",
    tag = "public",
    request_body = crate::openapi::EnrollRequestDoc,
    responses((
        status = 200,
        description = "Enrolled: who the device belongs to. A device enrolled from a cleared or \
                       administrator's invite is recorded but may sync only after \
                       `usalama-hub devices approve`.",
        body = crate::openapi::EnrolledDoc,
    )),
)]
pub(crate) async fn enroll(
    State(shared): State<Shared>,
    request: Request,
) -> Result<Response, HubError> {
    let body = body_of(&shared, request, MAX_ENROLL_BODY).await?;
    let request: EnrollRequest = serde_json::from_slice(&body)
        .map_err(|e| HubError::refused(Refusal::Malformed, format!("enrollment request: {e}")))?;
    let enrolled = blocking(&shared.hub, move |h| h.enroll(&request)).await?;
    shared.hub.metrics.enrolled();
    Ok(Json(enrolled).into_response())
}

/// Liveness and the database's state (on the administrator's address).
#[utoipa::path(
    get,
    path = "/health",
    tag = "administrator",
    responses(
        (status = 200, description = "Serving.", body = crate::openapi::HealthDoc),
        (status = 503, description = "The database is unavailable."),
    ),
)]
pub(crate) async fn health(State(hub): State<Arc<Hub>>) -> Response {
    let backend = hub.db().backend();
    match blocking(&hub, |h| h.entry_counts()).await {
        Ok((entries, refused)) => Json(json!({
            "status": "ok",
            "protocol": usalama_protocol::wire::PROTOCOL,
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

/// Metrics (on the administrator's address): syncs, entries stored and sent, entries refused,
/// enrollments, requests refused by reason.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "administrator",
    responses((
        status = 200,
        description = "The OpenMetrics text format, which Prometheus reads.",
        content_type = "application/openmetrics-text",
    )),
)]
pub(crate) async fn metrics(State(hub): State<Arc<Hub>>) -> Response {
    (
        [(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)],
        hub.metrics.render(),
    )
        .into_response()
}

/// This description.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "public",
    responses((status = 200, description = "OpenAPI 3.1.", content_type = "application/json")),
)]
pub(crate) async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::openapi::description(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(limits: Limits) -> Arc<Gate> {
        Arc::new(Gate::new(limits))
    }

    #[tokio::test]
    async fn an_address_past_its_burst_is_refused_until_its_bucket_refills() {
        let g = gate(Limits {
            burst: 3,
            per_minute: 60,
            ..Limits::default()
        });
        let ip = IpAddr::from([10, 0, 0, 1]);
        for _ in 0..3 {
            drop(g.enter(ip).await.expect("within the burst"));
        }
        let refused = g.enter(ip).await.expect_err("past the burst");
        assert_eq!(
            (refused.status(), refused.code()),
            (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
        );
        // Another address has its own bucket.
        drop(g.enter(IpAddr::from([10, 0, 0, 2])).await.expect("other"));
    }

    #[tokio::test]
    async fn an_address_may_have_only_so_many_requests_in_flight() {
        let g = gate(Limits {
            per_address: 2,
            ..Limits::default()
        });
        let ip = IpAddr::from([10, 0, 0, 1]);
        let a = g.enter(ip).await.expect("first");
        let _b = g.enter(ip).await.expect("second");
        assert_eq!(g.enter(ip).await.expect_err("third").code(), "busy");
        drop(a);
        let _c = g.enter(ip).await.expect("a place was freed");
    }

    #[tokio::test]
    async fn requests_wait_a_bounded_time_for_a_place_then_are_refused() {
        let g = gate(Limits {
            concurrent: 1,
            waiting: 1,
            wait: Duration::from_millis(100),
            ..Limits::default()
        });
        let held = g.enter(IpAddr::from([10, 0, 0, 1])).await.expect("first");
        let refused = g
            .enter(IpAddr::from([10, 0, 0, 2]))
            .await
            .expect_err("no place within the wait");
        assert_eq!(refused.code(), "busy");
        // The refused request gave back its address's count.
        let in_flight = g.addresses.lock().expect("lock")[&IpAddr::from([10, 0, 0, 2])].in_flight;
        assert_eq!(in_flight, 0);
        drop(held);
        drop(
            g.enter(IpAddr::from([10, 0, 0, 2]))
                .await
                .expect("free again"),
        );
    }

    #[tokio::test]
    async fn the_limiter_remembers_a_bounded_number_of_addresses() {
        let g = gate(Limits {
            addresses: 2,
            ..Limits::default()
        });
        let a = g.enter(IpAddr::from([10, 0, 0, 1])).await.expect("a");
        let b = g.enter(IpAddr::from([10, 0, 0, 2])).await.expect("b");
        // Both busy: a third address is refused rather than remembered.
        assert_eq!(
            g.enter(IpAddr::from([10, 0, 0, 3]))
                .await
                .expect_err("full")
                .code(),
            "busy"
        );
        drop((a, b));
        // Idle but with spent tokens: still remembered, so still full.
        // Once their buckets are full again they are forgotten.
        {
            let mut map = g.addresses.lock().expect("lock");
            for b in map.values_mut() {
                b.tokens = f64::from(g.limits.burst);
            }
        }
        drop(g.enter(IpAddr::from([10, 0, 0, 3])).await.expect("room"));
        assert!(g.addresses.lock().expect("lock").len() <= 2);
    }
}
