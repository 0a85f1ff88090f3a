//! Early warning on this device: the warnings the reports it holds raise under the county's
//! settings (see `usalama_protocol::warning`), with the acknowledgements officers recorded,
//! and recording one.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::TransactionBehavior;
use serde::Serialize;
use serde_json::json;
use time::{Date, Duration, OffsetDateTime};

use super::entries::{append, entry_from_row, hub_bodies, ENTRY_COLUMNS};
use super::view::Author;
use super::warning_facts::{incident_of_row, Units, INCIDENTS_QUERY};
use super::{format_ms, Store};
use crate::domain::text::Origin;
use crate::domain::Role;
use crate::error::{Error, Result};
use crate::ledger::{Draft, EntryKind};
use crate::warning::{self, Acknowledgement, Incident, Settings, Silence, Warning, WarningId};

/// The warnings last computed, with what they were computed from: the connection's changes,
/// the database's version (another connection's commits) and the day.
#[derive(Debug, Default)]
pub(super) struct Cache(RefCell<Option<(CacheKey, Arc<WarningsView>)>>);

type CacheKey = (u64, i64, Date);

impl Cache {
    fn get(&self, key: &CacheKey) -> Option<Arc<WarningsView>> {
        match &*self.0.borrow() {
            Some((k, view)) if k == key => Some(Arc::clone(view)),
            _ => None,
        }
    }

    /// Keeps `view`; returns the view it replaces.
    fn put(&self, key: CacheKey, view: &Arc<WarningsView>) -> Option<Arc<WarningsView>> {
        let old = self.0.borrow_mut().replace((key, Arc::clone(view)));
        old.map(|(_, view)| view)
    }
}

const LARGEST_ROWID: &str = "SELECT coalesce(max(rowid), 0) FROM reports";

/// How long a warning may wait for an acknowledgement before it stands out.
const OVERDUE: Duration = Duration::days(1);
/// An area with no report for this many days is named as silent.
const SILENT_DAYS: i64 = 30;
/// How long after a warning an incident in its area counts as its follow-up.
pub const FOLLOW_UP_DAYS: i64 = 14;

/// A warning as the inbox, the board, Home and `usalama warning list` show it.
#[derive(Debug, Clone, Serialize)]
pub struct WarningView {
    #[serde(flatten)]
    pub warning: Warning,
    /// The area's name in the gazetteer (or the border's key).
    pub area_name: String,
    pub acknowledgements: Vec<AckView>,
    /// Not acknowledged, and raised more than a day ago.
    pub overdue: bool,
    /// How many conflict incidents followed in the same area within 14 days.
    pub followed_by: usize,
}

/// Who acknowledged a warning, when, and what was done.
#[derive(Debug, Clone, Serialize)]
pub struct AckView {
    pub by: Author,
    pub at: String,
    pub note: String,
}

/// Every warning this device's reports raise, newest first, and the areas gone silent.
#[derive(Debug, Clone, Serialize)]
pub struct WarningsView {
    pub warnings: Vec<WarningView>,
    /// How many warnings there are in all (more than `warnings` holds after [`Self::first`]).
    pub total: usize,
    pub silent: Vec<Silence>,
    /// Whether the county has set its own settings (else the defaults hold).
    pub county_settings: bool,
}

impl WarningsView {
    /// The newest `n` warnings, with the rest of the view: what a screen shows.
    pub fn first(&self, n: usize) -> WarningsView {
        WarningsView {
            warnings: self.warnings.iter().take(n).cloned().collect(),
            total: self.total,
            silent: self.silent.clone(),
            county_settings: self.county_settings,
        }
    }

    /// The warnings no officer has acknowledged yet.
    pub fn unacknowledged(&self) -> usize {
        self.warnings
            .iter()
            .filter(|w| w.acknowledgements.is_empty())
            .count()
    }
}

impl Store {
    /// The settings every device applies: the latest the county's hub recorded, or the
    /// defaults.
    pub fn warning_settings(&self) -> Result<(Settings, bool)> {
        let units = self.units();
        let is_unit = |id: &str| units.iter().any(|u| u.id == id);
        Ok(hub_bodies(&self.conn, EntryKind::WarningsConfigured)?
            .iter()
            .find_map(|v| Settings::parse(v, &is_unit).ok())
            .map_or((Settings::default(), false), |s| (s, true)))
    }

