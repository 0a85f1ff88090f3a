//! The register of enrolled devices, for the administrator: listing them, finding one by a
//! prefix of its id, and revoking one.

use serde_json::json;
use usalama_protocol::ledger::{DeviceId, EntryKind};

use super::intake::revoked_after_key;
use super::Hub;
use crate::db::{self, DeviceRecord, Tx};
use crate::error::{HubError, Refusal, Result};
use crate::now_ms;

impl Hub {
    pub fn devices(&self) -> Result<Vec<DeviceRecord>> {
        let id = self.id;
        db::read(self.db(), |tx| {
            Ok(tx.devices()?.into_iter().filter(|d| d.id != id).collect())
        })
    }

    /// Revokes a device: it is refused from its next request, and every device learns it.
    pub fn revoke(&self, text: &str) -> Result<DeviceRecord> {
        let device = db::read(self.db(), |tx| find_device(tx, text, self.id))?;
        let now = now_ms();
        db::write(self.db(), |tx| {
            // Its alerts are refused from now on, as its syncs are.
            tx.unindex_sms_key(&device.id)?;
            // A device still waiting for approval was never announced: nobody needs telling.
            if tx.set_revoked(&device.id)? && !device.pending {
                // What the hub holds of it now is all of it that will ever take effect.
                let last = tx.device(&device.id)?.map_or(0, |d| d.head_seq);
                tx.set_meta(&revoked_after_key(&device.id), &last.to_string())?;
                self.append(
                    tx,
                    EntryKind::DeviceRevoked,
                    &json!({"device": device.id.to_string(), "last_seq": last}),
                    now,
                )?;
            }
            Ok(())
        })?;
        tracing::info!(device = %device.id, "device revoked");
        Ok(DeviceRecord {
            revoked: true,
            ..device
        })
    }
}

/// The enrolled device whose id starts with `text` (at least 6 hex digits).
pub(super) fn find_device(tx: &mut dyn Tx, text: &str, hub: DeviceId) -> Result<DeviceRecord> {
    let text = text.trim().to_ascii_lowercase();
    let matches: Vec<DeviceRecord> = tx
        .devices()?
        .into_iter()
        .filter(|d| d.id != hub && text.len() >= 6 && d.id.to_string().starts_with(&text))
        .collect();
    match <[DeviceRecord; 1]>::try_from(matches) {
        Ok([one]) => Ok(one),
        Err(matches) if matches.is_empty() => Err(HubError::refused(
            Refusal::UnknownDevice,
            format!("no enrolled device {text:?}; see `usalama-hub devices list`"),
        )),
        Err(_) => Err(HubError::refused(
            Refusal::Ambiguous,
            format!("{text:?} matches several devices; give more of the id"),
        )),
    }
}
