//! The hub's answer to a device: what it may see since its cursor, and the cursors the hub
//! remembers giving each device (so that a hub restored from a backup resends rather than
//! skips).

use usalama_protocol::domain::Role;
use usalama_protocol::gazetteer::{self, Unit, COUNTY};
use usalama_protocol::ledger::{DeviceId, Entry};
use usalama_protocol::wire::{Run, RunEntry, Signatures, SyncResponse};

use super::Hub;
use crate::db::{Audience, DeviceRecord, Tx};
use crate::error::Result;

impl Hub {
    /// Where to pull from for a device that says it holds everything up to `cursor`. The hub
    /// remembers the furthest cursor it gave each device; a device claiming more synced with
    /// this hub before it was restored from a backup, and the entries numbered since the
    /// restore reuse those numbers. Such a device pulls again from the furthest point this
    /// hub remembers giving it (from the start if none); it keeps each entry once.
    pub(super) fn trusted_cursor(
        &self,
        tx: &mut dyn Tx,
        device: &DeviceId,
        cursor: u64,
    ) -> Result<u64> {
        let given = tx
            .meta(&cursor_key(device))?
            .and_then(|c| c.parse::<u64>().ok());
        let beyond = match given {
            Some(given) => cursor > given,
            None => cursor > tx.last_hub_seq()?,
        };
        if beyond {
            let from = given.unwrap_or(0);
            tracing::warn!(device = %device, cursor, from, "cursor from before a restore");
            return Ok(from);
        }
        Ok(cursor)
    }

    /// The answer for `device`: the acknowledgements, and what it may see since `cursor`, up
    /// to about `max_bytes`.
    pub(super) fn answer(
        &self,
        tx: &mut dyn Tx,
        device: &DeviceRecord,
        cursor: u64,
        acks: Vec<(DeviceId, u64)>,
        now: i64,
        max_bytes: usize,
    ) -> Result<SyncResponse> {
        let units = tx.units()?;
        let scope = audience_units(device, &units);
        let audience = Audience {
            device: device.id,
            person: &device.person,
            units: &scope,
            hub: self.id,
            operations: device.role == Role::Officer || device.role == Role::Admin,
            cleared: device.cleared,
        };
        let (pulled, more) = tx.pull(&audience, cursor, max_bytes)?;
        let next = pulled.last().map_or(cursor, |s| s.order.max(cursor));
        let mut entries: Vec<(Entry, i64)> = pulled
            .into_iter()
            .map(|s| (s.entry, s.received_at))
            .collect();
        entries.sort_by_key(|(e, _)| (e.device, e.seq));
        let receipts: Vec<i64> = entries.iter().map(|(_, r)| *r).collect();
        let entries: Vec<Entry> = entries.into_iter().map(|(e, _)| e).collect();
        let mut runs = Run::from_entries(&entries, |i| receipts.get(i).copied(), Signatures::Head);
        for run in runs.iter_mut().filter(|r| !r.is_signed()) {
            // A run whose last entry carries no signature of its own (a reporter's entries
            // travel with a signature every few entries, and those stored before protocol 2
            // with one per run): the entries that follow, up to a signed one, prove it; they
            // travel without their bodies and are not stored by the device.
            for (e, received) in tx.entries_to_signature(&run.device, run.last_seq(), 10_000)? {
                run.entries.push(RunEntry::proof_of(&e, Some(received)));
            }
        }
        // A run nothing signed covers is never sent: a device would refuse the whole answer.
        runs.retain(|r| {
            let signed = r.is_signed();
            if !signed {
                tracing::warn!(device = %r.device, seq = r.last_seq(), "no signature covers entries");
            }
            signed
        });
        Ok(SyncResponse {
            hub_time: now,
            acks,
            cursor: next,
            more,
            runs,
            refused: Vec::new(),
            updates: None,
        })
    }
}

pub(super) fn cursor_key(device: &DeviceId) -> String {
    format!("cursor:{device}")
}

/// Where the hub keeps the cursor a device last reported by bundle: its next bundle starts
/// there.
pub(super) fn pull_from_key(device: &DeviceId) -> String {
    format!("pull-from:{device}")
}

/// The units whose reports a device may see: its unit's subtree; the county for a county-wide
/// officer or an administrator.
pub(super) fn audience_units(device: &DeviceRecord, units: &[Unit]) -> Vec<String> {
    let root = match (device.role.role(), device.unit.as_deref()) {
        (_, Some(unit)) => unit,
        (Some(Role::Officer | Role::Admin), None) => COUNTY,
        _ => return Vec::new(),
    };
    gazetteer::subtree(units, root)
        .into_iter()
        .map(str::to_owned)
        .collect()
}
