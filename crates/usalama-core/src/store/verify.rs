//! `verify`: every signature, every chain, every projection.

use std::collections::HashMap;

use ed25519_dalek::VerifyingKey;
use serde::Serialize;

use super::entries::{entry_from_row, ENTRY_COLUMNS};
use super::projection::reproject;
use super::Store;
use crate::error::Result;
use crate::ledger::{DeviceId, Entry, Hash, ReportId};

/// What `verify` found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct VerifyReport {
    pub entries: u64,
    pub devices: u64,
    pub reports: u64,
    /// One line per problem, naming the entry (device and sequence number).
    pub problems: Vec<String>,
    /// Other devices' entries received before every entry travelled with its author's
    /// signature, vouched for by the hub alone: not signed by their author as far as this
    /// device can tell. Reported, not counted as tampering.
    pub vouched: u64,
}

/// One link of another device's chain as held here: an entry (named) or a kept proof.
struct Link {
    name: Option<String>,
    device: DeviceId,
    seq: u64,
    prev: Hash,
    hash: Hash,
    signed: bool,
    vouched: bool,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The last entry read of each device's chain: its number and hash.
type Heads = HashMap<DeviceId, (u64, Hash)>;

impl Store {
    /// Checks every entry's signature and body hash, every device's hash chain, this device's
    /// chain head, and that every report's projection is what its entries say.
    pub fn verify(&mut self) -> Result<VerifyReport> {
        let mut report = VerifyReport::default();
        let keys = self.device_keys(&mut report)?;
        // Other devices' entries, and the proofs kept with them, for the cover check below.
        let (heads, mut foreign) = self.check_entries(&keys, &mut report)?;
        self.kept_proofs(&keys, &mut report, &mut foreign)?;
        check_cover(&mut foreign, &mut report);
        self.check_head(&heads, &mut report)?;
        self.check_projections(&mut report)?;
        Ok(report)
    }

    /// Every device's key as announced here; a damaged record is a problem.
    fn device_keys(&self, report: &mut VerifyReport) -> Result<HashMap<DeviceId, VerifyingKey>> {
        let mut stmt = self
            .conn
            .prepare("SELECT device, public_key FROM devices")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?))
        })?;
        let mut keys = HashMap::new();
        for row in rows {
            let (device, key) = row?;
            let (Ok(device), Ok(key)) = (<[u8; 16]>::try_from(device), <[u8; 32]>::try_from(key))
            else {
                report.problems.push("a device record is damaged".into());
                continue;
            };
            match VerifyingKey::from_bytes(&key) {
                Ok(k) => {
                    keys.insert(DeviceId(device), k);
                }
                Err(_) => report.problems.push(format!(
                    "device {}: its public key is damaged",
                    DeviceId(device)
                )),
            }
        }
        Ok(keys)
    }

    /// Reads every entry, in chain order, checking each one; returns each chain's last entry
    /// and the links of other devices' chains.
    fn check_entries(
        &self,
        keys: &HashMap<DeviceId, VerifyingKey>,
        report: &mut VerifyReport,
    ) -> Result<(Heads, Vec<Link>)> {
        let mut heads = Heads::new();
        let mut foreign: Vec<Link> = Vec::new();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {ENTRY_COLUMNS}, hash, vouched FROM entries ORDER BY device, seq"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let entry = match entry_from_row(row) {
                Ok(e) => e,
                Err(e) => {
                    report
                        .problems
                        .push(format!("an entry cannot be read: {e}"));
                    continue;
                }
            };
            let stored_hash: Vec<u8> = row.get(10)?;
            let vouched: bool = row.get(11)?;
            report.entries += 1;
            let stored = Stored {
                entry: &entry,
                stored_hash: &stored_hash,
                vouched,
            };
            let own = entry.device == self.me.device;
            foreign.extend(check_entry(report, keys, own, &mut heads, &stored));
        }
        Ok((heads, foreign))
    }

    /// The proofs kept beside the entries: checked like entries, counted as none.
    fn kept_proofs(
        &self,
        keys: &HashMap<DeviceId, VerifyingKey>,
        report: &mut VerifyReport,
        foreign: &mut Vec<Link>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare("SELECT entry FROM proofs")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let bytes: Vec<u8> = row.get(0)?;
            let Ok((proof, _)) = Entry::decode(&bytes) else {
                report.problems.push("a kept proof cannot be read".into());
                continue;
            };
            let signed = keys
                .get(&proof.device)
                .is_some_and(|key| proof.verify_signature(key));
            foreign.push(Link {
                name: None,
                device: proof.device,
                seq: proof.seq,
                prev: proof.prev,
                hash: proof.hash(),
                signed,
                vouched: false,
            });
        }
        Ok(())
    }

    /// This device's chain must end where its identity says its head is.
    fn check_head(&self, heads: &Heads, report: &mut VerifyReport) -> Result<()> {
        let me = self.me.device;
        let (head_seq, head_hash): (u64, Option<Vec<u8>>) = self.conn.query_row(
            "SELECT head_seq, head_hash FROM identity WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let actual = heads.get(&me).map(|(s, h)| (*s, h.0.to_vec()));
        if head_seq > 0 && actual != Some((head_seq, head_hash.unwrap_or_default())) {
            report.problems.push(format!(
                "this device's chain should end at entry {head_seq}, but ends at entry {}: \
                 entries were removed or replaced",
                actual.map_or(0, |(s, _)| s)
            ));
        }
        Ok(())
    }

    /// Projections: rebuilds each report in a transaction that is rolled back, and compares.
    fn check_projections(&mut self, report: &mut VerifyReport) -> Result<()> {
        let tx = self.conn.transaction()?;
        let before = snapshot(&tx)?;
        report.reports = before.len() as u64;
        for id in before.keys() {
            if let Some(rid) = ReportId::parse(id) {
                if !reproject(&tx, &rid)?.held {
                    report
                        .problems
                        .push(format!("report {id}: its filing entry is missing"));
                }
            }
        }
        let after = snapshot(&tx)?;
        for (id, row) in &before {
            if after.get(id) != Some(row) {
                report.problems.push(format!(
                    "report {id}: its stored state differs from what its entries say"
                ));
            }
        }
        drop(tx);
        Ok(())
    }
}

