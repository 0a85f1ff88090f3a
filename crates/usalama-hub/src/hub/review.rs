//! What the administrator reviews: entries kept without effect (refused on arrival, or left
//! without effect by a report's response) and forks kept aside.

use std::collections::{BTreeMap, HashMap};

use usalama_protocol::ledger::{fold_order, DeviceId, Entry, ReportId};
use usalama_protocol::lifecycle::Actor;

use super::rules::actor_of;
use super::Hub;
use crate::db::{self, Fork};
use crate::error::Result;

impl Hub {
    /// Entries kept without effect, for the administrator: those the hub refused when they
    /// arrived, and response steps that the report's state left without effect when every
    /// device folds them (closing a closed report, an update from an agency that does not
    /// lead), as every device's projection does.
    pub fn refused(&self) -> Result<Vec<db::Refused>> {
        db::read(self.db(), |tx| {
            let mut refused = tx.refused()?;
            let mut by_report: BTreeMap<ReportId, Vec<(Entry, i64)>> = BTreeMap::new();
            for (entry, received_at) in tx.response_steps()? {
                if let Some(id) = entry.subject {
                    by_report.entry(id).or_default().push((entry, received_at));
                }
            }
            let mut actors: HashMap<DeviceId, Option<Actor>> = HashMap::new();
            for (id, mut steps) in by_report {
                steps.sort_by(|a, b| fold_order(&a.0, &b.0));
                for (e, _) in &steps {
                    if let std::collections::hash_map::Entry::Vacant(slot) = actors.entry(e.device)
                    {
                        slot.insert(tx.device(&e.device)?.as_ref().map(actor_of));
                    }
                }
                let entries: Vec<&Entry> = steps.iter().map(|(e, _)| e).collect();
                let (_, folded) = usalama_protocol::lifecycle::fold(&entries, |d| {
                    actors.get(d).copied().flatten()
                });
                for (step, (e, received_at)) in folded.into_iter().zip(&steps) {
                    if let Some(why) = step.refused {
                        refused.push(db::Refused {
                            device: e.device,
                            seq: e.seq,
                            kind: e.kind.name(),
                            reason: format!("no effect on report {id}: {why}"),
                            received_at: *received_at,
                        });
                    }
                }
            }
            refused.sort_by_key(|r| r.received_at);
            Ok(refused)
        })
    }

    pub fn forks(&self) -> Result<Vec<Fork>> {
        db::read(self.db(), |tx| tx.forks())
    }
}
