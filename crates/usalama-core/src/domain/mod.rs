//! What a report holds, as types that can only hold valid values.

pub mod report;
pub mod taxonomy;

pub use report::{apply_changes, Amendment, Count, Livestock, People, PeopleFigure, Report, Tally};
pub use taxonomy::{Agency, IncidentType, Lang, Role, SourceKind, Species, Urgency};
