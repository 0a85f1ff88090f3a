//! Summaries and slips through the real binary: figures against totals computed here from the
//! fixture's documents, the public edition's secrets, every PDF rendered and read back as text
//! (poppler's `pdftotext` and `pdftoppm`), the workbook read back with a reader library, and
//! the Kiswahili labels.

use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{open_workbook, Data, Reader, Xlsx};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use crate::helpers::{stderr, Home};

/// The summary's unit and the units of its subtree, and units outside it.
const UNIT: &str = "ke-024-l-ombolion";
const INSIDE: &[&str] = &["ke-024-l-ombolion", "ke-024-v-takaywa", "ke-024-v-chekurio"];
const OUTSIDE: &[&str] = &["ke-024-v-apuko", "ke-024-w0641"];
/// October 2026; the previous period of the same length is 31 August to 30 September.
const FROM: &str = "2026-10-01";
const TO: &str = "2026-10-31";

const URGENCIES: &[&str] = &["flash", "urgent", "routine"];
const TYPES: &[&str] = &[
    "livestock_raid",
    "livestock_theft",
    "killing",
    "firearm",
    "arrest",
    "early_warning",
    "peace_meeting",
    "livestock_recovered",
];

/// Reports over August to early November, inside and outside the unit's subtree, with every
/// kind of count: known, unknown, split, estimated; each with a source, suspects' names and
/// group, and GPS, all restricted or finer than the unit.
fn fixture() -> Vec<Value> {
    let mut rng = StdRng::seed_from_u64(6);
    (0..70)
        .map(|i| {
            let day = rng.gen_range(0..80);
            let date = time::Date::from_calendar_date(2026, time::Month::August, 20)
                .expect("date")
                + time::Duration::days(day);
            let unit = if i % 5 == 4 {
                OUTSIDE[i % OUTSIDE.len()]
            } else {
                INSIDE[i % INSIDE.len()]
            };
            let killed = match i % 6 {
                0 => json!(rng.gen_range(0..4)),
                1 => Value::Null,
                2 => json!({"men": rng.gen_range(0..3), "women": rng.gen_range(0..2)}),
                3 => json!({"children": 1, "women": null}),
                _ => json!(0),
            };
            let mut livestock = vec![json!({
                "species": "cattle",
                "stolen": rng.gen_range(0..200),
                "recovered": rng.gen_range(0..20),
                "estimate": i % 3 == 0,
            })];
            if i % 4 == 0 {
                livestock.push(json!({"species": "goats", "stolen": null}));
            }
            json!({
                "type": TYPES[i % TYPES.len()],
                "urgency": URGENCIES[i % 3],
                "occurred_at": format!("{date}T{:02}:15:00+03:00", rng.gen_range(0..24)),
                "unit": unit,
                "place": format!("Waterhole {i}"),
                "gps": {"lat": 2.61803 + i as f64 * 0.00001, "lon": 35.12345},
                "narrative": format!("Incident number {i}: herders saw armed men near the waterhole."),
                "people": {"killed": killed, "injured": i % 2},
                "livestock": livestock,
                "suspects": {"count": 5, "armed": true, "direction": "west",
                             "names": [format!("Suspectname{i}")], "group": format!("Secretgroup{i}")},
                "agencies_notified": ["nps"],
                "ob": {"number": format!("OB {i}/10/2026"), "station": "Sigor"},
                "source": {"kind": "informant", "name": format!("Informantname{i}"),
                           "contact": format!("0799{i:06}")},
            })
        })
        .collect()
}

/// A chief's store holding the fixture.
fn home_with_fixture() -> (Home, Vec<Value>) {
    let home = Home::chief();
    let docs = fixture();
    let file = home.file("fixture.json", &Value::Array(docs.clone()));
    home.ok(&["report", "add", &file]);
    (home, docs)
}

fn day(doc: &Value) -> String {
    doc["occurred_at"].as_str().unwrap_or_default()[..10].to_owned()
}

/// The fixture's documents counted in the subtree and in `[from, to]`.
fn counted<'a>(docs: &'a [Value], from: &str, to: &str) -> Vec<&'a Value> {
    docs.iter()
        .filter(|d| INSIDE.contains(&d["unit"].as_str().unwrap_or_default()))
        .filter(|d| (from..=to).contains(&day(d).as_str()))
        .collect()
}

