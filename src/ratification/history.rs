//! `adoption_history`: municipalities counting as adopted, per day, for a chart.
//!
//! Instead of evaluating every day, each municipality's timeline is replayed once. Between
//! two consecutive effective dates its instruments cannot change, so whether it counts can
//! change at most once more inside that stretch: when legal force is reached. Each stretch
//! thus adds at most one adopted interval to a difference array, summed at the end.
//! Cost: O(events × instruments + days), independent of how many days are asked for.

use chrono::NaiveDate;

use super::timeline::{Counting, Cursor, Timeline};
use super::{PartyInput, PartyKind, RuleConfig};

/// `municipalities_adopted` as `evaluate` would give it on each day of `from..=to`.
/// Empty if `from > to`.
pub fn adoption_history(
    config: &RuleConfig,
    instruments: &[String],
    parties: &[PartyInput],
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(NaiveDate, u32)> {
    let Some(mut tally) = Tally::new(from, to) else {
        return Vec::new();
    };
    for party in parties.iter().filter(|p| p.kind == PartyKind::Municipality) {
        tally.add(config, party, &Timeline::new(party, instruments));
    }
    tally.finish()
}

/// The difference array the municipalities' adopted stretches are added to.
pub(super) struct Tally {
    from: NaiveDate,
    to: NaiveDate,
    days: usize,
    delta: Vec<i64>,
}

impl Tally {
    /// `None` if `from > to`.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Option<Self> {
        if from > to {
            return None;
        }
        let days = day_index(from, to) + 1;
        Some(Tally { from, to, days, delta: vec![0i64; days + 1] })
    }

    /// One municipality's adopted stretches within `from..=to`.
    pub fn add(&mut self, config: &RuleConfig, party: &PartyInput, timeline: &Timeline) {
        let (from, to, days) = (self.from, self.to, self.days);
        // Clamped: dates after `to` all map to the slot past the end.
        let index = |date: NaiveDate| day_index(from, date).min(days);
        let mut cursor = Cursor::new(party, timeline);
        cursor.advance_through(from);
        let mut stretch_start = from;
        loop {
            let stretch_end = cursor.next_date();
            let adopted_from = match cursor.party_counting(config) {
                Counting::Never => None,
                Counting::Always => Some(stretch_start),
                Counting::From(date) => Some(date.max(stretch_start)),
            };
            if let Some(first) = adopted_from.filter(|&d| d <= to) {
                let start = index(first);
                let end = stretch_end.map_or(days, index);
                if start < end {
                    self.delta[start] += 1;
                    self.delta[end] -= 1;
                }
            }
            match stretch_end {
                Some(next) if next <= to => {
                    cursor.advance_through(next);
                    stretch_start = next;
                }
                _ => break,
            }
        }
    }

    pub fn finish(self) -> Vec<(NaiveDate, u32)> {
        let mut adopted = 0i64;
        self.from
            .iter_days()
            .zip(&self.delta[..self.days])
            .map(|(date, d)| {
                adopted += d;
                (date, u32::try_from(adopted).unwrap_or(0))
            })
            .collect()
    }
}

/// Days from `from` to `date`, 0 for dates before `from`.
fn day_index(from: NaiveDate, date: NaiveDate) -> usize {
    usize::try_from((date - from).num_days()).unwrap_or(0)
}
