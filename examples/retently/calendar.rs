//! Dates and instants of the sandbox: civil dates, UTC timestamps and date windows.
//!
//! The sandbox runs on a fixed clock so every score it reports is reproducible.

use mcp_tools::{ToolError, ToolResult};

/// Seconds in one day.
pub const DAY: i64 = 86_400;

/// A calendar day, counted as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub i64);

impl Date {
    /// The day with the given year, month (1–12) and day of month (1–31).
    pub fn from_ymd(year: i64, month: u32, day: u32) -> Self {
        // Shift the year so it starts in March; leap days then fall at its end.
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let year_of_era = y - era * 400;
        let m = i64::from(month);
        let shifted_month = if m > 2 { m - 3 } else { m + 9 };
        let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        Self(era * 146_097 + day_of_era - 719_468)
    }

    /// The year, month and day of month of this day.
    pub fn ymd(self) -> (i64, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let mp = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        (year, month, day)
    }

    /// Parses `YYYY-MM-DD`, refusing impossible days such as 2026-02-30.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().splitn(3, '-');
        let year: i64 = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        if !(1900..=9999).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day)
        {
            return None;
        }
        let date = Self::from_ymd(year, month, day);
        (date.ymd() == (year, month, day)).then_some(date)
    }

    /// The day `days` later (or earlier, when negative).
    pub fn plus_days(self, days: i64) -> Self {
        Self(self.0 + days)
    }

    /// The first day of this day's month.
    pub fn month_start(self) -> Self {
        let (y, m, _) = self.ymd();
        Self::from_ymd(y, m, 1)
    }

    /// The first day of the month `months` after this day's month.
    pub fn add_months(self, months: i64) -> Self {
        let (y, m, _) = self.ymd();
        let index = y * 12 + i64::from(m) - 1 + months;
        Self::from_ymd(index.div_euclid(12), (index.rem_euclid(12) + 1) as u32, 1)
    }

    /// The month as `YYYY-MM`.
    pub fn month_key(self) -> String {
        let (y, m, _) = self.ymd();
        format!("{y:04}-{m:02}")
    }

    /// The instant this day starts, UTC.
    pub fn start(self) -> Timestamp {
        Timestamp(self.0 * DAY)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// An instant, in seconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The day this instant falls on, UTC.
    pub fn date(self) -> Date {
        Date(self.0.div_euclid(DAY))
    }

    /// The instant `seconds` later.
    pub fn plus_seconds(self, seconds: i64) -> Self {
        Self(self.0 + seconds)
    }

    /// The instant as ISO 8601, `2026-10-31T14:05:00Z`.
    pub fn iso(self) -> String {
        let secs = self.0.rem_euclid(DAY);
        format!(
            "{}T{:02}:{:02}:{:02}Z",
            self.date(),
            secs / 3600,
            secs % 3600 / 60,
            secs % 60
        )
    }

    /// The real clock of the machine (only `ping` reads it).
    pub fn system_now() -> Self {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Self(secs)
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
        self.to.0 - self.from.0 + 1
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
        let earliest = today.0 - Date::from_ymd(1970, 1, 1).0 + 1;
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
    fn round_trips_civil_dates() {
        for (y, m, d) in [(1970, 1, 1), (2024, 2, 29), (2026, 11, 1), (2000, 12, 31)] {
            let date = Date::from_ymd(y, m, d);
            assert_eq!(date.ymd(), (y, m, d));
        }
        assert_eq!(Date::from_ymd(1970, 1, 2).0, 1);
        assert_eq!(Date::from_ymd(2026, 11, 1).to_string(), "2026-11-01");
    }

    #[test]
    fn refuses_impossible_dates() {
        assert!(Date::parse("2026-02-30").is_none());
        assert!(Date::parse("2026-13-01").is_none());
        assert!(Date::parse("yesterday").is_none());
        assert!(Date::parse("2024-02-29").is_some());
    }

    #[test]
    fn months_wrap_across_years() {
        let d = Date::from_ymd(2026, 11, 17);
        assert_eq!(d.add_months(2).to_string(), "2027-01-01");
        assert_eq!(d.add_months(-11).to_string(), "2025-12-01");
        assert_eq!(d.month_key(), "2026-11");
    }

    #[test]
    fn windows_default_and_validate() {
        let today = Date::from_ymd(2026, 11, 1);
        let w = Window::resolve(None, None, today, 30).unwrap();
        assert_eq!(
            (w.from.to_string(), w.to.to_string()),
            ("2026-10-03".into(), "2026-11-01".into())
        );
        assert_eq!(w.days(), 30);
        assert_eq!(w.previous().to, Date::from_ymd(2026, 10, 2));
        let bad = Window::resolve(Some("2026-10-05"), Some("2026-10-01"), today, 30).unwrap_err();
        assert_eq!(bad.code().as_str(), "InvalidArguments");
        let garbled = Window::resolve(Some("10/05/2026"), None, today, 30).unwrap_err();
        assert!(garbled.message().contains("YYYY-MM-DD"));
    }

    #[test]
    fn formats_timestamps() {
        let t = Date::from_ymd(2026, 10, 31)
            .start()
            .plus_seconds(14 * 3600 + 5 * 60);
        assert_eq!(t.iso(), "2026-10-31T14:05:00Z");
    }
}
