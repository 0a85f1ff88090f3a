//! What commands read: FILE arguments (or standard input) as bytes or JSON, and options
//! checked and named as the command line names them.

use std::io::Read;
use std::path::Path;

use serde_json::Value;
use usalama_core::domain::Lang;
use usalama_core::error::{Broken, Rule};
use usalama_core::Problems;

use crate::failure::Failure;

/// How a FILE argument is named in messages.
pub(super) fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        "standard input".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Reads a file whole, or standard input for `-`.
pub(super) fn read_input(path: &Path) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    let read = if path == Path::new("-") {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(path).map(|b| bytes = b)
    };
    read.map_err(|e| Failure::usage(format!("{}: cannot read the file: {e}", display_name(path))))?;
    Ok(bytes)
}

/// Reads a JSON document from a file, or from standard input for `-`.
pub(super) fn read_json(path: &Path) -> Result<Value, Failure> {
    serde_json::from_slice(&read_input(path)?).map_err(|e| {
        Failure::usage(format!(
            "{}: not valid JSON at line {}, column {}: {e}",
            display_name(path),
            e.line(),
            e.column()
        ))
    })
}

/// A core error as the command line says it: the core names its fields (`unit`, `from`), the
/// command line names its options (`--unit`, `--from`).
pub(super) fn as_options(e: usalama_core::Error) -> Failure {
    match e {
        usalama_core::Error::Invalid(mut problems) => {
            for p in &mut problems.0 {
                if !p.field.is_empty() && !p.field.starts_with("--") {
                    p.field = format!("--{}", p.field);
                }
            }
            Failure::from(usalama_core::Error::Invalid(problems))
        }
        other => Failure::from(other),
    }
}

/// The language asked for, or this device's.
pub(super) fn lang_or(store_lang: Lang, asked: Option<&str>) -> Result<Lang, Failure> {
    match asked {
        None => Ok(store_lang),
        Some(text) => Lang::parse(text).map_err(|e| {
            let mut problems = Problems::default();
            problems.add("--lang", Broken::new(Rule::Choice, e));
            usalama_core::Error::Invalid(problems).into()
        }),
    }
}
