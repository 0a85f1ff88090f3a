//! Redaction: removing text that must not be kept (an informant's name typed into a narrative)
//! from every copy of the ledger, without breaking a chain.
//!
//! A redaction is an entry of kind [`EntryKind::ReportRedacted`] about a report. Its body holds
//! the reason, the report's new content (a whole report document, which replaces the current
//! state) and the entries whose bodies it removes, each named by device, sequence number and
//! body hash. Every store that holds a named entry keeps its header and its body *hash* and
//! drops the body: the entry hash covers the body hash only, so every chain and signature still
//! verifies.
//!
//! The rules, the same on every device and on the hub:
//!
//! - Only the report's author (the device that filed it, or another device of the same person)
//!   or the county administrator (a device with the role `admin`, or the hub itself) may
//!   redact. A redaction by anyone else is kept in its author's chain and has no effect.
//! - A redaction removes only what it names, and only entries that carry the report's content:
//!   the filing, amendments and earlier redactions of that same report. Nothing else is ever
//!   deleted.
//! - A named entry that arrives after its redaction (relayed late, or synced again) is stored
//!   without its body: a redaction is applied whenever an entry about its report is stored.

use serde_json::{json, Map, Value};

use crate::error::{Problems, Result};
use crate::ledger::{DeviceId, Entry, EntryKind, Hash};

/// The longest reason accepted, in characters.
pub const MAX_REASON: usize = 500;

/// One entry whose body a redaction removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub device: DeviceId,
    pub seq: u64,
    pub body_hash: Hash,
}

impl Target {
    pub fn of(entry: &Entry) -> Target {
        Target {
            device: entry.device,
            seq: entry.seq,
            body_hash: entry.body_hash,
        }
    }
}

/// The body of a redaction entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Redaction {
    pub reason: String,
    /// The report's content from now on: a whole report document.
    pub document: Map<String, Value>,
    pub targets: Vec<Target>,
}

impl Redaction {
    /// Checks the reason a person typed: 1 to [`MAX_REASON`] characters once trimmed.
    pub fn check_reason(reason: &str) -> Result<String> {
        let reason = reason.trim();
        let mut problems = Problems::default();
        if reason.is_empty() || reason.chars().count() > MAX_REASON {
            problems.push(
                "--reason",
                format!(
                    "say in 1 to {MAX_REASON} characters why the content is removed, e.g. \
                     \"an informant's name was typed into the narrative\""
                ),
            );
        }
        if let Err(message) = crate::domain::text::check(reason, crate::domain::text::Lines::Many) {
            problems.push("--reason", message);
        }
        problems.into_result()?;
        Ok(reason.to_owned())
    }

