//! Bundles carried on a USB stick where no network reaches: a device's bundle read into the
//! hub with the checks of a sync, and the hub's bundle for one device, sealed to it.

use ed25519_dalek::VerifyingKey;
use serde::Serialize;
use usalama_protocol::seal::BoxPublic;
use usalama_protocol::wire::{Bundle, DeviceBundle, HubBundle};

use super::answer::{cursor_key, pull_from_key};
use super::devices::find_device;
use super::Hub;
use crate::db::{self, DeviceRecord};
use crate::error::{HubError, Refusal, Result};
use crate::now_ms;

/// What `usalama-hub import` stored.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BundleImport {
    /// The device that made the bundle.
    pub device: String,
    /// Entries new to the hub.
    pub stored: u64,
    /// Entries the hub already held (a bundle carried twice, or already synced).
    pub already_held: u64,
    /// Runs that could not be stored, with why.
    pub skipped: Vec<String>,
}

/// What `usalama-hub export` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct BundleExport {
    pub device: String,
    pub entries: usize,
    pub bytes: usize,
}

impl Hub {
    /// Reads a device's bundle (carried on a USB stick): stores its runs with the checks and
    /// the idempotency of a network sync. A run that cannot be stored (a gap, a fork, an
    /// unknown or revoked author) is reported and the others are still stored.
    pub fn import_bundle(&self, bytes: &[u8]) -> Result<BundleImport> {
        let (bundle, carrier) = self.open_device_bundle(bytes)?;
        let now = now_ms();
        let mut report = BundleImport {
            device: bundle.device.to_string(),
            ..BundleImport::default()
        };
        let mut removed = 0;
        for run in &bundle.runs {
            let mut fork = None;
            // A revoked author's entries from before its revocation are stored as any
            // late entry; those after it, without effect.
            let result = db::write(self.db(), |tx| {
                self.store_run(tx, run, now, &mut fork, &mut removed)
            });
            match result {
                Ok((_, _, added)) => {
                    report.stored += added;
                    report.already_held += run.entries.len() as u64 - added;
                }
                Err(e @ HubError::Refused { .. }) => {
                    if let Some(f) = fork {
                        db::write(self.db(), |tx| tx.insert_fork(&f))?;
                    }
                    report.skipped.push(format!(
                        "entries {} to {} of device {}: {e}",
                        run.first_seq,
                        run.last_seq(),
                        run.device
                    ));
                }
                Err(e) => return Err(e),
            }
        }
        if !carrier.revoked {
            // The next bundle for this device starts where it says it stands.
            db::write(self.db(), |tx| {
                let cursor = self.trusted_cursor(tx, &carrier.id, bundle.cursor)?;
                tx.set_meta(&pull_from_key(&carrier.id), &cursor.to_string())
            })?;
        }
        if removed > 0 {
            self.db.scrub()?;
        }
        self.metrics.synced(report.stored, 0);
        tracing::info!(
            device = %bundle.device, stored = report.stored, skipped = report.skipped.len(),
            "bundle imported"
        );
        Ok(report)
    }

    /// Opens a device's bundle sealed to this hub and checks its maker's signature: the
    /// bundle and the maker's record.
    pub(super) fn open_device_bundle(&self, bytes: &[u8]) -> Result<(DeviceBundle, DeviceRecord)> {
        let (bundle, signature) = Bundle::open(bytes, &self.box_secret()).map_err(|e| match e {
            usalama_protocol::Error::Unsupported(m) => HubError::refused(Refusal::Outdated, m),
            usalama_protocol::Error::Refused(_) => HubError::refused(
                Refusal::WrongHub,
                "this bundle was made for another county hub (or a device): it cannot be read \
                 here",
            ),
            usalama_protocol::Error::Integrity(m) => HubError::refused(Refusal::BadSignature, m),
            other => HubError::refused(Refusal::Malformed, other.to_string()),
        })?;
        let Bundle::FromDevice(bundle) = bundle else {
            return Err(HubError::refused(
                Refusal::WrongBundle,
                "this bundle was made by a hub for a device: import it on that device with \
                 `usalama bundle import`",
            ));
        };
        if bundle.hub != self.id {
            return Err(HubError::refused(
                Refusal::WrongHub,
                "this bundle was made for another county hub",
            ));
        }
        let maker = db::read(self.db(), |tx| tx.device(&bundle.device))?.ok_or_else(|| {
            HubError::refused(
                Refusal::UnknownAuthor,
                format!(
                    "the bundle was made by device {}, which is not enrolled here",
                    bundle.device
                ),
            )
        })?;
        let key = VerifyingKey::from_bytes(&maker.public_key)
            .map_err(|_| HubError::Database("a stored device key is damaged".into()))?;
        if !signature.verify(&key) {
            return Err(HubError::refused(
                Refusal::BadSignature,
                "the bundle's signature does not match the device that made it: it was changed \
                 or damaged on the way; nothing was imported",
            ));
        }
        Ok((bundle, maker))
    }

    /// A bundle for one device (found by a prefix of its id): what its next sync would
    /// receive, all at once, signed by the hub. `since` is the device's cursor; by default the
    /// last one it reported (by sync or bundle), so nothing it holds travels again.
    pub fn export_bundle(
        &self,
        device: &str,
        since: Option<u64>,
    ) -> Result<(Vec<u8>, BundleExport)> {
        let now = now_ms();
        let response = db::write(self.db(), |tx| {
            let record = find_device(tx, device, self.id)?;
            if record.revoked {
                return Err(HubError::refused(
                    Refusal::Revoked,
                    format!("device {} has been revoked", record.id),
                ));
            }
            let cursor = match since {
                Some(c) => c,
                None => tx
                    .meta(&pull_from_key(&record.id))?
                    .or(tx.meta(&cursor_key(&record.id))?)
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(0),
            };
            // Every device's head: the device learns which of the entries it carried for
            // others have arrived, as well as its own.
            let acks = tx
                .devices()?
                .into_iter()
                .filter(|d| d.head_seq > 0 && d.id != self.id)
                .map(|d| (d.id, d.head_seq))
                .collect();
            // The device takes the answer's time as when the hub received what it acknowledges:
            // for a bundle, when the device's last entries arrived, not when the answer is
            // written (the stick may have waited days).
            let received = tx.received_at(&record.id, record.head_seq)?.unwrap_or(now);
            let response = self.answer(tx, &record, cursor, acks, received, usize::MAX)?;
            let key = cursor_key(&record.id);
            let given = tx.meta(&key)?.and_then(|c| c.parse::<u64>().ok());
            if given.is_none_or(|g| g < response.cursor) {
                tx.set_meta(&key, &response.cursor.to_string())?;
            }
            Ok((record, response))
        })?;
        let (record, response) = response;
        let id = record.id;
        let entries = response.runs.iter().map(|r| r.entries.len()).sum();
        let bundle = Bundle::FromHub(HubBundle {
            hub: self.id,
            device: id,
            response,
        });
        let key = VerifyingKey::from_bytes(&record.public_key)
            .map_err(|_| HubError::Database("a stored device key is damaged".into()))?;
        let bytes = bundle.seal(&self.key, &BoxPublic::of_device(&key))?;
        let export = BundleExport {
            device: id.to_string(),
            entries,
            bytes: bytes.len(),
        };
        Ok((bytes, export))
    }
}
