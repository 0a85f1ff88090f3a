//! What both shells ask the store for, as they receive it (text from a form or a command line),
//! parsed once here: the desktop app and the CLI give the same bad values the same error, every
//! problem at once and naming its field.
//!
//! - [`ReportQuery`]: a list of reports (the report list, an officer's inbox).
//! - [`SummaryQuery`]: a summary of a unit and a period.
//!
//! Problems name their fields as the shell that asked names them ([`Naming`]): the report
//! document's and the forms' names (`type`, `from`), or the CLI's options (`--type`, `--from`).

use serde::Deserialize;
use time::Date;

use crate::domain::{Agency, IncidentType};
use crate::error::{Broken, Error, Problems, Result, Rule};
use crate::store::{AgencyFilter, Relation, ReportFilter};
use crate::summary::{Edition, SummaryRequest, STATUSES};

/// How a shell names the fields of what it asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// As the forms and the report document name them: `from`.
    Fields,
    /// As the command line's options: `--from`.
    Options,
}

impl Naming {
    fn name(self, field: &str) -> String {
        match self {
            Naming::Fields => field.to_owned(),
            Naming::Options => format!("--{field}"),
        }
    }
}

/// A list of reports as asked for; empty text asks for nothing.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReportQuery {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// A unit id: the unit and its whole subtree (an unknown one is refused by the store).
    pub unit: Option<String>,
    pub status: Option<String>,
    /// Calendar days as YYYY-MM-DD (East Africa Time), both inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    pub search: Option<String>,
    /// With `relation` (acknowledged by default): reports this agency acknowledged, has not
    /// acknowledged yet, leads or supports.
    pub agency: Option<String>,
    pub relation: Option<String>,
    /// Flash and urgent first (an officer's inbox).
    pub urgent_first: bool,
    pub limit: Option<usize>,
}

impl ReportQuery {
    /// The filter, or every problem with the query, its fields named by `naming`.
    pub fn filter(self, naming: Naming) -> Result<ReportFilter> {
        let mut problems = Problems::default();
        let given = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
        let kind = given(self.kind);
        if let Some(Err(e)) = kind.as_deref().map(IncidentType::parse) {
            problems.add(naming.name("type"), Broken::new(Rule::Choice, e));
        }
        let status = given(self.status);
        if let Some(status) = status.as_deref().filter(|s| !STATUSES.contains(s)) {
            let allowed = STATUSES.join(", ");
            problems.add(
                naming.name("status"),
                Broken::new(
                    Rule::Choice,
                    format!("unknown status {status:?}; allowed: {allowed}"),
                ),
            );
        }
        let (from, to) = period(given(self.from), given(self.to), naming, &mut problems);
        let agency = match given(self.agency) {
            None => None,
            Some(agency) => {
                let agency = Agency::parse(agency.trim())
                    .map_err(|e| problems.add(naming.name("agency"), Broken::new(Rule::Choice, e)));
                let relation = given(self.relation);
                let relation = Relation::parse(
                    relation.as_deref().unwrap_or("acknowledged").trim(),
                )
                .map_err(|e| problems.add(naming.name("relation"), Broken::new(Rule::Choice, e)));
                match (agency, relation) {
                    (Ok(agency), Ok(relation)) => Some(AgencyFilter { agency, relation }),
                    _ => None,
                }
            }
        };
        problems.into_result()?;
        Ok(ReportFilter {
            kind,
            unit: given(self.unit),
            status,
            from,
            to,
            search: given(self.search),
            agency,
            urgent_first: self.urgent_first,
            limit: self.limit,
        })
    }
}

/// A summary as asked for.
#[derive(Debug, Clone, Deserialize)]
pub struct SummaryQuery {
    pub unit: String,
    pub from: String,
    pub to: String,
    /// `public` (the default) or `restricted`.
    #[serde(default)]
    pub edition: Option<String>,
}

