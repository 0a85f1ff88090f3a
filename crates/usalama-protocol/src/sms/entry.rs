//! What the ledger keeps of alerts: the `sms_alert` entry a chief's device records before the
//! alert is shown for sending, and the county's SMS number in the hub's `sms_configured`.
//!
//! An `sms_alert` body, about the report it alerts:
//!
//! ```json
//! {"counter": 12, "full": "U1pDumb…", "short": "1MGXT CJMXP …"}
//! ```
//!
//! `short` is absent when a figure is larger than the short form carries.
//!
//! The hub and every device read it with [`AlertEntry::parse`]: the counter from 1 to
//! [`MAX_COUNTER`], each text an alert of its form (read without a key by [`decode`]), both of
//! one version and under one key id. The hub's body is `{"number": "+254712345678"}`, read by
//! [`SmsNumber::parse_body`].

use std::fmt;

use serde_json::{json, Map, Value};

use super::{decode, Form, Header, MAX_COUNTER};
use crate::error::{Error, Result};

/// An `sms_alert` entry's body, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertEntry {
    /// The device's alert number both texts carry.
    pub counter: u32,
    /// The full form: 160 characters.
    pub full: String,
    /// The short form as shown: 12 groups of five; absent when a figure is larger than the
    /// short form carries ([`super::SHORT_FIGURE_LIMIT`]): the full form is sent instead.
    pub short: Option<String>,
}

impl AlertEntry {
    /// Reads an `sms_alert` body as its author's device wrote it; anything else is refused
    /// naming the field at fault.
    pub fn parse(body: &Value) -> Result<AlertEntry> {
        let map = fields(body, &["counter", "full", "short"], "an SMS alert")?;
        let counter = counter(map)?;
        let text = |field: &str, form: Form| -> Result<(String, Header)> {
            let text = map.get(field).and_then(Value::as_str).ok_or_else(|| {
                Error::invalid(field, format!("must be the alert's {} text", form.name()))
            })?;
            let header =
                decode(text).map_err(|refusal| Error::invalid(field, refusal.to_string()))?;
            if header.form() != form {
                return Err(Error::invalid(
                    field,
                    format!("must be a {} alert", form.name()),
                ));
            }
            Ok((text.to_owned(), header))
        };
        let (full, full_header) = text("full", Form::Full)?;
        let short = match map.get("short") {
            None => None,
            Some(_) => {
                let (short, short_header) = text("short", Form::Short)?;
                if full_header.version() != short_header.version() {
                    return Err(Error::invalid(
                        "short",
                        "must be of the full form's format version",
                    ));
                }
                if full_header.key_id() != short_header.key_id() {
                    return Err(Error::invalid(
                        "short",
                        "must name the full form's key id: both forms are one device's alert",
                    ));
                }
                Some(short)
            }
        };
        Ok(AlertEntry {
            counter,
            full,
            short,
        })
    }

    pub fn to_value(&self) -> Value {
        let mut body = json!({"counter": self.counter, "full": self.full});
        if let Some(short) = &self.short {
            body["short"] = json!(short);
        }
        body
    }
}

/// A phone number in international form (E.164): `+`, a country code and the subscriber's
/// number, 8 to 15 digits in all, the first not 0. Kenya's mobile numbers are
/// `+2547XXXXXXXX` and `+2541XXXXXXXX`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SmsNumber(String);

