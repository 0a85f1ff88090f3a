//! What a report holds, as types that can only hold valid values.
//!
//! - [`report`]: the report document and its amendments, one module per section.
//! - [`figures`]: the figures recorded when an incident is closed.
//! - [`taxonomy`]: the closed vocabularies (types, urgencies, species, agencies, roles).
//! - [`text`]: the characters new text may not hold, and how they are shown when it does.

pub mod figures;
pub mod report;
pub mod taxonomy;
pub mod text;

pub use figures::parse_figures;
pub use report::{apply_changes, Amendment, Count, Livestock, People, PeopleFigure, Report, Tally};
pub use taxonomy::{
    Agency, IncidentType, Indicator, IndicatorFamily, Lang, Role, SourceKind, Species, Urgency,
};
pub use text::Origin;
