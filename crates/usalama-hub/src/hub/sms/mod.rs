//! Flash alerts received by SMS (issue 16): each message a gateway hands over is read with the
//! protocol's [`sms`] module, judged against its device's replay window, and stored with its
//! outcome, accepted or refused, in one transaction keyed by where it came from. A message
//! handed over again (after a crash between storing it and removing the gateway's file) finds
//! its key and is not stored twice; the same alert sent again is a `duplicate`, kept as a
//! refusal, never a second alert.
//!
//! An accepted alert becomes a report at once, relayed in the hub's chain, and the duty
//! officers are told; an officer's acknowledgement goes back by SMS (`relay`).
//!
//! # Layout
//!
//! - this module: [`Hub::take_sms`], the list, and the index of devices by alert key id;
//! - `at_rest`: the sender's number and the text sealed to the hub's own key, and the sender
//!   index;
//! - `fields`: an accepted alert's fields as JSON.
//! - `phone`: a device user's enrolled phone, where answers go, in their language.
//! - `relay`: the relay as a report, the duty officers' texts, the answer, the daily cap and
//!   the texts waiting for the gateway.

mod at_rest;
mod fields;
mod phone;
mod relay;

pub(crate) use relay::join_key;
pub use relay::{COUNTY_DAILY_CAP, DAILY_CAP, DUTY_TEXT};

use ed25519_dalek::VerifyingKey;
use time::OffsetDateTime;
use usalama_protocol::gazetteer::Unit;
use usalama_protocol::ledger::DeviceId;
use usalama_protocol::sms::{self, AlertKey, Header, Opened, Refusal, ReplayWindow};

use super::Hub;
use crate::db::{self, AlertSender, DeviceRecord, SmsMessage, Tx};
use crate::error::{HubError, Result};
use crate::now_ms;

/// Characters of a message's text the administrator's list shows.
pub const EXCERPT: usize = 12;

/// A message as a gateway hands it over.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    /// Where it came from, unique to this message (e.g. the gateway's file name and a hash of
    /// its content): the same message handed over again has the same source.
    pub source: &'a str,
    /// The sender's number, as the gateway gives it.
    pub sender: &'a str,
    pub text: &'a str,
    /// When the gateway received it, Unix ms: the replay window judges the alert's age by it.
    pub received_at: i64,
}

/// What became of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    /// A new alert of `device`, stored as message `id`.
    Accepted {
        id: u64,
        device: DeviceId,
        counter: u32,
    },
    /// Kept as message `id`, refused with `code` (`sms::Refusal::code`).
    Refused { id: u64, code: &'static str },
    /// Stored before, from the same source: nothing new.
    AlreadyStored,
}

/// The device that opened an alert and what it said; or why none did (with the device, when
/// its key opened an alert that breaks the format's rules).
type Found = std::result::Result<(DeviceId, Opened), (Option<DeviceId>, Refusal)>;

/// A message judged, not yet stored.
enum Judged {
    Accepted {
        device: DeviceId,
        opened: Box<Opened>,
        form: sms::Form,
        window: ReplayWindow,
    },
    Refused {
        device: Option<DeviceId>,
        counter: Option<u32>,
        refusal: Refusal,
    },
}

impl Judged {
    fn refused(refusal: Refusal) -> Judged {
        Judged::Refused {
            device: None,
            counter: None,
            refusal,
        }
    }
}

impl Hub {
    /// Reads, judges and stores one message, with the device's window when it is accepted,
    /// in one transaction.
    pub fn take_sms(&self, incoming: &Incoming<'_>) -> Result<Taken> {
        let sender = self.seal_at_rest(incoming.sender.as_bytes(), at_rest::SENDER)?;
        let text = self.seal_at_rest(incoming.text.as_bytes(), at_rest::TEXT)?;
        let sender_index = self.sender_index(incoming.sender);
        let stored_at = now_ms();
        db::write(self.db(), |tx| {
            if tx.sms_known(incoming.source)? {
                return Ok(Taken::AlreadyStored);
            }
            let mut message = SmsMessage {
                id: 0,
                source: incoming.source.to_owned(),
                received_at: incoming.received_at,
                stored_at,
                sender: sender.clone(),
                sender_index,
                text: text.clone(),
                excerpt: excerpt(incoming.text),
                device: None,
                counter: None,
                alert: None,
                refusal: None,
                reason: None,
                relay: None,
                joined: None,
            };
            match self.judge(tx, incoming)? {
                Judged::Accepted {
                    device,
                    opened,
                    form,
                    window,
                } => {
                    let window = serde_json::to_string(&window)
                        .map_err(|e| HubError::Internal(e.to_string()))?;
                    tx.set_sms_window(&device, &window)?;
                    message.device = Some(device);
                    message.counter = Some(opened.counter);
                    message.alert = Some(fields::json(&opened.alert, form));
                    let id = tx.insert_sms(&message)?;
                    let record = tx.device(&device)?.ok_or_else(|| {
                        HubError::Database("an alert's device record is missing".into())
                    })?;
                    let sender = AlertSender {
                        message: id,
                        device: Some(device),
                        sender: message.sender.clone(),
                        sender_index: message.sender_index,
                    };
                    self.relay_alert(tx, &record, &opened, incoming.text, &sender, stored_at)?;
                    Ok(Taken::Accepted {
                        id,
                        device,
                        counter: opened.counter,
                    })
                }
                Judged::Refused {
                    device,
                    counter,
                    refusal,
                } => {
                    message.device = device;
                    message.counter = counter;
                    message.refusal = Some(refusal.code().to_owned());
                    message.reason = Some(refusal.to_string());
                    let id = tx.insert_sms(&message)?;
                    Ok(Taken::Refused {
                        id,
                        code: refusal.code(),
                    })
                }
            }
        })
    }

