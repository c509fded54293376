//! Dates as the users see them: Europe/Stockholm.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Stockholm;

/// Today's date in Sweden.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&Stockholm).date_naive()
}

/// Now, truncated to microseconds so that both databases store and return the same value.
pub fn now() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

/// The first and last date the service takes as input: `datum`, `as_of` and an event's dates.
/// Far wider than any agreement of these decades needs; bounded so that a date cannot ask for a
/// computation or a page over millennia (issue 13, finding 3).
pub const FIRST_ACCEPTED_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => panic!("a valid date"),
};
pub const LAST_ACCEPTED_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2099, 12, 31) {
    Some(d) => d,
    None => panic!("a valid date"),
};

/// Whether `d` lies in the accepted range (see [`FIRST_ACCEPTED_DATE`]).
pub fn is_accepted(d: NaiveDate) -> bool {
    (FIRST_ACCEPTED_DATE..=LAST_ACCEPTED_DATE).contains(&d)
}

/// A moment as the service writes it everywhere (API, open data, exports, the audit log):
/// RFC 3339 in UTC with microseconds, the precision both databases store.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Why a date given as input (a parameter, a form field, a file's cell) was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateRefusal {
    /// Not exactly ÅÅÅÅ-MM-DD, or no such day.
    Malformed,
    /// A real day outside [`FIRST_ACCEPTED_DATE`]..=[`LAST_ACCEPTED_DATE`].
    OutOfRange(NaiveDate),
}

/// A date as every face takes it: exactly `ÅÅÅÅ-MM-DD` (ten characters, so no `+002026-1-5`),
/// a real day, in the accepted range. Each face words the refusal for its readers.
pub fn parse_input_date(s: &str) -> Result<NaiveDate, DateRefusal> {
    match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) if s.len() == 10 && is_accepted(d) => Ok(d),
        Ok(d) if s.len() == 10 => Err(DateRefusal::OutOfRange(d)),
        _ => Err(DateRefusal::Malformed),
    }
}

/// "mellan 2000-01-01 och 2099-12-31", for the messages that refuse a date outside the range.
pub fn accepted_range_sv() -> String {
    format!("mellan {FIRST_ACCEPTED_DATE} och {LAST_ACCEPTED_DATE}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn input_dates_are_exact_real_and_in_range() {
        assert_eq!(parse_input_date("2027-01-01"), Ok(d(2027, 1, 1)));
        assert_eq!(parse_input_date("2028-02-29"), Ok(d(2028, 2, 29)));
        assert_eq!(parse_input_date("2000-01-01"), Ok(FIRST_ACCEPTED_DATE));
        assert_eq!(parse_input_date("2099-12-31"), Ok(LAST_ACCEPTED_DATE));
        for malformed in ["", "2027-1-1", "2027-02-30", "27-01-01", "2027-01-01 ", "+2027-01-01", "1 januari 2027"] {
            assert_eq!(parse_input_date(malformed), Err(DateRefusal::Malformed), "{malformed:?}");
        }
        assert_eq!(parse_input_date("1999-12-31"), Err(DateRefusal::OutOfRange(d(1999, 12, 31))));
        assert_eq!(parse_input_date("2100-01-01"), Err(DateRefusal::OutOfRange(d(2100, 1, 1))));
    }
}
