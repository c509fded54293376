//! `evaluate`: every party's standing at one date, then the two conditions.

use chrono::NaiveDate;

use super::conditions::{majority, outcome, unanimity};
use super::timeline::{legal_force_date, Cursor, Timeline};
use super::{
    Evaluation, InstrumentCount, InstrumentStanding, PartyInput, PartyKind, PartyStanding, RuleConfig, Status,
    StatusCounts,
};

/// Evaluates all parties and both conditions on the decisions effective on or before `as_of`.
/// To evaluate the same log at many dates, prepare it once with [`PreparedLog`](super::PreparedLog).
pub fn evaluate(config: &RuleConfig, instruments: &[String], parties: &[PartyInput], as_of: NaiveDate) -> Evaluation {
    // Each timeline is made and used at once (not all made first): cheaper on the cache.
    let standings =
        parties.iter().map(|p| party_standing(config, instruments, p, &Timeline::new(p, instruments), as_of)).collect();
    let populations: Vec<u64> = parties.iter().map(|p| p.population).collect();
    conclude(config, instruments, standings, &populations, as_of)
}

/// The counts and both conditions from every party's standing (`populations[i]` is that of
/// `standings[i]`'s party).
pub(super) fn conclude(
    config: &RuleConfig,
    instruments: &[String],
    standings: Vec<PartyStanding>,
    populations: &[u64],
    as_of: NaiveDate,
) -> Evaluation {
    let mut counts = StatusCounts::default();
    for s in &standings {
        counts.add(s.status);
    }

    let municipalities = || standings.iter().filter(|s| s.kind == PartyKind::Municipality);
    let municipalities_total = count(municipalities());
    let municipalities_adopted = count(municipalities().filter(|s| s.counts_as_adopted));
    let region = standings.iter().find(|s| s.kind == PartyKind::Region);
    let region_status = region.map_or(Status::NotStarted, |r| r.status);
    let region_adopted = region.is_some_and(|r| r.counts_as_adopted);

    let unanimity = unanimity(&standings);
    let majority = majority(config, &standings);
    let outcome = outcome(populations, &standings, &unanimity, &majority);

    let instruments = instruments
        .iter()
        .enumerate()
        .map(|(i, id)| InstrumentCount {
            id: id.clone(),
            adopted: count(standings.iter().filter(|s| s.instruments[i].counts_as_adopted)),
        })
        .collect();

    Evaluation {
        as_of,
        parties: standings,
        counts,
        municipalities_total,
        municipalities_adopted,
        region_status,
        region_adopted,
        unanimity,
        majority,
        outcome,
        instruments,
    }
}

fn count<T>(iter: impl Iterator<Item = T>) -> u32 {
    // 50 parties in practice; saturate rather than wrap on absurd input.
    u32::try_from(iter.count()).unwrap_or(u32::MAX)
}

/// Rules 1–5 for one party.
pub(super) fn party_standing(
    config: &RuleConfig,
    instruments: &[String],
    party: &PartyInput,
    timeline: &Timeline,
    as_of: NaiveDate,
) -> PartyStanding {
    let mut cursor = Cursor::new(party, timeline);
    cursor.advance_through(as_of);

    let slots = 0..timeline.slots;
    let statuses: Vec<Status> = slots.clone().map(|s| cursor.slot_status(s)).collect();
    let status = overall_status(&cursor, &statuses);
    let counts_as_adopted = cursor.party_counting(config).holds_on(as_of);
    let standing_index = slots.clone().filter_map(|s| cursor.slots[s].standing).max();

    let legal_force_on = if status == Status::Adopted {
        // Every slot is Adopted here, so every slot has a standing event.
        slots
            .clone()
            .map(|s| {
                cursor.slots[s]
                    .standing
                    .and_then(|i| cursor.event(i).posted_on)
                    .and_then(|p| legal_force_date(p, config))
            })
            .collect::<Option<Vec<NaiveDate>>>()
            .and_then(|dates| dates.into_iter().max())
    } else {
        None
    };

    // With no instruments configured the implicit slot is not reported.
    let instruments = instruments
        .iter()
        .enumerate()
        .map(|(slot, id)| InstrumentStanding {
            id: id.clone(),
            status: statuses[slot],
            event: cursor.slots[slot].standing.map(|i| cursor.event(i).id),
            counts_as_adopted: cursor.slot_counting(slot, config).holds_on(as_of),
        })
        .collect();

    PartyStanding {
        code: party.code.clone(),
        kind: party.kind,
        status,
        counts_as_adopted,
        instruments,
        standing_event: standing_index.map(|i| cursor.event(i).id),
        legal_force_on,
    }
}

/// Rule 5: one status for a party whose instruments may stand differently.
fn overall_status(cursor: &Cursor<'_>, statuses: &[Status]) -> Status {
    let Some(&first) = statuses.first() else {
        return Status::NotStarted;
    };
    if statuses.iter().all(|&s| s == first) {
        return first;
    }
    for decisive in [Status::Rejected, Status::Appealed] {
        if statuses.contains(&decisive) {
            return decisive;
        }
    }
    // What the party is doing about the instruments it has not adopted yet. Entry
    // indices are in time order, so the highest index is the latest event.
    statuses
        .iter()
        .enumerate()
        .filter(|&(_, &s)| s != Status::Adopted)
        .filter_map(|(slot, _)| cursor.slots[slot].standing)
        .max()
        .map_or(Status::NotStarted, |i| cursor.event(i).status)
}
