//! What an accepted alert becomes, and what goes back by SMS.
//!
//! - **A report at once.** In the transaction that stores the message, the hub appends an
//!   `sms_relayed` entry to its own chain ([`usalama_protocol::sms::Relay`]: the device, the
//!   alert number and the alert's facts as a report document) and scopes it like a filing by
//!   that device: its unit's readers and the chief receive it at their next sync. Devices show
//!   it as vouched for by the county hub, and fold it into the chief's full report when the
//!   `sms_alert` entry with the same number arrives.
//! - **The duty officers told.** Each number the administrator listed (`sms duty`) is sent a
//!   text saying that an alert arrived, and nothing of what it says: the alert travelled
//!   sealed, and a text in clear would give it away to the operator.
//! - **The answer.** An officer's acknowledgement of a relayed alert is texted back to the
//!   number the alert came from, once per acknowledgement.
//!
//! Every text is kept in `sms_outgoing` under a unique purpose in the transaction that caused
//! it (a retry sends nothing twice) and counted against [`DAILY_CAP`] per number; the gateway
//! writer ([`Hub::sms_to_send`]) then writes it into gammu's outbox.

use usalama_protocol::domain::{Agency, Lang};
use usalama_protocol::ledger::{DeviceId, Entry, EntryKind, ReportId};
use usalama_protocol::lifecycle::Action;
use usalama_protocol::sms::{Opened, Relay, SmsNumber};
use usalama_protocol::vocabulary;

use super::at_rest;
use crate::db::{AlertSender, DeviceRecord, Outgoing, ReportScope, Tx};
use crate::error::{HubError, Result};
use crate::hub::Hub;

/// Texts the hub sends one number in 24 hours, at most: a flood of alerts, or of steps, must
/// not empty the county's airtime.
pub const DAILY_CAP: u64 = 10;
/// Texts the hub sends in 24 hours in all.
pub const COUNTY_DAILY_CAP: u64 = 200;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Where the duty officers' numbers are kept, one per line.
const DUTY: &str = "sms-duty";

/// The duty officers' text: that an alert arrived, never what it says.
pub const DUTY_TEXT: &str = "Usalama: a flash alert has arrived by SMS. Sync Usalama now to \
                             read it. Tahadhari ya haraka imefika kwa SMS. Sawazisha Usalama \
                             uisome.";

impl Hub {
    /// Relays an accepted alert as a report, in the transaction that stores its message
    /// `message`, and tells the duty officers. Returns the relay's report id.
    pub(super) fn relay_alert(
        &self,
        tx: &mut dyn Tx,
        device: &DeviceRecord,
        opened: &Opened,
        text: &str,
        sender: &AlertSender,
        now: i64,
    ) -> Result<ReportId> {
        let relay = Relay::of(device.id, opened.counter, text, &opened.alert);
        let body =
            serde_json::to_vec(&relay.to_value()).map_err(|e| HubError::Internal(e.to_string()))?;
        let (entry, _) = self.append_about(tx, EntryKind::SmsRelayed, None, body, now)?;
        let id = entry.report_id();
        tx.upsert_report(&ReportScope {
            id,
            author: self.id,
            person: device.person.clone(),
            unit: opened.alert.unit.clone(),
            rescoped: 0,
        })?;
        tx.set_sms_relay(sender.message, &id)?;
        // The full report came first: the alert joins it at once.
        let joined = tx.meta(&join_key(&device.id, opened.counter))?;
        if let Some(report) = joined.as_deref().and_then(ReportId::parse) {
            tx.set_sms_joined(&device.id, opened.counter, &report)?;
        }
        let at = clock(now);
        let words = (
            format!("your flash alert was received by the county at {at}."),
            format!("Tahadhari yako imepokelewa na kaunti saa {at}."),
        );
        self.answer_chief(tx, sender, &id, &format!("received:{id}"), &words, now)?;
        for (n, number) in self.sms_duty(tx)?.iter().enumerate() {
            self.queue_text(
                tx,
                &format!("duty:{id}:{n}"),
                number.as_str(),
                DUTY_TEXT,
                now,
            )?;
        }
        Ok(id)
    }

    /// Texts the sender of a relayed alert the step `e` of its response (acknowledged, lead
    /// named, closed), in the transaction that takes the step. Other steps send nothing.
    pub(crate) fn answer_by_sms(
        &self,
        tx: &mut dyn Tx,
        author: &DeviceRecord,
        e: &Entry,
        now: i64,
    ) -> Result<()> {
        // Every entry taken passes here: only the steps that are texted read their body.
        let texted = matches!(
            e.kind,
            EntryKind::Acknowledged | EntryKind::Assigned | EntryKind::Closed
        );
        let Some(relay) = e.subject.filter(|_| texted) else {
            return Ok(());
        };
        let Some(step) = Action::of(e).and_then(|a| step_text(&a, author, e.at)) else {
            return Ok(());
        };
        let Some(sender) = tx.sms_relay_sender(&relay)? else {
            return Ok(());
        };
        let purpose = format!("answer:{relay}:{}:{}", e.device, e.seq);
        self.answer_chief(tx, &sender, &relay, &purpose, &step, now)
    }

