//! Trends: a sub-county's (or a border's) weekly count that is unusually high for the season,
//! tested against the same weeks of earlier years.
//!
//! # Method
//!
//! A seasonal negative-binomial test, in the spirit of Farrington's method (Farrington et al.,
//! 1996) but small enough to recompute on every device:
//!
//! 1. **The season's rate.** With two or more earlier years, the expected weekly count is the
//!    mean of the weeks within ±[`TrendTest::season_half_width`] of the same week in each earlier
//!    year (at most [`TrendTest::max_years`] back; a year back is 52.18 weeks, rounded). Raids
//!    double from December to March, so comparing a week with the same weeks of other years keeps
//!    the dry season from looking like a surge, and a wet-season week from hiding one.
//! 2. **Short history.** With fewer than two earlier years the baseline is what there is: the
//!    [`TrendTest::recent_weeks`] weeks before the ones tested, each brought to the tested week's
//!    season with [`TrendTest::dry_season_factor`], plus the same weeks of the one earlier year if
//!    there is one. [`Surge::years_of_history`] says how many earlier years the expectation rests
//!    on, so a warning from a short history says so.
//! 3. **Overdispersion.** Incidents come in clusters (one raid, several reports; a quiet month,
//!    then a bad one), so weekly counts vary far more than a Poisson count would: a Poisson test
//!    raises warning after warning in an ordinary bad week. The counts are taken as negative
//!    binomial, variance `mu + mu^2 / k`, with `1 / k` estimated from the series' own past in
//!    blocks of eight weeks (the pooled moment estimate `sum(s^2 - m) / sum(m^2 - s^2 / 8)`),
//!    shrunk towards [`TrendTest::prior_overdispersion`] with the weight of four blocks, so a short
//!    or very quiet history leans on the prior.
//! 4. **The expectation's own doubt.** The baseline's mean is itself estimated from `n` weeks; the
//!    variance of the window tested is widened by that estimate's variance (`(1 + w / n)` times),
//!    and the mean carries half an incident of prior (`(sum + 0.5) / n`), so an all-zero baseline
//!    does not make any single incident a surge.
//! 5. **Two windows.** The week alone, and the week with the one before it, are each compared with
//!    a negative binomial of the same mean and variance (moment-matched); the smaller p-value
//!    wins. The two-week window catches a two-week surge whose weeks are each only somewhat high;
//!    it counts only when the week itself is above its expectation, so one bad week does not warn
//!    twice. A window warns when its count is at least [`TrendTest::min_count`] and its p-value at
//!    most [`TrendTest::alpha`] ([`TrendTest::short_history_alpha`], stricter, with fewer than
//!    two earlier years: a baseline of recent weeks is shakier).
//!
//! The verdict on week `t` reads only weeks up to `t` (the series is cut there first), so
//! appending weeks never changes it, and it is the same on every device.
//!
//! The defaults were tuned on the synthetic backtest (`cargo bench -p usalama-protocol --bench
//! backtest`; `docs/early-warning-trends.md` has the figures and the limits).

use time::{Date, Duration, Month};

/// One area's weekly counts of incidents: `counts[0]` is the week starting on `first_monday`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weekly {
    pub first_monday: Date,
    pub counts: Vec<u32>,
}

/// How unusual a week must be to raise a trend warning (the county's setting).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrendTest {
    /// The largest probability, under the season's usual rate, of a count at least as high.
    pub alpha: f64,
    /// The same, with fewer than two earlier years: the baseline is shakier, so the bar is higher.
    pub short_history_alpha: f64,
    /// The fewest incidents in the window tested (the week, or the week with the one before it)
    /// that can raise a warning at all.
    pub min_count: u32,
    /// Weeks either side of the same week of each earlier year that make up the season's baseline.
    pub season_half_width: u32,
    /// The most earlier years the baseline reaches back to.
    pub max_years: u32,
    /// With fewer than two earlier years: how many weeks before the ones tested make the baseline.
    pub recent_weeks: u32,
    /// How many times the wet season's rate the dry season (December to March) brings; used only
    /// to bring recent weeks to the tested week's season when the history is short.
    pub dry_season_factor: f64,
    /// The overdispersion `1 / k` assumed until the series shows its own (variance
    /// `mu + mu^2 / k`).
    pub prior_overdispersion: f64,
}

