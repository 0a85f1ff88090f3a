//! This device's store: creating it, changing or recovering its passphrase, and checking every
//! entry it holds.

use std::path::Path;

use serde_json::json;
use usalama_core::domain::{Agency, Lang, Role};
use usalama_core::error::{Broken, Rule};
use usalama_core::keys::KdfParams;
use usalama_core::{Problems, Profile, Store};

use super::unlock::{open, print_json};
use crate::args::InitArgs;
use crate::failure::Failure;
use crate::secrets;

pub(super) fn init(home: &Path, args: InitArgs, json: bool) -> Result<(), Failure> {
    let mut problems = Problems::default();
    let role = Role::parse(&args.role)
        .map_err(|e| problems.add("role", Broken::new(Rule::Choice, e)))
        .ok();
    let lang = Lang::parse(&args.lang)
        .map_err(|e| problems.add("lang", Broken::new(Rule::Choice, e)))
        .ok();
    let agency = match args.agency.as_deref().map(Agency::parse) {
        Some(Ok(a)) => Some(a),
        Some(Err(e)) => {
            problems.add("agency", Broken::new(Rule::Choice, e));
            None
        }
        None => None,
    };
    problems.into_result()?;
    if Store::exists(home) {
        return Err(usalama_core::Error::AlreadyInitialized(home.to_owned()).into());
    }
    let (Some(role), Some(lang)) = (role, lang) else {
        return Err(Failure::usage("bad role or language"));
    };
    let profile = Profile {
        name: args.name.trim().to_owned(),
        role,
        unit: args.unit,
        agency,
        lang,
    };
    let passphrase = secrets::new_passphrase("USALAMA_PASSPHRASE")?;
    let (store, code) = Store::create(home, profile, &passphrase, KdfParams::for_new_store())?;
    secrets::hint_if_one_word(&passphrase);
    let me = store.identity();
    if json {
        return print_json(&json!({
            "home": home,
            "device": me.device.to_string(),
            "fingerprint": me.fingerprint(),
            "recovery_code": code.as_str(),
        }));
    }
    say!("Created the Usalama store in {}", home.display());
    say!("Device:      {}", me.device);
    say!("Fingerprint: {}", me.fingerprint());
    say!("");
    say!("RECOVERY CODE, shown only this once. Write it down and keep it somewhere safe:");
    say!("");
    say!("    {}", code.as_str());
    say!("");
    say!("It unlocks the store if the passphrase is forgotten: usalama recover --code CODE");
    Ok(())
}

pub(super) fn verify(home: &Path, json: bool) -> Result<(), Failure> {
    let mut store = open(home)?;
    let report = store.verify()?;
    if json {
        print_json(&json!({
            "ok": report.ok(),
            "entries": report.entries,
            "devices": report.devices,
            "reports": report.reports,
            "problems": report.problems,
            "vouched": report.vouched,
        }))?;
    } else if report.ok() {
        say!(
            "Checked {} entries from {} device(s) and {} report(s): every signature, chain and \
             report is intact.",
            report.entries,
            report.devices,
            report.reports
        );
        if report.vouched > 0 {
            say!(
                "{} entries of other devices came before every entry travelled with its \
                 author's signature: the county hub vouched for them, and their authors' \
                 signatures cannot be checked here.",
                report.vouched
            );
        }
    }
    if report.ok() {
        Ok(())
    } else {
        Err(Failure {
            status: 3,
            message: format!(
                "verification failed: {} problem(s):\n{}",
                report.problems.len(),
                report.problems.join("\n")
            ),
        })
    }
}

pub(super) fn passphrase_change(home: &Path, json: bool) -> Result<(), Failure> {
    if !Store::exists(home) {
        return Err(usalama_core::Error::NotInitialized(home.to_owned()).into());
    }
    let old = secrets::passphrase()?;
    let new = secrets::new_passphrase("USALAMA_NEW_PASSPHRASE")?;
    Store::change_passphrase(home, &old, &new)?;
    secrets::hint_if_one_word(&new);
    if json {
        return print_json(&json!({ "changed": true }));
    }
    say!("The passphrase was changed. The recovery code still works.");
    Ok(())
}

pub(super) fn recover(home: &Path, code: &str, json: bool) -> Result<(), Failure> {
    if !Store::exists(home) {
        return Err(usalama_core::Error::NotInitialized(home.to_owned()).into());
    }
    let new = secrets::new_passphrase("USALAMA_NEW_PASSPHRASE")?;
    Store::recover(home, code, &new)?;
    secrets::hint_if_one_word(&new);
    if json {
        return print_json(&json!({ "recovered": true }));
    }
    say!("The store is unlocked and has a new passphrase. The recovery code still works.");
    Ok(())
}
