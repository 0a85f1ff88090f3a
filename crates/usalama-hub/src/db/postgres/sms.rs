//! The SMS tables of one PostgreSQL transaction: the same answers as the SQLite backend's.

use postgres::Row;
use usalama_protocol::ledger::{DeviceId, ReportId};

use super::rows::{fixed, signed, unsigned};
use super::tx::PgTx;
use super::{damaged, Pg};
use crate::db::{AlertSender, Outgoing, SmsMessage, SmsStore};
use crate::error::Result;

impl SmsStore for PgTx<'_> {
    fn sms_known(&mut self, source: &str) -> Result<bool> {
        Ok(self
            .one("SELECT 1 FROM sms_messages WHERE source = $1", &[&source])?
            .is_some())
    }

    fn insert_sms(&mut self, m: &SmsMessage) -> Result<u64> {
        let device = m.device.map(|d| d.0.to_vec());
        let counter = m.counter.map(i64::from);
        let alert = m.alert.as_ref().map(ToString::to_string);
        let index = m.sender_index.to_vec();
        let row = self
            .one(
                "INSERT INTO sms_messages (source, received_at, stored_at, sender, sender_index,
                     text, excerpt, device, counter, alert, refusal, reason)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                 RETURNING id",
                &[
                    &m.source,
                    &m.received_at,
                    &m.stored_at,
                    &m.sender,
                    &index,
                    &m.text,
                    &m.excerpt,
                    &device,
                    &counter,
                    &alert,
                    &m.refusal,
                    &m.reason,
                ],
            )?
            .ok_or_else(|| damaged("SMS number"))?;
        unsigned(row.try_get(0).pg()?, "SMS number")
    }

    fn sms_messages(&mut self, refused_only: bool, limit: usize) -> Result<Vec<SmsMessage>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.all(
            "SELECT id, source, received_at, stored_at, excerpt, device, counter, alert,
                    refusal, reason, relay, joined
             FROM sms_messages WHERE (NOT $1 OR refusal IS NOT NULL)
             ORDER BY id DESC LIMIT $2",
            &[&refused_only, &limit],
        )?
        .iter()
        .map(message_from)
        .collect()
    }

    fn sms_key_devices(&mut self, key_id: u32) -> Result<Vec<DeviceId>> {
        self.all(
            "SELECT device FROM sms_keys WHERE key_id = $1 ORDER BY device",
            &[&i64::from(key_id)],
        )?
        .iter()
        .map(|r| Ok(DeviceId(fixed(r.try_get(0).pg()?, "device id")?)))
        .collect()
    }

    fn index_sms_key(&mut self, key_id: u32, device: &DeviceId) -> Result<()> {
        self.exec(
            "INSERT INTO sms_keys (key_id, device) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&i64::from(key_id), &device.0.as_slice()],
        )?;
        Ok(())
    }

    fn unindex_sms_key(&mut self, device: &DeviceId) -> Result<()> {
        self.exec(
            "DELETE FROM sms_keys WHERE device = $1",
            &[&device.0.as_slice()],
        )?;
        Ok(())
    }

    fn sms_window(&mut self, device: &DeviceId) -> Result<Option<String>> {
        self.one(
            "SELECT seen FROM sms_windows WHERE device = $1",
            &[&device.0.as_slice()],
        )?
        .map(|r| r.try_get(0).pg())
        .transpose()
    }

    fn set_sms_window(&mut self, device: &DeviceId, window: &str) -> Result<()> {
        self.exec(
            "INSERT INTO sms_windows (device, seen) VALUES ($1, $2)
             ON CONFLICT (device) DO UPDATE SET seen = excluded.seen",
            &[&device.0.as_slice(), &window],
        )?;
        Ok(())
    }

    fn set_sms_relay(&mut self, message: u64, relay: &ReportId) -> Result<()> {
        self.exec(
            "UPDATE sms_messages SET relay = $2 WHERE id = $1",
            &[&signed(message, "SMS number")?, &relay.to_string()],
        )?;
        Ok(())
    }

    fn sms_relay_sender(&mut self, relay: &ReportId) -> Result<Option<AlertSender>> {
        self.one(
            "SELECT id, device, sender, sender_index FROM sms_messages
             WHERE relay = $1 OR joined = $1 LIMIT 1",
            &[&relay.to_string()],
        )?
        .map(|r| {
            let device: Option<Vec<u8>> = r.try_get(1).pg()?;
            Ok(AlertSender {
                message: unsigned(r.try_get(0).pg()?, "SMS number")?,
                device: device
                    .map(|d| fixed(d, "device id").map(DeviceId))
                    .transpose()?,
                sender: r.try_get(2).pg()?,
                sender_index: fixed(r.try_get(3).pg()?, "sender index")?,
            })
        })
        .transpose()
    }

    fn set_sms_joined(&mut self, device: &DeviceId, counter: u32, report: &ReportId) -> Result<()> {
        self.exec(
            "UPDATE sms_messages SET joined = $3
             WHERE device = $1 AND counter = $2 AND refusal IS NULL",
            &[
                &device.0.as_slice(),
                &i64::from(counter),
                &report.to_string(),
            ],
        )?;
        Ok(())
    }

    fn queue_sms(&mut self, out: &Outgoing) -> Result<bool> {
        let added = self.exec(
            "INSERT INTO sms_outgoing (purpose, recipient, recipient_index, text, created_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (purpose) DO NOTHING",
            &[
                &out.purpose,
                &out.recipient,
                &out.recipient_index.as_slice(),
                &out.text,
                &out.created_at,
            ],
        )?;
        Ok(added == 1)
    }

    fn sms_queued_since(&mut self, recipient_index: &[u8; 32], since: i64) -> Result<u64> {
        let row = self
            .one(
                "SELECT count(*) FROM sms_outgoing
                 WHERE recipient_index = $1 AND created_at >= $2",
                &[&recipient_index.as_slice(), &since],
            )?
            .ok_or_else(|| damaged("SMS count"))?;
        unsigned(row.try_get(0).pg()?, "SMS count")
    }

    fn sms_queued_in_all_since(&mut self, since: i64) -> Result<u64> {
        let row = self
            .one(
                "SELECT count(*) FROM sms_outgoing WHERE created_at >= $1",
                &[&since],
            )?
            .ok_or_else(|| damaged("SMS count"))?;
        unsigned(row.try_get(0).pg()?, "SMS count")
    }

    fn sms_waiting(&mut self, limit: usize) -> Result<Vec<Outgoing>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.all(
            "SELECT id, purpose, recipient, recipient_index, text, created_at FROM sms_outgoing
             WHERE written_at IS NULL ORDER BY id LIMIT $1",
            &[&limit],
        )?
        .iter()
        .map(|r| {
            Ok(Outgoing {
                id: unsigned(r.try_get(0).pg()?, "SMS number")?,
                purpose: r.try_get(1).pg()?,
                recipient: r.try_get(2).pg()?,
                recipient_index: fixed(r.try_get(3).pg()?, "recipient index")?,
                text: r.try_get(4).pg()?,
                created_at: r.try_get(5).pg()?,
            })
        })
        .collect()
    }

    fn set_sms_written(&mut self, id: u64, at: i64) -> Result<()> {
        self.exec(
            "UPDATE sms_outgoing SET written_at = $2 WHERE id = $1",
            &[&signed(id, "SMS number")?, &at],
        )?;
        Ok(())
    }

    fn set_sms_sent(&mut self, id: u64, at: i64) -> Result<()> {
        self.exec(
            "UPDATE sms_outgoing SET sent_at = $2 WHERE id = $1",
            &[&signed(id, "SMS number")?, &at],
        )?;
        Ok(())
    }
}

