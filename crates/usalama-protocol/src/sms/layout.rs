//! An alert's fields as the bits that are encrypted: written, and read back with the report
//! parser's rules.
//!
//! | field | bits | |
//! | --- | --- | --- |
//! | counter | 18 | the device's alert number |
//! | sent | 25 | minutes since 2025-01-01 00:00 UTC (to October 2088) |
//! | occurred | 14 | minutes before `sent`, plus 10 (0 to 7 days and 10 minutes) |
//! | type × urgency | 6 | 17 types × 3 urgencies |
//! | unit | 32 | the first 32 bits of SHA-256 of the unit id |
//! | estimate | 1 | head counts are estimates |
//! | 8 figures | see below | killed, injured, abducted; stolen cattle, goats, sheep, camels, donkeys |
//! | position (full form) | 1 + 30 | present, then 18,001 × 36,001 hundredths of a degree |
//! | note (full form) | 7 + 7 per character | its length, then printable ASCII |
//!
//! A figure in the **full form**: `00` not said, `01` unknown, `10` + 4 bits for 0 to 15,
//! `11` + 17 bits for 16 to 100,000. In the **short form**, 13 bits: 0 to 8,189, 8,190
//! unknown, 8,191 not said. Whatever is left to the end of the form is zero.

use sha2::{Digest, Sha256};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use super::alert::{count, Alert, Position, KINDS, POSITION_BITS, SPECIES, URGENCIES};
use super::bits::{Bits, Reader};
use super::note::{Note, CHAR_BITS, LENGTH_BITS, MAX_NOTE};
use super::refusal::Refusal;
use super::Form;
use crate::domain::report::{Tally, FUTURE_TOLERANCE};
use crate::error::{Broken, Rule};
use crate::gazetteer::{self, Unit};

const COUNTER_BITS: u32 = 18;
/// The highest alert number a device key can send.
pub const MAX_COUNTER: u32 = (1 << COUNTER_BITS) - 1;
const SENT_BITS: u32 = 25;
const OCCURRED_BITS: u32 = 14;
const KIND_BITS: u32 = 6;
const UNIT_BITS: u32 = 32;
const SHORT_FIGURE_BITS: u32 = 13;
/// The largest figure the short form carries.
pub const SHORT_FIGURE_LIMIT: u32 = 8_189;
const SHORT_UNKNOWN: u64 = 8_190;
const SHORT_NOT_SAID: u64 = 8_191;

/// Minute 0 of an alert's clock.
pub const EPOCH: OffsetDateTime = datetime!(2025-01-01 0:00 UTC);
/// How long before the alert the incident may have happened.
pub const MAX_LEAD: Duration = Duration::days(7);
/// How far after the alert the incident may be dated (the report parser's tolerance).
const LAG: i64 = FUTURE_TOLERANCE.whole_minutes();
const MAX_OCCURRED: u64 = MAX_LEAD.whole_minutes() as u64 + LAG as u64;

