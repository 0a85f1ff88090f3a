//! Where a chief can save a file or find one, in words: the USB sticks plugged in now, and the
//! Documents folder. A chief should never have to type a path.
//!
//! USB sticks are found where desktop Linux mounts them: `/media/USER/NAME` (Debian, Ubuntu)
//! and `/run/media/USER/NAME` (Fedora and others). `USALAMA_MEDIA_DIR` adds one more folder
//! whose subfolders count as sticks (tests, or an unusual mount point).

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};

/// A place to save to or read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    /// `usb` or `documents`.
    pub kind: &'static str,
    /// What to call it: the stick's label, or "Documents".
    pub name: String,
    pub path: PathBuf,
}

/// The USB sticks plugged in now, then the Documents folder (created if missing).
pub fn places() -> Vec<Place> {
    let mut out = Vec::new();
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_default();
    let mut roots: Vec<PathBuf> = Vec::new();
    if let Some(extra) = std::env::var_os("USALAMA_MEDIA_DIR").filter(|d| !d.is_empty()) {
        roots.push(PathBuf::from(extra));
    }
    if !user.is_empty() {
        roots.push(Path::new("/media").join(&user));
        roots.push(Path::new("/run/media").join(&user));
    }
    for root in roots {
        let Ok(entries) = std::fs::read_dir(&root) else {
            continue;
        };
        let mut sticks: Vec<Place> = entries
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| Place {
                kind: "usb",
                name: e.file_name().to_string_lossy().into_owned(),
                path: e.path(),
            })
            .collect();
        sticks.sort_by(|a, b| a.name.cmp(&b.name));
        out.extend(sticks);
    }
    if let Some(docs) =
        dirs::document_dir().or_else(|| dirs::home_dir().map(|h| h.join("Documents")))
    {
        if std::fs::create_dir_all(&docs).is_ok() {
            out.push(Place {
                kind: "documents",
                name: "Documents".into(),
                path: docs,
            });
        }
    }
    out
}

/// The files in `place` whose names end with `extension` (e.g. `.usalama`), newest first.
pub fn files_in(place: &Path, extension: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(place) else {
        return Vec::new();
    };
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(extension))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    files.sort_by_key(|f| std::cmp::Reverse(f.0));
    files.into_iter().map(|(_, p)| p).collect()
}

/// The place offered now whose folder is `path`. A command given a folder by the UI checks it
/// here, so the app writes only to a stick plugged in or to Documents.
pub fn offered(path: &Path) -> Result<Place> {
    places()
        .into_iter()
        .find(|p| p.path == path)
        .ok_or_else(|| {
            Error::invalid(
                "place",
                format!(
                    "{} is not a USB stick plugged in now nor the Documents folder; plug the \
                     stick in again and choose it from the list",
                    path.display()
                ),
            )
        })
}

/// A file found in one of the places offered now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Found {
    pub place: Place,
    /// The file's name, without its folder.
    pub name: String,
    pub path: PathBuf,
    /// When it was last written, RFC 3339 in East Africa Time.
    pub modified: Option<String>,
}

/// The files whose names end with `extension` on every USB stick plugged in and in Documents,
/// each place's newest first.
pub fn found_everywhere(extension: &str) -> Vec<Found> {
    places()
        .into_iter()
        .flat_map(|place| {
            files_in(&place.path, extension)
                .into_iter()
                .map(move |path| found(place.clone(), path))
        })
        .collect()
}

fn found(place: Place, path: PathBuf) -> Found {
    let modified = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .ok()
        .map(|t| {
            let ms = t
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as i64);
            crate::clock::format_ms(ms)
        });
    Found {
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        place,
        path,
        modified,
    }
}

/// `path` if it is a file ending with `extension` directly in a place offered now: what a
/// command given a file by the UI reads, and nothing else.
pub fn offered_file(path: &Path, extension: &str) -> Result<Found> {
    let refuse = || {
        Error::invalid(
            "file",
            format!(
                "{} is not a {extension} file on a USB stick plugged in now nor in Documents; \
                 choose one from the list",
                path.display()
            ),
        )
    };
    if !path.to_string_lossy().ends_with(extension) || !path.is_file() {
        return Err(refuse());
    }
    let folder = path.parent().ok_or_else(refuse)?;
    let place = offered(folder).map_err(|_| refuse())?;
    Ok(found(place, path.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_listed_newest_first_and_by_extension() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(dir.path().join("a.usalama"), b"1").expect("written");
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.path().join("b.usalama"), b"2").expect("written");
        std::fs::write(dir.path().join("notes.txt"), b"3").expect("written");
        let names: Vec<String> = files_in(dir.path(), ".usalama")
            .iter()
            .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["b.usalama", "a.usalama"]);
    }

    #[test]
    fn a_folder_or_file_outside_the_places_offered_is_refused() {
        let dir = tempfile::tempdir().expect("dir");
        let err = offered(dir.path()).expect_err("not offered");
        assert_eq!(err.kind(), "invalid");
        let file = dir.path().join("a.usalama");
        std::fs::write(&file, b"1").expect("written");
        assert_eq!(
            offered_file(&file, ".usalama").expect_err("refused").kind(),
            "invalid"
        );
        // Documents is always offered; a file there with the wrong extension still is not.
        if let Some(docs) = places().into_iter().find(|p| p.kind == "documents") {
            assert_eq!(offered(&docs.path).expect("offered"), docs);
            let other = docs.path.join("usalama-test-not-a-bundle.txt");
            assert!(offered_file(&other, ".usalama").is_err());
        }
    }
}
