//! The response to a report on this device: recording a step after the checks every device's
//! fold applies (so a step this device would ignore is never written), and folding the steps
//! for a report's page and status; which steps this device may take on a report now.

use rusqlite::{OptionalExtension, TransactionBehavior};

use super::entries::{append, entries_about};
use super::listing::not_found;
use super::Store;

// The summaries (`store/summary.rs`) fold a report's response by this path.
use super::projection::reproject;
use super::projection::response;
use crate::error::{Error, Result};
use crate::ledger::{Draft, ReportId};
use crate::lifecycle::{Action, Actor, Outcome};

impl Store {
    /// Records one step of a report's response (`usalama incident ...`). Refused with a clear
    /// message, recording nothing, when this device's role and agency may not take it now.
    pub fn act(&mut self, id: &str, mut action: Action) -> Result<ReportId> {
        let id = self.resolve_report(id)?;
        action.check()?;
        let me = Actor {
            role: self.me.profile.role,
            agency: self.me.profile.agency,
        };
        let (state, _) = response(&self.conn, &entries_about(&self.conn, &id)?)?;
        match &mut action {
            Action::Assign { replaces, .. } => *replaces = state.assignment.clone(),
            Action::Link { other } if *other == id => {
                return Err(Error::invalid(
                    "OTHER_ID",
                    "a report cannot be linked to itself",
                ))
            }
            Action::Link { other } => {
                let held: Option<i64> = self
                    .conn
                    .query_row(
                        "SELECT 1 FROM reports WHERE id = ?1",
                        [other.to_string()],
                        |r| r.get(0),
                    )
                    .optional()?;
                if held.is_none() {
                    return Err(not_found(&other.to_string()));
                }
            }
            _ => {}
        }
        if let Some(why) = state.refusal(&me, &action) {
            return Err(Error::NotAllowed(format!("{why}; nothing was recorded")));
        }
        let body =
            serde_json::to_vec(&action.body()).map_err(|e| Error::Unsupported(e.to_string()))?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        append(
            &tx,
            &self.me,
            Draft {
                kind: action.kind(),
                subject: Some(id),
                body,
            },
        )?;
        reproject(&tx, &id)?;
        tx.commit()?;
        Ok(id)
    }
}

/// A step of the response, by the name the desktop app and `allowed_actions` use.
pub const STEPS: &[&str] = &["acknowledge", "assign", "update", "close", "reopen", "link"];

impl Store {
    /// The steps (of `STEPS`) this device may take on report `id` now: those `act` would
    /// record, by the same rule (`Response::refusal`) on the report's state as this device
    /// knows it. An agency that has acknowledged the report is not offered to again.
    pub fn allowed_actions(&self, id: &ReportId) -> Result<Vec<&'static str>> {
        let me = Actor {
            role: self.me.profile.role,
            agency: self.me.profile.agency,
        };
        let Some(agency) = me.agency else {
            return Ok(Vec::new());
        };
        let (state, _) = response(&self.conn, &entries_about(&self.conn, id)?)?;
        let candidates = [
            Action::Acknowledge { agency },
            Action::Assign {
                lead: agency,
                support: Vec::new(),
                replaces: None,
            },
            Action::Update {
                note: String::new(),
                responding: false,
            },
            Action::Close {
                outcome: Outcome::Resolved,
                note: None,
                figures: None,
            },
            Action::Reopen {
                note: String::new(),
            },
            Action::Link { other: *id },
        ];
        Ok(STEPS
            .iter()
            .zip(candidates)
            .filter(|(_, action)| state.refusal(&me, action).is_none())
            .filter(|(_, action)| {
                !matches!(action, Action::Acknowledge { .. })
                    || !state.acknowledged_by.contains(&agency)
            })
            .map(|(step, _)| *step)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Agency, Role};
    use crate::store::{AgencyFilter, Relation, ReportFilter};
    use serde_json::json;

