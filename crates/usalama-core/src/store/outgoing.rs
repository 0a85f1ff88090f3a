//! What a device sends its hub next: its own entries the hub does not hold, entries and bundles
//! of other devices carried here, and where its updates stand, in one signed request.

use rusqlite::{params, TransactionBehavior};

use super::entries::{entry_from_row, ENTRY_COLUMNS};
use super::sync::Outgoing;
use super::{now_ms, Store};
use crate::domain::Role;
use crate::error::{Error, Result};
use crate::ledger::{DeviceId, Entry};
use crate::wire::{Run, Signatures, SyncRequest};

impl Store {
    /// The next request: this device's entries the hub does not hold (at most about
    /// `max_bytes` of them, at least one), entries of other devices carried here by bundle, and
    /// the pull cursor. The request counter is advanced durably before the request exists, so
    /// no two requests ever share one.
    pub fn next_sync_request(&mut self, max_bytes: usize) -> Result<Outgoing> {
        let link = self.hub_link()?.ok_or(Error::NotEnrolled)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (counter, cursor, acked): (u64, u64, u64) = tx.query_row(
            "UPDATE hub SET counter = counter + 1, last_attempt = ?1 WHERE id = 1
             RETURNING counter, cursor, acked",
            [now_ms()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let (mut entries, more_to_send) = unsent_entries(&tx, &self.me.device, acked, max_bytes)?;
        let count = entries.len();
        let budget = max_bytes.saturating_sub(entries_bytes(&entries));
        entries.extend(carried_entries(&tx, budget)?);
        let budget = max_bytes.saturating_sub(entries_bytes(&entries));
        let bundles = carried_bundles(&tx, budget, entries.is_empty())?;
        tx.commit()?;
        let request = SyncRequest {
            device: self.me.device,
            counter,
            cursor,
            device_time: now_ms(),
            runs: Run::from_entries(&entries, |_| None, upload_signatures(self.me.profile.role)),
            bundles: bundles.iter().map(|(_, b)| b.clone()).collect(),
            updates: Some(self.update_state()?),
        };
        let (body, tag) = request.seal(&link.hub, &self.me.key)?;
        Ok(Outgoing {
            url: link.url,
            cert_sha256: link.cert_sha256,
            body,
            tag,
            hub_key: link.hub_key,
            entries: count,
            bundles: bundles.into_iter().map(|(d, _)| d).collect(),
            more_to_send,
        })
    }
}

/// Which signatures this device's entries travel with to the hub: an officer's response steps
/// reach each report's readers one by one, so each carries its own; a reporter's chain reaches
/// its readers whole, so a few signatures cover it (see [`Signatures::Spaced`]).
fn upload_signatures(role: Role) -> Signatures {
    match role {
        Role::Officer | Role::Admin => Signatures::Every,
        Role::Chief | Role::AssistantChief | Role::Elder => Signatures::Spaced,
    }
}

/// This device's entries above `acked`, in order, up to about `max_bytes` (at least one);
/// and whether more remain.
pub(super) fn unsent_entries(
    tx: &rusqlite::Transaction<'_>,
    me: &DeviceId,
    acked: u64,
    max_bytes: usize,
) -> Result<(Vec<Entry>, bool)> {
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS} FROM entries WHERE device = ?1 AND seq > ?2 ORDER BY seq"
    ))?;
    let mut rows = stmt.query(params![me.0, acked])?;
    let mut entries = Vec::new();
    let mut bytes = 0;
    while let Some(row) = rows.next()? {
        if bytes >= max_bytes {
            return Ok((entries, true));
        }
        let e = entry_from_row(row)?;
        bytes += entry_bytes(&e);
        entries.push(e);
    }
    Ok((entries, false))
}

/// Entries of other devices carried here by bundle, up to about `max_bytes`, in runs that each
/// end with a signed entry (the hub checks a run by its last entry's signature).
pub(super) fn carried_entries(
    tx: &rusqlite::Transaction<'_>,
    max_bytes: usize,
) -> Result<Vec<Entry>> {
    let mut stmt = tx.prepare_cached("SELECT entry FROM carried ORDER BY device, seq")?;
    let mut rows = stmt.query([])?;
    let mut out: Vec<Entry> = Vec::new();
    // The current run, held back until an entry with a signature closes it.
    let mut run: Vec<Entry> = Vec::new();
    let mut bytes = 0;
    while let Some(row) = rows.next()? {
        let blob: Vec<u8> = row.get(0)?;
        let (entry, _) = Entry::decode(&blob)?;
        let continues = run
            .last()
            .is_some_and(|l| l.device == entry.device && l.seq + 1 == entry.seq);
        if !continues {
            run.clear();
        }
        bytes += entry_bytes(&entry);
        let signed = entry.signature.is_some();
        run.push(entry);
        if signed {
            out.append(&mut run);
            if bytes >= max_bytes {
                break;
            }
        }
    }
    Ok(out)
}

/// Carried bundles (digest and bytes), oldest first, up to about `max_bytes`; at least one
/// when `at_least_one` (a request that carries nothing else).
fn carried_bundles(
    tx: &rusqlite::Transaction<'_>,
    max_bytes: usize,
    at_least_one: bool,
) -> Result<Vec<([u8; 32], Vec<u8>)>> {
    let mut stmt =
        tx.prepare_cached("SELECT digest, bundle FROM carried_bundles ORDER BY added_at, digest")?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    let mut bytes = 0;
    while let Some(row) = rows.next()? {
        let digest: Vec<u8> = row.get(0)?;
        let bundle: Vec<u8> = row.get(1)?;
        if bytes + bundle.len() > max_bytes && !(at_least_one && out.is_empty()) {
            break;
        }
        let Ok(digest) = <[u8; 32]>::try_from(digest) else {
            continue;
        };
        bytes += bundle.len();
        out.push((digest, bundle));
    }
    Ok(out)
}

fn entry_bytes(e: &Entry) -> usize {
    e.body.as_ref().map_or(32, Vec::len) + 16
}

fn entries_bytes(entries: &[Entry]) -> usize {
    entries.iter().map(entry_bytes).sum()
}
