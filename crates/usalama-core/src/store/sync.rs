//! The device's link with its county hub, without the network: enrollment, where sync stands
//! (for the sync bar) and why it last failed, and bundles kept to relay for other devices. What
//! to send next is [`super::outgoing`]'s; applying what the hub answered, [`super::incoming`]'s.
//! Each step is one short transaction, so a save never waits for the network.
//!
//! What still needs sending is derived from the ledger itself (this device's entries above the
//! hub's acknowledgement), never kept in a separate queue that could drift.

use ed25519_dalek::{Signer, VerifyingKey};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{format_ms, now_ms, Store};
use crate::domain::Agency;
use crate::enrollment::{enrollment_proof_digest, Enrolled};
use crate::error::{Error, Result};
use crate::ledger::DeviceId;
use crate::wire::{self, RequestTag};

/// This device's link with its county hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HubLink {
    pub url: String,
    pub hub: DeviceId,
    /// The hub's signing key, from enrollment: its answers, bundles and chain are checked
    /// against it.
    #[serde(skip)]
    pub hub_key: VerifyingKey,
    /// SHA-256 (hex) of the hub's TLS certificate, pinned at enrollment.
    pub cert_sha256: Option<String>,
}

/// The next request to send, and what it carries.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub url: String,
    pub cert_sha256: Option<String>,
    pub body: Vec<u8>,
    /// The request's tag: the hub's answer must be signed over it.
    pub tag: RequestTag,
    /// The key the answer must be signed with.
    pub hub_key: VerifyingKey,
    /// How many of this device's entries the request carries.
    pub entries: usize,
    /// The carried bundles it relays (by digest): forgotten here once the hub answers.
    pub bundles: Vec<[u8; 32]>,
    /// More entries wait beyond this request.
    pub more_to_send: bool,
}

/// What applying a response changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Entries new to this device.
    pub received: usize,
    /// This device's entries newly acknowledged by the hub.
    pub acknowledged: usize,
    /// Entries of other devices, carried here by bundle, that the hub now holds.
    pub relayed: usize,
    /// The hub holds less of this device's chain than it had acknowledged (it was restored
    /// from a backup): the rest waits to send again.
    pub rewound: bool,
    pub more: bool,
    /// Entries recorded here while applying (sources that waited for a county key, sealed
    /// now): they go to the hub at the next exchange.
    pub recorded: usize,
    /// Entries forwarded here that take effect nowhere: written by a device after the county
    /// revoked it.
    pub refused: usize,
    /// Entries this device carried for others that the hub refused, dropped here.
    pub carried_refused: Vec<wire::Refused>,
}

/// How a hub's answer arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Exchange {
    Network,
    Bundle,
}

/// Where sync stands, for the sync bar and `usalama sync --json`.
#[derive(Debug, Clone, Serialize)]
pub struct SyncStatus {
    pub enrolled: bool,
    pub hub_url: Option<String>,
    /// Reports recorded here that the hub does not hold yet.
    pub waiting_reports: u64,
    /// Entries (reports, amendments, ...) recorded here that the hub does not hold yet.
    pub waiting_entries: u64,
    pub last_success: Option<String>,
    pub last_attempt: Option<String>,
    pub last_error: Option<SyncFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncFailure {
    pub kind: FailureKind,
    pub message: String,
}

/// What kind of failure ended a sync: what the sync bar says, and whether to try again soon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// No connection to the hub: retried with backoff, and at once when the network returns.
    Unreachable,
    /// The hub had a problem of its own: retried with backoff.
    Server,
    /// The hub refuses this device (revoked, unknown, a spent code): until someone acts.
    Refused,
    /// The hub refused this exchange (a value it does not accept).
    Rejected,
    /// This version of Usalama is too old for the hub: until it is updated.
    Outdated,
    /// The hub's answer, or this store, is not what it must be: nothing was applied.
    Integrity,
    /// This device could not prepare or record the exchange.
    Local,
}

