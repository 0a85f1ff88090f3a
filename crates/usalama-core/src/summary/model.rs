//! The summary model every rendering prints: the incident log, the hotspots, the open
//! incidents, who prepared it and the names of the units it mentions.

use std::collections::BTreeMap;

use serde::Serialize;

use super::figures::{Amount, Figures, PeopleTotal};
use super::period::Period;
use super::words::{self, Words};
use crate::domain::{Agency, IncidentType, Lang, SourceKind, Species, Urgency};

/// Which readers a summary is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Edition {
    /// For the baraza (the default): no restricted field and no GPS.
    Public,
    /// For the security committee: everything the reader may read.
    Restricted,
}

impl Edition {
    pub const ALL: &'static [&'static str] = &["public", "restricted"];

    pub fn parse(text: &str) -> Result<Edition, String> {
        match text {
            "public" => Ok(Edition::Public),
            "restricted" => Ok(Edition::Restricted),
            other => Err(format!(
                "unknown edition {other:?}; allowed: public (for the baraza, the default), \
                 restricted (for the security committee)"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Edition::Public => "public",
            Edition::Restricted => "restricted",
        }
    }

    /// The banner printed on every page.
    pub fn banner(self, w: &Words) -> String {
        match self {
            Edition::Public => format!("{}: {}", w.edition_public, w.edition_public_note),
            Edition::Restricted => {
                format!("{}: {}", w.edition_restricted, w.edition_restricted_note)
            }
        }
    }

    pub fn label(self, w: &Words) -> &'static str {
        match self {
            Edition::Public => w.edition_public,
            Edition::Restricted => w.edition_restricted,
        }
    }
}

/// The restricted details of an incident, in the restricted edition only, and each only where
/// the reader may read it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Restricted {
    pub gps: Option<(f64, f64)>,
    pub source: Option<SourceView>,
    pub suspect_names: Vec<String>,
    pub suspect_group: Option<String>,
}

impl Restricted {
    pub fn is_empty(&self) -> bool {
        self.gps.is_none()
            && self.source.is_none()
            && self.suspect_names.is_empty()
            && self.suspect_group.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceView {
    pub kind: Option<SourceKind>,
    pub name: Option<String>,
    pub contact: Option<String>,
    pub notes: Option<String>,
}

/// A livestock line of one incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LivestockLine {
    pub species: Species,
    pub stolen: Amount,
    pub recovered: Amount,
    pub killed: Amount,
}

/// One line of the incident log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogEntry {
    pub id: String,
    /// `YYYY-MM-DD HH:MM`, East Africa Time.
    pub when: String,
    pub unit: String,
    pub place: Option<String>,
    #[serde(rename = "type")]
    pub kind: IncidentType,
    pub urgency: Urgency,
    /// The narrative, cut short at a word.
    pub narrative: String,
    pub narrative_cut: bool,
    /// Agencies told of the incident when it was reported.
    pub agencies: Vec<Agency>,
    /// The agency leading the response, once one is named.
    pub lead_agency: Option<Agency>,
    /// The latest action recorded by the response, or its outcome.
    pub action: Option<String>,
    /// `OB 12/20/11/2026, Sigor`.
    pub ob: Option<String>,
    pub status: String,
    pub killed: PeopleTotal,
    pub injured: PeopleTotal,
    pub abducted: PeopleTotal,
    pub livestock: Vec<LivestockLine>,
    /// Other reports linked to this one as the same incident.
    pub also_reported: u32,
    /// Only in the restricted edition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restricted: Option<Restricted>,
}

/// A unit with the most incidents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hotspot {
    pub unit: String,
    pub incidents: u32,
    pub previous: u32,
    pub killed: Amount,
    pub early_warnings: u32,
}

/// What an open incident waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Waiting {
    /// Still on this device: to be sent to the county hub.
    Send,
    /// On the hub: for an agency to acknowledge it.
    Acknowledge,
    /// Acknowledged or responding: for the response to end.
    Response,
}

/// An open incident and what it waits for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pending {
    /// Its position in [`Summary::log`].
    pub entry: usize,
    pub waiting: Waiting,
}

/// Who prepared a summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preparer {
    pub name: String,
    pub role: String,
}

/// A unit's names in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitName {
    pub name: String,
    pub sw_name: Option<String>,
    pub kind: String,
    pub parent: Option<String>,
}

