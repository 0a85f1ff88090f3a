//! Finding reports: resolving an id, filtering and counting, the newest-first list and the
//! board of open incidents.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;
use serde_json::{Map, Value};
use time::{Date, Time};

use super::{format_ms, Store};
use crate::domain::Agency;
use crate::error::{Error, Result};
use crate::gazetteer;
use crate::ledger::ReportId;

/// What `report list` may filter on. Every filter is optional.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub kind: Option<String>,
    /// A unit id: the unit and its whole subtree.
    pub unit: Option<String>,
    pub status: Option<String>,
    /// Calendar days in East Africa Time, both inclusive.
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// Words to find in the narrative, place, OB number and suspects' direction.
    pub search: Option<String>,
    /// Reports an agency acknowledged (or not yet), leads or supports.
    pub agency: Option<AgencyFilter>,
    /// Flash reports first, then urgent, then routine; newest first within each (an officer's
    /// inbox). Otherwise newest first.
    pub urgent_first: bool,
    pub limit: Option<usize>,
}

/// Reports by what an agency has to do with them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgencyFilter {
    pub agency: Agency,
    pub relation: Relation,
}

/// How an agency stands to a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Acknowledged,
    NotAcknowledged,
    Lead,
    Supporting,
}

impl Relation {
    pub fn parse(text: &str) -> std::result::Result<Relation, String> {
        Ok(match text {
            "acknowledged" => Relation::Acknowledged,
            "not_acknowledged" => Relation::NotAcknowledged,
            "lead" => Relation::Lead,
            "supporting" => Relation::Supporting,
            other => {
                return Err(format!(
                    "unknown relation {other:?}; allowed: acknowledged, not_acknowledged, lead, \
                     supporting"
                ))
            }
        })
    }
}

/// One incident on the board: its primary report and the reports linked to it as the same
/// incident.
#[derive(Debug, Clone, Serialize)]
pub struct Incident {
    pub primary: ReportRow,
    pub linked: Vec<ReportRow>,
}

/// One line of a report list.
#[derive(Debug, Clone, Serialize)]
pub struct ReportRow {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub urgency: String,
    pub status: String,
    pub occurred_at: String,
    pub unit: String,
    pub place: Option<String>,
    pub recorded_at: String,
    pub narrative: String,
    pub lead_agency: Option<String>,
    pub supporting_agencies: Vec<String>,
    pub acknowledged_by: Vec<String>,
    /// Reports this one names as the same incident.
    pub linked: Vec<String>,
}

impl Store {
    /// Finds the report whose id is `text`, or starts with it (at least 4 characters).
    pub fn resolve_report(&self, text: &str) -> Result<ReportId> {
        let text = text.trim();
        let digits = crate::ledger::crockford_digits(text);
        if digits.is_none() || text.len() < 4 || text.len() > 16 {
            return Err(Error::invalid(
                "id",
                format!(
                    "{text:?} is not a report id: ids have 16 letters and digits, and at least \
                     the first 4 are needed"
                ),
            ));
        }
        // Normalise look-alikes the way ids are printed, then match the prefix.
        let canonical: String = digits
            .unwrap_or_default()
            .iter()
            .map(|&d| b"0123456789abcdefghjkmnpqrstvwxyz"[usize::from(d)] as char)
            .collect();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM reports WHERE id >= ?1 AND id < ?1 || '~' LIMIT 2")?;
        let found: Vec<String> = stmt
            .query_map([&canonical], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        match found.as_slice() {
            [one] => ReportId::parse(one).ok_or_else(|| not_found(text)),
            // A flash alert relayed by SMS, folded into its full report since: that report.
            [] => match ReportId::parse(&canonical) {
                Some(id) => {
                    super::relays::folded_into(&self.conn, &id)?.ok_or_else(|| not_found(text))
                }
                None => Err(not_found(text)),
            },
            _ => Err(Error::invalid(
                "id",
                format!("{text:?} matches more than one report; give more of the id"),
            )),
        }
    }

    /// How many reports `filter` finds, its limit aside.
    pub fn count_reports(&self, filter: &ReportFilter) -> Result<u64> {
        let (conditions, args) = self.conditions(filter)?;
        let sql = format!("SELECT count(*) FROM reports r WHERE 1 = 1{conditions}");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?)
    }

