//! The update tables of one PostgreSQL transaction: the same answers as the SQLite backend's.

use postgres::Row;
use usalama_protocol::ledger::DeviceId;
use usalama_protocol::release::{UpdateProblem, UpdateState, Version};

use super::rows::{fixed, signed, unsigned};
use super::tx::PgTx;
use super::Pg;
use crate::db::releases::{stored_state, stored_version};
use crate::db::{rank, Blob, DeltaRecord, DeviceUpdates, ReleaseRecord, ReleaseStore};
use crate::error::Result;

/// `SELECT` of every release column (in the order [`release_from`] reads them), then `$tail`.
macro_rules! select_releases {
    ($tail:literal) => {
        concat!(
            "SELECT version, arch, release_text, size, sha256, published_at, withdrawn_at
             FROM releases ",
            $tail
        )
    };
}

fn release_from(r: &Row) -> Result<ReleaseRecord> {
    Ok(ReleaseRecord {
        version: stored_version(&r.try_get::<_, String>(0).pg()?)?,
        arch: r.try_get(1).pg()?,
        release: r.try_get(2).pg()?,
        size: unsigned(r.try_get(3).pg()?, "package size")?,
        sha256: fixed(r.try_get(4).pg()?, "package digest")?,
        published_at: r.try_get(5).pg()?,
        withdrawn_at: r.try_get(6).pg()?,
    })
}

fn chunk_from(r: &Row) -> Result<(u64, Vec<u8>)> {
    Ok((
        unsigned(r.try_get(0).pg()?, "chunk number")?,
        r.try_get(1).pg()?,
    ))
}

