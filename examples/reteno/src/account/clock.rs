//! Sandbox time, which tests control.
//!
//! Everything that moves on with time (imports, delivery statuses, upload
//! expiry, the "up to yesterday" analytics window) asks the account's
//! [`Clock`], never the wall clock directly, so a test can freeze time and move
//! it forward exactly.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use time::format_description::BorrowedFormatItem;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

/// The instant a manual sandbox clock starts at: 2026-07-06T09:00:00Z.
pub const SANDBOX_EPOCH: i64 = 1_783_328_400;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

const DATE: &[BorrowedFormatItem<'_>] = format_description!("[year]-[month]-[day]");

/// A shared clock in whole seconds since the Unix epoch.
///
/// Clones share one reading. A manual clock stands still until
/// [`advance`](Self::advance) moves it; a system clock follows the wall clock,
/// shifted by whatever was advanced.
#[derive(Clone, Debug)]
pub struct Clock {
    inner: Arc<ClockInner>,
}

#[derive(Debug)]
struct ClockInner {
    follows_system: bool,
    /// The reading of a manual clock, or the offset added to a system clock.
    seconds: AtomicI64,
}

impl Clock {
    /// A clock that stands at `start` until advanced.
    pub fn manual(start: i64) -> Self {
        Self {
            inner: Arc::new(ClockInner {
                follows_system: false,
                seconds: AtomicI64::new(start),
            }),
        }
    }

    /// A clock that follows the wall clock.
    pub fn system() -> Self {
        Self {
            inner: Arc::new(ClockInner {
                follows_system: true,
                seconds: AtomicI64::new(0),
            }),
        }
    }

    /// The current sandbox time in seconds since the epoch.
    pub fn now(&self) -> i64 {
        let base = if self.inner.follows_system {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        } else {
            0
        };
        base.saturating_add(self.inner.seconds.load(Ordering::SeqCst))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let secs = i64::try_from(by.as_secs()).unwrap_or(i64::MAX);
        self.inner.seconds.fetch_add(secs, Ordering::SeqCst);
    }

    /// Today's date in UTC by this clock.
    pub fn today(&self) -> Date {
        date_of(self.now())
    }
}

/// The UTC calendar date of an instant.
pub fn date_of(unix_seconds: i64) -> Date {
    OffsetDateTime::from_unix_timestamp(unix_seconds)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .date()
}

/// The first second of a UTC date.
pub fn start_of(date: Date) -> i64 {
    date.midnight().assume_utc().unix_timestamp()
}

/// Writes an instant as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format(unix_seconds: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix_seconds)
        .ok()
        .and_then(|at| at.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
}

/// Writes a date as `YYYY-MM-DD`.
pub fn format_date(date: Date) -> String {
    date.format(DATE).unwrap_or_default()
}

/// Reads a date written `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<Date> {
    Date::parse(text.trim(), DATE).ok()
}

/// Reads an RFC 3339 instant such as `2026-07-01T12:00:00Z`.
pub fn parse_instant(text: &str) -> Option<i64> {
    OffsetDateTime::parse(text.trim(), &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_advanced() {
        let clock = Clock::manual(SANDBOX_EPOCH);
        assert_eq!(clock.now(), SANDBOX_EPOCH);
        clock.clone().advance(Duration::from_secs(90));
        assert_eq!(clock.now(), SANDBOX_EPOCH + 90);
        assert_eq!(format(SANDBOX_EPOCH), "2026-07-06T09:00:00Z");
        assert_eq!(format_date(clock.today()), "2026-07-06");
    }

    #[test]
    fn dates_and_instants_round_trip() {
        let date = parse_date("2026-02-28").expect("valid date");
        assert_eq!(format_date(date), "2026-02-28");
        assert_eq!(parse_date("2026-02-29"), None);
        assert_eq!(parse_instant("2026-07-06T09:00:00Z"), Some(SANDBOX_EPOCH));
        assert_eq!(start_of(date_of(SANDBOX_EPOCH)), SANDBOX_EPOCH - 9 * 3600);
    }
}
