//! One function per command: read the input, call the core, print for people or as JSON.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{json, Value};
use time::OffsetDateTime;
use usalama_core::domain::{Agency, Amendment, Lang, Report, Role};
use usalama_core::enrollment::Enrollment;
use usalama_core::error::{Broken, Rule};
use usalama_core::keys::KdfParams;
use usalama_core::request::{Naming, ReportQuery, SummaryQuery};
use usalama_core::store::ReportView;
use usalama_core::summary::{Edition, Format};
use usalama_core::wire::MAX_BUNDLE;
use usalama_core::{Problems, Profile, Store};

use crate::args::{
    BundleCommand, ClearanceCommand, Cli, Command, CountyKeyCommand, EnrollArgs, IncidentCommand,
    ListArgs, NeedsCommand, PassphraseCommand, ReportCommand, SlipArgs, SummaryArgs, UnitsCommand,
};
use crate::{secrets, Failure};

use usalama_core::domain::text::escape_line;

pub fn run(cli: Cli) -> Result<(), Failure> {
    let home = match cli.home {
        Some(home) => home,
        None => default_home()?,
    };
    let json = cli.json;
    match cli.command {
        Command::Init(args) => init(&home, args, json),
        Command::Units(UnitsCommand::List) => units_list(&home, json),
        Command::Report(ReportCommand::Add { files }) => report_add(&home, &files, json),
        Command::Report(ReportCommand::Amend { id, file }) => report_amend(&home, &id, &file, json),
        Command::Report(ReportCommand::Redact { id, file, reason }) => {
            report_redact(&home, &id, &file, &reason, json)
        }
        Command::Report(ReportCommand::List(args)) => report_list(&home, args, json),
        Command::Report(ReportCommand::Show { id }) => report_show(&home, &id, json),
        Command::Report(ReportCommand::Slip(args)) => report_slip(&home, args, json),
        Command::Summary(args) => summary(&home, args, json),
        Command::Incident(command) => incident(&home, command, json),
        Command::Needs(NeedsCommand::Add { file }) => needs_add(&home, &file, json),
        Command::Needs(NeedsCommand::List { open }) => needs_list(&home, open, json),
        Command::Bundle(BundleCommand::Export { out }) => bundle_export(&home, &out, json),
        Command::Bundle(BundleCommand::Import { file }) => bundle_import(&home, &file, json),
        Command::CountyKey(CountyKeyCommand::List) => county_key_list(&home, json),
        Command::CountyKey(CountyKeyCommand::Export { out }) => {
            county_key_export(&home, &out, json)
        }
        Command::CountyKey(CountyKeyCommand::Import { file }) => {
            county_key_import(&home, &file, json)
        }
        Command::Clearance(ClearanceCommand::List) => clearance_list(&home, json),
        Command::Clearance(ClearanceCommand::Approve {
            device,
            fingerprint,
            with_earlier,
        }) => clearance_approve(&home, &device, &fingerprint, with_earlier, json),
        Command::Verify => verify(&home, json),
        Command::Passphrase(PassphraseCommand::Change) => passphrase_change(&home, json),
        Command::Recover { code } => recover(&home, &code, json),
        Command::Enroll(args) => enroll(&home, args, json),
        Command::Sync { hub } => sync(&home, hub.as_deref(), json),
    }
}

fn default_home() -> Result<PathBuf, Failure> {
    dirs::data_dir()
        .map(|d| d.join("usalama"))
        .ok_or_else(|| Failure::usage("no data folder on this system; give --home DIR"))
}

fn open(home: &Path) -> Result<Store, Failure> {
    if !Store::exists(home) {
        return Err(usalama_core::Error::NotInitialized(home.to_owned()).into());
    }
    Ok(Store::open(home, &secrets::passphrase()?)?)
}

fn print_json(value: &impl Serialize) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::usage(format!("could not write JSON: {e}")))?;
    // Written as it is: JSON escapes control characters itself, and scripts read it.
    let _ = writeln!(std::io::stdout(), "{text}");
    Ok(())
}

fn warn_clock(store: &Store) -> Result<(), Failure> {
    if let Some(warning) = store.clock_warning()? {
        eprintln!("usalama: warning: {warning}");
    }
    Ok(())
}

