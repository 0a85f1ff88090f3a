//! The role table, one sentence per rule: each role's entries checked by
//! [`Hub::refusal`] against a hub that holds one chief's report.

use ed25519_dalek::SigningKey;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use usalama_protocol::gazetteer::COUNTY;
use usalama_protocol::ledger::{DeviceId, Draft, Hash};
use usalama_protocol::lifecycle::Outcome;

use super::*;
use crate::db::{self, Holder, ReportScope};
use crate::now_ms;

/// A hub on a fresh SQLite file holding one report, filed by the person `p-chief`.
struct Table {
    hub: Hub,
    report: ReportId,
    _dir: tempfile::TempDir,
}

impl Table {
    fn new() -> Table {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("hub.db");
        let hub = Hub::open(db::open(path.to_str().expect("a UTF-8 path")).expect("opened"))
            .expect("the hub opens");
        let chief = person(Role::Chief, None, false, "p-chief");
        let report = entry(&chief, EntryKind::ReportFiled, None, None).report_id();
        db::write(hub.db(), |tx| {
            tx.upsert_report(&ReportScope {
                id: report,
                author: chief.id,
                person: "p-chief".into(),
                unit: COUNTY.into(),
                rescoped: 0,
            })
        })
        .expect("the report is stored");
        Table {
            hub,
            report,
            _dir: dir,
        }
    }

    /// Why the hub would keep `e`, by `author`, without effect; `None` when it takes effect.
    fn refusal(&self, author: &DeviceRecord, e: &Entry) -> Option<String> {
        db::write(self.hub.db(), |tx| self.hub.refusal(tx, author, e)).expect("judged")
    }

    /// `author`'s step of the report's response.
    fn step(&self, author: &DeviceRecord, action: &Action) -> Option<String> {
        let e = entry(
            author,
            action.kind(),
            Some(self.report),
            Some(action.body()),
        );
        self.refusal(author, &e)
    }

    /// `author`'s entry of `kind` about the report, without a body.
    fn about(&self, author: &DeviceRecord, kind: EntryKind) -> Option<String> {
        self.refusal(author, &entry(author, kind, Some(self.report), None))
    }
}

/// A device of `person` in `role`; its key is derived from the person and role, so two
/// calls give the same device.
fn person(role: Role, agency: Option<Agency>, cleared: bool, person: &str) -> DeviceRecord {
    let key = key_of(person, role);
    DeviceRecord {
        id: DeviceId::of(&key.verifying_key()),
        public_key: key.verifying_key().to_bytes(),
        person: person.into(),
        name: person.into(),
        role: Holder::Person(role),
        unit: Some(COUNTY.into()),
        agency: agency.map(|a| a.as_str().to_owned()),
        cleared,
        revoked: false,
        pending: false,
        enrolled_at: 0,
        counter: 0,
        head_seq: 0,
        head_hash: Hash::GENESIS,
    }
}

fn key_of(person: &str, role: Role) -> SigningKey {
    let name = format!("{person}/{}", role.as_str());
    SigningKey::from_bytes(&Sha256::digest(name.as_bytes()).into())
}

/// An entry by `author`, signed now; `body: None` is an entry whose body was redacted.
fn entry(
    author: &DeviceRecord,
    kind: EntryKind,
    subject: Option<ReportId>,
    body: Option<Value>,
) -> Entry {
    let role = author.role.role().expect("a person's device");
    let draft = Draft {
        kind,
        subject,
        body: body
            .as_ref()
            .map(Value::to_string)
            .unwrap_or_default()
            .into_bytes(),
    };
    let mut e = Entry::sign(
        draft,
        &key_of(&author.person, role),
        1,
        Hash::GENESIS,
        now_ms(),
    );
    if body.is_none() {
        e.body = None;
    }
    e
}

fn officer(agency: Agency) -> DeviceRecord {
    person(Role::Officer, Some(agency), false, &format!("p-{agency}"))
}

fn close() -> Action {
    Action::Close {
        outcome: Outcome::Resolved,
        note: None,
        figures: None,
    }
}

#[test]
fn a_chief_files_a_report_and_an_administrator_may_not() {
    let table = Table::new();
    let chief = person(Role::Chief, None, false, "p-chief");
    let admin = person(Role::Admin, None, false, "p-admin");
    let filed = |author: &DeviceRecord| {
        table.refusal(author, &entry(author, EntryKind::ReportFiled, None, None))
    };
    assert_eq!(filed(&chief), None);
    assert_eq!(
        filed(&admin).as_deref(),
        Some("an administrator's device may not file reports")
    );
}

#[test]
fn only_the_reports_author_amends_it() {
    let table = Table::new();
    let chief = person(Role::Chief, None, false, "p-chief");
    let elder = person(Role::Elder, None, false, "p-elder");
    assert_eq!(table.about(&chief, EntryKind::ReportAmended), None);
    assert_eq!(
        table.about(&elder, EntryKind::ReportAmended).as_deref(),
        Some("only the report's author may amend it")
    );
}