    fn officer(dir: &std::path::Path, agency: Agency) -> Store {
        crate::store::testing::store(dir, "ACC Kapenguria", Role::Officer, "ke-024", Some(agency))
    }

    fn file(store: &mut Store, urgency: &str, at: &str) -> ReportId {
        let doc = json!({"type": "livestock_raid", "urgency": urgency, "occurred_at": at,
                         "unit": "ke-024", "narrative": "Raiders took cattle."});
        store.file_document(&doc, None).expect("filed")
    }

    fn ids(rows: &[crate::store::ReportRow]) -> Vec<String> {
        rows.iter().map(|r| r.id.clone()).collect()
    }

    #[test]
    fn the_inbox_puts_flash_and_urgent_first_and_knows_who_acknowledged() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = officer(dir.path(), Agency::Ngao);
        let old_flash = file(&mut store, "flash", "2026-01-01T10:00:00+03:00");
        let new_routine = file(&mut store, "routine", "2026-01-05T10:00:00+03:00");
        let urgent = file(&mut store, "urgent", "2026-01-03T10:00:00+03:00");
        let new_flash = file(&mut store, "flash", "2026-01-04T10:00:00+03:00");
        store
            .act(
                &urgent.to_string(),
                Action::Acknowledge {
                    agency: Agency::Ngao,
                },
            )
            .expect("acknowledged");
        store
            .act(
                &new_flash.to_string(),
                Action::Assign {
                    lead: Agency::Kdf,
                    support: vec![Agency::Nps],
                    replaces: None,
                },
            )
            .expect("assigned");
        let inbox = store
            .list_reports(&ReportFilter {
                urgent_first: true,
                ..ReportFilter::default()
            })
            .expect("listed");
        let order = [new_flash, old_flash, urgent, new_routine].map(|i| i.to_string());
        assert_eq!(ids(&inbox), order);
        assert_eq!(inbox[2].acknowledged_by, ["ngao"]);
        assert!(inbox[0].acknowledged_by.is_empty());
        assert_eq!(inbox[0].lead_agency.as_deref(), Some("kdf"));
        assert_eq!(inbox[0].supporting_agencies, ["nps"]);
        // Newest first without the inbox's order.
        let plain = store
            .list_reports(&ReportFilter::default())
            .expect("listed");
        assert_eq!(plain[0].id, new_routine.to_string());

