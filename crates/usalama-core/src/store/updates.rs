//! What this device knows of updates, in the store: the release it fetches, holds or handed
//! over (and how far the fetch is), why it cannot update, the last offer it refused, and the
//! versions the chief went back from. The package's bytes are files, not rows: see
//! [`crate::update`], which decides; this room only records.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{format_ms, now_ms, HubLink, Store};
use crate::error::{Error, Result};
use crate::protocol::release::fetch::Endpoint;
use crate::protocol::release::{
    accepted_keys, this_arch, Delta, Release, Signed, UpdateProblem, UpdateState, Version,
};

/// Where the release this device knows of stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Its package (or a delta to it) is being fetched from the hub.
    Fetching,
    /// Its package is here whole and verified: it can be installed.
    Ready,
    /// Its package was handed to the installer.
    HandedOver,
}

/// Where a release came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Offered by the county hub at a sync.
    Hub,
    /// Imported from a USB stick (`usalama update import`).
    Import,
}

/// The release this device fetches, holds or handed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateRecord {
    /// Verified against the release keys this build accepts, when stored and when read.
    pub release: Release,
    pub source: Source,
    pub stage: Stage,
    /// The delta the hub offered from the version running when it offered it.
    pub delta: Option<Delta>,
    /// The partial file being fetched is the delta (else the package).
    pub on_delta: bool,
    /// The delta failed once: the package is fetched whole.
    pub delta_failed: bool,
    /// Bytes of the partial file written and flushed to disk.
    pub held: u64,
    /// Fresh starts after a package that did not match its release.
    pub restarts: u32,
    /// When it was handed to the installer (Unix seconds).
    pub handed_at: Option<i64>,
}

impl UpdateRecord {
    /// A release to fetch or hold, from its first byte.
    pub fn new(release: Release, source: Source, stage: Stage, delta: Option<Delta>) -> Self {
        UpdateRecord {
            release,
            source,
            stage,
            delta,
            on_delta: false,
            delta_failed: false,
            held: 0,
            restarts: 0,
            handed_at: None,
        }
    }

    pub fn version(&self) -> Version {
        self.release.manifest.version
    }
}

/// Why this device cannot update, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProblemNote {
    /// `disk_full`, `no_installer`, `damaged`, `install_failed` or `no_release_key`.
    pub problem: UpdateProblem,
    /// What happened and what to do, in words.
    pub message: String,
    pub at: String,
}

fn stage_name(stage: Stage) -> &'static str {
    match stage {
        Stage::Fetching => "fetching",
        Stage::Ready => "ready",
        Stage::HandedOver => "handed_over",
    }
}

fn source_name(source: Source) -> &'static str {
    match source {
        Source::Hub => "hub",
        Source::Import => "import",
    }
}

type Row = (
    String,
    String,
    String,
    Option<String>,
    Option<u64>,
    Option<String>,
    bool,
    bool,
    u64,
    u32,
    Option<i64>,
);