/// What a people figure adds up to, computed from the documents: (known, any unknown).
fn people_total(docs: &[&Value], key: &str) -> (u64, bool) {
    let mut known = 0;
    let mut unknown = false;
    for d in docs {
        match &d["people"][key] {
            Value::Null => unknown |= d["people"].get(key).is_some(),
            Value::Number(n) => known += n.as_u64().unwrap_or(0),
            Value::Object(split) => {
                for v in split.values() {
                    match v.as_u64() {
                        Some(n) => known += n,
                        None => unknown = true,
                    }
                }
            }
            _ => {}
        }
    }
    (known, unknown)
}

/// Livestock of one species and count, computed from the documents: (known, estimated, unknown).
fn livestock_total(docs: &[&Value], species: &str, key: &str) -> (u64, bool, bool) {
    let mut total = (0, false, false);
    for d in docs {
        for line in d["livestock"].as_array().into_iter().flatten() {
            if line["species"] != species {
                continue;
            }
            match line.get(key) {
                Some(Value::Null) => total.2 = true,
                Some(v) => {
                    let n = v.as_u64().unwrap_or(0);
                    total.0 += n;
                    total.1 |= n > 0 && line["estimate"] == true;
                }
                None => {}
            }
        }
    }
    total
}

/// The phrase the documentation promises for a total.
fn phrase(known: u64, estimated: bool, unknown: bool) -> String {
    let number = if estimated {
        format!("about {known}")
    } else {
        known.to_string()
    };
    match (known, unknown) {
        (0, false) => "0".into(),
        (0, true) => "unknown number".into(),
        (_, false) => number,
        (_, true) => format!("at least {number}"),
    }
}

fn summary(home: &Home, format: &str, out: &Path, extra: &[&str]) {
    let out = out.display().to_string();
    let mut args = vec![
        "summary", "--unit", UNIT, "--from", FROM, "--to", TO, "--format", format, "--out", &out,
    ];
    args.extend_from_slice(extra);
    home.ok(&args);
}

/// A poppler tool's path, or a clear failure telling how to install it.
fn poppler(tool: &str) -> &str {
    let found = Command::new(tool).arg("-v").output().is_ok();
    assert!(
        found,
        "{tool} is missing: install poppler-utils (`make deps` does, see mk/summary.mk)"
    );
    tool
}

