//! [`Summary::build`]: the reports of a unit's subtree folded, in one pass, into the figures of
//! two periods, the incident log and the hotspots, then the lists and unit names drawn from
//! them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::figures::{Amount, Figures};
use super::incident::{log_entry, Incident, SummaryRow};
use super::model::{Hotspot, LogEntry, Pending, Preparer, Summary, UnitName, Waiting};
use super::period::Period;
use super::SummaryRequest;
use crate::domain::IncidentType;
use crate::error::{Error, Result};
use crate::gazetteer::Unit;

/// What a summary needs besides the reports.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub units: &'a [Unit],
    pub prepared_by: &'a Preparer,
    /// Unix milliseconds.
    pub prepared_at: i64,
}

/// How many hotspots a summary names.
const HOTSPOTS: usize = 5;

impl Summary {
    /// Folds `rows` (the reports of the unit's subtree in this period and the one before, in any
    /// order) into a summary.
    pub fn build(
        request: &SummaryRequest,
        context: Context<'_>,
        rows: impl IntoIterator<Item = SummaryRow>,
    ) -> Result<Summary> {
        let unit = context
            .units
            .iter()
            .find(|u| u.id == request.unit)
            .ok_or_else(|| Error::broke("unit", crate::gazetteer::unknown_unit(&request.unit)))?;
        let period = period_of(request)?;
        let previous_period = period.previous();
        let mut rows: Vec<SummaryRow> = rows.into_iter().collect();
        rows.sort_by(|a, b| (a.occurred_at_ms, &a.id).cmp(&(b.occurred_at_ms, &b.id)));
        let mut tally = Tally::new(&rows, period, previous_period);
        for row in rows {
            tally.add(row, request);
        }
        let Tally {
            figures,
            previous,
            log,
            spots,
            linked_reports,
            ..
        } = tally;
        let units = unit_names(context.units, &unit.id, &log);
        Ok(Summary {
            unit: unit.id.clone(),
            edition: request.edition,
            period,
            previous_period,
            prepared_by: context.prepared_by.clone(),
            prepared_at: crate::clock::format_ms(context.prepared_at),
            figures,
            previous,
            hotspots: hotspots(spots),
            early_warnings: positions(&log, |e| e.kind == IncidentType::EarlyWarning),
            peace_and_recoveries: positions(&log, |e| {
                matches!(
                    e.kind,
                    IncidentType::PeaceMeeting | IncidentType::LivestockRecovered
                )
            }),
            pending: pending(&log),
            log,
            needs: Vec::new(),
            warnings: Vec::new(),
            linked_reports,
            units,
        })
    }
}

fn period_of(request: &SummaryRequest) -> Result<Period> {
    if request.from > request.to {
        return Err(Error::invalid(
            "from",
            format!(
                "{} is after --to {}; give a period whose first day comes first",
                request.from, request.to
            ),
        ));
    }
    Ok(Period {
        from: request.from,
        to: request.to,
    })
}

/// The running totals of the one pass over the reports, oldest first.
struct Tally {
    now: (i64, i64),
    before: (i64, i64),
    /// How many reports are linked to each primary report.
    also: HashMap<String, u32>,
    figures: Figures,
    previous: Figures,
    log: Vec<LogEntry>,
    spots: HashMap<String, Hotspot>,
    linked_reports: u32,
}

impl Tally {
    fn new(rows: &[SummaryRow], period: Period, previous_period: Period) -> Tally {
        // Reports linked to a primary report are that incident: counted once, under the primary.
        let mut also: HashMap<String, u32> = HashMap::new();
        for row in rows {
            if let Some(primary) = &row.linked_to {
                let n = also.entry(primary.clone()).or_default();
                *n = n.saturating_add(1);
            }
        }
        Tally {
            now: period.bounds_ms(),
            before: previous_period.bounds_ms(),
            also,
            figures: Figures::default(),
            previous: Figures::default(),
            log: Vec::new(),
            spots: HashMap::new(),
            linked_reports: 0,
        }
    }

