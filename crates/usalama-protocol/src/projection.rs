//! A report's current state, folded from every entry about it.
//!
//! The fold sorts the entries first, by `(at, device, seq)`: each device's `at` never decreases
//! along its chain, so this order agrees with every chain's own order, and it is total, so the
//! result is the same whatever order the entries arrived in.
//!
//! A redaction by someone entitled to make it replaces the whole document at its place in that
//! order; amendments after it apply on top. The bodies it removed are not needed: the fold reads
//! only the bodies still held, and a redaction carries the content that follows it.
//!
//! The restricted sections (the `source`, the suspects' `names` and `group`) travel apart,
//! sealed (see [`crate::county`]): each sealed entry by the author replaces the parts it holds,
//! if this device can open it; one it cannot open leaves the state without a source, never
//! with an older one.

use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::domain::apply_changes;
use crate::domain::report::{apply_restricted, restricted_patch};
use crate::ledger::{fold_order, DeviceId, Entry, EntryKind, ReportId};
use crate::redaction::Redaction;

/// The current state of one report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportState {
    pub id: ReportId,
    /// The device that filed the report.
    pub author: DeviceId,
    /// When the filing entry was recorded (Unix milliseconds).
    pub recorded_at: i64,
    /// The document with every amendment applied.
    pub document: Map<String, Value>,
    /// The entries that changed the document, after the filing.
    pub amendments: usize,
    /// The latest source is sealed to keys this device does not hold.
    pub source_sealed: bool,
}

impl ReportState {
    pub fn field(&self, key: &str) -> Option<&str> {
        self.document.get(key).and_then(Value::as_str)
    }

    /// When the incident happened (Unix milliseconds), or when it was recorded if the document
    /// does not say in a form this version reads.
    pub fn occurred_at_ms(&self) -> i64 {
        self.field("occurred_at")
            .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
            .map_or(self.recorded_at, |t| {
                (t.unix_timestamp_nanos() / 1_000_000) as i64
            })
    }
}

/// Folds `filing` and the `related` entries (in any order) into the report's current state.
///
/// Amendments count only when recorded by the report's author: the filing device, or
/// `author_devices`, the other devices of the same person (a replacement laptop). Anything else
/// about the report (kinds this version does not know, entries from other people) stays in the
/// timeline but does not change the document. Redactions count only from the author.
pub fn project(filing: &Entry, related: &[Entry], author_devices: &[DeviceId]) -> ReportState {
    let by_author = |e: &Entry| e.device == filing.device || author_devices.contains(&e.device);
    project_with(filing, related, author_devices, &by_author, &|_| None)
}