    /// The redaction held by `entry`, if it is one and its body is still held and readable.
    pub fn of(entry: &Entry) -> Option<Redaction> {
        if entry.kind != EntryKind::ReportRedacted {
            return None;
        }
        let Value::Object(body) = entry.body_json()? else {
            return None;
        };
        let reason = body.get("reason")?.as_str()?.to_owned();
        let Value::Object(document) = body.get("document")?.clone() else {
            return None;
        };
        let targets = body
            .get("redacts")?
            .as_array()?
            .iter()
            .map(|t| {
                let device = DeviceId::parse(t.get("device")?.as_str()?).ok()?;
                let seq = t.get("seq")?.as_u64()?;
                let mut hash = [0u8; 32];
                hex::decode_to_slice(t.get("body_hash")?.as_str()?, &mut hash).ok()?;
                Some(Target {
                    device,
                    seq,
                    body_hash: Hash(hash),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Redaction {
            reason,
            document,
            targets,
        })
    }

    /// The entry body: compact JSON.
    pub fn to_body(&self) -> Vec<u8> {
        let targets: Vec<Value> = self
            .targets
            .iter()
            .map(|t| {
                json!({
                    "device": t.device.to_string(),
                    "seq": t.seq,
                    "body_hash": t.body_hash.to_string(),
                })
            })
            .collect();
        json!({
            "reason": self.reason,
            "document": self.document,
            "redacts": targets,
        })
        .to_string()
        .into_bytes()
    }

    /// Whether `redaction` (an entry holding `self`) removes the body of `target`: `target`
    /// carries content of the same report and is named; or it is a sealed source of the report
    /// recorded before the redaction (a device that redacts may not hold those, as it may not
    /// be cleared, so they cannot all be named).
    pub fn removes(&self, redaction: &Entry, target: &Entry) -> bool {
        let same_report = target.about().is_some() && target.about() == redaction.subject;
        let earlier_source = target.kind == EntryKind::SourceSealed
            && crate::ledger::fold_order(target, redaction) == std::cmp::Ordering::Less;
        same_report
            && carries_content(target.kind)
            && (earlier_source || self.targets.contains(&Target::of(target)))
    }

    /// What the timeline shows of a redaction: the reason and what it removed (never the new
    /// content, which is the report's current state).
    pub fn summary(&self) -> Value {
        let removed: Vec<Value> = self
            .targets
            .iter()
            .map(|t| json!({"device": t.device.to_string(), "seq": t.seq}))
            .collect();
        json!({"reason": self.reason, "removed": removed})
    }
}

/// Whether entries of this kind carry a report's content, and so may be redacted.
pub fn carries_content(kind: EntryKind) -> bool {
    matches!(
        kind,
        EntryKind::ReportFiled
            | EntryKind::ReportAmended
            | EntryKind::ReportRedacted
            | EntryKind::SourceSealed
    )
}

/// The entries about a report whose bodies a new redaction should remove: every one still held
/// that carries the report's content.
pub fn targets_in(entries: &[Entry]) -> Vec<Target> {
    let mut targets: Vec<Target> = entries
        .iter()
        .filter(|e| carries_content(e.kind) && e.body.is_some())
        .map(Target::of)
        .collect();
    targets.sort_by_key(|t| (t.device, t.seq));
    targets
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Draft, ReportId};
    use ed25519_dalek::SigningKey;

    fn filing() -> Entry {
        let draft = Draft {
            kind: EntryKind::ReportFiled,
            subject: None,
            body: br#"{"narrative":"told by Lokiru"}"#.to_vec(),
        };
        Entry::sign(
            draft,
            &SigningKey::from_bytes(&[1; 32]),
            1,
            Hash::GENESIS,
            10,
        )
    }

    fn redaction_of(target: &Entry, subject: ReportId) -> (Entry, Redaction) {
        let r = Redaction {
            reason: "a name".into(),
            document: Map::new(),
            targets: vec![Target::of(target)],
        };
        let draft = Draft {
            kind: EntryKind::ReportRedacted,
            subject: Some(subject),
            body: r.to_body(),
        };
        let e = Entry::sign(
            draft,
            &SigningKey::from_bytes(&[1; 32]),
            2,
            target.hash(),
            20,
        );
        (e, r)
    }

    #[test]
    fn a_redaction_body_reads_back() {
        let f = filing();
        let (e, r) = redaction_of(&f, f.report_id());
        assert_eq!(Redaction::of(&e), Some(r));
    }

    #[test]
    fn a_redaction_removes_only_named_content_of_its_own_report() {
        let f = filing();
        let (e, r) = redaction_of(&f, f.report_id());
        assert!(r.removes(&e, &f));
        let (other, r2) = redaction_of(&f, ReportId([7; 10]));
        assert!(!r2.removes(&other, &f), "another report's redaction");
        let mut changed = f.clone();
        changed.seq = 5;
        assert!(!r.removes(&e, &changed), "an entry it does not name");
    }

    #[test]
    fn a_reason_is_required_and_bounded() {
        assert!(Redaction::check_reason("  ").is_err());
        assert!(Redaction::check_reason(&"x".repeat(MAX_REASON + 1)).is_err());
        assert_eq!(
            Redaction::check_reason(" a name ").expect("ok"),
            "a name".to_owned()
        );
    }
}
