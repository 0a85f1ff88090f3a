//! `release keygen`, `sign` and `verify`, on the machine that signs releases (never the hub);
//! and `installer run`, the privileged step the systemd unit starts as root.

use std::path::{Path, PathBuf};
use std::process::Command;

use ed25519_dalek::SigningKey;
use serde::Serialize;
use usalama_core::installer::{self, Apply, Outcome};
use usalama_core::protocol::release::{accepted_keys, Manifest, Release, Version, MAX_PACKAGE};
use usalama_core::protocol::wire::PROTOCOL;

use super::unlock::print_json;
use crate::args::SignArgs;
use crate::failure::Failure;

/// Makes a release key: the secret half in `out` (readable by its owner only), the public
/// half printed, for the builds (`USALAMA_RELEASE_KEY`).
pub(super) fn keygen(out: &Path, json: bool) -> Result<(), Failure> {
    if out.exists() {
        return Err(Failure::usage(format!(
            "{} exists already; a release key is never overwritten",
            out.display()
        )));
    }
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let public = hex::encode(key.verifying_key().as_bytes());
    write_secret(out, &format!("{}\n", hex::encode(key.to_bytes())))?;
    if json {
        return print_json(&serde_json::json!({ "public_key": public, "secret_key_file": out }));
    }
    say!(
        "The release key's secret half is in {} (keep it offline).",
        out.display()
    );
    say!("Build release packages with USALAMA_RELEASE_KEY={public}");
    Ok(())
}

/// Signs a package: writes `PACKAGE.release` (or `--out`).
pub(super) fn sign(args: SignArgs, json: bool) -> Result<(), Failure> {
    let key = read_key(&args.key)?;
    let package = usalama_core::files::read_at_most(
        &args.package,
        MAX_PACKAGE as usize,
        "a Usalama package",
    )?;
    let version: Version = match args.version {
        Some(v) => v.parse()?,
        None => deb_field(&args.package, "Version")?.parse()?,
    };
    let arch = match args.arch {
        Some(a) => a,
        None => deb_field(&args.package, "Architecture")?,
    };
    let schema = args
        .schema
        .unwrap_or_else(usalama_core::store::schema_version);
    let manifest = Manifest::of(&package, version, &arch, schema, PROTOCOL);
    let text = manifest.sign(&key);
    // Read back with the parser every device uses, against this key.
    Release::parse(text.as_bytes(), &[key.verifying_key()])?;
    let out = args
        .out
        .unwrap_or_else(|| with_suffix(&args.package, ".release"));
    if out.exists() {
        return Err(Failure::usage(format!(
            "{} exists already; nothing was written",
            out.display()
        )));
    }
    usalama_core::files::write_durably(&out, text.as_bytes())?;
    if json {
        return print_json(&serde_json::json!({ "release": out, "manifest": manifest }));
    }
    say!(
        "Signed version {} for {} ({} bytes, schema {}): {}",
        manifest.version,
        manifest.arch,
        manifest.size,
        manifest.schema,
        out.display()
    );
    Ok(())
}

/// Checks a package against its release with the keys this build accepts, as a device would.
pub(super) fn verify(
    package: &Path,
    signature: Option<PathBuf>,
    json: bool,
) -> Result<(), Failure> {
    let signature = signature.unwrap_or_else(|| with_suffix(package, ".release"));
    let text = usalama_core::files::read_at_most(&signature, 1024, "a release file")?;
    let release = Release::parse(&text, &accepted_keys())?;
    let bytes = usalama_core::files::read_at_most(package, MAX_PACKAGE as usize, "a package")?;
    release.manifest.check(&bytes)?;
    if json {
        return print_json(&release.manifest);
    }
    say!(
        "Version {} for {}: signed with the release key, and the package is the one it names.",
        release.manifest.version,
        release.manifest.arch
    );
    Ok(())
}

#[derive(Debug, Serialize)]
struct Ran {
    outcomes: Vec<Outcome>,
}

/// Takes the installer's requests: as root with `dpkg -i`, or unpacking into a folder.
pub(super) fn run_installer(
    folder: Option<PathBuf>,
    unpack_into: Option<PathBuf>,
    json: bool,
) -> Result<(), Failure> {
    let folder = folder.unwrap_or_else(installer::folder);
    let apply = unpack_into.map_or(Apply::Dpkg, Apply::UnpackInto);
    let outcomes = installer::run(&folder, &apply)?;
    if json {
        return print_json(&Ran { outcomes });
    }
    for o in &outcomes {
        say!("{}: {}", if o.ok { "done" } else { "refused" }, o.message);
    }
    if outcomes.is_empty() {
        say!("Nothing to install.");
    }
    Ok(())
}

fn deb_field(package: &Path, field: &str) -> Result<String, Failure> {
    let out = Command::new("dpkg-deb")
        .arg("--field")
        .arg(package)
        .arg(field)
        .output()
        .map_err(|e| {
            Failure::usage(format!(
                "could not read the package's {field} with dpkg-deb ({e}); give --{} instead",
                field.to_lowercase()
            ))
        })?;
    let value = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if !out.status.success() || value.is_empty() {
        return Err(Failure::usage(format!(
            "{} is not a Debian package whose {field} dpkg-deb can read",
            package.display()
        )));
    }
    Ok(value)
}

fn read_key(path: &Path) -> Result<SigningKey, Failure> {
    let text = usalama_core::files::read_at_most(path, 128, "a release key")?;
    let mut secret = [0u8; 32];
    hex::decode_to_slice(String::from_utf8_lossy(&text).trim(), &mut secret).map_err(|_| {
        Failure::usage(format!(
            "{} is not a release key (64 hex digits, as `usalama release keygen` writes)",
            path.display()
        ))
    })?;
    Ok(SigningKey::from_bytes(&secret))
}

fn write_secret(path: &Path, text: &str) -> Result<(), Failure> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| Failure::usage(format!("could not write {}: {e}", path.display())))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| Failure::usage(format!("could not write {}: {e}", path.display())))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