impl Default for TrendTest {
    fn default() -> TrendTest {
        TrendTest {
            alpha: 0.025,
            short_history_alpha: 0.015,
            min_count: 3,
            season_half_width: 5,
            max_years: 5,
            recent_weeks: 16,
            dry_season_factor: 2.0,
            prior_overdispersion: 0.5,
        }
    }
}

/// A week whose count was unusually high for the season.
#[derive(Debug, Clone, PartialEq)]
pub struct Surge {
    /// Index of the week in the series.
    pub week: usize,
    /// The incidents in the window that raised the warning: the week's own, or (when only the
    /// two weeks together are unusual) the week's and the week before's.
    pub count: u32,
    /// The count the season's history leads one to expect, for the same window.
    pub expected: f64,
    /// The probability of a count at least this high at the expected rate.
    pub p_value: f64,
    /// How many earlier years of the same weeks the expectation rests on (fewer than two:
    /// the warning says so).
    pub years_of_history: u32,
}

/// Whether week `week` of `series` is a surge, judged only from the weeks before it (and the
/// week itself): the same answer whatever comes after.
pub fn assess(series: &Weekly, week: usize, test: &TrendTest) -> Option<Surge> {
    // Cut first: nothing below can read past the week judged.
    let counts = series.counts.get(..=week)?;
    let baseline = baseline(series.first_monday, counts, test)?;
    let inv_k = overdispersion(&counts[..week.saturating_sub(1)], test.prior_overdispersion);
    let per_week = baseline.mean + baseline.mean * baseline.mean * inv_k;
    let alpha = if baseline.years < 2 {
        test.short_history_alpha
    } else {
        test.alpha
    };
    let mut best: Option<Surge> = None;
    for window in 1..=2usize {
        if window > counts.len() || (window > 1 && f64::from(counts[week]) <= baseline.mean) {
            continue;
        }
        let count: u32 = counts[week + 1 - window..].iter().sum();
        let w = window as f64;
        let expected = w * baseline.mean;
        let variance = w * per_week * (1.0 + w / baseline.weeks);
        let p_value = upper_tail(count, expected, variance);
        let better = best.as_ref().is_none_or(|b| p_value < b.p_value);
        if count >= test.min_count && p_value <= alpha && better {
            best = Some(Surge {
                week,
                count,
                expected,
                p_value,
                years_of_history: baseline.years,
            });
        }
    }
    best
}

/// How many earlier years have the whole of week `week`'s season window in the series.
pub fn years_of_history(week: usize, test: &TrendTest) -> u32 {
    let half = test.season_half_width as usize;
    (1..=test.max_years)
        .take_while(|&k| week >= year_back(k) + half)
        .fold(0, |n, _| n + 1)
}

/// Weeks in `k` years, rounded (365.2425 days a year).
fn year_back(k: u32) -> usize {
    (f64::from(k) * 365.2425 / 7.0).round() as usize
}

/// Whether the week starting `first_monday` + `week` weeks is in the dry season (December to
/// March, by the week's Thursday, as ISO weeks are placed).
pub fn dry_season(first_monday: Date, week: usize) -> bool {
    let days = i64::try_from(week)
        .unwrap_or(i64::MAX / 8)
        .saturating_mul(7)
        + 3;
    first_monday
        .checked_add(Duration::days(days))
        .is_some_and(|d| {
            matches!(
                d.month(),
                Month::December | Month::January | Month::February | Month::March
            )
        })
}

/// The expected weekly count for the last week of `counts`.
#[derive(Debug, Clone, Copy)]
struct Baseline {
    mean: f64,
    /// The weeks the mean rests on.
    weeks: f64,
    years: u32,
}

/// The fewest weeks a baseline may rest on.
const MIN_BASELINE_WEEKS: usize = 4;