    /// Texts the chief of the alert `sender` sent about `report` the `words` (English,
    /// Kiswahili) under `purpose`: to the phone enrolled for the alert's device in its
    /// language, or else to the number the alert came from in both.
    fn answer_chief(
        &self,
        tx: &mut dyn Tx,
        sender: &AlertSender,
        report: &ReportId,
        purpose: &str,
        words: &(String, String),
        now: i64,
    ) -> Result<()> {
        let enrolled = match &sender.device {
            Some(device) => self.sms_phone(tx, device)?,
            None => None,
        };
        let (number, lang) = match enrolled {
            Some((number, lang)) => (number, Some(lang)),
            None => {
                let number = self.open_at_rest(&sender.sender, at_rest::SENDER)?;
                (String::from_utf8_lossy(&number).into_owned(), None)
            }
        };
        let text = answer_text(report, words, lang);
        self.queue_text(tx, purpose, &number, &text, now)
    }

    /// Keeps a text for `number` under `purpose`, unless the number, or the county, had its
    /// day's share.
    fn queue_text(
        &self,
        tx: &mut dyn Tx,
        purpose: &str,
        number: &str,
        text: &str,
        now: i64,
    ) -> Result<()> {
        let index = self.sender_index(number);
        if tx.sms_queued_since(&index, now - DAY_MS)? >= DAILY_CAP {
            tracing::warn!(
                purpose,
                cap = DAILY_CAP,
                "a number had its day's texts; not sent"
            );
            return Ok(());
        }
        if tx.sms_queued_in_all_since(now - DAY_MS)? >= COUNTY_DAILY_CAP {
            tracing::warn!(
                purpose,
                cap = COUNTY_DAILY_CAP,
                "the county had its day's texts"
            );
            return Ok(());
        }
        let out = Outgoing {
            id: 0,
            purpose: purpose.to_owned(),
            recipient: self.seal_at_rest(number.as_bytes(), at_rest::SENDER)?,
            recipient_index: index,
            text: text.to_owned(),
            created_at: now,
        };
        tx.queue_sms(&out)?;
        Ok(())
    }

    /// The duty officers' numbers, as the administrator listed them.
    pub fn sms_duty_numbers(&self) -> Result<Vec<SmsNumber>> {
        crate::db::read(self.db(), |tx| self.sms_duty(tx))
    }

    fn sms_duty(&self, tx: &mut dyn Tx) -> Result<Vec<SmsNumber>> {
        Ok(tx
            .meta(DUTY)?
            .unwrap_or_default()
            .lines()
            .filter_map(|n| SmsNumber::parse(n).ok())
            .collect())
    }

    /// Adds and removes duty officers' numbers (each checked as devices read the county's
    /// number); a bad one changes nothing. Returns the list.
    pub fn set_sms_duty(&self, add: &[String], remove: &[String]) -> Result<Vec<SmsNumber>> {
        let parse = |text: &String| {
            SmsNumber::parse(text)
                .map_err(|e| HubError::refused(crate::error::Refusal::Invalid, e.to_string()))
        };
        let add = add.iter().map(parse).collect::<Result<Vec<_>>>()?;
        let remove = remove.iter().map(parse).collect::<Result<Vec<_>>>()?;
        crate::db::write(self.db(), |tx| {
            let mut numbers = self.sms_duty(tx)?;
            numbers.retain(|n| !remove.contains(n));
            for n in &add {
                if !numbers.contains(n) {
                    numbers.push(n.clone());
                }
            }
            let stored: Vec<&str> = numbers.iter().map(SmsNumber::as_str).collect();
            tx.set_meta(DUTY, &stored.join("\n"))?;
            Ok(numbers)
        })
    }

    /// Texts waiting to be written into the gateway's outbox, each with its number opened.
    pub fn sms_to_send(&self, limit: usize) -> Result<Vec<(Outgoing, String)>> {
        let waiting = crate::db::read(self.db(), |tx| tx.sms_waiting(limit))?;
        waiting
            .into_iter()
            .map(|out| {
                let number = self.open_at_rest(&out.recipient, at_rest::SENDER)?;
                let number = String::from_utf8_lossy(&number).into_owned();
                Ok((out, number))
            })
            .collect()
    }

