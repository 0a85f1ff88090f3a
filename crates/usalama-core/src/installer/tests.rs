//! The installer against real packages made with `dpkg-deb`, unpacked into a throwaway root.

use std::path::PathBuf;
use std::process::Command;

use super::*;
use crate::protocol::release::{test_key, this_arch, Manifest};

struct Laptop {
    _dir: tempfile::TempDir,
    folder: PathBuf,
    root: PathBuf,
    work: PathBuf,
}

impl Laptop {
    fn new() -> Laptop {
        let dir = tempfile::tempdir().expect("dir");
        let folder = dir.path().join("installer");
        let root = dir.path().join("root");
        let work = dir.path().join("work");
        for d in [folder.join("spool"), root.clone(), work.clone()] {
            std::fs::create_dir_all(&d).expect("mkdir");
        }
        Laptop {
            _dir: dir,
            folder,
            root,
            work,
        }
    }

    /// A package whose `usr/bin/usalama-probe --version` prints `version`, and its release
    /// signed with `key` for a store of schema `schema`.
    fn package(
        &self,
        version: &str,
        schema: u32,
        key: &ed25519_dalek::SigningKey,
    ) -> (PathBuf, String) {
        let tree = self.work.join(format!("tree-{version}"));
        std::fs::create_dir_all(tree.join("DEBIAN")).expect("mkdir");
        std::fs::create_dir_all(tree.join("usr/bin")).expect("mkdir");
        std::fs::write(
            tree.join("DEBIAN/control"),
            format!(
                "Package: usalama\nVersion: {version}\nArchitecture: {}\nMaintainer: Usalama \
                 <ict@usalama.invalid>\nDescription: test package\n",
                this_arch()
            ),
        )
        .expect("control");
        let probe = tree.join("usr/bin/usalama-probe");
        std::fs::write(&probe, format!("#!/bin/sh\necho \"usalama {version}\"\n")).expect("probe");
        let mut perms = std::fs::metadata(&probe).expect("meta").permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        std::fs::set_permissions(&probe, perms).expect("chmod");
        let deb = self.work.join(format!("usalama_{version}.deb"));
        let ok = Command::new("dpkg-deb")
            .args(["--root-owner-group", "-Zgzip", "--build"])
            .arg(&tree)
            .arg(&deb)
            .output()
            .expect("dpkg-deb");
        assert!(
            ok.status.success(),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
        let bytes = std::fs::read(&deb).expect("deb");
        let release =
            Manifest::of(&bytes, version.parse().expect("v"), this_arch(), schema, 2).sign(key);
        (deb, release)
    }

    fn run(&self) -> Vec<Outcome> {
        run(&self.folder, &Apply::UnpackInto(self.root.clone())).expect("runs")
    }

    fn probe(&self) -> Option<String> {
        let probe = self.root.join("usr/bin/usalama-probe");
        probe.exists().then(|| {
            let out = Command::new(&probe)
                .arg("--version")
                .output()
                .expect("runs");
            String::from_utf8(out.stdout)
                .expect("text")
                .trim()
                .to_owned()
        })
    }

    fn spool_is_empty(&self) -> bool {
        std::fs::read_dir(self.folder.join("spool"))
            .expect("spool")
            .next()
            .is_none()
    }
}

fn install(laptop: &Laptop, version: &str, schema: u32) -> Outcome {
    let (deb, release) = laptop.package(version, schema, &test_key());
    hand_over(&laptop.folder, &deb, &release).expect("handed over");
    let mut outcomes = laptop.run();
    assert_eq!(outcomes.len(), 1);
    outcomes.remove(0)
}

#[test]
fn a_signed_package_is_installed_and_its_binary_runs() {
    let laptop = Laptop::new();
    let outcome = install(&laptop, "1.0.0", 9);
    assert!(outcome.ok, "{outcome:?}");
    assert_eq!(laptop.probe().as_deref(), Some("usalama 1.0.0"));
    assert!(laptop.spool_is_empty());
    let status = Status::read(&laptop.folder)
        .expect("reads")
        .expect("written");
    assert_eq!(status.installed, Some("1.0.0".parse().expect("v")));
    assert_eq!(status.last, Some(outcome));
}

#[test]
fn a_package_signed_with_another_key_is_never_installed() {
    let laptop = Laptop::new();
    let other = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let (deb, release) = laptop.package("1.0.0", 9, &other);
    hand_over(&laptop.folder, &deb, &release).expect("handed over");
    let outcome = laptop.run().remove(0);
    assert!(!outcome.ok);
    assert!(
        outcome.message.contains("release key"),
        "{}",
        outcome.message
    );
    assert_eq!(laptop.probe(), None, "nothing was unpacked");
    assert!(laptop.spool_is_empty());
}

#[test]
fn a_package_that_is_not_the_one_its_release_names_is_refused() {
    let laptop = Laptop::new();
    let (deb, release) = laptop.package("1.0.0", 9, &test_key());
    let mut bytes = std::fs::read(&deb).expect("deb");
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&deb, &bytes).expect("changed");
    hand_over(&laptop.folder, &deb, &release).expect("handed over");
    let outcome = laptop.run().remove(0);
    assert!(
        !outcome.ok && outcome.message.contains("SHA-256"),
        "{outcome:?}"
    );
    assert_eq!(laptop.probe(), None);
}

