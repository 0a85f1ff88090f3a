//! Early warning: the ledger's records turned into warnings the security committee acts on,
//! computed alike on every device from the entries it may see.

#[doc(hidden)]
pub mod backtest;
pub mod trend;
