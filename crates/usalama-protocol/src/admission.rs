//! Admission: whether an entry recorded elsewhere may take effect here.
//!
//! An author's device parses what its user typed before it records anything, but a received
//! entry may come from a device that skipped those checks (a modified program, a crafted
//! request), so the hub and every receiving device check each entry's body again, with the
//! very parsers an author uses, before it takes effect. An entry that fails is kept (it is a
//! link of its author's chain, which must stay whole) as refused, and has no effect anywhere.
//!
//! [`admit`] is a pure function of the entry and what the receiver knows ([`AdmissionContext`]:
//! its gazetteer and the reports it holds), so the hub and a device reach the same verdict
//! without a database in common. Whether the *author* may take the step (the role table, the
//! report's author) is a separate question, answered by the hub's refusal and the projection.
//!
//! # The rules of entry format 1
//!
//! - A report filing, amendment or redaction document parses as a report document or an
//!   amendment does on the author's device ([`Report::parse_as`], [`Amendment::parse_as`]),
//!   with the entry's own time as "now" (an author's clock at the moment of recording), so
//!   counts are whole numbers from 0 to [`MAX_COUNT`](crate::domain::report::MAX_COUNT), and
//!   every unit it names is in the gazetteer (a retired unit counts: it was current when the
//!   author recorded the entry). Control and direction characters are the one rule not applied
//!   ([`Origin::Received`]): entries recorded before that rule keep them, and they are escaped
//!   wherever they are printed.
//! - A filing whose report id (the first 80 bits of its hash) is already held, filed by
//!   another entry, is refused: ids are made by hashing, and a device could grind one to
//!   collide with a report it wants to shadow.
//! - A step of the response parses strictly ([`Action::parse_body`]) and passes the author's
//!   checks (notes, closing figures); a needs assessment parses as [`Needs::parse_as`] and its
//!   area is a unit; a redaction names its targets and gives a reason.
//! - An acknowledgement of a warning names its report and parses as
//!   [`Acknowledgement::parse`]; the county's early-warning settings parse as
//!   [`Settings::parse`], every unit they name in the gazetteer.
//! - A flash alert by SMS names its report and reads as [`AlertEntry::parse`] (its counter,
//!   both texts decoded as their forms, of one version and one key id); the county's SMS
//!   number reads as [`SmsNumber::parse_body`].
//! - A sealed source is a sealed box, and a county key entry reads as one.
//! - The hub's reference entries (units and devices) hold what devices read of them; a unit
//!   is added under a parent that exists, never moves an existing unit, and never makes a loop.
//! - An entry of a kind this version does not know carries at most [`MAX_UNKNOWN_BODY`]
//!   bytes: it is kept whole for a newer version to read, and nobody may use that to make every
//!   device of a unit download a megabyte over 2G.
//! - An entry without its body (removed by a redaction, or never received) has nothing to
//!   check; a missing body has no effect.
//!
//! An entry of a format this version does not know is refused: its rules are not known here.

use std::fmt;

use ed25519_dalek::VerifyingKey;
use serde_json::Value;
use time::OffsetDateTime;

use crate::domain::text::Origin;
use crate::domain::{Agency, Amendment, Report, Role};
use crate::gazetteer::{self, Unit, KINDS};
use crate::ledger::{DeviceId, Entry, EntryKind, ReportId};
use crate::lifecycle::Action;
use crate::needs::Needs;
use crate::redaction::{Redaction, MAX_REASON};
use crate::sms::{AlertEntry, Relay, SmsNumber};
use crate::warning::{Acknowledgement, Settings};

/// The largest body an entry of a kind this version does not know may carry, in bytes.
pub const MAX_UNKNOWN_BODY: usize = 4 * 1024;

/// What a receiver knows that admission needs. Each answer is about the receiver's state
/// when the entry is admitted: a device applying a batch must answer with what it has applied
/// so far (a unit added earlier in the same batch exists).
pub trait AdmissionContext {
    /// Whether the gazetteer holds unit `id` (a retired unit counts).
    fn has_unit(&self, id: &str) -> bool;

    /// The parent of unit `id` as the gazetteer holds it (`None` for the county, or for a unit
    /// it does not hold).
    fn parent_of(&self, id: &str) -> Option<String>;

    /// Whether a report with id `id` is already held, filed by another entry than `filing`.
    fn holds_other_filing(&self, id: &ReportId, filing: &Entry) -> bool;
}

/// A context from a gazetteer and a test for held reports.
#[derive(Debug, Clone, Copy)]
pub struct Known<'a, H> {
    pub units: &'a [Unit],
    /// Whether a report id is held, filed by another entry than the one given.
    pub holds: H,
}

