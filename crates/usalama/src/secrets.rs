//! Passphrases: from `USALAMA_PASSPHRASE` in scripts, or asked for on the terminal.

use std::io::IsTerminal;

use crate::Failure;

/// The passphrase that unlocks the store.
pub fn passphrase() -> Result<String, Failure> {
    from_env_or_prompt("USALAMA_PASSPHRASE", "Passphrase: ", false)
}

/// A new passphrase, asked twice on a terminal so that a typo does not lock the user out.
pub fn new_passphrase(env: &str) -> Result<String, Failure> {
    from_env_or_prompt(env, "New passphrase (at least 10 characters): ", true)
}

pub fn from_env_or_prompt(env: &str, prompt: &str, confirm: bool) -> Result<String, Failure> {
    if let Ok(value) = std::env::var(env) {
        return Ok(value);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::usage(format!(
            "no passphrase: run this in a terminal to be asked for it, or set {env}"
        )));
    }
    let read = |p: &str| {
        rpassword::prompt_password(p)
            .map_err(|e| Failure::usage(format!("could not read the passphrase: {e}")))
    };
    let first = read(prompt)?;
    if confirm && read("Type it again: ")? != first {
        return Err(Failure::usage(
            "the two passphrases differ; nothing was changed",
        ));
    }
    Ok(first)
}
