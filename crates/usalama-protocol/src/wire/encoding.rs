//! How runs are written inside a frame and read back: headers once per run, times as deltas,
//! and flags saying what each entry carries. Reading refuses anything a writer never makes.

use crate::codec::{put_varint, unzigzag, zigzag, Reader};
use crate::error::{Error, Result};
use crate::ledger::{DeviceId, EntryKind, Hash, ReportId, MAX_BODY};

use super::run::{Body, Run, RunEntry};

const SUBJECT: u8 = 1;
const BODY: u8 = 1 << 1;
const SIGNED: u8 = 1 << 2;
const PROOF: u8 = 1 << 3;

pub(super) fn put_runs(out: &mut Vec<u8>, runs: &[Run], with_receipts: bool) {
    put_varint(out, runs.len() as u64);
    for run in runs {
        out.extend_from_slice(&run.device.0);
        put_varint(out, run.first_seq);
        put_varint(out, run.entries.len() as u64);
        out.extend_from_slice(&run.prev.0);
        let mut last_at = 0i64;
        let mut last_received = 0i64;
        for e in &run.entries {
            put_varint(out, u64::from(e.kind.code()));
            let flags = if e.subject.is_some() { SUBJECT } else { 0 }
                | if matches!(e.body, Body::Present(_)) {
                    BODY
                } else {
                    0
                }
                | if e.signature.is_some() { SIGNED } else { 0 }
                | if e.proof { PROOF } else { 0 };
            out.push(flags);
            put_varint(out, zigzag(e.at.wrapping_sub(last_at)));
            last_at = e.at;
            if with_receipts {
                let received = e.received_at.unwrap_or(0);
                put_varint(out, zigzag(received.wrapping_sub(last_received)));
                last_received = received;
            }
            if let Some(s) = &e.subject {
                out.extend_from_slice(&s.0);
            }
            match &e.body {
                Body::Present(b) => {
                    put_varint(out, b.len() as u64);
                    out.extend_from_slice(b);
                }
                Body::Dropped(h) => out.extend_from_slice(&h.0),
            }
            if let Some(sig) = &e.signature {
                out.extend_from_slice(sig);
            }
        }
    }
}

pub(super) fn read_runs(r: &mut Reader<'_>, with_receipts: bool) -> Result<Vec<Run>> {
    let n = r.count(16 + 2 + 32 + 1)?;
    let mut runs = Vec::with_capacity(n);
    for _ in 0..n {
        let device = DeviceId(r.array()?);
        let first_seq = r.varint()?;
        if first_seq == 0 {
            return Err(Error::Malformed("entry sequence numbers start at 1".into()));
        }
        let count = r.count(3)?;
        if count == 0 {
            return Err(Error::Malformed("an empty run".into()));
        }
        first_seq
            .checked_add(count as u64)
            .ok_or_else(|| Error::Malformed("sequence numbers overflow".into()))?;
        let prev = Hash(r.array()?);
        let mut entries = Vec::with_capacity(count);
        let mut last_at = 0i64;
        let mut last_received = 0i64;
        for _ in 0..count {
            let kind = u16::try_from(r.varint()?)
                .map_err(|_| Error::Malformed("entry kind out of range".into()))?;
            let flags = r.byte()?;
            if flags & !(SUBJECT | BODY | SIGNED | PROOF) != 0 {
                return Err(Error::Malformed(format!(
                    "unknown entry flags {flags:#04x}"
                )));
            }
            if flags & PROOF != 0 && flags & BODY != 0 {
                return Err(Error::Malformed("a proof entry carries a body".into()));
            }
            let at = last_at.wrapping_add(unzigzag(r.varint()?));
            last_at = at;
            let received_at = if with_receipts {
                last_received = last_received.wrapping_add(unzigzag(r.varint()?));
                Some(last_received)
            } else {
                None
            };
            let subject = if flags & SUBJECT != 0 {
                Some(ReportId(r.array()?))
            } else {
                None
            };
            let body = if flags & BODY != 0 {
                let len = usize::try_from(r.varint()?).unwrap_or(usize::MAX);
                if len > MAX_BODY {
                    return Err(Error::Malformed(format!(
                        "an entry body of {len} bytes is larger than the {MAX_BODY} allowed"
                    )));
                }
                Body::Present(r.take(len)?.to_vec())
            } else {
                Body::Dropped(Hash(r.array()?))
            };
            let signature = if flags & SIGNED != 0 {
                Some(r.array()?)
            } else {
                None
            };
            entries.push(RunEntry {
                kind: EntryKind::from_code(kind),
                at,
                subject,
                body,
                received_at,
                signature,
                proof: flags & PROOF != 0,
            });
        }
        runs.push(Run {
            device,
            first_seq,
            prev,
            entries,
        });
    }
    Ok(runs)
}
