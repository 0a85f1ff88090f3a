//! The store's key header: a random data key, wrapped twice.
//!
//! The SQLCipher database is encrypted with a random 256-bit data key. That key is stored only
//! wrapped (XChaCha20-Poly1305) under keys derived with Argon2id from the passphrase and from the
//! recovery code shown once at `init`. Changing the passphrase rewraps the data key; the database
//! is never re-encrypted. The derivation parameters live in the header, so a test can make a
//! cheap store while a real one keeps its strength.
//!
//! The header is a small JSON file beside the database, replaced atomically (write, fsync,
//! rename, fsync the folder), so a power cut leaves either the old header or the new one.
//!
//! A new passphrase must be one a thief cannot guess first ([`check_new_passphrase`]): not an
//! example phrase, not the user's name or an area's name, not digits only or one character
//! repeated, not a very common phrase. Every way to set one (the CLI's `init`, `passphrase
//! change` and `recover`, and the desktop app) goes through that one rule.

use std::fs;
use std::io::Write;
use std::path::Path;

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::enrollment::canonical_code;
use crate::error::{Broken, Error, Result, Rule};

/// The shortest passphrase accepted: a short PIN can be guessed from a stolen laptop.
pub const MIN_PASSPHRASE_CHARS: usize = 10;

/// Argon2id cost. Kept in the header of every store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl KdfParams {
    /// About half a second on a slow laptop (a quarter of that on a current 2-core machine),
    /// and 64 MiB of memory, which the old laptops in the field still have.
    pub const STANDARD: KdfParams = KdfParams {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 1,
    };

    /// For tests only: makes a store in microseconds. Never the default.
    pub const FAST_INSECURE: KdfParams = KdfParams {
        memory_kib: 8,
        iterations: 1,
        parallelism: 1,
    };

    /// The parameters for a new store: [`KdfParams::STANDARD`], unless this is a debug build
    /// (the tests') and the environment asks for test parameters with
    /// `USALAMA_KDF=fast-insecure`. A release binary ignores the variable: a store made by the
    /// app a chief uses is never cheap to attack, whatever the environment says.
    pub fn for_new_store() -> KdfParams {
        KdfParams::chosen(
            std::env::var("USALAMA_KDF").ok().as_deref(),
            cfg!(debug_assertions),
        )
    }

    /// The choice of [`KdfParams::for_new_store`], given the variable and whether test
    /// parameters may be honoured at all.
    fn chosen(variable: Option<&str>, test_build: bool) -> KdfParams {
        match variable {
            Some("fast-insecure") if test_build => KdfParams::FAST_INSECURE,
            _ => KdfParams::STANDARD,
        }
    }

    fn derive(&self, secret: &[u8], salt: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
            .map_err(|e| {
                Error::Unsupported(format!("key header has bad Argon2 parameters: {e}"))
            })?;
        let mut out = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(secret, salt, out.as_mut())
            .map_err(|e| Error::Unsupported(format!("key derivation failed: {e}")))?;
        Ok(out)
    }
}

/// The key that encrypts the database. Wiped from memory when dropped.
pub struct DataKey(Zeroizing<[u8; 32]>);

