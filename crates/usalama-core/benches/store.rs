//! The store's figures on this machine: a durable save, a filtered list, a text search, a
//! county-month summary and its PDF, and the bytes of database per report, on a store of 100,000
//! realistic reports.
//!
//! `cargo bench -p usalama-core --bench store` (or `make bench`). Set `USALAMA_BENCH_REPORTS` for
//! another store size. Prints medians and 99th percentiles; no figure is asserted.

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use time::{Date, Month, OffsetDateTime};
use usalama_core::domain::Lang;
use usalama_core::domain::Report;
use usalama_core::keys::KdfParams;
use usalama_core::store::ReportFilter;
use usalama_core::summary::{document, pdf, table, xlsx, Edition, SummaryRequest};
use usalama_core::{gazetteer, Profile, Store};

const WORDS: &[&str] = &[
    "raiders",
    "cattle",
    "goats",
    "river",
    "borehole",
    "dawn",
    "herders",
    "armed",
    "village",
    "elders",
    "road",
    "market",
    "school",
    "tracks",
    "footprints",
    "gunshots",
    "night",
    "hills",
    "kraal",
    "shots",
    "fled",
    "towards",
    "border",
    "police",
    "reservists",
    "camp",
    "women",
    "children",
    "injured",
    "missing",
    "morning",
    "evening",
    "water",
    "pasture",
    "drought",
    "migration",
    "warriors",
    "songs",
    "blessing",
    "spies",
    "price",
    "trading",
    "centre",
    "bridge",
    "valley",
    "escarpment",
    "motorbike",
    "lorry",
    "ambush",
    "highway",
];
const TYPES: &[&str] = &[
    "livestock_raid",
    "livestock_theft",
    "armed_clash",
    "killing",
    "assault_injury",
    "abduction",
    "road_ambush",
    "firearm",
    "early_warning",
    "peace_meeting",
    "livestock_recovered",
    "other",
];

/// A report of about 600 bytes of JSON, like the ones chiefs file.
fn report(rng: &mut StdRng, units: &[String], rare_every: usize, n: usize) -> Value {
    let words: Vec<&str> = (0..rng.gen_range(40..70))
        .map(|_| WORDS[rng.gen_range(0..WORDS.len())])
        .collect();
    let mut narrative = words.join(" ");
    if n.is_multiple_of(rare_every) {
        narrative.push_str(" Kanyerus");
    }
    let day = rng.gen_range(0..365);
    let when = Date::from_calendar_date(2025, Month::November, 1).expect("date")
        + time::Duration::days(day);
    let urgency = ["flash", "urgent", "routine"][rng.gen_range(0..3)];
    json!({
        "type": TYPES[rng.gen_range(0..TYPES.len())],
        "urgency": urgency,
        "occurred_at": format!("{when}T{:02}:{:02}:00+03:00", rng.gen_range(0..24), rng.gen_range(0..60)),
        "unit": units[rng.gen_range(0..units.len())],
        "place": format!("{} near the {}", WORDS[rng.gen_range(0..WORDS.len())], WORDS[rng.gen_range(0..WORDS.len())]),
        "narrative": narrative,
        "people": {"killed": rng.gen_range(0..3), "injured": rng.gen_range(0..5), "abducted": 0},
        "livestock": [{"species": "cattle", "stolen": rng.gen_range(0..300), "estimate": true}],
        "agencies_notified": ["nps"],
    })
}

fn median_p99(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p99 = ((samples.len() as f64) * 0.99).ceil() as usize - 1;
    (
        ms(samples[samples.len() / 2]),
        ms(samples[p99.min(samples.len() - 1)]),
    )
}

