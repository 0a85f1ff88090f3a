//! The storage story: one scenario run against every hub backend.