/// The summary of a unit and its subtree over a period, beside the period before.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub unit: String,
    pub edition: Edition,
    pub period: Period,
    pub previous_period: Period,
    pub prepared_by: Preparer,
    /// RFC 3339, East Africa Time.
    pub prepared_at: String,
    pub figures: Figures,
    pub previous: Figures,
    /// Every incident of the period, oldest first.
    pub log: Vec<LogEntry>,
    pub hotspots: Vec<Hotspot>,
    /// Positions in [`Summary::log`].
    pub early_warnings: Vec<usize>,
    /// Positions in [`Summary::log`]: peace meetings and livestock recoveries.
    pub peace_and_recoveries: Vec<usize>,
    /// Open incidents other than peace meetings, most urgent first, then oldest first.
    pub pending: Vec<Pending>,
    /// Operations in the unit's subtree whose needs assessment is open at the period's end,
    /// with their gaps (see [`crate::needs`]).
    pub needs: Vec<crate::needs::Needs>,
    /// The early warnings raised in the period in the unit's subtree, oldest first (filled by
    /// the store, which holds the acknowledgements).
    pub warnings: Vec<SummaryWarning>,
    /// Reports not counted on their own because they are linked to a primary report.
    pub linked_reports: u32,
    /// The names of every unit the summary mentions.
    pub units: BTreeMap<String, UnitName>,
}

/// A warning as a summary prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryWarning {
    pub id: String,
    pub rule: crate::warning::Rule,
    /// The unit (or border) it is about.
    pub area: String,
    /// The sub-county it counts under in the public edition (or the area itself).
    pub sub_county: String,
    /// YYYY-MM-DD.
    pub day: String,
    /// "Name (agency): what was done", one per acknowledgement.
    pub acknowledged: Vec<String>,
    /// Conflict incidents in the same area within 14 days after it.
    pub followed_by: usize,
}

impl Summary {
    /// A unit's name in `lang`, or its id when the gazetteer does not know it.
    pub fn unit_name(&self, id: &str, lang: Lang) -> String {
        match self.units.get(id) {
            Some(u) => match (lang, &u.sw_name) {
                (Lang::Sw, Some(sw)) => sw.clone(),
                _ => u.name.clone(),
            },
            None => id.to_owned(),
        }
    }

    /// "Takaywa (Ombolion)": a unit with its parent, which tells places with one name apart.
    pub fn unit_with_parent(&self, id: &str, lang: Lang) -> String {
        let name = self.unit_name(id, lang);
        match self.units.get(id).and_then(|u| u.parent.as_deref()) {
            Some(parent) if parent != crate::gazetteer::COUNTY => {
                format!("{name} ({})", self.unit_name(parent, lang))
            }
            _ => name,
        }
    }

    /// Where an incident happened, as the log prints it: the place name and the unit.
    pub fn place(&self, e: &LogEntry, lang: Lang) -> String {
        let unit = self.unit_name(&e.unit, lang);
        match &e.place {
            Some(place) => format!("{place}, {unit}"),
            None => unit,
        }
    }

    /// The agencies column: the lead agency when named, else the agencies told.
    pub fn agencies(&self, e: &LogEntry, w: &Words) -> String {
        match e.lead_agency {
            Some(lead) => format!("{} ({})", words::agency_short(lead), w.lead),
            None => e
                .agencies
                .iter()
                .map(|a| words::agency_short(*a))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// A signed difference, "+3", "−2" or "0".
pub fn change(now: u64, before: u64) -> String {
    match now.cmp(&before) {
        std::cmp::Ordering::Greater => format!("+{}", now - before),
        std::cmp::Ordering::Less => format!("−{}", before - now),
        std::cmp::Ordering::Equal => "0".into(),
    }
}

/// A report as its slip prints it: its current document and state, who reported it and its
/// timeline. The store fills it from its own view of the report, so that the slip is drawn
/// from the summary's model alone.
#[derive(Debug, Clone, PartialEq)]
pub struct SlipReport {
    pub id: String,
    pub document: serde_json::Map<String, serde_json::Value>,
    pub status: String,
    /// The agency leading the response, as recorded (a known agency's id, or other text).
    pub lead_agency: Option<String>,
    pub reported_by: Signer,
    /// RFC 3339.
    pub recorded_at: String,
    /// The unit it counts under.
    pub unit_counted: String,
    pub timeline: Vec<SlipStep>,
}

/// Who signed an entry: a name, a role and, for an officer, an agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    pub name: String,
    pub role: String,
    pub agency: Option<String>,
}

/// One step of a report's timeline, with the ledger entry that records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlipStep {
    /// The entry's kind: `report_filed`, `report_amended`, ...
    pub kind: String,
    /// RFC 3339.
    pub at: String,
    pub by: Signer,
    pub seq: u64,
    pub hash: String,
}