#[test]
fn nobody_amends_an_alert_the_hub_relayed_not_even_its_chief() {
    let table = Table::new();
    let chief = person(Role::Chief, None, false, "p-chief");
    let relay = ReportId([7; 10]);
    db::write(table.hub.db(), |tx| {
        tx.upsert_report(&ReportScope {
            id: relay,
            author: table.hub.id,
            person: "p-chief".into(),
            unit: COUNTY.into(),
            rescoped: 0,
        })
    })
    .expect("relayed");
    let amendment = entry(&chief, EntryKind::ReportAmended, Some(relay), None);
    assert_eq!(
        table.refusal(&chief, &amendment).as_deref(),
        Some("a flash alert the hub relayed is not amended: amend the full report")
    );
}

#[test]
fn an_amendment_of_a_report_the_hub_does_not_hold_has_no_effect() {
    let table = Table::new();
    let chief = person(Role::Chief, None, false, "p-chief");
    let other = entry(&chief, EntryKind::ReportFiled, None, Some(json!({"n": 2})));
    let e = entry(
        &chief,
        EntryKind::ReportAmended,
        Some(other.report_id()),
        None,
    );
    let why = table.refusal(&chief, &e).expect("refused");
    assert!(why.contains("which the hub does not hold"), "{why}");
}

#[test]
fn a_chief_cannot_close_a_report() {
    let table = Table::new();
    let chief = person(Role::Chief, None, false, "p-chief");
    assert_eq!(
        table.step(&chief, &close()).as_deref(),
        Some("only agency officers act on a report's response")
    );
}

#[test]
fn an_elder_cannot_post_an_update() {
    let table = Table::new();
    let elder = person(Role::Elder, None, false, "p-elder");
    let update = Action::Update {
        note: "patrol sent".into(),
        responding: true,
    };
    assert_eq!(
        table.step(&elder, &update).as_deref(),
        Some("only agency officers act on a report's response")
    );
}

#[test]
fn an_officer_acknowledges_for_their_own_agency_only() {
    let table = Table::new();
    let nps = officer(Agency::Nps);
    let own = Action::Acknowledge {
        agency: Agency::Nps,
    };
    let another = Action::Acknowledge {
        agency: Agency::Kdf,
    };
    assert_eq!(table.step(&nps, &own), None);
    let why = table.step(&nps, &another).expect("refused");
    assert!(why.contains("acknowledges for their own agency"), "{why}");
}

#[test]
fn only_the_county_commissioners_office_assigns_the_lead_agency() {
    let table = Table::new();
    let assign = Action::Assign {
        lead: Agency::Nps,
        support: Vec::new(),
        replaces: None,
    };
    assert_eq!(table.step(&officer(Agency::Ngao), &assign), None);
    let why = table.step(&officer(Agency::Nps), &assign).expect("refused");
    assert!(
        why.contains("only the county commissioner's office"),
        "{why}"
    );
}

#[test]
fn an_officer_may_close_as_far_as_the_hub_can_tell_without_the_response() {
    // Whether the officer's agency leads is the response's state: every device's fold
    // decides it, so the hub keeps the step with effect.
    let table = Table::new();
    assert_eq!(table.step(&officer(Agency::Nps), &close()), None);
}

#[test]
fn a_step_about_a_report_the_hub_does_not_hold_has_no_effect() {
    let table = Table::new();
    let nps = officer(Agency::Nps);
    let chief = person(Role::Chief, None, false, "p-chief");
    let unknown = entry(&chief, EntryKind::ReportFiled, None, Some(json!({"n": 3})));
    let e = entry(
        &nps,
        EntryKind::Closed,
        Some(unknown.report_id()),
        Some(close().body()),
    );
    let why = table.refusal(&nps, &e).expect("refused");
    assert!(why.contains("which the hub does not hold"), "{why}");
}

#[test]
fn only_officers_record_needs_assessments() {
    let table = Table::new();
    let assessed = |author: &DeviceRecord| {
        table.refusal(author, &entry(author, EntryKind::NeedsAssessed, None, None))
    };
    assert_eq!(assessed(&officer(Agency::Ngao)), None);
    assert_eq!(
        assessed(&person(Role::Chief, None, false, "p-chief")).as_deref(),
        Some("only agency officers record needs assessments")
    );
}

#[test]
fn only_agency_officers_acknowledge_a_warning_about_a_held_report() {
    let table = Table::new();
    let ack = serde_json::json!({"warning": "W0000000000000000", "note": "Teams sent."});
    let acknowledged = |author: &DeviceRecord, report: ReportId| {
        let e = entry(
            author,
            EntryKind::WarningAcknowledged,
            Some(report),
            Some(ack.clone()),
        );
        table.refusal(author, &e)
    };
    assert_eq!(acknowledged(&officer(Agency::Ngao), table.report), None);
    assert_eq!(
        acknowledged(&person(Role::Chief, None, false, "p-chief"), table.report).as_deref(),
        Some("only agency officers acknowledge warnings")
    );
    let unknown = ReportId([7; 10]);
    let why = acknowledged(&officer(Agency::Nps), unknown).expect("refused");
    assert!(why.contains("which the hub does not hold"), "{why}");
}

