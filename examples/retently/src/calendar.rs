//! Dates and instants of the sandbox: civil dates, UTC timestamps and date windows.
//!
//! The sandbox runs on a fixed clock so every score it reports is reproducible.

use mcp_examples_support::iso8601;
use mcp_tools::{ToolError, ToolResult};
use time::macros::date;
use time::{Duration, Month, OffsetDateTime};

/// Seconds in one day.
pub const DAY: i64 = 86_400;

/// A calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(time::Date);

impl Date {
    /// 1970-01-01, the day the Unix epoch falls on.
    pub const UNIX_EPOCH: Self = Self(date!(1970 - 01 - 01));

    /// The day `date`; write a fixed one with `time::macros::date!`.
    pub const fn new(date: time::Date) -> Self {
        Self(date)
    }

    /// Parses `YYYY-MM-DD` of the years 1900 to 9999, refusing impossible days such
    /// as 2026-02-30.
    pub fn parse(text: &str) -> Option<Self> {
        iso8601::parse_date(text.trim())
            .filter(|date| (1900..=9999).contains(&date.year()))
            .map(Self)
    }

    /// The day `days` later (or earlier, when negative).
    pub fn plus_days(self, days: i64) -> Self {
        Self(self.0.saturating_add(Duration::days(days)))
    }

    /// How many days after `earlier` this day is (negative when it is before).
    pub fn days_since(self, earlier: Self) -> i64 {
        (self.0 - earlier.0).whole_days()
    }

    /// The Monday of this day's week.
    pub fn week_start(self) -> Self {
        self.plus_days(-i64::from(self.0.weekday().number_days_from_monday()))
    }

    /// The first day of this day's month.
    pub fn month_start(self) -> Self {
        self.add_months(0)
    }

    /// The first day of the month `months` after this day's month.
    pub fn add_months(self, months: i64) -> Self {
        let (year, month, _) = self.0.to_calendar_date();
        let after_january = i64::from(u8::from(month)) - 1 + months;
        let year = i64::from(year) + after_january.div_euclid(12);
        let month = Month::January.nth_next(after_january.rem_euclid(12) as u8);
        let first = i32::try_from(year)
            .ok()
            .and_then(|year| time::Date::from_calendar_date(year, month, 1).ok());
        let beyond = if months < 0 {
            time::Date::MIN
        } else {
            time::Date::MAX
        };
        Self(first.unwrap_or(beyond))
    }

    /// The month as `YYYY-MM`.
    pub fn month_key(self) -> String {
        format!("{:04}-{:02}", self.0.year(), u8::from(self.0.month()))
    }

    /// The instant this day starts, UTC.
    pub fn start(self) -> Timestamp {
        Timestamp(self.0.midnight().assume_utc().unix_timestamp())
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// An instant, in seconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The day this instant falls on, UTC.
    pub fn date(self) -> Date {
        Date::UNIX_EPOCH.plus_days(self.0.div_euclid(DAY))
    }

    /// The instant `seconds` later.
    pub fn plus_seconds(self, seconds: i64) -> Self {
        Self(self.0 + seconds)
    }

    /// The instant as ISO 8601, `2026-10-31T14:05:00Z`.
    pub fn iso(self) -> String {
        iso8601::format(self.0)
    }

    /// The real clock of the machine (only `ping` reads it).
    pub fn system_now() -> Self {
        Self(OffsetDateTime::now_utc().unix_timestamp())
    }
}

/// An inclusive range of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The first day in the window.
    pub from: Date,
    /// The last day in the window.
    pub to: Date,
}

impl Window {
    /// Whether an instant falls on a day inside the window.
    pub fn contains(&self, at: Timestamp) -> bool {
        let day = at.date();
        self.from <= day && day <= self.to
    }

    /// How many days the window spans.
    pub fn days(&self) -> i64 {
        self.to.days_since(self.from) + 1
    }