    /// What the warnings read of every report this device holds, by day and id: the facts the
    /// projection keeps in each report's row (see `warning_facts`), no document decoded.
    pub fn warning_incidents(&self) -> Result<Vec<Incident>> {
        // Room for every report (no row is ever deleted, so the largest rowid counts them), so
        // that a list of a hundred thousand is not copied again at every doubling; a count no
        // allocation can hold leaves it to grow as it goes.
        let held: i64 = self.conn.query_row(LARGEST_ROWID, [], |r| r.get(0))?;
        let mut out = Vec::new();
        let _ = out.try_reserve(usize::try_from(held).unwrap_or(0));
        let mut units = Units::default();
        let mut stmt = self.conn.prepare_cached(INCIDENTS_QUERY)?;
        let rows = stmt.query_map([], |r| incident_of_row(r, &mut units))?;
        for incident in rows {
            out.extend(incident?);
        }
        Ok(out)
    }

    /// Every warning, with its acknowledgements and follow-ups; `now_ms` decides which stand
    /// out as overdue and which areas have gone silent. Computed again only when the database
    /// or the day changed since the last call.
    pub fn warnings(&self, now_ms: i64) -> Result<Arc<WarningsView>> {
        let today = OffsetDateTime::from_unix_timestamp(now_ms.div_euclid(1000))
            .map(|t| t.to_offset(crate::clock::EAT).date())
            .map_err(|e| Error::Unsupported(e.to_string()))?;
        let data_version: i64 = self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let key = (self.conn.total_changes(), data_version, today);
        if let Some(view) = self.warnings.get(&key) {
            return Ok(view);
        }
        let view = Arc::new(self.compute_warnings(today)?);
        if let Some(old) = self.warnings.put(key, &view) {
            // Freeing a county's worth of warnings takes tens of milliseconds: done on a thread
            // of its own, so that whoever asked for the new ones does not wait for it.
            std::thread::spawn(move || drop(old));
        }
        Ok(view)
    }

    fn compute_warnings(&self, today: Date) -> Result<WarningsView> {
        let (settings, county_settings) = self.warning_settings()?;
        let incidents = self.warning_incidents()?;
        let computed = warning::warnings(&incidents, &settings, self.units());
        let mut acks = self.acknowledgements()?;
        let follow_ups = warning::FollowUps::new(&incidents, self.units());
        let names: HashMap<&str, &str> = self
            .units()
            .iter()
            .map(|u| (u.id.as_str(), u.name.as_str()))
            .collect();
        let mut out = Vec::with_capacity(computed.warnings.len());
        for w in computed.warnings {
            let acknowledgements = acks.remove(&w.id).unwrap_or_default();
            let followed_by = follow_ups.of(&w, &settings, FOLLOW_UP_DAYS);
            out.push(WarningView {
                area_name: names
                    .get(w.area.as_str())
                    .map_or_else(|| w.area.clone(), |n| (*n).to_owned()),
                overdue: acknowledgements.is_empty() && today - w.day > OVERDUE,
                acknowledgements,
                followed_by,
                warning: w,
            });
        }
        Ok(WarningsView {
            total: out.len(),
            warnings: out,
            silent: warning::silences(&incidents, self.units(), today, SILENT_DAYS),
            county_settings,
        })
    }

