//! The sync exchange: a device's signed request is checked, what it sent (its own runs first,
//! then what it carries for others) is stored, and the answer is sealed over the request.

use ed25519_dalek::VerifyingKey;
use usalama_protocol::ledger::{DeviceId, EntryKind};
use usalama_protocol::wire::{DeviceBundle, Refused, Run, SyncRequest, CHUNK_BYTES};

use super::answer::{cursor_key, pull_from_key};
use super::Hub;
use crate::db::{self, DeviceRecord, Fork};
use crate::error::{HubError, Refusal, Result};
use crate::now_ms;

impl Hub {
    /// One sync exchange: stores what the device sent (verified, idempotently) and answers with
    /// the acknowledgement and what the device may see since its cursor, signed over the
    /// request.
    ///
    /// The device is looked up and its signature checked before anything is decompressed, so
    /// that nobody but an enrolled device can make the hub do more than read a header. The
    /// device's own entries are stored first; entries it carries for others never hold them
    /// back: a carried run the hub will never take (a fork, a broken chain, a bad signature,
    /// an unknown author) is kept aside where it must be and listed in the answer, so that
    /// the carrier drops it.
    pub fn sync(&self, body: &[u8]) -> Result<Vec<u8>> {
        let frame = SyncRequest::frame(body)?;
        let known = db::read(self.db(), |tx| tx.device(&frame.device))?;
        let device = self.authenticated(known)?;
        let key = VerifyingKey::from_bytes(&device.public_key)
            .map_err(|_| HubError::Database("a stored device key is damaged".into()))?;
        if !frame.verify(&self.id, &key) {
            return Err(HubError::refused(
                Refusal::Unauthenticated,
                "the request is not signed by this device's key",
            ));
        }
        let request = frame.open()?;
        if request
            .runs
            .iter()
            .any(|r| r.entries.iter().any(|e| e.proof))
        {
            return Err(HubError::refused(
                Refusal::Malformed,
                "a device sends entries, never proofs",
            ));
        }
        // Bundles relayed for other devices: opened before the write (each is sealed to this
        // hub and signed by its maker); one that cannot be read is refused, never the sync.
        let mut relayed: Vec<std::result::Result<DeviceBundle, Refused>> = Vec::new();
        for bytes in &request.bundles {
            relayed.push(self.open_device_bundle(bytes).map(|(b, _)| b).map_err(|e| {
                tracing::warn!(carrier = %request.device, code = e.code(), "relayed bundle refused");
                Refused {
                    device: DeviceId([0; 16]),
                    first_seq: 0,
                    last_seq: 0,
                    reason: e.code().to_owned(),
                }
            }));
        }
        let now = now_ms();
        let mut forks: Vec<Fork> = Vec::new();
        let mut removed = 0;
        let result = db::write(self.db(), |tx| {
            forks.clear();
            let device = self.authenticated(tx.device(&request.device)?)?;
            // A device's own new reports always go through; anything else counts against its
            // daily budget.
            let own_reports = request.runs.iter().any(|r| {
                r.device == device.id
                    && r.entries.iter().any(|e| {
                        matches!(e.kind, EntryKind::ReportFiled | EntryKind::ReportAmended)
                    })
            });
            self.charge_in(tx, &device.id, body.len() as u64, own_reports)?;
            if request.counter <= device.counter {
                return Err(HubError::refused(
                    Refusal::Replayed,
                    format!(
                        "request {} was already seen (the last was {}); a replayed request is \
                         refused",
                        request.counter, device.counter
                    ),
                ));
            }
            tx.set_counter(&device.id, request.counter)?;
            let mut acks = vec![(device.id, device.head_seq)];
            let mut refused: Vec<Refused> = Vec::new();
            let mut stored = 0u64;
            // The device's own runs first: what it carries never holds them back.
            let mut runs: Vec<&Run> = request.runs.iter().collect();
            runs.sort_by_key(|r| r.device != device.id);
            for bundle in &relayed {
                match bundle {
                    Ok(b) => {
                        runs.extend(b.runs.iter().filter(|r| r.device != device.id));
                        let maker = tx.device(&b.device)?;
                        if maker.is_some_and(|m| !m.revoked) {
                            let cursor = self.trusted_cursor(tx, &b.device, b.cursor)?;
                            tx.set_meta(&pull_from_key(&b.device), &cursor.to_string())?;
                        }
                    }
                    Err(r) => refused.push(r.clone()),
                }
            }
            for run in runs {
                let own = run.device == device.id;
                let mut fork = None;
                let outcome = self.store_run(tx, run, now, &mut fork, &mut removed);
                let (author, head, added) = match outcome {
                    Ok(stored) => stored,
                    // Entries that do not continue what the hub holds of their device: carried
                    // ones the carrier lacks the start of, or the hub was restored from a
                    // backup older than the device's last sync. The hub's head for that device
                    // tells the sender where to start again; nothing is refused.
                    Err(e) if e.refusal() == Refusal::Gap => {
                        let head = tx.device(&run.device)?.map_or(0, |d| d.head_seq);
                        (run.device, head, 0)
                    }
                    Err(e @ HubError::Refused { .. }) if !own => {
                        forks.extend(fork);
                        tracing::warn!(
                            carrier = %device.id, author = %run.device, code = e.code(),
                            "carried entries refused"
                        );
                        refused.push(Refused {
                            device: run.device,
                            first_seq: run.first_seq,
                            last_seq: run.last_seq(),
                            reason: e.code().to_owned(),
                        });
                        continue;
                    }
                    Err(e) => {
                        forks.extend(fork);
                        return Err(e);
                    }
                };
                stored += added;
                if !own {
                    // Entries a revoked device wrote after its revocation are kept without
                    // effect: the carrier hears which.
                    if let Some(author) = tx.device(&author)?.filter(|a| a.revoked) {
                        let last = self.revoked_after(tx, &author)?;
                        if run.last_seq() > last {
                            refused.push(Refused {
                                device: author.id,
                                first_seq: run.first_seq.max(last + 1),
                                last_seq: run.last_seq(),
                                reason: "revoked".into(),
                            });
                        }
                    }
                }
                match acks.iter_mut().find(|(d, _)| *d == author) {
                    Some(slot) => slot.1 = head,
                    None => acks.push((author, head)),
                }
            }
            let cursor = self.trusted_cursor(tx, &device.id, request.cursor)?;
            let mut response = self.answer(tx, &device, cursor, acks, now, CHUNK_BYTES)?;
            response.refused = refused;
            tx.set_meta(&cursor_key(&device.id), &response.cursor.to_string())?;
            tx.set_meta(&pull_from_key(&device.id), &cursor.to_string())?;
            if !forks.is_empty() {
                for f in &forks {
                    tx.insert_fork(f)?;
                }
            }
            let sent = response.runs.iter().map(|r| r.entries.len()).sum::<usize>();
            Ok((response, stored, sent))
        });
        match result {
            Ok((response, stored, sent)) => {
                if removed > 0 {
                    self.db.scrub()?;
                }
                for f in &forks {
                    tracing::warn!(device = %f.device, seq = f.seq, "fork kept aside");
                }
                self.metrics.synced(stored, sent);
                tracing::info!(
                    device = %request.device, received = stored, sent, cursor = response.cursor,
                    refused = response.refused.len(), "sync"
                );
                Ok(response.seal(&self.key, &frame.tag())?)
            }
            Err(e) => {
                if !forks.is_empty() {
                    db::write(self.db(), |tx| {
                        for f in &forks {
                            tracing::warn!(device = %f.device, seq = f.seq, "fork kept aside");
                            tx.insert_fork(f)?;
                        }
                        Ok(())
                    })?;
                }
                Err(e)
            }
        }
    }

    /// The device a request names, if it may sync: enrolled and not revoked.
    pub(super) fn authenticated(&self, device: Option<DeviceRecord>) -> Result<DeviceRecord> {
        let device = device.ok_or_else(|| {
            HubError::refused(
                Refusal::UnknownDevice,
                "this device is not enrolled with this hub",
            )
        })?;
        if device.revoked {
            return Err(HubError::refused(
                Refusal::Revoked,
                "this device has been revoked",
            ));
        }
        if device.id == self.id {
            return Err(HubError::refused(
                Refusal::UnknownDevice,
                "the hub does not sync with itself",
            ));
        }
        Hub::refuse_pending(&device)?;
        Ok(device)
    }
}
