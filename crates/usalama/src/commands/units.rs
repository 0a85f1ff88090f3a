//! The county's units, from this device's gazetteer or, before a store exists, the shipped one.

use std::path::Path;

use usalama_core::domain::text::escape_line;
use usalama_core::Store;

use super::unlock::{open, print_json};
use crate::failure::Failure;

pub(super) fn list(home: &Path, json: bool) -> Result<(), Failure> {
    // Reading the gazetteer needs no passphrase before a store exists.
    let units = if Store::exists(home) {
        open(home)?.units().to_vec()
    } else {
        usalama_core::gazetteer::shipped()
    };
    if json {
        return print_json(&units);
    }
    say!("{:<26} {:<13} {:<24} PARENT", "ID", "KIND", "NAME");
    for u in &units {
        let retired = if u.retired { " (retired)" } else { "" };
        say!(
            "{:<26} {:<13} {:<24} {}",
            escape_line(&u.id),
            escape_line(&u.kind),
            format!("{}{retired}", escape_line(&u.name)),
            escape_line(u.parent.as_deref().unwrap_or("-"))
        );
    }
    Ok(())
}
