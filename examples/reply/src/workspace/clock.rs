//! Sandbox time: whole seconds since the Unix epoch, rendered as ISO 8601 UTC.
//!
//! The sandbox never reads the wall clock. It starts at a fixed instant and moves
//! forward a minute with every write, so runs are reproducible.

use time::Time;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

/// Renders seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub use mcp_examples_support::iso8601::format;

/// The sandbox's starting instant: 2026-07-06T09:00:00Z.
pub const SANDBOX_EPOCH: i64 = 1_783_328_400;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// The times of day [`parse`] reads: `HH:MM`, then optional seconds and a fraction
/// of a second, which is dropped.
const TIME_OF_DAY: &[BorrowedFormatItem<'_>] = format_description!(
    "[hour padding:none]:[minute padding:none][optional [:[second padding:none][optional [.[subsecond]]]]]"
);

/// Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS][Z]`; `None` when it is neither.
pub fn parse(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, time) = match text.split_once(['T', ' ']) {
        Some((date, time)) => (date, Some(time.trim_end_matches('Z'))),
        None => (text, None),
    };
    let date = mcp_examples_support::iso8601::parse_date(date)?;
    let time = match time {
        Some(time) => Time::parse(time, TIME_OF_DAY).ok()?,
        None => Time::MIDNIGHT,
    };
    Some(date.with_time(time).assume_utc().unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_renders_as_the_sandbox_date() {
        assert_eq!(format(SANDBOX_EPOCH), "2026-07-06T09:00:00Z");
        assert_eq!(format(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn parse_round_trips() {
        assert_eq!(parse("2026-07-06T09:00:00Z"), Some(SANDBOX_EPOCH));
        assert_eq!(parse("2026-07-06"), Some(SANDBOX_EPOCH - 9 * 3600));
        assert_eq!(parse("2024-02-29"), parse("2024-03-01").map(|t| t - DAY));
        assert_eq!(parse("2026-02-29"), None);
        assert_eq!(parse("next tuesday"), None);
        assert_eq!(parse("2026-07-06T25:00"), None);
    }
}