    /// Marks a text written into the gateway's outbox.
    pub fn sms_written(&self, id: u64, at: i64) -> Result<()> {
        crate::db::write(self.db(), |tx| tx.set_sms_written(id, at))
    }

    /// Records that the gateway sent text `id`.
    pub fn sms_sent(&self, id: u64, at: i64) -> Result<()> {
        crate::db::write(self.db(), |tx| tx.set_sms_sent(id, at))
    }
}

/// Where the hub keeps the report a device's alert `counter` alerted, once its `sms_alert`
/// entry came (before or after the SMS).
pub(crate) fn join_key(device: &DeviceId, counter: u32) -> String {
    format!("sms-join:{device}:{counter}")
}

/// A step of the response in a few words, in English and in Kiswahili; `None` for a step
/// that is not texted.
fn step_text(action: &Action, author: &DeviceRecord, at: i64) -> Option<(String, String)> {
    let agency = |a: &Agency| a.as_str().to_uppercase();
    Some(match action {
        Action::Acknowledge { .. } => {
            let by = author
                .agency
                .as_deref()
                .and_then(|a| Agency::parse(a).ok())
                .map_or_else(|| "the county".to_owned(), |a| agency(&a));
            let at = clock(at);
            (
                format!("acknowledged by {by} at {at}."),
                format!("Imekubaliwa na {by} saa {at}."),
            )
        }
        Action::Assign { lead, .. } => (
            format!("lead agency {}.", agency(lead)),
            format!("Kinachoongoza: {}.", agency(lead)),
        ),
        Action::Close { outcome, .. } => (
            format!(
                "closed: {}.",
                vocabulary::label("outcome", outcome.as_str(), Lang::En)
            ),
            format!(
                "Imefungwa: {}.",
                vocabulary::label("outcome", outcome.as_str(), Lang::Sw)
            ),
        ),
        _ => return None,
    })
}

/// One SMS to the chief: the report's short id and the words, in `lang` or in both languages
/// (plain GSM characters, at most 160).
fn answer_text(report: &ReportId, (en, sw): &(String, String), lang: Option<Lang>) -> String {
    let words = match lang {
        Some(Lang::En) => en.clone(),
        Some(Lang::Sw) => sw.clone(),
        None => format!("{en} {sw}"),
    };
    format!("Usalama {}: {words}", short_id(report))
}

/// A report's first six characters, as the chief's laptop shows its id.
fn short_id(id: &ReportId) -> String {
    id.to_string()
        .chars()
        .take(6)
        .collect::<String>()
        .to_uppercase()
}