        let by = |agency, relation| {
            let rows = store
                .list_reports(&ReportFilter {
                    agency: Some(AgencyFilter { agency, relation }),
                    urgent_first: true,
                    ..ReportFilter::default()
                })
                .expect("listed");
            ids(&rows)
        };
        assert_eq!(
            by(Agency::Ngao, Relation::Acknowledged),
            [urgent.to_string()]
        );
        assert_eq!(
            by(Agency::Ngao, Relation::NotAcknowledged),
            [new_flash, old_flash, new_routine].map(|i| i.to_string())
        );
        assert_eq!(by(Agency::Kdf, Relation::Lead), [new_flash.to_string()]);
        assert_eq!(
            by(Agency::Nps, Relation::Supporting),
            [new_flash.to_string()]
        );
        assert!(by(Agency::Nps, Relation::Lead).is_empty());
    }

    #[test]
    fn the_allowed_actions_follow_the_role_table_and_the_state() {
        let dir = tempfile::tempdir().expect("dir");
        let mut ngao = officer(dir.path(), Agency::Ngao);
        let id = file(&mut ngao, "urgent", "2026-01-03T10:00:00+03:00");
        assert_eq!(
            ngao.allowed_actions(&id).expect("allowed"),
            ["acknowledge", "assign", "update", "close", "link"]
        );
        ngao.act(
            &id.to_string(),
            Action::Acknowledge {
                agency: Agency::Ngao,
            },
        )
        .expect("acknowledged");
        ngao.act(
            &id.to_string(),
            Action::Close {
                outcome: Outcome::FalseAlarm,
                note: None,
                figures: None,
            },
        )
        .expect("closed");
        assert_eq!(
            ngao.allowed_actions(&id).expect("allowed"),
            ["assign", "update", "reopen", "link"]
        );

        let dir = tempfile::tempdir().expect("dir");
        let mut police = officer(dir.path(), Agency::Nps);
        let id = file(&mut police, "routine", "2026-01-03T10:00:00+03:00");
        // Neither lead nor supporting nor ngao: acknowledge and link only.
        assert_eq!(
            police.allowed_actions(&id).expect("allowed"),
            ["acknowledge", "link"]
        );
    }

    #[test]
    fn a_store_from_before_the_response_columns_fills_them_when_it_opens() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = officer(dir.path(), Agency::Ngao);
        let id = file(&mut store, "urgent", "2026-01-03T10:00:00+03:00");
        store
            .act(
                &id.to_string(),
                Action::Acknowledge {
                    agency: Agency::Ngao,
                },
            )
            .expect("acknowledged");
        // As a store of schema 4 holds it: no response columns.
        store
            .conn
            .execute_batch(&format!(
                "{}
                 DROP INDEX reports_by_urgency;
                 ALTER TABLE reports DROP COLUMN lead;
                 ALTER TABLE reports DROP COLUMN supporting;
                 ALTER TABLE reports DROP COLUMN acknowledged;
                 ALTER TABLE reports DROP COLUMN linked;
                 ALTER TABLE reports DROP COLUMN source_sealed;
                 DROP TABLE county_keys;
                 DROP TABLE county_key_holders;
                 DROP TABLE unsealed_sources;
                 ALTER TABLE entries DROP COLUMN vouched;
                 ALTER TABLE devices DROP COLUMN revoked_after;
                 DROP TABLE clearance;
                 DROP TABLE carried_bundles;
                 DROP TABLE upgrade_tasks;
                 DROP TABLE proofs;
                 DROP TABLE exported_bundles;
                 PRAGMA user_version = 4;",
                crate::store::testing::WITHOUT_WARNING_FACTS
            ))
            .expect("aged");
        drop(store);
        let store = Store::open(dir.path(), "cows at the borehole").expect("opens");
        let rows = store
            .list_reports(&ReportFilter::default())
            .expect("listed");
        assert_eq!(rows[0].acknowledged_by, ["ngao"]);
    }

    #[test]
    fn the_board_shows_open_incidents_with_linked_reports_under_the_first() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = officer(dir.path(), Agency::Ngao);
        let first = file(&mut store, "routine", "2026-01-01T10:00:00+03:00");
        let second = file(&mut store, "flash", "2026-01-02T10:00:00+03:00");
        let other = file(&mut store, "urgent", "2026-01-03T10:00:00+03:00");
        let closed = file(&mut store, "flash", "2026-01-04T10:00:00+03:00");
        store
            .act(&second.to_string(), Action::Link { other: first })
            .expect("linked");
        store
            .act(
                &second.to_string(),
                Action::Close {
                    outcome: Outcome::Duplicate,
                    note: None,
                    figures: None,
                },
            )
            .expect("closed");
        store
            .act(
                &closed.to_string(),
                Action::Close {
                    outcome: Outcome::Resolved,
                    note: None,
                    figures: None,
                },
            )
            .expect("closed");
        // A link recorded on an open report makes it the primary, as in summaries.
        let third = file(&mut store, "routine", "2026-01-05T10:00:00+03:00");
        store
            .act(&third.to_string(), Action::Link { other })
            .expect("linked");
        let board = store.board(100).expect("board");
        let shown: Vec<(String, Vec<String>)> = board
            .iter()
            .map(|i| (i.primary.id.clone(), ids(&i.linked)))
            .collect();
        assert_eq!(
            shown,
            [
                // First because its incident holds the urgent report.
                (third.to_string(), vec![other.to_string()]),
                (first.to_string(), vec![second.to_string()]),
            ]
        );
        assert_eq!(board[1].linked[0].status, "closed");
    }
}