impl<H: Fn(&ReportId, &Entry) -> bool> AdmissionContext for Known<'_, H> {
    fn has_unit(&self, id: &str) -> bool {
        self.units.iter().any(|u| u.id == id)
    }

    fn parent_of(&self, id: &str) -> Option<String> {
        self.units
            .iter()
            .find(|u| u.id == id)
            .and_then(|u| u.parent.clone())
    }

    fn holds_other_filing(&self, id: &ReportId, filing: &Entry) -> bool {
        (self.holds)(id, filing)
    }
}

/// Why an entry was refused: a code for programs and an English message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub reason: Reason,
    pub message: String,
}

/// The kinds of refusal. Codes are stable: devices and the hub may report them to each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// An entry format this version does not know.
    UnknownFormat,
    /// The entry does not name the report it is about.
    NoSubject,
    /// The body is not what an entry of its kind holds (not JSON, wrong shape, not a sealed box).
    Malformed,
    /// The body breaks a rule its author's device applies (a count too large, a field unknown).
    Invalid,
    /// A unit it names is not in the gazetteer.
    UnknownUnit,
    /// A unit entry would move a unit or make a loop of parents.
    UnitLoop,
    /// A report with this id is already held, filed by another entry.
    ReportIdTaken,
    /// An entry of an unknown kind larger than [`MAX_UNKNOWN_BODY`].
    TooLarge,
}

impl Reason {
    pub fn code(self) -> &'static str {
        match self {
            Reason::UnknownFormat => "unknown_format",
            Reason::NoSubject => "no_subject",
            Reason::Malformed => "malformed_body",
            Reason::Invalid => "invalid_body",
            Reason::UnknownUnit => "unknown_unit",
            Reason::UnitLoop => "unit_loop",
            Reason::ReportIdTaken => "report_id_taken",
            Reason::TooLarge => "too_large",
        }
    }
}

impl Refusal {
    fn new(reason: Reason, message: impl Into<String>) -> Refusal {
        Refusal {
            reason,
            message: message.into(),
        }
    }