    /// The window of equal length that ends the day before this one starts.
    pub fn previous(&self) -> Self {
        Self {
            from: self.from.plus_days(-self.days()),
            to: self.from.plus_days(-1),
        }
    }

    /// Reads optional `from`/`to` arguments, falling back to the last `default_days`
    /// days ending `today` for a missing bound.
    pub fn resolve(
        from: Option<&str>,
        to: Option<&str>,
        today: Date,
        default_days: i64,
    ) -> ToolResult<Self> {
        let to = match to {
            Some(text) => parse_bound("to", text)?,
            None => today,
        };
        let from = match from {
            Some(text) => parse_bound("from", text)?,
            None => to.plus_days(1 - default_days),
        };
        if from > to {
            return Err(ToolError::invalid_arguments(format!(
                "the window starts after it ends (from {from}, to {to}); pass from on or before to"
            )));
        }
        Ok(Self { from, to })
    }

    /// Like [`Window::resolve`], but `None` when neither bound is given; a missing
    /// `from` then means "since the beginning" and a missing `to` means "until today".
    pub fn optional(from: Option<&str>, to: Option<&str>, today: Date) -> ToolResult<Option<Self>> {
        if from.is_none() && to.is_none() {
            return Ok(None);
        }
        let earliest = today.days_since(Date::UNIX_EPOCH) + 1;
        Self::resolve(from, to, today, earliest).map(Some)
    }
}

fn parse_bound(name: &'static str, text: &str) -> ToolResult<Date> {
    Date::parse(text).ok_or_else(|| {
        ToolError::invalid_parameter(format!(
            "{name} must be a calendar date written YYYY-MM-DD, such as 2026-10-01; got {text:?}"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_days_and_weeks() {
        let d = Date::new(date!(2026 - 11 - 01));
        assert_eq!(d.to_string(), "2026-11-01");
        assert_eq!(d.days_since(Date::UNIX_EPOCH), 20_758);
        assert_eq!(d.start(), Timestamp(20_758 * DAY));
        assert_eq!(d.start().plus_seconds(DAY - 1).date(), d);
        assert_eq!(d.week_start().to_string(), "2026-10-26");
        assert_eq!(d.plus_days(1).week_start(), d.plus_days(1));
    }

    #[test]
    fn refuses_impossible_dates() {
        assert!(Date::parse("2026-02-30").is_none());
        assert!(Date::parse("2026-13-01").is_none());
        assert!(Date::parse("yesterday").is_none());
        assert!(Date::parse("1899-12-31").is_none());
        assert!(Date::parse("2024-02-29").is_some());
    }

    #[test]
    fn months_wrap_across_years() {
        let d = Date::new(date!(2026 - 11 - 17));
        assert_eq!(d.add_months(2).to_string(), "2027-01-01");
        assert_eq!(d.add_months(-11).to_string(), "2025-12-01");
        assert_eq!(d.month_start().to_string(), "2026-11-01");
        assert_eq!(d.month_key(), "2026-11");
    }

    #[test]
    fn windows_default_and_validate() {
        let today = Date::new(date!(2026 - 11 - 01));
        let w = Window::resolve(None, None, today, 30).unwrap();
        assert_eq!(
            (w.from.to_string(), w.to.to_string()),
            ("2026-10-03".into(), "2026-11-01".into())
        );
        assert_eq!(w.days(), 30);
        assert_eq!(w.previous().to, Date::new(date!(2026 - 10 - 02)));
        let bad = Window::resolve(Some("2026-10-05"), Some("2026-10-01"), today, 30).unwrap_err();
        assert_eq!(bad.code().as_str(), "InvalidArguments");
        let garbled = Window::resolve(Some("10/05/2026"), None, today, 30).unwrap_err();
        assert!(garbled.message().contains("YYYY-MM-DD"));
    }

    #[test]
    fn formats_timestamps() {
        let t = Date::new(date!(2026 - 10 - 31))
            .start()
            .plus_seconds(14 * 3600 + 5 * 60);
        assert_eq!(t.iso(), "2026-10-31T14:05:00Z");
    }
}
