//! Time as people in the county read it: East Africa Time.

use time::OffsetDateTime;

/// East Africa Time, UTC+3, the time of every date a user types or reads.
pub const EAT: time::UtcOffset = time::macros::offset!(+3);

/// Unix milliseconds as RFC 3339 in East Africa Time.
pub fn format_ms(ms: i64) -> String {
    use time::format_description::well_known::Rfc3339;
    OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .map(|t| t.to_offset(EAT))
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| ms.to_string())
}
