//! Redactions: a report's content replaced, and every body that carried the earlier content
//! dropped at the hub (and, at their next sync, on every device); by the report's author or
//! by the county administrator at the hub.

use serde::Serialize;
use serde_json::Value;
use usalama_protocol::domain::{Report, Role};
use usalama_protocol::gazetteer::COUNTY;
use usalama_protocol::ledger::{Entry, EntryKind, ReportId};
use usalama_protocol::redaction::{targets_in, Redaction};

use super::Hub;
use crate::db::{self, Tx};
use crate::error::{HubError, Refusal, Result};
use crate::now_ms;

/// What `usalama-hub redact` did.
#[derive(Debug, Clone, Serialize)]
pub struct Redacted {
    pub id: String,
    /// Bodies dropped at the hub.
    pub removed: usize,
    /// The redaction's sequence number in the hub's own chain.
    pub seq: u64,
}

impl Hub {
    /// A sealed source that arrives after a redaction of its report (its author was offline)
    /// keeps no body here if the redaction removes it, as it would had it arrived first.
    pub(super) fn apply_earlier_redactions(&self, tx: &mut dyn Tx, e: &Entry) -> Result<usize> {
        let Some(id) = e.about() else {
            return Ok(0);
        };
        let Some(scope) = tx.report(&id)? else {
            return Ok(0);
        };
        for r in tx.entries_about(&id)? {
            let Some(redaction) = Redaction::of(&r) else {
                continue;
            };
            let admissible = r.device == self.id
                || tx
                    .device(&r.device)?
                    .is_some_and(|d| d.person == scope.person || d.role == Role::Admin);
            if admissible && redaction.removes(&r, e) && tx.drop_body(&e.device, e.seq)? {
                return Ok(1);
            }
        }
        Ok(0)
    }

    /// Drops the bodies a redaction (already found admissible) names, and follows the report
    /// if its new content moves it to another unit. Returns how many bodies were dropped.
    pub(super) fn apply_redaction(
        &self,
        tx: &mut dyn Tx,
        e: &Entry,
        hub_seq: u64,
    ) -> Result<usize> {
        let (Some(id), Some(redaction)) = (e.subject, Redaction::of(e)) else {
            return Ok(0);
        };
        let mut removed = 0;
        for target in tx.entries_about(&id)? {
            if target.body.is_some()
                && redaction.removes(e, &target)
                && tx.drop_body(&target.device, target.seq)?
            {
                removed += 1;
            }
        }
        if let Some(mut scope) = tx.report(&id)? {
            let unit = match redaction.document.get("unit").and_then(Value::as_str) {
                Some(unit) => unit.to_owned(),
                None => tx
                    .device(&scope.author)?
                    .and_then(|d| d.unit)
                    .unwrap_or_else(|| COUNTY.to_owned()),
            };
            if unit != scope.unit {
                scope.unit = unit;
                scope.rescoped = hub_seq;
                tx.upsert_report(&scope)?;
            }
        }
        tracing::info!(report = %id, by = %e.device, removed, "report redacted");
        Ok(removed)
    }

    /// The county administrator redacts a report at the hub: its content becomes
    /// `replacement`, and every body that carried its earlier content is dropped here now and
    /// on every device that holds it at its next sync. Recorded in the hub's own chain.
    pub fn redact(&self, id: &str, replacement: &Report, reason: &str) -> Result<Redacted> {
        let id = ReportId::parse(id.trim()).ok_or_else(|| {
            HubError::refused(
                Refusal::UnknownReport,
                format!(
                    "{id:?} is not a report id: give the whole id, 16 letters and digits, as \
                     `usalama report show` prints it"
                ),
            )
        })?;
        let reason = Redaction::check_reason(reason)?;
        if let Some(unit) = &replacement.unit {
            if !self.units()?.iter().any(|u| &u.id == unit && !u.retired) {
                return Err(HubError::refused(
                    Refusal::UnknownUnit,
                    format!("unit: no unit {unit:?} in use; see `usalama-hub units list`"),
                ));
            }
        }
        if replacement.source.is_some() {
            return Err(HubError::refused(
                Refusal::SourceInClear,
                "source: the hub never holds a source in the clear, so a redaction here cannot \
                 set one; leave `source` out (the report's author may record it again)",
            ));
        }
        let Value::Object(document) = replacement.to_json() else {
            return Err(HubError::Internal(
                "a report document is not an object".into(),
            ));
        };
        let now = now_ms();
        let done = db::write(self.db(), |tx| {
            if tx.report(&id)?.is_none() {
                return Err(HubError::refused(
                    Refusal::UnknownReport,
                    format!("the hub holds no report {id}"),
                ));
            }
            let redaction = Redaction {
                reason: reason.clone(),
                document: document.clone(),
                targets: targets_in(&tx.entries_about(&id)?),
            };
            let (entry, hub_seq) = self.append_about(
                tx,
                EntryKind::ReportRedacted,
                Some(id),
                redaction.to_body(),
                now,
            )?;
            let removed = self.apply_redaction(tx, &entry, hub_seq)?;
            Ok(Redacted {
                id: id.to_string(),
                removed,
                seq: entry.seq,
            })
        })?;
        self.db.scrub()?;
        Ok(done)
    }
}
