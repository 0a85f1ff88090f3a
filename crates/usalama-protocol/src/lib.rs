//! What Usalama's devices and county hubs share: the words of a report, the signed ledger, the
//! frames on the wire and the rules every party checks alike, so that a hub and a device judge
//! the same bytes with the same parser.
//!
//! Nothing here stores, sends or draws anything: the device's store and sync client live in
//! `usalama-core`, the county hub in `usalama-hub`, and both depend on this crate alone for
//! what they say to each other.
//!
//! # Layout
//!
//! - [`domain`]: what a report holds, as types that can only hold valid values; parsing of
//!   report documents, amendments and closing figures with every problem named; the
//!   characters new text may not hold. [`domain::report`] keeps one module per section of the
//!   document (`incident`, `people`, `livestock`, `suspects`, `source`), each with its parser,
//!   beside `counts`, `reading` (paths and text), `fields`, `document`, `amendment` and
//!   `restricted`.
//! - [`admission`]: whether an entry recorded elsewhere may take effect: its body checked with
//!   the author's own parsers, by the rules of its format version (the hub and devices alike).
//! - [`ledger`]: entries, their hash chain, signatures and binary encoding; device and report
//!   ids; the order entries fold in.
//! - [`lifecycle`]: the response to a report (acknowledge, assign, update, close, reopen,
//!   link) and who may take each step.
//! - [`needs`]: needs assessments before an operation, and the gaps across open ones.
//! - [`projection`]: a report's current state folded from its entries, the same in any arrival
//!   order.
//! - [`redaction`]: removing a report's earlier content everywhere while every chain still
//!   verifies: the redaction entry's body, and who may redact what.
//! - [`seal`]: sealed boxes (X25519, ChaCha20-Poly1305): restricted sources and the county
//!   key, readable only by the devices they are sealed to.
//! - [`sms`]: flash alerts by SMS: the full and the short form's text, the alert key a device
//!   and its hub derive from their enrolled keys, and the replay window.
//! - [`county`]: the county key that restricted sources are sealed to: issued, shared with
//!   cleared readers and rotated at a revocation by cleared devices, never held by the hub.
//! - [`wire`]: the sync protocol's frames: runs of entries, zstd, the signed request and
//!   answer, USB bundles, the enrollment request; inside it, `frame` (version, limits, zstd),
//!   `run` (entries and their signatures), `encoding` (runs as bytes), `request`, `response`
//!   and `bundle`.
//! - [`enrollment`]: the enrollment string, the proof a device holds its key, and what the hub
//!   answers.
//! - [`refusal`]: why a hub refuses a request, one code each with its HTTP status, and the
//!   error body: shared by the hub that answers and the client that reads it.
//! - [`release`]: updates through the hub: the signed release file, the update part of a
//!   sync, the update endpoint's requests, and deltas between packages.
//! - [`vocabulary`]: every closed vocabulary's English and Kiswahili labels, from the one file
//!   the summaries and the desktop app read too.
//! - [`warning`]: early warning: triggers and seasonal trends computed from the ledger, the
//!   county's settings, and acknowledgements.
//! - [`gazetteer`]: the county's units, shipped with stable ids.
//! - [`clock`]: East Africa Time.
//! - [`files`]: files written whole or not at all, and read with a bound.
//! - [`error`]: the one error type, and the problems an input can have.

pub mod admission;
pub mod clock;
#[doc(hidden)]
pub mod codec;
pub mod county;
pub mod domain;
pub mod enrollment;
pub mod error;
pub mod files;
pub mod gazetteer;
pub mod ledger;
pub mod lifecycle;
pub mod needs;
pub mod projection;
pub mod redaction;
pub mod refusal;
pub mod release;
pub mod seal;
pub mod sms;
pub mod vocabulary;
pub mod warning;
pub mod wire;

pub use clock::EAT;
pub use error::{Broken, Error, Problem, Problems, Result, Rule};