    pub fn code(&self) -> &'static str {
        self.reason.code()
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Refusal {}

/// Whether `entry` may take effect, by the rules of its entry format version (see the module
/// documentation). Never panics, whatever the entry holds.
pub fn admit(entry: &Entry, ctx: &dyn AdmissionContext) -> Result<(), Refusal> {
    match entry.format {
        1 => format_1(entry, ctx),
        other => Err(Refusal::new(
            Reason::UnknownFormat,
            format!("entry format {other} is not one this version knows; update Usalama"),
        )),
    }
}

fn format_1(entry: &Entry, ctx: &dyn AdmissionContext) -> Result<(), Refusal> {
    let kind = entry.kind;
    names_its_report(entry)?;
    let Some(body) = entry.body.as_deref() else {
        return Ok(());
    };
    // The author's clock when it recorded the entry: the "now" its parsers used.
    let now = recorded_at(entry.at);
    let json = || body_json(kind, body);
    match kind {
        EntryKind::ReportFiled => report_filed(entry, &json()?, now, ctx)?,
        EntryKind::ReportAmended => {
            let amendment = Amendment::parse_as(&json()?, now, Origin::Received)
                .map_err(|p| invalid("amendment", &one_line(&p)))?;
            if let Some(unit) = amendment.unit() {
                known_unit(ctx, unit, "the amendment's unit")?;
            }
        }
        EntryKind::ReportRedacted => report_redacted(entry, now, ctx)?,
        EntryKind::SourceSealed => {
            crate::seal::Envelope::parse(body).map_err(|e| {
                Refusal::new(
                    Reason::Malformed,
                    format!("a sealed source must be a sealed box: {e}"),
                )
            })?;
        }
        EntryKind::Acknowledged
        | EntryKind::Assigned
        | EntryKind::Updated
        | EntryKind::Closed
        | EntryKind::Reopened
        | EntryKind::Linked => response_step(kind, &json()?)?,
        EntryKind::NeedsAssessed => {
            let needs = Needs::parse_as(&json()?, Origin::Received)
                .map_err(|e| invalid("needs assessment", &e))?;
            known_unit(ctx, &needs.area, "the needs assessment's area")?;
        }
        EntryKind::CountyKey => {
            crate::county::KeyEntry::parse(body).map_err(|e| {
                Refusal::new(
                    Reason::Malformed,
                    format!("the county key entry cannot be read: {e}"),
                )
            })?;
        }
        EntryKind::ClearanceGranted => {
            crate::county::Grant::parse(body).map_err(|e| {
                Refusal::new(
                    Reason::Malformed,
                    format!("the clearance approval cannot be read: {e}"),
                )
            })?;
        }
        EntryKind::WarningAcknowledged => {
            Acknowledgement::parse(&json()?, Origin::Received)
                .map_err(|e| invalid("acknowledgement", &e))?;
        }
        EntryKind::WarningsConfigured => {
            Settings::parse(&json()?, &|id| ctx.has_unit(id))
                .map_err(|e| invalid("early-warning settings", &e))?;
        }
        EntryKind::SmsAlert => {
            AlertEntry::parse(&json()?).map_err(|e| invalid("SMS alert", &e))?;
        }
        EntryKind::SmsConfigured => {
            SmsNumber::parse_body(&json()?).map_err(|e| invalid("county's SMS number", &e))?;
        }
        EntryKind::SmsRelayed => sms_relayed(entry, &json()?, now, ctx)?,
        EntryKind::UnitAdded => unit_added(&json()?, ctx)?,
        EntryKind::UnitRenamed | EntryKind::UnitRetired => unit_changed(kind, &json()?, ctx)?,
        EntryKind::DeviceEnrolled => device_enrolled(&json()?)?,
        EntryKind::DeviceRevoked => device_revoked(&json()?)?,
        EntryKind::Unknown(code) => unknown_kind(code, body)?,
    }
    Ok(())
}

/// Every entry about a report names it.
fn names_its_report(entry: &Entry) -> Result<(), Refusal> {
    let kind = entry.kind;
    let about_a_report = matches!(
        kind,
        EntryKind::ReportAmended
            | EntryKind::ReportRedacted
            | EntryKind::SourceSealed
            | EntryKind::Acknowledged
            | EntryKind::Assigned
            | EntryKind::Updated
            | EntryKind::Closed
            | EntryKind::Reopened
            | EntryKind::Linked
            | EntryKind::WarningAcknowledged
            | EntryKind::SmsAlert
    );
    if about_a_report && entry.subject.is_none() {
        return Err(Refusal::new(
            Reason::NoSubject,
            format!("a {} entry must name its report", kind.name()),
        ));
    }
    Ok(())
}

fn body_json(kind: EntryKind, body: &[u8]) -> Result<Value, Refusal> {
    serde_json::from_slice::<Value>(body).map_err(|e| {
        Refusal::new(
            Reason::Malformed,
            format!("the {} entry's body is not JSON: {e}", kind.name()),
        )
    })
}

fn invalid(what: &str, problems: &dyn fmt::Display) -> Refusal {
    Refusal::new(
        Reason::Invalid,
        format!("the {what} breaks the rules its author's device applies: {problems}"),
    )
}

fn report_filed(
    entry: &Entry,
    document: &Value,
    now: OffsetDateTime,
    ctx: &dyn AdmissionContext,
) -> Result<(), Refusal> {
    let report = Report::parse_as(document, now, Origin::Received)
        .map_err(|p| invalid("report document", &one_line(&p)))?;
    if let Some(unit) = &report.unit {
        known_unit(ctx, unit, "the report's unit")?;
    }
    let id = entry.report_id();
    if ctx.holds_other_filing(&id, entry) {
        return Err(Refusal::new(
            Reason::ReportIdTaken,
            format!(
                "report id {id} is already held, filed by another entry; a second \
                 filing with the same id is refused"
            ),
        ));
    }
    Ok(())
}

/// A relayed alert is read like a filing: its report with the report parser, its unit known,
/// its id not taken by another filing.
fn sms_relayed(
    entry: &Entry,
    body: &Value,
    now: OffsetDateTime,
    ctx: &dyn AdmissionContext,
) -> Result<(), Refusal> {
    let relay = Relay::parse(body, now).map_err(|e| invalid("relayed SMS alert", &e))?;
    report_filed(entry, &Value::Object(relay.report), now, ctx)
}

fn report_redacted(
    entry: &Entry,
    now: OffsetDateTime,
    ctx: &dyn AdmissionContext,
) -> Result<(), Refusal> {
    let redaction = Redaction::of(entry).ok_or_else(|| {
        Refusal::new(
            Reason::Malformed,
            "a redaction's body holds a reason, the report's new document and the \
             entries it removes",
        )
    })?;
    let reason = redaction.reason.trim().chars().count();
    if reason == 0 || reason > MAX_REASON {
        return Err(Refusal::new(
            Reason::Invalid,
            format!("a redaction's reason must be 1 to {MAX_REASON} characters"),
        ));
    }
    let document = Value::Object(redaction.document);
    let report = Report::parse_as(&document, now, Origin::Received)
        .map_err(|p| invalid("redaction's new document", &one_line(&p)))?;
    if let Some(unit) = &report.unit {
        known_unit(ctx, unit, "the new document's unit")?;
    }
    Ok(())
}

fn response_step(kind: EntryKind, body: &Value) -> Result<(), Refusal> {
    let action = Action::parse_body(kind, body).map_err(|m| {
        Refusal::new(
            Reason::Malformed,
            format!("the {} entry's body: {m}", kind.name()),
        )
    })?;
    action
        .check_as(Origin::Received)
        .map_err(|e| invalid(&format!("{} step", kind.name()), &e))
}

fn unit_changed(kind: EntryKind, body: &Value, ctx: &dyn AdmissionContext) -> Result<(), Refusal> {
    let id = field_text(body, "id")?;
    known_unit(ctx, id, "the unit")?;
    if kind == EntryKind::UnitRenamed {
        unit_name(field_text(body, "name")?)?;
    }
    Ok(())
}

fn device_revoked(body: &Value) -> Result<(), Refusal> {
    device_id(field_text(body, "device")?)?;
    if let Some(by) = body.get("replaced_by").filter(|v| !v.is_null()) {
        device_id(by.as_str().unwrap_or_default())?;
    }
    Ok(())
}

/// A kind this version does not know is kept whole for a newer version, within a bound.
fn unknown_kind(code: u16, body: &[u8]) -> Result<(), Refusal> {
    if body.len() > MAX_UNKNOWN_BODY {
        return Err(Refusal::new(
            Reason::TooLarge,
            format!(
                "an entry of kind {code}, which this version does not know, may carry \
                 at most {MAX_UNKNOWN_BODY} bytes (it carries {})",
                body.len()
            ),
        ));
    }
    Ok(())
}

/// An entry's time as a date: out-of-range times (a crafted entry) pin to the ends of the
/// calendar rather than fail.
fn recorded_at(at_ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(at_ms) * 1_000_000).unwrap_or(
        if at_ms < 0 {
            time::PrimitiveDateTime::MIN.assume_utc()
        } else {
            time::PrimitiveDateTime::MAX.assume_utc()
        },
    )
}

