//! What the store holds, as [`crate::admission::admit`] asks it of a device.

use rusqlite::OptionalExtension;

use crate::ledger::{Entry, ReportId};

/// What a device's store knows for [`crate::admission::admit`], read from the database at
/// each question, so that inside one transaction it answers with everything applied so far
/// (a unit added earlier in the same exchange exists).
#[derive(Debug, Clone, Copy)]
pub struct Held<'c> {
    conn: &'c rusqlite::Connection,
}

impl<'c> Held<'c> {
    pub fn new(conn: &'c rusqlite::Connection) -> Held<'c> {
        Held { conn }
    }

    fn unit_row(&self, id: &str) -> Option<Option<String>> {
        self.conn
            .prepare_cached("SELECT parent FROM units WHERE id = ?1")
            .and_then(|mut stmt| {
                stmt.query_row([id], |r| r.get::<_, Option<String>>(0))
                    .optional()
            })
            .ok()
            .flatten()
    }
}

impl crate::admission::AdmissionContext for Held<'_> {
    fn has_unit(&self, id: &str) -> bool {
        self.unit_row(id).is_some()
    }

    fn parent_of(&self, id: &str) -> Option<String> {
        self.unit_row(id).flatten()
    }

    fn holds_other_filing(&self, id: &ReportId, filing: &Entry) -> bool {
        let exists = |sql: &str, key: &dyn rusqlite::ToSql| {
            self.conn
                .prepare_cached(sql)
                .and_then(|mut stmt| stmt.exists([key]))
        };
        // A relayed SMS alert folded into its full report has no row but is still held.
        let report =
            exists("SELECT 1 FROM reports WHERE id = ?1", &id.to_string()).and_then(|row| {
                Ok(row
                    || exists(
                        "SELECT 1 FROM entries WHERE about = ?1 AND kind IN (1, 105)",
                        &id.to_string(),
                    )?)
            });
        let this = exists(
            "SELECT 1 FROM entries WHERE hash = ?1 AND kind IN (1, 105)",
            &filing.hash().0.to_vec(),
        );
        match (report, this) {
            // Held, and not by this very entry (which a device may receive again).
            (Ok(report), Ok(this)) => report && !this,
            // A store that cannot answer refuses the filing rather than let it shadow a report.
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::admission::{admit, AdmissionContext};
    use crate::domain::{Report, Role};
    use crate::gazetteer::COUNTY;
    use crate::ledger::{DeviceId, EntryKind};
    use crate::store::entries::entries_about;
    use crate::store::testing;

    #[test]
    fn a_store_answers_admission_from_what_it_holds() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = testing::store(
            dir.path(),
            "Joseph Korkimul",
            Role::Chief,
            "ke-024-l-ombolion",
            None,
        );
        let report = Report::parse(
            &json!({"type": "killing", "occurred_at": "2025-11-03T05:00:00+03:00",
                    "unit": "ke-024-l-ombolion", "narrative": "A herder was shot."}),
            time::OffsetDateTime::now_utc(),
        )
        .expect("report");
        let id = store.file_reports(&[report]).expect("filed")[0];
        let filing = entries_about(&store.conn, &id)
            .expect("entries")
            .into_iter()
            .find(|e| e.kind == EntryKind::ReportFiled)
            .expect("filing");
        let held = Held::new(&store.conn);
        assert!(held.has_unit("ke-024-v-takaywa") && !held.has_unit("ke-024-nowhere"));
        assert_eq!(
            held.parent_of("ke-024-v-takaywa").as_deref(),
            Some("ke-024-l-ombolion")
        );
        assert_eq!(held.parent_of(COUNTY), None);
        // The holder itself, received again, is admitted; another filing claiming its id is not.
        admit(&filing, &held).expect("admitted");
        assert!(!held.holds_other_filing(&id, &filing));
        let mut grinder = filing.clone();
        grinder.device = DeviceId([9; 16]);
        assert!(held.holds_other_filing(&id, &grinder));
    }
}
