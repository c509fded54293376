//! A planned meeting date, flagged in words when it falls after the agreement's start: a
//! decision then cannot make the agreement apply from the start (so not colour alone, WCAG 1.4.1).

use chrono::NaiveDate;
use maud::{html, Markup};

use super::format;

/// True when a decision on `planned_on` comes too late for the start on `starts_on`.
pub fn after_start(planned_on: NaiveDate, starts_on: NaiveDate) -> bool {
    planned_on > starts_on
}

/// " (efter avtalsstarten 1 januari 2027)", the words every flag uses.
pub fn after_start_note(starts_on: NaiveDate) -> String {
    format!(" (efter avtalsstarten {})", format::date(starts_on))
}

/// `<time>` with the date, and the flag when it is after the start.
pub fn date(planned_on: NaiveDate, starts_on: NaiveDate) -> Markup {
    html! {
        time datetime=(planned_on.to_string()) { (format::date(planned_on)) }
        (flag(planned_on, starts_on))
    }
}

/// The flag alone, or nothing: " efter avtalsstarten" in bold.
pub fn flag(planned_on: NaiveDate, starts_on: NaiveDate) -> Markup {
    html! {
        @if after_start(planned_on, starts_on) {
            " " strong.after-start { "efter avtalsstarten" }
        }
    }
}
