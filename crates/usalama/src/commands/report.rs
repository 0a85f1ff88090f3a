//! Reports: recording, amending and redacting them, finding them, and showing or printing one.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use time::OffsetDateTime;
use usalama_core::domain::{Amendment, Lang, Report};
use usalama_core::error::{Broken, Rule};
use usalama_core::request::{Naming, ReportQuery};
use usalama_core::summary::{Edition, Format};
use usalama_core::Problems;

use super::input::{display_name, lang_or, read_json};
use super::report_view::{in_eat, print_report, unit_name};
use super::unlock::{open, print_json, warn_clock};
use crate::args::{ListArgs, SlipArgs};
use crate::failure::Failure;

use usalama_core::domain::text::escape_line;

pub(super) fn add(home: &Path, files: &[PathBuf], json: bool) -> Result<(), Failure> {
    let now = OffsetDateTime::now_utc();
    let mut reports = Vec::new();
    let mut problems = Problems::default();
    for file in files {
        let name = display_name(file);
        let docs = match read_json(file) {
            Ok(Value::Array(docs)) => docs.into_iter().map(Some).collect(),
            Ok(doc) => vec![Some(doc)],
            Err(f) => {
                problems.push("", f.message);
                vec![]
            }
        };
        let many = docs.len() > 1;
        for (i, doc) in docs.into_iter().flatten().enumerate() {
            match Report::parse(&doc, now) {
                Ok(r) => reports.push(r),
                Err(p) if many => {
                    problems.extend(p.within(&format!("{name} [document {}]", i + 1)))
                }
                Err(p) => problems.extend(p.within(&name)),
            }
        }
    }
    problems.into_result()?;
    if reports.is_empty() {
        return Err(Failure::usage(
            "the files hold no report documents; nothing was written",
        ));
    }
    let mut store = open(home)?;
    warn_clock(&store)?;
    let ids = store.file_reports(&reports)?;
    if json {
        return print_json(&ids.iter().map(ToString::to_string).collect::<Vec<_>>());
    }
    for id in ids {
        say!("{id}");
    }
    Ok(())
}

pub(super) fn amend(home: &Path, id: &str, file: &Path, json: bool) -> Result<(), Failure> {
    let doc = read_json(file)?;
    let amendment = Amendment::parse(&doc, OffsetDateTime::now_utc())
        .map_err(|p| usalama_core::Error::Invalid(p.within(&display_name(file))))?;
    let mut store = open(home)?;
    warn_clock(&store)?;
    let id = store.resolve_report(id)?;
    store.amend_report(&id, &amendment)?;
    if json {
        return print_json(&json!({ "id": id.to_string(), "amended": true }));
    }
    say!("Amended report {id}");
    Ok(())
}

pub(super) fn redact(
    home: &Path,
    id: &str,
    file: &Path,
    reason: &str,
    json: bool,
) -> Result<(), Failure> {
    let doc = read_json(file)?;
    let replacement = Report::parse(&without_view_fields(doc), OffsetDateTime::now_utc())
        .map_err(|p| usalama_core::Error::Invalid(p.within(&display_name(file))))?;
    let mut store = open(home)?;
    warn_clock(&store)?;
    let id = store.resolve_report(id)?;
    let removed = store.redact_report(&id, &replacement, reason)?;
    if json {
        return print_json(&json!({ "id": id.to_string(), "redacted": true, "removed": removed }));
    }
    say!(
        "Redacted report {id}: the content of {removed} earlier {} was removed from this device;          the county hub and other devices remove it at their next sync",
        if removed == 1 { "entry" } else { "entries" }
    );
    Ok(())
}

/// A report document from FILE, which may be `report show --json` output edited: the fields
/// that `show` adds (status, timeline, …) are not part of a document and are set aside.
fn without_view_fields(doc: Value) -> Value {
    match doc {
        Value::Object(mut map) if map.contains_key("timeline") => {
            map.retain(|k, _| usalama_core::domain::report::REPORT_FIELDS.contains(&k.as_str()));
            Value::Object(map)
        }
        other => other,
    }
}

pub(super) fn list(home: &Path, args: ListArgs, json: bool) -> Result<(), Failure> {
    let query = ReportQuery {
        kind: args.kind,
        unit: args.unit,
        status: args.status,
        from: args.from,
        to: args.to,
        search: args.search,
        limit: args.limit.or((!json).then_some(50)),
        ..ReportQuery::default()
    };
    let filter = query.filter(Naming::Options)?;
    let store = open(home)?;
    let rows = store.list_reports(&filter)?;
    if json {
        return print_json(&rows);
    }
    if rows.is_empty() {
        say!("No reports match.");
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "{:<16}  {:<16}  {:<22}  {:<8}  {:<9}  PLACE",
        "ID", "OCCURRED (EAT)", "TYPE", "URGENCY", "STATUS"
    );
    for r in &rows {
        let when = in_eat(&r.occurred_at);
        let place = r
            .place
            .clone()
            .unwrap_or_else(|| unit_name(&store, &r.unit));
        // One line per report, whatever its text holds.
        let row = format!(
            "{:<16}  {:<16}  {:<22}  {:<8}  {:<9}  {place}",
            r.id, when, r.kind, r.urgency, r.status
        );
        let _ = writeln!(out, "{}", escape_line(&row));
    }
    Ok(())
}

pub(super) fn show(home: &Path, id: &str, json: bool) -> Result<(), Failure> {
    let store = open(home)?;
    let id = store.resolve_report(id)?;
    let view = store.report(&id)?;
    if json {
        return print_json(&view);
    }
    print_report(&store, &view);
    Ok(())
}

pub(super) fn slip(home: &Path, args: SlipArgs, json: bool) -> Result<(), Failure> {
    let mut problems = Problems::default();
    let edition = Edition::parse(&args.edition)
        .map_err(|e| problems.add("--edition", Broken::new(Rule::Choice, e)))
        .ok();
    let format = match args.format.as_str() {
        "pdf" => Some(Format::Pdf),
        "html" => Some(Format::Html),
        other => {
            problems.add(
                "--format",
                Broken::new(
                    Rule::Choice,
                    format!("unknown format {other:?} for a slip; allowed: pdf, html"),
                ),
            );
            None
        }
    };
    if let Some(Err(e)) = args.lang.as_deref().map(Lang::parse) {
        problems.add("--lang", Broken::new(Rule::Choice, e));
    }
    problems.into_result()?;
    let (Some(edition), Some(format)) = (edition, format) else {
        return Err(Failure::usage("bad slip options"));
    };
    let store = open(home)?;
    let lang = lang_or(store.identity().profile.lang, args.lang.as_deref())?;
    let id = store.resolve_report(&args.id)?;
    store.write_slip(&id, edition, lang, format, &args.out)?;
    if json {
        return print_json(&json!({ "id": id.to_string(), "file": args.out }));
    }
    say!("{}", args.out.display());
    Ok(())
}