impl DataKey {
    /// The SQLCipher raw-key form, `x'…'`, which skips SQLCipher's own key derivation. For
    /// tools that open the database directly (backups, integrity tests).
    pub fn sqlcipher_pragma(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", hex::encode(self.0.as_ref())))
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
}

/// The code shown once at `init`: 20 characters of Crockford base32 (100 bits) in groups of 5.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(Zeroizing<String>);

impl RecoveryCode {
    fn generate() -> RecoveryCode {
        let mut digits = [0u8; 20];
        rand::thread_rng().fill_bytes(&mut digits);
        let alphabet = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        let mut text = String::with_capacity(23);
        for (i, d) in digits.iter().enumerate() {
            if i > 0 && i % 5 == 0 {
                text.push('-');
            }
            text.push(alphabet[usize::from(d & 31)] as char);
        }
        RecoveryCode(Zeroizing::new(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn normalise(typed: &str) -> Zeroizing<String> {
        Zeroizing::new(canonical_code(typed))
    }
}

impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCode(…)")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Wrapped {
    salt: String,
    nonce: String,
    sealed: String,
}

/// The key header file's content.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyHeader {
    format: u32,
    kdf: KdfParams,
    passphrase: Wrapped,
    recovery: Wrapped,
}

const HEADER_FORMAT: u32 = 1;

impl KeyHeader {
    /// A new data key, wrapped under `passphrase` and under a new recovery code.
    /// The passphrase must pass [`check_new_passphrase`] without the user's own words; the
    /// store checks those first.
    pub fn create(passphrase: &str, kdf: KdfParams) -> Result<(KeyHeader, DataKey, RecoveryCode)> {
        check_new_passphrase(passphrase, &OwnWords::default())?;
        let mut key = Zeroizing::new([0u8; 32]);
        rand::thread_rng().fill_bytes(key.as_mut());
        let code = RecoveryCode::generate();
        let header = KeyHeader {
            format: HEADER_FORMAT,
            kdf,
            passphrase: wrap(&kdf, passphrase.as_bytes(), &key, b"passphrase")?,
            recovery: wrap(
                &kdf,
                RecoveryCode::normalise(code.as_str()).as_bytes(),
                &key,
                b"recovery",
            )?,
        };
        Ok((header, DataKey(key), code))
    }

    pub fn unlock(&self, passphrase: &str) -> Result<DataKey> {
        unwrap(
            &self.kdf,
            passphrase.as_bytes(),
            &self.passphrase,
            b"passphrase",
        )
        .ok_or_else(|| {
            Error::Locked(
                "wrong passphrase: the store was not opened and nothing was changed; \
                 check Caps Lock and the keyboard language, or use your recovery code \
                 (`usalama recover --code CODE`)"
                    .into(),
            )
        })
    }

    pub fn unlock_with_recovery(&self, code: &str) -> Result<DataKey> {
        let code = RecoveryCode::normalise(code);
        unwrap(&self.kdf, code.as_bytes(), &self.recovery, b"recovery").ok_or_else(|| {
            Error::Locked(
                "that recovery code does not unlock this store; nothing was changed. \
                 The code has 20 letters and digits, as written down at setup"
                    .into(),
            )
        })
    }

    /// The same data key under a new passphrase; the recovery code keeps working.
    pub fn with_passphrase(&self, key: &DataKey, passphrase: &str) -> Result<KeyHeader> {
        check_new_passphrase(passphrase, &OwnWords::default())?;
        Ok(KeyHeader {
            passphrase: wrap(&self.kdf, passphrase.as_bytes(), &key.0, b"passphrase")?,
            ..self.clone()
        })
    }

    pub fn kdf(&self) -> KdfParams {
        self.kdf
    }

    pub fn load(path: &Path) -> Result<KeyHeader> {
        let text =
            fs::read(path).map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
        let header: KeyHeader = serde_json::from_slice(&text).map_err(|e| {
            Error::Unsupported(format!("the key header {} is damaged: {e}", path.display()))
        })?;
        if header.format != HEADER_FORMAT {
            return Err(Error::Unsupported(format!(
                "the key header {} has format {}, newer than this version reads; update Usalama",
                path.display(),
                header.format
            )));
        }
        Ok(header)
    }

