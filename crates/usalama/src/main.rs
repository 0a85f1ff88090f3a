//! `usalama`, the field tool: a thin layer over `usalama-core`.
//!
//! # Layout
//!
//! - `args`: the command line, with clap.
//! - `commands`: one function per command; each calls the core and prints.
//! - `secrets`: passphrases from the environment or the terminal.
//!
//! Exit status: 0 success; 2 bad input or usage (nothing written); 3 integrity failure; 1 else.

/// `println!` that gives up quietly when stdout is closed (e.g. piped into `head`). Text from entries (a narrative, a place, a unit's name) may hold
/// control or text-direction characters, recorded before they were refused or by a device that
/// ignores the rule: they are shown escaped (`\u{202e}`), so a report can neither rewrite the
/// terminal nor read differently from what it holds. `--json` output is escaped by JSON itself.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let line = format!($($arg)*);
        let _ = writeln!(
            std::io::stdout(),
            "{}",
            usalama_core::domain::text::escape(&line)
        );
    }};
}

mod args;
mod commands;
mod secrets;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use usalama_core::Error;

/// A failure, with the exit status that tells a script what kind it was.
#[derive(Debug)]
pub struct Failure {
    pub status: u8,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            status: 2,
            message: message.into(),
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let status = match &e {
            Error::Invalid(_)
            | Error::Locked(_)
            | Error::NotInitialized(_)
            | Error::AlreadyInitialized(_)
            | Error::NotFound(_)
            | Error::NotAllowed(_)
            | Error::NotEnrolled
            | Error::AlreadyEnrolled(_) => 2,
            Error::Integrity(_) | Error::Malformed(_) => 3,
            Error::Unreachable(_) | Error::Refused(_) => 4,
            Error::Unsupported(_) | Error::Render(_) | Error::Database(_) | Error::Io { .. } => 1,
        };
        Failure {
            status,
            message: e.to_string(),
        }
    }
}

impl From<usalama_core::protocol::Error> for Failure {
    /// The shared checks' errors, as the device's error of the same kind.
    fn from(e: usalama_core::protocol::Error) -> Self {
        Failure::from(Error::from(e))
    }
}

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let mut err = std::io::stderr().lock();
            for line in failure.message.lines() {
                // Messages may quote what an entry holds: shown escaped, as on stdout.
                let _ = writeln!(err, "usalama: {}", usalama_core::domain::text::escape(line));
            }
            ExitCode::from(failure.status)
        }
    }
}