impl Store {
    /// The release this device fetches, holds or handed over. One whose release no longer
    /// verifies (signed with a key this build does not accept) counts as none.
    pub fn update_record(&self) -> Result<Option<UpdateRecord>> {
        let row: Option<Row> = self
            .conn
            .query_row(
                "SELECT release, source, stage, delta_from, delta_size, delta_sha256, on_delta,
                        delta_failed, held, restarts, handed_at
                 FROM update_release WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                        r.get(8)?,
                        r.get(9)?,
                        r.get(10)?,
                    ))
                },
            )
            .optional()?;
        let Some((text, source, stage, from, size, sha256, on_delta, failed, held, restarts, at)) =
            row
        else {
            return Ok(None);
        };
        let Ok(release) = Release::parse(text.as_bytes(), &accepted_keys()) else {
            return Ok(None);
        };
        let damaged = || Error::Unsupported("the stored update is damaged".into());
        let stage = match stage.as_str() {
            "fetching" => Stage::Fetching,
            "ready" => Stage::Ready,
            "handed_over" => Stage::HandedOver,
            _ => return Err(damaged()),
        };
        let source = if source == "import" {
            Source::Import
        } else {
            Source::Hub
        };
        let delta = match (from, size, sha256) {
            (Some(from), Some(size), Some(sha256)) => Some(Delta {
                from: from.parse().map_err(|_| damaged())?,
                size,
                sha256,
            }),
            _ => None,
        };
        Ok(Some(UpdateRecord {
            release,
            source,
            stage,
            delta,
            on_delta,
            delta_failed: failed,
            held,
            restarts,
            handed_at: at,
        }))
    }

    /// Records the release this device fetches, holds or handed over, in place of any other.
    pub fn save_update_record(&mut self, record: &UpdateRecord) -> Result<()> {
        let delta = record.delta.as_ref();
        self.conn.execute(
            "INSERT OR REPLACE INTO update_release (id, release, source, stage, delta_from,
                 delta_size, delta_sha256, on_delta, delta_failed, held, restarts, handed_at,
                 updated_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                record.release.text,
                source_name(record.source),
                stage_name(record.stage),
                delta.map(|d| d.from.to_string()),
                delta.map(|d| d.size),
                delta.map(|d| d.sha256.clone()),
                record.on_delta,
                record.delta_failed,
                record.held,
                record.restarts,
                record.handed_at,
                now_ms()
            ],
        )?;
        Ok(())
    }

    /// Forgets the release: nothing is fetched or held any more.
    pub fn forget_update_record(&mut self) -> Result<()> {
        self.conn.execute("DELETE FROM update_release", [])?;
        Ok(())
    }

    /// Why this device cannot update, if it cannot.
    pub fn update_problem(&self) -> Result<Option<ProblemNote>> {
        let row: Option<(String, String, i64)> = self
            .conn
            .query_row(
                "SELECT problem, message, at FROM update_problem WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(row.and_then(|(code, message, at)| {
            Some(ProblemNote {
                problem: UpdateProblem::parse(&code)?,
                message,
                at: format_ms(at),
            })
        }))
    }

    /// Records why this device cannot update (with what happened, in words), or that it can.
    pub fn set_update_problem(&mut self, problem: Option<(UpdateProblem, &str)>) -> Result<()> {
        match problem {
            None => self.conn.execute("DELETE FROM update_problem", [])?,
            Some((problem, message)) => self.conn.execute(
                "INSERT OR REPLACE INTO update_problem (id, problem, message, at)
                 VALUES (1, ?1, ?2, ?3)",
                params![problem.code(), message, now_ms()],
            )?,
        };
        Ok(())
    }

    /// The last offered release this device refused, in words, and when.
    pub fn update_refusal(&self) -> Result<Option<(String, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT message, at FROM update_refusal WHERE id = 1",
                [],
                |r| Ok((r.get::<_, String>(0)?, format_ms(r.get(1)?))),
            )
            .optional()?)
    }

    /// Records an offered release refused (or, with None, that the last offer was taken).
    pub fn set_update_refusal(&mut self, message: Option<&str>) -> Result<()> {
        match message {
            None => self.conn.execute("DELETE FROM update_refusal", [])?,
            Some(message) => self.conn.execute(
                "INSERT OR REPLACE INTO update_refusal (id, message, at) VALUES (1, ?1, ?2)",
                params![message, now_ms()],
            )?,
        };
        Ok(())
    }

    /// The versions the chief went back from.
    pub fn left_versions(&self) -> Result<Vec<Version>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT version FROM update_left ORDER BY version")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for text in rows {
            if let Ok(v) = text?.parse() {
                out.push(v);
            }
        }
        Ok(out)
    }

    /// Records that the chief went back from `version`: it is not taken again.
    pub fn record_left_version(&mut self, version: Version) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO update_left (version, at) VALUES (?1, ?2)",
            params![version.to_string(), now_ms()],
        )?;
        Ok(())
    }

    /// What this device tells the hub about its updates: the version it runs, its machine, the
    /// release it holds or fetches, and why it cannot update.
    pub fn update_state(&self) -> Result<UpdateState> {
        Ok(UpdateState {
            running: Version::running(),
            arch: this_arch().into(),
            fetching: self.update_record()?.map(|r| r.version()),
            problem: self.update_problem()?.map(|p| p.problem),
        })
    }

    /// `body` signed with this device's key for its hub, for the update endpoint; and the hub
    /// link it is for.
    pub fn sign_update_request<T: Endpoint>(&self, body: T) -> Result<(Signed<T>, HubLink)> {
        let link = self.hub_link()?.ok_or(Error::NotEnrolled)?;
        let signed = Signed::sign(body, &self.me.key, &link.hub)?;
        Ok((signed, link))
    }
}
