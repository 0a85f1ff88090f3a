//! The Usalama county hub: keeps every device's entries, the gazetteer and the enrolled devices,
//! and serves each device what it may see.
//!
//! # Layout
//!
//! - [`hub`]: the rules: enrollment, the sync exchange (verify, store idempotently, refuse forks,
//!   keep refused entries without effect), visibility, and the reference data the hub records in
//!   its own signed chain.
//! - [`budget`]: the daily byte budget of each device.
//! - [`db`]: the storage trait and its SQLite and PostgreSQL backends.
//! - [`http`]: the HTTP API (axum), and the limits that apply before a device is known.
//! - [`serve`]: serving as in production (TLS, limits, the health listener), for the
//!   `serve` command and the tests alike.
//! - [`tls`]: the hub's own self-signed certificate, when no other is given.
//! - [`metrics`]: Prometheus counters.
//! - [`error`]: the one error type, as HTTP statuses and machine-readable codes.

pub mod budget;
pub mod db;
pub mod error;
pub mod http;
pub mod hub;
pub mod metrics;
pub mod serve;
pub mod tls;

pub use error::{HubError, Result};
pub use hub::Hub;

pub(crate) fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}