fn baseline(first_monday: Date, counts: &[u32], test: &TrendTest) -> Option<Baseline> {
    let week = counts.len() - 1;
    let years = years_of_history(week, test);
    let half = test.season_half_width as usize;
    let (mut sum, mut n) = (0.0, 0usize);
    for k in 1..=years {
        let centre = week - year_back(k);
        for &c in &counts[centre - half..=centre + half] {
            sum += f64::from(c);
            n += 1;
        }
    }
    if years < 2 {
        let season = |i| {
            if dry_season(first_monday, i) {
                test.dry_season_factor
            } else {
                1.0
            }
        };
        let end = week.saturating_sub(1);
        let start = end.saturating_sub(test.recent_weeks as usize);
        for (i, &c) in counts.iter().enumerate().take(end).skip(start) {
            sum += f64::from(c) * season(week) / season(i);
            n += 1;
        }
    }
    (n >= MIN_BASELINE_WEEKS).then(|| Baseline {
        mean: (sum + 0.5) / n as f64,
        weeks: n as f64,
        years,
    })
}

/// Weeks in a block of the overdispersion estimate.
const BLOCK: usize = 8;
/// The prior's weight, in blocks.
const PRIOR_BLOCKS: f64 = 4.0;

/// The overdispersion `1 / k` of `past`, pooled over blocks of eight weeks and shrunk towards
/// `prior`.
fn overdispersion(past: &[u32], prior: f64) -> f64 {
    let (mut excess, mut square, mut blocks) = (0.0, 0.0, 0.0);
    for block in past.chunks_exact(BLOCK) {
        let n = BLOCK as f64;
        let m = block.iter().map(|&c| f64::from(c)).sum::<f64>() / n;
        let s2 = block
            .iter()
            .map(|&c| (f64::from(c) - m).powi(2))
            .sum::<f64>()
            / (n - 1.0);
        excess += s2 - m;
        square += m * m - s2 / n;
        blocks += 1.0;
    }
    let estimate = if square > 0.0 {
        (excess / square).max(0.0)
    } else {
        prior
    };
    (blocks * estimate + PRIOR_BLOCKS * prior) / (blocks + PRIOR_BLOCKS)
}

