//! The update files in the home folder: packages are public, signed bytes, so they are kept as
//! plain files beside the encrypted database rather than in it.
//!
//! ```text
//! <home>/updates/
//!   usalama-0.3.0_amd64.deb.part            being fetched, chunk by chunk
//!   usalama-0.2.0-0.3.0_amd64.delta.part    a delta being fetched
//!   usalama-0.3.0_amd64.deb                 whole and verified: ready
//!   installed/usalama-0.2.0_amd64.deb       the package of the running version, for deltas
//! ```
//!
//! Every chunk is appended and flushed to disk before the next is asked for, and the store
//! records the bytes held only after: a cut loses at most the chunk in flight.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::protocol::release::{this_arch, Version};

/// This device as updates see it: the version it runs, its machine, and its updates folder.
#[derive(Debug, Clone)]
pub struct Shelf {
    pub running: Version,
    pub arch: String,
    pub dir: PathBuf,
    /// The free space a fetch leaves on the disk, for the store and everything else.
    pub reserve: u64,
}

/// The free space a fetch leaves by default.
pub const RESERVE: u64 = 64 << 20;

impl Shelf {
    /// The updates folder of the store in `home`, for this build.
    pub fn of(home: &Path) -> Shelf {
        Shelf {
            running: Version::running(),
            arch: this_arch().into(),
            dir: home.join("updates"),
            reserve: RESERVE,
        }
    }

    fn name(&self, version: Version) -> String {
        format!("usalama-{version}_{}", self.arch)
    }

    /// Where a verified package waits to be installed.
    pub fn package(&self, version: Version) -> PathBuf {
        self.dir.join(format!("{}.deb", self.name(version)))
    }

    /// Where a package is fetched.
    pub fn package_part(&self, version: Version) -> PathBuf {
        self.dir.join(format!("{}.deb.part", self.name(version)))
    }

    /// Where a delta from `from` is fetched.
    pub fn delta_part(&self, from: Version, version: Version) -> PathBuf {
        self.dir
            .join(format!("usalama-{from}-{version}_{}.delta.part", self.arch))
    }

    /// Where this device keeps the package of a version it installed.
    pub fn installed(&self, version: Version) -> PathBuf {
        self.dir
            .join("installed")
            .join(format!("{}.deb", self.name(version)))
    }

    /// Creates the folder (the user's alone, like the home folder).
    pub fn make(&self) -> Result<()> {
        use std::os::unix::fs::DirBuilderExt;
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(self.dir.join("installed"))
            .map_err(|e| io(&self.dir, e))
    }

    /// Removes every fetched or waiting file (not the installed package).
    pub fn clear(&self) -> Result<()> {
        self.clear_except(Path::new(""))
    }

    /// Removes every fetched or waiting file but `keep`.
    pub fn clear_except(&self, keep: &Path) -> Result<()> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io(&self.dir, e)),
        };
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| !t.is_dir()) && entry.path() != keep {
                remove(&entry.path())?;
            }
        }
        Ok(())
    }

    /// Keeps `package` as the installed package of `version`, in place of any other.
    pub fn keep_installed(&self, package: &Path, version: Version) -> Result<()> {
        self.make()?;
        let target = self.installed(version);
        for entry in fs::read_dir(self.dir.join("installed"))
            .map_err(|e| io(&self.dir, e))?
            .flatten()
        {
            if entry.path() != target {
                remove(&entry.path())?;
            }
        }
        rename(package, &target)
    }

    /// Free bytes on the folder's file system for this user, if the system says.
    pub fn free_space(&self) -> Option<u64> {
        let probe = if self.dir.exists() {
            self.dir.as_path()
        } else {
            self.dir.parent()?
        };
        let s = rustix::fs::statvfs(probe).ok()?;
        Some(s.f_bavail.saturating_mul(s.f_frsize))
    }
}

/// The bytes held of a partial file, resumed: the file is cut back to what the store recorded
/// (a chunk written but not recorded is asked again), and a file shorter than the record (it
/// was removed, or the disk lost its end) is taken at its length.
pub fn resume(path: &Path, recorded: u64) -> Result<u64> {
    let len = match fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
        Err(e) => return Err(io(path, e)),
    };
    let held = len.min(recorded);
    if len > held {
        let file = OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| io(path, e))?;
        file.set_len(held).map_err(|e| io(path, e))?;
        file.sync_all().map_err(|e| io(path, e))?;
    }
    Ok(held)
}

/// Appends a chunk to a partial file and flushes it to disk before returning.
pub fn append(path: &Path, bytes: &[u8]) -> Result<()> {
    let created = !path.exists();
    let mut file = OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| io(path, e))?;
    file.write_all(bytes).map_err(|e| io(path, e))?;
    file.sync_all().map_err(|e| io(path, e))?;
    if created {
        sync_parent(path);
    }
    Ok(())
}

/// A file's size and SHA-256, read in pieces (a package may be large).
pub fn digest(path: &Path) -> Result<(u64, [u8; 32])> {
    let mut file = File::open(path).map_err(|e| io(path, e))?;
    let mut sha = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(|e| io(path, e))?;
        if n == 0 {
            return Ok((size, sha.finalize().into()));
        }
        size += n as u64;
        sha.update(&buf[..n]);
    }
}

/// Renames a file, durably.
pub fn rename(from: &Path, to: &Path) -> Result<()> {
    fs::rename(from, to).map_err(|e| io(to, e))?;
    sync_parent(to);
    Ok(())
}

/// Removes a file if it is there.
pub fn remove(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(path, e)),
        _ => Ok(()),
    }
}

fn sync_parent(path: &Path) {
    if let Some(dir) = path.parent() {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

fn io(path: &Path, e: std::io::Error) -> Error {
    Error::io(format!("updates: {}", path.display()), e)
}
