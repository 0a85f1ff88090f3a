//! The county's gazetteer at the hub: its units, added, renamed and retired by the
//! administrator and recorded in the hub's chain so that every device receives them.

use serde_json::{json, Value};
use usalama_protocol::gazetteer::{self, Unit, COUNTY, KINDS};
use usalama_protocol::ledger::EntryKind;

use super::{new_code, Hub};
use crate::db;
use crate::error::{HubError, Refusal, Result};
use crate::now_ms;

impl Hub {
    pub fn units(&self) -> Result<Vec<Unit>> {
        db::read(self.db(), |tx| tx.units())
    }

    /// Adds a unit under `parent`, on the parent's branch; every device receives it.
    pub fn add_unit(&self, name: &str, kind: &str, parent: &str) -> Result<Unit> {
        let units = self.units()?;
        let name = unit_name(name)?;
        if !KINDS.contains(&kind) || kind == "county" {
            return Err(HubError::refused(
                Refusal::Invalid,
                format!("--kind: one of {}", KINDS[1..].join(", ")),
            ));
        }
        let parent_unit = units.iter().find(|u| u.id == parent).ok_or_else(|| {
            HubError::refused(
                Refusal::UnknownUnit,
                format!("--parent: no unit {parent:?}"),
            )
        })?;
        let electoral = |k: &str| k == "constituency" || k == "ward";
        let rank = |k: &str| KINDS.iter().position(|x| *x == k).unwrap_or(0);
        let same_branch =
            parent_unit.kind == "county" || electoral(kind) == electoral(&parent_unit.kind);
        if !same_branch || rank(kind) <= rank(&parent_unit.kind) {
            return Err(HubError::refused(
                Refusal::Invalid,
                format!(
                    "a {kind} cannot be placed under a {} ({parent}); the electoral branch is \
                     county > constituency > ward, the administrative one county > sub_county > \
                     division > location > sub_location > village",
                    parent_unit.kind
                ),
            ));
        }
        let id = format!("{COUNTY}-u-{}", new_code().replace('-', "").to_lowercase());
        // A new id under an existing parent cannot close a loop, unless the gazetteer already
        // holds one (a damaged database): then nothing more is placed under it.
        let parent_of = |u: &str| {
            units
                .iter()
                .find(|x| x.id == u)
                .and_then(|x| x.parent.clone())
        };
        if gazetteer::would_loop(parent_of, &id, parent) {
            return Err(HubError::refused(
                Refusal::UnitLoop,
                format!(
                    "--parent: {parent:?} lies on a loop of parents in this hub's gazetteer; \
                     place the unit under another"
                ),
            ));
        }
        let unit = Unit {
            id,
            name: name.to_owned(),
            kind: kind.to_owned(),
            parent: Some(parent.to_owned()),
            sw_name: None,
            code: None,
            retired: false,
        };
        let now = now_ms();
        db::write(self.db(), |tx| {
            tx.upsert_unit(&unit)?;
            self.append(tx, EntryKind::UnitAdded, &unit_body(&unit), now)?;
            Ok(())
        })?;
        Ok(unit)
    }

    /// Renames a unit; its id, and so its reports, stay.
    pub fn rename_unit(&self, id: &str, name: &str) -> Result<Unit> {
        let name = unit_name(name)?;
        let name = name.as_str();
        self.change_unit(id, EntryKind::UnitRenamed, |u| u.name = name.to_owned())
    }

    /// Retires a unit: its reports keep it; it is offered for no new ones.
    pub fn retire_unit(&self, id: &str) -> Result<Unit> {
        self.change_unit(id, EntryKind::UnitRetired, |u| u.retired = true)
    }

    pub(super) fn change_unit(
        &self,
        id: &str,
        kind: EntryKind,
        change: impl Fn(&mut Unit),
    ) -> Result<Unit> {
        let now = now_ms();
        db::write(self.db(), |tx| {
            let mut unit = tx
                .units()?
                .into_iter()
                .find(|u| u.id == id)
                .ok_or_else(|| {
                    HubError::refused(
                        Refusal::UnknownUnit,
                        format!("no unit {id:?}; see `usalama-hub units list`"),
                    )
                })?;
            change(&mut unit);
            tx.upsert_unit(&unit)?;
            let body = match kind {
                EntryKind::UnitRenamed => json!({"id": unit.id, "name": unit.name}),
                _ => json!({"id": unit.id}),
            };
            self.append(tx, kind, &body, now)?;
            Ok(unit)
        })
    }
}

/// A unit's name as the administrator typed it: 1 to 100 characters on one line, with no
/// control or text-direction characters (every device prints it).
pub(super) fn unit_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > gazetteer::MAX_NAME {
        return Err(HubError::refused(
            Refusal::Invalid,
            format!("--name: 1 to {} characters", gazetteer::MAX_NAME),
        ));
    }
    usalama_protocol::domain::text::check(name, usalama_protocol::domain::text::Lines::One)
        .map_err(|message| HubError::refused(Refusal::Invalid, format!("--name: {message}")))?;
    Ok(name.to_owned())
}

pub(super) fn unit_body(u: &Unit) -> Value {
    json!({
        "id": u.id, "name": u.name, "kind": u.kind, "parent": u.parent,
        "sw_name": u.sw_name, "code": u.code,
    })
}
