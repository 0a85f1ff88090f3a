//! The device's side of Usalama: everything below the desktop shell and the CLI.
//!
//! A chief's device records security incidents as signed entries in its own hash chain (the
//! ledger), keeps them in an encrypted SQLite store with the reports' current state beside them,
//! and exchanges them with the county hub. What it says to the hub (the domain, the ledger, the
//! wire frames, the rules of admission) is `usalama-protocol`, re-exported here under the same
//! names, so that `usalama_core::ledger` is `usalama_protocol::ledger`.
//!
//! ```text
//! ui → src-tauri ─┐
//!                 ├→ usalama-core (store, sync client, summaries) → usalama-protocol ← usalama-hub
//! usalama (CLI) ──┘
//! ```
//!
//! # Layout
//!
//! - [`keys`]: the store's key header: the data key wrapped by the passphrase and by the
//!   recovery code (Argon2id, XChaCha20-Poly1305).
//! - [`request`]: what both shells ask the store for (report lists, summaries), parsed once
//!   from their text, so that the same bad value gets the same error in each.
//! - [`store`]: the SQLCipher database: ledger and projections in one transaction; recording,
//!   listing, searching, showing, syncing and verifying, each in a room its doc lists.
//! - [`summary`]: summaries of a unit and a period (figures, incident log, hotspots) and their
//!   renderings: HTML, PDF, CSV and XLSX; the one-page slip of a report.
//! - [`sync`]: the sync client: enrollment and the exchange with the hub, over pinned TLS.
//! - [`autosync`]: background sync for the desktop app: a schedule with backoff and jitter,
//!   woken by saves, "Sync now" and the network coming back.
//! - [`update`]: updates through the county hub: the release offered at sync, checked against
//!   the release key, fetched in chunks within the county's budget (a delta when it can),
//!   verified, handed to the installer; or imported from a USB stick.
//! - [`installer`]: the one privileged step of an update: the app hands a verified package to
//!   the installer (root, started by systemd), which checks it again and installs it or goes
//!   back to the version it kept.
//! - [`form`]: the rule each problem broke, as a code the desktop app can translate.
//! - [`media`]: where a chief saves or finds a file: USB sticks plugged in, Documents.
//! - [`qr`]: a QR code's modules, for a phone to read an SMS alert off the screen.
//! - [`error`]: the one error type (the shared crate's errors become its variants).
//! - shared, from `usalama-protocol`: [`domain`], [`admission`], [`ledger`], [`lifecycle`],
//!   [`needs`], [`projection`], [`redaction`], [`seal`], [`county`], [`wire`], [`enrollment`],
//!   [`refusal`], [`gazetteer`], [`clock`], [`files`].
//! - `fuzzing` (tests and the `fuzzing` feature only): the fuzz targets' bodies, one per
//!   decoder of bytes from the network or a stick (frames, then the bodies they carry), and
//!   their seed corpus, shared by `fuzz/` and the tests.

pub mod autosync;
pub mod error;
pub mod form;
#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzzing;
pub mod installer;
pub mod keys;
pub mod media;
pub mod qr;
pub mod request;
pub mod store;
pub mod summary;
pub mod sync;
pub mod update;

// What devices and hubs share, under the names the device's code has always used.
pub use usalama_protocol as protocol;
pub use usalama_protocol::{
    admission, clock, codec, county, domain, enrollment, files, gazetteer, ledger, lifecycle,
    needs, projection, redaction, refusal, seal, vocabulary, warning, wire, EAT,
};

pub use error::{Error, Problem, Problems, Result};
pub use store::{Profile, Store};
