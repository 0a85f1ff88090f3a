//! Storing what devices send: each run checked whole against the author's key and the chain
//! the hub holds (a fork is kept aside, a gap or a broken link refused unwritten), each new
//! entry kept with its effect or, with why, without it.

use ed25519_dalek::VerifyingKey;
use serde_json::Value;
use usalama_protocol::admission::MAX_UNKNOWN_BODY;
use usalama_protocol::gazetteer::COUNTY;
use usalama_protocol::ledger::{DeviceId, Entry, EntryKind, Hash};
use usalama_protocol::redaction::Redaction;
use usalama_protocol::wire::Run;

use super::rules::dated_ahead;
use super::Hub;
use crate::db::{DeviceRecord, Fork, ReportScope, Tx};
use crate::error::{HubError, Refusal, Result};

impl Hub {
    /// Stores one run: checks that its author signed every entry and its link to what the
    /// hub holds, skips what is already stored (a retried or replayed batch), and refuses a
    /// fork. Everything is checked before anything is written, so a refused run leaves no
    /// trace but the fork it records. Entries a revoked device wrote after its revocation are
    /// kept without effect. Returns the author, the new head and how many entries were new.
    pub(super) fn store_run(
        &self,
        tx: &mut dyn Tx,
        run: &Run,
        now: i64,
        fork: &mut Option<Fork>,
        removed: &mut usize,
    ) -> Result<(DeviceId, u64, u64)> {
        let (author, entries) = self.signed_run(tx, run)?;
        // Checked whole first: a fork, a gap or a broken link refuses the run unwritten.
        let (head_seq, head_hash) = continuation(tx, &author, &entries, now, fork)?;
        let revoked_after = if author.revoked {
            Some(self.revoked_after(tx, &author)?)
        } else {
            None
        };
        let mut added = 0;
        for entry in entries.iter().filter(|e| e.seq > author.head_seq) {
            self.keep(tx, &author, entry, revoked_after, now, removed)?;
            added += 1;
        }
        if added > 0 {
            tx.set_head(&author.id, head_seq, &head_hash)?;
        }
        Ok((author.id, head_seq, added))
    }

    /// The run's author, and its entries once their signatures are checked against the
    /// author's key.
    fn signed_run(&self, tx: &mut dyn Tx, run: &Run) -> Result<(DeviceRecord, Vec<Entry>)> {
        let author = tx.device(&run.device)?.ok_or_else(|| {
            HubError::refused(
                Refusal::UnknownAuthor,
                format!(
                    "entries of device {} which is not enrolled here",
                    run.device
                ),
            )
        })?;
        if author.id == self.id {
            return Err(HubError::refused(
                Refusal::BadSignature,
                "entries of the hub's own chain come only from the hub",
            ));
        }
        let key = VerifyingKey::from_bytes(&author.public_key)
            .map_err(|_| HubError::Database("a stored device key is damaged".into()))?;
        let entries = run.verified(&key).map_err(|e| {
            HubError::refused(
                Refusal::BadSignature,
                format!(
                    "entries {} to {} of device {}: {e}",
                    run.first_seq,
                    run.last_seq(),
                    run.device
                ),
            )
        })?;
        Ok((author, entries))
    }

    /// Stores one entry new to the hub: with its effect, or without it and why (written after
    /// its device was revoked, dated ahead, refused by the rules, or a body the hub never
    /// keeps).
    fn keep(
        &self,
        tx: &mut dyn Tx,
        author: &DeviceRecord,
        entry: &Entry,
        revoked_after: Option<u64>,
        now: i64,
        removed: &mut usize,
    ) -> Result<()> {
        let mut refused = match revoked_after {
            Some(last) if entry.seq > last => Some(format!(
                "written after the county revoked device {} (its entries after {last} take \
                 effect nowhere)",
                author.id
            )),
            _ => match dated_ahead(entry, now) {
                Some(why) => Some(why),
                None => self.refusal(tx, author, entry)?,
            },
        };
        // A source in the clear (or a sealed body that is not one) is never kept: only its
        // hash, which keeps the chain whole.
        let kept = match unkeepable_body(entry) {
            Some(why) => {
                refused = Some(why);
                let mut bodiless = entry.clone();
                bodiless.body = None;
                std::borrow::Cow::Owned(bodiless)
            }
            None => std::borrow::Cow::Borrowed(entry),
        };
        let entry = kept.as_ref();
        let hub_seq = tx.insert_entry(entry, now, refused.as_deref())?;
        match &refused {
            Some(why) => {
                self.metrics.refused_entry();
                tracing::warn!(device = %author.id, seq = entry.seq, reason = %why, "entry refused");
            }
            None => {
                *removed += self.project(tx, author, entry, hub_seq)?;
                self.answer_by_sms(tx, author, entry, now)?;
            }
        }
        Ok(())
    }

    /// The last entry of a revoked device that takes effect: what the hub held of it when it
    /// was revoked.
    pub(super) fn revoked_after(&self, tx: &mut dyn Tx, device: &DeviceRecord) -> Result<u64> {
        let key = revoked_after_key(&device.id);
        if let Some(last) = tx.meta(&key)?.and_then(|v| v.parse().ok()) {
            return Ok(last);
        }
        // Revoked before this was recorded: nothing stored from now on takes effect.
        tx.set_meta(&key, &device.head_seq.to_string())?;
        Ok(device.head_seq)
    }