    /// Records that this device's officer saw warning `id` and what was done. Only agency
    /// officers acknowledge; a warning this device does not show, or an empty note, is refused
    /// and nothing is recorded.
    pub fn acknowledge_warning(&mut self, id: &str, note: &str) -> Result<WarningId> {
        let profile = &self.me.profile;
        if profile.role != Role::Officer || profile.agency.is_none() {
            return Err(Error::NotAllowed(format!(
                "only agency officers acknowledge warnings; this device's role is {}, so \
                 nothing was recorded",
                profile.role
            )));
        }
        let ack = Acknowledgement::parse(&json!({"warning": id, "note": note}), Origin::Author)?;
        let view = self.warnings(super::now_ms())?;
        let Some(found) = view.warnings.iter().find(|w| w.warning.id == ack.warning) else {
            return Err(Error::NotFound(format!(
                "no warning {id} on this device; `usalama warning list` shows them"
            )));
        };
        let (id, anchor) = (found.warning.id, found.warning.anchor());
        let body =
            serde_json::to_vec(&ack.to_value()).map_err(|e| Error::Unsupported(e.to_string()))?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        append(
            &tx,
            &self.me,
            Draft {
                kind: EntryKind::WarningAcknowledged,
                subject: Some(anchor),
                body,
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Every acknowledgement by an officer's device, by warning, oldest first.
    fn acknowledgements(&self) -> Result<HashMap<WarningId, Vec<AckView>>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM entries
             WHERE kind = ?1
               AND (device = ?2 OR device IN (SELECT device FROM devices WHERE role = 'officer'))
             ORDER BY at, device, seq"
        ))?;
        let entries = stmt
            .query_map(
                rusqlite::params![EntryKind::WarningAcknowledged.code(), self.me.device.0],
                entry_from_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out: HashMap<WarningId, Vec<AckView>> = Default::default();
        for e in entries {
            let Some(ack) = e
                .body_json()
                .and_then(|b| Acknowledgement::parse(&b, Origin::Received).ok())
            else {
                continue;
            };
            out.entry(ack.warning).or_default().push(AckView {
                by: self.author(&e.device)?,
                at: format_ms(e.at),
                note: ack.note,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::Agency;
    use crate::store::testing::store;

    fn killing(day: &str) -> serde_json::Value {
        json!({"type": "killing", "urgency": "flash", "occurred_at": format!("{day}T05:30:00+03:00"),
               "unit": "ke-024-l-ombolion", "narrative": "Two herders shot.", "people": {"killed": 2}})
    }

    #[test]
    fn a_saved_report_changes_the_warnings_shown_at_once() {
        let dir = tempfile::tempdir().expect("dir");
        let mut s = store(
            dir.path(),
            "Inspector Lokwang",
            Role::Officer,
            "ke-024",
            Some(Agency::Nps),
        );
        let now = crate::store::now_ms();
        assert!(s.warnings(now).expect("warnings").warnings.is_empty());
        s.file_document(&killing("2026-11-20"), None)
            .expect("filed");
        let view = s.warnings(now).expect("warnings");
        assert_eq!(view.warnings.len(), 1);
        assert!(
            view.warnings[0].overdue,
            "raised days ago, acknowledged by nobody"
        );
        let id = view.warnings[0].warning.id.to_string();
        s.acknowledge_warning(&id, "Teams sent.")
            .expect("acknowledged");
        let view = s.warnings(now).expect("warnings");
        assert_eq!(view.warnings[0].acknowledgements.len(), 1);
        assert!(!view.warnings[0].overdue);
        assert_eq!(view.unacknowledged(), 0);
    }

    #[test]
    fn a_chief_or_an_unknown_warning_records_nothing() {
        let dir = tempfile::tempdir().expect("dir");
        let mut chief = store(
            dir.path(),
            "Joseph Korkimul",
            Role::Chief,
            "ke-024-l-ombolion",
            None,
        );
        chief
            .file_document(&killing("2026-11-20"), None)
            .expect("filed");
        let id = chief.warnings(crate::store::now_ms()).expect("w").warnings[0]
            .warning
            .id
            .to_string();
        assert!(matches!(
            chief.acknowledge_warning(&id, "seen"),
            Err(Error::NotAllowed(_))
        ));
        let dir = tempfile::tempdir().expect("dir");
        let mut officer = store(
            dir.path(),
            "ACC",
            Role::Officer,
            "ke-024",
            Some(Agency::Ngao),
        );
        assert!(matches!(
            officer.acknowledge_warning(&id, "seen"),
            Err(Error::NotFound(_))
        ));
        assert!(matches!(
            officer.acknowledge_warning("W123", "seen"),
            Err(Error::Invalid(_))
        ));
    }
}
