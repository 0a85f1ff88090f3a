//! Recording, amending, redacting, finding and showing reports.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, OptionalExtension, Row, Transaction, TransactionBehavior};
use serde::Serialize;
use serde_json::{Map, Value};
use time::{Date, Time};

use super::county::{record_source, unsealed_source, Opener};
use super::{format_ms, now_ms, Store};
use crate::domain::report::{apply_restricted, gives, restricted_patch, take_restricted};
use crate::domain::{Agency, Amendment, Report, Role};
use crate::error::{Broken, Error, Problems, Result, Rule};
use crate::gazetteer::{self, COUNTY};
use crate::ledger::{fold_order, DeviceId, Draft, Entry, EntryKind, Hash, ReportId};
use crate::projection::project_with;
use crate::redaction::{targets_in, Redaction};

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

/// One entry of a report's timeline.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineItem {
    pub kind: String,
    pub at: String,
    pub by: Author,
    pub content: Value,
    pub entry: EntryRef,
    /// Why this step changed nothing (the author's role or agency may not take it then).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
    /// Set when the entry's content was removed by a redaction: who removed it, and when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redacted: Option<RedactedMark>,
}

/// "Redacted by … at …": the mark an entry whose content was removed keeps in the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct RedactedMark {
    pub by: Author,
    pub at: String,
    pub reason: Option<String>,
    /// The redaction entry.
    pub entry: EntryRef,
}