impl FailureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Unreachable => "unreachable",
            FailureKind::Server => "server",
            FailureKind::Refused => "refused",
            FailureKind::Rejected => "rejected",
            FailureKind::Outdated => "outdated",
            FailureKind::Integrity => "integrity",
            FailureKind::Local => "local",
        }
    }

    /// The kind a stored name stands for (an unknown one, from a newer version: `local`).
    pub fn parse(name: &str) -> FailureKind {
        [
            FailureKind::Unreachable,
            FailureKind::Server,
            FailureKind::Refused,
            FailureKind::Rejected,
            FailureKind::Outdated,
            FailureKind::Integrity,
        ]
        .into_iter()
        .find(|k| k.as_str() == name)
        .unwrap_or(FailureKind::Local)
    }

    /// Whether trying again soon may succeed (the link or the hub, not this device).
    pub fn transient(self) -> bool {
        matches!(self, FailureKind::Unreachable | FailureKind::Server)
    }

    /// Whether it lasts until someone acts (the next sync would fail the same way).
    pub fn lasting(self) -> bool {
        matches!(
            self,
            FailureKind::Refused | FailureKind::Outdated | FailureKind::Integrity
        )
    }
}

impl Store {
    pub fn hub_link(&self) -> Result<Option<HubLink>> {
        let row = self
            .conn
            .query_row(
                "SELECT url, device, cert_sha256, public_key FROM hub WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Vec<u8>>(1)?,
                        r.get(2)?,
                        r.get::<_, Vec<u8>>(3)?,
                    ))
                },
            )
            .optional()?;
        let damaged = || Error::Unsupported("the stored hub link is damaged".into());
        row.map(|(url, device, cert_sha256, key)| {
            let key: [u8; 32] = key.try_into().map_err(|_| damaged())?;
            Ok(HubLink {
                url,
                hub: DeviceId(device.try_into().map_err(|_| damaged())?),
                hub_key: VerifyingKey::from_bytes(&key).map_err(|_| damaged())?,
                cert_sha256,
            })
        })
        .transpose()
    }

    /// This device's public key and its signature proving it holds the key, for `code`.
    pub fn enrollment_proof(&self, code: &str) -> ([u8; 32], [u8; 64]) {
        let public = self.me.key.verifying_key().to_bytes();
        let proof = self
            .me
            .key
            .sign(&enrollment_proof_digest(code, &public))
            .to_bytes();
        (public, proof)
    }

    /// Records the hub's answer to an enrollment: the link, and who this device's person is.
    pub fn record_enrollment(
        &mut self,
        url: &str,
        cert_sha256: Option<&str>,
        enrolled: &Enrolled,
    ) -> Result<()> {
        let mut key = [0u8; 32];
        hex::decode_to_slice(&enrolled.hub_key, &mut key)
            .map_err(|_| Error::Malformed("the hub's key is not 64 hex digits".into()))?;
        let hub_key = VerifyingKey::from_bytes(&key)
            .map_err(|_| Error::Malformed("the hub's key is not an Ed25519 key".into()))?;
        let hub = DeviceId::of(&hub_key);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO hub (id, url, device, public_key, cert_sha256, clock_offset)
             VALUES (1, ?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET url = excluded.url, device = excluded.device,
                public_key = excluded.public_key, cert_sha256 = excluded.cert_sha256,
                clock_offset = excluded.clock_offset",
            params![url, hub.0, key, cert_sha256, enrolled.hub_time - now_ms()],
        )?;
        tx.execute(
            "INSERT OR REPLACE INTO devices (device, public_key, name, role)
             VALUES (?1, ?2, 'County hub', 'hub')",
            params![hub.0, key],
        )?;
        let agency = enrolled.agency.map(Agency::as_str);
        tx.execute(
            "UPDATE identity SET name = ?1, role = ?2, unit = ?3, agency = ?4, person = ?5,
                                 cleared = ?6 WHERE id = 1",
            params![
                enrolled.name,
                enrolled.role.as_str(),
                enrolled.unit,
                agency,
                enrolled.person,
                enrolled.cleared
            ],
        )?;
        tx.execute(
            "UPDATE devices SET name = ?1, role = ?2, unit = ?3, agency = ?4, person = ?5,
                                cleared = ?6 WHERE device = ?7",
            params![
                enrolled.name,
                enrolled.role.as_str(),
                enrolled.unit,
                agency,
                enrolled.person,
                enrolled.cleared,
                self.me.device.0
            ],
        )?;
        tx.commit()?;
        self.me.profile.name = enrolled.name.clone();
        self.me.profile.role = enrolled.role;
        self.me.profile.unit = enrolled.unit.clone();
        self.me.profile.agency = enrolled.agency;
        Ok(())
    }

    /// Forgets carried bundles the hub has answered for: it stored what it could of each and
    /// said what it refused.
    pub fn forget_relayed(&mut self, bundles: &[[u8; 32]]) -> Result<()> {
        let tx = self.conn.transaction()?;
        for digest in bundles {
            tx.execute("DELETE FROM carried_bundles WHERE digest = ?1", [digest])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Keeps another device's bundle, sealed to the hub, to relay at the next sync. Returns
    /// whether it was new here.
    pub(super) fn carry_bundle(&mut self, bytes: &[u8]) -> Result<bool> {
        if bytes.len() > MAX_CARRIED {
            return Err(Error::invalid(
                "bundle",
                format!(
                    "at {} KB it is too large to relay over a network link (at most {} KB): \
                     take the stick to the county office, where `usalama-hub import` reads it",
                    bytes.len() / 1024,
                    MAX_CARRIED / 1024
                ),
            ));
        }
        let digest: [u8; 32] = Sha256::digest(bytes).into();
        let added = self.conn.execute(
            "INSERT OR IGNORE INTO carried_bundles (digest, bundle, added_at) VALUES (?1, ?2, ?3)",
            params![digest, bytes, now_ms()],
        )?;
        Ok(added > 0)
    }

    /// Remembers why the last sync failed, for the sync bar.
    pub fn record_sync_failure(&mut self, failure: &SyncFailure) -> Result<()> {
        self.conn.execute(
            "UPDATE hub SET last_error_kind = ?1, last_error_message = ?2, last_attempt = ?3
             WHERE id = 1",
            params![failure.kind.as_str(), failure.message, now_ms()],
        )?;
        Ok(())
    }

    pub fn sync_status(&self) -> Result<SyncStatus> {
        let hub = self
            .conn
            .query_row(
                "SELECT url, acked, last_success, last_attempt, last_error_kind,
                        last_error_message FROM hub WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, u64>(1)?,
                        r.get::<_, Option<i64>>(2)?,
                        r.get::<_, Option<i64>>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, Option<String>>(5)?,
                    ))
                },
            )
            .optional()?;
        let acked = hub.as_ref().map_or(0, |h| h.1);
        let waiting_entries: u64 = self.conn.query_row(
            "SELECT count(*) FROM entries WHERE device = ?1 AND seq > ?2",
            params![self.me.device.0, acked],
            |r| r.get(0),
        )?;
        let waiting_reports: u64 = self.conn.query_row(
            "SELECT count(*) FROM reports WHERE status = 'pending'",
            [],
            |r| r.get(0),
        )?;
        Ok(match hub {
            Some((url, _, success, attempt, kind, message)) => SyncStatus {
                enrolled: true,
                hub_url: Some(url),
                waiting_reports,
                waiting_entries,
                last_success: success.map(format_ms),
                last_attempt: attempt.map(format_ms),
                last_error: kind.zip(message).map(|(kind, message)| SyncFailure {
                    kind: FailureKind::parse(&kind),
                    message,
                }),
            },
            None => SyncStatus {
                enrolled: false,
                hub_url: None,
                waiting_reports,
                waiting_entries,
                last_success: None,
                last_attempt: None,
                last_error: None,
            },
        })
    }

    /// Hub clock minus this device's clock at the last exchange, in ms.
    pub fn hub_clock_offset(&self) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row("SELECT clock_offset FROM hub WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?
            .flatten())
    }
}

