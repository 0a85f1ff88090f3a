//! A signed release: the manifest that names a package by its size and SHA-256, and the
//! release key's signature over it, in one short text file (`usalama-0.3.0_amd64.deb.release`).
//!
//! ```text
//! usalama-release 1
//! package usalama
//! version 0.3.0
//! arch amd64
//! size 15234567
//! sha256 9f2c…(64 hex digits)
//! schema 9
//! protocol 2
//! signature 5b1e…(128 hex digits)
//! ```
//!
//! The signature (Ed25519) covers `usalama.release.v1\0` and every line before `signature`.
//! The lines come in this order, once each, and nothing else is read: the hub at publish, every
//! device before it fetches a byte, and the privileged installer read the file with
//! [`Release::parse`] alone.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use super::Version;
use crate::error::{Error, Result};

/// The longest release file read: its lines take about 400 bytes.
pub const MAX_RELEASE_FILE: usize = 1024;
/// The largest package a release may name (the desktop `.deb` is about 15 MB).
pub const MAX_PACKAGE: u64 = 256 << 20;
const DOMAIN: &[u8] = b"usalama.release.v1\0";
const HEADER: &str = "usalama-release 1";
/// The release key's public half, hex, given to a release build by the environment it is built
/// in (`USALAMA_RELEASE_KEY`). The secret half never leaves the machine that signs releases.
const RELEASE_KEY: Option<&str> = option_env!("USALAMA_RELEASE_KEY");

/// What a release promises: a package, by name, version, architecture, size and SHA-256, and
/// what it needs of a device (the store's schema, the sync protocol).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Manifest {
    pub package: String,
    pub version: Version,
    /// Debian's name for the machine (`amd64`, `arm64`, `i386`).
    pub arch: String,
    pub size: u64,
    #[serde(with = "hex_32")]
    pub sha256: [u8; 32],
    /// The device store's schema this version writes: going back to a version with another
    /// schema is refused.
    pub schema: u32,
    /// The sync protocol this version speaks.
    pub protocol: u8,
}

/// A manifest with the release key's signature, verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub manifest: Manifest,
    /// The release file as signed and read: what the hub stores and passes on unchanged.
    pub text: String,
}

impl Manifest {
    /// The manifest of a package's bytes.
    pub fn of(package: &[u8], version: Version, arch: &str, schema: u32, protocol: u8) -> Manifest {
        Manifest {
            package: "usalama".into(),
            version,
            arch: arch.into(),
            size: package.len() as u64,
            sha256: Sha256::digest(package).into(),
            schema,
            protocol,
        }
    }

    fn lines(&self) -> String {
        format!(
            "{HEADER}\npackage {}\nversion {}\narch {}\nsize {}\nsha256 {}\nschema {}\nprotocol {}\n",
            self.package,
            self.version,
            self.arch,
            self.size,
            hex::encode(self.sha256),
            self.schema,
            self.protocol
        )
    }

    /// Signs the manifest with the release key: the text of its release file.
    pub fn sign(&self, key: &SigningKey) -> String {
        let lines = self.lines();
        let signature = key.sign(&signed_bytes(&lines));
        format!("{lines}signature {}\n", hex::encode(signature.to_bytes()))
    }

    /// Whether the release is of Usalama for a machine of `arch` (this laptop's).
    pub fn check_machine(&self, arch: &str) -> Result<()> {
        if self.package != "usalama" {
            return Err(Error::Refused(format!(
                "the release is of {}, not of Usalama",
                self.package
            )));
        }
        if self.arch != arch {
            return Err(Error::Refused(format!(
                "the release is for {} machines; this laptop is {arch}",
                self.arch
            )));
        }
        Ok(())
    }

    /// Whether `package` is the package this manifest names.
    pub fn check(&self, package: &[u8]) -> Result<()> {
        if package.len() as u64 != self.size {
            return Err(Error::Integrity(format!(
                "the package holds {} bytes; its release says {}",
                package.len(),
                self.size
            )));
        }
        self.check_digest(&Sha256::digest(package).into())
    }

    /// Whether a package whose SHA-256 is `digest` is the one this manifest names.
    pub fn check_digest(&self, digest: &[u8; 32]) -> Result<()> {
        if digest != &self.sha256 {
            return Err(Error::Integrity(
                "the package is not the one its release names (its SHA-256 differs): it was \
                 damaged or changed"
                    .into(),
            ));
        }
        Ok(())
    }
}

fn signed_bytes(lines: &str) -> Vec<u8> {
    let mut out = DOMAIN.to_vec();
    out.extend_from_slice(lines.as_bytes());
    out
}

