//! Swedish formatting of dates, times and numbers as readers expect them ("1 januari 2027",
//! "24 mars 2026 kl. 10.15", "1 777 794", "62,3 %"). Times are shown in Europe/Stockholm.

use chrono::{Datelike, NaiveDate};

pub use crate::sv::{date, date_time, integer, month_name, percent};

/// "jan. 2026"-style short month label for chart axes ("sep 2025").
pub fn month_short(date: NaiveDate) -> String {
    let name = month_name(date);
    let short: String = name.chars().take(3).collect();
    format!("{short} {}", date.year())
}

/// "1 dag" / "36 dagar".
pub fn days(n: i64) -> String {
    if n.abs() == 1 {
        format!("{n} dag")
    } else {
        format!("{} dagar", integer(n.unsigned_abs()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn long_dates_in_swedish() {
        assert_eq!(date(d(2027, 1, 1)), "1 januari 2027");
        assert_eq!(date(d(2026, 5, 31)), "31 maj 2026");
        assert_eq!(date(d(2026, 12, 24)), "24 december 2026");
        assert_eq!(month_short(d(2025, 9, 1)), "sep 2025");
    }

    #[test]
    fn times_are_swedish_local_time() {
        // 09:15 UTC is 10:15 in Swedish winter time and 11:15 in summer time.
        let winter = DateTime::parse_from_rfc3339("2026-03-24T09:15:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(date_time(winter), "24 mars 2026 kl. 10.15");
        let summer = DateTime::parse_from_rfc3339("2026-05-04T09:05:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(date_time(summer), "4 maj 2026 kl. 11.05");
        // Just before midnight UTC on New Year's Eve is already the new year in Sweden.
        let new_year = DateTime::parse_from_rfc3339("2026-12-31T23:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(date_time(new_year), "1 januari 2027 kl. 00.30");
    }

    #[test]
    fn numbers() {
        assert_eq!(integer(0), "0");
        assert_eq!(integer(999), "999");
        assert_eq!(integer(1000), "1\u{a0}000");
        assert_eq!(integer(1_777_794), "1\u{a0}777\u{a0}794");
        assert_eq!(percent(0.623), "62,3\u{a0}%");
        assert_eq!(percent(1.0), "100,0\u{a0}%");
        assert_eq!(percent(0.0), "0,0\u{a0}%");
        assert_eq!(days(1), "1 dag");
        assert_eq!(days(36), "36 dagar");
        assert_eq!(days(1200), "1\u{a0}200 dagar");
    }
}
