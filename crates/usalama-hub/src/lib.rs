//! The Usalama county hub: keeps every device's entries, the gazetteer and the enrolled devices,
//! and serves each device what it may see.
//!
//! # Layout
//!
//! - [`hub`]: the rules, over any database; the [`Hub`] itself (its key, its own signed chain,
//!   where it records reference data), with a child module per job:
//!   - `hub::enrollment`: invite codes, their redemption, approval and announcement of devices;
//!   - `hub::devices`: the register of enrolled devices: listing, finding, revoking;
//!   - `hub::exchange`: the sync exchange (verify, store idempotently, answer);
//!   - `hub::intake`: storing a run (refuse forks, keep refused entries without effect);
//!   - `hub::rules`: the role table: whose entries take effect, by role, agency and clearance;
//!   - `hub::answer`: what a device may see since its cursor;
//!   - `hub::redaction`: redactions, by a report's author or the administrator;
//!   - `hub::bundles`: bundles carried on a USB stick, in and out;
//!   - `hub::units`: the gazetteer the hub keeps and announces;
//!   - `hub::review`: refused entries and forks, for the administrator;
//!   - `hub::sms`: flash alerts received by SMS: read, judged by each device's replay window,
//!     stored once with their outcome, the index of devices by alert key id;
//!   - `hub::releases`: updates: releases published (checked against the release key, with
//!     deltas from older ones), withdrawn, offered at sync and at the update endpoint, served
//!     in chunks; the county's update budget and what each device runs;
//!   - `hub::key`: the hub's secret key file.
//! - [`gammu`]: the folders of `gammu-smsd` (FILES backend): the inbox swept into `hub::sms`,
//!   the texts the hub sends written into the outbox, and removed from the sent folder.
//! - [`webhook`]: `POST /sms/inbound`, an Android SMS-gateway phone's HMAC-signed messages,
//!   taken into `hub::sms` likewise.
//! - [`budget`]: the daily byte budget of each device.
//! - [`db`]: the storage trait and its SQLite and PostgreSQL backends; each backend is a
//!   folder: its `mod.rs` opens the database and runs transactions, `tx` holds the storage
//!   operations of a transaction (`sms` and `releases` those of their tables), `rows` reads
//!   rows back into records.
//! - [`http`]: the HTTP API (axum): sync, enrollment; and the limits that apply before a
//!   device is known.
//! - [`updates`]: the update endpoint, `POST /v1/release/offer` and `/v1/release/chunk`.
//! - [`serve`]: serving as in production (TLS, limits, the health listener), for the
//!   `serve` command and the tests alike.
//! - [`tls`]: the hub's own self-signed certificate, when no other is given.
//! - [`metrics`]: Prometheus counters.
//! - [`openapi`]: the OpenAPI description, from the handlers and the refusals each route answers.
//! - [`error`]: the one error type, as HTTP statuses and machine-readable codes.

pub mod budget;
pub mod db;
pub mod error;
pub mod gammu;
pub mod http;
pub mod hub;
pub mod metrics;
pub mod openapi;
pub mod serve;
pub mod tls;
pub mod updates;
pub mod webhook;

pub use error::{HubError, Result};
pub use hub::Hub;

pub(crate) fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}