/// The probability of a count of at least `count` from a negative binomial of this mean and
/// variance (a Poisson when the variance is not above the mean).
pub fn upper_tail(count: u32, mean: f64, variance: f64) -> f64 {
    if count == 0 {
        return 1.0;
    }
    // ln P(0) and the ratio P(x + 1) / P(x) = (x + r) / (x + 1) * q.
    let (ln_p0, ratio): (f64, Box<dyn Fn(f64) -> f64>) = if variance <= mean * (1.0 + 1e-9) {
        (-mean, Box::new(move |x| mean / (x + 1.0)))
    } else {
        let r = mean * mean / (variance - mean);
        let q = mean / (r + mean);
        (
            r * (r / (r + mean)).ln(),
            Box::new(move |x| (x + r) / (x + 1.0) * q),
        )
    };
    let mut ln_term = ln_p0;
    for x in 0..count {
        ln_term += ratio(f64::from(x)).ln();
    }
    let mut term = ln_term.exp();
    let (mut sum, mut x) = (0.0, f64::from(count));
    while term > 0.0 {
        sum += term;
        term *= ratio(x);
        x += 1.0;
        if (x > mean && term < sum * 1e-16) || x > f64::from(count) + 1e6 {
            break;
        }
    }
    sum.min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(counts: Vec<u32>) -> Weekly {
        Weekly {
            first_monday: time::macros::date!(2020 - 01 - 06),
            counts,
        }
    }

    /// A deterministic wobble around `mean` (no randomness in the unit tests).
    fn wobbly(weeks: usize, mean: u32) -> Vec<u32> {
        (0..weeks)
            .map(|i| mean + [0, 1, 0, 2, 1, 0, 1, 0, 0, 1, 2, 0][i % 12] - 1)
            .collect()
    }

    #[test]
    fn a_flat_series_never_alarms() {
        let s = series(vec![2; 260]);
        assert!((0..260).all(|w| assess(&s, w, &TrendTest::default()).is_none()));
        let s = series(wobbly(260, 3));
        assert!((0..260).all(|w| assess(&s, w, &TrendTest::default()).is_none()));
    }

    #[test]
    fn a_fourfold_week_alarms() {
        let mut counts = wobbly(260, 3);
        counts[200] = 12; // over four times the usual (about 2.7)
        let s = series(counts);
        let surge = assess(&s, 200, &TrendTest::default()).expect("a surge");
        assert_eq!(surge.week, 200);
        assert_eq!(surge.years_of_history, 3);
        assert!(surge.p_value <= 0.01);
        assert!(surge.expected > 2.0 && surge.expected < 4.0);
        assert!(assess(&s, 199, &TrendTest::default()).is_none());
    }

    #[test]
    fn two_high_weeks_together_alarm_where_either_alone_does_not() {
        let mut counts = vec![3; 260];
        counts[200] = 7;
        let alone = series(counts.clone());
        assert!(assess(&alone, 200, &TrendTest::default()).is_none());
        counts[201] = 7;
        let both = series(counts);
        let surge = assess(&both, 201, &TrendTest::default()).expect("a surge");
        assert_eq!(surge.count, 14);
    }

    #[test]
    fn fewer_than_min_count_never_alarms() {
        let mut counts = vec![0; 260];
        counts[200] = 2;
        let s = series(counts.clone());
        assert!(assess(&s, 200, &TrendTest::default()).is_none());
        assert!(assess(&s, 201, &TrendTest::default()).is_none());
        counts[200] = 3;
        let s = series(counts);
        assert!(assess(&s, 200, &TrendTest::default()).is_some());
    }

    #[test]
    fn the_dry_season_is_not_a_surge() {
        let s = series(
            (0..260)
                .map(|i| if dry_season(date(), i) { 6 } else { 3 })
                .collect(),
        );
        assert!((0..260).all(|w| assess(&s, w, &TrendTest::default()).is_none()));
    }

    fn date() -> Date {
        time::macros::date!(2020 - 01 - 06)
    }

    #[test]
    fn appending_weeks_never_changes_a_verdict() {
        let mut counts = wobbly(260, 2);
        for (i, c) in counts.iter_mut().enumerate() {
            *c += u32::from(i % 37 == 5) * 6 + u32::from(i % 53 == 9) * 3;
        }
        let full = series(counts.clone());
        for week in 0..260 {
            let cut = series(counts[..=week].to_vec());
            let test = TrendTest::default();
            assert_eq!(assess(&cut, week, &test), assess(&full, week, &test));
        }
        assert!((0..260).any(|w| assess(&full, w, &TrendTest::default()).is_some()));
    }

    #[test]
    fn a_short_history_says_so() {
        let mut counts = wobbly(80, 2);
        counts[30] = 10;
        counts[70] = 10;
        let s = series(counts);
        let early = assess(&s, 30, &TrendTest::default()).expect("a surge in the first year");
        assert_eq!(early.years_of_history, 0);
        let later = assess(&s, 70, &TrendTest::default()).expect("a surge in the second year");
        assert_eq!(later.years_of_history, 1);
        assert!(assess(&s, 2, &TrendTest::default()).is_none());
        assert_eq!(years_of_history(109, &TrendTest::default()), 2);
        assert_eq!(years_of_history(108, &TrendTest::default()), 1);
    }

    #[test]
    fn the_tails_match_their_sums() {
        let poisson = 1.0 - (-1.0f64).exp() * 2.5;
        assert!((upper_tail(3, 1.0, 1.0) - poisson).abs() < 1e-12);
        // Negative binomial r = 2, mean 2 (q = 1/2): P(X = x) = (x + 1) / 2^(x + 2).
        let nb: f64 = (0..4).map(|x| f64::from(x + 1) / 2f64.powi(x + 2)).sum();
        assert!((upper_tail(4, 2.0, 4.0) - (1.0 - nb)).abs() < 1e-12);
        assert_eq!(upper_tail(0, 5.0, 9.0), 1.0);
        assert!(upper_tail(200, 1.0, 1.5) < 1e-80);
    }
}
