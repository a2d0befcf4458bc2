//! Instants and dates as the example sandboxes write and read them.
//!
//! Both sandboxes keep time as whole seconds since the Unix epoch and print it as
//! ISO 8601 in UTC, `2026-07-06T09:00:00Z`; both read dates written `YYYY-MM-DD`.

use std::ops::RangeInclusive;

use time::format_description::BorrowedFormatItem;
use time::format_description::well_known::Rfc3339;
use time::macros::{datetime, format_description};
use time::{Date, OffsetDateTime};

/// `YYYY-MM-DD`, where a one-digit month or day is accepted too.
const DATE: &[BorrowedFormatItem<'_>] =
    format_description!("[year]-[month padding:none]-[day padding:none]");

/// The first and last instants RFC 3339 can write: the years 0 to 9999.
const WRITABLE: RangeInclusive<i64> = datetime!(0000-01-01 0:00 UTC).unix_timestamp()
    ..=datetime!(9999-12-31 23:59:59 UTC).unix_timestamp();

/// Writes seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ`.
///
/// Instants outside the years 0 to 9999 are held to the nearest one inside.
///
/// ```
/// use mcp_examples_support::iso8601;
///
/// assert_eq!(iso8601::format(1_783_328_400), "2026-07-06T09:00:00Z");
/// assert_eq!(iso8601::format(i64::MAX), "9999-12-31T23:59:59Z");
/// ```
pub fn format(unix_seconds: i64) -> String {
    let at = unix_seconds.clamp(*WRITABLE.start(), *WRITABLE.end());
    OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|at| at.format(&Rfc3339).ok())
        .expect("a whole-second UTC instant of the years 0 to 9999 is valid RFC 3339")
}

/// Reads a calendar date written `YYYY-MM-DD`; `None` for anything else, including
/// days that do not exist, such as 2026-02-29.
///
/// ```
/// use mcp_examples_support::iso8601;
///
/// assert_eq!(iso8601::parse_date("2024-02-29").map(|d| d.to_string()).as_deref(), Some("2024-02-29"));
/// assert_eq!(iso8601::parse_date("2026-02-29"), None);
/// assert_eq!(iso8601::parse_date("10/05/2026"), None);
/// ```
pub fn parse_date(text: &str) -> Option<Date> {
    Date::parse(text, DATE).ok()
}
