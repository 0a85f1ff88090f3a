//! Flash alerts by SMS on this device: the `sms_alert` entry recorded before an alert is shown
//! for sending, and the county hub's number it is sent to.
//!
//! An alert is made once per report: asking again returns the texts of the entry already on
//! this device's chain, so a retry (a second click, a crash before the text was sent) never
//! gives one report two alert numbers. The alert number is 1 + the `sms_alert` entries already
//! on this chain, counted in the transaction that appends the new one, so no number is given
//! to two alerts. The key is the one this device and its hub derive from their enrolled keys
//! (`sms::AlertKey::of_device`); the alert's time is this device's clock corrected by the
//! hub's at the last sync, so a wrong clock does not make it look old or ahead.

use rusqlite::{OptionalExtension, TransactionBehavior};
use serde::Serialize;
use serde_json::Value;
use time::{Duration, OffsetDateTime};

use super::entries::{append, hub_bodies};
use super::listing::not_found;
use super::{now_ms, Store};
use crate::domain::text::Origin;
use crate::domain::Report;
use crate::error::{Error, Result};
use crate::ledger::{Draft, EntryKind, ReportId};
use crate::protocol::sms::{self, AlertEntry, AlertKey, Form, SmsNumber};

/// An alert ready to send: its texts, and where to send them when the hub has said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SmsAlert {
    /// The report alerted.
    pub report: String,
    /// This device's alert number.
    pub counter: u32,
    /// The full form: 160 characters, one SMS.
    pub full: String,
    /// The short form to type on a feature phone: 12 groups of five; `None` when a figure is
    /// larger than it carries (8,189).
    pub short: Option<String>,
    /// The county hub's SMS number, once the hub has given one.
    pub number: Option<String>,
    /// `SMSTO:<number>:<full>`, what a QR code holds to fill the phone's SMS app.
    pub sms_uri: Option<String>,
}

impl Store {
    /// The county hub's number for SMS alerts: the latest `sms_configured` of the hub's
    /// chain, or `None` until the hub has given one.
    pub fn sms_number(&self) -> Result<Option<SmsNumber>> {
        Ok(hub_bodies(&self.conn, EntryKind::SmsConfigured)?
            .iter()
            .find_map(|v| SmsNumber::parse_body(v).ok()))
    }

    /// The flash alert of report `id`, made and recorded as an `sms_alert` entry the first
    /// time (one transaction, durable when this returns), read back from that entry after.
    /// `note` replaces the narrative's beginning as the alert's note; it is ignored when the
    /// alert was already made. Only the report's author may alert it, and only once this
    /// device is enrolled with its county hub (the alert's key is shared with the hub).
    pub fn sms_alert(&mut self, id: &str, note: Option<&str>) -> Result<SmsAlert> {
        let id = self.alertable_report(id)?;
        let number = self.sms_number()?;
        if let Some(made) = self.sms_alert_entry(&id)? {
            return Ok(ready(&id, made, number));
        }
        let hub = self.hub_link()?.ok_or(Error::NotEnrolled)?;
        let key = AlertKey::of_device(&self.me.key, &hub.hub_key).map_err(refused)?;
        let offset = self.hub_clock_offset()?.unwrap_or(0);
        let sent_at = at_ms(now_ms().saturating_add(offset));
        let alert = sms::Alert::from_report(&self.report_document(&id, sent_at)?, note, sent_at)
            .map_err(refused)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let made: u32 = tx.query_row(
            "SELECT count(*) FROM entries WHERE device = ?1 AND kind = ?2",
            rusqlite::params![self.me.device.0, EntryKind::SmsAlert.code()],
            |r| r.get(0),
        )?;
        let counter = made + 1;
        let text = |form| sms::encode(&alert, &key, counter, form);
        let short = match text(Form::Short) {
            Ok(short) => Some(short),
            // A figure too large to type by hand: the full form carries it.
            Err(sms::Refusal::TooLargeForShortForm { .. }) => None,
            Err(refusal) => return Err(refused(refusal)),
        };
        let entry = AlertEntry {
            counter,
            full: text(Form::Full).map_err(refused)?,
            short,
        };
        let body =
            serde_json::to_vec(&entry.to_value()).map_err(|e| Error::Unsupported(e.to_string()))?;
        let draft = Draft {
            kind: EntryKind::SmsAlert,
            subject: Some(id),
            body,
        };
        append(&tx, &self.me, draft)?;
        tx.commit()?;
        Ok(ready(&id, entry, number))
    }

    /// Report `text`, when it exists here, is not a draft and this device's person wrote it.
    fn alertable_report(&self, text: &str) -> Result<ReportId> {
        let draft: Option<i64> = self
            .conn
            .query_row("SELECT 1 FROM drafts WHERE id = ?1", [text.trim()], |r| {
                r.get(0)
            })
            .optional()?;
        if draft.is_some() {
            return Err(Error::NotAllowed(format!(
                "{text:?} is a draft, not yet a report: save the report, then send its alert"
            )));
        }
        let id = self.resolve_report(text)?;
        if !self.is_author_of(&self.report_author(&id)?)? {
            return Err(Error::NotAllowed(format!(
                "report {id} was filed by someone else; only its author can send its alert by \
                 SMS, so nothing was recorded"
            )));
        }
        Ok(id)
    }