/// An entry as read from the table, with what the table stored beside it.
struct Stored<'e> {
    entry: &'e Entry,
    stored_hash: &'e [u8],
    vouched: bool,
}

/// Checks one entry: its link to the one before it, its body and header against its hash,
/// its signature. Returns its link when it is another device's, for the cover check.
fn check_entry(
    report: &mut VerifyReport,
    keys: &HashMap<DeviceId, VerifyingKey>,
    own: bool,
    heads: &mut Heads,
    stored: &Stored<'_>,
) -> Option<Link> {
    let entry = stored.entry;
    let name = format!("entry {} of device {}", entry.seq, entry.device);
    // This device's chain must be whole and signed throughout. Other devices'
    // chains arrive through the hub with gaps (entries this device may not see),
    // each entry signed by its author or covered by the signature of a later
    // consecutive one (checked below, once the whole chain is read).
    let last = heads.get(&entry.device).copied();
    if last.is_none() {
        report.devices += 1;
    }
    check_link(report, &name, own, last, entry);
    if !entry.body_matches() {
        report
            .problems
            .push(format!("{name}: its body was changed"));
    }
    let hash = entry.hash();
    if stored.stored_hash != hash.0 {
        report
            .problems
            .push(format!("{name}: its header was changed"));
    }
    let signed = keys
        .get(&entry.device)
        .is_some_and(|key| entry.verify_signature(key));
    let link = (!own).then(|| Link {
        name: Some(name.clone()),
        device: entry.device,
        seq: entry.seq,
        prev: entry.prev,
        hash,
        signed,
        vouched: stored.vouched,
    });
    match (keys.get(&entry.device), entry.signature) {
        (Some(key), Some(_)) if entry.verify_signature(key) => {}
        (Some(_), Some(_)) => report.problems.push(format!("{name}: bad signature")),
        (None, Some(_)) if own => report
            .problems
            .push(format!("{name}: no known key for its device")),
        (_, None) if own => report
            .problems
            .push(format!("{name}: its signature is missing")),
        _ => {}
    }
    heads.insert(entry.device, (entry.seq, hash));
    link
}

/// Whether `entry` links to the one before it, where that one is here; in this device's own
/// chain, a gap is a problem too.
fn check_link(
    report: &mut VerifyReport,
    name: &str,
    own: bool,
    last: Option<(u64, Hash)>,
    entry: &Entry,
) {
    let links = match last {
        Some((seq, hash)) if entry.seq == seq + 1 => Some(entry.prev == hash),
        None if entry.seq == 1 => Some(entry.prev == Hash::GENESIS),
        _ => None,
    };
    match links {
        Some(true) => {}
        Some(false) => report.problems.push(format!(
            "{name}: does not link to the entry before it (removed, reordered or \
             inserted entries)"
        )),
        None if own => {
            let expected = last.map_or(1, |(s, _)| s + 1);
            report.problems.push(format!(
                "{name}: expected entry {expected} next; entries {expected} to {} \
                 are missing",
                entry.seq - 1
            ));
        }
        None => {}
    }
}

/// Walking each chain backwards, a signature covers the entries linked before it; an entry of
/// another device no signature covers is a problem, unless the hub alone vouched for it.
fn check_cover(foreign: &mut Vec<Link>, report: &mut VerifyReport) {
    foreign.sort_by_key(|l| (l.device, l.seq, l.name.is_none()));
    foreign.dedup_by_key(|l| (l.device, l.seq));
    let mut covered = false;
    let mut later: Option<&Link> = None;
    for link in foreign.iter().rev() {
        // What comes after is covered only through an unbroken chain.
        let linked = later.is_some_and(|l| {
            l.device == link.device && l.seq == link.seq + 1 && l.prev == link.hash
        });
        if !linked {
            covered = false;
        }
        covered |= link.signed;
        if let (false, Some(name)) = (covered, &link.name) {
            if link.vouched {
                report.vouched += 1;
            } else {
                report.problems.push(format!(
                    "{name}: not signed by its author, and no later entry held here covers it"
                ));
            }
        }
        later = Some(link);
    }
}

fn snapshot(tx: &rusqlite::Transaction<'_>) -> Result<HashMap<String, String>> {
    let mut stmt = tx.prepare(
        "SELECT id, json_array(hex(author), type, urgency, occurred_at, recorded_at, unit, place,
                               amendments, document, hex(warning_report), warning_day,
                               warning_unit, warning_killed, warning_abducted, warning_head,
                               warning_indicators)
         FROM reports",
    )?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<HashMap<_, _>>>()?;
    Ok(rows)
}