/// The largest bundle a device carries for another: it must fit in one request.
pub const MAX_CARRIED: usize = 4 << 20;

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::domain::Lang;
    use crate::domain::Role;
    use crate::keys::KdfParams;
    use crate::ledger::{Entry, EntryKind};
    use crate::wire::{Run, Signatures, SyncResponse};
    use crate::Profile;

    fn store(dir: &std::path::Path) -> Store {
        let profile = Profile {
            name: "Chief".into(),
            role: Role::Chief,
            unit: None,
            agency: None,
            lang: Lang::En,
        };
        Store::create(dir, profile, "long enough phrase", KdfParams::FAST_INSECURE)
            .expect("created")
            .0
    }

    fn enrolled_at(hub_time: i64) -> Enrolled {
        Enrolled {
            hub_key: hex::encode(
                ed25519_dalek::SigningKey::from_bytes(&[7u8; 32])
                    .verifying_key()
                    .to_bytes(),
            ),
            name: "Chief".into(),
            role: Role::Chief,
            unit: None,
            agency: None,
            person: "p-1".into(),
            cleared: false,
            hub_time,
        }
    }

    /// A filing naming an informant and its author's redaction, signed by hand.
    fn named_and_redacted() -> (Entry, Entry) {
        use crate::ledger::{Draft, Hash};
        use crate::redaction::{Redaction, Target};
        let key = ed25519_dalek::SigningKey::from_bytes(&[5u8; 32]);
        let named = serde_json::json!({
            "type": "livestock_raid", "occurred_at": "2026-11-20T05:30:00+03:00",
            "place": "Lami Nyeusi", "narrative": "Lomuriaxq saw the raiders."
        });
        let draft = Draft {
            kind: EntryKind::ReportFiled,
            subject: None,
            body: serde_json::to_vec(&named).expect("json"),
        };
        let filing = Entry::sign(draft, &key, 1, Hash::GENESIS, 1_795_219_200_000);
        let mut cleaned = named.as_object().cloned().expect("object");
        cleaned.insert("narrative".into(), "A herder saw the raiders.".into());
        let redaction = Redaction {
            reason: "a name".into(),
            document: cleaned,
            targets: vec![Target::of(&filing)],
        };
        let draft = Draft {
            kind: EntryKind::ReportRedacted,
            subject: Some(filing.report_id()),
            body: redaction.to_body(),
        };
        let redacted = Entry::sign(draft, &key, 2, filing.hash(), 1_795_219_201_000);
        (filing, redacted)
    }

    /// Announces the device of `key` here, as the hub's signed chain would.
    fn announce(s: &Store, key: &ed25519_dalek::SigningKey) {
        let public = key.verifying_key();
        s.conn
            .execute(
                "INSERT INTO devices (device, public_key, name, role) VALUES (?1, ?2, 'B', 'chief')",
                params![DeviceId::of(&public).0, public.to_bytes()],
            )
            .expect("announced");
    }

    fn author() -> ed25519_dalek::SigningKey {
        ed25519_dalek::SigningKey::from_bytes(&[5u8; 32])
    }

    fn enrolled_store(dir: &std::path::Path) -> Store {
        let mut s = store(dir);
        s.record_enrollment("http://127.0.0.1:1", None, &enrolled_at(now_ms()))
            .expect("enrolled");
        announce(&s, &author());
        s
    }

    fn entries_held(s: &Store) -> u64 {
        s.conn
            .query_row("SELECT count(*) FROM entries", [], |r| r.get(0))
            .expect("counted")
    }

    #[test]
    fn a_forwarded_entry_its_author_did_not_sign_is_refused_and_nothing_is_applied() {
        let dir = tempfile::tempdir().expect("dir");
        let mut s = enrolled_store(dir.path());
        let (filing, redacted) = named_and_redacted();
        let before = entries_held(&s);
        // A hub (or anyone who speaks for it) changes the filing's body and forwards it
        // without a signature, or with the signature of another key.
        let mut forged = response(std::slice::from_ref(&filing), 1);
        forged.runs[0].entries[0].body = wire::Body::Present(b"{}".to_vec());
        forged.runs[0].entries[0].signature = None;
        let mut resigned = response(std::slice::from_ref(&filing), 1);
        let other = ed25519_dalek::SigningKey::from_bytes(&[6u8; 32]);
        resigned.runs[0].entries[0].signature = Some(other.sign(&filing.hash().0).to_bytes());
        // Or forwards an entry of a device the hub's signed chain never announced.
        let stranger = Entry::sign(
            crate::ledger::Draft {
                kind: EntryKind::ReportFiled,
                subject: None,
                body: b"{}".to_vec(),
            },
            &other,
            1,
            crate::ledger::Hash::GENESIS,
            1_000,
        );
        let unknown = response(&[stranger], 1);
        // Or an honest entry beside a forged one: nothing of the answer is applied.
        let mut mixed = response(&[filing.clone(), redacted], 1);
        mixed.runs[0].entries[1].signature = None;
        for bad in [forged, resigned, unknown, mixed] {
            let err = s.apply_sync_response(&bad).expect_err("refused");
            assert!(matches!(err, Error::Integrity(_)), "{err}");
            assert_eq!(entries_held(&s), before, "something was stored");
        }
        assert!(s.verify().expect("verified").ok());
    }

    #[test]
    fn a_hub_chain_entry_needs_the_hubs_signature() {
        let dir = tempfile::tempdir().expect("dir");
        let mut s = enrolled_store(dir.path());
        let link = s.hub_link().expect("link").expect("enrolled");
        // An announcement of a cleared device, signed by someone other than the hub but
        // claiming to be the hub's chain.
        let not_hub = ed25519_dalek::SigningKey::from_bytes(&[8u8; 32]);
        let body = serde_json::json!({"device": "00", "public_key": "00", "cleared": true});
        let fake = Entry::sign(
            crate::ledger::Draft {
                kind: EntryKind::DeviceEnrolled,
                subject: None,
                body: body.to_string().into_bytes(),
            },
            &not_hub,
            1,
            crate::ledger::Hash::GENESIS,
            1_000,
        );
        let mut run = Run::from_entries(std::slice::from_ref(&fake), |_| Some(1), Signatures::Head);
        run[0].device = link.hub;
        let answer = SyncResponse {
            hub_time: now_ms(),
            acks: Vec::new(),
            cursor: 1,
            more: false,
            runs: run,
            refused: Vec::new(),
            updates: None,
        };
        assert!(matches!(
            s.apply_sync_response(&answer),
            Err(Error::Integrity(_))
        ));
    }

    #[test]
    fn entries_written_after_a_revocation_take_effect_nowhere() {
        let dir = tempfile::tempdir().expect("dir");
        let mut s = enrolled_store(dir.path());
        let hub = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
        let (filing, redacted) = named_and_redacted();
        let revocation = Entry::sign(
            crate::ledger::Draft {
                kind: EntryKind::DeviceRevoked,
                subject: None,
                body: serde_json::json!({"device": filing.device.to_string(), "last_seq": 1})
                    .to_string()
                    .into_bytes(),
            },
            &hub,
            1,
            crate::ledger::Hash::GENESIS,
            1_000,
        );
        s.apply_sync_response(&response(&[revocation], 1))
            .expect("applied");
        // The filing (entry 1) came before the revocation; the redaction (entry 2) after.
        let applied = s
            .apply_sync_response(&response(&[filing.clone(), redacted], 2))
            .expect("applied");
        assert_eq!((applied.received, applied.refused), (1, 1));
        let view = s.report(&filing.report_id()).expect("shown");
        assert_eq!(
            view.document.get("narrative"),
            Some(&serde_json::json!("Lomuriaxq saw the raiders."))
        );
    }

    fn response(entries: &[Entry], cursor: u64) -> SyncResponse {
        SyncResponse {
            hub_time: now_ms(),
            acks: Vec::new(),
            cursor,
            more: false,
            runs: Run::from_entries(entries, |_| Some(now_ms()), Signatures::Head),
            refused: Vec::new(),
            updates: None,
        }
    }

    /// The text of the author's alert 3 of the raid, with `note`.
    fn alert_text(note: Option<&str>) -> String {
        use usalama_protocol::sms::{self, AlertKey, Form};
        let hub = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]).verifying_key();
        let occurred = time::OffsetDateTime::parse(
            "2026-11-20T05:30:00+03:00",
            &time::format_description::well_known::Rfc3339,
        )
        .expect("a time");
        let sent = occurred + time::Duration::hours(1);
        let raid = crate::domain::Report::parse(&raid(), sent).expect("a report");
        let alert = sms::Alert::from_report(&raid, note, sent).expect("an alert");
        let alert_key = AlertKey::of_device(&author(), &hub).expect("a key");
        sms::encode(&alert, &alert_key, 3, Form::Full).expect("a text")
    }

    /// An `sms_relayed` entry at `seq` of the chain of `key`, about an alert of the author's
    /// device, whose report is `report`.
    fn relay(key: &ed25519_dalek::SigningKey, seq: u64, report: Value) -> Entry {
        relay_of_text(key, seq, report, alert_text(None))
    }

    fn relay_of_text(
        key: &ed25519_dalek::SigningKey,
        seq: u64,
        report: Value,
        text: String,
    ) -> Entry {
        let relay = usalama_protocol::sms::Relay {
            device: DeviceId::of(&author().verifying_key()),
            counter: 3,
            text,
            report: report.as_object().cloned().expect("object"),
        };
        let draft = crate::ledger::Draft {
            kind: EntryKind::SmsRelayed,
            subject: None,
            body: serde_json::to_vec(&relay.to_value()).expect("json"),
        };
        Entry::sign(
            draft,
            key,
            seq,
            crate::ledger::Hash::GENESIS,
            now_ms() - 1_000,
        )
    }

    fn raid() -> Value {
        serde_json::json!({
            "type": "livestock_raid", "urgency": "flash", "unit": "ke-024-l-ombolion",
            "occurred_at": "2026-11-20T05:30:00+03:00", "narrative": "Raiders took cattle."
        })
    }

    #[test]
    fn a_relayed_alert_is_a_report_only_from_the_hubs_chain_and_only_if_its_report_parses() {
        let hub = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
        let listed = |s: &Store| s.list_reports(&Default::default()).expect("listed").len();
        // A device that writes the hub's kind of entry: kept, no report.
        let dir = tempfile::tempdir().expect("dir");
        let mut s = enrolled_store(dir.path());
        let applied = s
            .apply_sync_response(&response(&[relay(&author(), 1, raid())], 1))
            .expect("applied");
        assert_eq!((applied.received, applied.refused), (0, 1));
        assert_eq!(listed(&s), 0);
        // The hub's relay whose report its own parser refuses: no report.
        let mut broken = raid();
        broken["type"] = "not_a_type".into();
        let applied = s
            .apply_sync_response(&response(&[relay(&hub, 1, broken)], 2))
            .expect("applied");
        assert_eq!((applied.received, applied.refused), (0, 1));
        assert_eq!(listed(&s), 0);
        // The hub's relay as it should be: a report, said to have come by SMS.
        let dir = tempfile::tempdir().expect("dir");
        let mut s = enrolled_store(dir.path());
        let good = relay(&hub, 1, raid());
        s.apply_sync_response(&response(std::slice::from_ref(&good), 1))
            .expect("applied");
        assert_eq!(listed(&s), 1);
        let view = s.report(&good.report_id()).expect("shown");
        assert_eq!(view.relayed_alert, Some(3));
        assert_eq!(
            view.device,
            DeviceId::of(&author().verifying_key()).to_string()
        );
        assert!(s.verify().expect("verified").ok());
    }

    #[test]
    fn a_relay_folds_into_the_report_its_alert_was_made_of_and_another_text_is_flagged() {
        use crate::ledger::{Draft, Hash};
        use usalama_protocol::sms::AlertEntry;
        let hub = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
        let at = now_ms() - 60_000;
        let filing = Entry::sign(
            Draft {
                kind: EntryKind::ReportFiled,
                subject: None,
                body: serde_json::to_vec(&raid()).expect("json"),
            },
            &author(),
            1,
            Hash::GENESIS,
            at,
        );
        let made = AlertEntry {
            counter: 3,
            full: alert_text(None),
            short: None,
        };
        let alerted = Entry::sign(
            Draft {
                kind: EntryKind::SmsAlert,
                subject: Some(filing.report_id()),
                body: serde_json::to_vec(&made.to_value()).expect("json"),
            },
            &author(),
            2,
            filing.hash(),
            at + 1,
        );
        for (text, differs) in [(alert_text(None), false), (alert_text(Some("Other")), true)] {
            let dir = tempfile::tempdir().expect("dir");
            let mut s = enrolled_store(dir.path());
            let relay = relay_of_text(&hub, 1, raid(), text);
            s.apply_sync_response(&response(std::slice::from_ref(&relay), 1))
                .expect("applied");
            assert_eq!(
                s.report(&relay.report_id()).expect("shown").relayed_alert,
                Some(3)
            );
            s.apply_sync_response(&response(&[filing.clone(), alerted.clone()], 2))
                .expect("applied");
            let ids: Vec<String> = s
                .list_reports(&Default::default())
                .expect("listed")
                .into_iter()
                .map(|r| r.id)
                .collect();
            assert_eq!(ids, vec![filing.report_id().to_string()], "one incident");
            let view = s.report(&relay.report_id()).expect("the full report");
            assert_eq!(view.id, filing.report_id().to_string());
            assert_eq!(view.relayed_alert, None);
            assert_eq!(view.relay_differs, differs);
        }
    }

    #[test]
    fn a_body_that_arrives_after_its_redaction_is_stored_without_it() {
        let dir = tempfile::tempdir().expect("dir");
        let mut s = enrolled_store(dir.path());
        let (filing, redacted) = named_and_redacted();
        let id = filing.report_id();
        // Relayed out of order: the redaction first, the filing (with its body) later, then
        // the filing once more.
        s.apply_sync_response(&response(std::slice::from_ref(&redacted), 1))
            .expect("applied");
        for cursor in [2, 3] {
            s.apply_sync_response(&response(std::slice::from_ref(&filing), cursor))
                .expect("applied");
            let view = s.report(&id).expect("shown");
            assert_eq!(
                view.document.get("narrative"),
                Some(&serde_json::json!("A herder saw the raiders."))
            );
            let filed = &view.timeline[0];
            assert_eq!(filed.content, Value::Null);
            assert!(filed.redacted.is_some(), "{filed:?}");
            let held: Option<Vec<u8>> = s
                .conn
                .query_row("SELECT body FROM entries WHERE seq = 1", [], |r| r.get(0))
                .expect("row");
            assert_eq!(held, None);
            let found = s
                .list_reports(&crate::store::ReportFilter {
                    search: Some("lomuriaxq".into()),
                    ..Default::default()
                })
                .expect("searched");
            assert!(found.is_empty(), "the text index still finds the name");
            assert!(s.verify().expect("verified").ok());
        }
    }

    #[test]
    fn a_body_received_with_its_redaction_is_stored_without_it() {
        let dir = tempfile::tempdir().expect("dir");
        let mut s = enrolled_store(dir.path());
        let (filing, redacted) = named_and_redacted();
        s.apply_sync_response(&response(&[filing.clone(), redacted], 1))
            .expect("applied");
        let view = s.report(&filing.report_id()).expect("shown");
        assert!(!serde_json::to_string(&view)
            .expect("json")
            .contains("Lomuriaxq"));
        assert!(s.verify().expect("verified").ok());
    }

    #[test]
    fn a_clock_far_from_the_hubs_warns_and_a_close_one_does_not() {
        let dir = tempfile::tempdir().expect("dir");
        let mut s = store(dir.path());
        s.record_enrollment("http://127.0.0.1:1", None, &enrolled_at(now_ms() + 60_000))
            .expect("enrolled");
        assert_eq!(s.clock_warning().expect("warning"), None);
        s.record_enrollment(
            "http://127.0.0.1:1",
            None,
            &enrolled_at(now_ms() + 3 * 3_600_000),
        )
        .expect("enrolled");
        let warning = s.clock_warning().expect("warning").expect("a warning");
        assert!(warning.contains("180 minutes behind"), "{warning}");
    }
}