    /// Replaces the header file atomically and durably.
    pub fn save(&self, path: &Path) -> Result<()> {
        let text =
            serde_json::to_vec_pretty(self).map_err(|e| Error::Unsupported(e.to_string()))?;
        write_atomically(path, &text)
    }
}

/// Bytes sealed under a passphrase, as a JSON file: the county's offline copy of its keys.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PassphraseSealed {
    format: u32,
    /// What the file holds, checked when it is opened.
    purpose: String,
    kdf: KdfParams,
    key: Wrapped,
    nonce: String,
    sealed: String,
}

impl PassphraseSealed {
    /// Seals `plain` under `passphrase`, which must pass [`check_new_passphrase`].
    pub fn seal(
        passphrase: &str,
        kdf: KdfParams,
        purpose: &str,
        plain: &[u8],
    ) -> Result<PassphraseSealed> {
        check_new_passphrase(passphrase, &OwnWords::default())?;
        let mut key = Zeroizing::new([0u8; 32]);
        rand::thread_rng().fill_bytes(key.as_mut());
        let mut nonce = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut nonce);
        let sealed = XChaCha20Poly1305::new(key.as_ref().into())
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: purpose.as_bytes(),
                },
            )
            .map_err(|_| Error::Unsupported("could not seal".into()))?;
        Ok(PassphraseSealed {
            format: HEADER_FORMAT,
            purpose: purpose.to_owned(),
            kdf,
            key: wrap(&kdf, passphrase.as_bytes(), &key, purpose.as_bytes())?,
            nonce: hex::encode(nonce),
            sealed: hex::encode(sealed),
        })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }

    /// Opens a file written by [`PassphraseSealed::seal`] for `purpose`.
    pub fn open(bytes: &[u8], passphrase: &str, purpose: &str) -> Result<Zeroizing<Vec<u8>>> {
        let file: PassphraseSealed = serde_json::from_slice(bytes)
            .map_err(|_| Error::invalid("file", format!("is not {purpose} written by Usalama")))?;
        if file.format != HEADER_FORMAT {
            return Err(Error::Unsupported(format!(
                "the file has format {}, newer than this version reads; update Usalama",
                file.format
            )));
        }
        if file.purpose != purpose {
            return Err(Error::invalid(
                "file",
                format!("holds {}, not {purpose}", file.purpose),
            ));
        }
        let wrong = || Error::Locked("wrong passphrase for this file; nothing was changed".into());
        // The file says how costly its key is to derive: never more than a laptop has.
        let k = file.kdf;
        if k.memory_kib > 1 << 20 || k.iterations > 64 || k.parallelism > 16 {
            return Err(Error::invalid(
                "file",
                "asks for more memory or time than Usalama allows; it was not written by Usalama",
            ));
        }
        let key = unwrap(
            &file.kdf,
            passphrase.as_bytes(),
            &file.key,
            purpose.as_bytes(),
        )
        .ok_or_else(wrong)?;
        let nonce = hex::decode(&file.nonce).map_err(|_| wrong())?;
        let sealed = hex::decode(&file.sealed).map_err(|_| wrong())?;
        if nonce.len() != 24 {
            return Err(wrong());
        }
        let plain = XChaCha20Poly1305::new(key.0.as_ref().into())
            .decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &sealed,
                    aad: purpose.as_bytes(),
                },
            )
            .map_err(|_| wrong())?;
        Ok(Zeroizing::new(plain))
    }
}

pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |e| Error::io(format!("writing {}", path.display()), e);
    let tmp = path.with_extension("tmp");
    {
        let mut f = private_file(&tmp).map_err(io)?;
        f.write_all(bytes).map_err(io)?;
        f.sync_all().map_err(io)?;
    }
    fs::rename(&tmp, path).map_err(io)?;
    if let Some(dir) = path.parent() {
        fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
    }
    Ok(())
}

/// A new file only its owner may read or write (0600 on Unix), replacing any left over. The
/// key header and the store's files hold secrets, even if encrypted: no other account on the
/// laptop should get a copy to attack offline.
pub(crate) fn private_file(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path)?;
        // The mode above applies only to a file this call created.
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    options.open(path)
}

/// Words a thief who knows the user would try first: their name and the names of the county's
/// places. Only a passphrase that *is* one of them (give or take case, spaces, punctuation and
/// digits around it) is refused; a sentence that mentions one is fine.
#[derive(Debug, Default, Clone)]
pub struct OwnWords {
    names: Vec<String>,
    /// Squeezed, and as written.
    places: Vec<(String, String)>,
}

