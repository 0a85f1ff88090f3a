//! The daily byte budget: how much one enrolled device may make the hub store and forward in a
//! day. A device that misbehaves (or a stolen one) cannot fill the hub's disk or every other
//! device's 2G link; a chief's own new reports and flash alerts are never refused for it.

use usalama_protocol::ledger::DeviceId;

use crate::db::{self, Tx};
use crate::error::{HubError, Refusal, Result};
use crate::hub::Hub;
use crate::now_ms;

/// East Africa Time is UTC+3 all year: the budget's day starts at midnight there.
const EAT_OFFSET_MS: i64 = 3 * 3_600_000;
const DAY_MS: i64 = 86_400_000;

/// The budget's day of `at` (Unix ms): days since 1970-01-01 in East Africa Time.
pub fn budget_day(at: i64) -> i64 {
    (at + EAT_OFFSET_MS).div_euclid(DAY_MS)
}

impl Hub {
    /// Sets the bytes a device may send per day (`serve --daily-budget`); 0 turns the budget
    /// off.
    pub fn set_daily_budget(&mut self, bytes: u64) {
        self.budget = bytes;
    }

    pub fn daily_budget(&self) -> u64 {
        self.budget
    }

    /// Charges `bytes` to `device`'s budget for today, in a transaction of its own: call it
    /// before the sync's own transaction. When the bytes would take the device past its
    /// budget, nothing is charged and the request is refused (429, code `over_budget`, with
    /// when the budget starts again) — unless `carries_own_reports`: a request that carries
    /// the device's own new reports or alerts is charged and never refused.
    pub fn charge(&self, device: &DeviceId, bytes: u64, carries_own_reports: bool) -> Result<()> {
        db::write(self.db(), |tx| {
            self.charge_in(tx, device, bytes, carries_own_reports)
        })
    }

    /// [`Hub::charge`] inside the caller's write transaction (a refused sync rolls its charge
    /// back with everything else).
    pub fn charge_in(
        &self,
        tx: &mut dyn Tx,
        device: &DeviceId,
        bytes: u64,
        carries_own_reports: bool,
    ) -> Result<()> {
        let now = now_ms();
        let day = budget_day(now);
        let spent = tx.spent(device, day)?;
        if self.budget > 0 && !carries_own_reports && spent.saturating_add(bytes) > self.budget {
            return Err(over_budget(self.budget, spent, now));
        }
        tx.spend(device, day, bytes)
    }

    /// Bytes charged to `device` today.
    pub fn spent_today(&self, device: &DeviceId) -> Result<u64> {
        db::read(self.db(), |tx| tx.spent(device, budget_day(now_ms())))
    }
}

fn over_budget(budget: u64, spent: u64, now: i64) -> HubError {
    let reset = (budget_day(now) + 1) * DAY_MS - EAT_OFFSET_MS;
    let minutes = (reset - now + 59_999) / 60_000;
    HubError::refused(
        Refusal::OverBudget,
        format!(
            "this device has sent {} of the {} the hub accepts from one device per day; its own \
             new reports still go through, the rest waits until the budget starts again at \
             midnight East Africa Time (in {} h {} min)",
            mib(spent),
            mib(budget),
            minutes / 60,
            minutes % 60
        ),
    )
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / f64::from(1u32 << 20))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    fn hub(dir: &tempfile::TempDir, budget: u64) -> Hub {
        let db = db::open(&dir.path().join("hub.db").display().to_string()).expect("db");
        let mut hub = Hub::open(db).expect("hub");
        hub.set_daily_budget(budget);
        hub
    }

    #[test]
    fn a_device_past_its_budget_is_refused_with_when_it_starts_again() {
        let dir = tempfile::tempdir().expect("dir");
        let hub = hub(&dir, 1000);
        let device = DeviceId([7; 16]);
        hub.charge(&device, 600, false).expect("within");
        hub.charge(&device, 400, false).expect("exactly the budget");
        let refused = hub.charge(&device, 1, false).expect_err("past the budget");
        assert_eq!(
            (refused.status(), refused.code()),
            (StatusCode::TOO_MANY_REQUESTS, "over_budget")
        );
        assert!(
            refused.to_string().contains("midnight East Africa Time"),
            "{refused}"
        );
        // A refused charge is not counted; another device has its own budget.
        assert_eq!(hub.spent_today(&device).expect("spent"), 1000);
        hub.charge(&DeviceId([8; 16]), 1000, false).expect("other");
    }

    #[test]
    fn a_devices_own_new_reports_are_never_refused_for_the_budget() {
        let dir = tempfile::tempdir().expect("dir");
        let hub = hub(&dir, 1000);
        let device = DeviceId([7; 16]);
        hub.charge(&device, 5000, true).expect("own reports pass");
        hub.charge(&device, 5000, true).expect("and again");
        assert_eq!(hub.spent_today(&device).expect("spent"), 10_000);
        assert_eq!(
            hub.charge(&device, 1, false)
                .expect_err("the rest waits")
                .code(),
            "over_budget"
        );
    }

    #[test]
    fn a_budget_of_zero_is_no_budget() {
        let dir = tempfile::tempdir().expect("dir");
        let hub = hub(&dir, 0);
        hub.charge(&DeviceId([7; 16]), u64::MAX / 2, false)
            .expect("no budget");
    }

    #[test]
    fn the_budget_day_turns_at_midnight_east_africa_time() {
        // 2026-11-20 20:59:59.999 UTC is 23:59:59.999 EAT; a millisecond later it is the 21st.
        let before = 1_795_208_399_999;
        assert_eq!(budget_day(before) + 1, budget_day(before + 1));
        let message = over_budget(1 << 20, 1 << 20, before + 1 - 3_600_000).to_string();
        assert!(message.contains("in 1 h 0 min"), "{message}");
    }

    #[test]
    fn a_charge_in_a_transaction_that_fails_is_not_counted() {
        let dir = tempfile::tempdir().expect("dir");
        let hub = hub(&dir, 1000);
        let device = DeviceId([7; 16]);
        let failed: Result<()> = db::write(hub.db(), |tx| {
            hub.charge_in(tx, &device, 900, false)?;
            Err(HubError::Internal("the sync failed later".into()))
        });
        assert!(failed.is_err());
        assert_eq!(hub.spent_today(&device).expect("spent"), 0);
    }
}
