//! The replay window a hub keeps for each device: which of the device's alert numbers it has
//! taken, so that an alert delivered any number of times is taken once, alerts may arrive in
//! any order, and an old alert sent again is refused.
//!
//! The window is the highest number taken and a bitmap of the 64 numbers up to it (as IPsec's
//! and DTLS's anti-replay windows). A number above the highest moves the window up; one inside
//! it is taken unless its bit is set; one below it is refused, as is any alert sent more than 7
//! days before it is received. The hub stores the window with the alert it takes, in one
//! transaction, and checks the tag before the window ([`super::open`] first), so no forged
//! alert moves it.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use super::refusal::Refusal;
use crate::domain::report::FUTURE_TOLERANCE;

/// Alert numbers the window remembers below the highest taken (the highest included).
pub const WINDOW: u32 = 64;
/// How long after it was sent an alert is still taken.
pub const MAX_AGE: Duration = Duration::days(7);

/// The alert numbers taken from one device.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplayWindow {
    /// The highest alert number taken; `None` before the first.
    highest: Option<u32>,
    /// Bit `i` set: number `highest - i` was taken.
    seen: u64,
}

impl ReplayWindow {
    pub fn new() -> ReplayWindow {
        ReplayWindow::default()
    }

    /// The highest alert number taken.
    pub fn highest(&self) -> Option<u32> {
        self.highest
    }

    /// The lowest alert number that may still be taken.
    pub fn lowest(&self) -> u32 {
        self.highest.map_or(0, |h| h.saturating_sub(WINDOW - 1))
    }

    /// Whether alert `counter`, sent at `sent_at`, may be taken at `now`, without taking it.
    pub fn check(
        &self,
        counter: u32,
        sent_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<(), Refusal> {
        if sent_at > now + FUTURE_TOLERANCE {
            return Err(Refusal::FromTheFuture { sent_at });
        }
        if now - sent_at > MAX_AGE {
            return Err(Refusal::TooOld { sent_at });
        }
        let Some(highest) = self.highest else {
            return Ok(());
        };
        if counter > highest {
            return Ok(());
        }
        let back = highest - counter;
        if back >= WINDOW {
            Err(Refusal::Replayed { counter })
        } else if self.seen & (1 << back) != 0 {
            Err(Refusal::Duplicate { counter })
        } else {
            Ok(())
        }
    }

    /// Takes alert `counter` if [`check`](Self::check) allows it.
    pub fn admit(
        &mut self,
        counter: u32,
        sent_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<(), Refusal> {
        self.check(counter, sent_at, now)?;
        match self.highest {
            Some(highest) if counter <= highest => self.seen |= 1 << (highest - counter),
            Some(highest) => {
                let up = counter - highest;
                self.seen = if up >= WINDOW { 0 } else { self.seen << up } | 1;
                self.highest = Some(counter);
            }
            None => {
                self.seen = 1;
                self.highest = Some(counter);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-20 06:00 +3);

    #[test]
    fn the_first_alert_of_any_number_is_taken_and_again_is_a_duplicate() {
        let mut window = ReplayWindow::new();
        assert_eq!(window.lowest(), 0);
        window.admit(500, NOW, NOW).expect("taken");
        assert_eq!(
            window.admit(500, NOW, NOW),
            Err(Refusal::Duplicate { counter: 500 })
        );
        assert_eq!(window.highest(), Some(500));
        assert_eq!(window.lowest(), 437);
        window
            .admit(437, NOW, NOW)
            .expect("the bottom of the window");
        assert_eq!(
            window.admit(436, NOW, NOW),
            Err(Refusal::Replayed { counter: 436 })
        );
    }

    #[test]
    fn a_jump_past_the_window_forgets_everything_below_it() {
        let mut window = ReplayWindow::new();
        for n in 0..10 {
            window.admit(n, NOW, NOW).expect("taken");
        }
        window.admit(1000, NOW, NOW).expect("taken");
        assert_eq!(
            window.admit(9, NOW, NOW),
            Err(Refusal::Replayed { counter: 9 })
        );
        window.admit(999, NOW, NOW).expect("inside the new window");
        window.admit(937, NOW, NOW).expect("the bottom");
    }

    #[test]
    fn an_alert_older_than_seven_days_or_dated_ahead_is_refused_whatever_its_number() {
        let mut window = ReplayWindow::new();
        let old = NOW - MAX_AGE - Duration::minutes(1);
        assert_eq!(
            window.admit(1, old, NOW),
            Err(Refusal::TooOld { sent_at: old })
        );
        window
            .admit(1, NOW - MAX_AGE, NOW)
            .expect("exactly 7 days is still taken");
        let ahead = NOW + Duration::minutes(11);
        assert_eq!(
            window.admit(2, ahead, NOW),
            Err(Refusal::FromTheFuture { sent_at: ahead })
        );
        window
            .admit(2, NOW + Duration::minutes(10), NOW)
            .expect("within the clock tolerance");
    }

    #[test]
    fn the_window_stored_and_read_back_judges_alike() {
        let mut window = ReplayWindow::new();
        for n in [3, 70, 65, 2] {
            let _ = window.admit(n, NOW, NOW);
        }
        let stored = serde_json::to_string(&window).expect("stored");
        assert_eq!(stored, r#"{"highest":70,"seen":33}"#);
        let read: ReplayWindow = serde_json::from_str(&stored).expect("read");
        assert_eq!(read, window);
        for n in 0..80 {
            assert_eq!(read.check(n, NOW, NOW), window.check(n, NOW, NOW));
        }
    }

    proptest! {
        #[test]
        fn alerts_within_the_window_are_taken_once_in_any_order(
            base in 0u32..1_000_000,
            order in Just((0..WINDOW).collect::<Vec<_>>()).prop_shuffle(),
            again in proptest::collection::vec(0..WINDOW, 1..40),
        ) {
            let mut window = ReplayWindow::new();
            let mut taken = 0;
            for offset in &order {
                let counter = base + offset;
                if window.admit(counter, NOW, NOW).is_ok() {
                    taken += 1;
                }
            }
            prop_assert_eq!(taken, WINDOW);
            for offset in again {
                prop_assert_eq!(
                    window.admit(base + offset, NOW, NOW),
                    Err(Refusal::Duplicate { counter: base + offset })
                );
            }
            if base > 0 {
                prop_assert_eq!(
                    window.admit(base - 1, NOW, NOW),
                    Err(Refusal::Replayed { counter: base - 1 })
                );
            }
        }
    }
}