    /// The SQL conditions of `filter` (each starting with " AND ") and their arguments.
    fn conditions(&self, filter: &ReportFilter) -> Result<Conditions> {
        let mut sql = String::new();
        let mut args: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
        if let Some(kind) = &filter.kind {
            args.push(Box::new(kind.clone()));
            sql.push_str(&format!(" AND type = ?{}", args.len()));
        }
        if let Some(unit) = &filter.unit {
            if self.unit(unit).is_none() {
                return Err(Error::broke("unit", gazetteer::unknown_unit(unit)));
            }
            let ids = gazetteer::subtree(&self.units, unit);
            args.push(Box::new(serde_json::to_string(&ids).unwrap_or_default()));
            sql.push_str(&format!(
                " AND unit IN (SELECT value FROM json_each(?{}))",
                args.len()
            ));
        }
        if let Some(status) = &filter.status {
            args.push(Box::new(status.clone()));
            sql.push_str(&format!(" AND status = ?{}", args.len()));
        }
        if let Some(from) = filter.from {
            args.push(Box::new(day_start_ms(from)));
            sql.push_str(&format!(" AND occurred_at >= ?{}", args.len()));
        }
        if let Some(to) = filter.to {
            let end = to.next_day().map_or(i64::MAX, day_start_ms);
            args.push(Box::new(end));
            sql.push_str(&format!(" AND occurred_at < ?{}", args.len()));
        }
        if let Some(query) = filter.search.as_deref().and_then(fts_query) {
            args.push(Box::new(query));
            sql.push_str(&format!(
                " AND rowid IN (SELECT rowid FROM reports_text WHERE reports_text MATCH ?{})",
                args.len()
            ));
        }
        if let Some(AgencyFilter { agency, relation }) = filter.agency {
            args.push(Box::new(agency.as_str()));
            let n = args.len();
            sql.push_str(&match relation {
                Relation::Acknowledged => format!(" AND acknowledged LIKE '%,' || ?{n} || ',%'"),
                Relation::NotAcknowledged => {
                    format!(" AND acknowledged NOT LIKE '%,' || ?{n} || ',%'")
                }
                Relation::Lead => format!(" AND lead = ?{n}"),
                Relation::Supporting => format!(" AND supporting LIKE '%,' || ?{n} || ',%'"),
            });
        }
        Ok((sql, args))
    }

    /// Reports matching `filter`, newest first.
    pub fn list_reports(&self, filter: &ReportFilter) -> Result<Vec<ReportRow>> {
        // Words that many reports hold: walk reports newest first and keep those the text index
        // holds, since fetching and sorting thousands of matches is slow. Rare words: fetch and
        // sort the few matches, since walking every report is slow.
        let walk = match filter.search.as_deref().and_then(fts_query) {
            Some(query) if self.text_matches_at_least(&query, 2_000)? => {
                "INDEXED BY reports_by_time"
            }
            _ => "",
        };
        let (conditions, mut args) = self.conditions(filter)?;
        let mut sql = format!("SELECT {ROW_COLUMNS} FROM reports r {walk} WHERE 1 = 1{conditions}");
        sql.push_str(if filter.urgent_first {
            // The expression of the `reports_by_urgency` index, word for word.
            " ORDER BY (CASE urgency WHEN 'flash' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END),
              occurred_at DESC, id"
        } else {
            " ORDER BY occurred_at DESC, id"
        });
        if let Some(limit) = filter.limit {
            args.push(Box::new(limit as i64));
            sql.push_str(&format!(" LIMIT ?{}", args.len()));
        }
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The board of open incidents (reports not closed): flash and urgent first, then newest,
    /// from at most `limit` open reports. Reports linked as one incident, in either direction,
    /// make one entry: the primary is the open report a link was recorded on, else an open one
    /// with a lead agency, else the open one that happened first; the others (closed ones too)
    /// are listed under it, in the order they happened.
    pub fn board(&self, limit: usize) -> Result<Vec<Incident>> {
        let open: Vec<ReportRow> = self
            .conn
            .prepare_cached(&format!(
                "SELECT {ROW_COLUMNS} FROM reports WHERE status != 'closed'
                 ORDER BY (CASE urgency WHEN 'flash' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END),
                          occurred_at DESC, id
                 LIMIT ?1"
            ))?
            .query_map([limit as i64], row)?
            .collect::<rusqlite::Result<_>>()?;
        // Few reports are linked: their links, both ways, fit in memory.
        let mut links: HashMap<String, Vec<String>> = HashMap::new();
        // Reports another names as the same incident: under it, as summaries count them.
        let mut secondary: HashSet<String> = HashSet::new();
        let linked: Vec<(String, String)> = self
            .conn
            .prepare_cached("SELECT id, linked FROM reports WHERE linked != ','")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, others) in linked {
            for other in items(others) {
                secondary.insert(other.clone());
                links.entry(id.clone()).or_default().push(other.clone());
                links.entry(other).or_default().push(id.clone());
            }
        }
        let mut placed: HashSet<String> = HashSet::new();
        let mut board = Vec::new();
        for first in &open {
            if placed.contains(&first.id) {
                continue;
            }
            // The whole incident: every report reachable through links.
            let mut members = vec![first.id.clone()];
            placed.insert(first.id.clone());
            let mut i = 0;
            while i < members.len() {
                for next in links.get(&members[i]).into_iter().flatten() {
                    if placed.insert(next.clone()) {
                        members.push(next.clone());
                    }
                }
                i += 1;
            }
            let mut rows = Vec::with_capacity(members.len());
            for id in &members {
                match open.iter().find(|r| &r.id == id) {
                    Some(r) => rows.push(r.clone()),
                    None => rows.extend(
                        self.conn
                            .prepare_cached(&format!(
                                "SELECT {ROW_COLUMNS} FROM reports WHERE id = ?1"
                            ))?
                            .query_row([id], row)
                            .optional()?,
                    ),
                }
            }
            // The primary: the open report a link was recorded on (as summaries count it), else
            // an open one with a lead agency (the one the agencies work on), else the open one
            // that happened first.
            let rank = |r: &ReportRow| {
                (
                    secondary.contains(&r.id),
                    r.lead_agency.is_none(),
                    happened(r),
                    r.id.clone(),
                )
            };
            let primary = rows
                .iter()
                .enumerate()
                .filter(|(_, r)| r.status != "closed")
                .min_by_key(|(_, r)| rank(r))
                .map_or(0, |(i, _)| i);
            let primary = rows.remove(primary);
            rows.sort_by_key(|r| (happened(r), r.id.clone()));
            board.push(Incident {
                primary,
                linked: rows,
            });
        }
        Ok(board)
    }