/// Problems on one line: a refusal is a single line in the hub's list.
fn one_line(problems: &crate::Problems) -> String {
    problems
        .0
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn known_unit(ctx: &dyn AdmissionContext, id: &str, what: &str) -> Result<(), Refusal> {
    if ctx.has_unit(id) {
        return Ok(());
    }
    Err(Refusal::new(
        Reason::UnknownUnit,
        format!("{what} {id:?} is not in the gazetteer"),
    ))
}

fn field_text<'v>(body: &'v Value, key: &str) -> Result<&'v str, Refusal> {
    body.get(key).and_then(Value::as_str).ok_or_else(|| {
        Refusal::new(
            Reason::Malformed,
            format!("{key} is required and must be text"),
        )
    })
}

fn optional_text<'v>(body: &'v Value, key: &str) -> Result<Option<&'v str>, Refusal> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Refusal::new(
            Reason::Malformed,
            format!("{key} must be text or null"),
        )),
    }
}

fn unit_name(name: &str) -> Result<(), Refusal> {
    let n = name.trim().chars().count();
    if n == 0 || n > gazetteer::MAX_NAME {
        return Err(Refusal::new(
            Reason::Invalid,
            format!(
                "a unit's name must be 1 to {} characters",
                gazetteer::MAX_NAME
            ),
        ));
    }
    Ok(())
}

fn unit_added(body: &Value, ctx: &dyn AdmissionContext) -> Result<(), Refusal> {
    let id = field_text(body, "id")?;
    if !gazetteer::is_unit_id(id) {
        return Err(Refusal::new(
            Reason::Invalid,
            format!("{id:?} is not a unit id (letters, digits, - and _)"),
        ));
    }
    unit_name(field_text(body, "name")?)?;
    let kind = field_text(body, "kind")?;
    if !KINDS.contains(&kind) || kind == "county" {
        return Err(Refusal::new(
            Reason::Invalid,
            format!(
                "a unit added is one of {} (got {kind:?})",
                KINDS[1..].join(", ")
            ),
        ));
    }
    optional_text(body, "sw_name")?.map_or(Ok(()), unit_name)?;
    optional_text(body, "code")?;
    let parent = field_text(body, "parent")?;
    known_unit(ctx, parent, "the new unit's parent")?;
    if ctx.has_unit(id) && ctx.parent_of(id).as_deref() != Some(parent) {
        return Err(Refusal::new(
            Reason::UnitLoop,
            format!(
                "unit {id:?} is already held under another parent; adding a unit never moves one"
            ),
        ));
    }
    if gazetteer::would_loop(|u| ctx.parent_of(u), id, parent) {
        return Err(Refusal::new(
            Reason::UnitLoop,
            format!("placing unit {id:?} under {parent:?} would make a loop of parents"),
        ));
    }
    Ok(())
}

