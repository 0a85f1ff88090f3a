//! Every storage operation of one SQLite transaction: the [`Tx`] calls, over the hub's tables
//! (meta, invites, devices and budgets, entries and reports, forks, units).

use rusqlite::{params, OptionalExtension, Transaction};
use usalama_protocol::gazetteer::Unit;
use usalama_protocol::ledger::{DeviceId, Entry, EntryKind, Hash, ReportId};

use super::rows::{
    build_entry, device_row, entry_row, finish_device, fixed, role, DEVICE_COLUMNS, ENTRY_COLUMNS,
};
use crate::db::{Audience, DeviceRecord, Fork, Invite, Refused, ReportScope, Stored, Tx};
use crate::error::Result;

pub(super) struct SqliteTx<'c> {
    pub(super) tx: Transaction<'c>,
}

impl Tx for SqliteTx<'_> {
    fn meta(&mut self, key: &str) -> Result<Option<String>> {
        Ok(self
            .tx
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    fn delete_meta(&mut self, key: &str) -> Result<()> {
        self.tx.execute("DELETE FROM meta WHERE key = ?1", [key])?;
        Ok(())
    }

    fn insert_invite(&mut self, i: &Invite) -> Result<()> {
        self.tx.execute(
            "INSERT INTO invites (code_hash, person, name, role, unit, agency, cleared, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                i.code_hash,
                i.person,
                i.name,
                i.role.as_str(),
                i.unit,
                i.agency,
                i.cleared,
                i.expires_at
            ],
        )?;
        Ok(())
    }

    fn take_invite(&mut self, code_hash: &[u8; 32]) -> Result<Option<Invite>> {
        let invite = self
            .tx
            .query_row(
                "UPDATE invites SET used_at = ?2 WHERE code_hash = ?1 AND used_at IS NULL
                 RETURNING person, name, role, unit, agency, cleared, expires_at",
                params![code_hash, crate::now_ms()],
                |r| {
                    Ok(Invite {
                        code_hash: *code_hash,
                        person: r.get(0)?,
                        name: r.get(1)?,
                        role: role(r, 2)?,
                        unit: r.get(3)?,
                        agency: r.get(4)?,
                        cleared: r.get(5)?,
                        expires_at: r.get(6)?,
                    })
                },
            )
            .optional()?;
        Ok(invite)
    }

    fn insert_device(&mut self, d: &DeviceRecord) -> Result<()> {
        self.tx.execute(
            "INSERT INTO devices (id, public_key, person, name, role, unit, agency, cleared,
                                  revoked, enrolled_at, counter, head_seq, head_hash, pending)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                d.id.0,
                d.public_key,
                d.person,
                d.name,
                d.role.as_str(),
                d.unit,
                d.agency,
                d.cleared,
                d.revoked,
                d.enrolled_at,
                d.counter,
                d.head_seq,
                d.head_hash.0,
                d.pending
            ],
        )?;
        Ok(())
    }

    fn device(&mut self, id: &DeviceId) -> Result<Option<DeviceRecord>> {
        let row = self
            .tx
            .prepare_cached(&format!(
                "SELECT {DEVICE_COLUMNS} FROM devices WHERE id = ?1"
            ))?
            .query_row([id.0], |r| Ok((device_row(r)?, r.get::<_, Vec<u8>>(12)?)))
            .optional()?;
        row.map(|(d, head)| finish_device(d, head)).transpose()
    }

    fn devices(&mut self) -> Result<Vec<DeviceRecord>> {
        let mut stmt = self.tx.prepare(&format!(
            "SELECT {DEVICE_COLUMNS} FROM devices ORDER BY enrolled_at, id"
        ))?;
        let rows = stmt
            .query_map([], |r| Ok((device_row(r)?, r.get::<_, Vec<u8>>(12)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(|(d, h)| finish_device(d, h)).collect()
    }

    fn devices_of(&mut self, person: &str) -> Result<Vec<DeviceRecord>> {
        let mut stmt = self.tx.prepare_cached(&format!(
            "SELECT {DEVICE_COLUMNS} FROM devices WHERE person = ?1 ORDER BY enrolled_at, id"
        ))?;
        let rows = stmt
            .query_map([person], |r| Ok((device_row(r)?, r.get::<_, Vec<u8>>(12)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(|(d, h)| finish_device(d, h)).collect()
    }

    fn set_revoked(&mut self, id: &DeviceId) -> Result<bool> {
        Ok(self.tx.execute(
            "UPDATE devices SET revoked = 1 WHERE id = ?1 AND revoked = 0",
            [id.0],
        )? > 0)
    }

    fn set_approved(&mut self, id: &DeviceId) -> Result<bool> {
        Ok(self.tx.execute(
            "UPDATE devices SET pending = 0 WHERE id = ?1 AND pending = 1",
            [id.0],
        )? > 0)
    }

    fn spent(&mut self, device: &DeviceId, day: i64) -> Result<u64> {
        Ok(self
            .tx
            .prepare_cached("SELECT bytes FROM budgets WHERE device = ?1 AND day = ?2")?
            .query_row(params![device.0, day], |r| r.get(0))
            .optional()?
            .unwrap_or(0))
    }

    fn spend(&mut self, device: &DeviceId, day: i64, bytes: u64) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM budgets WHERE device = ?1 AND day < ?2")?
            .execute(params![device.0, day])?;
        self.tx
            .prepare_cached(
                "INSERT INTO budgets (device, day, bytes) VALUES (?1, ?2, ?3)
                 ON CONFLICT (device, day) DO UPDATE SET bytes = bytes + excluded.bytes",
            )?
            .execute(params![device.0, day, bytes])?;
        Ok(())
    }

    fn set_counter(&mut self, id: &DeviceId, counter: u64, synced_at: i64) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE devices SET counter = ?2, synced_at = ?3 WHERE id = ?1")?
            .execute(params![id.0, counter, synced_at])?;
        Ok(())
    }

    fn set_head(&mut self, id: &DeviceId, seq: u64, hash: &Hash) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE devices SET head_seq = ?2, head_hash = ?3 WHERE id = ?1")?
            .execute(params![id.0, seq, hash.0])?;
        Ok(())
    }

    fn entry_hash(&mut self, device: &DeviceId, seq: u64) -> Result<Option<Hash>> {
        let hash: Option<Vec<u8>> = self
            .tx
            .prepare_cached("SELECT hash FROM entries WHERE device = ?1 AND seq = ?2")?
            .query_row(params![device.0, seq], |r| r.get(0))
            .optional()?;
        hash.map(|h| fixed(h, "hash").map(Hash)).transpose()
    }

    fn insert_entry(&mut self, e: &Entry, received_at: i64, refused: Option<&str>) -> Result<u64> {
        let hub_seq = self
            .tx
            .prepare_cached(
                "INSERT INTO entries (device, seq, format, kind, at, prev, subject, body_hash,
                                      body, signature, hash, about, received_at, refused)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                 RETURNING hub_seq",
            )?
            .query_row(
                params![
                    e.device.0,
                    e.seq,
                    e.format,
                    e.kind.code(),
                    e.at,
                    e.prev.0,
                    e.subject.map(|s| s.to_string()),
                    e.body_hash.0,
                    e.body,
                    e.signature,
                    e.hash().0,
                    e.about().map(|s| s.to_string()),
                    received_at,
                    refused,
                ],
                |r| r.get(0),
            )?;
        Ok(hub_seq)
    }

    fn entries_about(&mut self, id: &ReportId) -> Result<Vec<Entry>> {
        let mut stmt = self.tx.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM entries e WHERE e.about = ?1 ORDER BY e.hub_seq"
        ))?;
        let rows = stmt
            .query_map([id.to_string()], entry_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(build_entry).collect()
    }

    fn entries_to_signature(
        &mut self,
        device: &DeviceId,
        seq: u64,
        limit: usize,
    ) -> Result<Vec<(Entry, i64)>> {
        let mut stmt = self.tx.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS}, e.received_at FROM entries e
             WHERE e.device = ?1 AND e.seq > ?2 ORDER BY e.seq LIMIT ?3"
        ))?;
        let mut rows = stmt.query(params![device.0, seq, limit as u64])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let received: i64 = row.get(10)?;
            let entry = build_entry(entry_row(row)?)?;
            let signed = entry.signature.is_some();
            out.push((entry, received));
            if signed {
                break;
            }
        }
        Ok(out)
    }

    fn drop_body(&mut self, device: &DeviceId, seq: u64) -> Result<bool> {
        Ok(self
            .tx
            .prepare_cached(
                "UPDATE entries SET body = NULL
                 WHERE device = ?1 AND seq = ?2 AND body IS NOT NULL",
            )?
            .execute(params![device.0, seq])?
            > 0)
    }

    fn pull(
        &mut self,
        a: &Audience<'_>,
        cursor: u64,
        max_bytes: usize,
    ) -> Result<(Vec<Stored>, bool)> {
        let units = serde_json::to_string(a.units).unwrap_or_else(|_| "[]".into());
        let mut stmt = self.tx.prepare_cached(&format!(
            "WITH candidates AS (
                 SELECT hub_seq FROM entries WHERE hub_seq > ?1
                 UNION
                 SELECT e.hub_seq FROM reports r JOIN entries e ON e.about = r.id
                 WHERE r.rescoped > ?1
             )
             SELECT {ENTRY_COLUMNS}, e.hub_seq, e.received_at,
                    max(e.hub_seq, coalesce(r.rescoped, 0)) AS ord
             FROM candidates c JOIN entries e ON e.hub_seq = c.hub_seq
             LEFT JOIN reports r ON r.id = e.about
             WHERE e.refused IS NULL AND e.device != ?2
              AND ((e.device = ?3 AND e.about IS NULL) OR r.person = ?4
                   OR r.unit IN (SELECT value FROM json_each(?5))
                   OR (?6 AND e.kind = 20) OR e.kind IN (30, 31))
               AND (e.kind != 4 OR ?7 OR r.person = ?4)
             ORDER BY ord, e.hub_seq"
        ))?;
        let mut rows = stmt.query(params![
            cursor,
            a.device.0,
            a.hub.0,
            a.person,
            units,
            a.operations,
            a.cleared
        ])?;
        let mut out: Vec<Stored> = Vec::new();
        let mut bytes = 0;
        while let Some(r) = rows.next()? {
            let order: u64 = r.get(12)?;
            if bytes >= max_bytes && out.last().is_some_and(|l| l.order != order) {
                return Ok((out, true));
            }
            let entry = build_entry(entry_row(r)?)?;
            bytes += entry.body.as_ref().map_or(32, Vec::len) + 24;
            out.push(Stored {
                entry,
                hub_seq: r.get(10)?,
                received_at: r.get(11)?,
                order,
            });
        }
        Ok((out, false))
    }

    fn report(&mut self, id: &ReportId) -> Result<Option<ReportScope>> {
        let row = self
            .tx
            .prepare_cached("SELECT author, person, unit, rescoped FROM reports WHERE id = ?1")?
            .query_row([id.to_string()], |r| {
                Ok((r.get::<_, Vec<u8>>(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        row.map(|(author, person, unit, rescoped)| {
            Ok(ReportScope {
                id: *id,
                author: DeviceId(fixed(author, "device id")?),
                person,
                unit,
                rescoped,
            })
        })
        .transpose()
    }

    fn upsert_report(&mut self, s: &ReportScope) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO reports (id, author, person, unit, rescoped) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO UPDATE SET unit = excluded.unit, rescoped = excluded.rescoped",
            )?
            .execute(params![s.id.to_string(), s.author.0, s.person, s.unit, s.rescoped])?;
        Ok(())
    }

    fn insert_fork(&mut self, f: &Fork) -> Result<()> {
        self.tx.execute(
            "INSERT OR IGNORE INTO forks (device, seq, held_hash, offered_hash, seen_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![f.device.0, f.seq, f.held_hash, f.offered_hash, f.seen_at],
        )?;
        Ok(())
    }

    fn forks(&mut self) -> Result<Vec<Fork>> {
        let mut stmt = self.tx.prepare(
            "SELECT device, seq, held_hash, offered_hash, seen_at FROM forks ORDER BY seen_at",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(d, seq, held_hash, offered_hash, seen_at)| {
                Ok(Fork {
                    device: DeviceId(fixed(d, "device id")?),
                    seq,
                    held_hash,
                    offered_hash,
                    seen_at,
                })
            })
            .collect()
    }

    fn units(&mut self) -> Result<Vec<Unit>> {
        let mut stmt = self.tx.prepare(
            "SELECT id, name, sw_name, kind, parent, code, retired FROM units ORDER BY ord, id",
        )?;
        let units = stmt
            .query_map([], |r| {
                Ok(Unit {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    sw_name: r.get(2)?,
                    kind: r.get(3)?,
                    parent: r.get(4)?,
                    code: r.get(5)?,
                    retired: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(units)
    }

    fn upsert_unit(&mut self, u: &Unit) -> Result<()> {
        self.tx.execute(
            "INSERT INTO units (id, name, sw_name, kind, parent, code, retired, ord)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, (SELECT coalesce(max(ord), 0) + 1 FROM units))
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, sw_name = excluded.sw_name,
                kind = excluded.kind, parent = excluded.parent, code = excluded.code,
                retired = excluded.retired",
            params![u.id, u.name, u.sw_name, u.kind, u.parent, u.code, u.retired],
        )?;
        Ok(())
    }

    fn received_at(&mut self, device: &DeviceId, seq: u64) -> Result<Option<i64>> {
        Ok(self
            .tx
            .prepare_cached("SELECT received_at FROM entries WHERE device = ?1 AND seq = ?2")?
            .query_row(params![device.0, seq], |r| r.get(0))
            .optional()?)
    }

    fn response_steps(&mut self) -> Result<Vec<(Entry, i64)>> {
        let mut stmt = self.tx.prepare(&format!(
            "SELECT {ENTRY_COLUMNS}, e.received_at FROM entries e
             WHERE e.kind BETWEEN 10 AND 15 AND e.refused IS NULL ORDER BY e.hub_seq"
        ))?;
        let rows = stmt
            .query_map([], |r| Ok((entry_row(r)?, r.get::<_, i64>(10)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(row, received_at)| Ok((build_entry(row)?, received_at)))
            .collect()
    }

    fn refused(&mut self) -> Result<Vec<Refused>> {
        let mut stmt = self.tx.prepare(
            "SELECT device, seq, kind, refused, received_at FROM entries
             WHERE refused IS NOT NULL ORDER BY hub_seq",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get(1)?,
                    r.get::<_, u16>(2)?,
                    r.get(3)?,
                    r.get(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(device, seq, kind, reason, received_at)| {
                Ok(Refused {
                    device: DeviceId(fixed(device, "device id")?),
                    seq,
                    kind: EntryKind::from_code(kind).name(),
                    reason,
                    received_at,
                })
            })
            .collect()
    }

    fn entry_counts(&mut self) -> Result<(u64, u64)> {
        Ok(self
            .tx
            .query_row("SELECT count(*), count(refused) FROM entries", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?)
    }

    fn last_hub_seq(&mut self) -> Result<u64> {
        Ok(self
            .tx
            .query_row("SELECT coalesce(max(hub_seq), 0) FROM entries", [], |r| {
                r.get(0)
            })?)
    }
}