    fn text_matches_at_least(&self, query: &str, n: i64) -> Result<bool> {
        let count: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM
                 (SELECT rowid FROM reports_text WHERE reports_text MATCH ?1 LIMIT ?2)",
            )?
            .query_row(params![query, n], |r| r.get(0))?;
        Ok(count >= n)
    }

    /// How many reports the store holds.
    pub fn report_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM reports", [], |r| r.get(0))?)
    }
}

pub(super) fn not_found(text: &str) -> Error {
    Error::NotFound(format!(
        "no report with id {text:?} in this store; `usalama report list` shows the ids"
    ))
}

/// When a listed report happened, for ordering (its text may carry any offset).
fn happened(r: &ReportRow) -> i128 {
    time::OffsetDateTime::parse(
        &r.occurred_at,
        &time::format_description::well_known::Rfc3339,
    )
    .map_or(i128::MAX, |t| t.unix_timestamp_nanos())
}

/// The columns [`row`] reads, in its order.
const ROW_COLUMNS: &str = "id, type, urgency, status, occurred_at, unit, place, recorded_at, \
                           document, lead, supporting, acknowledged, linked";

/// A list stored as ",a,b," (or "," when empty), as its items.
fn items(text: String) -> Vec<String> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// SQL conditions, each starting with " AND ", and their arguments in order.
type Conditions = (String, Vec<Box<dyn rusqlite::ToSql>>);

fn row(r: &Row<'_>) -> rusqlite::Result<ReportRow> {
    let document: String = r.get(8)?;
    let document: Map<String, Value> = serde_json::from_str(&document).unwrap_or_default();
    Ok(ReportRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        urgency: r.get(2)?,
        status: r.get(3)?,
        occurred_at: document
            .get("occurred_at")
            .and_then(Value::as_str)
            .map_or_else(|| format_ms(r.get(4).unwrap_or(0)), str::to_owned),
        unit: r.get(5)?,
        place: r.get(6)?,
        recorded_at: format_ms(r.get(7)?),
        narrative: document
            .get("narrative")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        lead_agency: r.get(9)?,
        supporting_agencies: items(r.get(10)?),
        acknowledged_by: items(r.get(11)?),
        linked: items(r.get(12)?),
    })
}

/// Words typed by a user, as an FTS5 query: every word must appear, as a word or its start.
fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"*", w.to_lowercase()))
        .collect();
    (!words.is_empty()).then(|| words.join(" AND "))
}

fn day_start_ms(day: Date) -> i64 {
    let t = day.with_time(Time::MIDNIGHT).assume_offset(crate::EAT);
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::{Report, Role};
    use crate::store::testing;

    #[test]
    fn the_count_of_a_filter_is_every_report_it_finds_whatever_the_limit() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = testing::store(
            dir.path(),
            "Joseph Korkimul",
            Role::Chief,
            "ke-024-l-ombolion",
            None,
        );
        let now = time::OffsetDateTime::now_utc();
        let reports: Vec<Report> = (0..7)
            .map(|i| {
                let kind = if i < 5 { "livestock_raid" } else { "killing" };
                let doc = json!({"type": kind, "occurred_at": format!("2026-11-0{}T05:00:00+03:00", i + 1),
                                 "unit": "ke-024-l-ombolion", "narrative": format!("Report {i} at the river.")});
                Report::parse(&doc, now).expect("report")
            })
            .collect();
        store.file_reports(&reports).expect("filed");
        let raids = ReportFilter {
            kind: Some("livestock_raid".into()),
            limit: Some(2),
            ..ReportFilter::default()
        };
        assert_eq!(store.list_reports(&raids).expect("list").len(), 2);
        assert_eq!(store.count_reports(&raids).expect("count"), 5);
        assert_eq!(
            store
                .count_reports(&ReportFilter::default())
                .expect("count"),
            7
        );
        let searched = ReportFilter {
            search: Some("river".into()),
            limit: Some(1),
            ..ReportFilter::default()
        };
        assert_eq!(store.count_reports(&searched).expect("count"), 7);
        let bad = ReportFilter {
            unit: Some("ke-024-nowhere".into()),
            ..ReportFilter::default()
        };
        assert!(matches!(store.count_reports(&bad), Err(Error::Invalid(_))));
    }
}