/// A unit id as the alert carries it.
pub(super) fn unit_ref(id: &str) -> u32 {
    let digest = Sha256::new()
        .chain_update(b"usalama.sms.unit\0")
        .chain_update(id.as_bytes())
        .finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

fn minute(at: OffsetDateTime) -> i64 {
    (at - EPOCH).whole_seconds().div_euclid(60)
}

/// Writes `alert` numbered `counter` in `form`, without the padding to the form's size.
pub(super) fn write(alert: &Alert, counter: u32, form: Form) -> Result<Bits, Refusal> {
    if counter > MAX_COUNTER {
        return Err(Refusal::CounterExhausted);
    }
    let sent = minute(alert.sent_at);
    if !(0..1 << SENT_BITS).contains(&sent) {
        return Err(Refusal::field(
            "sent_at",
            Broken::new(
                Rule::Other,
                "must be from 2025-01-01 to 2088-10-18 (UTC): check the device's clock",
            ),
        ));
    }
    let occurred = sent - minute(alert.occurred_at) + LAG;
    if occurred < 0 {
        return Err(Refusal::field(
            "occurred_at",
            Broken::new(Rule::Future, "must not be later than the alert"),
        ));
    }
    if occurred as u64 > MAX_OCCURRED {
        return Err(Refusal::field("occurred_at", too_early()));
    }
    if !gazetteer::is_unit_id(&alert.unit) {
        return Err(Refusal::field("unit", gazetteer::unknown_unit(&alert.unit)));
    }
    let mut bits = Bits::default();
    bits.put(u64::from(counter), COUNTER_BITS);
    bits.put(sent as u64, SENT_BITS);
    bits.put(occurred as u64, OCCURRED_BITS);
    let kind = KINDS.iter().position(|k| *k == alert.kind).unwrap_or(0);
    let urgency = URGENCIES
        .iter()
        .position(|u| *u == alert.urgency)
        .unwrap_or(0);
    bits.put((kind * URGENCIES.len() + urgency) as u64, KIND_BITS);
    bits.put(u64::from(unit_ref(&alert.unit)), UNIT_BITS);
    bits.push(alert.estimate);
    for (field, figure) in alert.figures() {
        match form {
            Form::Full => put_full_figure(&mut bits, figure),
            Form::Short => put_short_figure(&mut bits, figure, field)?,
        }
    }
    if form == Form::Full {
        bits.push(alert.position.is_some());
        if let Some(p) = alert.position {
            bits.put(p.index(), POSITION_BITS);
        }
        let room = note_room_after(bits.len());
        if alert.note.len() > room {
            return Err(Refusal::NoteTooLong {
                length: alert.note.len(),
                room,
            });
        }
        bits.put(alert.note.len() as u64, LENGTH_BITS);
        for code in alert.note.codes() {
            bits.put(code, CHAR_BITS);
        }
    }
    Ok(bits)
}

fn too_early() -> Broken {
    Broken::new(
        Rule::TooEarly,
        "must be within the 7 days before the alert; an older incident goes with the report \
         by sync",
    )
}

/// Characters of note the full form has room for once `used` bits are written.
fn note_room_after(used: usize) -> usize {
    let left = full_plain_bits().saturating_sub(used + LENGTH_BITS as usize);
    (left / CHAR_BITS as usize).min(MAX_NOTE)
}

/// Plaintext bits of each form: the payload less the key id and the tag.
pub(super) fn full_plain_bits() -> usize {
    super::text::FULL_PAYLOAD_BITS - super::HEADER_BITS
}

pub(super) fn short_plain_bits() -> usize {
    super::text::SHORT_PAYLOAD_BITS - super::HEADER_BITS
}

/// Characters of note a full-form `alert` has room for (its own note aside).
pub fn note_room(alert: &Alert) -> Result<usize, Refusal> {
    let bare = Alert {
        note: Note::default(),
        ..alert.clone()
    };
    let used = write(&bare, 0, Form::Full)?.len() - LENGTH_BITS as usize;
    Ok(note_room_after(used))
}

fn put_full_figure(bits: &mut Bits, figure: Option<Tally>) {
    match figure.map(Tally::known) {
        None => bits.put(0b00, 2),
        Some(None) => bits.put(0b01, 2),
        Some(Some(n)) if n < 16 => {
            bits.put(0b10, 2);
            bits.put(u64::from(n), 4);
        }
        Some(Some(n)) => {
            bits.put(0b11, 2);
            bits.put(u64::from(n), 17);
        }
    }
}

fn put_short_figure(bits: &mut Bits, figure: Option<Tally>, field: String) -> Result<(), Refusal> {
    let code = match figure.map(Tally::known) {
        None => SHORT_NOT_SAID,
        Some(None) => SHORT_UNKNOWN,
        Some(Some(n)) if n <= SHORT_FIGURE_LIMIT => u64::from(n),
        Some(Some(_)) => {
            return Err(Refusal::TooLargeForShortForm {
                field,
                limit: SHORT_FIGURE_LIMIT,
            })
        }
    };
    bits.put(code, SHORT_FIGURE_BITS);
    Ok(())
}

/// Reads an alert's plaintext (already authenticated), with the report parser's rules and the
/// receiver's gazetteer.
pub(super) fn read(plain: &Bits, form: Form, units: &[Unit]) -> Result<(u32, Alert), Refusal> {
    let cut = || Refusal::Malformed {
        what: "it ends inside a field",
    };
    let mut r = plain.reader();
    let mut take = |width| r.take(width).ok_or_else(cut);
    let counter = take(COUNTER_BITS)? as u32;
    let sent_at = EPOCH + Duration::minutes(take(SENT_BITS)? as i64);
    let occurred = take(OCCURRED_BITS)?;
    if occurred > MAX_OCCURRED {
        return Err(Refusal::field("occurred_at", too_early()));
    }
    let occurred_at = sent_at - Duration::minutes(occurred as i64 - LAG);
    let kind = take(KIND_BITS)? as usize;
    let (Some(&kind), Some(&urgency)) = (
        KINDS.get(kind / URGENCIES.len()),
        URGENCIES.get(kind % URGENCIES.len()),
    ) else {
        return Err(Refusal::field(
            "type",
            Broken::new(
                Rule::Choice,
                format!("type and urgency number {kind} is unknown"),
            ),
        ));
    };
    let unit = resolve(take(UNIT_BITS)? as u32, units)?;
    let estimate = take(1)? == 1;
    let mut alert = Alert {
        kind,
        urgency,
        unit,
        occurred_at: occurred_at.to_offset(crate::EAT),
        sent_at: sent_at.to_offset(crate::EAT),
        killed: None,
        injured: None,
        abducted: None,
        stolen: Default::default(),
        estimate,
        position: None,
        note: Note::default(),
    };
    read_figures(&mut r, form, &mut alert)?;
    if form == Form::Full {
        read_full_tail(&mut r, &mut alert)?;
    }
    if !r.rest_is_zero() {
        return Err(Refusal::Malformed {
            what: "its padding is not zero",
        });
    }
    Ok((counter, alert))
}

fn resolve(unit: u32, units: &[Unit]) -> Result<String, Refusal> {
    let matches: Vec<&Unit> = units.iter().filter(|u| unit_ref(&u.id) == unit).collect();
    match matches.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(Refusal::field(
            "unit",
            Broken::new(
                Rule::UnknownUnit,
                format!("unit number {unit:08x} is not in the gazetteer"),
            ),
        )),
        many => Err(Refusal::AmbiguousUnit {
            units: many.iter().map(|u| u.id.clone()).collect(),
        }),
    }
}

