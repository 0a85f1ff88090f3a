//! The period a summary covers, and the period it is compared with.

use serde::Serialize;
use time::{Date, Duration, Time};

/// Calendar days in East Africa Time, both inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

impl Period {
    /// The number of days, at least 1.
    pub fn days(self) -> i64 {
        (self.to - self.from).whole_days() + 1
    }

    /// The period this one is compared with: as many whole calendar months before, when this
    /// one is whole months (November is compared with October, February with January); else
    /// the period of the same length that ends the day before this one starts.
    pub fn previous(self) -> Period {
        let to = self.from - Duration::days(1);
        let whole_months = self.from.day() == 1 && self.to.next_day().is_none_or(|d| d.day() == 1);
        if whole_months {
            let months = months_between(self.from, self.to) + 1;
            let mut from = to.replace_day(1).unwrap_or(to);
            for _ in 1..months {
                from = from
                    .previous_day()
                    .map_or(from, |d| d.replace_day(1).unwrap_or(d));
            }
            return Period { from, to };
        }
        Period {
            from: to - Duration::days(self.days() - 1),
            to,
        }
    }

    /// Unix milliseconds: the first instant of `from` and the first instant after `to`.
    pub fn bounds_ms(self) -> (i64, i64) {
        let start = |d: Date| {
            let t = d.with_time(Time::MIDNIGHT).assume_offset(crate::EAT);
            (t.unix_timestamp_nanos() / 1_000_000) as i64
        };
        let end = self.to.next_day().map_or(i64::MAX, start);
        (start(self.from), end)
    }

    pub fn contains_ms(self, ms: i64) -> bool {
        let (from, to) = self.bounds_ms();
        (from..to).contains(&ms)
    }

    /// `2026-11-01 – 2026-11-30`.
    pub fn text(self) -> String {
        if self.from == self.to {
            self.from.to_string()
        } else {
            format!("{} – {}", self.from, self.to)
        }
    }
}

/// How many calendar months `to`'s month is after `from`'s.
fn months_between(from: Date, to: Date) -> i32 {
    (to.year() - from.year()) * 12 + i32::from(u8::from(to.month()))
        - i32::from(u8::from(from.month()))
}
