//! What the hub stores of SMS alerts: every message it picked up (accepted or refused, with
//! where it came from as a unique key), the index of enrolled devices by alert key id, and each
//! device's replay window. Both backends implement [`SmsStore`], which every [`super::Tx`]
//! also is, so a message, its outcome and the window it moved commit in one transaction.

use serde::Serialize;
use usalama_protocol::ledger::{DeviceId, ReportId};

use crate::error::Result;

/// One SMS as the hub keeps it: an alert it accepted, or a message it refused and why.
#[derive(Debug, Clone, Serialize)]
pub struct SmsMessage {
    /// The hub's number for it (0 before it is stored).
    pub id: u64,
    /// Where it came from, unique: the gateway's file name and a hash of what it held.
    pub source: String,
    /// When the gateway received it, Unix ms.
    pub received_at: i64,
    /// When the hub stored it, Unix ms.
    pub stored_at: i64,
    /// The sender's number, sealed to the hub's own key: never shown.
    #[serde(skip)]
    pub sender: Vec<u8>,
    /// A keyed hash of the sender's number, to find a sender's messages without opening any.
    #[serde(skip)]
    pub sender_index: [u8; 32],
    /// The whole text, sealed to the hub's own key.
    #[serde(skip)]
    pub text: Vec<u8>,
    /// The first characters of the text, all that the list shows of it.
    pub excerpt: String,
    /// The device whose key opened it, and its alert number.
    pub device: Option<DeviceId>,
    pub counter: Option<u32>,
    /// The alert's fields as JSON, when accepted.
    pub alert: Option<serde_json::Value>,
    /// The refusal's stable code (`sms::Refusal::code`); `None` when accepted.
    pub refusal: Option<String>,
    /// Why it was refused, in words.
    pub reason: Option<String>,
    /// The report an accepted alert was relayed as.
    pub relay: Option<ReportId>,
    /// The chief's full report it alerted, once its `sms_alert` entry came.
    pub joined: Option<ReportId>,
}

impl SmsMessage {
    pub fn accepted(&self) -> bool {
        self.refusal.is_none()
    }
}

/// A text the hub sends through the gateway.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// The hub's number for it (0 before it is stored).
    pub id: u64,
    /// What it is for, unique (`answer:<report>:<step>`, `duty:<report>:<n>`): the same
    /// purpose is never sent twice.
    pub purpose: String,
    /// The number, sealed to the hub's own key.
    pub recipient: Vec<u8>,
    /// A keyed hash of the number: the daily cap counts by it.
    pub recipient_index: [u8; 32],
    pub text: String,
    pub created_at: i64,
}

/// The sender of an accepted alert, as the hub keeps it.
#[derive(Debug, Clone)]
pub struct AlertSender {
    /// The message's number.
    pub message: u64,
    /// The device whose alert it was.
    pub device: Option<DeviceId>,
    /// The sender's number, sealed to the hub's own key, and its keyed hash.
    pub sender: Vec<u8>,
    pub sender_index: [u8; 32],
}

/// The SMS operations of one transaction.
pub trait SmsStore {
    /// Whether a message from `source` is stored already.
    fn sms_known(&mut self, source: &str) -> Result<bool>;
    /// Stores a message; returns its number.
    fn insert_sms(&mut self, message: &SmsMessage) -> Result<u64>;
    /// The newest `limit` messages (only the refused ones if `refused_only`), newest first.
    fn sms_messages(&mut self, refused_only: bool, limit: usize) -> Result<Vec<SmsMessage>>;

    /// The devices indexed under alert key id `key_id`.
    fn sms_key_devices(&mut self, key_id: u32) -> Result<Vec<DeviceId>>;
    fn index_sms_key(&mut self, key_id: u32, device: &DeviceId) -> Result<()>;
    /// Drops a device from the index (revoked or replaced).
    fn unindex_sms_key(&mut self, device: &DeviceId) -> Result<()>;

    /// A device's replay window as stored (JSON), if it has one.
    fn sms_window(&mut self, device: &DeviceId) -> Result<Option<String>>;
    fn set_sms_window(&mut self, device: &DeviceId, window: &str) -> Result<()>;

    /// Records the report an accepted message was relayed as.
    fn set_sms_relay(&mut self, message: u64, relay: &ReportId) -> Result<()>;
    /// The sender of the alert relayed as report `report`, or joined by it.
    fn sms_relay_sender(&mut self, report: &ReportId) -> Result<Option<AlertSender>>;
    /// Records that `device`'s accepted alert `counter` alerted `report`.
    fn set_sms_joined(&mut self, device: &DeviceId, counter: u32, report: &ReportId) -> Result<()>;

    /// Keeps a text to send; false (and nothing kept) when its purpose was kept before.
    fn queue_sms(&mut self, out: &Outgoing) -> Result<bool>;
    /// How many texts were kept for the number with this keyed hash since `since` (Unix ms).
    fn sms_queued_since(&mut self, recipient_index: &[u8; 32], since: i64) -> Result<u64>;
    /// How many texts were kept for any number since `since` (Unix ms).
    fn sms_queued_in_all_since(&mut self, since: i64) -> Result<u64>;
    /// The texts not yet written into the gateway's outbox, oldest first.
    fn sms_waiting(&mut self, limit: usize) -> Result<Vec<Outgoing>>;
    fn set_sms_written(&mut self, id: u64, at: i64) -> Result<()>;
    /// Records that the gateway sent text `id`.
    fn set_sms_sent(&mut self, id: u64, at: i64) -> Result<()>;
}