impl SmsNumber {
    /// A number as typed: spaces, dashes, dots and brackets between digits are dropped.
    pub fn parse(text: &str) -> Result<SmsNumber> {
        let compact: String = text
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
            .collect();
        let refused = || {
            Error::invalid(
                "number",
                format!(
                    "must be a phone number in international form, + then the country code, \
                     e.g. +254712345678 (got {text:?})"
                ),
            )
        };
        let digits = compact.strip_prefix('+').ok_or_else(refused)?;
        let well_formed = (8..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0');
        if !well_formed {
            return Err(refused());
        }
        Ok(SmsNumber(compact))
    }

    /// Reads an `sms_configured` body: `{"number": "+…"}`, the number in its compact form.
    pub fn parse_body(body: &Value) -> Result<SmsNumber> {
        let map = fields(body, &["number"], "the county's SMS number")?;
        let text = map
            .get("number")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::invalid("number", "must be given, as text"))?;
        let number = SmsNumber::parse(text)?;
        if number.0 != text {
            return Err(Error::invalid(
                "number",
                format!("must be written {} (got {text:?})", number.0),
            ));
        }
        Ok(number)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn to_value(&self) -> Value {
        json!({"number": self.0})
    }

    /// The `SMSTO:` line a QR code holds to fill a phone's SMS app with this number and
    /// `text` (the full form has no `:` to escape).
    pub fn smsto(&self, text: &str) -> String {
        format!("SMSTO:{}:{text}", self.0)
    }
}

impl fmt::Display for SmsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The body as an object holding no key but `allowed`.
/// A body's `counter`: the device's alert number, from 1 to [`MAX_COUNTER`].
pub(super) fn counter(map: &Map<String, Value>) -> Result<u32> {
    map.get("counter")
        .and_then(Value::as_u64)
        .filter(|&n| (1..=u64::from(MAX_COUNTER)).contains(&n))
        .map(|n| n as u32)
        .ok_or_else(|| {
            Error::invalid(
                "counter",
                format!("must be the device's alert number, from 1 to {MAX_COUNTER}"),
            )
        })
}

fn fields<'v>(body: &'v Value, allowed: &[&str], what: &str) -> Result<&'v Map<String, Value>> {
    let map = body
        .as_object()
        .ok_or_else(|| Error::invalid("body", format!("{what} must be a JSON object")))?;
    if let Some(unknown) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(Error::invalid(
            unknown.as_str(),
            format!("is not a field of {what}"),
        ));
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sms::tests::raid;
    use crate::sms::{encode, AlertKey};

    fn key(seed: u8) -> AlertKey {
        AlertKey::of_device(
            &ed25519_dalek::SigningKey::from_bytes(&[seed; 32]),
            &ed25519_dalek::SigningKey::from_bytes(&[9; 32]).verifying_key(),
        )
        .expect("a key")
    }

    fn body(seed: u8, counter: u32) -> Value {
        let alert = raid();
        let full = encode(&alert, &key(seed), counter, Form::Full).expect("full");
        let short = encode(&alert, &key(seed), counter, Form::Short).expect("short");
        json!({"counter": counter, "full": full, "short": short})
    }

    #[test]
    fn an_alert_entry_reads_back_and_is_written_again_the_same() {
        let another = body(2, 12);
        let body = body(1, 12);
        let entry = AlertEntry::parse(&body).expect("read");
        assert_eq!(entry.counter, 12);
        assert_eq!(entry.to_value(), body);
        // Without its short form (a figure too large to type): read and written the same.
        let mut full_only = body.clone();
        full_only.as_object_mut().expect("object").remove("short");
        let entry = AlertEntry::parse(&full_only).expect("read");
        assert_eq!(entry.short, None);
        assert_eq!(entry.to_value(), full_only);
        // A short form present is checked still: another device's, or not text, is refused.
        for bad in [another["short"].clone(), json!(null), json!(12)] {
            let mut other = body.clone();
            other["short"] = bad.clone();
            assert!(AlertEntry::parse(&other).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_number_is_international_and_its_body_compact() {
        for (typed, kept) in [
            ("+254712345678", "+254712345678"),
            (" +254 712-345 678 ", "+254712345678"),
            ("+256 772 123456", "+256772123456"),
            ("+1 (202) 555.0143", "+12025550143"),
        ] {
            assert_eq!(SmsNumber::parse(typed).expect(typed).as_str(), kept);
        }
        for bad in [
            "0712345678",
            "+0712345678",
            "+2547",
            "+2547123456789012",
            "+2547a2345678",
            "",
        ] {
            let Err(Error::Invalid(p)) = SmsNumber::parse(bad) else {
                panic!("{bad:?} taken")
            };
            assert_eq!(p.0[0].field, "number");
        }
        let number = SmsNumber::parse("+254712345678").expect("a number");
        assert_eq!(
            SmsNumber::parse_body(&number.to_value()).expect("read"),
            number
        );
        assert_eq!(number.smsto("U1abc"), "SMSTO:+254712345678:U1abc");
        for bad in [
            json!({"number": "+254 712 345 678"}),
            json!({"number": 254712345678u64}),
            json!({"number": "+254712345678", "name": "x"}),
            json!("+254712345678"),
        ] {
            assert!(SmsNumber::parse_body(&bad).is_err(), "{bad}");
        }
    }
}
