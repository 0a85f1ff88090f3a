//! The trend test's backtest on synthetic series of West Pokot's sub-counties (the generator and
//! the scoring: `usalama_protocol::warning::backtest`).
//!
//! `cargo bench -p usalama-protocol --bench backtest` (or `make bench`). Set
//! `USALAMA_BACKTEST_REPLICATES` for another number of series per sub-county (200 by default), and
//! `USALAMA_BACKTEST_ALPHA`, `USALAMA_BACKTEST_SHORT_ALPHA` or `USALAMA_BACKTEST_MIN_COUNT` to try other settings than the
//! defaults. Prints, per sub-county and overall, for the weeks with two or more earlier years and
//! then for those with fewer: the share of 3x and 2x two-week surges warned of within their two
//! weeks, the median and mean delay to the first warning, and false alarms per sub-county-year.

use std::time::Instant;

use usalama_protocol::warning::backtest::{overall, run, run_oracle, Found, Row, Tally};
use usalama_protocol::warning::trend::TrendTest;

fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn delay(d: Option<f64>) -> String {
    d.map_or_else(|| "-".to_owned(), |d| format!("{d:.2}"))
}

fn found(f: &Found) -> String {
    format!(
        "{:.1} % of {} | {} | {}",
        100.0 * f.rate(),
        f.surges,
        delay(f.median_delay()),
        delay(f.mean_delay())
    )
}

fn line(name: &str, mean: &str, t: &Tally) {
    println!(
        "| {name} | {mean} | {} | {} | {:.2} |",
        found(&t.threefold),
        found(&t.twofold),
        t.false_alarms_per_year()
    );
}

fn table(title: &str, rows: &[Row], history: usize) {
    println!("\n{title}\n");
    println!(
        "| sub-county | base rate/week | 3x within 2 weeks | 3x median delay | 3x mean delay \
         | 2x within 2 weeks | 2x median delay | 2x mean delay | false alarms per sub-county-year |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for row in rows {
        line(
            row.sub_county,
            &format!("{}", row.mean),
            &row.tallies[history],
        );
    }
    line("overall", "", &overall(rows)[history]);
}

/// The oracle (knowing the true rates) at a few levels, to read the trend test's figures against.
fn yardstick(replicates: u32) {
    println!(
        "\nThe yardstick: a judge knowing the true rate and k (never the surges), the same two \
         windows, two or more earlier years\n"
    );
    println!("| oracle alpha | sub-county | 3x within 2 weeks | 2x within 2 weeks | false alarms per sub-county-year |");
    println!("| --- | --- | --- | --- | --- |");
    for alpha in [0.01, 0.015, 0.02] {
        let rows = run_oracle(replicates, alpha);
        let all = overall(&rows);
        for (name, t) in rows
            .iter()
            .map(|r| (r.sub_county, &r.tallies[1]))
            .chain([("overall", &all[1])])
        {
            println!(
                "| {alpha} | {name} | {:.1} % | {:.1} % | {:.2} |",
                100.0 * t.threefold.rate(),
                100.0 * t.twofold.rate(),
                t.false_alarms_per_year()
            );
        }
    }
}

fn main() {
    let replicates = setting("USALAMA_BACKTEST_REPLICATES", 200u32);
    let defaults = TrendTest::default();
    let test = TrendTest {
        alpha: setting("USALAMA_BACKTEST_ALPHA", defaults.alpha),
        short_history_alpha: setting("USALAMA_BACKTEST_SHORT_ALPHA", defaults.short_history_alpha),
        min_count: setting("USALAMA_BACKTEST_MIN_COUNT", defaults.min_count),
        ..defaults
    };
    println!("Usalama trend backtest: {replicates} synthetic series of 5 years per sub-county");
    println!("{test:?}");
    let started = Instant::now();
    let rows = run(replicates, &test);
    table("Two or more earlier years of history:", &rows, 1);
    table(
        "Fewer than two earlier years (the first two years):",
        &rows,
        0,
    );
    yardstick(replicates);
    println!(
        "\n{:.1} s; delays in weeks from the surge's first week to its first warning (within the \
         surge or the {} weeks after it)",
        started.elapsed().as_secs_f64(),
        usalama_protocol::warning::backtest::GRACE_WEEKS
    );
}
