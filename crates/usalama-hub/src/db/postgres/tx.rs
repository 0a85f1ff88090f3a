//! Every storage operation of one PostgreSQL transaction: the [`Tx`] calls, over the same
//! tables as the SQLite backend, with statements prepared once per session.

use std::collections::HashMap;

use postgres::types::ToSql;
use postgres::{Row, Statement, Transaction};
use usalama_protocol::gazetteer::Unit;
use usalama_protocol::ledger::{DeviceId, Entry, EntryKind, Hash, ReportId};

use super::rows::{device_from, entry_from, fixed, role, signed, unsigned};
use super::Pg;
use crate::db::{Audience, DeviceRecord, Fork, Invite, Refused, ReportScope, Stored, Tx};
use crate::error::{HubError, Result};

/// How many rows of a pull travel from the server at a time: a pull stops at about
/// `CHUNK_BYTES`, so most of a large backlog is never sent to the hub at all.
const PULL_BATCH: i32 = 256;

pub(super) struct PgTx<'c> {
    pub(super) tx: Transaction<'c>,
    pub(super) statements: &'c mut HashMap<&'static str, Statement>,
}

/// `SELECT` of every device column (in the order [`device_from`] reads them), then `$tail`.
macro_rules! select_devices {
    ($tail:literal) => {
        concat!(
            "SELECT id, public_key, person, name, role, unit, agency, cleared, revoked,
                    enrolled_at, counter, head_seq, head_hash, pending FROM devices ",
            $tail
        )
    };
}

/// Entries the audience may see, in delivery order: an entry is delivered at its own hub
/// sequence number, or again at its report's `rescoped` number once the report moved into new
/// devices' view. The same query as the SQLite backend's, with `GREATEST` for `max` and an
/// array for the unit list.
const PULL: &str = "WITH candidates AS (
         SELECT hub_seq FROM entries WHERE hub_seq > $1
         UNION
         SELECT e.hub_seq FROM reports r JOIN entries e ON e.about = r.id
         WHERE r.rescoped > $1
     )
     SELECT e.device, e.seq, e.format, e.kind, e.at, e.prev, e.subject, e.body_hash, e.body,
            e.signature, e.hub_seq, e.received_at,
            GREATEST(e.hub_seq, COALESCE(r.rescoped, 0)) AS ord
     FROM candidates c JOIN entries e ON e.hub_seq = c.hub_seq
     LEFT JOIN reports r ON r.id = e.about
     WHERE e.refused IS NULL AND e.device <> $2
       AND ((e.device = $3 AND e.about IS NULL) OR r.person = $4 OR r.unit = ANY($5)
            OR ($6 AND e.kind = 20) OR e.kind IN (30, 31))
       AND (e.kind <> 4 OR $7 OR r.person = $4)
     ORDER BY ord, e.hub_seq";