fn init(home: &Path, args: crate::args::InitArgs, json: bool) -> Result<(), Failure> {
    let mut problems = Problems::default();
    let role = Role::parse(&args.role)
        .map_err(|e| problems.add("role", Broken::new(Rule::Choice, e)))
        .ok();
    let lang = Lang::parse(&args.lang)
        .map_err(|e| problems.add("lang", Broken::new(Rule::Choice, e)))
        .ok();
    let agency = match args.agency.as_deref().map(Agency::parse) {
        Some(Ok(a)) => Some(a),
        Some(Err(e)) => {
            problems.add("agency", Broken::new(Rule::Choice, e));
            None
        }
        None => None,
    };
    problems.into_result()?;
    if Store::exists(home) {
        return Err(usalama_core::Error::AlreadyInitialized(home.to_owned()).into());
    }
    let (Some(role), Some(lang)) = (role, lang) else {
        return Err(Failure::usage("bad role or language"));
    };
    let profile = Profile {
        name: args.name.trim().to_owned(),
        role,
        unit: args.unit,
        agency,
        lang,
    };
    let passphrase = secrets::new_passphrase("USALAMA_PASSPHRASE")?;
    let (store, code) = Store::create(home, profile, &passphrase, KdfParams::for_new_store())?;
    secrets::hint_if_one_word(&passphrase);
    let me = store.identity();
    if json {
        return print_json(&json!({
            "home": home,
            "device": me.device.to_string(),
            "fingerprint": me.fingerprint(),
            "recovery_code": code.as_str(),
        }));
    }
    say!("Created the Usalama store in {}", home.display());
    say!("Device:      {}", me.device);
    say!("Fingerprint: {}", me.fingerprint());
    say!("");
    say!("RECOVERY CODE, shown only this once. Write it down and keep it somewhere safe:");
    say!("");
    say!("    {}", code.as_str());
    say!("");
    say!("It unlocks the store if the passphrase is forgotten: usalama recover --code CODE");
    Ok(())
}

fn units_list(home: &Path, json: bool) -> Result<(), Failure> {
    // Reading the gazetteer needs no passphrase before a store exists.
    let units = if Store::exists(home) {
        open(home)?.units().to_vec()
    } else {
        usalama_core::gazetteer::shipped()
    };
    if json {
        return print_json(&units);
    }
    say!("{:<26} {:<13} {:<24} PARENT", "ID", "KIND", "NAME");
    for u in &units {
        let retired = if u.retired { " (retired)" } else { "" };
        say!(
            "{:<26} {:<13} {:<24} {}",
            escape_line(&u.id),
            escape_line(&u.kind),
            format!("{}{retired}", escape_line(&u.name)),
            escape_line(u.parent.as_deref().unwrap_or("-"))
        );
    }
    Ok(())
}

/// How a FILE argument is named in messages.
fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        "standard input".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Reads a file whole, or standard input for `-`.
fn read_input(path: &Path) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    let read = if path == Path::new("-") {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(path).map(|b| bytes = b)
    };
    read.map_err(|e| Failure::usage(format!("{}: cannot read the file: {e}", display_name(path))))?;
    Ok(bytes)
}

/// Reads a JSON document from a file, or from standard input for `-`.
fn read_json(path: &Path) -> Result<Value, Failure> {
    serde_json::from_slice(&read_input(path)?).map_err(|e| {
        Failure::usage(format!(
            "{}: not valid JSON at line {}, column {}: {e}",
            display_name(path),
            e.line(),
            e.column()
        ))
    })
}

