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
    if from > to {
        return Vec::new();
    }
    let days = day_index(from, to) + 1;
    // Clamped: dates after `to` all map to the slot past the end.
    let index = |date: NaiveDate| day_index(from, date).min(days);
    let mut delta = vec![0i64; days + 1];

    for party in parties.iter().filter(|p| p.kind == PartyKind::Municipality) {
        let timeline = Timeline::new(party, instruments);
        let mut cursor = Cursor::new(&timeline);
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
                    delta[start] += 1;
                    delta[end] -= 1;
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

    let mut adopted = 0i64;
    from.iter_days()
        .zip(&delta[..days])
        .map(|(date, d)| {
            adopted += d;
            (date, u32::try_from(adopted).unwrap_or(0))
        })
        .collect()
}

/// Days from `from` to `date`, 0 for dates before `from`.
fn day_index(from: NaiveDate, date: NaiveDate) -> usize {
    usize::try_from((date - from).num_days()).unwrap_or(0)
}