impl OwnWords {
    /// The user's name (whole, and each part of it) and every unit's name in both languages.
    pub fn of(name: &str, units: &[crate::gazetteer::Unit]) -> OwnWords {
        let mut names = vec![squeeze(name)];
        names.extend(name.split_whitespace().map(squeeze));
        names.retain(|n| !n.is_empty());
        let places = units
            .iter()
            .flat_map(|u| std::iter::once(&u.name).chain(u.sw_name.as_ref()))
            .map(|n| (squeeze(n), n.clone()))
            .filter(|(n, _)| !n.is_empty())
            .collect();
        OwnWords { names, places }
    }
}

/// The phrases Usalama itself once gave as examples. Many people type an example verbatim, so
/// these are the first a thief tries on a Usalama laptop.
const EXAMPLES: &[&str] = &["cows drink at the borehole", "ng'ombe wanakunywa kisimani"];

/// Very common passwords and phrases, in English and Kiswahili, compared squeezed (lowercase,
/// letters and digits only) and with digits around them removed.
const COMMON: &[&str] = &[
    "password",
    "passphrase",
    "mypassword",
    "mypassphrase",
    "letmein",
    "iloveyou",
    "welcome",
    "changeme",
    "trustno1",
    "sunshine",
    "football",
    "qwertyuiop",
    "qwertyuiopasdfghjkl",
    "asdfghjkl",
    "zxcvbnm",
    "abcdefghij",
    "abcdefghijklmnopqrstuvwxyz",
    "administrator",
    "usalama",
    "usalamasecurity",
    "westpokot",
    "pokotmagharibi",
    "kenya",
    "jamhuri",
    "correcthorsebatterystaple",
    "thequickbrownfoxjumpsoverthelazydog",
    "hakunamatata",
    "mungunimwema",
    "mungumwema",
    "asantesana",
    "nakupenda",
    "nenosiri",
    "nenosirilangu",
    "sirilangu",
    "jinalangu",
];

/// Checks a new passphrase: at least [`MIN_PASSPHRASE_CHARS`] characters, and not one a thief
/// would try first (see the module's documentation). Errors name the field `passphrase` and say
/// what to do; the desktop app shows each by its rule code (see [`crate::form`]).
pub fn check_new_passphrase(passphrase: &str, own: &OwnWords) -> Result<()> {
    let refuse =
        |rule, message: String| Err(Error::broke("passphrase", Broken::new(rule, message)));
    let chars = passphrase.chars().count();
    if chars < MIN_PASSPHRASE_CHARS {
        return refuse(
            Rule::PassphraseShort,
            format!(
            "must be at least {MIN_PASSPHRASE_CHARS} characters (got {chars}); make up a short \
             sentence of several words of your own"
        ),
        );
    }
    let squeezed = squeeze(passphrase);
    let core = squeezed.trim_matches(|c: char| c.is_ascii_digit());
    let is = |word: &str| !word.is_empty() && (squeezed == word || core == word);
    if EXAMPLES.iter().any(|e| is(&squeeze(e))) {
        return refuse(
            Rule::PassphraseExample,
            "is the example phrase Usalama once suggested, so it is the first one a thief \
             would try; make up a short sentence of several words of your own"
                .into(),
        );
    }
    if own.names.iter().any(|n| is(n)) {
        return refuse(
            Rule::PassphrasePersonal,
            "is too easy to guess from who you are: it is your own name; make up a short \
             sentence of several words of your own"
                .into(),
        );
    }
    if let Some((_, place)) = own.places.iter().find(|(p, _)| is(p)) {
        return refuse(
            Rule::PassphrasePersonal,
            format!(
                "is too easy to guess from who you are: it is the name of an area ({place}); make \
             up a short sentence of several words of your own"
            ),
        );
    }
    let mut letters = passphrase.chars().filter(|c| !c.is_whitespace());
    let first = letters.next();
    let why = if squeezed.chars().all(|c| c.is_ascii_digit()) && !squeezed.is_empty() {
        Some("it is digits only")
    } else if first.is_some_and(|f| letters.all(|c| c == f)) {
        Some("it is one character repeated")
    } else if COMMON.iter().any(|c| is(c)) {
        Some("it is a very common password or phrase")
    } else {
        None
    };
    match why {
        Some(why) => refuse(
            Rule::PassphraseGuessable,
            format!(
            "is too easy to guess: {why}; make up a short sentence of several words of your own"
        ),
        ),
        None => Ok(()),
    }
}