    /// Keeps who may see each report up to date, and applies redactions. Returns how many
    /// bodies a redaction removed.
    pub(super) fn project(
        &self,
        tx: &mut dyn Tx,
        author: &DeviceRecord,
        e: &Entry,
        hub_seq: u64,
    ) -> Result<usize> {
        let body = e.body_json();
        let unit_in = |b: &Option<Value>| -> Option<Option<String>> {
            b.as_ref()?
                .get("unit")
                .map(|u| u.as_str().map(str::to_owned))
        };
        let fallback = author.unit.clone().unwrap_or_else(|| COUNTY.to_owned());
        match e.kind {
            EntryKind::ReportFiled => {
                let unit = unit_in(&body).flatten().unwrap_or(fallback);
                tx.upsert_report(&ReportScope {
                    id: e.report_id(),
                    author: author.id,
                    person: author.person.clone(),
                    unit,
                    rescoped: 0,
                })?;
            }
            EntryKind::ReportAmended => {
                if let (Some(id), Some(unit)) = (e.subject, unit_in(&body)) {
                    if let Some(mut scope) = tx.report(&id)? {
                        let unit = unit.unwrap_or(fallback);
                        if unit != scope.unit {
                            // Devices that now see the report must receive it whole.
                            scope.unit = unit;
                            scope.rescoped = hub_seq;
                            tx.upsert_report(&scope)?;
                        }
                    }
                }
            }
            EntryKind::SmsAlert => {
                // The alert received by SMS now has its chief's full report: steps taken on
                // that report are texted back too.
                let counter = body
                    .as_ref()
                    .and_then(|b| usalama_protocol::sms::AlertEntry::parse(b).ok())
                    .map(|a| a.counter);
                if let (Some(counter), Some(report)) = (counter, e.subject) {
                    tx.set_sms_joined(&author.id, counter, &report)?;
                    // For an alert that arrives by SMS after its full report.
                    tx.set_meta(
                        &super::sms::join_key(&author.id, counter),
                        &report.to_string(),
                    )?;
                }
            }
            EntryKind::ReportRedacted => return self.apply_redaction(tx, e, hub_seq),
            EntryKind::SourceSealed => return self.apply_earlier_redactions(tx, e),
            _ => {}
        }
        Ok(0)
    }
}

/// Where the author's chain stands once `entries` are added, checking that they continue what
/// the hub holds: an entry the hub already holds must be the same one (else a fork, kept
/// aside in `fork`), and each new one must follow the last without a gap and link to it.
fn continuation(
    tx: &mut dyn Tx,
    author: &DeviceRecord,
    entries: &[Entry],
    now: i64,
    fork: &mut Option<Fork>,
) -> Result<(u64, Hash)> {
    let (mut head_seq, mut head_hash) = (author.head_seq, author.head_hash);
    for entry in entries {
        let hash = entry.hash();
        if entry.seq <= head_seq {
            let held = tx.entry_hash(&author.id, entry.seq)?;
            if held != Some(hash) {
                *fork = Some(Fork {
                    device: author.id,
                    seq: entry.seq,
                    held_hash: held.map(|h| h.to_string()).unwrap_or_default(),
                    offered_hash: hash.to_string(),
                    seen_at: now,
                });
                return Err(HubError::refused(
                    Refusal::Fork,
                    format!(
                        "entry {} of device {} differs from the one the hub holds; it is \
                         kept aside for the county ICT office",
                        entry.seq, author.id
                    ),
                ));
            }
            continue;
        }
        if entry.seq != head_seq + 1 {
            return Err(HubError::refused(
                Refusal::Gap,
                format!(
                    "entries of device {} must continue from {} (got {})",
                    author.id,
                    head_seq + 1,
                    entry.seq
                ),
            ));
        }
        if entry.prev != head_hash {
            return Err(HubError::refused(
                Refusal::BrokenChain,
                format!(
                    "entry {} of device {} does not link to entry {}",
                    entry.seq, author.id, head_seq
                ),
            ));
        }
        head_seq = entry.seq;
        head_hash = hash;
    }
    Ok((head_seq, head_hash))
}

/// Why an entry's body may not be kept: a report's source in the clear (only a version of
/// Usalama from before sources were sealed writes one), a sealed source that is not a sealed
/// box, a county key that cannot be read, or an entry of an unknown kind larger than such an
/// entry may be (the hub keeps its hash, not a megabyte nobody can read).
pub(super) fn unkeepable_body(e: &Entry) -> Option<String> {
    let body = e.body.as_deref()?;
    let clear = || {
        "carries a report's source in the clear (an older version of Usalama wrote it); the hub \
         kept only its hash: update Usalama on that device"
            .to_owned()
    };
    match e.kind {
        EntryKind::ReportFiled | EntryKind::ReportAmended => {
            e.body_json().and_then(|b| b.get("source").map(|_| clear()))
        }
        EntryKind::ReportRedacted => {
            Redaction::of(e).and_then(|r| r.document.get("source").map(|_| clear()))
        }
        EntryKind::SourceSealed => usalama_protocol::seal::Envelope::parse(body)
            .err()
            .map(|_| "its sealed source is not a sealed box; the hub kept only its hash".into()),
        EntryKind::CountyKey => usalama_protocol::county::KeyEntry::parse(body)
            .err()
            .map(|_| "its county key cannot be read; the hub kept only its hash".into()),
        EntryKind::Unknown(code) if body.len() > MAX_UNKNOWN_BODY => Some(format!(
            "an entry of kind {code}, which this version does not know, may carry at most \
             {MAX_UNKNOWN_BODY} bytes (it carried {}); the hub kept only its hash",
            body.len()
        )),
        _ => None,
    }
}

pub(super) fn revoked_after_key(device: &DeviceId) -> String {
    format!("revoked_after:{device}")
}