fn read_figures(r: &mut Reader<'_>, form: Form, alert: &mut Alert) -> Result<(), Refusal> {
    let cut = || Refusal::Malformed {
        what: "it ends inside a figure",
    };
    let mut figures = [None; 8];
    for (slot, (field, _)) in figures.iter_mut().zip(alert.figures()) {
        let known = |n: u64| {
            count(u32::try_from(n).unwrap_or(u32::MAX)).map_err(|refused| match refused {
                Refusal::Field(mut p) => {
                    p.field = field.clone();
                    Refusal::Field(p)
                }
                other => other,
            })
        };
        *slot = match form {
            Form::Short => match r.take(SHORT_FIGURE_BITS).ok_or_else(cut)? {
                SHORT_NOT_SAID => None,
                SHORT_UNKNOWN => Some(Tally::UNKNOWN),
                n => Some(known(n)?),
            },
            Form::Full => match r.take(2).ok_or_else(cut)? {
                0b00 => None,
                0b01 => Some(Tally::UNKNOWN),
                0b10 => Some(known(r.take(4).ok_or_else(cut)?)?),
                _ => match r.take(17).ok_or_else(cut)? {
                    n if n < 16 => {
                        return Err(Refusal::Malformed {
                            what: "a small figure written long",
                        })
                    }
                    n => Some(known(n)?),
                },
            },
        };
    }
    let [killed, injured, abducted, stolen @ ..] = figures;
    alert.killed = killed;
    alert.injured = injured;
    alert.abducted = abducted;
    alert.stolen = SPECIES
        .into_iter()
        .zip(stolen)
        .filter_map(|(s, t)| t.map(|t| (s, t)))
        .collect();
    Ok(())
}

fn read_full_tail(r: &mut Reader<'_>, alert: &mut Alert) -> Result<(), Refusal> {
    let cut = || Refusal::Malformed {
        what: "it ends inside the position or the note",
    };
    if r.take(1).ok_or_else(cut)? == 1 {
        let index = r.take(POSITION_BITS).ok_or_else(cut)?;
        alert.position = Some(Position::from_index(index).ok_or_else(|| {
            Refusal::field(
                "position",
                Broken::new(
                    Rule::Gps,
                    format!("position number {index} is out of range"),
                ),
            )
        })?);
    }
    let length = r.take(LENGTH_BITS).ok_or_else(cut)? as usize;
    let codes: Vec<u64> = (0..length)
        .map(|_| r.take(CHAR_BITS).ok_or_else(cut))
        .collect::<Result<_, _>>()?;
    alert.note = Note::from_codes(&codes).ok_or_else(|| {
        Refusal::field(
            "note",
            Broken::new(
                Rule::Characters,
                "holds characters a note may not (or spaces a note is not written with)",
            ),
        )
    })?;
    Ok(())
}