fn time_it(runs: usize, mut f: impl FnMut()) -> (f64, f64) {
    f(); // warm the cache as a user's second query would
    median_p99(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let total: usize = std::env::var("USALAMA_BENCH_REPORTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::Builder::new()
        .prefix("usalama-bench")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("temp dir");
    let path = dir.path().to_owned();
    // USALAMA_BENCH_KEEP=1 keeps the store for a closer look (passphrase "benchmarks are measured").
    let _guard = if std::env::var_os("USALAMA_BENCH_KEEP").is_some() {
        println!("store kept in {}", dir.keep().display());
        None
    } else {
        Some(dir)
    };
    let profile = Profile {
        name: "Bench Chief".into(),
        role: usalama_core::domain::Role::Chief,
        unit: Some("ke-024".into()),
        agency: None,
        lang: Lang::En,
    };
    let passphrase = "benchmarks are measured";
    let (mut store, _) =
        Store::create(&path, profile, passphrase, KdfParams::FAST_INSECURE).expect("store");
    let mut reports = Reports {
        units: gazetteer::shipped()
            .into_iter()
            .filter(|u| matches!(u.kind.as_str(), "ward" | "village" | "location"))
            .map(|u| u.id)
            .collect(),
        rng: StdRng::seed_from_u64(7),
        now: OffsetDateTime::now_utc(),
        rare_every: 997,
    };
    let docs_json: Vec<Value> = (0..1000).map(|n| reports.document(n)).collect();
    let json_bytes: usize = docs_json.iter().map(|d| d.to_string().len()).sum::<usize>() / 1000;

    let started = Instant::now();
    let mut n = 0;
    while n < total {
        let batch: Vec<Report> = (0..1000.min(total - n))
            .map(|i| reports.parsed(n + i))
            .collect();
        n += batch.len();
        store.file_reports(&batch).expect("filed");
    }
    let fill = started.elapsed();
    let save = durable_saves(&mut store, &mut reports);
    let lists = list_figures(&store);
    let summary = summary_figures(&store);
    let warnings = warning_figures(&store);

    store.checkpoint().expect("checkpoint");
    let reports = store.report_count().expect("count");
    let db_bytes = std::fs::metadata(Store::database_path(&path))
        .expect("db")
        .len();

    println!("Usalama store benchmark: {reports} reports of about {json_bytes} bytes of JSON");
    println!(
        "fill: {:.1} s for {total} reports in batches of 1,000 ({:.0} reports/s)",
        fill.as_secs_f64(),
        total as f64 / fill.as_secs_f64()
    );
    println!("| what | median | p99 | rows |");
    println!("| --- | --- | --- | --- |");
    let (save_median, save_p99) = save;
    println!(
        "| durable save of one report (300 saves) | {save_median:.2} ms | {save_p99:.2} ms | 1 |"
    );
    for (name, median, p99, count) in lists {
        println!("| {name} | {median:.2} ms | {p99:.2} ms | {count} |");
    }
    summary.print();
    print_warnings(warnings);
    println!(
        "| database size | {:.1} MB | {} bytes per report | |",
        db_bytes as f64 / 1e6,
        db_bytes / reports.max(1)
    );
}

/// Every warning for the county (triggers, trends, acknowledgements and follow-ups): computed
/// afresh (each run on another day, which the store's cache of warnings keys on), and again
/// with nothing changed (what Home and the inbox pay on every visit).
fn warning_figures(store: &Store) -> [(f64, f64, usize); 2] {
    let now_ms = OffsetDateTime::now_utc().unix_timestamp() * 1000;
    let day = 86_400_000;
    let mut raised = 0;
    let mut next = 0;
    let fresh = time_it(5, || {
        next += 1;
        raised = store
            .warnings(now_ms + next * day)
            .expect("warnings")
            .warnings
            .len();
    });
    let cached = time_it(20, || {
        raised = store.warnings(now_ms).expect("warnings").warnings.len();
    });
    [(fresh.0, fresh.1, raised), (cached.0, cached.1, raised)]
}

fn print_warnings(warnings: [(f64, f64, usize); 2]) {
    let names = [
        "every warning for the county, computed",
        "every warning for the county, unchanged since the last call",
    ];
    for (name, (median, p99, raised)) in names.iter().zip(warnings) {
        println!("| {name} | {median:.2} ms | {p99:.2} ms | {raised} |");
    }
}

/// The reports the store is filled with: realistic, from a fixed seed.
struct Reports {
    units: Vec<String>,
    rng: StdRng,
    now: OffsetDateTime,
    rare_every: usize,
}

impl Reports {
    fn document(&mut self, n: usize) -> Value {
        report(&mut self.rng, &self.units, self.rare_every, n)
    }

    fn parsed(&mut self, n: usize) -> Report {
        let doc = self.document(n);
        Report::parse(&doc, self.now).expect("valid")
    }
}

/// Durable saves, one report per transaction, into the full store: median and p99 in ms.
fn durable_saves(store: &mut Store, reports: &mut Reports) -> (f64, f64) {
    let save_docs: Vec<Report> = (0..300).map(|i| reports.parsed(i)).collect();
    let saves: Vec<Duration> = save_docs
        .iter()
        .map(|r| {
            let t = Instant::now();
            store.file_reports(std::slice::from_ref(r)).expect("saved");
            t.elapsed()
        })
        .collect();
    median_p99(saves)
}

/// Filtered lists and text searches: each one's name, median, p99 and rows.
fn list_figures(store: &Store) -> Vec<(&'static str, f64, f64, usize)> {
    let list_type_unit = ReportFilter {
        kind: Some("livestock_raid".into()),
        unit: Some("ke-024-sc-pokot-north".into()),
        limit: Some(50),
        ..ReportFilter::default()
    };
    let list_month = ReportFilter {
        unit: Some("ke-024-c130".into()),
        from: Some(Date::from_calendar_date(2026, Month::March, 1).expect("date")),
        to: Some(Date::from_calendar_date(2026, Month::March, 31).expect("date")),
        limit: Some(50),
        ..ReportFilter::default()
    };
    let type_and_status = ReportFilter {
        kind: Some("livestock_raid".into()),
        status: Some("pending".into()),
        limit: Some(200),
        ..ReportFilter::default()
    };
    let search_common = ReportFilter {
        search: Some("borehole ambush".into()),
        limit: Some(50),
        ..ReportFilter::default()
    };
    let search_rare = ReportFilter {
        search: Some("kanyerus".into()),
        ..ReportFilter::default()
    };
    let mut figures = Vec::new();
    for (name, filter) in [
        (
            "list: type + sub-county subtree, 50 newest",
            &list_type_unit,
        ),
        (
            "list: constituency subtree + one month, 50 newest",
            &list_month,
        ),
        ("search: two common words, 50 newest", &search_common),
        ("search: a rare word, every match", &search_rare),
    ] {
        let mut count = 0;
        let (median, p99) = time_it(50, || {
            count = store.list_reports(filter).expect("listed").len();
        });
        figures.push((name, median, p99, count));
    }
    // As the list screen asks: the 200 newest rows, and how many match in all.
    let mut count = 0;
    let (median, p99) = time_it(50, || {
        count = store.list_reports(&type_and_status).expect("listed").len();
        store.count_reports(&type_and_status).expect("counted");
    });
    figures.push((
        "list and count: type + status, 200 newest",
        median,
        p99,
        count,
    ));
    figures
}

/// The timings of a county-month summary and its renderings.
struct SummaryFigures {
    summary: (f64, f64),
    incidents: u32,
    pdf: (f64, f64),
    pages: usize,
    pdf_bytes: usize,
    xlsx: (f64, f64),
}

/// A county-month summary (and the month before it, for the comparison), then its PDF.
fn summary_figures(store: &Store) -> SummaryFigures {
    let request = SummaryRequest {
        unit: gazetteer::COUNTY.into(),
        from: Date::from_calendar_date(2026, Month::March, 1).expect("date"),
        to: Date::from_calendar_date(2026, Month::March, 31).expect("date"),
        edition: Edition::Public,
    };
    let mut incidents = 0;
    let summary_times = time_it(10, || {
        incidents = store.summary(&request).expect("summary").figures.incidents;
    });
    let summary = store.summary(&request).expect("summary");
    let mut pages = 0;
    let mut pdf_bytes = 0;
    let pdf = time_it(5, || {
        let doc = document::summary(&summary, Lang::En);
        let pdf = pdf::render(&doc).expect("pdf");
        let text = String::from_utf8_lossy(&pdf);
        pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
        pdf_bytes = pdf.len();
    });
    let xlsx = time_it(5, || {
        xlsx::render(&[
            table::figures(&summary, Lang::En),
            table::log(&summary, Lang::En),
        ]);
    });
    SummaryFigures {
        summary: summary_times,
        incidents,
        pdf,
        pages,
        pdf_bytes,
        xlsx,
    }
}

impl SummaryFigures {
    fn print(&self) {
        let SummaryFigures {
            summary: (summary_median, summary_p99),
            incidents,
            pdf: (pdf_median, pdf_p99),
            pages,
            pdf_bytes,
            xlsx: (xlsx_median, xlsx_p99),
        } = self;
        println!(
            "| summary: the county, one month, beside the month before | {summary_median:.1} ms | \
             {summary_p99:.1} ms | {incidents} incidents |"
        );
        println!(
            "| PDF of that summary ({pages} pages, {:.1} MB) | {pdf_median:.0} ms | {pdf_p99:.0} ms | \
             {incidents} log rows |",
            *pdf_bytes as f64 / 1e6
        );
        println!(
            "| XLSX of that summary | {xlsx_median:.0} ms | {xlsx_p99:.0} ms | {incidents} rows |"
        );
    }
}
