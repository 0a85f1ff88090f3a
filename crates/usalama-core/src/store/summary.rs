//! The reports a summary reads: one range scan over both periods of a unit's subtree.

use std::path::Path;

use rusqlite::params;
use rusqlite::types::ValueRef;

use super::view::{Author, ReportView};
use super::{now_ms, Store};
use crate::domain::Lang;
use crate::error::{Error, Result};
use crate::files::write_durably;
use crate::gazetteer;
use crate::ledger::ReportId;
use crate::summary::document::{self, Document};
use crate::summary::{
    html, pdf, Context, Edition, Format, Preparer, Signer, SlipReport, SlipStep, Summary,
    SummaryDoc, SummaryRequest, SummaryRow, SummaryWarning,
};

/// Whether a warning lies in the summary's area: its unit is one of `ids`, or (a border
/// trend) one of the border's units is.
fn in_area(w: &crate::warning::Warning, ids: &[&str], settings: &crate::warning::Settings) -> bool {
    ids.contains(&w.area.as_str())
        || settings
            .borders
            .get(&w.area)
            .is_some_and(|units| units.iter().any(|u| ids.contains(&u.as_str())))
}

impl Store {
    /// The summary of `request.unit` and everything below it, for the period asked and the one
    /// before it, as this device's user may read it.
    pub fn summary(&self, request: &SummaryRequest) -> Result<Summary> {
        if self.unit(&request.unit).is_none() {
            return Err(Error::broke("unit", gazetteer::unknown_unit(&request.unit)));
        }
        let period = crate::summary::Period {
            from: request.from,
            to: request.to,
        };
        let (start, _) = period.previous().bounds_ms();
        let (_, end) = period.bounds_ms();
        let ids = gazetteer::subtree(&self.units, &request.unit);
        let cleared = self.is_cleared()?;
        // The time index (which also holds the unit) finds the rows without reading them; the
        // rows are then read in rowid order, so each page of the table is read and decrypted
        // once however many of its rows the summary needs. Reading them in time order instead
        // decrypted a page per row: nine tenths of the time of a county-month summary.
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, author, status, unit, occurred_at, document, amendments FROM reports
             WHERE rowid IN (
                SELECT rowid FROM reports INDEXED BY reports_by_time
                WHERE occurred_at >= ?1 AND occurred_at < ?2
                  AND unit IN (SELECT value FROM json_each(?3)))",
        )?;
        let me = self.me.device.0;
        let units = serde_json::to_string(&ids).unwrap_or_default();
        let mut amendments: Vec<i64> = Vec::new();
        let mut rows = stmt
            .query_map(params![start, end, units], |r| {
                // Read in place: the document is parsed straight from SQLite's buffer.
                let document = match r.get_ref(5)? {
                    ValueRef::Text(json) | ValueRef::Blob(json) => SummaryDoc::parse(json),
                    _ => SummaryDoc::default(),
                };
                let mine = matches!(r.get_ref(1)?, ValueRef::Blob(author) if author == me);
                Ok((
                    r.get::<_, i64>(6)?,
                    SummaryRow {
                        id: r.get(0)?,
                        may_read_restricted: cleared || mine,
                        status: r.get(2)?,
                        unit: r.get(3)?,
                        occurred_at_ms: r.get(4)?,
                        document,
                        linked_to: None,
                        lead_agency: None,
                        action: None,
                        closure: None,
                    },
                ))
            })?
            .map(|r| {
                r.map(|(n, row)| {
                    amendments.push(n);
                    row
                })
            })
            .collect::<rusqlite::Result<Vec<_>>>()?;
        self.add_responses(&mut rows, &amendments)?;
        let preparer = self.preparer();
        let context = Context {
            units: &self.units,
            prepared_by: &preparer,
            prepared_at: now_ms(),
        };
        let mut summary = Summary::build(request, context, rows)?;
        // Needs of operations in the area, started by the period's end and not yet over then.
        summary.needs = self
            .needs()?
            .into_iter()
            .map(|n| n.needs)
            .filter(|n| {
                ids.contains(&n.area.as_str()) && n.from <= request.to && n.open_on(request.to)
            })
            .collect();
        summary.warnings = self.summary_warnings(&ids, request.from, request.to)?;
        Ok(summary)
    }

    /// The warnings raised from `from` to `to` in the units `ids`, oldest first, with their
    /// acknowledgements and follow-ups.
    fn summary_warnings(
        &self,
        ids: &[&str],
        from: time::Date,
        to: time::Date,
    ) -> Result<Vec<SummaryWarning>> {
        let view = self.warnings(now_ms())?;
        let (settings, _) = self.warning_settings()?;
        let units = gazetteer::by_id(&self.units);
        let sub_county_of = |area: &str| {
            gazetteer::nearest_of_kind(&units, area, "sub_county")
                .unwrap_or(area)
                .to_owned()
        };
        let mut out: Vec<SummaryWarning> = view
            .warnings
            .iter()
            .filter(|w| w.warning.day >= from && w.warning.day <= to)
            .filter(|w| in_area(&w.warning, ids, &settings))
            .map(|w| SummaryWarning {
                id: w.warning.id.to_string(),
                rule: w.warning.rule,
                sub_county: sub_county_of(&w.warning.area),
                area: w.warning.area.clone(),
                day: w.warning.day.to_string(),
                acknowledged: w
                    .acknowledgements
                    .iter()
                    .map(|a| {
                        let agency = a.by.agency.as_deref().unwrap_or("-").to_uppercase();
                        format!("{} ({agency}): {}", a.by.name, a.note)
                    })
                    .collect(),
                followed_by: w.followed_by,
            })
            .collect();
        out.reverse();
        Ok(out)
    }

    /// Folds the response (lead agency, outcome, closing figures, links) of the reports that
    /// have one. A report has response steps when more entries are about it than its filing and
    /// its amendments; counting them reads only the `about` index, so the many reports with no
    /// response cost no read of the ledger.
    fn add_responses(&self, rows: &mut [SummaryRow], amendments: &[i64]) -> Result<()> {
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        let mut stmt = self.conn.prepare_cached(
            "SELECT about, count(*) FROM entries
             WHERE about IN (SELECT value FROM json_each(?1)) GROUP BY about",
        )?;
        let counts: std::collections::HashMap<String, i64> = stmt
            .query_map([serde_json::to_string(&ids).unwrap_or_default()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut links: Vec<(String, String)> = Vec::new();
        for (row, amended) in rows.iter_mut().zip(amendments) {
            if counts.get(&row.id).copied().unwrap_or(0) <= 1 + amended {
                continue;
            }
            let Some(id) = ReportId::parse(&row.id) else {
                continue;
            };
            let entries = super::entries::entries_about(&self.conn, &id)?;
            let (response, _) = super::projection::response(&self.conn, &entries)?;
            row.lead_agency = response.lead;
            row.action = response.outcome.map(|o| o.as_str().to_owned());
            row.closure = response.figures;
            links.extend(
                response
                    .linked
                    .iter()
                    .map(|other| (other.to_string(), row.id.clone())),
            );
        }
        for (secondary, primary) in links {
            if let Some(row) = rows.iter_mut().find(|r| r.id == secondary) {
                row.linked_to = Some(primary);
            }
        }
        Ok(())
    }

    /// The one-page slip of a report, as this device's user may read it; the public edition
    /// also leaves out the GPS position.
    pub fn slip(&self, id: &ReportId, edition: Edition, lang: Lang) -> Result<Document> {
        let view = self.report(id)?;
        let unit = match self.unit(&view.unit_counted) {
            Some(u) => match (lang, &u.sw_name) {
                (Lang::Sw, Some(sw)) => sw.clone(),
                _ => u.name.clone(),
            },
            None => view.unit_counted.clone(),
        };
        Ok(document::slip(
            &slip_report(view),
            edition,
            lang,
            &unit,
            &self.preparer(),
            now_ms(),
        ))
    }

    /// Writes the slip of a report as PDF or HTML to `out`.
    pub fn write_slip(
        &self,
        id: &ReportId,
        edition: Edition,
        lang: Lang,
        format: Format,
        out: &Path,
    ) -> Result<()> {
        let doc = self.slip(id, edition, lang)?;
        let bytes = match format {
            Format::Html => html::render(&doc).into_bytes(),
            _ => pdf::render(&doc)?,
        };
        Ok(write_durably(out, &bytes)?)
    }

    /// Writes the slip of a report as PDF into `folder`, as `usalama-slip-ID-EDITION.pdf`.
    pub fn save_slip_in(
        &self,
        id: &ReportId,
        edition: Edition,
        lang: Lang,
        folder: &Path,
    ) -> Result<std::path::PathBuf> {
        let out = folder.join(format!("usalama-slip-{id}-{}.pdf", edition.as_str()));
        self.write_slip(id, edition, lang, Format::Pdf, &out)?;
        Ok(out)
    }

    fn preparer(&self) -> Preparer {
        Preparer {
            name: self.me.profile.name.clone(),
            role: self.me.profile.role.as_str().to_owned(),
        }
    }

    /// Whether the county marked this device's user as cleared to read restricted sections.
    pub(crate) fn is_cleared(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT cleared FROM identity WHERE id = 1", [], |r| {
                r.get::<_, bool>(0)
            })?)
    }
}

