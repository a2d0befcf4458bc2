//! Sandbox time: whole seconds since the Unix epoch, rendered as ISO 8601 UTC.
//!
//! The sandbox never reads the wall clock. It starts at a fixed instant and moves
//! forward a minute with every write, so runs are reproducible.

/// The sandbox's starting instant: 2026-07-06T09:00:00Z.
pub const SANDBOX_EPOCH: i64 = 1_783_328_400;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// Renders seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format(at: i64) -> String {
    let days = at.div_euclid(DAY);
    let secs = at.rem_euclid(DAY);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

/// Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS][Z]`; `None` when it is neither.
pub fn parse(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, time) = match text.split_once(['T', ' ']) {
        Some((date, time)) => (date, Some(time.trim_end_matches('Z'))),
        None => (text, None),
    };
    let mut parts = date.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    let mut secs = 0;
    if let Some(time) = time {
        let mut parts = time.split(':');
        let h: i64 = parts.next()?.parse().ok()?;
        let min: i64 = parts.next()?.parse().ok()?;
        let s: i64 = match parts.next() {
            Some(s) => s.split('.').next()?.parse().ok()?,
            None => 0,
        };
        if parts.next().is_some() || h > 23 || min > 59 || s > 59 || h < 0 || min < 0 || s < 0 {
            return None;
        }
        secs = h * 3600 + min * 60 + s;
    }
    Some(days_from_civil(y, m, d) * DAY + secs)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

// Proleptic Gregorian conversions over 400-year eras.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
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
