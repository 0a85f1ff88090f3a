//! The printable or tabular summary of a unit and a period.

use std::path::Path;

use serde_json::json;
use usalama_core::domain::Lang;
use usalama_core::error::{Broken, Rule};
use usalama_core::request::{Naming, SummaryQuery};
use usalama_core::summary::Format;
use usalama_core::Problems;

use super::input::{as_options, lang_or};
use super::unlock::{open, print_json};
use crate::args::SummaryArgs;
use crate::failure::Failure;

pub(super) fn write(home: &Path, args: SummaryArgs, json: bool) -> Result<(), Failure> {
    let mut problems = Problems::default();
    let format = Format::parse(&args.format)
        .map_err(|e| problems.add("--format", Broken::new(Rule::Choice, e)))
        .ok();
    if let Some(Err(e)) = args.lang.as_deref().map(Lang::parse) {
        problems.add("--lang", Broken::new(Rule::Choice, e));
    }
    let query = SummaryQuery {
        unit: args.unit.clone(),
        from: args.from.clone(),
        to: args.to.clone(),
        edition: Some(args.edition.clone()),
    };
    let request = query.request(Naming::Options, &mut problems);
    problems.into_result()?;
    let (Some(format), Some(request)) = (format, request) else {
        return Err(Failure::usage("bad summary options"));
    };
    let store = open(home)?;
    let lang = lang_or(store.identity().profile.lang, args.lang.as_deref())?;
    let summary = store.summary(&request).map_err(as_options)?;
    let written = usalama_core::summary::write(&summary, format, lang, &args.out)?;
    if json {
        return print_json(&json!({
            "files": written,
            "unit": summary.unit,
            "from": summary.period.from.to_string(),
            "to": summary.period.to.to_string(),
            "edition": summary.edition,
            "lang": lang.as_str(),
            "incidents": summary.figures.incidents,
        }));
    }
    for file in &written {
        say!("{}", file.display());
    }
    Ok(())
}
