//! The hub under test: a real `usalama-hub serve` process on 127.0.0.1, on a fresh database
//! (an SQLite file in a temporary folder, or a new PostgreSQL database made through the admin
//! URL given and dropped afterwards), its invites made beforehand with the hub's own library
//! as `usalama-hub invite` makes them, and its memory read from /proc.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use usalama_core::domain::{Agency, Role};
use usalama_hub::hub::InviteRequest;

use super::error::LoadError;

/// Where the hub under test keeps its data.
#[derive(Debug)]
pub enum Database {
    Sqlite(PathBuf),
    /// A database made for this run: the admin URL it was made through, and its name.
    Postgres {
        admin: String,
        name: String,
    },
}

impl Database {
    /// A fresh database: an SQLite file in `dir`, or, given a `postgres://` URL whose role may
    /// create databases, a new database beside the one it names.
    pub fn fresh(db: Option<&str>, dir: &Path) -> Result<Database, LoadError> {
        match db {
            None => Ok(Database::Sqlite(dir.join("hub.db"))),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                let name = format!("usalama_load_{:016x}", rand::random::<u64>());
                psql(url, &format!("CREATE DATABASE {name}"))?;
                Ok(Database::Postgres {
                    admin: url.to_owned(),
                    name,
                })
            }
            Some(other) => Err(LoadError::Usage(format!(
                "--db {other:?}: give a postgres:// URL (a fresh database is made beside it); \
                 without --db the hub runs on a fresh SQLite file"
            ))),
        }
    }

    /// What `usalama-hub --db` takes.
    pub fn spec(&self) -> String {
        match self {
            Database::Sqlite(path) => path.display().to_string(),
            Database::Postgres { admin, name } => crate::postgres::with_database(admin, name),
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Database::Sqlite(_) => "sqlite",
            Database::Postgres { .. } => "postgres",
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Database::Postgres { admin, name } = self {
            if let Err(e) = psql(
                admin,
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            ) {
                eprintln!("could not drop the run's database {name}: {e}");
            }
        }
    }
}

/// Runs `sql` on the database at `url`.
fn psql(url: &str, sql: &str) -> Result<(), LoadError> {
    crate::postgres::psql(url, sql).map_err(LoadError::Hub)
}

/// Someone to invite.
#[derive(Debug, Clone)]
pub struct Invitee {
    pub role: Role,
    pub unit: String,
    pub agency: Option<Agency>,
}

/// The hub over `db`, through its library, as the administrator's commands open it: it makes
/// the hub's key and loads the shipped gazetteer the first time.
pub fn open(db: &Database) -> Result<usalama_hub::Hub, LoadError> {
    Ok(usalama_hub::Hub::open(usalama_hub::db::open(&db.spec())?)?)
}

/// The county's units with no unit below them, and the county itself.
pub fn leaves(hub: &usalama_hub::Hub) -> Result<(Vec<String>, String), LoadError> {
    let units = hub.units()?;
    let county = units
        .iter()
        .find(|u| u.parent.is_none())
        .map(|u| u.id.clone())
        .ok_or_else(|| LoadError::Hub("the gazetteer has no county".into()))?;
    let leaves = units
        .iter()
        .filter(|u| !u.retired && !units.iter().any(|c| c.parent.as_deref() == Some(&u.id)))
        .map(|u| u.id.clone())
        .collect();
    Ok((leaves, county))
}

/// One enrollment code per invitee, in order, as `usalama-hub invite` makes them.
pub fn invite(hub: &usalama_hub::Hub, invitees: &[Invitee]) -> Result<Vec<String>, LoadError> {
    let mut codes = Vec::with_capacity(invitees.len());
    for (i, who) in invitees.iter().enumerate() {
        let code = hub.invite(&InviteRequest {
            name: format!("Load {} {i}", who.role),
            role: who.role,
            unit: who.unit.clone(),
            agency: who.agency,
            cleared: false,
            person: None,
            hours: 24,
        })?;
        codes.push(code.code);
    }
    Ok(codes)
}

/// A running `usalama-hub serve`, stopped when dropped.
#[derive(Debug)]
pub struct Served {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub url: String,
}

impl Served {
    /// Starts `bin` on `db`, on free loopback ports, with `args` after `serve`'s own; its log
    /// goes to `log` (or nowhere).
    pub fn start(
        bin: &Path,
        db: &Database,
        dir: &Path,
        args: &[String],
        log: Option<&Path>,
    ) -> Result<Served, LoadError> {
        let stderr = match log {
            Some(path) => Stdio::from(std::fs::File::create(path)?),
            None => Stdio::null(),
        };
        let mut child = Command::new(bin)
            .current_dir(dir)
            .arg("--db")
            .arg(db.spec())
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--admin-listen",
                "127.0.0.1:0",
            ])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .map_err(|e| LoadError::Hub(format!("{}: {e}", bin.display())))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| LoadError::Hub("no stdout".into()))?;
        let mut lines = std::io::BufReader::new(stdout).lines();
        let mut url = None;
        for line in lines.by_ref() {
            let line = line?;
            if line.starts_with("usalama-hub listening on") {
                url = line
                    .split_whitespace()
                    .find(|w| w.contains("://"))
                    .map(str::to_owned);
            }
            if line.starts_with("health and metrics on") {
                break;
            }
        }
        // The rest of stdout is not read; a full pipe must not stop the hub.
        std::thread::spawn(move || for _ in lines {});
        let mut served = Served {
            child,
            url: String::new(),
        };
        served.url = url.ok_or_else(|| {
            LoadError::Hub("it stopped before it listened (see --hub-log)".into())
        })?;
        Ok(served)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A line of /proc/PID/status, in KiB (`VmRSS`, `VmHWM`).
pub fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Resets the process's peak resident memory (VmHWM) to its current size, so that the peak
/// read later is the peak since now. Returns whether the kernel took it.
pub fn reset_peak(pid: u32) -> bool {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok()
}

/// The `usalama-hub` binary beside this one (the same target folder and profile).
pub fn default_bin() -> Result<PathBuf, LoadError> {
    let exe = std::env::current_exe()?;
    let dir = exe
        .parent()
        .ok_or_else(|| LoadError::Hub("no folder".into()))?;
    // A test binary lives one level further down, in deps/.
    for candidate in [dir.join("usalama-hub"), dir.join("../usalama-hub")] {
        if candidate.exists() {
            return Ok(candidate);
        }
    }
    Err(LoadError::Usage(format!(
        "no usalama-hub binary beside {}: build it (cargo build -p usalama-hub, with --release \
         for a release run) or name one with --hub-bin",
        exe.display()
    )))
}
