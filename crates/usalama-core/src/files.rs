//! Writing a file so that it is whole or absent, even after a power cut: bundles on a USB
//! stick are pulled out as soon as the command returns.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to `path` through a temporary file beside it, flushed to the device before it
/// takes the final name.
pub fn write_durably(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| Error::invalid("--out", "must name a file, not a folder"))?;
    let tmp = path.with_file_name(format!(".{}.part", name.to_string_lossy()));
    let context = || format!("writing {}", path.display());
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
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

/// Reads a whole file, naming it in the error.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io(format!("reading {}", path.display()), e))
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
}