    fn add(&mut self, row: SummaryRow, request: &SummaryRequest) {
        let in_period = (self.now.0..self.now.1).contains(&row.occurred_at_ms);
        let in_previous = (self.before.0..self.before.1).contains(&row.occurred_at_ms);
        if !in_period && !in_previous {
            return;
        }
        if row.linked_to.is_some() {
            self.linked_reports = u32::saturating_add(self.linked_reports, u32::from(in_period));
            return;
        }
        let incident = Incident::read(&row);
        let spot = self
            .spots
            .entry(row.unit.clone())
            .or_insert_with(|| Hotspot {
                unit: row.unit.clone(),
                incidents: 0,
                previous: 0,
                killed: Amount::default(),
                early_warnings: 0,
            });
        if in_previous {
            self.previous.count(&incident);
            if incident.is_insecurity() {
                spot.previous = spot.previous.saturating_add(1);
            }
            return;
        }
        self.figures.count(&incident);
        if incident.is_insecurity() {
            spot.incidents = spot.incidents.saturating_add(1);
            spot.killed.merge(incident.killed.total);
        } else if incident.kind == IncidentType::EarlyWarning {
            spot.early_warnings = spot.early_warnings.saturating_add(1);
        }
        let also = self.also.get(&row.id).copied().unwrap_or(0);
        self.log
            .push(log_entry(row, incident, request.edition, also));
    }
}

/// The units with the most security incidents, most first.
fn hotspots(spots: HashMap<String, Hotspot>) -> Vec<Hotspot> {
    let mut hotspots: Vec<Hotspot> = spots.into_values().filter(|s| s.incidents > 0).collect();
    hotspots.sort_by(|a, b| b.incidents.cmp(&a.incidents).then(a.unit.cmp(&b.unit)));
    hotspots.truncate(HOTSPOTS);
    hotspots
}

/// The positions in the log of the entries `keep` chooses.
fn positions(log: &[LogEntry], keep: impl Fn(&LogEntry) -> bool) -> Vec<usize> {
    log.iter()
        .enumerate()
        .filter(|(_, e)| keep(e))
        .map(|(i, _)| i)
        .collect()
}

/// Open incidents other than peace meetings and what each waits for, most urgent first.
fn pending(log: &[LogEntry]) -> Vec<Pending> {
    let mut pending: Vec<Pending> = log
        .iter()
        .enumerate()
        .filter(|(_, e)| e.status != "closed" && e.kind != IncidentType::PeaceMeeting)
        .map(|(i, e)| Pending {
            entry: i,
            waiting: match e.status.as_str() {
                "pending" => Waiting::Send,
                "received" => Waiting::Acknowledge,
                _ => Waiting::Response,
            },
        })
        .collect();
    // Most urgent first; the log is oldest first, and the sort is stable.
    pending.sort_by_key(|p| log[p.entry].urgency);
    pending
}

/// The names of the summary's unit, of every unit the log mentions, and of their parents.
fn unit_names(gazetteer: &[Unit], unit: &str, log: &[LogEntry]) -> BTreeMap<String, UnitName> {
    let mut units = BTreeMap::new();
    name_unit(&mut units, gazetteer, unit);
    let mentioned: BTreeSet<&str> = log.iter().map(|e| e.unit.as_str()).collect();
    for id in mentioned {
        name_unit(&mut units, gazetteer, id);
    }
    let parents: Vec<String> = units.values().filter_map(|u| u.parent.clone()).collect();
    for p in parents {
        name_unit(&mut units, gazetteer, &p);
    }
    units
}

fn name_unit(units: &mut BTreeMap<String, UnitName>, gazetteer: &[Unit], id: &str) {
    if let Some(u) = gazetteer.iter().find(|u| u.id == id) {
        units.entry(id.to_owned()).or_insert_with(|| UnitName {
            name: u.name.clone(),
            sw_name: u.sw_name.clone(),
            kind: u.kind.clone(),
            parent: u.parent.clone(),
        });
    }
}
