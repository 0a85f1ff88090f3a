//! An accepted alert relayed by the county hub as a report: the `sms_relayed` entry of the
//! hub's chain.
//!
//! The alert reached the hub by SMS, authenticated with a key the device and the hub share, so
//! no other device can check it: the entry is the hub's word for it ("vouched for by the county
//! hub"), signed by the hub. Its body names the device and the alert number, and carries the
//! alert's facts as a report document, read with the report parser:
//!
//! ```json
//! {"device": "9f…", "counter": 12, "text": "U1pDumb…",
//!  "report": {"type": "livestock_raid", "urgency": "flash", "unit": "…",
//!             "occurred_at": "2026-11-20T05:30:00+03:00", "narrative": "…",
//!             "people": {"killed": 2}, "livestock": [{"species": "cattle", "stolen": 150}]}}
//! ```
//!
//! `text` is the SMS as the hub received it: sealed to the device and the hub, it tells a reader
//! nothing, but when the device's own `sms_alert` entry with that number arrives (with the full
//! report it alerts), every device can check that the hub relayed the very alert the device
//! made ([`Relay::matches`]), and folds the relay into that report: one incident, whichever came
//! first.

use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::{decode, Alert, AlertEntry};

use crate::domain::{Origin, Report};
use crate::error::{Error, Result};
use crate::ledger::DeviceId;

/// The narrative of an alert sent without a note (the short form has none).
pub const NO_NOTE: &str = "Flash alert by SMS, sent without a note.";

/// An `sms_relayed` body, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Relay {
    /// The device whose key opened the alert.
    pub device: DeviceId,
    /// The device's alert number.
    pub counter: u32,
    /// The SMS as the hub received it.
    pub text: String,
    /// The alert's facts as a report document.
    pub report: Map<String, Value>,
}

impl Relay {
    /// The relay of `alert`, received as `text` and opened with `device`'s key under number
    /// `counter`.
    pub fn of(device: DeviceId, counter: u32, text: &str, alert: &Alert) -> Relay {
        let people = alert.people();
        let livestock: Vec<Value> = alert
            .stolen
            .iter()
            .map(|(species, tally)| {
                let mut row = json!({"species": species.as_str(), "stolen": tally});
                if alert.estimate {
                    row["estimate"] = json!(true);
                }
                row
            })
            .collect();
        let narrative = match alert.note.as_str().trim() {
            "" => NO_NOTE,
            note => note,
        };
        let mut report = json!({
            "type": alert.kind.as_str(),
            "urgency": alert.urgency.as_str(),
            "unit": alert.unit,
            "occurred_at": rfc3339(alert.occurred_at),
            "narrative": narrative,
        });
        if !people.is_empty() {
            report["people"] = Value::Object(people);
        }
        if !livestock.is_empty() {
            report["livestock"] = Value::Array(livestock);
        }
        if let Some(position) = &alert.position {
            report["gps"] = json!({"lat": position.lat(), "lon": position.lon()});
        }
        let Value::Object(report) = report else {
            unreachable!("a JSON object literal")
        };
        Relay {
            device,
            counter,
            text: text.trim().to_owned(),
            report,
        }
    }

    /// Whether the relayed text is the alert the device recorded in `entry` (its full or its
    /// short form, as typed: spaces and letter case aside).
    pub fn matches(&self, entry: &AlertEntry) -> bool {
        let Ok(relayed) = decode(&self.text) else {
            return false;
        };
        entry.counter == self.counter
            && std::iter::once(&entry.full)
                .chain(entry.short.as_ref())
                .any(|made| decode(made).is_ok_and(|made| made == relayed))
    }

    /// Reads an `sms_relayed` body as the hub wrote it, its report with the report parser as
    /// of `now` (the hub's clock when it relayed); anything else is refused naming the field.
    pub fn parse(body: &Value, now: OffsetDateTime) -> Result<Relay> {
        let map = body
            .as_object()
            .ok_or_else(|| Error::invalid("body", "a relayed alert must be a JSON object"))?;
        if let Some(unknown) = map
            .keys()
            .find(|k| !["device", "counter", "text", "report"].contains(&k.as_str()))
        {
            return Err(Error::invalid(
                unknown.as_str(),
                "is not a field of a relayed alert",
            ));
        }
        let device = map
            .get("device")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::invalid("device", "must be the alert's device id"))
            .and_then(DeviceId::parse)?;
        let counter = super::entry::counter(map)?;
        let text = map
            .get("text")
            .and_then(Value::as_str)
            .filter(|t| decode(t).is_ok())
            .ok_or_else(|| Error::invalid("text", "must be the SMS alert as received"))?;
        let report = map
            .get("report")
            .and_then(Value::as_object)
            .ok_or_else(|| Error::invalid("report", "must be a report document"))?;
        Report::parse_as(&Value::Object(report.clone()), now, Origin::Received).map_err(
            |problems| Error::invalid("report", format!("is not a valid report: {problems}")),
        )?;
        Ok(Relay {
            device,
            counter,
            text: text.to_owned(),
            report: report.clone(),
        })
    }

    pub fn to_value(&self) -> Value {
        json!({
            "device": self.device.to_string(),
            "counter": self.counter,
            "text": self.text,
            "report": self.report,
        })
    }
}