/// The document a filing files: a device's report, or the report of an alert the hub relayed
/// (`sms_relayed`); empty when its body is gone or unreadable.
pub fn filed_document(filing: &Entry) -> Map<String, Value> {
    let body = filing.body_json();
    let document = match filing.kind {
        EntryKind::SmsRelayed => body.and_then(|mut b| b.get_mut("report").map(Value::take)),
        _ => body,
    };
    match document {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// Like [`project`], with `may_redact` saying whether a redaction entry's author may redact
/// this report (its author, another device of the same person, the county administrator), and
/// `open` opening a sealed source (`None` when this device holds no key for it).
pub fn project_with(
    filing: &Entry,
    related: &[Entry],
    author_devices: &[DeviceId],
    may_redact: &dyn Fn(&Entry) -> bool,
    open: &dyn Fn(&Entry) -> Option<Value>,
) -> ReportState {
    let mut document = filed_document(filing);
    let mut ordered: Vec<&Entry> = related.iter().collect();
    ordered.sort_by(|a, b| fold_order(a, b));
    let mut amendments = 0;
    let mut source_sealed = false;
    for entry in ordered {
        let by_author = entry.device == filing.device || author_devices.contains(&entry.device);
        if entry.kind == EntryKind::ReportAmended && by_author {
            if let Some(Value::Object(changes)) = entry.body_json() {
                apply_changes(&mut document, &changes);
                amendments += 1;
            }
        }
        if entry.kind == EntryKind::ReportRedacted
            && entry.subject == Some(filing.report_id())
            && may_redact(entry)
        {
            if let Some(redaction) = Redaction::of(entry) {
                document = redaction.document;
                amendments += 1;
                source_sealed = false;
            }
        }
        // The restricted sections (the source, the suspects' names and group) are their
        // author's alone to record (a redaction may only remove them).
        if entry.kind == EntryKind::SourceSealed
            && entry.subject == Some(filing.report_id())
            && by_author
        {
            match open(entry) {
                Some(sealed) => {
                    apply_restricted(&mut document, &restricted_patch(sealed));
                    source_sealed = false;
                }
                None => {
                    document.remove("source");
                    source_sealed = entry.body.is_some();
                }
            }
        }
    }
    ReportState {
        id: filing.report_id(),
        author: filing.device,
        recorded_at: filing.at,
        document,
        amendments,
        source_sealed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Draft, Hash};
    use ed25519_dalek::SigningKey;
    use proptest::prelude::*;
    use serde_json::json;

    /// A chain: the filing, then amendments, each changing a few fields.
    fn chain(amendments: &[Value]) -> (Entry, Vec<Entry>) {
        let key = SigningKey::from_bytes(&[3; 32]);
        let filing_body = json!({
            "type": "livestock_raid", "occurred_at": "2026-11-20T05:30:00+03:00",
            "place": "Lami Nyeusi", "narrative": "Raiders took cattle.",
            "people": {"killed": 1, "injured": null},
            "livestock": [{"species": "cattle", "stolen": 100, "estimate": true}]
        });
        let draft = Draft {
            kind: EntryKind::ReportFiled,
            subject: None,
            body: serde_json::to_vec(&filing_body).expect("json"),
        };
        let filing = Entry::sign(draft, &key, 1, Hash::GENESIS, 1000);
        let mut prev = filing.hash();
        let mut out = Vec::new();
        for (i, changes) in amendments.iter().enumerate() {
            let draft = Draft {
                kind: EntryKind::ReportAmended,
                subject: Some(filing.report_id()),
                body: serde_json::to_vec(changes).expect("json"),
            };
            // Same `at` for some entries: the order must still follow the chain.
            let e = Entry::sign(draft, &key, i as u64 + 2, prev, 1000 + (i as i64 / 2));
            prev = e.hash();
            out.push(e);
        }
        (filing, out)
    }

    fn amendment() -> impl Strategy<Value = Value> {
        prop_oneof![
            (0u32..500).prop_map(|n| json!({"people": {"killed": n}})),
            Just(json!({"people": {"injured": null}})),
            (0u32..500).prop_map(|n| json!({"livestock": [{"species": "goats", "stolen": n}]})),
            (0u32..500).prop_map(|n| json!({"livestock": [{"species": "cattle", "recovered": n}]})),
            "[a-z ]{1,20}".prop_map(|t| json!({"narrative": t})),
            Just(json!({"urgency": "flash"})),
            Just(json!({"gps": null})),
        ]
    }

    proptest! {
        #[test]
        fn projections_are_equal_for_every_arrival_order(
            changes in proptest::collection::vec(amendment(), 0..12),
            shuffle_seed: u64,
        ) {
            use rand::{seq::SliceRandom, SeedableRng};
            let (filing, entries) = chain(&changes);
            let in_order = project(&filing, &entries, &[]);
            let mut shuffled = entries.clone();
            shuffled.shuffle(&mut rand::rngs::StdRng::seed_from_u64(shuffle_seed));
            prop_assert_eq!(project(&filing, &shuffled, &[]), in_order.clone());
            prop_assert_eq!(in_order.amendments, changes.len());
            // The last change to the narrative wins, as the author recorded them.
            if let Some(last) = changes.iter().rev().find_map(|c| c.get("narrative")) {
                prop_assert_eq!(in_order.document.get("narrative"), Some(last));
            }
        }
    }

    #[test]
    fn a_livestock_amendment_replaces_only_its_species() {
        let (filing, entries) =
            chain(&[json!({"livestock": [{"species": "goats", "stolen": null}]})]);
        let state = project(&filing, &entries, &[]);
        assert_eq!(
            state.document["livestock"],
            json!([
                {"species": "cattle", "stolen": 100, "estimate": true},
                {"species": "goats", "stolen": null}
            ])
        );
    }

    fn redaction(filing: &Entry, key: &SigningKey, seq: u64, prev: Hash, at: i64) -> Entry {
        let r = Redaction {
            reason: "a name".into(),
            document: json!({"type": "livestock_raid", "narrative": "Raiders took cattle."})
                .as_object()
                .cloned()
                .unwrap_or_default(),
            targets: vec![crate::redaction::Target::of(filing)],
        };
        let draft = Draft {
            kind: EntryKind::ReportRedacted,
            subject: Some(filing.report_id()),
            body: r.to_body(),
        };
        Entry::sign(draft, key, seq, prev, at)
    }

    #[test]
    fn a_redaction_replaces_the_document_and_later_amendments_apply_on_top() {
        let key = SigningKey::from_bytes(&[3; 32]);
        let (filing, amendments) = chain(&[json!({"narrative": "Lokiru saw them"})]);
        let redacted = redaction(&filing, &key, 3, amendments[0].hash(), 5000);
        let draft = Draft {
            kind: EntryKind::ReportAmended,
            subject: Some(filing.report_id()),
            body: br#"{"urgency":"flash"}"#.to_vec(),
        };
        let later = Entry::sign(draft, &key, 4, redacted.hash(), 6000);
        let mut bodiless = filing.clone();
        bodiless.body = None;
        let mut entries = amendments.clone();
        entries[0].body = None;
        entries.push(redacted);
        entries.push(later);
        let state = project(&bodiless, &entries, &[]);
        assert_eq!(state.field("narrative"), Some("Raiders took cattle."));
        assert_eq!(state.field("urgency"), Some("flash"));
        assert_eq!(state.document.get("people"), None);
    }

    #[test]
    fn a_redaction_by_someone_not_entitled_changes_nothing() {
        let (filing, _) = chain(&[]);
        let other = SigningKey::from_bytes(&[9; 32]);
        let forged = redaction(&filing, &other, 1, Hash::GENESIS, 5000);
        let state = project(&filing, std::slice::from_ref(&forged), &[]);
        assert_eq!(state.field("place"), Some("Lami Nyeusi"));
        let by_admin = project_with(&filing, &[forged], &[], &|_| true, &|_| None);
        assert_eq!(by_admin.field("place"), None);
    }

    #[test]
    fn an_amendment_from_another_device_changes_nothing() {
        let (filing, _) = chain(&[]);
        let other = SigningKey::from_bytes(&[9; 32]);
        let draft = Draft {
            kind: EntryKind::ReportAmended,
            subject: Some(filing.report_id()),
            body: br#"{"narrative":"forged"}"#.to_vec(),
        };
        let forged = Entry::sign(draft, &other, 1, Hash::GENESIS, 2000);
        let state = project(&filing, std::slice::from_ref(&forged), &[]);
        assert_eq!(state.field("narrative"), Some("Raiders took cattle."));
        assert_eq!(state.amendments, 0);
        // The same person's replacement laptop is the author too.
        let state = project(&filing, &[forged], &[DeviceId::of(&other.verifying_key())]);
        assert_eq!(state.field("narrative"), Some("forged"));
        assert_eq!(state.amendments, 1);
    }

    #[test]
    fn the_latest_sealed_source_by_the_author_counts_and_one_not_held_hides_older_ones() {
        let key = SigningKey::from_bytes(&[3; 32]);
        let (filing, _) = chain(&[]);
        let sealed = |seq: u64, at: i64, source: Value, key: &SigningKey| {
            let draft = Draft {
                kind: EntryKind::SourceSealed,
                subject: Some(filing.report_id()),
                body: serde_json::to_vec(&source).expect("json"),
            };
            Entry::sign(draft, key, seq, Hash::GENESIS, at)
        };
        // Bodies stand for sealed boxes: this device "holds the key" of all but `unheld`.
        let open = |e: &Entry| {
            let v = e.body_json()?;
            (v.get("unheld").is_none()).then_some(v)
        };
        let first = sealed(2, 2000, json!({"kind": "witness"}), &key);
        let forged = sealed(
            1,
            3000,
            json!({"kind": "other"}),
            &SigningKey::from_bytes(&[9; 32]),
        );
        let by_author = |e: &Entry| e.device == filing.device;
        let state = project_with(&filing, &[first.clone(), forged], &[], &by_author, &open);
        assert_eq!(state.document["source"], json!({"kind": "witness"}));
        assert!(!state.source_sealed);
        let unheld = sealed(3, 4000, json!({"unheld": true}), &key);
        let state = project_with(
            &filing,
            &[unheld.clone(), first.clone()],
            &[],
            &by_author,
            &open,
        );
        assert_eq!(state.document.get("source"), None);
        assert!(state.source_sealed);
        let cleared = sealed(4, 5000, Value::Null, &key);
        let state = project_with(&filing, &[first, unheld, cleared], &[], &by_author, &open);
        assert_eq!(state.document.get("source"), None);
        assert!(!state.source_sealed);
    }
}
