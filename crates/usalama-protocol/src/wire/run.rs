//! Runs: consecutive entries of one device's chain as they travel, which signatures they
//! carry, and how a receiver rebuilds and checks the entries its author signed.

use ed25519_dalek::VerifyingKey;

use crate::error::{Error, Result};
use crate::ledger::{DeviceId, Entry, EntryKind, Hash, ReportId, FORMAT};

/// Consecutive entries of one device's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub device: DeviceId,
    pub first_seq: u64,
    pub prev: Hash,
    pub entries: Vec<RunEntry>,
}

/// One entry inside a run: what the receiver cannot recompute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunEntry {
    pub kind: EntryKind,
    pub at: i64,
    pub subject: Option<ReportId>,
    /// The body, or its hash once redacted.
    pub body: Body,
    /// When the hub stored the entry (hub→device runs only), Unix milliseconds.
    pub received_at: Option<i64>,
    /// The author's signature of this entry.
    pub signature: Option<[u8; 64]>,
    /// Sent only to prove the chain from the entries before it to a signed entry: the
    /// receiver checks it and does not store it (its body never travels).
    pub proof: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Present(Vec<u8>),
    Dropped(Hash),
}

impl Body {
    pub fn is_present(&self) -> bool {
        matches!(self, Body::Present(_))
    }
}

/// Which signatures a run carries. A signature covers its entry and, through the hash chain,
/// every earlier one; 64 bytes that do not compress, so a run carries only those it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signatures {
    /// Every entry's own (an officer's device to its hub, bundles): the hub can then forward any
    /// entry alone, as an officer's response steps are, each to its own report's readers.
    Every,
    /// The entries whose sequence number is a multiple of [`SIGNED_EVERY`], and the last of
    /// each run (a reporter's device to its hub): a report costs 4 bytes of signature, not 64,
    /// and an entry the hub forwards alone is at most `SIGNED_EVERY - 1` proofs from the
    /// signature that covers it.
    Spaced,
    /// Only the last entry's of each run, which covers the rest (the hub to a device).
    Head,
}

/// How far apart [`Signatures::Spaced`] keeps signatures.
pub const SIGNED_EVERY: u64 = 16;

impl RunEntry {
    fn of(e: &Entry, received_at: Option<i64>) -> RunEntry {
        RunEntry {
            kind: e.kind,
            at: e.at,
            subject: e.subject,
            body: match &e.body {
                Some(b) => Body::Present(b.clone()),
                None => Body::Dropped(e.body_hash),
            },
            received_at,
            signature: e.signature,
            proof: false,
        }
    }

    /// `e` as a proof: its header and body hash, never its body.
    pub fn proof_of(e: &Entry, received_at: Option<i64>) -> RunEntry {
        RunEntry {
            body: Body::Dropped(e.body_hash),
            proof: true,
            ..RunEntry::of(e, received_at)
        }
    }
}

impl Run {
    /// Runs from entries sorted by (device, seq): one run per stretch of consecutive entries.
    /// `received_at` gives the hub's receipt time of each entry, for hub→device runs.
    pub fn from_entries(
        entries: &[Entry],
        received_at: impl Fn(usize) -> Option<i64>,
        signatures: Signatures,
    ) -> Vec<Run> {
        let mut runs: Vec<Run> = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let item = RunEntry::of(e, received_at(i));
            match runs.last_mut() {
                Some(run) if run.device == e.device && run.next_seq() == e.seq => {
                    // The entry before this one is no longer the run's last: it keeps its
                    // signature only where the choice says so.
                    let before = e.seq - 1;
                    let keep = match signatures {
                        Signatures::Every => true,
                        Signatures::Spaced => before % SIGNED_EVERY == 0,
                        Signatures::Head => false,
                    };
                    if !keep {
                        if let Some(last) = run.entries.last_mut() {
                            last.signature = None;
                        }
                    }
                    run.entries.push(item);
                }
                _ => runs.push(Run {
                    device: e.device,
                    first_seq: e.seq,
                    prev: e.prev,
                    entries: vec![item],
                }),
            }
        }
        runs
    }

    /// The entries of this run, with every hash recomputed, proofs included (see
    /// [`Run::verified`] for the entries a receiver may store).
    pub fn into_entries(self) -> Vec<Entry> {
        let mut out = Vec::with_capacity(self.entries.len());
        let mut prev = self.prev;
        for (i, item) in self.entries.into_iter().enumerate() {
            let (body_hash, body) = match item.body {
                Body::Present(b) => (Hash::of_body(&b), Some(b)),
                Body::Dropped(h) => (h, None),
            };
            let entry = Entry {
                format: FORMAT,
                kind: item.kind,
                device: self.device,
                seq: self.first_seq + i as u64,
                prev,
                at: item.at,
                subject: item.subject,
                body_hash,
                body,
                signature: item.signature,
            };
            prev = entry.hash();
            out.push(entry);
        }
        out
    }

    /// The entries of this run its author signed, checked against `key`: every hash
    /// recomputed, and each entry covered by a valid signature of its own or of a later entry
    /// of the run. Proofs are checked and left out. A signature that does not verify, or a
    /// tail no signature covers, is refused whole (nothing of the run is to be stored).
    pub fn verified(&self, key: &VerifyingKey) -> Result<Vec<Entry>> {
        if DeviceId::of(key) != self.device {
            return Err(Error::Integrity(format!(
                "entries of device {} checked against another device's key",
                self.device
            )));
        }
        let entries = self.clone().into_entries();
        let mut covered = false;
        for (e, item) in entries.iter().zip(&self.entries).rev() {
            if item.signature.is_some() {
                if !e.verify_signature(key) {
                    return Err(Error::Integrity(format!(
                        "entry {} of device {}: the signature does not match its content",
                        e.seq, self.device
                    )));
                }
                covered = true;
            } else if !covered {
                return Err(Error::Integrity(format!(
                    "entry {} of device {} is not signed by its author",
                    e.seq, self.device
                )));
            }
            if item.proof && e.body.is_some() {
                return Err(Error::Malformed("a proof entry carries a body".into()));
            }
        }
        Ok(entries
            .into_iter()
            .zip(&self.entries)
            .filter(|(_, item)| !item.proof)
            .map(|(e, _)| e)
            .collect())
    }

    /// Whether the run's last entry carries a signature (which then covers the whole run).
    pub fn is_signed(&self) -> bool {
        self.entries.last().is_some_and(|e| e.signature.is_some())
    }

    pub fn last_seq(&self) -> u64 {
        self.first_seq + self.entries.len().saturating_sub(1) as u64
    }

    fn next_seq(&self) -> u64 {
        self.first_seq + self.entries.len() as u64
    }
}