#[test]
fn only_the_reports_author_sends_an_sms_alert_of_a_report_the_hub_holds() {
    let table = Table::new();
    let chief = person(Role::Chief, None, false, "p-chief");
    let officer = officer(Agency::Nps);
    let admin = person(Role::Admin, None, false, "p-admin");
    assert_eq!(table.about(&chief, EntryKind::SmsAlert), None);
    for other in [&officer, &admin] {
        assert_eq!(
            table.about(other, EntryKind::SmsAlert).as_deref(),
            Some("only the report's author may send an SMS alert of it")
        );
    }
    let unknown = entry(&chief, EntryKind::SmsAlert, Some(ReportId([7; 10])), None);
    let why = table.refusal(&chief, &unknown).expect("refused");
    assert!(why.contains("which the hub does not hold"), "{why}");
    let unnamed = entry(&chief, EntryKind::SmsAlert, None, None);
    let why = table.refusal(&chief, &unnamed).expect("refused");
    assert!(why.ends_with("must name its report"), "{why}");
}

#[test]
fn only_the_reports_author_or_the_administrator_redacts_it() {
    let table = Table::new();
    let chief = person(Role::Chief, None, false, "p-chief");
    let admin = person(Role::Admin, None, false, "p-admin");
    let elder = person(Role::Elder, None, false, "p-elder");
    assert_eq!(table.about(&chief, EntryKind::ReportRedacted), None);
    assert_eq!(table.about(&admin, EntryKind::ReportRedacted), None);
    let why = table
        .about(&elder, EntryKind::ReportRedacted)
        .expect("refused");
    assert!(why.starts_with("only the report's author or the county administrator"));
}

#[test]
fn only_the_reports_author_records_its_source() {
    let table = Table::new();
    let chief = person(Role::Chief, None, false, "p-chief");
    let cleared_officer = person(Role::Officer, Some(Agency::Nis), true, "p-nis");
    assert_eq!(table.about(&chief, EntryKind::SourceSealed), None);
    assert_eq!(
        table
            .about(&cleared_officer, EntryKind::SourceSealed)
            .as_deref(),
        Some("only the report's author may record its source")
    );
}

#[test]
fn only_a_cleared_reader_issues_a_county_key_or_approves_a_clearance() {
    let table = Table::new();
    let cleared = person(Role::Officer, Some(Agency::Nis), true, "p-nis");
    let uncleared = officer(Agency::Nps);
    let by = |author: &DeviceRecord, kind| table.refusal(author, &entry(author, kind, None, None));
    assert_eq!(by(&cleared, EntryKind::CountyKey), None);
    assert_eq!(by(&cleared, EntryKind::ClearanceGranted), None);
    assert_eq!(
        by(&uncleared, EntryKind::CountyKey).as_deref(),
        Some("only a cleared reader's device may issue or share a county key")
    );
    assert_eq!(
        by(&uncleared, EntryKind::ClearanceGranted).as_deref(),
        Some("only a cleared reader's device may approve another's clearance")
    );
}

#[test]
fn not_even_an_administrator_records_reference_data_only_the_hub_does() {
    let table = Table::new();
    let admin = person(Role::Admin, None, true, "p-admin");
    for kind in [
        EntryKind::UnitAdded,
        EntryKind::UnitRenamed,
        EntryKind::UnitRetired,
        EntryKind::SmsConfigured,
        EntryKind::SmsRelayed,
        EntryKind::DeviceEnrolled,
        EntryKind::DeviceRevoked,
    ] {
        assert_eq!(
            table
                .refusal(&admin, &entry(&admin, kind, None, None))
                .as_deref(),
            Some("only the hub records reference data"),
            "{kind:?}"
        );
    }
}

#[test]
fn a_close_dated_ahead_of_the_hub_has_no_effect_but_a_report_is_kept_whatever_its_date() {
    let nps = officer(Agency::Nps);
    let chief = person(Role::Chief, None, false, "p-chief");
    let now = now_ms();
    let mut closed = entry(&nps, EntryKind::Closed, None, Some(close().body()));
    let mut filed = entry(&chief, EntryKind::ReportFiled, None, None);
    closed.at = now + MAX_AHEAD_MS + 60_000;
    filed.at = closed.at;
    let why = dated_ahead(&closed, now).expect("refused");
    assert!(why.contains("the device's clock runs ahead"), "{why}");
    assert_eq!(dated_ahead(&filed, now), None);
    closed.at = now + MAX_AHEAD_MS;
    assert_eq!(dated_ahead(&closed, now), None);
}