/// A time in East Africa Time, as reports write it.
pub(super) fn rfc3339(at: OffsetDateTime) -> String {
    at.to_offset(crate::EAT)
        .format(&Rfc3339)
        .unwrap_or_else(|_| at.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sms::tests::raid;
    use crate::sms::{encode, AlertKey, Form, MAX_COUNTER};

    fn now() -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }

    fn key(seed: u8) -> AlertKey {
        AlertKey::of_device(
            &ed25519_dalek::SigningKey::from_bytes(&[seed; 32]),
            &ed25519_dalek::SigningKey::from_bytes(&[9; 32]).verifying_key(),
        )
        .expect("a key")
    }

    /// The entry a device records of alert `counter`, and the relay of its `form`.
    fn made(counter: u32, form: Form) -> (AlertEntry, Relay) {
        let alert = raid();
        let entry = AlertEntry {
            counter,
            full: encode(&alert, &key(1), counter, Form::Full).expect("full"),
            short: Some(encode(&alert, &key(1), counter, Form::Short).expect("short")),
        };
        let text = match form {
            Form::Full => entry.full.clone(),
            Form::Short => entry.short.clone().expect("short").to_lowercase(),
        };
        (entry, Relay::of(DeviceId([7; 16]), counter, &text, &alert))
    }

    #[test]
    fn a_relay_matches_the_alert_its_device_made_in_either_form_and_no_other() {
        for form in [Form::Full, Form::Short] {
            let (entry, relay) = made(4, form);
            assert!(relay.matches(&entry), "{form:?}");
            let (other, _) = made(5, form);
            assert!(!relay.matches(&other), "another alert number");
            let mut altered = relay.clone();
            altered.text = encode(&raid(), &key(2), 4, form).expect("another key's");
            assert!(!altered.matches(&entry), "another device's text");
        }
    }

    #[test]
    fn a_relay_reads_back_with_the_report_parser_and_keeps_unknown_figures_unknown() {
        let mut alert = raid();
        alert.injured = Some(crate::domain::Tally::UNKNOWN);
        let relay = made(12, Form::Full).1;
        let relay = Relay::of(relay.device, 12, &relay.text, &alert);
        let read = Relay::parse(&relay.to_value(), now()).expect("read back");
        assert_eq!(read, relay);
        assert_eq!(read.report["people"]["injured"], Value::Null);
        assert_eq!(read.report["type"], json!(alert.kind.as_str()));
        assert_eq!(read.report["unit"], json!(alert.unit));
    }

    #[test]
    fn an_alert_without_a_note_says_so_in_its_narrative() {
        let alert = raid().without_position_and_note();
        let text = made(1, Form::Short).1.text;
        let relay = Relay::of(DeviceId([7; 16]), 1, &text, &alert);
        assert_eq!(relay.report["narrative"], json!(NO_NOTE));
        assert!(relay.report.get("gps").is_none());
    }

    #[test]
    fn a_broken_relay_is_refused_naming_its_field() {
        let good = made(3, Form::Full).1.to_value();
        let cases = [
            ("text", json!("not an alert")),
            ("device", json!("not hex")),
            ("counter", json!(0)),
            ("counter", json!(u64::from(MAX_COUNTER) + 1)),
            ("report", json!({"type": "not_a_type"})),
            ("extra", json!(1)),
        ];
        for (field, value) in cases {
            let mut body = good.clone();
            body[field] = value;
            let refused = Relay::parse(&body, now()).expect_err(field);
            assert!(refused.to_string().contains(field), "{field}: {refused}");
        }
        assert!(Relay::parse(&json!([1]), now()).is_err());
    }
}
