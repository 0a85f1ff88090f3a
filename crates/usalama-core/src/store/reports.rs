//! Recording reports: filing, amending and redacting them, and sealing the suspects' names that
//! older versions kept in plain entries.

use rusqlite::{OptionalExtension, TransactionBehavior};
use serde_json::{Map, Value};

use super::entries::{append, device_id, entries_about};
use super::listing::not_found;
use super::projection::{may_redact, reproject};
use super::sources::record_source;
use super::Store;
use crate::domain::report::{gives, take_restricted};
use crate::domain::{Amendment, Report};
use crate::error::{Broken, Error, Problems, Result, Rule};
use crate::gazetteer;
use crate::ledger::{Draft, EntryKind, ReportId};
use crate::redaction::{targets_in, Redaction};

impl Store {
    /// Records every report, or none: one transaction, durable when this returns.
    pub fn file_reports(&mut self, reports: &[Report]) -> Result<Vec<ReportId>> {
        if !self.me.profile.role.may_file_reports() {
            return Err(Error::NotAllowed(format!(
                "a device with the role {} cannot file reports; nothing was saved",
                self.me.profile.role
            )));
        }
        let mut problems = Problems::default();
        for (i, report) in reports.iter().enumerate() {
            if let Some(unit) = &report.unit {
                if let Err(broken) = self.check_unit(unit) {
                    let field = if reports.len() > 1 {
                        format!("document {}: unit", i + 1)
                    } else {
                        "unit".to_owned()
                    };
                    problems.add(field, broken);
                }
            }
        }
        problems.into_result()?;
        // The restricted sections (the source, the suspects' names and group) never enter a
        // filing's body: they are sealed into an entry of their own.
        let documents = reports
            .iter()
            .map(|r| {
                let Value::Object(mut open) = r.to_json() else {
                    return Err(Error::Unsupported("a report is not an object".into()));
                };
                let restricted = take_restricted(&mut open);
                let body =
                    serde_json::to_vec(&open).map_err(|e| Error::Unsupported(e.to_string()))?;
                Ok((body, restricted))
            })
            .collect::<Result<Vec<_>>>()?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut ids = Vec::with_capacity(reports.len());
        for (body, restricted) in documents {
            let draft = Draft {
                kind: EntryKind::ReportFiled,
                subject: None,
                body,
            };
            let entry = append(&tx, &self.me, draft)?;
            let id = entry.report_id();
            if !restricted.is_empty() {
                record_source(&tx, &self.me, &id, restricted)?;
            }
            reproject(&tx, &id)?;
            ids.push(id);
        }
        tx.commit()?;
        Ok(ids)
    }