/// Whether a passphrase that passed [`check_new_passphrase`] is a single word: accepted, but
/// several words are easier to remember and harder to guess, so the CLI and the app say so.
pub fn is_one_word(passphrase: &str) -> bool {
    passphrase
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .count()
        < 2
}

/// Lowercase letters and digits only: "Ng'ombe wanakunywa, kisimani!" and
/// "ngombewanakunywakisimani" are the same phrase to a thief.
fn squeeze(text: &str) -> String {
    // U+02BC, the apostrophe of "ngʼombe" in careful Kiswahili typing, counts as a letter.
    text.chars()
        .filter(|c| c.is_alphanumeric() && *c != '\u{2bc}')
        .flat_map(char::to_lowercase)
        .collect()
}

fn wrap(kdf: &KdfParams, secret: &[u8], key: &[u8; 32], label: &[u8]) -> Result<Wrapped> {
    let mut salt = [0u8; 16];
    let mut nonce = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut salt);
    rand::thread_rng().fill_bytes(&mut nonce);
    let kek = kdf.derive(secret, &salt)?;
    let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
    let sealed = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: key,
                aad: label,
            },
        )
        .map_err(|_| Error::Unsupported("could not wrap the data key".into()))?;
    Ok(Wrapped {
        salt: hex::encode(salt),
        nonce: hex::encode(nonce),
        sealed: hex::encode(sealed),
    })
}

