//! The update tables of one SQLite transaction: releases, their bytes and deltas, and what
//! each device last said of its updates.

use rusqlite::{params, OptionalExtension, Row};
use usalama_protocol::ledger::DeviceId;
use usalama_protocol::release::{UpdateProblem, UpdateState, Version};

use super::rows::fixed;
use super::tx::SqliteTx;
use crate::db::releases::{stored_state, stored_version};
use crate::db::{rank, Blob, DeltaRecord, DeviceUpdates, ReleaseRecord, ReleaseStore};
use crate::error::Result;

const RELEASE_COLUMNS: &str =
    "version, arch, release_text, size, sha256, published_at, withdrawn_at FROM releases";

type ReleaseRow = (String, String, String, u64, Vec<u8>, i64, Option<i64>);

fn release_row(r: &Row<'_>) -> rusqlite::Result<ReleaseRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

fn release_from(row: ReleaseRow) -> Result<ReleaseRecord> {
    let (version, arch, release, size, sha256, published_at, withdrawn_at) = row;
    Ok(ReleaseRecord {
        version: stored_version(&version)?,
        arch,
        release,
        size,
        sha256: fixed(sha256, "package digest")?,
        published_at,
        withdrawn_at,
    })
}

impl SqliteTx<'_> {
    fn releases_where(
        &mut self,
        tail: &str,
        values: impl rusqlite::Params,
    ) -> Result<Vec<ReleaseRecord>> {
        let mut stmt = self
            .tx
            .prepare_cached(&format!("SELECT {RELEASE_COLUMNS} {tail}"))?;
        let rows = stmt
            .query_map(values, release_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(release_from).collect()
    }
}

impl ReleaseStore for SqliteTx<'_> {
    fn insert_release(&mut self, r: &ReleaseRecord) -> Result<bool> {
        Ok(self
            .tx
            .prepare_cached(
                "INSERT INTO releases (arch, rank, version, release_text, size, sha256, published_at,
                                       withdrawn_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                r.arch,
                rank(r.version)?,
                r.version.to_string(),
                r.release,
                r.size,
                r.sha256,
                r.published_at,
                r.withdrawn_at
            ])?
            > 0)
    }

    fn insert_delta(&mut self, d: &DeltaRecord) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO release_deltas (arch, rank, from_rank, from_version, size, sha256)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                d.arch,
                rank(d.version)?,
                rank(d.from)?,
                d.from.to_string(),
                d.size,
                d.sha256
            ])?;
        Ok(())
    }

    fn insert_chunk(&mut self, blob: Blob<'_>, n: u64, bytes: &[u8]) -> Result<()> {
        let version = rank(blob.version)?;
        match blob.from {
            None => self
                .tx
                .prepare_cached(
                    "INSERT INTO release_chunks (arch, rank, n, bytes) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![blob.arch, version, n, bytes])?,
            Some(from) => self
                .tx
                .prepare_cached(
                    "INSERT INTO release_delta_chunks (arch, rank, from_rank, n, bytes)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![blob.arch, version, rank(from)?, n, bytes])?,
        };
        Ok(())
    }

    fn chunks(&mut self, blob: Blob<'_>, first: u64, last: u64) -> Result<Vec<(u64, Vec<u8>)>> {
        // SQLite's integers are signed: "to the end" is the largest of them.
        let last = last.min(i64::MAX as u64);
        let version = rank(blob.version)?;
        let rows = match blob.from {
            None => self
                .tx
                .prepare_cached(
                    "SELECT n, bytes FROM release_chunks
                     WHERE arch = ?1 AND rank = ?2 AND n BETWEEN ?3 AND ?4 ORDER BY n",
                )?
                .query_map(params![blob.arch, version, first, last], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?,
            Some(from) => self
                .tx
                .prepare_cached(
                    "SELECT n, bytes FROM release_delta_chunks
                     WHERE arch = ?1 AND rank = ?2 AND from_rank = ?3 AND n BETWEEN ?4 AND ?5
                     ORDER BY n",
                )?
                .query_map(params![blob.arch, version, rank(from)?, first, last], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?,
        };
        Ok(rows)
    }

    fn releases(&mut self) -> Result<Vec<ReleaseRecord>> {
        self.releases_where("ORDER BY rank DESC, arch", [])
    }

    fn release(&mut self, arch: &str, version: Version) -> Result<Option<ReleaseRecord>> {
        Ok(self
            .releases_where(
                "WHERE arch = ?1 AND rank = ?2",
                params![arch, rank(version)?],
            )?
            .pop())
    }

    fn newest_release(&mut self, arch: &str, above: Version) -> Result<Option<ReleaseRecord>> {
        Ok(self
            .releases_where(
                "WHERE arch = ?1 AND rank > ?2 AND withdrawn_at IS NULL
                 ORDER BY rank DESC LIMIT 1",
                params![arch, rank(above)?],
            )?
            .pop())
    }

    fn deltas(&mut self) -> Result<Vec<DeltaRecord>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT d.arch, r.version, d.from_version, d.size, d.sha256
             FROM release_deltas d JOIN releases r ON r.arch = d.arch AND r.rank = d.rank
             ORDER BY d.rank DESC, d.arch, d.from_rank DESC",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, u64>(3)?,
                    r.get::<_, Vec<u8>>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(arch, version, from, size, sha256)| {
                Ok(DeltaRecord {
                    arch,
                    version: stored_version(&version)?,
                    from: stored_version(&from)?,
                    size,
                    sha256: fixed(sha256, "delta digest")?,
                })
            })
            .collect()
    }

    fn delta(
        &mut self,
        arch: &str,
        version: Version,
        from: Version,
    ) -> Result<Option<DeltaRecord>> {
        let row = self
            .tx
            .prepare_cached(
                "SELECT size, sha256 FROM release_deltas
                 WHERE arch = ?1 AND rank = ?2 AND from_rank = ?3",
            )?
            .query_row(params![arch, rank(version)?, rank(from)?], |r| {
                Ok((r.get::<_, u64>(0)?, r.get::<_, Vec<u8>>(1)?))
            })
            .optional()?;
        row.map(|(size, sha256)| {
            Ok(DeltaRecord {
                arch: arch.to_owned(),
                version,
                from,
                size,
                sha256: fixed(sha256, "delta digest")?,
            })
        })
        .transpose()
    }

    fn set_withdrawn(&mut self, arch: &str, version: Version, at: i64) -> Result<bool> {
        Ok(self.tx.execute(
            "UPDATE releases SET withdrawn_at = ?3
             WHERE arch = ?1 AND rank = ?2 AND withdrawn_at IS NULL",
            params![arch, rank(version)?, at],
        )? > 0)
    }

    fn device_updates(&mut self, device: &DeviceId) -> Result<Option<UpdateState>> {
        let row = self
            .tx
            .prepare_cached(
                "SELECT running, arch, fetching, problem FROM device_updates WHERE device = ?1",
            )?
            .query_row([device.0], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            })
            .optional()?;
        row.map(|(running, arch, fetching, problem)| {
            stored_state(&running, arch, fetching, problem)
        })
        .transpose()
    }

    fn set_device_updates(&mut self, device: &DeviceId, s: &UpdateState, at: i64) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO device_updates (device, running, arch, fetching, problem, reported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (device) DO UPDATE SET running = excluded.running,
                    arch = excluded.arch, fetching = excluded.fetching,
                    problem = excluded.problem, reported_at = excluded.reported_at",
            )?
            .execute(params![
                device.0,
                s.running.to_string(),
                s.arch,
                s.fetching.map(|v| v.to_string()),
                s.problem.map(UpdateProblem::code),
                at
            ])?;
        Ok(())
    }

    fn all_device_updates(&mut self, hub: &DeviceId) -> Result<Vec<DeviceUpdates>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT d.id, d.revoked, d.synced_at, u.running, u.arch, u.fetching, u.problem,
                    u.reported_at
             FROM devices d LEFT JOIN device_updates u ON u.device = d.id
             WHERE d.id != ?1 ORDER BY d.enrolled_at, d.id",
        )?;
        let rows = stmt
            .query_map([hub.0], |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, bool>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<i64>>(7)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(
                |(id, revoked, synced_at, running, arch, fetching, problem, at)| {
                    let state = match (running, arch) {
                        (Some(running), Some(arch)) => {
                            Some(stored_state(&running, arch, fetching, problem)?)
                        }
                        _ => None,
                    };
                    Ok(DeviceUpdates {
                        device: DeviceId(fixed(id, "device id")?),
                        revoked,
                        synced_at,
                        state,
                        reported_at: at,
                    })
                },
            )
            .collect()
    }
}
