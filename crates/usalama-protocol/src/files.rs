//! Files on a USB stick: written so that they are whole or absent, even after a power cut
//! (bundles are pulled out as soon as the command returns), and never through a link; read only
//! up to the size they may have.
//!
//! A stick comes from elsewhere and may have been prepared by someone hostile: a file name that
//! is a symbolic link to the user's own files, or a "bundle" that is a link to a device that
//! never ends. Writing refuses a link at the target and creates its temporary file anew (so a
//! link there is never followed); reading checks the size before reading and reads no more.

use std::io::{Read, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to `path` through a temporary file beside it, flushed to the device before it
/// takes the final name. A `path` that is a symbolic link is refused.
pub fn write_durably(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| Error::invalid("--out", "must name a file, not a folder"))?;
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(Error::invalid(
            "--out",
            format!(
                "{} is a symbolic link; Usalama does not write through links (one on a USB \
                 stick may point at other files on this laptop). Delete it, or choose another \
                 name",
                path.display()
            ),
        ));
    }
    let tmp = path.with_file_name(format!(".{}.part", name.to_string_lossy()));
    let context = || format!("writing {}", path.display());
    let result = (|| {
        // A leftover of an interrupted write, or a link someone put there: removed (a link is
        // removed, not what it points at), then created new, which never follows a link.
        if let Err(e) = std::fs::remove_file(&tmp) {
            if e.kind() != std::io::ErrorKind::NotFound {
                return Err(e);
            }
        }
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // Makes the new name durable too; some file systems (FAT on USB sticks) cannot
            // open a folder, and there the rename is as durable as it gets.
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(context(), e)
    })
}

/// Reads a regular file of at most `limit` bytes, `what` naming what it should be ("a bundle").
/// The size is checked before reading, and the read stops after `limit` bytes whatever the size
/// said (a file that grows, a device behind a link), so a huge file costs nothing.
pub fn read_at_most(path: &Path, limit: usize, what: &str) -> Result<Vec<u8>> {
    let io = |e| Error::io(format!("reading {}", path.display()), e);
    let too_large = || {
        Error::Malformed(format!(
            "{} is larger than {limit} bytes, too large to be {what}",
            path.display()
        ))
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(Error::Malformed(format!(
            "{} is not a file, so it cannot be {what}",
            path.display()
        )));
    }
    if meta.len() > limit as u64 {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_durable_write_leaves_only_the_file() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("x.usalama");
        write_durably(&path, b"hello").expect("written");
        write_durably(&path, b"again").expect("rewritten");
        assert_eq!(std::fs::read(&path).expect("read"), b"again");
        let names: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
        assert_eq!(names.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_on_the_stick_is_never_written_through() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().expect("dir");
        let mine = dir.path().join("my-own-file");
        std::fs::write(&mine, b"precious").expect("written");
        let stick = dir.path().join("stick");
        std::fs::create_dir(&stick).expect("stick");

        // The target itself is a link: refused, and the file it points at is untouched.
        let target = stick.join("to-county.usalama");
        symlink(&mine, &target).expect("link");
        let err = write_durably(&target, b"bundle").expect_err("refused");
        assert!(matches!(err, Error::Invalid(_)), "{err:?}");
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read(&mine).expect("read"), b"precious");

        // The temporary file's name is a link: it is replaced, never followed.
        let target = stick.join("summary.pdf");
        symlink(&mine, stick.join(".summary.pdf.part")).expect("link");
        write_durably(&target, b"summary").expect("written");
        assert_eq!(std::fs::read(&mine).expect("read"), b"precious");
        assert_eq!(std::fs::read(&target).expect("read"), b"summary");
        assert!(!std::fs::symlink_metadata(&target)
            .expect("meta")
            .file_type()
            .is_symlink());
    }

    #[test]
    fn a_file_larger_than_allowed_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("huge.usalama");
        // Sparse: a terabyte on paper, nothing on disk; reading it would never end.
        let file = std::fs::File::create(&path).expect("created");
        file.set_len(1 << 40).expect("sized");
        let err = read_at_most(&path, 1 << 20, "a bundle").expect_err("refused");
        assert!(matches!(err, Error::Malformed(_)), "{err:?}");
        assert!(
            err.to_string().contains("too large to be a bundle"),
            "{err}"
        );
        std::fs::write(&path, b"small").expect("written");
        assert_eq!(read_at_most(&path, 5, "a bundle").expect("read"), b"small");
        assert!(read_at_most(&path, 4, "a bundle").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_device_behind_a_link_is_not_read() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("endless.usalama");
        std::os::unix::fs::symlink("/dev/zero", &path).expect("link");
        let err = read_at_most(&path, 1 << 20, "a bundle").expect_err("refused");
        assert!(err.to_string().contains("not a file"), "{err}");
    }
}