/// The store's view of a report, in the terms its slip is drawn from.
fn slip_report(view: ReportView) -> SlipReport {
    let signer = |a: Author| Signer {
        name: a.name,
        role: a.role,
        agency: a.agency,
    };
    SlipReport {
        id: view.id,
        document: view.document,
        status: view.status,
        lead_agency: view.lead_agency,
        reported_by: signer(view.reported_by),
        recorded_at: view.recorded_at,
        unit_counted: view.unit_counted,
        timeline: view
            .timeline
            .into_iter()
            .map(|t| SlipStep {
                kind: t.kind,
                at: t.at,
                by: signer(t.by),
                seq: t.entry.seq,
                hash: t.entry.hash,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::date;

    use crate::domain::{Lang, Report, Role};
    use crate::store::testing;
    use crate::summary::{Edition, SummaryRequest};

    #[test]
    fn a_summary_reads_the_subtree_and_both_periods() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = testing::store(
            dir.path(),
            "Joseph Korkimul",
            Role::Chief,
            "ke-024-l-ombolion",
            None,
        );
        let now = time::OffsetDateTime::now_utc();
        let doc = |at: &str, unit: &str| {
            Report::parse(
                &json!({"type": "killing", "occurred_at": at, "unit": unit,
                        "narrative": "A herder was shot.", "people": {"killed": 1}}),
                now,
            )
            .expect("report")
        };
        store
            .file_reports(&[
                doc("2025-11-03T05:00:00+03:00", "ke-024-v-takaywa"),
                doc("2025-10-20T05:00:00+03:00", "ke-024-l-ombolion"),
                doc("2025-11-04T05:00:00+03:00", "ke-024-w0641"),
            ])
            .expect("filed");
        let summary = store
            .summary(&SummaryRequest {
                unit: "ke-024-l-ombolion".into(),
                from: date!(2025 - 11 - 01),
                to: date!(2025 - 11 - 30),
                edition: Edition::Public,
            })
            .expect("summary");
        assert_eq!(summary.figures.incidents, 1);
        assert_eq!(summary.previous.incidents, 1);
        assert_eq!(summary.figures.killed.total.known, 1);
        assert_eq!(summary.prepared_by.name, "Joseph Korkimul");
    }

    #[test]
    fn a_slip_is_saved_as_a_pdf_named_by_report_and_edition() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = testing::store(
            &dir.path().join("home"),
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
        let ids = store.file_reports(&[report]).expect("filed");
        let out = store
            .save_slip_in(&ids[0], Edition::Public, Lang::Sw, dir.path())
            .expect("saved");
        assert_eq!(
            out.file_name().expect("name").to_string_lossy(),
            format!("usalama-slip-{}-public.pdf", ids[0])
        );
        assert!(std::fs::read(&out).expect("read").starts_with(b"%PDF"));
    }

    /// Two raids filed as one incident (the second linked to the first), assigned to the KDF
    /// and closed with the animals recovered and the arrests made.
    fn file_two_linked_raids_and_close(store: &mut crate::Store) {
        use crate::domain::Agency;
        use crate::lifecycle::{Action, Outcome};
        let now = time::OffsetDateTime::now_utc();
        let raid = |stolen: u32| {
            Report::parse(
                &json!({"type": "livestock_raid", "occurred_at": "2025-11-03T05:00:00+03:00",
                        "unit": "ke-024-v-takaywa", "narrative": "Raiders took cattle.",
                        "livestock": [{"species": "cattle", "stolen": stolen}]}),
                now,
            )
            .expect("report")
        };
        let ids = store.file_reports(&[raid(100), raid(90)]).expect("filed");
        let (primary, other) = (ids[0].to_string(), ids[1]);
        store.act(&primary, Action::Link { other }).expect("linked");
        store
            .act(
                &primary,
                Action::Assign {
                    lead: Agency::Kdf,
                    support: vec![],
                    replaces: None,
                },
            )
            .expect("assigned");
        let figures = json!({"livestock": [{"species": "cattle", "recovered": 60}], "arrests": 2});
        store
            .act(
                &primary,
                Action::Close {
                    outcome: Outcome::Resolved,
                    note: None,
                    figures: figures.as_object().cloned(),
                },
            )
            .expect("closed");
    }

    /// November 2025 in `unit`, public edition.
    fn november(unit: &str) -> SummaryRequest {
        SummaryRequest {
            unit: unit.into(),
            from: date!(2025 - 11 - 01),
            to: date!(2025 - 11 - 30),
            edition: Edition::Public,
        }
    }

    #[test]
    fn a_summary_counts_linked_reports_once_with_the_closures_figures() {
        use crate::domain::Agency;
        let dir = tempfile::tempdir().expect("dir");
        let mut store = testing::store(
            dir.path(),
            "County commissioner's desk",
            Role::Officer,
            "ke-024",
            Some(Agency::Ngao),
        );
        file_two_linked_raids_and_close(&mut store);
        let summary = store.summary(&november("ke-024")).expect("summary");
        let f = &summary.figures;
        assert_eq!(f.incidents, 1);
        assert_eq!(summary.linked_reports, 1);
        let cattle = f.species(crate::domain::Species::Cattle).expect("cattle");
        assert_eq!((cattle.stolen.known, cattle.recovered.known), (100, 60));
        assert_eq!(f.arrested, 2);
        assert_eq!(f.status("closed"), 1);
        let e = &summary.log[0];
        assert_eq!(e.lead_agency, Some(Agency::Kdf));
        assert_eq!(e.action.as_deref(), Some("resolved"));
        assert_eq!(e.also_reported, 1);

        // A needs assessment open at the period's end, in the area, is listed with its gaps;
        // one elsewhere, or over before the period ended, is not.
        let needs = |area: &str, to: &str| {
            json!({"operation": format!("Operation {area} {to}"), "area": area,
                   "from": "2025-11-10", "to": to, "lead": "kdf",
                   "items": [{"resource": "vehicles", "have": 1, "need": 4}]})
        };
        store
            .add_needs(&needs("ke-024-v-takaywa", "2025-12-15"))
            .expect("needs");
        store
            .add_needs(&needs("ke-024-v-takaywa", "2025-11-20"))
            .expect("needs");
        store
            .add_needs(&needs("ke-047", "2025-12-15"))
            .expect_err("not a unit here");
        let summary = store
            .summary(&november("ke-024-sc-pokot-north"))
            .expect("summary");
        let listed: Vec<&str> = summary.needs.iter().map(|n| n.operation.as_str()).collect();
        assert_eq!(listed, ["Operation ke-024-v-takaywa 2025-12-15"]);
        assert_eq!(summary.needs[0].items[0].gap(), 3);
        let html =
            crate::summary::html::render(&crate::summary::document::summary(&summary, Lang::Sw));
        assert!(html.contains("magari 3"), "the gap in Kiswahili");
    }

    #[test]
    fn a_summary_over_a_store_holding_a_huge_count_does_not_panic() {
        // A store written before received entries were checked may hold what no parser
        // accepts: the report that reached another unit with killed = 2^64 - 2.
        let dir = tempfile::tempdir().expect("dir");
        let mut store = testing::store(
            dir.path(),
            "Joseph Korkimul",
            Role::Chief,
            "ke-024-l-ombolion",
            None,
        );
        let report = |n: u64| {
            Report::parse(
                &json!({"type": "killing", "occurred_at": "2025-11-03T05:00:00+03:00",
                        "unit": "ke-024-l-ombolion", "narrative": "A herder was shot.",
                        "people": {"killed": n}}),
                time::OffsetDateTime::now_utc(),
            )
            .expect("report")
        };
        let ids = store
            .file_reports(&[report(1), report(2), report(3)])
            .expect("filed");
        let huge = u64::MAX - 1;
        for id in &ids[..2] {
            let held: String = store
                .conn
                .query_row(
                    "SELECT document FROM reports WHERE id = ?1",
                    [id.to_string()],
                    |r| r.get(0),
                )
                .expect("document");
            let mut doc: serde_json::Value = serde_json::from_str(&held).expect("json");
            doc["people"]["killed"] = json!(huge);
            doc["livestock"] = json!([{"species": "cattle", "stolen": huge}]);
            store
                .conn
                .execute(
                    "UPDATE reports SET document = ?2 WHERE id = ?1",
                    rusqlite::params![id.to_string(), doc.to_string()],
                )
                .expect("doctored");
        }
        let held: String = store
            .conn
            .query_row(
                "SELECT document FROM reports WHERE id = ?1",
                [ids[0].to_string()],
                |r| r.get(0),
            )
            .expect("document");
        assert!(held.contains(&huge.to_string()), "{held}");
        let summary = store
            .summary(&SummaryRequest {
                unit: "ke-024".into(),
                from: date!(2025 - 11 - 01),
                to: date!(2025 - 11 - 30),
                edition: Edition::Public,
            })
            .expect("summary");
        assert_eq!(summary.figures.incidents, 3);
        assert_eq!(summary.figures.killed.total.known, 3);
        assert_eq!(summary.figures.killed.total.unknown, 2);
        let out = dir.path().join("s.pdf");
        crate::summary::write(&summary, crate::summary::Format::Pdf, Lang::En, &out)
            .expect("rendered");
    }
}