fn unwrap(kdf: &KdfParams, secret: &[u8], w: &Wrapped, label: &[u8]) -> Option<DataKey> {
    let salt = hex::decode(&w.salt).ok()?;
    let nonce = hex::decode(&w.nonce).ok()?;
    let sealed = hex::decode(&w.sealed).ok()?;
    if nonce.len() != 24 {
        return None;
    }
    let kek = kdf.derive(secret, &salt).ok()?;
    let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
    let plain = Zeroizing::new(
        cipher
            .decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &sealed,
                    aad: label,
                },
            )
            .ok()?,
    );
    if plain.len() != 32 {
        return None;
    }
    // Copied straight into memory that is wiped on drop, never through a plain array.
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&plain);
    Some(DataKey(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_passphrase_and_the_recovery_code_unlock_the_same_key() {
        let (header, key, code) =
            KeyHeader::create("cows at the borehole", KdfParams::FAST_INSECURE).expect("created");
        let a = header.unlock("cows at the borehole").expect("passphrase");
        let b = header
            .unlock_with_recovery(&code.as_str().to_lowercase().replace('-', " "))
            .expect("code");
        assert_eq!(a.0.as_ref(), key.0.as_ref());
        assert_eq!(b.0.as_ref(), key.0.as_ref());
    }

    #[test]
    fn a_wrong_passphrase_or_code_is_refused() {
        let (header, _, _) =
            KeyHeader::create("cows at the borehole", KdfParams::FAST_INSECURE).expect("created");
        assert!(matches!(
            header.unlock("goats at the borehole"),
            Err(Error::Locked(_))
        ));
        assert!(matches!(
            header.unlock_with_recovery("AAAAA-AAAAA-AAAAA-AAAAA"),
            Err(Error::Locked(_))
        ));
    }

    #[test]
    fn a_changed_passphrase_keeps_the_data_key_and_the_recovery_code() {
        let (header, key, code) =
            KeyHeader::create("cows at the borehole", KdfParams::FAST_INSECURE).expect("created");
        let changed = header
            .with_passphrase(&key, "camels by the river")
            .expect("changed");
        assert!(changed.unlock("cows at the borehole").is_err());
        assert_eq!(
            changed
                .unlock("camels by the river")
                .expect("new")
                .0
                .as_ref(),
            key.0.as_ref()
        );
        assert!(changed.unlock_with_recovery(code.as_str()).is_ok());
    }

    fn refusal(passphrase: &str, own: &OwnWords) -> String {
        match check_new_passphrase(passphrase, own) {
            Err(Error::Invalid(problems)) => {
                assert_eq!(problems.0.len(), 1);
                assert_eq!(problems.0[0].field, "passphrase");
                problems.0[0].message.clone()
            }
            other => panic!("{passphrase:?} was not refused: {other:?}"),
        }
    }

    #[test]
    fn the_example_once_suggested_is_refused_however_it_is_typed() {
        for typed in [
            "cows drink at the borehole",
            "Cows drink at the borehole.",
            "cowsdrinkattheborehole",
            "cows drink at the borehole 2026",
            "Ng'ombe wanakunywa kisimani",
            "ng\u{2bc}ombe wanakunywa kisimani",
        ] {
            let message = refusal(typed, &OwnWords::default());
            assert!(message.contains("example phrase"), "{typed}: {message}");
        }
        assert!(KeyHeader::create("cows drink at the borehole", KdfParams::FAST_INSECURE).is_err());
    }

    #[test]
    fn the_users_own_name_and_the_areas_names_are_refused() {
        let own = OwnWords::of("Joseph Korkimul", &crate::gazetteer::shipped());
        assert!(refusal("Joseph Korkimul", &own).contains("your own name"));
        assert!(refusal("korkimul123456", &own).contains("your own name"));
        let place = refusal("Kapenguria2026", &own);
        assert!(place.contains("name of an area (Kapenguria)"), "{place}");
        assert!(refusal("Pokot Magharibi", &own).contains("name of an area"));
        // A sentence that mentions a place or the name is the user's own: fine.
        assert!(check_new_passphrase("joseph walks to kapenguria market", &own).is_ok());
    }

    #[test]
    fn digits_one_repeated_character_and_common_phrases_are_refused() {
        let none = OwnWords::default();
        assert!(refusal("0722 123 456", &none).contains("digits only"));
        assert!(refusal("aaaaaaaaaaaa", &none).contains("one character repeated"));
        assert!(refusal("password123", &none).contains("very common"));
        assert!(refusal("Hakuna Matata!", &none).contains("very common"));
        assert!(refusal("qwertyuiop", &none).contains("very common"));
        assert!(check_new_passphrase("goats graze where the river bends", &none).is_ok());
    }

    #[test]
    fn a_single_long_word_is_accepted_with_a_hint() {
        let none = OwnWords::default();
        assert!(check_new_passphrase("Lomutkapchokseker", &none).is_ok());
        assert!(is_one_word("Lomutkapchokseker"));
        assert!(!is_one_word("goats graze where the river bends"));
        assert!(!is_one_word("goats-graze-by-the-river"));
    }

    #[test]
    fn only_a_test_build_honours_the_cheap_key_derivation() {
        assert_eq!(
            KdfParams::chosen(Some("fast-insecure"), true),
            KdfParams::FAST_INSECURE
        );
        assert_eq!(
            KdfParams::chosen(Some("fast-insecure"), false),
            KdfParams::STANDARD
        );
        assert_eq!(KdfParams::chosen(None, true), KdfParams::STANDARD);
        assert_eq!(KdfParams::chosen(Some("fast"), true), KdfParams::STANDARD);
    }

    #[test]
    fn a_short_passphrase_is_refused() {
        let err = KeyHeader::create("1234", KdfParams::FAST_INSECURE).expect_err("refused");
        assert!(err.to_string().contains("at least 10 characters"), "{err}");
    }
}
