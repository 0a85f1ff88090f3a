//! Spawning the real binaries against a fresh home folder per test.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use serde_json::Value;
use tempfile::TempDir;
pub use usalama_tests::hub::TestHub;

pub const PASSPHRASE: &str = "goats graze where the river bends";

/// The `usalama` binary of this build, built first if a plain `cargo test` has not yet.
pub fn usalama_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| built_binary("usalama"))
}

/// The `usalama-hub` binary of this build.
pub fn hub_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| built_binary("usalama-hub"))
}

/// Builds a workspace binary (package and binary share the name) and returns its path.
fn built_binary(name: &str) -> PathBuf {
    // target/<profile>/deps/integration-… → target/<profile>/NAME
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe.parent().and_then(Path::parent).expect("target dir");
    let bin = dir.join(name);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "-p", name, "--bin", name])
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building {name} failed");
    assert!(bin.exists(), "no {name} binary at {}", bin.display());
    bin
}

/// A fresh home folder, removed when dropped.
pub struct Home {
    pub dir: TempDir,
    /// The store's passphrase: `PASSPHRASE` unless the store was made elsewhere.
    pub passphrase: &'static str,
}

impl Home {
    pub fn new() -> Home {
        Home {
            dir: tempfile::tempdir().expect("temp dir"),
            passphrase: PASSPHRASE,
        }
    }

    /// A home holding a copy of the store in `store` (its files, as another device or version
    /// left them), opened with `passphrase`.
    pub fn copied(store: &Path, passphrase: &'static str) -> Home {
        let home = Home {
            passphrase,
            ..Home::new()
        };
        for file in std::fs::read_dir(store).expect("a store folder") {
            let file = file.expect("an entry");
            std::fs::copy(file.path(), home.path().join(file.file_name())).expect("copied");
        }
        home
    }

    /// A home with a chief's store in it.
    pub fn chief() -> Home {
        let home = Home::new();
        home.ok(&[
            "init",
            "--name",
            "Joseph Korkimul",
            "--role",
            "chief",
            "--unit",
            "ke-024-l-ombolion",
        ]);
        home
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(usalama_bin());
        cmd.args(args)
            .env("USALAMA_HOME", self.path())
            .env("USALAMA_PASSPHRASE", self.passphrase)
            .env("USALAMA_KDF", "fast-insecure")
            .env_remove("USALAMA_NEW_PASSPHRASE")
            .stdin(Stdio::null());
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("usalama runs")
    }

    /// Runs with `stdin` as standard input.
    pub fn run_with_input(&self, args: &[&str], stdin: &str) -> Output {
        use std::io::Write;
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("usalama runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("written");
        child.wait_with_output().expect("finishes")
    }

    /// Runs and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "usalama {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let mut args = args.to_vec();
        args.push("--json");
        let text = self.ok(&args);
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("not one JSON document ({e}): {text}"))
    }

    /// Writes `doc` to a file in the home's parent folder and returns its path.
    pub fn file(&self, name: &str, doc: &Value) -> String {
        let path = self.path().join(name);
        std::fs::write(&path, doc.to_string()).expect("written");
        path.display().to_string()
    }

    /// Adds one report and returns its id.
    pub fn add(&self, doc: &Value) -> String {
        let file = self.file("report.json", doc);
        self.ok(&["report", "add", &file]).trim().to_owned()
    }

    pub fn report_count(&self) -> usize {
        self.json(&["report", "list"])
            .as_array()
            .expect("array")
            .len()
    }

    pub fn entry_count(&self) -> u64 {
        self.json(&["verify"])["entries"].as_u64().expect("entries")
    }
}