impl ReleaseStore for PgTx<'_> {
    fn insert_release(&mut self, r: &ReleaseRecord) -> Result<bool> {
        Ok(self.exec(
            "INSERT INTO releases (arch, rank, version, release_text, size, sha256, published_at,
                                   withdrawn_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
            &[
                &r.arch,
                &rank(r.version)?,
                &r.version.to_string(),
                &r.release,
                &signed(r.size, "package size")?,
                &&r.sha256[..],
                &r.published_at,
                &r.withdrawn_at,
            ],
        )? > 0)
    }

    fn insert_delta(&mut self, d: &DeltaRecord) -> Result<()> {
        self.exec(
            "INSERT INTO release_deltas (arch, rank, from_rank, from_version, size, sha256)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &d.arch,
                &rank(d.version)?,
                &rank(d.from)?,
                &d.from.to_string(),
                &signed(d.size, "delta size")?,
                &&d.sha256[..],
            ],
        )?;
        Ok(())
    }

    fn insert_chunk(&mut self, blob: Blob<'_>, n: u64, bytes: &[u8]) -> Result<()> {
        let (version, n) = (rank(blob.version)?, signed(n, "chunk number")?);
        match blob.from {
            None => self.exec(
                "INSERT INTO release_chunks (arch, rank, n, bytes) VALUES ($1, $2, $3, $4)",
                &[&blob.arch, &version, &n, &bytes],
            )?,
            Some(from) => self.exec(
                "INSERT INTO release_delta_chunks (arch, rank, from_rank, n, bytes)
                 VALUES ($1, $2, $3, $4, $5)",
                &[&blob.arch, &version, &rank(from)?, &n, &bytes],
            )?,
        };
        Ok(())
    }

    fn chunks(&mut self, blob: Blob<'_>, first: u64, last: u64) -> Result<Vec<(u64, Vec<u8>)>> {
        let version = rank(blob.version)?;
        let first = signed(first, "chunk number")?;
        // BIGINT is signed: "to the end" is the largest of them.
        let last = i64::try_from(last).unwrap_or(i64::MAX);
        let rows = match blob.from {
            None => self.all(
                "SELECT n, bytes FROM release_chunks
                 WHERE arch = $1 AND rank = $2 AND n BETWEEN $3 AND $4 ORDER BY n",
                &[&blob.arch, &version, &first, &last],
            )?,
            Some(from) => self.all(
                "SELECT n, bytes FROM release_delta_chunks
                 WHERE arch = $1 AND rank = $2 AND from_rank = $3 AND n BETWEEN $4 AND $5
                 ORDER BY n",
                &[&blob.arch, &version, &rank(from)?, &first, &last],
            )?,
        };
        rows.iter().map(chunk_from).collect()
    }

    fn releases(&mut self) -> Result<Vec<ReleaseRecord>> {
        self.all(select_releases!("ORDER BY rank DESC, arch"), &[])?
            .iter()
            .map(release_from)
            .collect()
    }

    fn release(&mut self, arch: &str, version: Version) -> Result<Option<ReleaseRecord>> {
        self.one(
            select_releases!("WHERE arch = $1 AND rank = $2"),
            &[&arch, &rank(version)?],
        )?
        .map(|r| release_from(&r))
        .transpose()
    }

    fn newest_release(&mut self, arch: &str, above: Version) -> Result<Option<ReleaseRecord>> {
        self.one(
            select_releases!(
                "WHERE arch = $1 AND rank > $2 AND withdrawn_at IS NULL
                 ORDER BY rank DESC LIMIT 1"
            ),
            &[&arch, &rank(above)?],
        )?
        .map(|r| release_from(&r))
        .transpose()
    }

    fn deltas(&mut self) -> Result<Vec<DeltaRecord>> {
        self.all(
            "SELECT d.arch, r.version, d.from_version, d.size, d.sha256
             FROM release_deltas d JOIN releases r ON r.arch = d.arch AND r.rank = d.rank
             ORDER BY d.rank DESC, d.arch, d.from_rank DESC",
            &[],
        )?
        .iter()
        .map(|r| {
            Ok(DeltaRecord {
                arch: r.try_get(0).pg()?,
                version: stored_version(&r.try_get::<_, String>(1).pg()?)?,
                from: stored_version(&r.try_get::<_, String>(2).pg()?)?,
                size: unsigned(r.try_get(3).pg()?, "delta size")?,
                sha256: fixed(r.try_get(4).pg()?, "delta digest")?,
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
        self.one(
            "SELECT size, sha256 FROM release_deltas
             WHERE arch = $1 AND rank = $2 AND from_rank = $3",
            &[&arch, &rank(version)?, &rank(from)?],
        )?
        .map(|r| {
            Ok(DeltaRecord {
                arch: arch.to_owned(),
                version,
                from,
                size: unsigned(r.try_get(0).pg()?, "delta size")?,
                sha256: fixed(r.try_get(1).pg()?, "delta digest")?,
            })
        })
        .transpose()
    }

    fn set_withdrawn(&mut self, arch: &str, version: Version, at: i64) -> Result<bool> {
        Ok(self.exec(
            "UPDATE releases SET withdrawn_at = $3
             WHERE arch = $1 AND rank = $2 AND withdrawn_at IS NULL",
            &[&arch, &rank(version)?, &at],
        )? > 0)
    }

    fn device_updates(&mut self, device: &DeviceId) -> Result<Option<UpdateState>> {
        self.one(
            "SELECT running, arch, fetching, problem FROM device_updates WHERE device = $1",
            &[&&device.0[..]],
        )?
        .map(|r| {
            stored_state(
                &r.try_get::<_, String>(0).pg()?,
                r.try_get(1).pg()?,
                r.try_get(2).pg()?,
                r.try_get(3).pg()?,
            )
        })
        .transpose()
    }

    fn set_device_updates(&mut self, device: &DeviceId, s: &UpdateState, at: i64) -> Result<()> {
        self.exec(
            "INSERT INTO device_updates (device, running, arch, fetching, problem, reported_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (device) DO UPDATE SET running = excluded.running,
                arch = excluded.arch, fetching = excluded.fetching,
                problem = excluded.problem, reported_at = excluded.reported_at",
            &[
                &&device.0[..],
                &s.running.to_string(),
                &s.arch,
                &s.fetching.map(|v| v.to_string()),
                &s.problem.map(UpdateProblem::code),
                &at,
            ],
        )?;
        Ok(())
    }

    fn all_device_updates(&mut self, hub: &DeviceId) -> Result<Vec<DeviceUpdates>> {
        self.all(
            "SELECT d.id, d.revoked, d.synced_at, u.running, u.arch, u.fetching, u.problem,
                    u.reported_at
             FROM devices d LEFT JOIN device_updates u ON u.device = d.id
             WHERE d.id <> $1 ORDER BY d.enrolled_at, d.id",
            &[&&hub.0[..]],
        )?
        .iter()
        .map(|r| {
            let running: Option<String> = r.try_get(3).pg()?;
            let arch: Option<String> = r.try_get(4).pg()?;
            let state = match (running, arch) {
                (Some(running), Some(arch)) => Some(stored_state(
                    &running,
                    arch,
                    r.try_get(5).pg()?,
                    r.try_get(6).pg()?,
                )?),
                _ => None,
            };
            Ok(DeviceUpdates {
                device: DeviceId(fixed(r.try_get(0).pg()?, "device id")?),
                revoked: r.try_get(1).pg()?,
                synced_at: r.try_get(2).pg()?,
                state,
                reported_at: r.try_get(7).pg()?,
            })
        })
        .collect()
    }
}
