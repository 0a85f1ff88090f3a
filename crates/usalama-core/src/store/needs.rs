//! Needs assessments on this device: recording one (officers only) and listing those this
//! device holds, with their gaps.

use rusqlite::TransactionBehavior;
use serde::Serialize;
use serde_json::Value;

use super::entries::{append, entry_from_row, ENTRY_COLUMNS};
use super::view::Author;
use super::{format_ms, Store};
use crate::domain::Role;
use crate::error::{Error, Result};
use crate::ledger::{Draft, EntryKind, ReportId};
use crate::needs::Needs;

/// A needs assessment as `needs list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct NeedsView {
    pub id: String,
    pub recorded_at: String,
    pub by: Author,
    #[serde(flatten)]
    pub needs: Needs,
}

impl Store {
    /// Records a team's needs assessment. Only agency officers record them (INTERFACES.md,
    /// "Who may do what"); bad input is refused with every problem named, recording nothing.
    pub fn add_needs(&mut self, doc: &Value) -> Result<ReportId> {
        if self.me.profile.role != Role::Officer {
            return Err(Error::NotAllowed(format!(
                "only agency officers record needs assessments; this device's role is {}, so \
                 nothing was recorded",
                self.me.profile.role
            )));
        }
        let needs = Needs::parse(doc)?;
        if let Err(broken) = self.check_unit(&needs.area) {
            return Err(Error::broke("area", broken));
        }
        let body =
            serde_json::to_vec(&needs.to_value()).map_err(|e| Error::Unsupported(e.to_string()))?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let entry = append(
            &tx,
            &self.me,
            Draft {
                kind: EntryKind::NeedsAssessed,
                subject: None,
                body,
            },
        )?;
        tx.commit()?;
        Ok(entry.report_id())
    }

    /// Every needs assessment this device holds, newest first. One whose author is not an
    /// officer (as the hub's chain announced the device) is left out, as on every device.
    pub fn needs(&self) -> Result<Vec<NeedsView>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM entries
             WHERE kind = ?1 AND device IN (SELECT device FROM devices WHERE role = 'officer')
             ORDER BY at DESC"
        ))?;
        let entries = stmt
            .query_map([EntryKind::NeedsAssessed.code()], entry_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out = Vec::new();
        for e in entries {
            let Some(needs) = e.body_json().and_then(|b| Needs::parse(&b).ok()) else {
                continue;
            };
            out.push(NeedsView {
                id: e.report_id().to_string(),
                recorded_at: format_ms(e.at),
                by: self.author(&e.device)?,
                needs,
            });
        }
        Ok(out)
    }
}