#[derive(Debug, Clone, Serialize)]
pub struct Author {
    pub name: String,
    pub role: String,
    pub agency: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EntryRef {
    pub device: String,
    pub seq: u64,
    pub hash: String,
}

/// A report's current state and its timeline, as `report show` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub id: String,
    #[serde(flatten)]
    pub document: Map<String, Value>,
    pub status: String,
    pub lead_agency: Option<String>,
    pub supporting_agencies: Vec<String>,
    pub outcome: Option<String>,
    /// The closure's figures (livestock recovered, arrests, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub figures: Option<Map<String, Value>>,
    pub linked: Vec<String>,
    /// Agencies acknowledging the report.
    pub acknowledged_by: Vec<String>,
    /// Two assignments made without knowledge of each other named these leads (the one in
    /// force first); empty when there is no disagreement.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contested_lead: Vec<String>,
    /// The report has restricted sections (its source, the suspects' names or group) sealed
    /// to keys this device does not hold (yet).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub source_sealed: bool,
    pub reported_by: Author,
    pub device: String,
    pub recorded_at: String,
    /// Its device dated it more than an hour after the hub received it (a clock running
    /// ahead): `recorded_at` is the hub's receipt.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dated_ahead: bool,
    pub unit_counted: String,
    pub timeline: Vec<TimelineItem>,
}

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
        let author: Vec<u8> = self
            .conn
            .query_row(
                "SELECT author FROM reports WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| not_found(&id.to_string()))?;
        let author = device_id(&author)?;
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

    /// Whether this device's person filed reports on `author`'s device.
    fn is_author_of(&self, author: &DeviceId) -> Result<bool> {
        Ok(*author == self.me.device || same_person(&self.conn, &self.me.device)?.contains(author))
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
            [] => Err(not_found(text)),
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

    /// One report: its current state (restricted sections only for those who may read them)
    /// and every entry about it, oldest first.
    pub fn report(&self, id: &ReportId) -> Result<ReportView> {
        type Row = (Vec<u8>, String, i64, String, String, bool);
        let (author, status, recorded_at, unit, document, source_sealed): Row = self
            .conn
            .query_row(
                "SELECT author, status, recorded_at, unit, document, source_sealed
                 FROM reports WHERE id = ?1",
                [id.to_string()],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| not_found(&id.to_string()))?;
        let mut document: Map<String, Value> = serde_json::from_str(&document).unwrap_or_default();
        let author = device_id(&author)?;
        let mine = self.is_author_of(&author)?;
        // A source is in the document only where it could be opened; suspects' names and group
        // are shown to the author and cleared readers.
        let may_read_restricted = mine || self.is_cleared()?;
        if !may_read_restricted {
            crate::domain::report::strip_restricted(&mut document);
        }
        let mut entries = entries_about(&self.conn, id)?;
        entries.sort_by(fold_order);
        let opener = Opener::new(&self.conn);
        let authors: Vec<DeviceId> = same_person(&self.conn, &author)?;
        let by_author = |e: &Entry| e.device == author || authors.contains(&e.device);
        let (response, steps) = super::incidents::response(&self.conn, &entries)?;
        let refused = |e: &Entry| {
            steps
                .iter()
                .find(|s| s.device == e.device && s.seq == e.seq)
                .and_then(|s| s.refused.clone())
        };
        let filing = entries
            .iter()
            .find(|e| e.kind == EntryKind::ReportFiled && e.report_id() == *id);
        let redactions = redactions_of(&self.conn, filing, &entries)?;
        let mut timeline = entries
            .iter()
            .map(|e| {
                let mut content = match (Redaction::of(e), e.kind) {
                    (Some(r), _) => r.summary(),
                    (None, EntryKind::SourceSealed) if by_author(e) => {
                        opener.source(e).map_or(Value::Null, |sealed| {
                            Value::Object(restricted_patch(sealed))
                        })
                    }
                    (None, EntryKind::SourceSealed) => Value::Null,
                    (None, _) => e.body_json().unwrap_or(Value::Null),
                };
                if !may_read_restricted {
                    if let Value::Object(map) = &mut content {
                        crate::domain::report::strip_restricted(map);
                    }
                }
                let redacted = match e.body {
                    Some(_) => None,
                    None => redactions
                        .iter()
                        .find(|(r, body)| body.removes(r, e))
                        .map(|(r, body)| {
                            Ok::<_, Error>(RedactedMark {
                                by: self.author(&r.device)?,
                                at: format_ms(r.at),
                                reason: Some(body.reason.clone()),
                                entry: EntryRef {
                                    device: r.device.to_string(),
                                    seq: r.seq,
                                    hash: r.hash().to_string(),
                                },
                            })
                        })
                        .transpose()?,
                };
                Ok(TimelineItem {
                    kind: e.kind.name(),
                    at: format_ms(e.at),
                    by: self.author(&e.device)?,
                    content,
                    entry: EntryRef {
                        device: e.device.to_string(),
                        seq: e.seq,
                        hash: e.hash().to_string(),
                    },
                    refused: refused(e),
                    redacted,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        // "Received by the county", when the hub stored the filing.
        let mut ahead = false;
        if let Some(filing) = entries.iter().find(|e| e.kind == EntryKind::ReportFiled) {
            let received: Option<i64> = self
                .conn
                .prepare_cached("SELECT received_at FROM entries WHERE device = ?1 AND seq = ?2")?
                .query_row(params![filing.device.0, filing.seq], |r| r.get(0))?;
            ahead = received.is_some_and(|r| dated_ahead(filing.at, r));
            if let Some(at) = received {
                // Among the entries (the timeline so far, in the same order), by time in ms:
                // the printed times may be equal within a second.
                let position = entries
                    .iter()
                    .position(|e| e.at > at)
                    .unwrap_or(timeline.len())
                    .max(1);
                timeline.insert(
                    position,
                    TimelineItem {
                        kind: "received_by_county".into(),
                        at: format_ms(at),
                        by: Author {
                            name: "County hub".into(),
                            role: "hub".into(),
                            agency: None,
                        },
                        content: Value::Null,
                        entry: EntryRef {
                            device: filing.device.to_string(),
                            seq: filing.seq,
                            hash: filing.hash().to_string(),
                        },
                        refused: None,
                        redacted: None,
                    },
                );
            }
        }
        Ok(ReportView {
            id: id.to_string(),
            document,
            status,
            lead_agency: response.lead.map(|a| a.as_str().to_owned()),
            supporting_agencies: response
                .supporting
                .iter()
                .map(|a| a.as_str().to_owned())
                .collect(),
            outcome: response.outcome.map(|o| o.as_str().to_owned()),
            figures: response.figures.clone(),
            linked: response.linked.iter().map(ToString::to_string).collect(),
            acknowledged_by: response
                .acknowledged_by
                .iter()
                .map(|a| a.as_str().to_owned())
                .collect(),
            contested_lead: response
                .contested
                .iter()
                .map(|a| a.as_str().to_owned())
                .collect(),
            source_sealed,
            reported_by: self.author(&author)?,
            device: author.to_string(),
            recorded_at: format_ms(recorded_at),
            dated_ahead: ahead,
            unit_counted: unit,
            timeline,
        })
    }

    pub(super) fn author(&self, device: &DeviceId) -> Result<Author> {
        let found = self
            .conn
            .prepare_cached("SELECT name, role, agency FROM devices WHERE device = ?1")?
            .query_row([device.0], |r| {
                Ok(Author {
                    name: r.get(0)?,
                    role: r.get(1)?,
                    agency: r.get(2)?,
                })
            })
            .optional()?;
        Ok(found.unwrap_or_else(|| Author {
            name: format!("device {}", &device.to_string()[..8]),
            role: "unknown".into(),
            agency: None,
        }))
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

    /// How many reports the store holds.
    pub fn report_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM reports", [], |r| r.get(0))?)
    }
}

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
        let report = exists("SELECT 1 FROM reports WHERE id = ?1", &id.to_string());
        let this = exists(
            "SELECT 1 FROM entries WHERE hash = ?1 AND kind = 1",
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

/// Items stored as ",a,b,", so that `LIKE '%,a,%'` finds one.
/// SQL conditions, each starting with " AND ", and their arguments in order.
type Conditions = (String, Vec<Box<dyn rusqlite::ToSql>>);

fn stored_list(items: impl IntoIterator<Item = String>) -> String {
    let mut text = String::from(",");
    for item in items {
        text.push_str(&item);
        text.push(',');
    }
    text
}

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

/// Appends `draft` to this device's chain, right after its head. Must run in a write
/// transaction, which makes reading the head and appending one step.
pub(super) fn append(tx: &Transaction<'_>, me: &super::Identity, draft: Draft) -> Result<Entry> {
    let (seq, head, last_at): (u64, Option<Vec<u8>>, Option<i64>) = tx
        .prepare_cached("SELECT head_seq, head_hash, head_at FROM identity WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let prev = match head {
        Some(h) => Hash(h.try_into().map_err(|_| {
            Error::Integrity("the stored chain head is damaged; run `usalama verify`".into())
        })?),
        None => Hash::GENESIS,
    };
    // Never earlier than the previous entry, so (at, device, seq) follows the chain.
    let at = now_ms().max(last_at.map_or(i64::MIN, |a| a + 1));
    let entry = Entry::sign(draft, &me.key, seq + 1, prev, at);
    insert_entry(tx, &entry, None)?;
    tx.prepare_cached(
        "UPDATE identity SET head_seq = ?1, head_hash = ?2, head_at = ?3 WHERE id = 1",
    )?
    .execute(params![entry.seq, entry.hash().0, entry.at])?;
    Ok(entry)
}

/// Stores an entry; `received_at` is when the hub stored it, if it came from the hub.
pub(super) fn insert_entry(
    tx: &Transaction<'_>,
    e: &Entry,
    received_at: Option<i64>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO entries (device, seq, format, kind, at, prev, subject, body_hash, body,
                              signature, hash, about, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        e.device.0,
        e.seq,
        e.format,
        e.kind.code(),
        e.at,
        e.prev.0,
        e.subject.map(|s| s.to_string()),
        e.body_hash.0,
        e.body,
        e.signature,
        e.hash().0,
        e.about().map(|s| s.to_string()),
        received_at,
    ])?;
    Ok(())
}

pub(super) fn entry_from_row(r: &Row<'_>) -> rusqlite::Result<Entry> {
    let blob = |i: usize| -> rusqlite::Result<Vec<u8>> { r.get(i) };
    let fixed = |i: usize, v: Vec<u8>| -> rusqlite::Result<[u8; 32]> {
        v.try_into().map_err(|_| {
            rusqlite::Error::InvalidColumnType(i, "hash".into(), rusqlite::types::Type::Blob)
        })
    };
    let device: [u8; 16] = blob(0)?.try_into().map_err(|_| {
        rusqlite::Error::InvalidColumnType(0, "device".into(), rusqlite::types::Type::Blob)
    })?;
    let signature: Option<Vec<u8>> = r.get(9)?;
    let signature: Option<[u8; 64]> =
        signature.map(|s| s.try_into()).transpose().map_err(|_| {
            rusqlite::Error::InvalidColumnType(9, "signature".into(), rusqlite::types::Type::Blob)
        })?;
    let subject: Option<String> = r.get(6)?;
    Ok(Entry {
        device: DeviceId(device),
        seq: r.get(1)?,
        format: r.get(2)?,
        kind: EntryKind::from_code(r.get(3)?),
        at: r.get(4)?,
        prev: Hash(fixed(5, blob(5)?)?),
        subject: subject.as_deref().and_then(ReportId::parse),
        body_hash: Hash(fixed(7, blob(7)?)?),
        // Read leniently: a body altered to text must show up in `verify`, not crash it.
        body: match r.get_ref(8)? {
            rusqlite::types::ValueRef::Blob(b) | rusqlite::types::ValueRef::Text(b) => {
                Some(b.to_vec())
            }
            _ => None,
        },
        signature,
    })
}

pub(super) const ENTRY_COLUMNS: &str =
    "device, seq, format, kind, at, prev, subject, body_hash, body, signature";

pub(super) fn entries_about(conn: &rusqlite::Connection, id: &ReportId) -> Result<Vec<Entry>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS} FROM entries WHERE about = ?1"
    ))?;
    let entries = stmt
        .query_map([id.to_string()], entry_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(entries)
}

/// The other devices of the person using `device` (a replacement laptop), as the hub's chain
/// announced them.
pub(super) fn same_person(conn: &rusqlite::Connection, device: &DeviceId) -> Result<Vec<DeviceId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.device FROM devices d JOIN devices me ON me.person = d.person
         WHERE me.device = ?1 AND d.device != ?1 AND d.person IS NOT NULL",
    )?;
    let ids = stmt
        .query_map([device.0], |r| r.get::<_, Vec<u8>>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ids
        .into_iter()
        .filter_map(|id| <[u8; 16]>::try_from(id).ok().map(DeviceId))
        .collect())
}

