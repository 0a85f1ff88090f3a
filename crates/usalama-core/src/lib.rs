//! The core of Usalama: everything below the desktop shell and the CLI.
//!
//! A chief's device records security incidents as signed entries in its own hash chain (the
//! ledger), keeps them in an encrypted SQLite store with the reports' current state beside them,
//! and (later) exchanges them with the county hub.
//!
//! # Layout
//!
//! - [`domain`]: what a report holds, as types that can only hold valid values; parsing of
//!   report documents, amendments and closing figures with every problem named; the
//!   characters new text may not hold.
//! - [`admission`]: whether an entry recorded elsewhere may take effect: its body checked with
//!   the author's own parsers, by the rules of its format version (the hub and devices alike).
//! - [`ledger`]: entries, their hash chain, signatures and binary encoding; device and report
//!   ids.
//! - [`lifecycle`]: the response to a report (acknowledge, assign, update, close, reopen,
//!   link) and who may take each step.
//! - [`needs`]: needs assessments before an operation, and the gaps across open ones.
//! - [`projection`]: a report's current state folded from its entries, the same in any arrival
//!   order.
//! - [`redaction`]: removing a report's earlier content everywhere while every chain still
//!   verifies: the redaction entry's body, and who may redact what.
//! - [`seal`]: sealed boxes (X25519, ChaCha20-Poly1305): restricted sources and the county
//!   key, readable only by the devices they are sealed to.
//! - [`county`]: the county key that restricted sources are sealed to: issued, shared with
//!   cleared readers and rotated at a revocation by cleared devices, never held by the hub.
//! - [`keys`]: the store's key header: the data key wrapped by the passphrase and by the
//!   recovery code (Argon2id, XChaCha20-Poly1305).
//! - [`refusal`]: why the hub refuses a request, one code each with its HTTP status, and the
//!   error body: shared by the hub that answers and the client that reads it.
//! - [`request`]: what both shells ask the store for (report lists, summaries), parsed once
//!   from their text, so that the same bad value gets the same error in each.
//! - [`store`]: the SQLCipher database: ledger and projections in one transaction; listing,
//!   searching, showing and verifying.
//! - [`summary`]: summaries of a unit and a period (figures, incident log, hotspots) and their
//!   renderings: HTML, PDF, CSV and XLSX; the one-page slip of a report.
//! - [`gazetteer`]: the county's units, shipped with stable ids.
//! - [`sync`]: the sync client: enrollment and the exchange with the hub, over pinned TLS.
//! - [`autosync`]: background sync for the desktop app: a schedule with backoff and jitter,
//!   woken by saves, "Sync now" and the network coming back.
//! - [`wire`]: the sync protocol's frames, shared with the hub: runs of entries, zstd, the
//!   signed request.
//! - [`form`]: the rule each problem broke, as a code the desktop app can translate.
//! - [`media`]: where a chief saves or finds a file: USB sticks plugged in, Documents.
//! - [`files`]: files written whole or not at all (bundles, exports).
//! - [`error`]: the one error type.
//! - `fuzzing` (tests and the `fuzzing` feature only): the fuzz targets' bodies, one per
//!   decoder of bytes from the network or a stick, shared by `fuzz/` and the tests.

pub mod admission;
pub mod autosync;
mod codec;
pub mod county;
pub mod domain;
pub mod error;
pub mod files;
pub mod form;
#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzzing;
pub mod gazetteer;
pub mod keys;
pub mod ledger;
pub mod lifecycle;
pub mod media;
pub mod needs;
pub mod projection;
pub mod redaction;
pub mod refusal;
pub mod request;
pub mod seal;
pub mod store;
pub mod summary;
pub mod sync;
pub mod wire;

pub use error::{Error, Problem, Problems, Result};
pub use store::{Profile, Store};

/// East Africa Time, UTC+3, the time of every date a user types or reads.
pub const EAT: time::UtcOffset = time::macros::offset!(+3);
