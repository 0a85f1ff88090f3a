//! Trends: a sub-county's (or a border's) weekly count that is unusually high for the season,
//! tested against the same weeks of earlier years.

use time::Date;

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
    /// The fewest incidents in a week that can raise a warning at all.
    pub min_count: u32,
}

impl Default for TrendTest {
    fn default() -> TrendTest {
        TrendTest {
            alpha: 0.01,
            min_count: 3,
        }
    }
}

/// A week whose count was unusually high for the season.
#[derive(Debug, Clone, PartialEq)]
pub struct Surge {
    /// Index of the week in the series.
    pub week: usize,
    pub count: u32,
    /// The count the season's history leads one to expect.
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
    let _ = (series, week, test);
    None
}
