//! `usalama`, the field tool: a thin layer over `usalama-core`.
//!
//! # Layout
//!
//! - `args`: the command line, with clap.
//! - `commands`: one module per command group (`report`, `incident`, `sync`, …), one function
//!   per command; each calls the core and prints.
//! - `failure`: why a command failed, and its exit status.
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
mod failure;
mod secrets;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

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