    /// The `sms_alert` entry this device already recorded about report `id`, if any.
    fn sms_alert_entry(&self, id: &ReportId) -> Result<Option<AlertEntry>> {
        let body: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT body FROM entries WHERE device = ?1 AND kind = ?2 AND subject = ?3
                 AND body IS NOT NULL ORDER BY seq LIMIT 1",
                rusqlite::params![self.me.device.0, EntryKind::SmsAlert.code(), id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        let Some(body) = body else { return Ok(None) };
        let value: Value = serde_json::from_slice(&body)
            .map_err(|e| Error::Integrity(format!("this device's SMS alert entry: {e}")))?;
        Ok(Some(AlertEntry::parse(&value).map_err(|e| {
            Error::Integrity(format!("this device's SMS alert entry: {e}"))
        })?))
    }

    /// Report `id`'s current document, parsed as a report.
    fn report_document(&self, id: &ReportId, now: OffsetDateTime) -> Result<Report> {
        let document: String = self
            .conn
            .query_row(
                "SELECT document FROM reports WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| not_found(&id.to_string()))?;
        let value: Value = serde_json::from_str(&document)
            .map_err(|e| Error::Integrity(format!("report {id}'s stored state: {e}")))?;
        // The report was valid when recorded; "now" is only the parser's bound on the future.
        Report::parse_as(&value, now + Duration::days(1), Origin::Received).map_err(Error::Invalid)
    }
}

fn ready(id: &ReportId, entry: AlertEntry, number: Option<SmsNumber>) -> SmsAlert {
    SmsAlert {
        report: id.to_string(),
        counter: entry.counter,
        sms_uri: number.as_ref().map(|n| n.smsto(&entry.full)),
        number: number.map(|n| n.as_str().to_owned()),
        full: entry.full,
        short: entry.short,
    }
}

/// An alert's own refusal as the store's error of the same kind.
fn refused(refusal: sms::Refusal) -> Error {
    Error::from(crate::protocol::Error::from(refusal))
}

fn at_ms(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::SigningKey;
    use serde_json::json;
    use time::format_description::well_known::Rfc3339;

    use super::*;
    use crate::domain::{Role, Species};
    use crate::ledger::{Entry, Hash};
    use crate::store::entries::insert_entry;

    use crate::store::testing::{self, HUB_KEY as HUB};

    fn chief(dir: &std::path::Path, enrolled: bool) -> Store {
        let mut s = testing::store(dir, "Chief Lokwang", Role::Chief, "ke-024", None);
        if enrolled {
            s.record_enrollment("http://127.0.0.1:1", None, &testing::chief_enrolled())
                .expect("enrolled");
        }
        s
    }

    /// A flash raid half an hour ago, filed on `s`.
    fn raid(s: &mut Store, unit: Option<&str>) -> String {
        raid_of(s, unit, 150)
    }

    fn raid_of(s: &mut Store, unit: Option<&str>, cattle: u32) -> String {
        let now = OffsetDateTime::now_utc();
        let occurred = (now - Duration::minutes(30))
            .format(&Rfc3339)
            .expect("a time");
        let mut doc = json!({
            "type": "livestock_raid", "urgency": "flash", "occurred_at": occurred,
            "place": "Lami Nyeusi", "gps": {"lat": 1.7321, "lon": 35.5123},
            "narrative": "About 40 armed raiders drove cattle towards the Turkwel river at dawn.",
            "people": {"killed": 2, "injured": null, "abducted": {"children": 1, "women": 1}},
            "livestock": [{"species": "cattle", "stolen": cattle, "estimate": true}]
        });
        if let Some(unit) = unit {
            doc["unit"] = json!(unit);
        }
        let report = Report::parse(&doc, now).expect("a report");
        s.file_reports(&[report]).expect("filed")[0].to_string()
    }

    fn entries(s: &Store) -> u64 {
        s.conn
            .query_row("SELECT count(*) FROM entries", [], |r| r.get(0))
            .expect("counted")
    }

    #[test]
    fn a_figure_too_large_to_type_by_hand_leaves_the_full_form_alone_which_carries_it() {
        let dir = tempfile::tempdir().expect("dir");
        let mut s = chief(dir.path(), true);
        let id = raid_of(&mut s, Some("ke-024-v-lami-nyeusi"), 9_000);
        let made = s.sms_alert(&id, None).expect("made");
        assert_eq!(made.short, None);
        let key = AlertKey::of_hub(&SigningKey::from_bytes(&HUB), &s.me.key.verifying_key())
            .expect("the hub's key");
        let opened = sms::open(
            &sms::decode(&made.full).expect("an alert"),
            &key,
            &crate::gazetteer::shipped(),
        )
        .expect("opened by the hub");
        let cattle = opened.alert.stolen.values().next().and_then(|t| t.known());
        assert_eq!(cattle, Some(9_000));
        // Asked again, the same entry, read back with its parser.
        assert_eq!(s.sms_alert(&id, None).expect("again"), made);
    }

    #[test]
    fn the_hub_opens_the_alert_a_chief_made_of_their_report_and_reads_its_fields() {
        let dir = tempfile::tempdir().expect("dir");
        let mut s = chief(dir.path(), true);
        let id = raid(&mut s, Some("ke-024-v-lami-nyeusi"));
        let made = s.sms_alert(&id, None).expect("made");
        assert_eq!((made.report.as_str(), made.counter), (id.as_str(), 1));
        assert_eq!((made.number, made.sms_uri), (None, None));
        let key = AlertKey::of_hub(&SigningKey::from_bytes(&HUB), &s.me.key.verifying_key())
            .expect("the hub's key");
        let units = crate::gazetteer::shipped();
        let short = made.short.as_ref().expect("a short form");
        for (text, form) in [(&made.full, Form::Full), (short, Form::Short)] {
            let header = sms::decode(text).expect("an alert");
            assert_eq!(header.form(), form);
            let opened = sms::open(&header, &key, &units).expect("opened by the hub");
            assert_eq!(opened.counter, 1);
            let alert = opened.alert;
            assert_eq!(alert.unit, "ke-024-v-lami-nyeusi");
            assert_eq!(alert.killed.and_then(|t| t.known()), Some(2));
            assert_eq!(alert.injured.map(|t| t.known()), Some(None));
            assert_eq!(alert.abducted.and_then(|t| t.known()), Some(2));
            let cattle = alert.stolen.get(&Species::Cattle).and_then(|t| t.known());
            assert_eq!(cattle, Some(150));
            assert!(alert.estimate);
        }
        let opened =
            sms::open(&sms::decode(&made.full).expect("full"), &key, &units).expect("opened");
        assert!(opened
            .alert
            .note
            .as_str()
            .starts_with("About 40 armed raiders"));
    }

    #[test]
    fn asking_again_returns_the_same_alert_and_records_nothing_new() {
        let dir = tempfile::tempdir().expect("dir");
        let mut s = chief(dir.path(), true);
        let first = raid(&mut s, Some("ke-024-v-lami-nyeusi"));
        let second = raid(&mut s, Some("ke-024-v-lami-nyeusi"));
        let made = s
            .sms_alert(&first, Some("Cattle driven north"))
            .expect("made");
        let held = entries(&s);
        let again = s.sms_alert(&first, Some("another note")).expect("again");
        assert_eq!(again, made);
        assert_eq!(entries(&s), held);
        assert_eq!(s.sms_alert(&second, None).expect("made").counter, 2);
        // The hub's number, once it arrives in the hub's chain, is shown with the same texts.
        let hub = SigningKey::from_bytes(&HUB);
        let draft = Draft {
            kind: EntryKind::SmsConfigured,
            subject: None,
            body: br#"{"number":"+254712345678"}"#.to_vec(),
        };
        let entry = Entry::sign(draft, &hub, 1, Hash::GENESIS, now_ms());
        let tx = s.conn.transaction().expect("tx");
        insert_entry(&tx, &entry, Some(now_ms())).expect("stored");
        tx.commit().expect("committed");
        assert_eq!(
            s.sms_number().expect("read").map(|n| n.to_string()),
            Some("+254712345678".into())
        );
        let shown = s.sms_alert(&first, None).expect("again");
        assert_eq!(
            (shown.full.as_str(), shown.counter),
            (made.full.as_str(), 1)
        );
        assert_eq!(
            shown.sms_uri,
            Some(format!("SMSTO:+254712345678:{}", made.full))
        );
    }

    #[test]
    fn an_unenrolled_device_another_authors_report_a_draft_and_a_report_without_unit_are_refused() {
        let dir = tempfile::tempdir().expect("dir");
        let mut s = chief(dir.path(), false);
        let id = raid(&mut s, Some("ke-024-v-lami-nyeusi"));
        assert!(matches!(s.sms_alert(&id, None), Err(Error::NotEnrolled)));
        let dir = tempfile::tempdir().expect("dir");
        let mut s = chief(dir.path(), true);
        let placed = raid(&mut s, None);
        match s.sms_alert(&placed, None) {
            Err(Error::Invalid(p)) => assert_eq!(p.0[0].field, "unit"),
            other => panic!("{other:?}"),
        }
        s.save_draft("draft-1", &json!({"type": "livestock_raid"}))
            .expect("saved");
        let draft = s.sms_alert("draft-1", None).expect_err("a draft");
        assert!(draft.to_string().contains("is a draft"), "{draft}");
        let theirs = raid(&mut s, Some("ke-024-v-lami-nyeusi"));
        s.conn
            .execute(
                "UPDATE reports SET author = ?1 WHERE id = ?2",
                rusqlite::params![[9u8; 16], theirs],
            )
            .expect("another author");
        assert!(matches!(
            s.sms_alert(&theirs, None),
            Err(Error::NotAllowed(_))
        ));
        assert!(matches!(
            s.sms_alert("0000000000000000", None),
            Err(Error::NotFound(_))
        ));
        let held = entries(&s);
        assert!(s.sms_alert(&theirs, Some("x")).is_err());
        assert_eq!(entries(&s), held);
    }
}
