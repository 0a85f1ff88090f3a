//! The sync exchange: a device's signed request is checked, what it sent (its own runs first,
//! then what it carries for others) is stored, and the answer is sealed over the request.

use ed25519_dalek::VerifyingKey;
use usalama_protocol::ledger::{DeviceId, EntryKind};
use usalama_protocol::wire::{
    DeviceBundle, Refused, RequestFrame, Run, SyncRequest, SyncResponse, CHUNK_BYTES,
};

use super::answer::{cursor_key, pull_from_key};
use super::Hub;
use crate::db::{self, DeviceRecord, Fork, Tx};
use crate::error::{HubError, Refusal, Result};
use crate::now_ms;

/// What one exchange has done so far inside its write transaction.
struct Exchange<'a> {
    now: i64,
    /// Forks met, kept aside even when the exchange fails.
    forks: &'a mut Vec<Fork>,
    /// Bodies a redaction removed: the database is scrubbed after the commit.
    removed: &'a mut usize,
    /// Each author's head after the exchange, the device's own first.
    acks: Vec<(DeviceId, u64)>,
    /// Carried runs the hub will never take, for the carrier to drop.
    refused: Vec<Refused>,
    /// Entries new to the hub.
    stored: u64,
}

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
        let request = self.opened(&frame)?;
        let relayed = self.relayed(&request);
        let now = now_ms();
        let mut forks: Vec<Fork> = Vec::new();
        let mut removed = 0;
        let result = db::write(self.db(), |tx| {
            forks.clear();
            let mut exchange = Exchange {
                now,
                forks: &mut forks,
                removed: &mut removed,
                acks: Vec::new(),
                refused: Vec::new(),
                stored: 0,
            };
            self.exchange(tx, &request, body.len() as u64, &relayed, &mut exchange)
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

    /// The request inside `frame`, once its device is known and may sync and its signature
    /// is checked; a device sends entries, never proofs.
    fn opened(&self, frame: &RequestFrame<'_>) -> Result<SyncRequest> {
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
        Ok(request)
    }

    /// Bundles relayed for other devices: opened before the write (each is sealed to this
    /// hub and signed by its maker); one that cannot be read is refused, never the sync.
    fn relayed(&self, request: &SyncRequest) -> Vec<std::result::Result<DeviceBundle, Refused>> {
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
        relayed
    }

    /// The exchange's write transaction: charges the request, refuses a replay, stores every
    /// run and answers. Returns the answer, how many entries were stored and how many sent.
    fn exchange(
        &self,
        tx: &mut dyn Tx,
        request: &SyncRequest,
        body_len: u64,
        relayed: &[std::result::Result<DeviceBundle, Refused>],
        x: &mut Exchange<'_>,
    ) -> Result<(SyncResponse, u64, usize)> {
        let device = self.authenticated(tx.device(&request.device)?)?;
        // A device's own new reports always go through; anything else counts against its
        // daily budget.
        let own_reports = request.runs.iter().any(|r| {
            r.device == device.id
                && r.entries
                    .iter()
                    .any(|e| matches!(e.kind, EntryKind::ReportFiled | EntryKind::ReportAmended))
        });
        self.charge_in(tx, &device.id, body_len, own_reports)?;
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
        tx.set_counter(&device.id, request.counter, x.now)?;
        x.acks = vec![(device.id, device.head_seq)];
        for run in self.runs_to_store(tx, &device, request, relayed, x)? {
            self.take_run(tx, &device, run, x)?;
        }
        let cursor = self.trusted_cursor(tx, &device.id, request.cursor)?;
        let acks = std::mem::take(&mut x.acks);
        let mut response = self.answer(tx, &device, cursor, acks, x.now, CHUNK_BYTES)?;
        response.refused = std::mem::take(&mut x.refused);
        // A device from before updates says nothing of them, and must get nothing back: it
        // would refuse an answer with bytes it does not know.
        if let Some(state) = &request.updates {
            response.updates = Some(self.updates_at_sync(tx, &device.id, state, x.now)?);
        }
        tx.set_meta(&cursor_key(&device.id), &response.cursor.to_string())?;
        tx.set_meta(&pull_from_key(&device.id), &cursor.to_string())?;
        if !x.forks.is_empty() {
            for f in x.forks.iter() {
                tx.insert_fork(f)?;
            }
        }
        let sent = response.runs.iter().map(|r| r.entries.len()).sum::<usize>();
        Ok((response, x.stored, sent))
    }

    /// The runs to store, the device's own first (what it carries never holds them back),
    /// then those of the bundles it relays; a relayed bundle's maker's cursor is remembered
    /// for its next bundle, and a bundle that could not be read is refused.
    fn runs_to_store<'r>(
        &self,
        tx: &mut dyn Tx,
        device: &DeviceRecord,
        request: &'r SyncRequest,
        relayed: &'r [std::result::Result<DeviceBundle, Refused>],
        x: &mut Exchange<'_>,
    ) -> Result<Vec<&'r Run>> {
        let mut runs: Vec<&Run> = request.runs.iter().collect();
        runs.sort_by_key(|r| r.device != device.id);
        for bundle in relayed {
            match bundle {
                Ok(b) => {
                    runs.extend(b.runs.iter().filter(|r| r.device != device.id));
                    let maker = tx.device(&b.device)?;
                    if maker.is_some_and(|m| !m.revoked) {
                        let cursor = self.trusted_cursor(tx, &b.device, b.cursor)?;
                        tx.set_meta(&pull_from_key(&b.device), &cursor.to_string())?;
                    }
                }
                Err(r) => x.refused.push(r.clone()),
            }
        }
        Ok(runs)
    }

    /// Stores one run of the exchange. A carried run the hub will never take is refused
    /// (and a fork kept aside), not the sync; the device's own run is refused with the sync.
    fn take_run(
        &self,
        tx: &mut dyn Tx,
        device: &DeviceRecord,
        run: &Run,
        x: &mut Exchange<'_>,
    ) -> Result<()> {
        let own = run.device == device.id;
        let mut fork = None;
        let outcome = self.store_run(tx, run, x.now, &mut fork, x.removed);
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
                x.forks.extend(fork);
                tracing::warn!(
                    carrier = %device.id, author = %run.device, code = e.code(),
                    "carried entries refused"
                );
                x.refused.push(Refused {
                    device: run.device,
                    first_seq: run.first_seq,
                    last_seq: run.last_seq(),
                    reason: e.code().to_owned(),
                });
                return Ok(());
            }
            Err(e) => {
                x.forks.extend(fork);
                return Err(e);
            }
        };
        x.stored += added;
        if !own {
            // Entries a revoked device wrote after its revocation are kept without
            // effect: the carrier hears which.
            if let Some(author) = tx.device(&author)?.filter(|a| a.revoked) {
                let last = self.revoked_after(tx, &author)?;
                if run.last_seq() > last {
                    x.refused.push(Refused {
                        device: author.id,
                        first_seq: run.first_seq.max(last + 1),
                        last_seq: run.last_seq(),
                        reason: "revoked".into(),
                    });
                }
            }
        }
        match x.acks.iter_mut().find(|(d, _)| *d == author) {
            Some(slot) => slot.1 = head,
            None => x.acks.push((author, head)),
        }
        Ok(())
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
