//! Integration tests: the real `usalama` binary on real encrypted stores.

// A test story reads best top to bottom: the function-length limit is for the crates.
#![allow(clippy::too_many_lines)]

mod admission;
mod bundle;
mod cli;
mod convergence;
mod crash;
mod hardening;
mod helpers;
mod incident;
mod load;
mod lock;
mod person;
mod redaction;
mod sms;
mod sources;
mod story;
mod summary;
mod sync;
mod tamper;
mod trust;
mod updates;
mod upgrade;
mod warning;