/// The kinds of a shown report's timeline items, oldest first.
pub fn timeline_kinds(shown: &Value) -> Vec<&str> {
    shown["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|t| t["kind"].as_str().unwrap_or_default())
        .collect()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

impl Home {
    /// A home enrolled with `hub` as this person.
    pub fn enrolled(
        hub: &TestHub,
        name: &str,
        role: &str,
        unit: &str,
        agency: Option<&str>,
    ) -> Home {
        let home = Home::new();
        home.ok(&["init", "--name", name, "--role", "chief"]);
        home.ok(&[
            "enroll",
            "--string",
            &hub.enrollment(name, role, unit, agency),
        ]);
        hub.approve_pending();
        home
    }

    /// `usalama sync --json`, asserting it completed.
    pub fn sync(&self) -> Value {
        let report = self.json(&["sync"]);
        assert_eq!(report["complete"], true, "sync failed: {report}");
        report
    }

    /// Report ids this device lists.
    pub fn report_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .json(&["report", "list"])
            .as_array()
            .expect("array")
            .iter()
            .map(|r| r["id"].as_str().unwrap_or_default().to_owned())
            .collect();
        ids.sort();
        ids
    }
}

/// `usalama-hub ARGS` on the test hub's database, as the county ICT officer runs it.
pub fn hub_cli(hub: &TestHub, args: &[&str]) -> Output {
    Command::new(hub_bin())
        .arg("--db")
        .arg(hub.dir.path().join("hub.db"))
        .args(args)
        .output()
        .expect("usalama-hub runs")
}

/// `usalama-hub ARGS --json`, asserting success.
pub fn hub_json(hub: &TestHub, args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.push("--json");
    let out = hub_cli(hub, &args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "usalama-hub {args:?}: {}",
        stderr(&out)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

/// A field (`id`, `person`, ...) of the first device enrolled for `name`, as
/// `usalama-hub devices list` prints it.
pub fn hub_device(hub: &TestHub, name: &str, field: &str) -> String {
    let devices = hub_json(hub, &["devices", "list"]);
    devices
        .as_array()
        .expect("array")
        .iter()
        .find(|d| d["name"] == name)
        .and_then(|d| d[field].as_str())
        .unwrap_or_else(|| panic!("no device for {name} with {field}: {devices}"))
        .to_owned()
}

impl Home {
    /// A new laptop for the person enrolled as `name` (a chief in `unit`), enrolled with
    /// `usalama-hub invite --person`; and the person's id.
    pub fn replacement(hub: &TestHub, name: &str, unit: &str) -> (Home, String) {
        let person = hub_device(hub, name, "person");
        let invite = hub_json(
            hub,
            &[
                "invite",
                "--name",
                name,
                "--role",
                "chief",
                "--unit",
                unit,
                "--person",
                &person,
                "--address",
                &hub.url,
            ],
        );
        let home = Home::from_enrollment(name, invite["enrollment"].as_str().expect("enrollment"));
        (home, person)
    }

    /// A new home for `name`, enrolled with `enrollment` (which sets the role).
    pub fn from_enrollment(name: &str, enrollment: &str) -> Home {
        let home = Home::new();
        home.ok(&["init", "--name", name, "--role", "chief"]);
        home.ok(&["enroll", "--string", enrollment]);
        home
    }
}

/// Whether `bytes` hold `marker`, in any case.
pub fn holds(bytes: &[u8], marker: &str) -> bool {
    let marker = marker.to_ascii_lowercase().into_bytes();
    bytes
        .to_ascii_lowercase()
        .windows(marker.len())
        .any(|w| w == marker.as_slice())
}

/// Every file under `dir` whose bytes hold `marker`, found by `grep` in a process of its own.
///
/// Not read from this process: a test hub's SQLite connection may live here, and closing any
/// other descriptor of its files would drop that connection's POSIX locks (SQLite's "how to
/// corrupt" 2.2), letting another process's checkpoint pull the log from under it.
pub fn files_holding(dir: &Path, marker: &str) -> Vec<PathBuf> {
    let out = Command::new("grep")
        .args([
            "--recursive",
            "--files-with-matches",
            "--ignore-case",
            "--text",
            "--fixed-strings",
            marker,
        ])
        .arg(dir)
        .output()
        .expect("grep runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "grep failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(PathBuf::from)
        .collect()
}

/// The tables of a device's store whose decrypted rows hold `marker` (the store's files are
/// encrypted, so their bytes never would): the ledger, the projections, the county keys and the
/// text index's own tables.
pub fn tables_holding(home: &Home, marker: &str) -> Vec<String> {
    use rusqlite::types::ValueRef;
    let key = usalama_core::Store::data_key(home.path(), home.passphrase).expect("key");
    let conn =
        rusqlite::Connection::open(usalama_core::Store::database_path(home.path())).expect("opens");
    conn.pragma_update(None, "key", key.sqlcipher_pragma().as_str())
        .expect("keyed");
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'",
        )
        .expect("tables")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("names");
    assert!(
        tables.iter().any(|t| t == "reports_text_data"),
        "{tables:?}"
    );
    tables
        .into_iter()
        .filter(|table| {
            let mut stmt = conn
                .prepare(&format!("SELECT * FROM \"{table}\""))
                .expect("select");
            let columns = stmt.column_count();
            let mut rows = stmt.query([]).expect("rows");
            let mut found = false;
            while let Some(row) = rows.next().expect("row") {
                for i in 0..columns {
                    found |= match row.get_ref(i).expect("value") {
                        ValueRef::Text(b) | ValueRef::Blob(b) => holds(b, marker),
                        _ => false,
                    };
                }
            }
            found
        })
        .collect()
}
