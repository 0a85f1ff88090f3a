//! The county keys restricted sources are sealed to: which this device knows and holds, and
//! the county's offline copy of them.

use std::path::Path;

use serde_json::json;

use super::input::{display_name, read_input};
use super::unlock::{open, print_json};
use crate::failure::Failure;
use crate::secrets;

pub(super) fn list(home: &Path, json: bool) -> Result<(), Failure> {
    let store = open(home)?;
    let keys = store.county_keys()?;
    if json {
        return print_json(&keys);
    }
    if keys.keys.is_empty() {
        say!(
            "No county key yet: the first cleared reader's device to sync issues one. Until \
             then, sources wait unsealed in this laptop's encrypted store and are not sent."
        );
    } else if keys.current.is_none() {
        if keys.keys.iter().any(|k| k.issued_at.is_some()) {
            say!(
                "No current county key: a revoked device holds each one. The next cleared \
                 reader's device to sync issues a new one; until then, new sources wait here."
            );
        } else {
            say!(
                "No current county key yet: this device has not seen one issued (sync it). \
                 Until then, new sources wait here."
            );
        }
    }
    for k in &keys.keys {
        let current = if keys.current.as_deref() == Some(k.id.as_str()) {
            "  (current)"
        } else {
            ""
        };
        let held = if k.held { "held here" } else { "not held here" };
        let issued = match (&k.issued_at, &k.issued_by) {
            (Some(at), Some(by)) => format!("issued {at} by {by}"),
            _ => "issued elsewhere (its issuing entry is not on this device)".to_owned(),
        };
        say!("{}{current}  {issued}  {held}", k.id);
        let holders: Vec<String> = k
            .holders
            .iter()
            .map(|h| {
                if h.revoked {
                    format!("{} (revoked)", h.name)
                } else {
                    h.name.clone()
                }
            })
            .collect();
        say!("    holders: {}", holders.join(", "));
    }
    if keys.waiting_to_seal > 0 {
        say!(
            "{} source(s) recorded here wait for a county key; they are sealed and sent at \
             the first sync after one is current.",
            keys.waiting_to_seal
        );
    }
    Ok(())
}

pub(super) fn export(home: &Path, out: &Path, json: bool) -> Result<(), Failure> {
    if out.exists() {
        return Err(Failure::usage(format!(
            "--out: {} exists already; give a new file name (keep one copy per date), nothing \
             was written",
            out.display()
        )));
    }
    let store = open(home)?;
    store.may_hold_county_keys()?;
    let passphrase = secrets::new_passphrase("USALAMA_KEY_PASSPHRASE")?;
    let (bytes, count) = store.export_county_keys(&passphrase)?;
    usalama_core::files::write_durably(out, &bytes)?;
    if json {
        return print_json(&json!({ "keys": count, "out": out }));
    }
    say!(
        "Wrote {count} county key(s) to {}. Keep it offline, apart from its passphrase.",
        out.display()
    );
    Ok(())
}

pub(super) fn import(home: &Path, file: &Path, json: bool) -> Result<(), Failure> {
    let name = display_name(file);
    let bytes = read_input(file)?;
    let mut store = open(home)?;
    store.may_hold_county_keys()?;
    let passphrase = secrets::from_env_or_prompt(
        "USALAMA_KEY_PASSPHRASE",
        "Passphrase of the county keys file: ",
        false,
    )?;
    let added = store
        .import_county_keys(&bytes, &passphrase)
        .map_err(|e| match e {
            usalama_core::Error::Invalid(problems) => {
                Failure::from(usalama_core::Error::Invalid(problems.within(&name)))
            }
            other => Failure::from(other),
        })?;
    if json {
        return print_json(&json!({ "added": added }));
    }
    say!(
        "{added} county key(s) new to this device; they are shared with the other cleared \
         readers at the next sync."
    );
    Ok(())
}