impl Release {
    /// Reads a release file and checks its signature against `keys` (see [`accepted_keys`]).
    pub fn parse(bytes: &[u8], keys: &[VerifyingKey]) -> Result<Release> {
        if bytes.len() > MAX_RELEASE_FILE {
            return Err(Error::Malformed(format!(
                "a release file holds at most {MAX_RELEASE_FILE} bytes"
            )));
        }
        let text = std::str::from_utf8(bytes)
            .map_err(|_| Error::Malformed("the release file is not text".into()))?;
        let (manifest, signature, signed) = read_lines(text)?;
        if keys.is_empty() {
            return Err(Error::Unsupported(
                "this build of Usalama accepts no release key, so it installs no update: \
                 install new versions by hand"
                    .into(),
            ));
        }
        let bytes = signed_bytes(signed);
        if !keys
            .iter()
            .any(|k| k.verify_strict(&bytes, &signature).is_ok())
        {
            return Err(Error::Integrity(
                "the release is not signed with the Usalama release key: it was changed, or \
                 someone else made it"
                    .into(),
            ));
        }
        Ok(Release {
            manifest,
            text: text.to_owned(),
        })
    }
}

/// The manifest, its signature and the signed text, from a release file's lines.
fn read_lines(text: &str) -> Result<(Manifest, Signature, &str)> {
    let bad = |what: &str| Error::Malformed(format!("the release file's {what}"));
    let mut lines = text.split_inclusive('\n');
    let mut field = |name: &str| -> Result<&str> {
        let line = lines
            .next()
            .ok_or_else(|| bad(&format!("line `{name}` is missing")))?;
        line.strip_suffix('\n')
            .and_then(|l| l.strip_prefix(name))
            .and_then(|l| l.strip_prefix(' '))
            .ok_or_else(|| bad(&format!("line `{name}` is missing or out of place")))
    };
    if field("usalama-release")? != "1" {
        return Err(Error::Unsupported(
            "the release file is of a format this version does not read".into(),
        ));
    }
    let package = word(field("package")?, 32).ok_or_else(|| bad("package"))?;
    let version: Version = field("version")?.parse()?;
    let arch = Some(field("arch")?)
        .filter(|a| is_arch(a))
        .ok_or_else(|| bad("arch"))?;
    let size = number(field("size")?)
        .filter(|&s| (1..=MAX_PACKAGE).contains(&s))
        .ok_or_else(|| bad("size"))?;
    let mut sha256 = [0u8; 32];
    lower_hex(field("sha256")?, &mut sha256).ok_or_else(|| bad("sha256"))?;
    let schema = number(field("schema")?)
        .and_then(|s| u32::try_from(s).ok())
        .ok_or_else(|| bad("schema"))?;
    let protocol = number(field("protocol")?)
        .and_then(|p| u8::try_from(p).ok())
        .ok_or_else(|| bad("protocol"))?;
    // The signed text ends where the signature's line starts (it is the last, and hex).
    let signed_len = text.rfind("\nsignature ").map_or(text.len(), |at| at + 1);
    let mut signature = [0u8; 64];
    lower_hex(field("signature")?, &mut signature).ok_or_else(|| bad("signature"))?;
    if lines.next().is_some() {
        return Err(bad("end: nothing may follow the signature"));
    }
    let manifest = Manifest {
        package: package.into(),
        version,
        arch: arch.into(),
        size,
        sha256,
        schema,
        protocol,
    };
    Ok((
        manifest,
        Signature::from_bytes(&signature),
        &text[..signed_len],
    ))
}

/// Lower-case hex digits only: one text for one value, so a file that verifies has one form.
fn lower_hex(text: &str, out: &mut [u8]) -> Option<()> {
    text.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        .then(|| hex::decode_to_slice(text, out).ok())
        .flatten()
}

/// Whether `text` can name a machine in a release file: lower-case letters, digits and `-`,
/// at most 16 (`amd64`, `arm64`).
pub fn is_arch(text: &str) -> bool {
    word(text, 16).is_some()
}

/// Lower-case letters, digits and `-`, at most `max` of them.
fn word(text: &str, max: usize) -> Option<&str> {
    (!text.is_empty()
        && text.len() <= max
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
    .then_some(text)
}

/// A decimal number without sign or leading zeros.
fn number(text: &str) -> Option<u64> {
    let plain = !text.is_empty()
        && text.len() <= 12
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    plain.then(|| text.parse().ok()).flatten()
}

/// Debian's name for this build's machine, as releases name it.
pub fn this_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "i386",
        "arm" => "armhf",
        other => other,
    }
}