fn pdf_text(pdf: &Path) -> String {
    let out = Command::new(poppler("pdftotext"))
        .args(["-layout", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success(), "pdftotext: {}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Renders every page to PNG and returns how many pages there were.
fn render_pages(pdf: &Path) -> usize {
    let dir = pdf.with_extension("pages");
    std::fs::create_dir_all(&dir).expect("dir");
    let out = Command::new(poppler("pdftoppm"))
        .args(["-r", "40", "-png"])
        .arg(pdf)
        .arg(dir.join("page"))
        .output()
        .expect("pdftoppm runs");
    assert!(out.status.success(), "pdftoppm: {}", stderr(&out));
    let pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("pages")
        .map(|e| e.expect("entry").path())
        .collect();
    for p in &pages {
        let png = std::fs::read(p).expect("png");
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 1000,
            "{}",
            p.display()
        );
    }
    pages.len()
}

fn cell(data: &Data) -> String {
    match data {
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// The workbook's sheet as rows of text.
fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = open_workbook(path).expect("the workbook opens");
    let range = book.worksheet_range(name).expect("sheet");
    range.rows().map(|r| r.iter().map(cell).collect()).collect()
}

/// The figures sheet's row whose figure is `label`: (this period, previous, change, note).
fn figure<'a>(rows: &'a [Vec<String>], label: &str) -> &'a [String] {
    rows.iter()
        .find(|r| r.get(1).map(String::as_str) == Some(label))
        .map(|r| &r[2..])
        .unwrap_or_else(|| panic!("no figure {label:?}"))
}

#[test]
fn summary_figures_match_totals_computed_from_the_fixture() {
    let (home, docs) = home_with_fixture();
    let now = counted(&docs, FROM, TO);
    let before = counted(&docs, "2026-08-31", "2026-09-30");
    assert!(
        now.len() > 10 && before.len() > 5,
        "the fixture spans both periods"
    );
    let out = home.path().join("summary.xlsx");
    summary(&home, "xlsx", &out, &[]);
    let rows = sheet(&out, "Figures");

    let incidents = figure(&rows, "Incidents, all types");
    assert_eq!(incidents[0], now.len().to_string());
    assert_eq!(incidents[1], before.len().to_string());
    for (kind, label) in [
        (
            "firearm",
            "Illegal firearms (seen, recovered or surrendered)",
        ),
        ("arrest", "Arrests"),
        ("early_warning", "Early-warning signs"),
        ("peace_meeting", "Peace meetings"),
    ] {
        let n = now.iter().filter(|d| d["type"] == kind).count();
        let m = before.iter().filter(|d| d["type"] == kind).count();
        let row = figure(&rows, label);
        assert_eq!(
            (row[0].as_str(), row[1].as_str()),
            (n.to_string().as_str(), m.to_string().as_str()),
            "{label}"
        );
    }

    let (killed, unknown) = people_total(&now, "killed");
    let row = figure(&rows, "Killed");
    assert!(
        row[3].starts_with(&phrase(killed, false, unknown)),
        "killed: {:?}, expected {killed} (unknown: {unknown})",
        row[3]
    );
    let (injured, _) = people_total(&now, "injured");
    assert_eq!(figure(&rows, "Injured")[0], injured.to_string());

    for (species, key, label) in [
        ("cattle", "stolen", "cattle: stolen"),
        ("cattle", "recovered", "cattle: recovered"),
        ("goats", "stolen", "goats: stolen"),
    ] {
        let (known, estimated, unknown) = livestock_total(&now, species, key);
        assert_eq!(
            figure(&rows, label)[0],
            phrase(known, estimated, unknown),
            "{label}"
        );
        let (known, estimated, unknown) = livestock_total(&before, species, key);
        assert_eq!(
            figure(&rows, label)[1],
            phrase(known, estimated, unknown),
            "{label}, previous"
        );
    }

    // The same figures in the PDF's key figures and in the CSV.
    let pdf = home.path().join("summary.pdf");
    summary(&home, "pdf", &pdf, &[]);
    let text = pdf_text(&pdf);
    let (cattle, estimated, _) = livestock_total(&now, "cattle", "stolen");
    let cattle = phrase(cattle, estimated, false);
    assert!(
        text.contains(&cattle),
        "{cattle} (cattle stolen) is not in the PDF"
    );
    let html = home.path().join("summary.html");
    summary(&home, "html", &html, &[]);
    let html = std::fs::read_to_string(&html).expect("html");
    assert!(html.contains(&format!("{cattle} cattle, plus an unknown number of goats")));
    let csv = home.path().join("summary.csv");
    summary(&home, "csv", &csv, &[]);
    let figures = std::fs::read_to_string(home.path().join("summary-figures.csv")).expect("csv");
    assert!(figures.contains(&format!(
        "\"Incidents, all types\",{},{}",
        now.len(),
        before.len()
    )));
    let log = std::fs::read_to_string(&csv).expect("csv");
    assert_eq!(log.lines().count(), now.len() + 1, "one line per incident");
}

#[test]
fn the_public_edition_holds_no_source_suspect_name_or_gps() {
    let (home, _) = home_with_fixture();
    let secrets = [
        "Informantname",
        "0799",
        "Suspectname",
        "Secretgroup",
        "2.618",
        "35.123",
    ];
    let pdf = home.path().join("public.pdf");
    summary(&home, "pdf", &pdf, &[]);
    let html = home.path().join("public.html");
    summary(&home, "html", &html, &["--edition", "public"]);
    let xlsx = home.path().join("public.xlsx");
    summary(&home, "xlsx", &xlsx, &[]);
    let csv = home.path().join("public.csv");
    summary(&home, "csv", &csv, &[]);
    let mut texts = vec![
        ("pdf", pdf_text(&pdf)),
        ("html", std::fs::read_to_string(&html).expect("html")),
        ("csv", std::fs::read_to_string(&csv).expect("csv")),
    ];
    let log: Vec<String> = sheet(&xlsx, "Incidents").into_iter().flatten().collect();
    texts.push(("xlsx", log.join("\n")));
    for (what, text) in &texts {
        for secret in secrets {
            assert!(!text.contains(secret), "the public {what} holds {secret:?}");
        }
        assert!(
            text.contains("PUBLIC EDITION"),
            "the {what} names its edition"
        );
    }

    // The restricted edition holds the author's own sources, suspects and positions.
    let restricted = home.path().join("restricted.pdf");
    summary(&home, "pdf", &restricted, &["--edition", "restricted"]);
    let text = pdf_text(&restricted);
    for secret in ["Informantname", "Suspectname", "Secretgroup", "2.618"] {
        assert!(
            text.contains(secret),
            "the restricted edition lacks {secret:?}"
        );
    }
    assert!(text.contains("RESTRICTED EDITION"));
}

#[test]
fn each_pdf_renders_and_prints_its_edition_on_every_page() {
    let (home, docs) = home_with_fixture();
    let now = counted(&docs, FROM, TO);
    for (edition, label) in [
        ("public", "PUBLIC EDITION"),
        ("restricted", "RESTRICTED EDITION"),
    ] {
        let pdf = home.path().join(format!("{edition}.pdf"));
        summary(&home, "pdf", &pdf, &["--edition", edition]);
        let pages = render_pages(&pdf);
        assert!(pages >= 2, "{pages} pages");
        let text = pdf_text(&pdf);
        let per_page: Vec<&str> = text
            .split('\u{c}')
            .filter(|p| !p.trim().is_empty())
            .collect();
        assert_eq!(per_page.len(), pages);
        for (i, page) in per_page.iter().enumerate() {
            assert!(page.contains(label), "page {} lacks the edition", i + 1);
            assert!(page.contains(&format!("Page {} of {pages}", i + 1)));
        }
        // The incident log lists every incident of the period, by its narrative.
        for d in &now {
            let narrative = d["narrative"].as_str().unwrap_or_default();
            let head = &narrative[..=narrative.find(':').unwrap_or(10)];
            assert!(text.contains(head), "{head} is not in the log");
        }
    }
    // Over a longer period the incident log continues over pages, its header on each.
    let pdf = home.path().join("long.pdf");
    home.ok(&[
        "summary",
        "--unit",
        UNIT,
        "--from",
        "2026-08-01",
        "--to",
        "2026-11-20",
        "--format",
        "pdf",
        "--out",
        &pdf.display().to_string(),
    ]);
    let text = pdf_text(&pdf);
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let start = pages
        .iter()
        .position(|p| p.contains("Incident log"))
        .expect("the incident log");
    assert!(start + 1 < pages.len(), "the log continues on another page");
    assert!(
        pages[start + 1].contains("What happened") && pages[start + 1].contains("Status"),
        "the log's header is repeated on its next page"
    );
    // A slip is one page.
    let ids = home.report_ids();
    let slip = home.path().join("slip.pdf");
    home.ok(&[
        "report",
        "slip",
        &ids[0],
        "--out",
        &slip.display().to_string(),
    ]);
    assert_eq!(render_pages(&slip), 1);
}

#[test]
fn the_workbook_holds_one_row_per_incident() {
    let (home, docs) = home_with_fixture();
    let now = counted(&docs, FROM, TO);
    let out = home.path().join("summary.xlsx");
    summary(&home, "xlsx", &out, &[]);
    let rows = sheet(&out, "Incidents");
    assert_eq!(
        rows.len(),
        now.len() + 1,
        "a header and one row per incident"
    );
    assert_eq!(rows[0][0], "Report id");
    let listed: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    let mut ids = home.report_ids();
    ids.retain(|id| listed.contains(&id.as_str()));
    assert_eq!(ids.len(), now.len(), "every row is a report of this store");
    // Killed per incident adds up to the figure (where every count is known).
    let killed_col = rows[0].iter().position(|h| h == "Killed").expect("Killed");
    let known: u64 = rows[1..]
        .iter()
        .filter_map(|r| r[killed_col].parse::<u64>().ok())
        .sum();
    let (total, _) = people_total(&now, "killed");
    assert!(known <= total);
}

#[test]
fn the_kiswahili_edition_uses_kiswahili_labels() {
    let (home, _) = home_with_fixture();
    let pdf = home.path().join("sw.pdf");
    summary(&home, "pdf", &pdf, &["--lang", "sw"]);
    let html = home.path().join("sw.html");
    summary(&home, "html", &html, &["--lang", "sw"]);
    let xlsx = home.path().join("sw.xlsx");
    summary(&home, "xlsx", &xlsx, &["--lang", "sw"]);
    let html = std::fs::read_to_string(&html).expect("html");
    let pdf = pdf_text(&pdf);
    for text in [&pdf, &html] {
        for label in [
            "Muhtasari wa usalama",
            "TOLEO LA UMMA",
            "Takwimu muhimu",
            "Waliouawa",
            "Mifugo iliyoibwa",
            "Orodha ya matukio",
            "Naibu Kamishna wa Kaunti",
            "ng'ombe",
        ] {
            assert!(text.contains(label), "{label:?} missing");
        }
        for english in ["Key figures", "Incident log", "PUBLIC EDITION", "Killed"] {
            assert!(
                !text.contains(english),
                "{english:?} in the Kiswahili edition"
            );
        }
    }
    assert!(pdf.contains("Ukurasa 1 kati ya"));
    assert!(html.contains("<html lang=\"sw\">"));
    assert_eq!(sheet(&xlsx, "Matukio")[0][0], "Kitambulisho cha ripoti");
}

#[test]
fn a_slip_holds_the_report_its_timeline_and_its_ledger_hash() {
    let home = Home::chief();
    let doc = fixture().remove(0);
    let id = home.add(&doc);
    home.ok(&[
        "report",
        "amend",
        &id,
        &home.file("more.json", &json!({"people": {"injured": 3}})),
    ]);
    let shown = home.json(&["report", "show", &id]);
    let filing = shown["timeline"][0]["entry"]["hash"]
        .as_str()
        .expect("hash")
        .to_owned();
    let slip = home.path().join("slip.pdf");
    home.ok(&[
        "report",
        "slip",
        &id[..6],
        "--out",
        &slip.display().to_string(),
    ]);
    let text = pdf_text(&slip);
    assert!(text.contains(&id));
    assert!(text.contains(&filing), "the filing's hash is printed");
    assert!(
        text.contains("Information added"),
        "the timeline has the amendment"
    );
    assert!(text.contains("Waterhole 0"));
    for secret in ["Informantname", "Suspectname", "2.618"] {
        assert!(!text.contains(secret), "the public slip holds {secret:?}");
    }
    let restricted = home.path().join("slip-restricted.pdf");
    home.ok(&[
        "report",
        "slip",
        &id,
        "--edition",
        "restricted",
        "--out",
        &restricted.display().to_string(),
    ]);
    assert!(pdf_text(&restricted).contains("Informantname0"));
}

#[test]
fn bad_summary_options_name_the_option_and_what_is_allowed() {
    let home = Home::chief();
    let out = home.run(&[
        "summary",
        "--unit",
        UNIT,
        "--from",
        "2026-10-31",
        "--to",
        "2026-10-01",
        "--format",
        "docx",
        "--out",
        "x",
        "--edition",
        "secret",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("--format: unknown format \"docx\"; allowed: pdf, html, csv, xlsx"),
        "{err}"
    );
    assert!(
        err.contains("--edition: unknown edition \"secret\""),
        "{err}"
    );
    assert!(
        err.contains("--from: 2026-10-31 is after --to 2026-10-01"),
        "{err}"
    );
    let target = home.path().join("x.pdf");
    let out = home.run(&[
        "summary",
        "--unit",
        "nowhere",
        "--from",
        FROM,
        "--to",
        TO,
        "--format",
        "pdf",
        "--out",
        &target.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--unit: unknown unit \"nowhere\""));
    assert!(!target.exists(), "nothing was written");
}