#[test]
fn an_older_or_the_same_version_is_refused_and_going_back_works() {
    let laptop = Laptop::new();
    assert!(install(&laptop, "1.0.0", 9).ok);
    assert!(install(&laptop, "1.1.0", 9).ok);
    assert_eq!(laptop.probe().as_deref(), Some("usalama 1.1.0"));
    let replayed = install(&laptop, "1.0.0", 9);
    assert!(
        !replayed.ok && replayed.message.contains("not newer"),
        "{replayed:?}"
    );
    assert_eq!(laptop.probe().as_deref(), Some("usalama 1.1.0"));

    go_back(&laptop.folder).expect("asked");
    let back = laptop.run().remove(0);
    assert!(back.ok, "{back:?}");
    assert_eq!(laptop.probe().as_deref(), Some("usalama 1.0.0"));
    let status = Status::read(&laptop.folder)
        .expect("reads")
        .expect("written");
    assert_eq!(status.installed, Some("1.0.0".parse().expect("v")));
    assert_eq!(status.previous, Some("1.1.0".parse().expect("v")));
}

#[test]
fn going_back_across_a_change_of_the_stores_schema_is_refused() {
    let laptop = Laptop::new();
    assert!(install(&laptop, "1.0.0", 9).ok);
    assert!(install(&laptop, "1.1.0", 10).ok);
    go_back(&laptop.folder).expect("asked");
    let back = laptop.run().remove(0);
    assert!(
        !back.ok && back.message.contains("another form"),
        "{back:?}"
    );
    assert_eq!(laptop.probe().as_deref(), Some("usalama 1.1.0"));
}

#[test]
fn links_and_pipes_in_the_spool_are_not_read() {
    let laptop = Laptop::new();
    let (deb, release) = laptop.package("1.0.0", 9, &test_key());
    let spool = laptop.folder.join("spool");
    std::os::unix::fs::symlink(&deb, spool.join("abc.deb")).expect("link");
    std::fs::write(spool.join("abc.release"), &release).expect("release");
    std::fs::write(spool.join("abc.request"), "install").expect("request");
    let outcome = laptop.run().remove(0);
    assert!(
        !outcome.ok && outcome.message.contains("not a plain file"),
        "{outcome:?}"
    );
    assert_eq!(laptop.probe(), None);
    assert!(laptop.spool_is_empty());
}

#[test]
fn without_the_installer_the_app_says_so() {
    let dir = tempfile::tempdir().expect("dir");
    let e = go_back(&dir.path().join("missing")).expect_err("no installer");
    assert!(e.to_string().contains("installer is missing"), "{e}");
}
