//! The app's side of the installer: it hands over a package it has verified, or asks to go
//! back, by writing into the spool folder; the installer (root) does the rest and writes its
//! status.

use std::path::Path;

use crate::error::{Error, Result};
use crate::files::write_durably;

/// Asks the installer to install `package`, whose release file is `release`: both are copied
/// into the spool under a fresh name, then the request that starts the installer.
pub fn hand_over(folder: &Path, package: &Path, release: &str) -> Result<()> {
    let spool = spool(folder)?;
    let name = fresh_name();
    let bytes = std::fs::read(package)
        .map_err(|e| Error::Unsupported(format!("reading {}: {e}", package.display())))?;
    write_durably(&spool.join(format!("{name}.deb")), &bytes)?;
    write_durably(&spool.join(format!("{name}.release")), release.as_bytes())?;
    write_durably(&spool.join(format!("{name}.request")), b"install")?;
    Ok(())
}

/// Asks the installer to go back to the version it kept.
pub fn go_back(folder: &Path) -> Result<()> {
    let spool = spool(folder)?;
    write_durably(&spool.join(format!("{}.request", fresh_name())), b"go-back")?;
    Ok(())
}

fn spool(folder: &Path) -> Result<std::path::PathBuf> {
    let spool = folder.join("spool");
    if !spool.is_dir() {
        return Err(Error::Unsupported(format!(
            "the update installer is missing on this laptop (no {}): install the new version \
             by hand, from a USB stick the county ICT office gives you",
            spool.display()
        )));
    }
    Ok(spool)
}

/// A name no other request has: the spool is shared by everyone on the laptop.
fn fresh_name() -> String {
    format!("{:016x}", rand::random::<u64>())
}