fn device_id(text: &str) -> Result<DeviceId, Refusal> {
    DeviceId::parse(text).map_err(|e| Refusal::new(Reason::Malformed, e.to_string()))
}

fn device_enrolled(body: &Value) -> Result<(), Refusal> {
    let device = device_id(field_text(body, "device")?)?;
    let mut key = [0u8; 32];
    hex::decode_to_slice(field_text(body, "public_key")?, &mut key)
        .ok()
        .and_then(|()| VerifyingKey::from_bytes(&key).ok())
        .filter(|k| DeviceId::of(k) == device)
        .ok_or_else(|| {
            Refusal::new(
                Reason::Malformed,
                "public_key must be the device's Ed25519 key (64 hex digits), whose hash is its id",
            )
        })?;
    field_text(body, "name")?;
    field_text(body, "person")?;
    Role::parse(field_text(body, "role")?).map_err(|e| Refusal::new(Reason::Invalid, e))?;
    if let Some(agency) = optional_text(body, "agency")? {
        Agency::parse(agency).map_err(|e| Refusal::new(Reason::Invalid, e))?;
    }
    // The device's unit is not looked up: a unit added in the same exchange may not be
    // applied yet, and the hub checked it when it invited the device.
    optional_text(body, "unit")?;
    match body.get("cleared") {
        None | Some(Value::Bool(_)) => Ok(()),
        Some(_) => Err(Refusal::new(
            Reason::Malformed,
            "cleared must be true or false",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Draft, Hash};
    use crate::lifecycle::Outcome;
    use crate::sms;
    use ed25519_dalek::SigningKey;
    use proptest::prelude::*;
    use serde_json::json;

    /// 2026-11-25T12:00:00Z, after every document's `occurred_at` below.
    const AT: i64 = 1_795_608_000_000;

    fn entry(kind: EntryKind, subject: Option<ReportId>, body: Vec<u8>) -> Entry {
        let draft = Draft {
            kind,
            subject,
            body,
        };
        Entry::sign(
            draft,
            &SigningKey::from_bytes(&[7; 32]),
            1,
            Hash::GENESIS,
            AT,
        )
    }

    fn json_entry(kind: EntryKind, subject: Option<ReportId>, body: Value) -> Entry {
        entry(kind, subject, body.to_string().into_bytes())
    }

    fn report() -> Value {
        json!({
            "type": "livestock_raid", "urgency": "flash",
            "occurred_at": "2026-11-20T05:30:00+03:00", "unit": "ke-024-l-ombolion",
            "narrative": "Raiders drove cattle towards the river.",
            "people": {"killed": 2, "injured": {"men": 1, "women": 0}},
            "livestock": [{"species": "cattle", "stolen": 150, "estimate": true}],
        })
    }

    fn units() -> Vec<Unit> {
        let mut units = gazetteer::shipped();
        if let Some(u) = units.iter_mut().find(|u| u.id == "ke-024-l-ombolion") {
            u.retired = true;
        }
        units
    }

    fn check(e: &Entry) -> Result<(), Refusal> {
        let units = units();
        let ctx = Known {
            units: &units,
            holds: |_: &ReportId, _: &Entry| false,
        };
        admit(e, &ctx)
    }

    fn refused(e: &Entry) -> Refusal {
        check(e).expect_err("refused")
    }

    const SUBJECT: Option<ReportId> = Some(ReportId([3; 10]));

    #[test]
    fn a_report_as_its_author_writes_it_is_admitted_even_in_a_unit_since_retired() {
        check(&json_entry(EntryKind::ReportFiled, None, report())).expect("admitted");
    }

    #[test]
    fn a_count_no_author_may_write_is_refused() {
        let mut doc = report();
        doc["people"]["killed"] = json!(u64::MAX - 1);
        let r = refused(&json_entry(EntryKind::ReportFiled, None, doc));
        assert_eq!(r.code(), "invalid_body");
        assert!(r.message.contains("people.killed"), "{r}");
        let mut doc = report();
        doc["livestock"][0]["stolen"] = json!(100_001);
        assert_eq!(
            refused(&json_entry(EntryKind::ReportFiled, None, doc)).reason,
            Reason::Invalid
        );
        let mut doc = report();
        doc["people"]["injured"]["children"] = json!(-1);
        assert_eq!(
            refused(&json_entry(EntryKind::ReportFiled, None, doc)).reason,
            Reason::Invalid
        );
        let amendment = json!({"people": {"abducted": {"children": 1e20}}});
        let r = refused(&json_entry(EntryKind::ReportAmended, SUBJECT, amendment));
        assert!(r.message.contains("people.abducted.children"), "{r}");
    }

    #[test]
    fn an_acknowledgement_or_settings_its_author_could_not_write_are_refused() {
        let ack = json!({"warning": "W0000000000000000", "note": "Teams sent."});
        check(&json_entry(
            EntryKind::WarningAcknowledged,
            SUBJECT,
            ack.clone(),
        ))
        .expect("admitted");
        let r = refused(&json_entry(EntryKind::WarningAcknowledged, None, ack));
        assert_eq!(r.reason, Reason::NoSubject);
        let no_note = json!({"warning": "W0000000000000000", "note": ""});
        let r = refused(&json_entry(
            EntryKind::WarningAcknowledged,
            SUBJECT,
            no_note,
        ));
        assert_eq!(r.reason, Reason::Invalid);
        assert!(r.message.contains("note"), "{r}");
        let settings = json!({"livestock_threshold": 200});
        check(&json_entry(EntryKind::WarningsConfigured, None, settings)).expect("admitted");
        for bad in [
            json!({"livestock_threshold": -1}),
            json!({"borders": {"uganda": ["ke-024-nowhere"]}}),
        ] {
            let r = refused(&json_entry(EntryKind::WarningsConfigured, None, bad));
            assert_eq!(r.reason, Reason::Invalid, "{r}");
        }
    }

    /// An `sms_alert` body as the raid's author's device writes it, alert number `counter`.
    fn sms_alert(counter: u32) -> Value {
        let sent = time::macros::datetime!(2026-11-20 06:00 +03:00);
        let mut doc = report();
        doc["unit"] = json!("ke-024-v-lami-nyeusi");
        let report = Report::parse(&doc, sent).expect("a report");
        let alert = sms::Alert::from_report(&report, None, sent).expect("an alert");
        let key = |seed: u8| {
            sms::AlertKey::of_device(
                &SigningKey::from_bytes(&[seed; 32]),
                &SigningKey::from_bytes(&[9; 32]).verifying_key(),
            )
            .expect("a key")
        };
        let text = |seed, form| sms::encode(&alert, &key(seed), counter, form).expect("fits");
        json!({"counter": counter, "full": text(1, sms::Form::Full),
               "short": text(1, sms::Form::Short), "other_key": text(2, sms::Form::Short)})
    }

    #[test]
    fn an_sms_alert_or_number_its_author_could_not_write_is_refused() {
        let mut alert = sms_alert(12);
        let other_key = alert["other_key"].take();
        alert
            .as_object_mut()
            .expect("an object")
            .remove("other_key");
        let entry = |body: &Value| json_entry(EntryKind::SmsAlert, SUBJECT, body.clone());
        check(&entry(&alert)).expect("admitted");
        let r = refused(&json_entry(EntryKind::SmsAlert, None, alert.clone()));
        assert_eq!(r.reason, Reason::NoSubject);
        let changed = |key: &str, value: Value| {
            let mut body = alert.clone();
            body[key] = value;
            refused(&entry(&body))
        };
        for (key, value, field) in [
            ("counter", json!(0), "counter"),
            ("counter", json!(1 << 18), "counter"),
            ("full", alert["short"].clone(), "full"),
            ("short", alert["full"].clone(), "short"),
            ("full", json!("U1 hello"), "full"),
            ("short", other_key, "key id"),
            ("note", json!("extra"), "note"),
        ] {
            let r = changed(key, value);
            assert_eq!(r.reason, Reason::Invalid, "{r}");
            assert!(r.message.contains(field), "{field}: {r}");
        }
        let r = changed(
            "full",
            json!(format!("U9{}", &alert["full"].as_str().expect("text")[2..])),
        );
        assert!(r.message.contains("update Usalama"), "{r}");
        let number = json!({"number": "+254712345678"});
        check(&json_entry(EntryKind::SmsConfigured, None, number)).expect("admitted");
        for bad in [
            json!({"number": "0712345678"}),
            json!({"number": "+254 712"}),
            json!({}),
        ] {
            let r = refused(&json_entry(EntryKind::SmsConfigured, None, bad));
            assert_eq!(r.reason, Reason::Invalid, "{r}");
            assert!(r.message.contains("number"), "{r}");
        }
    }

    #[test]
    fn a_unit_not_in_the_gazetteer_is_refused_wherever_it_is_named() {
        let mut doc = report();
        doc["unit"] = json!("ke-024-nowhere");
        assert_eq!(
            refused(&json_entry(EntryKind::ReportFiled, None, doc)).reason,
            Reason::UnknownUnit
        );
        let amendment = json!({"unit": "ke-024-nowhere"});
        assert_eq!(
            refused(&json_entry(EntryKind::ReportAmended, SUBJECT, amendment)).reason,
            Reason::UnknownUnit
        );
        let mut needs = json!({"operation": "Recover cattle", "area": "ke-024-nowhere",
            "from": "2026-11-27", "to": "2026-11-30", "lead": "kdf",
            "items": [{"resource": "vehicles", "have": 2, "need": 5}]});
        assert_eq!(
            refused(&json_entry(EntryKind::NeedsAssessed, None, needs.clone())).reason,
            Reason::UnknownUnit
        );
        needs["area"] = json!("ke-024");
        check(&json_entry(EntryKind::NeedsAssessed, None, needs)).expect("admitted");
    }

    #[test]
    fn the_entry_time_is_the_authors_now() {
        let mut doc = report();
        doc["occurred_at"] = json!("2026-11-26T05:30:00+03:00");
        let r = refused(&json_entry(EntryKind::ReportFiled, None, doc));
        assert!(r.message.contains("future"), "{r}");
    }

    #[test]
    fn a_filing_whose_id_is_already_held_is_refused() {
        let units = units();
        let filing = json_entry(EntryKind::ReportFiled, None, report());
        let holder = filing.hash();
        // The store holds `filing`; a ground filing claims the id it files.
        let holds = |_: &ReportId, e: &Entry| e.hash() != holder;
        let ctx = Known {
            units: &units,
            holds,
        };
        admit(&filing, &ctx).expect("the holder itself is admitted again");
        let mut grinder = filing.clone();
        grinder.seq = 2;
        let r = admit(&grinder, &ctx).expect_err("refused");
        assert_eq!(r.code(), "report_id_taken");
    }

    #[test]
    fn response_steps_parse_strictly_and_pass_the_authors_checks() {
        let steps = [
            Action::Acknowledge {
                agency: Agency::Nps,
            },
            Action::Assign {
                lead: Agency::Kdf,
                support: vec![Agency::Nps],
                replaces: Some("ab".repeat(32)),
            },
            Action::Update {
                note: "Teams left Kacheliba".into(),
                responding: true,
            },
            Action::Close {
                outcome: Outcome::Resolved,
                note: None,
                figures: json!({"arrests": 2}).as_object().cloned(),
            },
            Action::Reopen {
                note: "More cattle found".into(),
            },
            Action::Link {
                other: ReportId([9; 10]),
            },
        ];
        for step in &steps {
            let e = json_entry(step.kind(), SUBJECT, step.body());
            check(&e).unwrap_or_else(|r| panic!("{step:?}: {r}"));
            let mut extra = step.body();
            extra["by"] = json!("someone");
            let r = refused(&json_entry(step.kind(), SUBJECT, extra));
            assert_eq!(r.reason, Reason::Malformed, "{step:?}");
            let r = refused(&json_entry(step.kind(), None, step.body()));
            assert_eq!(r.reason, Reason::NoSubject);
        }
        let close = json!({"outcome": "resolved", "note": null,
                           "figures": {"arrests": u64::MAX - 1}});
        let r = refused(&json_entry(EntryKind::Closed, SUBJECT, close));
        assert_eq!(r.reason, Reason::Invalid);
        assert!(r.message.contains("arrests"), "{r}");
        let long = json!({"note": "x".repeat(crate::lifecycle::MAX_NOTE + 1), "status": null});
        assert_eq!(
            refused(&json_entry(EntryKind::Updated, SUBJECT, long)).reason,
            Reason::Invalid
        );
        let assign = json!({"lead": "kdf", "support": ["kdf"], "replaces": null});
        assert_eq!(
            refused(&json_entry(EntryKind::Assigned, SUBJECT, assign)).reason,
            Reason::Invalid
        );
    }

    #[test]
    fn a_redaction_must_carry_a_valid_document() {
        let mut document = report();
        let good = json!({"reason": "a name in the narrative", "document": document,
                          "redacts": []});
        check(&json_entry(EntryKind::ReportRedacted, SUBJECT, good)).expect("admitted");
        document["people"]["killed"] = json!(u64::MAX);
        let bad = json!({"reason": "r", "document": document, "redacts": []});
        assert_eq!(
            refused(&json_entry(EntryKind::ReportRedacted, SUBJECT, bad)).reason,
            Reason::Invalid
        );
        let unreadable = json!({"document": report()});
        assert_eq!(
            refused(&json_entry(EntryKind::ReportRedacted, SUBJECT, unreadable)).reason,
            Reason::Malformed
        );
    }

    #[test]
    fn text_with_control_characters_from_elsewhere_is_admitted_but_an_author_may_not_write_it() {
        let mut doc = report();
        doc["narrative"] = json!("Raiders \u{202E}revir eht sdrawot\u{202C} at dawn");
        doc["place"] = json!("Lami\u{1b}[2J Nyeusi");
        check(&json_entry(EntryKind::ReportFiled, None, doc.clone())).expect("admitted");
        let problems = Report::parse(&doc, recorded_at(AT)).expect_err("refused");
        let fields: Vec<&str> = problems.0.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["narrative", "place"]);
    }

    #[test]
    fn an_unknown_kind_carries_at_most_four_kilobytes() {
        check(&entry(
            EntryKind::Unknown(999),
            None,
            vec![b'x'; MAX_UNKNOWN_BODY],
        ))
        .expect("admitted");
        let r = refused(&entry(
            EntryKind::Unknown(999),
            None,
            vec![b'x'; MAX_UNKNOWN_BODY + 1],
        ));
        assert_eq!(r.code(), "too_large");
    }

    #[test]
    fn binary_bodies_must_at_least_parse() {
        assert_eq!(
            refused(&entry(
                EntryKind::SourceSealed,
                SUBJECT,
                b"{\"name\":\"x\"}".to_vec()
            ))
            .reason,
            Reason::Malformed
        );
        assert_eq!(
            refused(&entry(EntryKind::CountyKey, None, vec![1, 2, 3])).reason,
            Reason::Malformed
        );
    }

    #[test]
    fn a_unit_entry_may_not_move_a_unit_or_make_a_loop() {
        let add = |id: &str, parent: &str| {
            json_entry(
                EntryKind::UnitAdded,
                None,
                json!({"id": id, "name": "Kases", "kind": "village", "parent": parent,
                       "sw_name": null, "code": null}),
            )
        };
        check(&add("ke-024-u-kases", "ke-024-l-ombolion")).expect("admitted");
        assert_eq!(
            refused(&add("ke-024-u-kases", "ke-024-nowhere")).reason,
            Reason::UnknownUnit
        );
        // The county placed under one of its own wards, and a ward under itself.
        let units = units();
        let ward = units
            .iter()
            .find(|u| u.kind == "ward")
            .expect("ward")
            .id
            .clone();
        assert_eq!(
            refused(&add(gazetteer::COUNTY, &ward)).reason,
            Reason::UnitLoop
        );
        assert_eq!(refused(&add(&ward, &ward)).reason, Reason::UnitLoop);
        let renamed = json!({"id": "ke-024-nowhere", "name": "X"});
        assert_eq!(
            refused(&json_entry(EntryKind::UnitRenamed, None, renamed)).reason,
            Reason::UnknownUnit
        );
    }

    #[test]
    fn a_device_entry_names_a_key_whose_hash_is_its_id() {
        let key = SigningKey::from_bytes(&[5; 32]).verifying_key();
        let mut body = json!({"device": DeviceId::of(&key).to_string(),
            "public_key": hex::encode(key.to_bytes()), "name": "Chief", "role": "chief",
            "unit": "ke-024-l-ombolion", "agency": null, "person": "p-1", "cleared": false});
        check(&json_entry(EntryKind::DeviceEnrolled, None, body.clone())).expect("admitted");
        body["device"] = json!(DeviceId([1; 16]).to_string());
        assert_eq!(
            refused(&json_entry(EntryKind::DeviceEnrolled, None, body)).reason,
            Reason::Malformed
        );
    }

    #[test]
    fn an_entry_without_its_body_or_of_a_newer_format() {
        let mut e = json_entry(EntryKind::ReportFiled, None, json!({"killed": u64::MAX}));
        e.body = None;
        check(&e).expect("nothing to check");
        e.format = 2;
        assert_eq!(refused(&e).code(), "unknown_format");
    }

    proptest! {
        #[test]
        fn admission_never_panics(code in prop::sample::select(vec![
            1u16, 2, 3, 4, 10, 11, 12, 13, 14, 15, 20, 30, 100, 101, 102, 110, 111, 999]),
            at: i64, body in proptest::collection::vec(any::<u8>(), 0..300),
            subject: Option<[u8; 10]>) {
            let mut e = entry(EntryKind::from_code(code), subject.map(ReportId), body);
            e.at = at;
            let _ = check(&e);
        }

        #[test]
        fn admission_of_json_never_panics(code in prop::sample::select(vec![
            1u16, 2, 3, 10, 11, 12, 13, 14, 15, 20, 100, 101, 102, 110, 111]),
            killed: u64, text in "\\PC{0,40}") {
            let body = json!({"type": "killing", "occurred_at": text, "narrative": text,
                "people": {"killed": killed}, "note": text, "agency": text, "outcome": text,
                "figures": {"arrests": killed}, "id": text, "parent": text, "device": text,
                "reason": text, "document": {"people": {"killed": killed}}, "redacts": []});
            let _ = check(&json_entry(EntryKind::from_code(code), SUBJECT, body));
        }
    }
}
