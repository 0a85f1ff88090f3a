//! Passphrases: from `USALAMA_PASSPHRASE` in scripts, or asked for on the terminal. Each is
//! held in memory that is wiped when it is dropped.

use std::io::IsTerminal;

use zeroize::Zeroizing;

use crate::failure::Failure;

/// A passphrase, wiped from memory when dropped.
pub type Secret = Zeroizing<String>;

/// The passphrase that unlocks the store.
pub fn passphrase() -> Result<Secret, Failure> {
    from_env_or_prompt("USALAMA_PASSPHRASE", "Passphrase: ", false)
}

/// A new passphrase, asked twice on a terminal so that a typo does not lock the user out.
pub fn new_passphrase(env: &str) -> Result<Secret, Failure> {
    from_env_or_prompt(
        env,
        "New passphrase (several words of your own, at least 10 characters): ",
        true,
    )
}

/// After a new passphrase was accepted: a hint, never a refusal, when it is one word.
pub fn hint_if_one_word(passphrase: &str) {
    if usalama_core::keys::is_one_word(passphrase) {
        eprintln!(
            "usalama: hint: the passphrase is a single word. Several words of your own (a short \
             sentence only you would make up) are easier to remember and harder to guess; \
             `usalama passphrase change` sets a new one"
        );
    }
}

pub fn from_env_or_prompt(env: &str, prompt: &str, confirm: bool) -> Result<Secret, Failure> {
    if let Ok(value) = std::env::var(env) {
        return Ok(Zeroizing::new(value));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::usage(format!(
            "no passphrase: run this in a terminal to be asked for it, or set {env}"
        )));
    }
    let read = |p: &str| {
        rpassword::prompt_password(p)
            .map(Zeroizing::new)
            .map_err(|e| Failure::usage(format!("could not read the passphrase: {e}")))
    };
    let first = read(prompt)?;
    if confirm && *read("Type it again: ")? != *first {
        return Err(Failure::usage(
            "the two passphrases differ; nothing was changed",
        ));
    }
    Ok(first)
}
