//! Addresses the public pages link to.

use chrono::NaiveDate;

use crate::events::Event;

/// `/parter/{code}` under `prefix` ("" or "/avtal/{slug}"), keeping the date when travelling in
/// time.
pub fn party(prefix: &str, code: &str, date: Option<NaiveDate>) -> String {
    format!("{prefix}/parter/{code}{}", super::params::date_suffix(date))
}

/// `/parter` under `prefix`: the list of the agreement's parties.
pub fn parties(prefix: &str) -> String {
    format!("{prefix}/parter")
}

/// The minutes of a decision, if recorded as an http(s) address (the log validates this;
/// checked again so that no other scheme ever becomes a link).
pub fn minutes(event: &Event) -> Option<&str> {
    event.protocol_url.as_deref().filter(|u| crate::web_address::http_url(u).is_some())
}