    /// Reads a message: its shape, then its device's key, then the window.
    fn judge(&self, tx: &mut dyn Tx, incoming: &Incoming<'_>) -> Result<Judged> {
        let header = match sms::decode(incoming.text) {
            Ok(header) => header,
            Err(refusal) => return Ok(Judged::refused(refusal)),
        };
        let (device, opened) = match self.open_alert(tx, &header)? {
            Ok(found) => found,
            Err((device, refusal)) => {
                return Ok(Judged::Refused {
                    device,
                    counter: None,
                    refusal,
                })
            }
        };
        let mut window = match tx.sms_window(&device)? {
            Some(stored) => serde_json::from_str(&stored)
                .map_err(|_| HubError::Database("a stored replay window is damaged".into()))?,
            None => ReplayWindow::new(),
        };
        let received =
            OffsetDateTime::from_unix_timestamp_nanos(i128::from(incoming.received_at) * 1_000_000)
                .map_err(|e| HubError::Internal(e.to_string()))?;
        match window.admit(opened.counter, opened.alert.sent_at, received) {
            Ok(()) => Ok(Judged::Accepted {
                device,
                form: header.form(),
                opened: Box::new(opened),
                window,
            }),
            Err(refusal) => Ok(Judged::Refused {
                device: Some(device),
                counter: Some(opened.counter),
                refusal,
            }),
        }
    }

    /// The device whose key opens the alert, among the enrolled devices with its key id that
    /// may send (not revoked, not waiting for approval). Two devices may share a key id: each
    /// is tried, and only the right key's tag matches.
    fn open_alert(&self, tx: &mut dyn Tx, header: &Header) -> Result<Found> {
        let ids = tx.sms_key_devices(header.key_id().get())?;
        if ids.len() > 1 {
            tracing::warn!(
                key_id = %header.key_id(),
                devices = ids.len(),
                "several enrolled devices share an alert key id; trying each"
            );
        }
        let mut units: Option<Vec<Unit>> = None;
        let mut tried = false;
        for id in ids {
            let Some(device) = tx.device(&id)?.filter(|d| !d.revoked && !d.pending) else {
                continue;
            };
            let Some(key) = self.alert_key(&device) else {
                continue;
            };
            tried = true;
            if units.is_none() {
                units = Some(tx.units()?);
            }
            match sms::open(header, &key, units.as_deref().unwrap_or_default()) {
                Ok(opened) => return Ok(Ok((id, opened))),
                Err(Refusal::BadTag | Refusal::UnknownDevice) => continue,
                // Authentic but unreadable: the device's own fault, said as such.
                Err(refusal) => return Ok(Err((Some(id), refusal))),
            }
        }
        let refusal = if tried {
            Refusal::BadTag
        } else {
            Refusal::UnknownDevice
        };
        Ok(Err((None, refusal)))
    }

    /// The alert key this hub shares with `device`; none for a key that cannot be one.
    fn alert_key(&self, device: &DeviceRecord) -> Option<AlertKey> {
        let public = VerifyingKey::from_bytes(&device.public_key).ok()?;
        AlertKey::of_hub(&self.key, &public).ok()
    }

    /// Indexes an enrolled device by its alert key id, in the caller's transaction, warning
    /// when another device has the same key id.
    pub(super) fn index_alert_key(&self, tx: &mut dyn Tx, device: &DeviceRecord) -> Result<()> {
        let Some(key) = self.alert_key(device) else {
            tracing::warn!(device = %device.id, "a device key that gives no alert key");
            return Ok(());
        };
        let key_id = key.id().get();
        let others = tx.sms_key_devices(key_id)?;
        if others.iter().any(|other| *other != device.id) {
            tracing::warn!(
                key_id = %key.id(),
                device = %device.id,
                "two enrolled devices share an alert key id; the hub tries both keys"
            );
        }
        tx.index_sms_key(key_id, &device.id)
    }

    /// Builds the index of alert key ids once, for a hub that enrolled devices before it kept
    /// one; afterwards enrollment and revocation keep it.
    pub(super) fn settle_alert_keys(&self) -> Result<()> {
        const DONE: &str = "sms_keys_indexed";
        if db::read(self.db(), |tx| tx.meta(DONE))?.is_some() {
            return Ok(());
        }
        db::write(self.db(), |tx| {
            for device in tx.devices()? {
                if device.id != self.id && !device.revoked {
                    self.index_alert_key(tx, &device)?;
                }
            }
            tx.set_meta(DONE, "1")
        })
    }

    /// The newest `limit` messages, accepted and refused (or refused only), newest first.
    pub fn sms_messages(&self, refused_only: bool, limit: usize) -> Result<Vec<SmsMessage>> {
        db::read(self.db(), |tx| tx.sms_messages(refused_only, limit))
    }
}

/// The first characters of a text, with anything unprintable shown as `?`.
fn excerpt(text: &str) -> String {
    text.trim()
        .chars()
        .take(EXCERPT)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

#[cfg(test)]
pub(super) mod tests;
