//! Packages for the update tests and benchmark: a real `.deb` made with `dpkg-deb`, holding a
//! `usalama-probe` whose `--version` names its version, and its release signed with the test
//! key (which only builds with debug assertions accept).

use std::path::{Path, PathBuf};
use std::process::Command;

use usalama_core::protocol::release::{test_key, this_arch, Manifest};

/// A package of `version` in `dir`, with `padding` bytes of incompressible filler (to reach a
/// size), and its release file's text. The filler comes from `seed`: two packages with the
/// same seed share it, as two consecutive builds share most of their bytes.
pub fn package(dir: &Path, version: &str, padding: usize, seed: u64) -> (PathBuf, String) {
    use rand::{Rng, SeedableRng};
    let tree = dir.join(format!("tree-{version}"));
    std::fs::create_dir_all(tree.join("DEBIAN")).expect("mkdir");
    std::fs::create_dir_all(tree.join("usr/bin")).expect("mkdir");
    std::fs::create_dir_all(tree.join("usr/share/usalama")).expect("mkdir");
    std::fs::write(
        tree.join("DEBIAN/control"),
        format!(
            "Package: usalama\nVersion: {version}\nArchitecture: {}\nMaintainer: Usalama \
             <ict@usalama.invalid>\nDescription: a test package\n",
            this_arch()
        ),
    )
    .expect("control");
    let probe = tree.join("usr/bin/usalama-probe");
    std::fs::write(&probe, format!("#!/bin/sh\necho \"usalama {version}\"\n")).expect("probe");
    let mut perms = std::fs::metadata(&probe).expect("meta").permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&probe, perms).expect("chmod");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let filler: Vec<u8> = (0..padding).map(|_| rng.gen()).collect();
    std::fs::write(tree.join("usr/share/usalama/filler"), filler).expect("filler");
    let deb = dir.join(format!("usalama_{version}_{}.deb", this_arch()));
    // Uncompressed data, so that two packages sharing filler share bytes (as builds do).
    let out = Command::new("dpkg-deb")
        .args(["--root-owner-group", "-Znone", "--build"])
        .arg(&tree)
        .arg(&deb)
        .output()
        .expect("dpkg-deb runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&deb).expect("deb");
    let manifest = Manifest::of(
        &bytes,
        version.parse().expect("version"),
        this_arch(),
        usalama_core::store::schema_version(),
        usalama_core::wire::PROTOCOL,
    );
    let release = manifest.sign(&test_key());
    std::fs::write(
        dir.join(format!("usalama_{version}_{}.deb.release", this_arch())),
        &release,
    )
    .expect("release file");
    (deb, release)
}
