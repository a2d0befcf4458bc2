//! The instants the SDK prints (token expiry, audit times, retry times), as RFC 3339 in UTC.
//!
//! The layouts are spelled out rather than taken from `time`'s `Rfc3339`, which writes
//! as many fractional digits as the instant has: these write none, or always three.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use time::OffsetDateTime;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

/// `2025-06-18T09:30:00Z`.
const WHOLE_SECONDS: &[BorrowedFormatItem<'_>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

/// `2025-06-18T09:30:00.250Z`.
const MILLISECONDS: &[BorrowedFormatItem<'_>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// Formats `at` as RFC 3339 in UTC with whole seconds: `2025-06-18T09:30:00Z`.
///
/// Instants before 1970 are printed as the epoch, and instants after 9999 as the
/// last second of that year; the SDK produces neither.
pub(crate) fn rfc3339(at: SystemTime) -> String {
    format(at, WHOLE_SECONDS)
}

/// Formats `at` as RFC 3339 in UTC with milliseconds: `2025-06-18T09:30:00.250Z`.
pub(crate) fn rfc3339_millis(at: SystemTime) -> String {
    format(at, MILLISECONDS)
}

/// Writes `at` in `layout`, held between the epoch and the end of year 9999.
fn format(at: SystemTime, layout: &[BorrowedFormatItem<'_>]) -> String {
    let since_epoch = at.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    let since_epoch = time::Duration::try_from(since_epoch).unwrap_or(time::Duration::MAX);
    OffsetDateTime::UNIX_EPOCH
        .saturating_add(since_epoch)
        .format(layout)
        .expect("a UTC date-time has every component of the layout")
}

/// Milliseconds since the Unix epoch.
pub(crate) fn unix_millis(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The instant `millis` after the Unix epoch.
pub(crate) fn from_unix_millis(millis: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(millis)
}

/// `5 min`, `1 h`, `90 s`: for messages.
pub(crate) fn human_duration(d: Duration) -> String {
    let secs = d.as_secs();
    if secs == 0 {
        format!("{} ms", d.as_millis())
    } else if secs.is_multiple_of(3600) {
        format!("{} h", secs / 3600)
    } else if secs.is_multiple_of(60) {
        format!("{} min", secs / 60)
    } else {
        format!("{secs} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(millis: u64) -> SystemTime {
        from_unix_millis(millis)
    }

    #[test]
    fn whole_seconds_drop_the_fraction() {
        assert_eq!(rfc3339(at(0)), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(at(951_782_400_999)), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(at(253_402_300_799_000)), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn milliseconds_always_have_three_digits() {
        assert_eq!(rfc3339_millis(at(1_500)), "1970-01-01T00:00:01.500Z");
        assert_eq!(rfc3339_millis(at(1_000)), "1970-01-01T00:00:01.000Z");
        assert_eq!(rfc3339_millis(at(1_007)), "1970-01-01T00:00:01.007Z");
    }

    #[test]
    fn out_of_range_instants_are_held_to_the_ends() {
        let before = UNIX_EPOCH - Duration::from_secs(86_400);
        assert_eq!(rfc3339(before), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(at(u64::MAX)), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn millis_round_trip() {
        let t = at(1_500);
        assert_eq!(from_unix_millis(unix_millis(t)), t);
    }
}
