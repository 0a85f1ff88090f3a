//! Showing one report: its current state, as much of it as this device may read, and its
//! timeline of every entry about it.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::{Map, Value};

use super::entries::{device_id, same_person};
use super::listing::not_found;
use super::projection::{dated_ahead, redactions_of, response};
use super::relays::{entries_with_relays, folded_into, relay_differs, relay_of};
use super::sources::Opener;
use super::{format_ms, Store};
use crate::domain::report::restricted_patch;
use crate::error::{Error, Result};
use crate::ledger::{fold_order, DeviceId, Entry, EntryKind, ReportId};
use crate::lifecycle::Step;
use crate::redaction::Redaction;

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
    /// The report is a flash alert the county hub received by SMS from the reporter's
    /// device, with this alert number: the hub's word for what it said, until the reporter's
    /// full report arrives (and this one is folded into it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relayed_alert: Option<u32>,
    /// The county hub relayed, under this report's alert number, an SMS that is not the alert
    /// the reporter's device made.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub relay_differs: bool,
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
    /// One report: its current state (restricted sections only for those who may read them)
    /// and every entry about it, oldest first.
    pub fn report(&self, id: &ReportId) -> Result<ReportView> {
        type Row = (Vec<u8>, String, i64, String, String, bool);
        let row: Option<Row> = self
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
            .optional()?;
        let Some((author, status, recorded_at, unit, document, source_sealed)) = row else {
            // A relayed SMS alert folded into its full report is shown as that report.
            return match folded_into(&self.conn, id)? {
                Some(full) if full != *id => self.report(&full),
                _ => Err(not_found(&id.to_string())),
            };
        };
        let mut document: Map<String, Value> = serde_json::from_str(&document).unwrap_or_default();
        let author = device_id(&author)?;
        let mine = self.is_author_of(&author)?;
        // A source is in the document only where it could be opened; suspects' names and group
        // are shown to the author and cleared readers.
        let may_read_restricted = mine || self.is_cleared()?;
        if !may_read_restricted {
            crate::domain::report::strip_restricted(&mut document);
        }
        let (mut entries, _) = entries_with_relays(&self.conn, id, |d| same_person(&self.conn, d))?;
        entries.sort_by(fold_order);
        let relayed_alert = match entries
            .iter()
            .find(|e| e.kind == EntryKind::SmsRelayed && e.report_id() == *id)
        {
            Some(filing) => relay_of(&self.conn, filing)?.map(|r| r.counter),
            None => None,
        };
        let relay_differs = relay_differs(&self.conn, &entries)?;
        let (response, steps) = response(&self.conn, &entries)?;
        let mut timeline = self.timeline(id, &entries, &author, &steps, may_read_restricted)?;
        let ahead = self.mark_receipt(id, &entries, &mut timeline)?;
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
            relayed_alert,
            relay_differs,
            reported_by: self.author(&author)?,
            device: author.to_string(),
            recorded_at: format_ms(recorded_at),
            dated_ahead: ahead,
            unit_counted: unit,
            timeline,
        })
    }

    /// Every entry about report `id` (in fold order) as its timeline shows it: sealed sources
    /// opened for the author's own devices, restricted sections only for those who may read
    /// them, each step's refusal and each removed body's redaction.
    fn timeline(
        &self,
        id: &ReportId,
        entries: &[Entry],
        author: &DeviceId,
        steps: &[Step],
        may_read_restricted: bool,
    ) -> Result<Vec<TimelineItem>> {
        let opener = Opener::new(&self.conn);
        let authors: Vec<DeviceId> = same_person(&self.conn, author)?;
        let by_author = |e: &Entry| e.device == *author || authors.contains(&e.device);
        let refused = |e: &Entry| {
            steps
                .iter()
                .find(|s| s.device == e.device && s.seq == e.seq)
                .and_then(|s| s.refused.clone())
        };
        let filing = entries
            .iter()
            .find(|e| e.kind.files_report() && e.report_id() == *id);
        let redactions = redactions_of(&self.conn, filing, entries)?;
        entries
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
                    None => self.redacted_mark(e, &redactions)?,
                };
                Ok(TimelineItem {
                    kind: e.kind.name(),
                    at: format_ms(e.at),
                    by: self.author(&e.device)?,
                    content,
                    entry: entry_ref(e),
                    refused: refused(e),
                    redacted,
                })
            })
            .collect()
    }

    /// The redaction that removed the body of `e`, if one of `redactions` did.
    fn redacted_mark(
        &self,
        e: &Entry,
        redactions: &[(Entry, Redaction)],
    ) -> Result<Option<RedactedMark>> {
        redactions
            .iter()
            .find(|(r, body)| body.removes(r, e))
            .map(|(r, body)| {
                Ok::<_, Error>(RedactedMark {
                    by: self.author(&r.device)?,
                    at: format_ms(r.at),
                    reason: Some(body.reason.clone()),
                    entry: entry_ref(r),
                })
            })
            .transpose()
    }

    /// "Received by the county", placed in `timeline` when the hub stored the filing. Returns
    /// whether the filing was dated ahead of that receipt.
    fn mark_receipt(
        &self,
        id: &ReportId,
        entries: &[Entry],
        timeline: &mut Vec<TimelineItem>,
    ) -> Result<bool> {
        let Some(filing) = entries
            .iter()
            .find(|e| e.kind.files_report() && e.report_id() == *id)
        else {
            return Ok(false);
        };
        let received: Option<i64> = self
            .conn
            .prepare_cached("SELECT received_at FROM entries WHERE device = ?1 AND seq = ?2")?
            .query_row(params![filing.device.0, filing.seq], |r| r.get(0))?;
        let ahead = received.is_some_and(|r| dated_ahead(filing.at, r));
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
                    entry: entry_ref(filing),
                    refused: None,
                    redacted: None,
                },
            );
        }
        Ok(ahead)
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

    /// Whether this device's person filed reports on `author`'s device.
    pub(super) fn is_author_of(&self, author: &DeviceId) -> Result<bool> {
        Ok(*author == self.me.device || same_person(&self.conn, &self.me.device)?.contains(author))
    }
}

/// Where an entry stands in its device's chain, as a timeline names it.
fn entry_ref(e: &Entry) -> EntryRef {
    EntryRef {
        device: e.device.to_string(),
        seq: e.seq,
        hash: e.hash().to_string(),
    }
}