impl PgTx<'_> {
    /// The statement for `sql`, prepared once per session.
    fn stmt(&mut self, sql: &'static str) -> Result<Statement> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.tx.prepare(sql).pg()?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }

    pub(super) fn exec(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<u64> {
        let s = self.stmt(sql)?;
        self.tx.execute(&s, params).pg()
    }

    pub(super) fn one(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>> {
        let s = self.stmt(sql)?;
        self.tx.query_opt(&s, params).pg()
    }

    pub(super) fn all(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>> {
        let s = self.stmt(sql)?;
        self.tx.query(&s, params).pg()
    }
}

impl Tx for PgTx<'_> {
    fn meta(&mut self, key: &str) -> Result<Option<String>> {
        self.one("SELECT value FROM meta WHERE key = $1", &[&key])?
            .map(|r| r.try_get(0).pg())
            .transpose()
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.exec(
            "INSERT INTO meta (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&key, &value],
        )?;
        Ok(())
    }

    fn delete_meta(&mut self, key: &str) -> Result<()> {
        self.exec("DELETE FROM meta WHERE key = $1", &[&key])?;
        Ok(())
    }

    fn insert_invite(&mut self, i: &Invite) -> Result<()> {
        self.exec(
            "INSERT INTO invites (code_hash, person, name, role, unit, agency, cleared, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &&i.code_hash[..],
                &i.person,
                &i.name,
                &i.role.as_str(),
                &i.unit,
                &i.agency,
                &i.cleared,
                &i.expires_at,
            ],
        )?;
        Ok(())
    }

    fn take_invite(&mut self, code_hash: &[u8; 32]) -> Result<Option<Invite>> {
        let row = self.one(
            "UPDATE invites SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL
             RETURNING person, name, role, unit, agency, cleared, expires_at",
            &[&&code_hash[..], &crate::now_ms()],
        )?;
        row.map(|r| {
            Ok(Invite {
                code_hash: *code_hash,
                person: r.try_get(0).pg()?,
                name: r.try_get(1).pg()?,
                role: role(r.try_get(2).pg()?)?,
                unit: r.try_get(3).pg()?,
                agency: r.try_get(4).pg()?,
                cleared: r.try_get(5).pg()?,
                expires_at: r.try_get(6).pg()?,
            })
        })
        .transpose()
    }

    fn insert_device(&mut self, d: &DeviceRecord) -> Result<()> {
        self.exec(
            "INSERT INTO devices (id, public_key, person, name, role, unit, agency, cleared,
                                  revoked, enrolled_at, counter, head_seq, head_hash, pending)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            &[
                &&d.id.0[..],
                &&d.public_key[..],
                &d.person,
                &d.name,
                &d.role.as_str(),
                &d.unit,
                &d.agency,
                &d.cleared,
                &d.revoked,
                &d.enrolled_at,
                &signed(d.counter, "request counter")?,
                &signed(d.head_seq, "sequence number")?,
                &&d.head_hash.0[..],
                &d.pending,
            ],
        )?;
        Ok(())
    }

    fn device(&mut self, id: &DeviceId) -> Result<Option<DeviceRecord>> {
        self.one(select_devices!("WHERE id = $1"), &[&&id.0[..]])?
            .map(|r| device_from(&r))
            .transpose()
    }

    fn devices(&mut self) -> Result<Vec<DeviceRecord>> {
        self.all(select_devices!("ORDER BY enrolled_at, id"), &[])?
            .iter()
            .map(device_from)
            .collect()
    }

    fn devices_of(&mut self, person: &str) -> Result<Vec<DeviceRecord>> {
        self.all(
            select_devices!("WHERE person = $1 ORDER BY enrolled_at, id"),
            &[&person],
        )?
        .iter()
        .map(device_from)
        .collect()
    }

    fn set_revoked(&mut self, id: &DeviceId) -> Result<bool> {
        Ok(self.exec(
            "UPDATE devices SET revoked = TRUE WHERE id = $1 AND NOT revoked",
            &[&&id.0[..]],
        )? > 0)
    }

    fn set_approved(&mut self, id: &DeviceId) -> Result<bool> {
        Ok(self.exec(
            "UPDATE devices SET pending = FALSE WHERE id = $1 AND pending",
            &[&&id.0[..]],
        )? > 0)
    }

    fn spent(&mut self, device: &DeviceId, day: i64) -> Result<u64> {
        self.one(
            "SELECT bytes FROM budgets WHERE device = $1 AND day = $2",
            &[&&device.0[..], &day],
        )?
        .map(|r| unsigned(r.try_get(0).pg()?, "byte count"))
        .transpose()
        .map(Option::unwrap_or_default)
    }

    fn spend(&mut self, device: &DeviceId, day: i64, bytes: u64) -> Result<()> {
        self.exec(
            "DELETE FROM budgets WHERE device = $1 AND day < $2",
            &[&&device.0[..], &day],
        )?;
        self.exec(
            "INSERT INTO budgets (device, day, bytes) VALUES ($1, $2, $3)
             ON CONFLICT (device, day) DO UPDATE SET bytes = budgets.bytes + excluded.bytes",
            &[&&device.0[..], &day, &signed(bytes, "byte count")?],
        )?;
        Ok(())
    }

    fn set_counter(&mut self, id: &DeviceId, counter: u64, synced_at: i64) -> Result<()> {
        self.exec(
            "UPDATE devices SET counter = $2, synced_at = $3 WHERE id = $1",
            &[&&id.0[..], &signed(counter, "request counter")?, &synced_at],
        )?;
        Ok(())
    }

    fn set_head(&mut self, id: &DeviceId, seq: u64, hash: &Hash) -> Result<()> {
        self.exec(
            "UPDATE devices SET head_seq = $2, head_hash = $3 WHERE id = $1",
            &[&&id.0[..], &signed(seq, "sequence number")?, &&hash.0[..]],
        )?;
        Ok(())
    }

    fn entry_hash(&mut self, device: &DeviceId, seq: u64) -> Result<Option<Hash>> {
        let row = self.one(
            "SELECT hash FROM entries WHERE device = $1 AND seq = $2",
            &[&&device.0[..], &signed(seq, "sequence number")?],
        )?;
        row.map(|r| Ok(Hash(fixed(r.try_get(0).pg()?, "hash")?)))
            .transpose()
    }

    fn insert_entry(&mut self, e: &Entry, received_at: i64, refused: Option<&str>) -> Result<u64> {
        let signature = e.signature.as_ref().map(|s| &s[..]);
        let row = self.one(
            "INSERT INTO entries (device, seq, format, kind, at, prev, subject, body_hash,
                                  body, signature, hash, about, received_at, refused)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
             RETURNING hub_seq",
            &[
                &&e.device.0[..],
                &signed(e.seq, "sequence number")?,
                &i16::from(e.format),
                &i32::from(e.kind.code()),
                &e.at,
                &&e.prev.0[..],
                &e.subject.map(|s| s.to_string()),
                &&e.body_hash.0[..],
                &e.body,
                &signature,
                &&e.hash().0[..],
                &e.about().map(|s| s.to_string()),
                &received_at,
                &refused,
            ],
        )?;
        let hub_seq: i64 = row
            .ok_or_else(|| HubError::Database("an insert returned no hub sequence number".into()))?
            .try_get(0)
            .pg()?;
        unsigned(hub_seq, "hub sequence number")
    }

    fn entries_about(&mut self, id: &ReportId) -> Result<Vec<Entry>> {
        let rows = self.all(
            "SELECT device, seq, format, kind, at, prev, subject, body_hash, body, signature
             FROM entries WHERE about = $1 ORDER BY hub_seq",
            &[&id.to_string()],
        )?;
        rows.iter().map(entry_from).collect()
    }

    fn entries_to_signature(
        &mut self,
        device: &DeviceId,
        seq: u64,
        limit: usize,
    ) -> Result<Vec<(Entry, i64)>> {
        let rows = self.all(
            "SELECT device, seq, format, kind, at, prev, subject, body_hash, body, signature,
                    received_at
             FROM entries WHERE device = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            &[
                &&device.0[..],
                &signed(seq, "sequence number")?,
                &(limit.min(i64::MAX as usize) as i64),
            ],
        )?;
        let mut out = Vec::new();
        for row in &rows {
            let entry = entry_from(row)?;
            let received: i64 = row.try_get(10).pg()?;
            let signed = entry.signature.is_some();
            out.push((entry, received));
            if signed {
                break;
            }
        }
        Ok(out)
    }

    fn drop_body(&mut self, device: &DeviceId, seq: u64) -> Result<bool> {
        Ok(self.exec(
            "UPDATE entries SET body = NULL
             WHERE device = $1 AND seq = $2 AND body IS NOT NULL",
            &[&&device.0[..], &signed(seq, "sequence number")?],
        )? > 0)
    }

    fn pull(
        &mut self,
        a: &Audience<'_>,
        cursor: u64,
        max_bytes: usize,
    ) -> Result<(Vec<Stored>, bool)> {
        let stmt = self.stmt(PULL)?;
        // A portal fetches the rows a batch at a time, so the server stops sending once the
        // response is full.
        let portal = self
            .tx
            .bind(
                &stmt,
                &[
                    &signed(cursor, "cursor")?,
                    &&a.device.0[..],
                    &&a.hub.0[..],
                    &a.person,
                    &a.units,
                    &a.operations,
                    &a.cleared,
                ],
            )
            .pg()?;
        let mut out: Vec<Stored> = Vec::new();
        let mut bytes = 0;
        loop {
            let rows = self.tx.query_portal(&portal, PULL_BATCH).pg()?;
            if rows.is_empty() {
                return Ok((out, false));
            }
            for r in &rows {
                let order = unsigned(r.try_get(12).pg()?, "delivery order")?;
                if bytes >= max_bytes && out.last().is_some_and(|l| l.order != order) {
                    return Ok((out, true));
                }
                let entry = entry_from(r)?;
                bytes += entry.body.as_ref().map_or(32, Vec::len) + 24;
                out.push(Stored {
                    entry,
                    hub_seq: unsigned(r.try_get(10).pg()?, "hub sequence number")?,
                    received_at: r.try_get(11).pg()?,
                    order,
                });
            }
        }
    }

    fn report(&mut self, id: &ReportId) -> Result<Option<ReportScope>> {
        let row = self.one(
            "SELECT author, person, unit, rescoped FROM reports WHERE id = $1",
            &[&id.to_string()],
        )?;
        row.map(|r| {
            Ok(ReportScope {
                id: *id,
                author: DeviceId(fixed(r.try_get(0).pg()?, "device id")?),
                person: r.try_get(1).pg()?,
                unit: r.try_get(2).pg()?,
                rescoped: unsigned(r.try_get(3).pg()?, "hub sequence number")?,
            })
        })
        .transpose()
    }

    fn upsert_report(&mut self, s: &ReportScope) -> Result<()> {
        self.exec(
            "INSERT INTO reports (id, author, person, unit, rescoped) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (id) DO UPDATE SET unit = excluded.unit, rescoped = excluded.rescoped",
            &[
                &s.id.to_string(),
                &&s.author.0[..],
                &s.person,
                &s.unit,
                &signed(s.rescoped, "hub sequence number")?,
            ],
        )?;
        Ok(())
    }

    fn insert_fork(&mut self, f: &Fork) -> Result<()> {
        self.exec(
            "INSERT INTO forks (device, seq, held_hash, offered_hash, seen_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            &[
                &&f.device.0[..],
                &signed(f.seq, "sequence number")?,
                &f.held_hash,
                &f.offered_hash,
                &f.seen_at,
            ],
        )?;
        Ok(())
    }

    fn forks(&mut self) -> Result<Vec<Fork>> {
        self.all(
            "SELECT device, seq, held_hash, offered_hash, seen_at FROM forks ORDER BY seen_at",
            &[],
        )?
        .iter()
        .map(|r| {
            Ok(Fork {
                device: DeviceId(fixed(r.try_get(0).pg()?, "device id")?),
                seq: unsigned(r.try_get(1).pg()?, "sequence number")?,
                held_hash: r.try_get(2).pg()?,
                offered_hash: r.try_get(3).pg()?,
                seen_at: r.try_get(4).pg()?,
            })
        })
        .collect()
    }

    fn units(&mut self) -> Result<Vec<Unit>> {
        self.all(
            "SELECT id, name, sw_name, kind, parent, code, retired FROM units ORDER BY ord, id",
            &[],
        )?
        .iter()
        .map(|r| {
            Ok(Unit {
                id: r.try_get(0).pg()?,
                name: r.try_get(1).pg()?,
                sw_name: r.try_get(2).pg()?,
                kind: r.try_get(3).pg()?,
                parent: r.try_get(4).pg()?,
                code: r.try_get(5).pg()?,
                retired: r.try_get(6).pg()?,
            })
        })
        .collect()
    }

    fn upsert_unit(&mut self, u: &Unit) -> Result<()> {
        self.exec(
            "INSERT INTO units (id, name, sw_name, kind, parent, code, retired, ord)
             VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT coalesce(max(ord), 0) + 1 FROM units))
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, sw_name = excluded.sw_name,
                kind = excluded.kind, parent = excluded.parent, code = excluded.code,
                retired = excluded.retired",
            &[
                &u.id, &u.name, &u.sw_name, &u.kind, &u.parent, &u.code, &u.retired,
            ],
        )?;
        Ok(())
    }

    fn received_at(&mut self, device: &DeviceId, seq: u64) -> Result<Option<i64>> {
        let rows = self.all(
            "SELECT received_at FROM entries WHERE device = $1 AND seq = $2",
            &[&&device.0[..], &signed(seq, "sequence number")?],
        )?;
        rows.first().map(|r| r.try_get(0).pg()).transpose()
    }

    fn response_steps(&mut self) -> Result<Vec<(Entry, i64)>> {
        let rows = self.all(
            "SELECT device, seq, format, kind, at, prev, subject, body_hash, body, signature,
                    received_at
             FROM entries WHERE kind BETWEEN 10 AND 15 AND refused IS NULL ORDER BY hub_seq",
            &[],
        )?;
        rows.iter()
            .map(|r| Ok((entry_from(r)?, r.try_get(10).pg()?)))
            .collect()
    }

    fn refused(&mut self) -> Result<Vec<Refused>> {
        self.all(
            "SELECT device, seq, kind, refused, received_at FROM entries
             WHERE refused IS NOT NULL ORDER BY hub_seq",
            &[],
        )?
        .iter()
        .map(|r| {
            let kind: i32 = r.try_get(2).pg()?;
            Ok(Refused {
                device: DeviceId(fixed(r.try_get(0).pg()?, "device id")?),
                seq: unsigned(r.try_get(1).pg()?, "sequence number")?,
                kind: EntryKind::from_code(u16::try_from(kind).unwrap_or(u16::MAX)).name(),
                reason: r.try_get(3).pg()?,
                received_at: r.try_get(4).pg()?,
            })
        })
        .collect()
    }

    fn entry_counts(&mut self) -> Result<(u64, u64)> {
        let row = self
            .one("SELECT count(*), count(refused) FROM entries", &[])?
            .ok_or_else(|| HubError::Database("counting entries returned nothing".into()))?;
        Ok((
            unsigned(row.try_get(0).pg()?, "count")?,
            unsigned(row.try_get(1).pg()?, "count")?,
        ))
    }

    fn last_hub_seq(&mut self) -> Result<u64> {
        let row = self
            .one("SELECT coalesce(max(hub_seq), 0)::BIGINT FROM entries", &[])?
            .ok_or_else(|| {
                HubError::Database("reading the last sequence returned nothing".into())
            })?;
        unsigned(row.try_get(0).pg()?, "hub_seq")
    }
}