/// `HH:MM` in East Africa Time.
fn clock(at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(at.div_euclid(1000))
        .map(|t| t.to_offset(usalama_protocol::EAT))
        .map(|t| format!("{:02}:{:02}", t.hour(), t.minute()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use usalama_protocol::sms::Form;

    use usalama_protocol::lifecycle::Outcome;

    use super::super::tests::{drop_file, enroll, hubs, messages, raid, text};
    use super::*;
    use crate::gammu;

    #[test]
    fn every_answer_is_one_plain_sms_with_the_short_id_and_the_facts_only() {
        let officer = super::super::tests::officer();
        let mut steps = vec![
            Action::Acknowledge {
                agency: Agency::Nps,
            },
            Action::Assign {
                lead: Agency::Ngao,
                support: vec![Agency::Kdf],
                replaces: None,
            },
        ];
        for outcome in Outcome::ALL {
            steps.push(Action::Close {
                outcome: *outcome,
                note: Some("The raiders' names are known".into()),
                figures: None,
            });
        }
        let id = ReportId([0x5a; 10]);
        for step in &steps {
            let words = step_text(step, &officer, 1_795_219_200_000).expect("texted");
            for lang in [None, Some(Lang::En), Some(Lang::Sw)] {
                let text = answer_text(&id, &words, lang);
                assert!(
                    text.starts_with(&format!("Usalama {}: ", short_id(&id))),
                    "{text}"
                );
                assert!(text.len() <= 160 && text.is_ascii(), "{text}");
                assert!(!text.contains("names"), "no report content: {text}");
            }
        }
        let update = Action::Update {
            note: "Tracking the herd".into(),
            responding: true,
        };
        assert_eq!(step_text(&update, &officer, 0), None);
    }

    #[test]
    fn a_chief_with_an_enrolled_phone_is_answered_there_in_their_language() {
        for scratch in hubs() {
            let hub = &scratch.hub;
            let (chief, device) = enroll(hub, 1);
            let id = device.to_string();
            assert!(hub.set_sms_phone(&id, "0712 000 222", Lang::Sw).is_err());
            assert!(hub
                .set_sms_phone("ffffffffff", "+254712000222", Lang::Sw)
                .is_err());
            hub.set_sms_phone(&id[..8], "+254 712 000 222", Lang::Sw)
                .expect("recorded");
            let (inbox, outbox) = (
                tempfile::tempdir().expect("inbox"),
                tempfile::tempdir().expect("outbox"),
            );
            let alert = text(&chief, hub, 1, &raid(5, 40), Form::Full);
            drop_file(inbox.path(), 1, "+254700000001", &alert);
            gammu::sweep(hub, inbox.path()).expect("swept");
            assert_eq!(gammu::send(hub, outbox.path()).expect("sent"), 1);
            let file = std::fs::read_dir(outbox.path())
                .expect("listed")
                .next()
                .expect("one text")
                .expect("a file");
            let name = file.file_name().to_string_lossy().into_owned();
            assert!(name.contains("_+254712000222_"), "{name}");
            let body = std::fs::read_to_string(file.path()).expect("read");
            assert!(
                body.contains("Tahadhari yako imepokelewa na kaunti"),
                "{body}"
            );
            assert!(!body.contains("received"), "in Kiswahili alone: {body}");
        }
    }

    #[test]
    fn an_accepted_alert_is_relayed_once_as_a_report_of_its_unit_and_its_chief() {
        for scratch in hubs() {
            let hub = &scratch.hub;
            let (chief, device) = enroll(hub, 1);
            let inbox = tempfile::tempdir().expect("inbox");
            let alert = text(&chief, hub, 1, &raid(5, 150), Form::Full);
            for serial in 1..=3 {
                drop_file(inbox.path(), serial, "+254700000001", &alert);
            }
            gammu::sweep(hub, inbox.path()).expect("swept");
            let relays: Vec<ReportId> = messages(hub).iter().filter_map(|m| m.relay).collect();
            assert_eq!(relays.len(), 1, "the same alert three times is one relay");
            let scope = crate::db::read(hub.db(), |tx| tx.report(&relays[0]))
                .expect("read")
                .expect("scoped like a filing");
            assert_eq!(scope.unit, "ke-024-v-lami-nyeusi");
            assert_eq!(
                scope.author, hub.id,
                "the hub's word, not the chief's signature"
            );
            let chief_person = crate::db::read(hub.db(), |tx| tx.device(&device))
                .expect("read")
                .expect("enrolled")
                .person;
            assert_eq!(scope.person, chief_person, "the chief receives it too");
        }
    }

    #[test]
    fn the_duty_officers_and_the_sender_are_told_once_per_alert_within_the_daily_cap() {
        for scratch in hubs() {
            let hub = &scratch.hub;
            let (chief, _) = enroll(hub, 1);
            let bad = hub.set_sms_duty(&["0711 000 111".into()], &[]);
            assert!(
                bad.is_err(),
                "a number not in international form changes nothing"
            );
            assert!(hub.sms_duty_numbers().expect("listed").is_empty());
            hub.set_sms_duty(&["+254 711 000 111".into()], &[])
                .expect("added");
            let (inbox, outbox) = (
                tempfile::tempdir().expect("inbox"),
                tempfile::tempdir().expect("outbox"),
            );
            let alerts = DAILY_CAP as u32 + 2;
            for counter in 1..=alerts {
                let alert = text(&chief, hub, counter, &raid(5, counter), Form::Full);
                drop_file(inbox.path(), counter as usize, "+254700000001", &alert);
            }
            gammu::sweep(hub, inbox.path()).expect("swept");
            // Each alert: the duty officer told, the sender told it was received; each number
            // within its day's share.
            let cap = DAILY_CAP as usize;
            assert_eq!(gammu::send(hub, outbox.path()).expect("sent"), 2 * cap);
            assert_eq!(
                gammu::send(hub, outbox.path()).expect("sent"),
                0,
                "each once"
            );
            let files: Vec<String> = std::fs::read_dir(outbox.path())
                .expect("listed")
                .map(|f| {
                    f.expect("a file")
                        .file_name()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect();
            let to = |number: &str| files.iter().filter(|f| f.contains(number)).count();
            assert_eq!((to("_+254711000111_"), to("_+254700000001_")), (cap, cap));
            for name in &files {
                assert!(name.starts_with("OUTA"), "{name}");
                let body = std::fs::read_to_string(outbox.path().join(name)).expect("read");
                if name.contains("_+254711000111_") {
                    assert_eq!(body, DUTY_TEXT, "that an alert arrived, never what it says");
                } else {
                    assert!(body.contains("was received by the county at"), "{body}");
                }
            }
            assert!(DUTY_TEXT.len() <= 160 && DUTY_TEXT.is_ascii());
            hub.set_sms_duty(&[], &["+254711000111".into()])
                .expect("removed");
            assert!(hub.sms_duty_numbers().expect("listed").is_empty());
        }
    }
}
