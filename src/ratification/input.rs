//! What the engine is fed: the rule configuration and each party's event timeline.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Stockholm;
use serde::{Deserialize, Serialize};

use super::{PartyKind, Status};

/// How many municipalities the majority alternative needs.
///
/// In JSON and TOML a number is a count and `"more_than_half"` the other form, so an agreement
/// seeded with `"majority_threshold": 25` reads (and is written back) as before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Threshold {
    /// At least this many municipalities ("flertalet": 25 of 49).
    Count(u32),
    /// More than half of the agreement's municipalities (25 of 49, 17 of 33, 8 of 14).
    Fraction(MoreThanHalf),
}

/// The one spelling of the "more than half" form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MoreThanHalf {
    #[serde(rename = "more_than_half")]
    MoreThanHalf,
}

impl Threshold {
    pub const MORE_THAN_HALF: Threshold = Threshold::Fraction(MoreThanHalf::MoreThanHalf);

    /// The number of municipalities needed when the agreement has `municipalities` of them.
    pub fn required(self, municipalities: u32) -> u32 {
        match self {
            Threshold::Count(n) => n,
            Threshold::Fraction(MoreThanHalf::MoreThanHalf) => municipalities / 2 + 1,
        }
    }
}

/// The agreement's thresholds; configuration, not code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleConfig {
    /// Municipalities that must adopt for the majority condition.
    pub majority_threshold: Threshold,
    /// Whether the majority condition also needs the region to adopt.
    pub region_required: bool,
    /// Whether an adoption counts only once it has legal force (laga kraft).
    pub legal_force_required: bool,
    /// Days after the notice-board announcement (anslag) during which an appeal can be lodged.
    pub appeal_period_days: u32,
}

impl Default for RuleConfig {
    /// The rules of the 2027 agreement (hos-2027).
    fn default() -> Self {
        RuleConfig {
            majority_threshold: Threshold::Count(25),
            region_required: true,
            legal_force_required: false,
            appeal_period_days: 21,
        }
    }
}

/// One event on a party's timeline (append-only).
#[derive(Debug, Clone)]
pub struct EventInput {
    /// Unique id; also the last tie-breaker between events.
    pub id: i64,
    pub status: Status,
    /// Date of the decision, for assembly outcomes and other dated steps.
    pub decided_on: Option<NaiveDate>,
    /// Notice-board (anslag) date of the certified minutes.
    pub posted_on: Option<NaiveDate>,
    pub recorded_at: DateTime<Utc>,
    /// Id of an event of the same party that this one corrects (voids). With status
    /// `Withdrawn` the event only voids it and counts nowhere itself.
    pub corrects: Option<i64>,
    /// Instrument ids the event concerns; `None` = all instruments.
    pub instruments: Option<Vec<String>>,
}

/// One party (a municipality or the region) with its whole timeline.
#[derive(Debug, Clone)]
pub struct PartyInput {
    pub code: String,
    pub kind: PartyKind,
    pub population: u64,
    pub events: Vec<EventInput>,
}

/// The date from which an event stands: `decided_on`, else the Swedish calendar
/// date on which it was recorded (an entry made at 00:30 Swedish time belongs to that day,
/// not to the previous UTC day).
pub fn effective_date(e: &EventInput) -> NaiveDate {
    effective_date_of(e.decided_on, e.recorded_at)
}

/// [`effective_date`] from the two fields it reads.
pub fn effective_date_of(decided_on: Option<NaiveDate>, recorded_at: DateTime<Utc>) -> NaiveDate {
    decided_on.unwrap_or_else(|| stockholm_date(recorded_at))
}

/// The calendar date in Stockholm at `t`. Since 1980 Stockholm has been one or two hours ahead of
/// UTC (CET +1, CEST +2), so only an instant in the 22nd hour UTC needs the time-zone table; the
/// table lookup is the costliest step of preparing a large log, and this skips it for 23 instants
/// in 24. Before 1980 the table decides: tzdata's Europe/Stockholm is a link to Europe/Berlin,
/// which gives local mean time before 1893 (+0:53:28) and three hours ahead in the summers of
/// 1945 and 1947.
pub(super) fn stockholm_date(t: DateTime<Utc>) -> NaiveDate {
    use chrono::{Datelike, Timelike};
    let utc = t.naive_utc();
    if utc.year() < 1980 {
        return t.with_timezone(&Stockholm).date_naive();
    }
    match utc.hour() {
        0..=21 => utc.date(),
        23 => utc.date().succ_opt().unwrap_or_else(|| t.with_timezone(&Stockholm).date_naive()),
        _ => t.with_timezone(&Stockholm).date_naive(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn stockholm_date_agrees_with_the_time_zone_table(secs in -4_000_000_000i64..8_000_000_000i64) {
            let t = Utc.timestamp_opt(secs, 0).single().expect("in range");
            prop_assert_eq!(stockholm_date(t), t.with_timezone(&Stockholm).date_naive(), "at {}", t);
        }
    }

    /// Found by the property above: Berlin's time (and so tzdata's Stockholm) was UTC+3 then.
    #[test]
    fn the_summer_of_1945_is_three_hours_ahead() {
        let t = Utc.timestamp_opt(-766_548_001, 0).single().expect("in range");
        assert_eq!(stockholm_date(t), NaiveDate::from_ymd_opt(1945, 9, 17).expect("a date"));
    }

    #[test]
    fn around_the_changes_of_2026() {
        for (instant, date) in [
            ("2026-03-28T22:59:59Z", "2026-03-28"), // CET: 23:59:59
            ("2026-03-28T23:00:00Z", "2026-03-29"),
            ("2026-03-29T21:59:59Z", "2026-03-29"), // CEST: 23:59:59
            ("2026-03-29T22:00:00Z", "2026-03-30"),
            ("2026-10-24T21:59:59Z", "2026-10-24"), // CEST
            ("2026-10-24T22:00:00Z", "2026-10-25"),
            ("2026-10-25T22:59:59Z", "2026-10-25"), // CET again
            ("2026-10-25T23:00:00Z", "2026-10-26"),
            ("2026-12-31T23:00:00Z", "2027-01-01"),
        ] {
            let t = DateTime::parse_from_rfc3339(instant).expect("instant").with_timezone(&Utc);
            assert_eq!(stockholm_date(t).to_string(), date, "at {instant}");
            assert_eq!(t.with_timezone(&Stockholm).date_naive().to_string(), date, "table at {instant}");
        }
    }
}
