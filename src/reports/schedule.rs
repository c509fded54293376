//! When the weekly report runs: a weekday and a local time in Europe/Stockholm (default Monday
//! 07:00). Run times are computed in local time and converted to UTC per week, so a run stays at
//! 07:00 Swedish time across the changes to and from summer time.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, LocalResult, NaiveDate, NaiveTime, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Europe::Stockholm;

use super::week::IsoWeek;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub weekday: Weekday,
    pub time: NaiveTime,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ogiltigt schema \"{0}\": skriv veckodag och klockslag, t.ex. \"mon 07:00\" eller \"måndag 07:00\"")]
pub struct ScheduleError(String);

impl Default for Schedule {
    fn default() -> Self {
        Self { weekday: Weekday::Mon, time: NaiveTime::from_hms_opt(7, 0, 0).unwrap_or(NaiveTime::MIN) }
    }
}

impl Schedule {
    /// The run of the week that `date` (a Swedish calendar date) falls in, as a UTC instant.
    pub fn run_in_week(&self, week: IsoWeek) -> DateTime<Utc> {
        local_instant(week.day(self.weekday), self.time)
    }

    /// The latest run at or before `now` (a run exactly at `now` is due now).
    pub fn latest_due(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let week = IsoWeek::of(now.with_timezone(&Stockholm).date_naive());
        let this = self.run_in_week(week);
        if this <= now {
            this
        } else {
            self.run_in_week(week.previous())
        }
    }

    /// The first run strictly after `now`.
    pub fn next_after(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let week = IsoWeek::of(now.with_timezone(&Stockholm).date_naive());
        let this = self.run_in_week(week);
        if this > now {
            this
        } else {
            self.run_in_week(week.next())
        }
    }

    /// The ISO week a run belongs to (that of its Swedish date).
    pub fn week_of_run(run: DateTime<Utc>) -> IsoWeek {
        IsoWeek::of(run.with_timezone(&Stockholm).date_naive())
    }
}

/// `date` at `time` in Stockholm. A time that does not exist (skipped when the clocks go forward)
/// runs an hour later; a time that occurs twice (when they go back) runs at its first occurrence.
fn local_instant(date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let naive = date.and_time(time);
    match Stockholm.from_local_datetime(&naive) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            let later = naive + chrono::Duration::hours(1);
            Stockholm.from_local_datetime(&later).earliest().map(|t| t.with_timezone(&Utc)).unwrap_or_else(|| {
                // Not reachable for Stockholm; UTC+1 is its standard offset.
                Utc.from_utc_datetime(&(naive - chrono::Duration::hours(1)))
            })
        }
    }
}

const WEEKDAYS: [(Weekday, &str, &str, &str, &str); 7] = [
    (Weekday::Mon, "mon", "monday", "mån", "måndag"),
    (Weekday::Tue, "tue", "tuesday", "tis", "tisdag"),
    (Weekday::Wed, "wed", "wednesday", "ons", "onsdag"),
    (Weekday::Thu, "thu", "thursday", "tor", "torsdag"),
    (Weekday::Fri, "fri", "friday", "fre", "fredag"),
    (Weekday::Sat, "sat", "saturday", "lör", "lördag"),
    (Weekday::Sun, "sun", "sunday", "sön", "söndag"),
];

impl FromStr for Schedule {
    type Err = ScheduleError;

    /// `mon 07:00`, `Monday 7:00`, `måndag 07.00`.
    fn from_str(s: &str) -> Result<Self, ScheduleError> {
        let err = || ScheduleError(s.chars().take(40).collect());
        let mut parts = s.split_whitespace();
        let (Some(day), Some(time), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(err());
        };
        let day = day.to_lowercase();
        let weekday = WEEKDAYS
            .iter()
            .find(|(_, a, b, c, d)| [a, b, c, d].iter().any(|n| **n == day))
            .map(|w| w.0)
            .ok_or_else(err)?;
        let (h, m) = time.split_once([':', '.']).ok_or_else(err)?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return Err(err());
        }
        let time =
            NaiveTime::from_hms_opt(h.parse().map_err(|_| err())?, m.parse().map_err(|_| err())?, 0).ok_or_else(err)?;
        Ok(Self { weekday, time })
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let day = WEEKDAYS.iter().find(|w| w.0 == self.weekday).map(|w| w.4).unwrap_or("måndag");
        write!(f, "{day} {:02}:{:02}", self.time.hour(), self.time.minute())
    }
}