fn report_add(home: &Path, files: &[PathBuf], json: bool) -> Result<(), Failure> {
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

fn report_amend(home: &Path, id: &str, file: &Path, json: bool) -> Result<(), Failure> {
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

fn report_redact(
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

/// A core error as the command line says it: the core names its fields (`unit`, `from`), the
/// command line names its options (`--unit`, `--from`).
fn as_options(e: usalama_core::Error) -> Failure {
    match e {
        usalama_core::Error::Invalid(mut problems) => {
            for p in &mut problems.0 {
                if !p.field.is_empty() && !p.field.starts_with("--") {
                    p.field = format!("--{}", p.field);
                }
            }
            Failure::from(usalama_core::Error::Invalid(problems))
        }
        other => Failure::from(other),
    }
}

fn report_list(home: &Path, args: ListArgs, json: bool) -> Result<(), Failure> {
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

/// A date and time as `YYYY-MM-DD HH:MM` in East Africa Time, whatever offset it was given in.
fn in_eat(text: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .and_then(|t| t.to_offset(usalama_core::EAT).format(&format).ok())
        .unwrap_or_else(|| text.to_owned())
}

fn unit_name(store: &Store, id: &str) -> String {
    store
        .unit(id)
        .map_or_else(|| id.to_owned(), |u| u.name.clone())
}

fn report_show(home: &Path, id: &str, json: bool) -> Result<(), Failure> {
    let store = open(home)?;
    let id = store.resolve_report(id)?;
    let view = store.report(&id)?;
    if json {
        return print_json(&view);
    }
    print_report(&store, &view);
    Ok(())
}

fn print_report(store: &Store, v: &ReportView) {
    // Every value but the narrative is shown on its one line.
    let text = |k: &str| escape_line(v.document.get(k).and_then(Value::as_str).unwrap_or("-"));
    say!("Report {}  ({})", v.id, v.status);
    say!(
        "Type:        {}   urgency: {}",
        text("type"),
        text("urgency")
    );
    say!("Occurred:    {}", text("occurred_at"));
    say!(
        "Recorded:    {} by {} ({})",
        v.recorded_at,
        escape_line(&v.reported_by.name),
        escape_line(&v.reported_by.role)
    );
    say!(
        "Unit:        {} ({})",
        escape_line(&unit_name(store, &v.unit_counted)),
        escape_line(&v.unit_counted)
    );
    if let Some(place) = v.document.get("place").and_then(Value::as_str) {
        say!("Place:       {}", escape_line(place));
    }
    if let Some(gps) = v.document.get("gps").filter(|g| !g.is_null()) {
        say!("GPS:         {}, {}", gps["lat"], gps["lon"]);
    }
    if let Some(Value::Object(people)) = v.document.get("people") {
        let parts: Vec<String> = people
            .iter()
            .map(|(k, n)| format!("{k} {}", figure(n)))
            .collect();
        say!("People:      {}", parts.join(", "));
    }
    if let Some(Value::Array(lines)) = v.document.get("livestock") {
        for line in lines {
            let about = if line["estimate"] == json!(true) {
                "about "
            } else {
                ""
            };
            let parts: Vec<String> = ["stolen", "recovered", "killed"]
                .iter()
                .filter_map(|k| line.get(*k).map(|n| format!("{k} {about}{}", figure(n))))
                .collect();
            say!(
                "Livestock:   {}: {}",
                text_of(&line["species"]),
                parts.join(", ")
            );
        }
    }
    for (key, label) in [
        ("suspects", "Suspects"),
        ("agencies_notified", "Notified"),
        ("ob", "OB"),
        ("source", "Source"),
    ] {
        if let Some(value) = v.document.get(key).filter(|v| !v.is_null()) {
            let restricted = if key == "source" {
                "  [restricted]"
            } else {
                ""
            };
            say!(
                "{:<12} {}{restricted}",
                format!("{label}:"),
                escape_line(&flat(value))
            );
        }
    }
    if v.source_sealed {
        say!("Source:      sealed [restricted]: this device holds no key for it");
    }
    say!("Narrative:");
    let narrative = v.document.get("narrative").and_then(Value::as_str);
    for line in narrative.unwrap_or("-").lines() {
        say!("  {line}");
    }
    say!("Timeline:");
    for item in &v.timeline {
        let by = match &item.by.agency {
            Some(a) => format!("{} ({}, {a})", item.by.name, item.by.role),
            None => format!("{} ({})", item.by.name, item.by.role),
        };
        say!("  {}  {}  by {}", item.at, item.kind, escape_line(&by));
        if let Some(mark) = &item.redacted {
            say!(
                "      redacted by {} at {}",
                escape_line(&mark.by.name),
                mark.at
            );
        } else if item.kind == "report_amended" {
            say!("      changed: {}", escape_line(&item.content.to_string()));
        } else if item.kind == "report_redacted" {
            say!(
                "      reason: {}",
                escape_line(&text_of(&item.content["reason"]))
            );
        }
    }
}

/// A count as people read it: the number, or "unknown"; a split as "men 1 women 2".
fn figure(n: &Value) -> String {
    match n {
        Value::Null => "unknown".into(),
        Value::Object(split) => split
            .iter()
            .map(|(k, v)| format!("{k} {}", figure(v)))
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    }
}

fn text_of(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

/// A section as `key: value` pairs on one line.
fn flat(value: &Value) -> String {
    match value {
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{k}: {}", flat(v)))
            .collect::<Vec<_>>()
            .join("; "),
        Value::Array(items) => items.iter().map(flat).collect::<Vec<_>>().join(", "),
        other => text_of(other),
    }
}

/// The language asked for, or this device's.
fn lang_or(store_lang: Lang, asked: Option<&str>) -> Result<Lang, Failure> {
    match asked {
        None => Ok(store_lang),
        Some(text) => Lang::parse(text).map_err(|e| {
            let mut problems = Problems::default();
            problems.add("--lang", Broken::new(Rule::Choice, e));
            usalama_core::Error::Invalid(problems).into()
        }),
    }
}

fn summary(home: &Path, args: SummaryArgs, json: bool) -> Result<(), Failure> {
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

fn incident(home: &Path, command: IncidentCommand, json: bool) -> Result<(), Failure> {
    use usalama_core::lifecycle::{parse_figures, Action, Outcome};
    let agency = |flag: &str, text: &str| {
        Agency::parse(text.trim())
            .map_err(|e| usalama_core::Error::broke(flag, Broken::new(Rule::Choice, e)))
    };
    let mut store = open(home)?;
    let (id, action) = match command {
        IncidentCommand::Ack { id } => {
            let mine = store.identity().profile.agency.ok_or_else(|| {
                usalama_core::Error::NotAllowed(
                    "only agency officers acknowledge reports; this device has no agency, so \
                     nothing was recorded"
                        .into(),
                )
            })?;
            (id, Action::Acknowledge { agency: mine })
        }
        IncidentCommand::Assign { id, lead, support } => {
            let lead = agency("--lead", &lead)?;
            let support = support
                .iter()
                .filter(|s| !s.trim().is_empty())
                .map(|s| agency("--support", s))
                .collect::<Result<Vec<_>, _>>()?;
            (
                id,
                Action::Assign {
                    lead,
                    support,
                    replaces: None,
                },
            )
        }
        IncidentCommand::Update { id, note, status } => {
            let responding = match status.as_deref() {
                None => false,
                Some("responding") => true,
                Some(other) => {
                    return Err(usalama_core::Error::broke(
                        "--status",
                        Broken::new(
                            Rule::Choice,
                            format!("unknown status {other:?}; allowed: responding"),
                        ),
                    )
                    .into())
                }
            };
            (id, Action::Update { note, responding })
        }
        IncidentCommand::Close {
            id,
            outcome,
            note,
            figures,
        } => {
            let outcome = Outcome::parse(&outcome).map_err(|e| {
                usalama_core::Error::broke("--outcome", Broken::new(Rule::Choice, e))
            })?;
            let figures = match figures {
                None => None,
                Some(path) => {
                    let text = std::fs::read_to_string(&path).map_err(|e| {
                        Failure::usage(format!("--figures {}: {e}", path.display()))
                    })?;
                    Some(parse_figures(&text)?)
                }
            };
            (
                id,
                Action::Close {
                    outcome,
                    note,
                    figures,
                },
            )
        }
        IncidentCommand::Reopen { id, note } => (id, Action::Reopen { note }),
        IncidentCommand::Link { id, other } => {
            let other = store.resolve_report(&other)?;
            (id, Action::Link { other })
        }
    };
    let kind = action.kind().name();
    let id = store.act(&id, action)?;
    let shown = store.report(&id)?;
    if json {
        return print_json(&json!({
            "id": id.to_string(),
            "recorded": kind,
            "status": shown.status,
            "lead_agency": shown.lead_agency,
        }));
    }
    say!(
        "Recorded ({kind}) on report {id}; its status is now {}. It reaches the county and the \
         reporting chief at the next sync.",
        shown.status
    );
    Ok(())
}

fn needs_add(home: &Path, file: &Path, json: bool) -> Result<(), Failure> {
    let doc = read_json(file)?;
    let mut store = open(home)?;
    let id = store.add_needs(&doc).map_err(|e| match e {
        usalama_core::Error::Invalid(problems) => Failure::from(usalama_core::Error::Invalid(
            problems.within(&display_name(file)),
        )),
        other => Failure::from(other),
    })?;
    if json {
        return print_json(&json!({ "id": id.to_string() }));
    }
    say!("{id}");
    Ok(())
}

fn needs_list(home: &Path, open_only: bool, json: bool) -> Result<(), Failure> {
    let store = open(home)?;
    let today = OffsetDateTime::now_utc()
        .to_offset(usalama_core::EAT)
        .date();
    let needs: Vec<_> = store
        .needs()?
        .into_iter()
        .filter(|n| !open_only || n.needs.open_on(today))
        .collect();
    let gaps = usalama_core::needs::total_gaps(needs.iter().map(|n| &n.needs), today);
    if json {
        return print_json(&json!({ "assessments": needs, "open_gaps": gaps }));
    }
    for n in &needs {
        say!(
            "{}  {}  {} to {}  lead {}  {}  ({})",
            n.id,
            escape_line(&n.needs.area),
            n.needs.from,
            n.needs.to,
            n.needs.lead,
            escape_line(&n.needs.operation),
            escape_line(&n.by.name)
        );
        for item in &n.needs.items {
            say!(
                "    {:<16} have {:>7}  need {:>7}  gap {:>7}{}",
                item.resource,
                item.have,
                item.need,
                item.gap(),
                item.note
                    .as_deref()
                    .map(|s| format!("  {}", escape_line(s)))
                    .unwrap_or_default()
            );
        }
    }
    say!("Gaps across open operations:");
    for (resource, gap) in &gaps {
        say!("    {resource:<16} {gap}");
    }
    Ok(())
}

fn clearance_list(home: &Path, json: bool) -> Result<(), Failure> {
    let store = open(home)?;
    let clearances = store.clearances()?;
    if json {
        return print_json(&clearances);
    }
    let state = |c: &usalama_core::store::ClearanceOf| match (c.revoked, c.approved, c.requested) {
        (true, _, _) => "revoked",
        (false, true, _) if c.founder => "approved (founded the county's keys)",
        (false, true, _) => "approved",
        (false, false, true) => "waiting for approval",
        (false, false, false) => "not cleared",
    };
    let me = &clearances.me;
    say!("This device: {} ({})", me.device, state(me));
    say!("  fingerprint to read out: {}", me.fingerprint);
    if clearances.requested.is_empty() {
        say!("No other device's clearance was requested.");
    }
    for c in &clearances.requested {
        say!(
            "{}  {} ({}): {}{}",
            c.device.get(..8).unwrap_or(&c.device),
            c.name,
            c.role,
            state(c),
            if c.approved && c.earlier_keys {
                ", with earlier keys"
            } else {
                ""
            }
        );
    }
    Ok(())
}

fn clearance_approve(
    home: &Path,
    device: &str,
    fingerprint: &str,
    earlier: bool,
    json: bool,
) -> Result<(), Failure> {
    let mut store = open(home)?;
    let approved = store.approve_clearance(device, fingerprint, earlier)?;
    if json {
        return print_json(&approved);
    }
    say!(
        "Approved {} ({}, {}): cleared devices give it the county key{} at their next sync.",
        approved.name,
        approved.role,
        approved.device,
        if earlier { "s, earlier ones too," } else { "" }
    );
    Ok(())
}

fn county_key_list(home: &Path, json: bool) -> Result<(), Failure> {
    let store = open(home)?;
    let keys = store.county_keys()?;
    if json {
        return print_json(&keys);
    }
    if keys.keys.is_empty() {
        say!(
            "No county key yet: the first cleared reader's device to sync issues one. Until \
             then, sources wait unsealed in this laptop's encrypted store and are not sent."
        );
    } else if keys.current.is_none() {
        if keys.keys.iter().any(|k| k.issued_at.is_some()) {
            say!(
                "No current county key: a revoked device holds each one. The next cleared \
                 reader's device to sync issues a new one; until then, new sources wait here."
            );
        } else {
            say!(
                "No current county key yet: this device has not seen one issued (sync it). \
                 Until then, new sources wait here."
            );
        }
    }
    for k in &keys.keys {
        let current = if keys.current.as_deref() == Some(k.id.as_str()) {
            "  (current)"
        } else {
            ""
        };
        let held = if k.held { "held here" } else { "not held here" };
        let issued = match (&k.issued_at, &k.issued_by) {
            (Some(at), Some(by)) => format!("issued {at} by {by}"),
            _ => "issued elsewhere (its issuing entry is not on this device)".to_owned(),
        };
        say!("{}{current}  {issued}  {held}", k.id);
        let holders: Vec<String> = k
            .holders
            .iter()
            .map(|h| {
                if h.revoked {
                    format!("{} (revoked)", h.name)
                } else {
                    h.name.clone()
                }
            })
            .collect();
        say!("    holders: {}", holders.join(", "));
    }
    if keys.waiting_to_seal > 0 {
        say!(
            "{} source(s) recorded here wait for a county key; they are sealed and sent at \
             the first sync after one is current.",
            keys.waiting_to_seal
        );
    }
    Ok(())
}

fn county_key_export(home: &Path, out: &Path, json: bool) -> Result<(), Failure> {
    if out.exists() {
        return Err(Failure::usage(format!(
            "--out: {} exists already; give a new file name (keep one copy per date), nothing \
             was written",
            out.display()
        )));
    }
    let store = open(home)?;
    store.may_hold_county_keys()?;
    let passphrase = secrets::new_passphrase("USALAMA_KEY_PASSPHRASE")?;
    let (bytes, count) = store.export_county_keys(&passphrase)?;
    usalama_core::files::write_durably(out, &bytes)?;
    if json {
        return print_json(&json!({ "keys": count, "out": out }));
    }
    say!(
        "Wrote {count} county key(s) to {}. Keep it offline, apart from its passphrase.",
        out.display()
    );
    Ok(())
}

fn county_key_import(home: &Path, file: &Path, json: bool) -> Result<(), Failure> {
    let name = display_name(file);
    let bytes = read_input(file)?;
    let mut store = open(home)?;
    store.may_hold_county_keys()?;
    let passphrase = secrets::from_env_or_prompt(
        "USALAMA_KEY_PASSPHRASE",
        "Passphrase of the county keys file: ",
        false,
    )?;
    let added = store
        .import_county_keys(&bytes, &passphrase)
        .map_err(|e| match e {
            usalama_core::Error::Invalid(problems) => {
                Failure::from(usalama_core::Error::Invalid(problems.within(&name)))
            }
            other => Failure::from(other),
        })?;
    if json {
        return print_json(&json!({ "added": added }));
    }
    say!(
        "{added} county key(s) new to this device; they are shared with the other cleared \
         readers at the next sync."
    );
    Ok(())
}

fn bundle_export(home: &Path, out: &Path, json: bool) -> Result<(), Failure> {
    let mut store = open(home)?;
    let (bytes, exported) = store.export_bundle()?;
    usalama_core::files::write_durably(out, &bytes)?;
    if json {
        return print_json(&json!({
            "file": out,
            "entries": exported.entries,
            "carried": exported.carried,
            "bytes": exported.bytes,
        }));
    }
    say!(
        "Wrote {} of this laptop's entries{} to {} ({} bytes).",
        exported.entries,
        if exported.carried > 0 {
            format!(" and {} carried for other devices", exported.carried)
        } else {
            String::new()
        },
        out.display(),
        exported.bytes
    );
    say!(
        "Take it to the county office (`usalama-hub import`), and bring back the hub's bundle \
         for this laptop (`usalama bundle import`). Nothing is lost if the stick is lost: \
         export again."
    );
    Ok(())
}

fn bundle_import(home: &Path, file: &Path, json: bool) -> Result<(), Failure> {
    let bytes = usalama_core::files::read_at_most(file, MAX_BUNDLE, "a bundle")?;
    let mut store = open(home)?;
    let imported = store.import_bundle(&bytes)?;
    if json {
        return print_json(&imported);
    }
    if imported.from == "hub" {
        say!(
            "Imported the county hub's bundle: {} new entries, {} of this laptop's entries \
             received by the county.",
            imported.received,
            imported.acknowledged
        );
    } else {
        say!(
            "Another laptop's bundle for the county hub: sealed to the hub, so this laptop \
             cannot read it; it is relayed as it is at this laptop's next sync{}.",
            if imported.carried_bundles == 0 {
                " (it was already waiting here)"
            } else {
                ""
            }
        );
    }
    Ok(())
}

fn report_slip(home: &Path, args: SlipArgs, json: bool) -> Result<(), Failure> {
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

fn verify(home: &Path, json: bool) -> Result<(), Failure> {
    let mut store = open(home)?;
    let report = store.verify()?;
    if json {
        print_json(&json!({
            "ok": report.ok(),
            "entries": report.entries,
            "devices": report.devices,
            "reports": report.reports,
            "problems": report.problems,
            "vouched": report.vouched,
        }))?;
    } else if report.ok() {
        say!(
            "Checked {} entries from {} device(s) and {} report(s): every signature, chain and \
             report is intact.",
            report.entries,
            report.devices,
            report.reports
        );
        if report.vouched > 0 {
            say!(
                "{} entries of other devices came before every entry travelled with its \
                 author's signature: the county hub vouched for them, and their authors' \
                 signatures cannot be checked here.",
                report.vouched
            );
        }
    }
    if report.ok() {
        Ok(())
    } else {
        Err(Failure {
            status: 3,
            message: format!(
                "verification failed: {} problem(s):\n{}",
                report.problems.len(),
                report.problems.join("\n")
            ),
        })
    }
}

fn passphrase_change(home: &Path, json: bool) -> Result<(), Failure> {
    if !Store::exists(home) {
        return Err(usalama_core::Error::NotInitialized(home.to_owned()).into());
    }
    let old = secrets::passphrase()?;
    let new = secrets::new_passphrase("USALAMA_NEW_PASSPHRASE")?;
    Store::change_passphrase(home, &old, &new)?;
    secrets::hint_if_one_word(&new);
    if json {
        return print_json(&json!({ "changed": true }));
    }
    say!("The passphrase was changed. The recovery code still works.");
    Ok(())
}

fn recover(home: &Path, code: &str, json: bool) -> Result<(), Failure> {
    if !Store::exists(home) {
        return Err(usalama_core::Error::NotInitialized(home.to_owned()).into());
    }
    let new = secrets::new_passphrase("USALAMA_NEW_PASSPHRASE")?;
    Store::recover(home, code, &new)?;
    secrets::hint_if_one_word(&new);
    if json {
        return print_json(&json!({ "recovered": true }));
    }
    say!("The store is unlocked and has a new passphrase. The recovery code still works.");
    Ok(())
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure {
            status: 1,
            message: format!("could not start the network client: {e}"),
        })
}

fn enroll(home: &Path, args: EnrollArgs, json: bool) -> Result<(), Failure> {
    let enrollment = match (&args.string, &args.hub, &args.code) {
        (Some(text), _, _) => Enrollment::parse(text)?,
        (None, Some(hub), Some(code)) => Enrollment::new(hub, code, args.cert_sha256.as_deref())?,
        _ => {
            return Err(Failure::usage(
                "give --string ENROLLMENT, or --hub URL and --code CODE",
            ))
        }
    };
    let store = open(home)?;
    store.may_enroll()?;
    let store = std::sync::Mutex::new(store);
    let enrolled = runtime()?.block_on(usalama_core::sync::enroll(&store, &enrollment))?;
    if json {
        return print_json(&enrolled);
    }
    say!(
        "Enrolled with the county hub at {} as {} ({}{}), unit {}.",
        enrollment.url,
        enrolled.name,
        enrolled.role,
        enrolled
            .agency
            .map(|a| format!(", {a}"))
            .unwrap_or_default(),
        enrolled.unit.as_deref().unwrap_or("-")
    );
    say!("Run `usalama sync` to send and receive reports.");
    Ok(())
}

fn sync(home: &Path, hub: Option<&str>, json: bool) -> Result<(), Failure> {
    let store = std::sync::Mutex::new(open(home)?);
    let report = runtime()?.block_on(usalama_core::sync::sync(
        &store,
        hub,
        usalama_core::sync::RetryPolicy::default(),
    ));
    if json {
        print_json(&report)?;
    } else if report.complete {
        say!(
            "Sync complete: {} sent, {} received.",
            report.sent,
            report.received
        );
    } else {
        say!(
            "Sync did not complete: {} sent, {} received before it stopped.",
            report.sent,
            report.received
        );
    }
    match report.error {
        None => Ok(()),
        Some(e) => Err(Failure {
            status: if e.kind == usalama_core::store::FailureKind::Integrity {
                3
            } else {
                4
            },
            message: e.message,
        }),
    }
}
