//! Counts of people and animals: whole numbers up to a bound, and counts that may be unknown.

use serde::Serialize;
use serde_json::Value;

use super::reading::{describe, Path};
use crate::error::{Broken, Rule};

/// The largest head count or people count a report may hold.
pub const MAX_COUNT: u64 = 100_000;

/// A whole number of people or animals, 0 to [`MAX_COUNT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Count(u32);

impl Count {
    pub fn parse(value: &Value) -> Result<Self, Broken> {
        let allowed = format!("a whole number from 0 to {MAX_COUNT}, or null when unknown");
        let broken = |message| Broken::new(Rule::Count, message).up_to(MAX_COUNT);
        match value {
            Value::Number(n) => match n.as_u64() {
                Some(v) if v <= MAX_COUNT => Ok(Count(v as u32)),
                Some(v) => Err(broken(format!(
                    "must be {allowed} (got {v}, which is too large)"
                ))),
                None => Err(broken(format!("must be {allowed} (got {n})"))),
            },
            other => Err(broken(format!(
                "must be {allowed} (got {})",
                describe(other)
            ))),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// A count that may be unknown: `null` on the wire, kept distinct from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Tally {
    Known(Count),
    Unknown(()),
}

impl Tally {
    pub const UNKNOWN: Tally = Tally::Unknown(());

    pub fn parse(value: &Value) -> Result<Self, Broken> {
        if value.is_null() {
            Ok(Tally::UNKNOWN)
        } else {
            Count::parse(value).map(Tally::Known)
        }
    }

    pub fn known(self) -> Option<u32> {
        match self {
            Tally::Known(c) => Some(c.get()),
            Tally::Unknown(()) => None,
        }
    }
}

pub(super) fn tally(value: &Value, at: &mut Path<'_>) -> Option<Tally> {
    at.check(Tally::parse(value))
}
