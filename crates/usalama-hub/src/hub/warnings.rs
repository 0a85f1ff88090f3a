//! The county's early-warning settings at the hub: set by the administrator from a file and
//! recorded in the hub's chain, so that every device receives them as it receives the units.

use serde_json::Value;
use usalama_protocol::ledger::EntryKind;
use usalama_protocol::warning::Settings;

use super::Hub;
use crate::db;
use crate::error::{HubError, Refusal, Result};
use crate::now_ms;

const META: &str = "warning-settings";

impl Hub {
    /// The settings every device applies: the last the administrator set, or the defaults.
    pub fn warning_settings(&self) -> Result<Settings> {
        let units = self.units()?;
        let stored = db::read(self.db(), |tx| tx.meta(META))?;
        Ok(stored
            .and_then(|s| serde_json::from_str::<Value>(&s).ok())
            .and_then(|v| Settings::parse(&v, &|id| units.iter().any(|u| u.id == id)).ok())
            .unwrap_or_default())
    }

    /// Checks `doc` as every device will, and records it: fields it leaves out take their
    /// defaults. Bad settings change nothing.
    pub fn set_warning_settings(&self, doc: &Value) -> Result<Settings> {
        let units = self.units()?;
        let settings = Settings::parse(doc, &|id| units.iter().any(|u| u.id == id))
            .map_err(|e| HubError::refused(Refusal::Invalid, e.to_string()))?;
        let body = settings.to_value();
        let now = now_ms();
        db::write(self.db(), |tx| {
            tx.set_meta(META, &body.to_string())?;
            self.append(tx, EntryKind::WarningsConfigured, &body, now)?;
            Ok(())
        })?;
        Ok(settings)
    }
}