/// What [`reproject`] did.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Reprojected {
    /// The store holds the report's filing (else there is no projection yet).
    pub held: bool,
    /// Bodies a redaction removed just now.
    pub removed: usize,
}

/// Whether an entry dated `at` was dated ahead of the hub's receipt by more than the skew
/// allowed ([`crate::ledger::MAX_AHEAD_MS`]).
fn dated_ahead(at: i64, received: i64) -> bool {
    at > received.saturating_add(crate::ledger::MAX_AHEAD_MS)
}

/// Rebuilds the projection of report `id` from every entry about it, first applying every
/// redaction of the report to the bodies still held (so an entry stored after its redaction
/// never keeps its body).
pub(super) fn reproject(tx: &Transaction<'_>, id: &ReportId) -> Result<Reprojected> {
    let mut entries = entries_about(tx, id)?;
    let filing_at = entries
        .iter()
        .position(|e| e.kind == EntryKind::ReportFiled && e.report_id() == *id);
    let redactions = redactions_of(tx, filing_at.map(|i| &entries[i]), &entries)?;
    let mut removed = 0;
    for e in entries.iter_mut().filter(|e| e.body.is_some()) {
        if redactions.iter().any(|(r, body)| body.removes(r, e)) {
            tx.prepare_cached("UPDATE entries SET body = NULL WHERE device = ?1 AND seq = ?2")?
                .execute(params![e.device.0, e.seq])?;
            e.body = None;
            removed += 1;
        }
    }
    removed += scrub_carried(tx, &redactions)?;
    let Some(filing) = filing_at.map(|i| &entries[i]) else {
        return Ok(Reprojected {
            held: false,
            removed,
        });
    };
    let others: Vec<Entry> = entries
        .iter()
        .filter(|e| e.hash() != filing.hash())
        .cloned()
        .collect();
    let entitled: HashSet<DeviceId> = redactions.iter().map(|(r, _)| r.device).collect();
    let opener = Opener::new(tx);
    let author_devices = same_person(tx, &filing.device)?;
    let state_changes_source = |e: &Entry| match e.kind {
        EntryKind::ReportRedacted => entitled.contains(&e.device),
        EntryKind::SourceSealed => e.device == filing.device || author_devices.contains(&e.device),
        _ => false,
    };
    let superseded_at = others
        .iter()
        .filter(|e| state_changes_source(e))
        .map(|e| e.at)
        .max();
    let mut state = project_with(
        filing,
        &others,
        &author_devices,
        &|e| entitled.contains(&e.device),
        &|e| opener.source(e),
    );
    // A source written here before any county key was known waits unsealed: the latest, unless
    // a redaction or the author's other device came after it.
    if let Some(waiting) = unsealed_source(tx, id, superseded_at)? {
        apply_restricted(&mut state.document, &restricted_patch(waiting));
        state.source_sealed = false;
    }
    let row = ProjectedRow::of(tx, &state)?;
    let received: Option<i64> = tx
        .prepare_cached("SELECT received_at FROM entries WHERE device = ?1 AND seq = ?2")?
        .query_row(params![filing.device.0, filing.seq], |r| r.get(0))?;
    // A report its device dated far ahead of the hub's receipt is ordered by the receipt: a
    // wrong clock must not keep it at the top of every list for years.
    if let Some(received) = received.filter(|r| dated_ahead(filing.at, *r)) {
        state.recorded_at = received;
    }
    let (response, _) = super::incidents::response(tx, &entries)?;
    let status = match (response.status, received) {
        (Some(step), _) => step,
        (None, Some(_)) => "received",
        (None, None) => "pending",
    };
    let rowid: i64 = tx
        .prepare_cached(
            "INSERT INTO reports (id, author, type, urgency, status, occurred_at, recorded_at,
                                  unit, place, amendments, document, lead, supporting,
                                  acknowledged, linked, source_sealed)
             VALUES (?1, ?2, ?3, ?4, ?11, ?5, ?6, ?7, ?8, ?9, ?10, ?12, ?13, ?14, ?15, ?16)
             ON CONFLICT (id) DO UPDATE SET
                type = excluded.type, urgency = excluded.urgency, status = excluded.status,
                occurred_at = excluded.occurred_at, recorded_at = excluded.recorded_at,
                unit = excluded.unit,
                place = excluded.place, amendments = excluded.amendments,
                document = excluded.document, lead = excluded.lead,
                supporting = excluded.supporting, acknowledged = excluded.acknowledged,
                linked = excluded.linked, source_sealed = excluded.source_sealed
             RETURNING rowid",
        )?
        .query_row(
            params![
                id.to_string(),
                state.author.0,
                row.kind,
                row.urgency,
                state.occurred_at_ms(),
                state.recorded_at,
                row.unit,
                row.place,
                state.amendments,
                row.document,
                status,
                response.lead.map(Agency::as_str),
                stored_list(response.supporting.iter().map(|a| a.as_str().to_owned())),
                stored_list(
                    response
                        .acknowledged_by
                        .iter()
                        .map(|a| a.as_str().to_owned())
                ),
                stored_list(response.linked.iter().map(ToString::to_string)),
                state.source_sealed,
            ],
            |r| r.get(0),
        )?;
    tx.prepare_cached("DELETE FROM reports_text WHERE rowid = ?1")?
        .execute([rowid])?;
    tx.prepare_cached(
        "INSERT INTO reports_text (rowid, narrative, place, other) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![rowid, row.narrative, row.place, row.other])?;
    if removed > 0 {
        // A deleted row's words stay in the text index's older segments until they are
        // merged: merge them now, so the removed text leaves the index too.
        tx.execute(
            "INSERT INTO reports_text (reports_text) VALUES ('optimize')",
            [],
        )?;
    }
    Ok(Reprojected {
        held: true,
        removed,
    })
}