/// The release keys this build accepts: the release key it was built with, and in a build
/// with debug assertions (tests, never a release build) the published test key too.
pub fn accepted_keys() -> Vec<VerifyingKey> {
    let mut keys: Vec<VerifyingKey> = RELEASE_KEY
        .and_then(|text| {
            let mut bytes = [0u8; 32];
            hex::decode_to_slice(text.trim(), &mut bytes).ok()?;
            VerifyingKey::from_bytes(&bytes).ok()
        })
        .into_iter()
        .collect();
    if cfg!(debug_assertions) {
        keys.push(test_key().verifying_key());
    }
    keys
}

/// The test release key: anyone can derive it, so only builds with debug assertions accept
/// it. Tests sign their packages with it.
pub fn test_key() -> SigningKey {
    SigningKey::from_bytes(
        &Sha256::digest(b"usalama test release key: accepted by test builds only").into(),
    )
}

mod hex_32 {
    use std::result::Result;

    pub fn serialize<S: serde::Serializer>(bytes: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        Manifest::of(
            b"a package",
            "0.3.0".parse().expect("version"),
            "amd64",
            9,
            2,
        )
    }

    #[test]
    fn a_signed_release_reads_back_with_its_manifest() {
        let text = manifest().sign(&test_key());
        let release = Release::parse(text.as_bytes(), &accepted_keys()).expect("verifies");
        assert_eq!(release.manifest, manifest());
        assert_eq!(release.text, text);
        release.manifest.check(b"a package").expect("the package");
        assert!(release.manifest.check(b"a packagf").is_err());
        assert!(release.manifest.check(b"a package!").is_err());
    }

    #[test]
    fn another_key_is_refused() {
        let other = SigningKey::from_bytes(&[7; 32]);
        let text = manifest().sign(&other);
        let e = Release::parse(text.as_bytes(), &accepted_keys()).expect_err("another key");
        assert!(
            e.to_string()
                .contains("not signed with the Usalama release key"),
            "{e}"
        );
        assert!(Release::parse(text.as_bytes(), &[other.verifying_key()]).is_ok());
    }

    #[test]
    fn only_a_build_with_debug_assertions_takes_the_test_key() {
        let takes = accepted_keys().contains(&test_key().verifying_key());
        assert_eq!(takes, cfg!(debug_assertions));
    }

    #[test]
    fn every_changed_byte_is_refused() {
        let text = manifest().sign(&test_key()).into_bytes();
        for i in 0..text.len() {
            for flip in [1u8, 0x20, 0x80] {
                let mut bad = text.clone();
                bad[i] ^= flip;
                assert!(
                    Release::parse(&bad, &accepted_keys()).is_err(),
                    "byte {i} ^ {flip:#x} was accepted"
                );
            }
        }
        for cut in 0..text.len() {
            assert!(
                Release::parse(&text[..cut], &accepted_keys()).is_err(),
                "cut at {cut}"
            );
        }
        let mut longer = text.clone();
        longer.extend_from_slice(b"extra 1\n");
        assert!(Release::parse(&longer, &accepted_keys()).is_err());
    }

    /// The issue's goal: of 1,000 mutated packages, release files and manifests signed with
    /// other keys, none is accepted.
    #[test]
    fn a_thousand_mutations_are_all_refused() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(17);
        let package: Vec<u8> = (0..4096).map(|_| rng.gen()).collect();
        let m = Manifest::of(&package, "0.3.0".parse().expect("version"), "amd64", 9, 2);
        let text = m.sign(&test_key()).into_bytes();
        let keys = accepted_keys();
        let mut accepted = 0;
        for n in 0..1000 {
            let (release, bytes) = match n % 3 {
                0 => (text.clone(), mutate(&mut rng, &package)),
                1 => (mutate(&mut rng, &text), package.clone()),
                _ => {
                    let mut other = m.clone();
                    other.size = rng.gen_range(1..=MAX_PACKAGE);
                    let key = SigningKey::from_bytes(&rng.gen());
                    (other.sign(&key).into_bytes(), package.clone())
                }
            };
            if release == text && bytes == package {
                continue;
            }
            if Release::parse(&release, &keys).is_ok_and(|r| r.manifest.check(&bytes).is_ok()) {
                accepted += 1;
            }
        }
        assert_eq!(accepted, 0);
    }

    /// One to four changes: a byte flipped, inserted or removed, or the end cut off.
    fn mutate(rng: &mut impl rand::Rng, bytes: &[u8]) -> Vec<u8> {
        let mut out = bytes.to_vec();
        for _ in 0..rng.gen_range(1..=4) {
            let at = rng.gen_range(0..out.len().max(1));
            match rng.gen_range(0..4) {
                0 if !out.is_empty() => out[at] ^= rng.gen_range(1..=255u8),
                1 => out.insert(at, rng.gen()),
                2 if !out.is_empty() => {
                    out.remove(at);
                }
                _ => out.truncate(at),
            }
        }
        out
    }
}
