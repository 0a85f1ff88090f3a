//! The SMS tables of one SQLite transaction: messages, the key id index and replay windows.

use rusqlite::{params, OptionalExtension, Row};
use usalama_protocol::ledger::{DeviceId, ReportId};

use super::rows::fixed;
use super::tx::SqliteTx;
use crate::db::{AlertSender, Outgoing, SmsMessage, SmsStore};
use crate::error::{HubError, Result};

const COLUMNS: &str = "id, source, received_at, stored_at, excerpt, device, counter, alert, \
                       refusal, reason, relay, joined";

impl SmsStore for SqliteTx<'_> {
    fn sms_known(&mut self, source: &str) -> Result<bool> {
        Ok(self
            .tx
            .prepare_cached("SELECT 1 FROM sms_messages WHERE source = ?1")?
            .query_row([source], |_| Ok(()))
            .optional()?
            .is_some())
    }

    fn insert_sms(&mut self, m: &SmsMessage) -> Result<u64> {
        let alert = m.alert.as_ref().map(ToString::to_string);
        let id: i64 = self
            .tx
            .prepare_cached(
                "INSERT INTO sms_messages (source, received_at, stored_at, sender, sender_index,
                     text, excerpt, device, counter, alert, refusal, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                 RETURNING id",
            )?
            .query_row(
                params![
                    m.source,
                    m.received_at,
                    m.stored_at,
                    m.sender,
                    m.sender_index,
                    m.text,
                    m.excerpt,
                    m.device.map(|d| d.0),
                    m.counter,
                    alert,
                    m.refusal,
                    m.reason
                ],
                |r| r.get(0),
            )?;
        Ok(id as u64)
    }

    fn sms_messages(&mut self, refused_only: bool, limit: usize) -> Result<Vec<SmsMessage>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM sms_messages WHERE (?1 = 0 OR refusal IS NOT NULL)
             ORDER BY id DESC LIMIT ?2"
        );
        let mut stmt = self.tx.prepare_cached(&sql)?;
        let mut rows = stmt.query(params![refused_only, limit as i64])?;
        let mut messages = Vec::new();
        while let Some(row) = rows.next()? {
            messages.push(message_from(row)?);
        }
        Ok(messages)
    }

    fn sms_key_devices(&mut self, key_id: u32) -> Result<Vec<DeviceId>> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT device FROM sms_keys WHERE key_id = ?1 ORDER BY device")?;
        let ids = stmt
            .query_map([key_id], |r| r.get::<_, Vec<u8>>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        ids.into_iter()
            .map(|id| fixed(id, "device id").map(DeviceId))
            .collect()
    }

    fn index_sms_key(&mut self, key_id: u32, device: &DeviceId) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO sms_keys (key_id, device) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            )?
            .execute(params![key_id, device.0])?;
        Ok(())
    }

    fn unindex_sms_key(&mut self, device: &DeviceId) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM sms_keys WHERE device = ?1")?
            .execute([device.0])?;
        Ok(())
    }

    fn sms_window(&mut self, device: &DeviceId) -> Result<Option<String>> {
        Ok(self
            .tx
            .prepare_cached("SELECT seen FROM sms_windows WHERE device = ?1")?
            .query_row([device.0], |r| r.get(0))
            .optional()?)
    }

    fn set_sms_window(&mut self, device: &DeviceId, window: &str) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO sms_windows (device, seen) VALUES (?1, ?2)
                 ON CONFLICT (device) DO UPDATE SET seen = excluded.seen",
            )?
            .execute(params![device.0, window])?;
        Ok(())
    }

    fn set_sms_relay(&mut self, message: u64, relay: &ReportId) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE sms_messages SET relay = ?2 WHERE id = ?1")?
            .execute(params![message as i64, relay.to_string()])?;
        Ok(())
    }

    fn sms_relay_sender(&mut self, relay: &ReportId) -> Result<Option<AlertSender>> {
        type Row = (i64, Option<Vec<u8>>, Vec<u8>, Vec<u8>);
        let row: Option<Row> = self
            .tx
            .prepare_cached(
                "SELECT id, device, sender, sender_index FROM sms_messages
                 WHERE relay = ?1 OR joined = ?1 LIMIT 1",
            )?
            .query_row([relay.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        row.map(|(id, device, sender, index)| {
            Ok(AlertSender {
                message: id as u64,
                device: device
                    .map(|d| fixed(d, "device id").map(DeviceId))
                    .transpose()?,
                sender,
                sender_index: fixed(index, "sender index")?,
            })
        })
        .transpose()
    }

    fn set_sms_joined(&mut self, device: &DeviceId, counter: u32, report: &ReportId) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE sms_messages SET joined = ?3
                 WHERE device = ?1 AND counter = ?2 AND refusal IS NULL",
            )?
            .execute(params![device.0, counter, report.to_string()])?;
        Ok(())
    }

    fn queue_sms(&mut self, out: &Outgoing) -> Result<bool> {
        let added = self
            .tx
            .prepare_cached(
                "INSERT INTO sms_outgoing (purpose, recipient, recipient_index, text, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (purpose) DO NOTHING",
            )?
            .execute(params![
                out.purpose,
                out.recipient,
                out.recipient_index,
                out.text,
                out.created_at
            ])?;
        Ok(added == 1)
    }

    fn sms_queued_since(&mut self, recipient_index: &[u8; 32], since: i64) -> Result<u64> {
        let n: i64 = self
            .tx
            .prepare_cached(
                "SELECT count(*) FROM sms_outgoing
                 WHERE recipient_index = ?1 AND created_at >= ?2",
            )?
            .query_row(params![recipient_index, since], |r| r.get(0))?;
        Ok(n as u64)
    }

    fn sms_queued_in_all_since(&mut self, since: i64) -> Result<u64> {
        let n: i64 = self
            .tx
            .prepare_cached("SELECT count(*) FROM sms_outgoing WHERE created_at >= ?1")?
            .query_row([since], |r| r.get(0))?;
        Ok(n as u64)
    }

    fn sms_waiting(&mut self, limit: usize) -> Result<Vec<Outgoing>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT id, purpose, recipient, recipient_index, text, created_at FROM sms_outgoing
             WHERE written_at IS NULL ORDER BY id LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([limit as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                    r.get::<_, Vec<u8>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, i64>(5)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(id, purpose, recipient, index, text, created_at)| {
                Ok(Outgoing {
                    id: id as u64,
                    purpose,
                    recipient,
                    recipient_index: fixed(index, "recipient index")?,
                    text,
                    created_at,
                })
            })
            .collect()
    }

    fn set_sms_written(&mut self, id: u64, at: i64) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE sms_outgoing SET written_at = ?2 WHERE id = ?1")?
            .execute(params![id as i64, at])?;
        Ok(())
    }

    fn set_sms_sent(&mut self, id: u64, at: i64) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE sms_outgoing SET sent_at = ?2 WHERE id = ?1")?
            .execute(params![id as i64, at])?;
        Ok(())
    }
}

/// A message as its row holds it (the sealed number and text are never read here).
fn message_from(r: &Row<'_>) -> Result<SmsMessage> {
    let device: Option<Vec<u8>> = r.get(5)?;
    let alert: Option<String> = r.get(7)?;
    let report = |i: usize| -> rusqlite::Result<Option<ReportId>> {
        Ok(r.get::<_, Option<String>>(i)?
            .as_deref()
            .and_then(ReportId::parse))
    };
    Ok(SmsMessage {
        id: r.get::<_, i64>(0)? as u64,
        source: r.get(1)?,
        received_at: r.get(2)?,
        stored_at: r.get(3)?,
        sender: Vec::new(),
        sender_index: [0; 32],
        text: Vec::new(),
        excerpt: r.get(4)?,
        device: device
            .map(|d| fixed(d, "device id").map(DeviceId))
            .transpose()?,
        counter: r.get(6)?,
        alert: alert
            .map(|a| serde_json::from_str(&a))
            .transpose()
            .map_err(|_| HubError::Database("a stored SMS alert is damaged".into()))?,
        refusal: r.get(8)?,
        reason: r.get(9)?,
        relay: report(10)?,
        joined: report(11)?,
    })
}