/// The Swedish weekday of an instant.
pub fn local_weekday(t: DateTime<Utc>) -> Weekday {
    t.with_timezone(&Stockholm).weekday()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn sched(s: &str) -> Schedule {
        s.parse().unwrap()
    }

    #[test]
    fn parses_english_and_swedish() {
        assert_eq!(sched("mon 07:00"), Schedule::default());
        assert_eq!(sched("Måndag 7.00"), Schedule::default());
        assert_eq!(sched("sun 02:30").weekday, Weekday::Sun);
        assert_eq!(Schedule::default().to_string(), "måndag 07:00");
        for bad in ["", "mon", "mon 25:00", "mon 07:60", "xyz 07:00", "mon 7", "mon 07:00 extra", "mon 007:00"] {
            assert!(bad.parse::<Schedule>().is_err(), "{bad}");
        }
    }

    #[test]
    fn monday_seven_stays_seven_local_around_the_march_change() {
        // Summer time starts Sunday 2026-03-29 02:00 (CET+1 → CEST+2).
        let s = Schedule::default();
        // Saturday before: the next run is Monday 30 March 07:00 CEST = 05:00 UTC.
        assert_eq!(s.next_after(utc("2026-03-28T12:00:00Z")), utc("2026-03-30T05:00:00Z"));
        // The week before still in winter time: 07:00 CET = 06:00 UTC.
        assert_eq!(s.latest_due(utc("2026-03-28T12:00:00Z")), utc("2026-03-23T06:00:00Z"));
        // On the Sunday of the change itself, after 03:00.
        assert_eq!(s.next_after(utc("2026-03-29T01:30:00Z")), utc("2026-03-30T05:00:00Z"));
        assert_eq!(local_weekday(s.next_after(utc("2026-03-29T01:30:00Z"))), Weekday::Mon);
    }

    #[test]
    fn monday_seven_stays_seven_local_around_the_october_change() {
        // Summer time ends Sunday 2026-10-25 03:00 (CEST+2 → CET+1).
        let s = Schedule::default();
        assert_eq!(s.latest_due(utc("2026-10-24T12:00:00Z")), utc("2026-10-19T05:00:00Z"));
        assert_eq!(s.next_after(utc("2026-10-24T12:00:00Z")), utc("2026-10-26T06:00:00Z"));
        assert_eq!(s.next_after(utc("2026-10-25T00:30:00Z")), utc("2026-10-26T06:00:00Z"));
    }

    #[test]
    fn a_time_inside_the_change_itself() {
        // 02:30 does not exist on 2026-03-29: it runs at 03:30 CEST (01:30 UTC).
        let s = sched("sun 02:30");
        assert_eq!(s.next_after(utc("2026-03-28T12:00:00Z")), utc("2026-03-29T01:30:00Z"));
        // 02:30 occurs twice on 2026-10-25: it runs at the first, 02:30 CEST (00:30 UTC), once.
        let first = s.next_after(utc("2026-10-24T12:00:00Z"));
        assert_eq!(first, utc("2026-10-25T00:30:00Z"));
        assert_eq!(s.next_after(first), utc("2026-11-01T01:30:00Z"));
    }

    #[test]
    fn now_exactly_at_the_run_time() {
        let s = Schedule::default();
        let run = utc("2026-11-23T06:00:00Z"); // Monday 07:00 CET
        assert_eq!(s.latest_due(run), run, "a run exactly now is due now");
        assert_eq!(s.next_after(run), utc("2026-11-30T06:00:00Z"), "and the next is a week later");
        let just_before = run - chrono::Duration::microseconds(1);
        assert_eq!(s.next_after(just_before), run);
        assert_eq!(s.latest_due(just_before), utc("2026-11-16T06:00:00Z"));
        assert_eq!(Schedule::week_of_run(run).to_string(), "2026-W48");
    }

    #[test]
    fn a_run_late_on_sunday_belongs_to_the_swedish_week() {
        // Sunday 23:30 local in winter is 22:30 UTC the same day; in summer 21:30 UTC.
        let s = sched("sön 23:30");
        let run = s.next_after(utc("2026-11-23T00:00:00Z"));
        assert_eq!(run, utc("2026-11-29T22:30:00Z"));
        assert_eq!(Schedule::week_of_run(run).to_string(), "2026-W48");
    }
}