/// Entries carried here for the hub (from another device's bundle) keep no body a redaction
/// names either: they travel on without it, which the hub accepts (the hash is unchanged).
fn scrub_carried(tx: &Transaction<'_>, redactions: &[(Entry, Redaction)]) -> Result<usize> {
    let mut removed = 0;
    for (r, body) in redactions {
        for t in &body.targets {
            let held: Option<Vec<u8>> = tx
                .prepare_cached("SELECT entry FROM carried WHERE device = ?1 AND seq = ?2")?
                .query_row(params![t.device.0, t.seq], |row| row.get(0))
                .optional()?;
            let Some(Ok((mut carried, _))) = held.map(|b| Entry::decode(&b)) else {
                continue;
            };
            if carried.body.is_some() && body.removes(r, &carried) {
                carried.body = None;
                tx.prepare_cached("UPDATE carried SET entry = ?3 WHERE device = ?1 AND seq = ?2")?
                    .execute(params![t.device.0, t.seq, carried.encode()])?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}

/// The redactions among `entries` (about one report) whose author may redact it, each with its
/// body. Without the filing, only the administrator's count.
fn redactions_of(
    conn: &rusqlite::Connection,
    filing: Option<&Entry>,
    entries: &[Entry],
) -> Result<Vec<(Entry, Redaction)>> {
    let mut decided: HashMap<DeviceId, bool> = HashMap::new();
    let mut out = Vec::new();
    for e in entries {
        let Some(body) = Redaction::of(e) else {
            continue;
        };
        let allowed = match decided.get(&e.device) {
            Some(a) => *a,
            None => {
                let a = match filing {
                    Some(f) => may_redact(conn, &f.device, &e.device)?,
                    None => is_administrator(conn, &e.device)?,
                };
                decided.insert(e.device, a);
                a
            }
        };
        if allowed {
            out.push((e.clone(), body));
        }
    }
    Ok(out)
}

/// Whether `redactor` may redact a report filed by `author`: the same device or person, or
/// the county administrator.
fn may_redact(conn: &rusqlite::Connection, author: &DeviceId, redactor: &DeviceId) -> Result<bool> {
    if author == redactor || is_administrator(conn, redactor)? {
        return Ok(true);
    }
    let person = |d: &DeviceId| -> Result<Option<String>> {
        Ok(conn
            .prepare_cached("SELECT person FROM devices WHERE device = ?1")?
            .query_row([d.0], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten())
    };
    Ok(matches!((person(author)?, person(redactor)?), (Some(a), Some(b)) if a == b))
}

/// Whether `device` is the county administrator's: a device with the role `admin`, or the hub.
fn is_administrator(conn: &rusqlite::Connection, device: &DeviceId) -> Result<bool> {
    let role: Option<String> = conn
        .prepare_cached("SELECT role FROM devices WHERE device = ?1")?
        .query_row([device.0], |r| r.get(0))
        .optional()?;
    Ok(matches!(role.as_deref(), Some(r) if r == Role::Admin.as_str() || r == "hub"))
}

/// Rebuilds every report's row (after a migration that added columns).
pub(super) fn reproject_all(tx: &Transaction<'_>) -> Result<()> {
    let ids: Vec<String> = tx
        .prepare("SELECT id FROM reports")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids.iter().filter_map(|id| ReportId::parse(id)) {
        reproject(tx, &id)?;
    }
    Ok(())
}

/// The columns of a report row, read leniently from its document so that a document written by
/// a newer version still lists.
pub(super) struct ProjectedRow {
    pub kind: String,
    pub urgency: String,
    pub unit: String,
    pub place: Option<String>,
    pub narrative: String,
    pub other: String,
    pub document: String,
}

impl ProjectedRow {
    pub fn of(tx: &Transaction<'_>, state: &crate::projection::ReportState) -> Result<Self> {
        let text = |k: &str| state.field(k).map(str::to_owned);
        // A report with no unit counts under its reporter's unit, or the county.
        let unit = match text("unit") {
            Some(u) => u,
            None => tx
                .prepare_cached("SELECT unit FROM devices WHERE device = ?1")?
                .query_row([state.author.0], |r| r.get::<_, Option<String>>(0))
                .optional()?
                .flatten()
                .unwrap_or_else(|| COUNTY.to_owned()),
        };
        let doc = &state.document;
        let mut other = Vec::new();
        for path in [
            &["ob", "number"][..],
            &["ob", "station"],
            &["suspects", "direction"],
        ] {
            if let Some(v) = path
                .iter()
                .try_fold(Value::Object(doc.clone()), |v, k| v.get(*k).cloned())
                .and_then(|v| v.as_str().map(str::to_owned))
            {
                other.push(v);
            }
        }
        Ok(ProjectedRow {
            kind: text("type").unwrap_or_else(|| "other".into()),
            urgency: text("urgency").unwrap_or_else(|| "routine".into()),
            unit,
            place: text("place"),
            narrative: text("narrative").unwrap_or_default(),
            other: other.join(" "),
            document: Value::Object(doc.clone()).to_string(),
        })
    }
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

fn device_id(bytes: &[u8]) -> Result<DeviceId> {
    let id: [u8; 16] = bytes
        .try_into()
        .map_err(|_| Error::Integrity("a stored device id is damaged".into()))?;
    Ok(DeviceId(id))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::admission::{admit, AdmissionContext};
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