    /// Records an amendment to one of this device's own reports.
    pub fn amend_report(&mut self, id: &ReportId, amendment: &Amendment) -> Result<()> {
        let (author, document) = self
            .conn
            .query_row(
                "SELECT author, document FROM reports WHERE id = ?1",
                [id.to_string()],
                |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?
            .ok_or_else(|| not_found(&id.to_string()))?;
        if !self.is_author_of(&device_id(&author)?)? {
            return Err(Error::NotAllowed(format!(
                "report {id} was filed by someone else; only its author can amend it, so \
                 nothing was saved"
            )));
        }
        let mut problems = Problems::default();
        if let Some(unit) = amendment.unit() {
            if let Err(broken) = self.check_unit(unit) {
                problems.add("unit", broken);
            }
        }
        let mut state: Map<String, Value> = serde_json::from_str(&document).unwrap_or_default();
        let source_before = state.get("source").cloned().unwrap_or(Value::Null);
        crate::domain::apply_changes(&mut state, amendment.changes());
        let has = |k: &str| state.get(k).is_some_and(|v| !v.is_null());
        if !has("unit") && !has("place") {
            problems.add(
                "unit",
                Broken::new(
                    Rule::UnitOrPlace,
                    "the report would have neither unit nor place; keep at least one",
                ),
            );
        }
        problems.into_result()?;
        let mut changes = amendment.changes().clone();
        // The restricted sections are sealed apart; a source is recorded only when it changes.
        let mut restricted = take_restricted(&mut changes);
        if restricted.get("source") == Some(&source_before) {
            restricted.remove("source");
        }
        if changes
            .get("suspects")
            .is_some_and(|s| s.as_object().is_some_and(Map::is_empty))
        {
            changes.remove("suspects");
        }
        if changes.is_empty() && restricted.is_empty() {
            return Err(Error::invalid(
                "source",
                "is already what the report says; nothing was saved",
            ));
        }
        let body = serde_json::to_vec(&changes).map_err(|e| Error::Unsupported(e.to_string()))?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if !changes.is_empty() {
            let draft = Draft {
                kind: EntryKind::ReportAmended,
                subject: Some(*id),
                body,
            };
            append(&tx, &self.me, draft)?;
        }
        if !restricted.is_empty() {
            record_source(&tx, &self.me, id, restricted)?;
        }
        reproject(&tx, id)?;
        tx.commit()?;
        Ok(())
    }

    /// The device that filed report `id`.
    pub(super) fn report_author(&self, id: &ReportId) -> Result<crate::ledger::DeviceId> {
        let author: Vec<u8> = self
            .conn
            .query_row(
                "SELECT author FROM reports WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| not_found(&id.to_string()))?;
        device_id(&author)
    }

    /// Redacts report `id`: its content becomes `replacement`, and the bodies of every entry
    /// that carried its earlier content (the filing, amendments, earlier redactions) are
    /// dropped here now, and on the hub and every other device at their next sync. Only the
    /// report's author or the county administrator may. Returns how many bodies were removed.
    pub fn redact_report(
        &mut self,
        id: &ReportId,
        replacement: &Report,
        reason: &str,
    ) -> Result<usize> {
        let reason = Redaction::check_reason(reason)?;
        let author = self.report_author(id)?;
        if !may_redact(&self.conn, &author, &self.me.device)? {
            let name = self.author(&author)?.name;
            return Err(Error::NotAllowed(format!(
                "report {id} was filed by {name} on another device; only its author or the \
                 county administrator (role admin) may redact it, so nothing was saved"
            )));
        }
        if let Some(unit) = &replacement.unit {
            if let Err(broken) = self.check_unit(unit) {
                return Err(Error::broke("unit", broken));
            }
        }
        let Value::Object(mut document) = replacement.to_json() else {
            return Err(Error::Unsupported(
                "the replacement document is not an object".into(),
            ));
        };
        let restricted = take_restricted(&mut document);
        if !restricted.is_empty() && !self.is_author_of(&author)? {
            let field = match restricted.contains_key("source") {
                true => "source",
                false => "suspects",
            };
            return Err(Error::invalid(
                field,
                "only the report's author may record its source and the suspects' names and \
                 group; leave them out of the replacement (it removes them), and nothing was \
                 saved",
            ));
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let targets = targets_in(&entries_about(&tx, id)?);
        let redaction = Redaction {
            reason,
            document,
            targets,
        };
        let draft = Draft {
            kind: EntryKind::ReportRedacted,
            subject: Some(*id),
            body: redaction.to_body(),
        };
        append(&tx, &self.me, draft)?;
        // Sources written before the redaction and not yet sealed go with the rest.
        tx.prepare_cached("DELETE FROM unsealed_sources WHERE report = ?1")?
            .execute([id.to_string()])?;
        if !restricted.is_empty() {
            record_source(&tx, &self.me, id, restricted)?;
        }
        let done = reproject(&tx, id)?;
        tx.commit()?;
        self.scrub()?;
        Ok(done.removed)
    }

    /// Seals the suspects' names and group of the reports filed here before they were sealed:
    /// each report whose plain entries hold them is redacted to its document without them
    /// (removing the plain copies here, at the hub and on every device) and they are sealed
    /// anew, like a source. A report whose source this device cannot open is left as it is
    /// (redacting it would drop the source). Returns how many reports were redacted.
    pub(super) fn seal_plain_suspects(&mut self) -> Result<usize> {
        let ids: Vec<String> = self
            .conn
            .prepare("SELECT id FROM reports WHERE author = ?1")?
            .query_map([self.me.device.0], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let plain = |doc: Option<Value>| {
            let mut doc = match doc {
                Some(Value::Object(doc)) => doc,
                _ => return false,
            };
            take_restricted(&mut doc)
                .get("suspects")
                .and_then(Value::as_object)
                .is_some_and(|p| p.values().any(gives))
        };
        let mut sealed = 0;
        for id in ids.iter().filter_map(|i| ReportId::parse(i)) {
            let holds_names = entries_about(&self.conn, &id)?
                .iter()
                .any(|e| match e.kind {
                    EntryKind::ReportFiled | EntryKind::ReportAmended => plain(e.body_json()),
                    EntryKind::ReportRedacted => {
                        plain(Redaction::of(e).map(|r| Value::Object(r.document)))
                    }
                    _ => false,
                });
            if !holds_names {
                continue;
            }
            let view = self.report(&id)?;
            if view.source_sealed {
                continue;
            }
            let now = time::OffsetDateTime::now_utc();
            let Ok(current) = Report::parse_as(
                &Value::Object(view.document),
                now,
                crate::domain::Origin::Received,
            ) else {
                continue;
            };
            self.redact_report(
                &id,
                &current,
                "the suspects' names and group are now sealed for cleared readers",
            )?;
            sealed += 1;
        }
        Ok(sealed)
    }
    /// After content was removed: no copy of it stays in the write-ahead log. (Freed pages are
    /// already zeroed: every connection runs with `secure_delete`.)
    pub(super) fn scrub(&self) -> Result<()> {
        // The desktop app and the CLI may both have the store open: a reader in the other one
        // holds the log back for a moment.
        for _ in 0..20 {
            let busy: i64 = self
                .conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
            if busy == 0 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Ok(())
    }

    pub(super) fn check_unit(&self, id: &str) -> std::result::Result<(), Broken> {
        match self.unit(id) {
            Some(u) if u.retired => Err(Broken::new(
                Rule::RetiredUnit,
                format!(
                    "unit {id:?} ({}) has been retired; choose the unit that replaced it",
                    u.name
                ),
            )),
            Some(_) => Ok(()),
            None => Err(gazetteer::unknown_unit(id)),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::Role;
    use crate::store::testing;

    #[test]
    fn suspects_names_are_sealed_apart_and_old_plain_ones_sealed_at_the_upgrade() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = testing::store(
            dir.path(),
            "Joseph Korkimul",
            Role::Chief,
            "ke-024-l-ombolion",
            None,
        );
        let doc = json!({"type": "livestock_theft", "occurred_at": "2025-11-03T05:00:00+03:00",
                         "unit": "ke-024-l-ombolion", "narrative": "Cattle taken at night.",
                         "suspects": {"count": 12, "names": ["Lokoriqz"], "group": "Kalowqx"}});
        let now = time::OffsetDateTime::now_utc();
        let id = store
            .file_reports(&[Report::parse(&doc, now).expect("report")])
            .expect("filed")[0];
        // Whether any plain (unsealed) body about report `id` holds the names.
        let plain = |store: &Store, id: &ReportId| {
            entries_about(&store.conn, id)
                .expect("entries")
                .iter()
                .filter(|e| e.kind != EntryKind::SourceSealed)
                .filter_map(|e| e.body.clone())
                .any(|b| String::from_utf8_lossy(&b).contains("Lokoriqz"))
        };
        // Filed now: the names never enter a plain body, and the author reads them back.
        assert!(!plain(&store, &id));
        let shown = store.report(&id).expect("shown").document;
        assert_eq!(shown["suspects"]["names"], json!(["Lokoriqz"]));
        assert_eq!(shown["suspects"]["group"], "Kalowqx");
        assert_eq!(shown["suspects"]["count"], 12);

        // A report an earlier version filed, names in the clear: sealed when the store opens.
        let tx = store.conn.transaction().expect("tx");
        let filing = append(
            &tx,
            &store.me,
            Draft {
                kind: EntryKind::ReportFiled,
                subject: None,
                body: serde_json::to_vec(&doc).expect("body"),
            },
        )
        .expect("appended");
        let old_id = filing.report_id();
        reproject(&tx, &old_id).expect("projected");
        tx.execute(
            "INSERT INTO upgrade_tasks (task) VALUES ('seal_plain_suspects')",
            [],
        )
        .expect("task");
        tx.commit().expect("committed");
        drop(store);
        let store = Store::open(dir.path(), "cows at the borehole").expect("opened");
        assert!(!plain(&store, &old_id), "the plain names were removed");
        let shown = store.report(&old_id).expect("shown");
        assert_eq!(shown.document["suspects"]["names"], json!(["Lokoriqz"]));
        assert!(shown.timeline.iter().any(|t| t.kind == "report_redacted"));
        let tasks: i64 = store
            .conn
            .query_row("SELECT count(*) FROM upgrade_tasks", [], |r| r.get(0))
            .expect("counted");
        assert_eq!(tasks, 0);
        // The report filed since was left alone.
        let filed_since = store.report(&id).expect("shown");
        assert!(!filed_since
            .timeline
            .iter()
            .any(|t| t.kind == "report_redacted"));
    }
}