fn message_from(r: &Row) -> Result<SmsMessage> {
    let device: Option<Vec<u8>> = r.try_get(5).pg()?;
    let counter: Option<i64> = r.try_get(6).pg()?;
    let alert: Option<String> = r.try_get(7).pg()?;
    Ok(SmsMessage {
        id: unsigned(r.try_get(0).pg()?, "SMS number")?,
        source: r.try_get(1).pg()?,
        received_at: r.try_get(2).pg()?,
        stored_at: r.try_get(3).pg()?,
        sender: Vec::new(),
        sender_index: [0; 32],
        text: Vec::new(),
        excerpt: r.try_get(4).pg()?,
        device: device
            .map(|d| fixed(d, "device id").map(DeviceId))
            .transpose()?,
        counter: counter
            .map(|c| u32::try_from(c).map_err(|_| damaged("alert number")))
            .transpose()?,
        alert: alert
            .map(|a| serde_json::from_str(&a))
            .transpose()
            .map_err(|_| damaged("SMS alert"))?,
        refusal: r.try_get(8).pg()?,
        reason: r.try_get(9).pg()?,
        relay: r
            .try_get::<_, Option<String>>(10)
            .pg()?
            .as_deref()
            .and_then(ReportId::parse),
        joined: r
            .try_get::<_, Option<String>>(11)
            .pg()?
            .as_deref()
            .and_then(ReportId::parse),
    })
}
