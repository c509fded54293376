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
