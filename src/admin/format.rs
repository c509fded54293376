//! Dates and times as Swedish staff read them: "24 mars 2026", "24 mars 2026 kl. 14.05"
//! (Europe/Stockholm).

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use chrono_tz::Europe::Stockholm;

pub use crate::sv::date;

pub fn opt_date(d: Option<NaiveDate>) -> String {
    d.map(date).unwrap_or_default()
}

pub fn timestamp(t: DateTime<Utc>) -> String {
    crate::sv::date_time(t)
}

/// "14.05" in Swedish time.
pub fn clock(t: DateTime<Utc>) -> String {
    let local = t.with_timezone(&Stockholm);
    format!("{:02}.{:02}", local.hour(), local.minute())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_dates() {
        assert_eq!(date(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()), "1 januari 2027");
        let t = DateTime::parse_from_rfc3339("2026-03-24T13:05:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(timestamp(t), "24 mars 2026 kl. 14.05");
        let summer = DateTime::parse_from_rfc3339("2026-06-01T22:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(timestamp(summer), "2 juni 2026 kl. 00.30");
    }
}
