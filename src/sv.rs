//! Swedish formatting shared by every face (public pages, staff pages, open data, the weekly
//! report): dates as "1 januari 2027", times as "24 mars 2026 kl. 10.15" in Europe/Stockholm,
//! whole numbers as "1 777 794" (no-break spaces). One place, so the faces cannot drift apart.

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
