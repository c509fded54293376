//! The ISO week a report is for, written `2026-W48` (ISO 8601: weeks start on Monday, week 1 is
//! the week with the year's first Thursday — the week numbering used in Sweden).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, Weekday};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek {
    year: i32,
    week: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ogiltig vecka \"{0}\": skriv år och ISO-vecka som 2026-W48")]
pub struct WeekError(String);

impl IsoWeek {
    /// The week `date` falls in.
    pub fn of(date: NaiveDate) -> Self {
        let w = date.iso_week();
        Self { year: w.year(), week: w.week() }
    }

    pub fn new(year: i32, week: u32) -> Option<Self> {
        NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).map(|_| Self { year, week })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn week(self) -> u32 {
        self.week
    }

    /// The day of this week that is `weekday`.
    pub fn day(self, weekday: Weekday) -> NaiveDate {
        // Checked in `new`/`of`: every IsoWeek names an existing week.
        NaiveDate::from_isoywd_opt(self.year, self.week, weekday).unwrap_or(NaiveDate::MIN)
    }

    pub fn monday(self) -> NaiveDate {
        self.day(Weekday::Mon)
    }

    pub fn sunday(self) -> NaiveDate {
        self.day(Weekday::Sun)
    }

    pub fn previous(self) -> Self {
        Self::of(self.monday() - chrono::Days::new(7))
    }

    pub fn next(self) -> Self {
        Self::of(self.monday() + chrono::Days::new(7))
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-W{:02}", self.year, self.week)
    }
}

impl FromStr for IsoWeek {
    type Err = WeekError;

    /// `2026-W48`; a lower-case `w` and a one-digit week (`2026-W7`) are accepted too.
    fn from_str(s: &str) -> Result<Self, WeekError> {
        let err = || WeekError(s.chars().take(20).collect());
        let t = s.trim();
        let (year, week) = t.split_once(['W', 'w']).ok_or_else(err)?;
        let year = year.strip_suffix('-').ok_or_else(err)?;
        if year.len() != 4 || week.is_empty() || week.len() > 2 {
            return Err(err());
        }
        let year: i32 = year.parse().map_err(|_| err())?;
        let week: u32 = week.parse().map_err(|_| err())?;
        Self::new(year, week).ok_or_else(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_prints() {
        let w: IsoWeek = "2026-W48".parse().unwrap();
        assert_eq!((w.year(), w.week()), (2026, 48));
        assert_eq!(w.to_string(), "2026-W48");
        assert_eq!("2026-w7".parse::<IsoWeek>().unwrap().to_string(), "2026-W07");
        assert_eq!(w.monday(), d("2026-11-23"));
        assert_eq!(w.sunday(), d("2026-11-29"));
    }

    #[test]
    fn refuses_what_is_not_a_week() {
        for bad in ["", "2026", "2026-48", "2026-W", "2026-W00", "2026-W54", "26-W10", "2026-W123", "2026W10", "x-W10"]
        {
            let e = bad.parse::<IsoWeek>().unwrap_err();
            assert!(e.to_string().contains("2026-W48"), "{bad}: {e}");
        }
        // 2026 has 53 ISO weeks (it starts on a Thursday); 2027 has 52.
        assert!("2026-W53".parse::<IsoWeek>().is_ok());
        assert!("2027-W53".parse::<IsoWeek>().is_err());
    }

    #[test]
    fn weeks_across_the_new_year() {
        assert_eq!(IsoWeek::of(d("2027-01-01")).to_string(), "2026-W53");
        assert_eq!(IsoWeek::of(d("2027-01-04")).to_string(), "2027-W01");
        assert_eq!("2026-W53".parse::<IsoWeek>().unwrap().next().to_string(), "2027-W01");
        assert_eq!("2027-W01".parse::<IsoWeek>().unwrap().previous().to_string(), "2026-W53");
        assert!("2026-W53".parse::<IsoWeek>().unwrap() < "2027-W01".parse().unwrap());
    }
}
