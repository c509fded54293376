//! Swedish formatting shared by every face (public pages, staff pages, open data, the weekly
//! report): dates as "1 januari 2027", times as "24 mars 2026 kl. 10.15" in Europe/Stockholm,
//! whole numbers as "1 777 794" (no-break spaces), shares as "62,3 %". One place, so the faces
//! cannot drift apart; `views::format` and `admin::format` only name what their pages use.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Europe::Stockholm;

const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];

/// Swedish name of the month of `date`.
pub fn month_name(date: NaiveDate) -> &'static str {
    MONTHS[date.month0() as usize]
}

/// "1 januari 2027".
pub fn date(date: NaiveDate) -> String {
    format!("{} {} {}", date.day(), month_name(date), date.year())
}

/// "24 mars 2026 kl. 10.15" in Swedish time.
pub fn date_time(t: DateTime<Utc>) -> String {
    let local = t.with_timezone(&Stockholm);
    format!("{} kl. {:02}.{:02}", date(local.date_naive()), local.hour(), local.minute())
}

/// "24 mars 2026" for a date, nothing for none.
pub fn opt_date(d: Option<NaiveDate>) -> String {
    d.map(date).unwrap_or_default()
}

/// "14.05" in Swedish time.
pub fn clock(t: DateTime<Utc>) -> String {
    let local = t.with_timezone(&Stockholm);
    format!("{:02}.{:02}", local.hour(), local.minute())
}

/// "sep 2025": a short month label for chart axes.
pub fn month_short(date: NaiveDate) -> String {
    let short: String = month_name(date).chars().take(3).collect();
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

/// Whole numbers with a no-break space between thousands: "1 777 794".
pub fn integer(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 2);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    out
}

/// A sort key that orders Swedish names as Swedish readers expect (… z, å, ä, ö).
/// A share 0.0..=1.0 as "62,3 %" (one decimal, decimal comma, no-break space before the sign).
/// Halves round away from zero, on the share times 1000, so 0.0625 is "6,3 %" wherever it is shown.
pub fn percent(share: f64) -> String {
    let tenths = (share * 1000.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    format!("{sign}{},{}\u{a0}%", (tenths / 10).abs(), (tenths % 10).abs())
}

pub fn swedish_key(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'å' => '{',
            'ä' | 'æ' => '|',
            'ö' | 'ø' => '}',
            'é' | 'è' => 'e',
            'ü' => 'y',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_dates_times_and_numbers() {
        let d = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        assert_eq!(date(d), "1 januari 2027");
        assert_eq!(date(NaiveDate::from_ymd_opt(2026, 12, 24).unwrap()), "24 december 2026");
        // 09:05 UTC in March is 10:05 in Stockholm (winter time); in July 11:05 (summer time).
        let t = DateTime::parse_from_rfc3339("2026-03-24T09:05:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(date_time(t), "24 mars 2026 kl. 10.05");
        let t = DateTime::parse_from_rfc3339("2026-07-01T09:05:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(date_time(t), "1 juli 2026 kl. 11.05");
        assert_eq!(integer(1_777_794), "1\u{a0}777\u{a0}794");
        assert_eq!(integer(999), "999");
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn long_dates_in_swedish() {
        assert_eq!(date(d(2027, 1, 1)), "1 januari 2027");
        assert_eq!(date(d(2026, 5, 31)), "31 maj 2026");
        assert_eq!(date(d(2026, 12, 24)), "24 december 2026");
        assert_eq!(month_short(d(2025, 9, 1)), "sep 2025");
        assert_eq!(opt_date(Some(d(2026, 3, 24))), "24 mars 2026");
        assert_eq!(opt_date(None), "");
    }

    #[test]
    fn times_are_swedish_local_time() {
        // 09:15 UTC is 10:15 in Swedish winter time and 11:15 in summer time.
        let winter = DateTime::parse_from_rfc3339("2026-03-24T09:15:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(date_time(winter), "24 mars 2026 kl. 10.15");
        assert_eq!(clock(winter), "10.15");
        let summer = DateTime::parse_from_rfc3339("2026-05-04T09:05:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(date_time(summer), "4 maj 2026 kl. 11.05");
        // Just before midnight UTC on New Year's Eve is already the new year in Sweden.
        let new_year = DateTime::parse_from_rfc3339("2026-12-31T23:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(date_time(new_year), "1 januari 2027 kl. 00.30");
        let summer_night = DateTime::parse_from_rfc3339("2026-06-01T22:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(date_time(summer_night), "2 juni 2026 kl. 00.30");
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
        assert_eq!(days(-1), "-1 dag");
        assert_eq!(days(36), "36 dagar");
        assert_eq!(days(1200), "1\u{a0}200 dagar");
    }

    #[test]
    fn percent_rounds_halves_up_on_the_page_and_in_the_report_alike() {
        assert_eq!(percent(0.0625), "6,3\u{a0}%", "an exact half rounds up, not to even");
        assert_eq!(percent(0.5432), "54,3\u{a0}%");
        assert_eq!(percent(0.0), "0,0\u{a0}%");
        assert_eq!(percent(1.0), "100,0\u{a0}%");
        for share in [0.0, 0.0005, 0.0625, 0.1235, 0.25, 0.3333, 0.5, 0.6875, 0.9995, 1.0] {
            let page = crate::views::format::percent(share);
            assert_eq!(page, crate::reports::render::sv::percent(share), "{share}");
            assert_eq!(page, percent(share), "{share}");
        }
    }
}