impl SummaryQuery {
    /// The request, or every problem with the query (`from`, `to`, `edition`, named by
    /// `naming`), added to `problems` (the shell's own options' problems may be there already).
    pub fn request(self, naming: Naming, problems: &mut Problems) -> Option<SummaryRequest> {
        let edition = Edition::parse(self.edition.as_deref().unwrap_or("public"))
            .map_err(|e| problems.add(naming.name("edition"), Broken::new(Rule::Choice, e)))
            .ok();
        let given = |s: String| Some(s).filter(|s| !s.trim().is_empty());
        let (from, to) = (given(self.from), given(self.to));
        for (field, value) in [("from", &from), ("to", &to)] {
            if value.is_none() {
                problems.add(
                    naming.name(field),
                    Broken::new(
                        Rule::Required,
                        "is required: the first and the last day, as YYYY-MM-DD",
                    ),
                );
            }
        }
        let (from, to) = period(from, to, naming, problems);
        Some(SummaryRequest {
            unit: self.unit,
            from: from?,
            to: to?,
            edition: edition?,
        })
    }

    /// [`SummaryQuery::request`] alone: the request or its problems.
    pub fn parse(self, naming: Naming) -> Result<SummaryRequest> {
        let mut problems = Problems::default();
        let request = self.request(naming, &mut problems);
        problems.into_result()?;
        request.ok_or_else(|| Error::invalid("", "the summary's options are incomplete"))
    }
}

/// Two calendar days, the first not after the second; each problem added to `problems`.
fn period(
    from: Option<String>,
    to: Option<String>,
    naming: Naming,
    problems: &mut Problems,
) -> (Option<Date>, Option<Date>) {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let mut day = |field: &str, text: Option<String>| {
        let text = text?;
        Date::parse(text.trim(), &format)
            .map_err(|_| {
                problems.push(
                    naming.name(field),
                    format!("{text:?} is not a calendar day; use YYYY-MM-DD, e.g. 2026-11-20"),
                )
            })
            .ok()
    };
    let (from, to) = (day("from", from), day("to", to));
    if let (Some(first), Some(last)) = (from, to) {
        if first > last {
            let last_day = match naming {
                Naming::Fields => "the last day".to_owned(),
                Naming::Options => naming.name("to"),
            };
            problems.push(
                naming.name("from"),
                format!(
                    "{first} is after {last_day} {last}; give a period whose first day comes first"
                ),
            );
            return (None, None);
        }
    }
    (from, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: Error) -> Vec<String> {
        match e {
            Error::Invalid(problems) => problems.0.into_iter().map(|p| p.field).collect(),
            other => panic!("not a problem with the query: {other}"),
        }
    }

    #[test]
    fn every_bad_value_of_a_report_query_is_named_at_once() {
        let query = ReportQuery {
            kind: Some("raid".into()),
            status: Some("open".into()),
            from: Some("20-11-2026".into()),
            agency: Some("army".into()),
            ..ReportQuery::default()
        };
        assert_eq!(
            fields(query.filter(Naming::Fields).expect_err("refused")),
            ["type", "status", "from", "agency"]
        );
        let backwards = ReportQuery {
            from: Some("2026-11-20".into()),
            to: Some("2026-11-19".into()),
            ..ReportQuery::default()
        };
        assert_eq!(
            fields(backwards.filter(Naming::Fields).expect_err("refused")),
            ["from"]
        );
    }

    #[test]
    fn empty_text_asks_for_nothing_and_good_values_pass() {
        let query = ReportQuery {
            kind: Some("livestock_raid".into()),
            status: Some(" ".into()),
            from: Some("2026-11-01".into()),
            to: Some("2026-11-30".into()),
            agency: Some("nps".into()),
            ..ReportQuery::default()
        };
        let filter = query.filter(Naming::Fields).expect("a filter");
        assert_eq!(filter.kind.as_deref(), Some("livestock_raid"));
        assert_eq!(filter.status, None);
        assert_eq!(
            filter.agency.map(|a| a.relation),
            Some(Relation::Acknowledged)
        );
    }

    #[test]
    fn a_summary_needs_both_days_in_order_and_a_known_edition() {
        let query = |from: &str, to: &str, edition: &str| SummaryQuery {
            unit: "ke-024".into(),
            from: from.into(),
            to: to.into(),
            edition: Some(edition.into()),
        };
        assert_eq!(
            fields(
                query("", "2026-11-30", "public")
                    .parse(Naming::Fields)
                    .expect_err("refused")
            ),
            ["from"]
        );
        assert_eq!(
            fields(
                query("2026-11-30", "2026-11-01", "secret")
                    .parse(Naming::Fields)
                    .expect_err("refused")
            ),
            ["edition", "from"]
        );
        let request = query("2026-11-01", "2026-11-30", "restricted")
            .parse(Naming::Fields)
            .expect("a request");
        assert_eq!(request.edition, Edition::Restricted);
    }
}
