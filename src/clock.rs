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

/// "mellan 2000-01-01 och 2099-12-31", for the messages that refuse a date outside the range.
pub fn accepted_range_sv() -> String {
    format!("mellan {FIRST_ACCEPTED_DATE} och {LAST_ACCEPTED_DATE}")
}
