//! One party's timeline, cleaned and ordered, and a cursor that replays it day by day.
//!
//! Both `evaluate` (one date) and `adoption_history` (many dates) replay the same
//! timeline with the same cursor, so they cannot disagree.

use chrono::{DateTime, Days, NaiveDate, Utc};

use super::{effective_date, EventInput, PartyInput, RuleConfig, Status};

/// A non-void event that covers at least one instrument slot.
pub(super) struct Entry {
    /// Position of the event in the party's `events`.
    event: usize,
    /// The event's status, kept here because replaying reads it for every entry.
    status: Status,
    pub effective: NaiveDate,
    /// The instrument slots this event concerns.
    covers: Covers,
}

/// Which slots an event concerns. Nearly every event concerns all of them, and that case needs
/// no allocation (at national scale the per-event `Vec` was most of the cost of `evaluate`).
enum Covers {
    All,
    Only(Vec<usize>),
}

impl Covers {
    fn is_empty(&self) -> bool {
        matches!(self, Covers::Only(slots) if slots.is_empty())
    }

    fn slots(&self, count: usize) -> impl Iterator<Item = usize> + '_ {
        let (all, only) = match self {
            Covers::All => (0..count, [].as_slice()),
            Covers::Only(slots) => (0..0, slots.as_slice()),
        };
        all.chain(only.iter().copied())
    }
}

/// A party's counting events sorted by (effective date, recorded_at, id): the order in
/// which "latest" is decided. An entry's index is therefore its rank in time. It does not
/// depend on the date evaluated at, so it is made once per log (see `PreparedLog`).
pub(super) struct Timeline {
    entries: Vec<Entry>,
    /// Number of instrument slots (see [`slot_count`]).
    pub slots: usize,
}

/// With no instruments configured the agreement is treated as one implicit instrument
/// that every event concerns; otherwise every party would vacuously count as adopted.
pub(super) fn slot_count(instruments: &[String]) -> usize {
    instruments.len().max(1)
}

/// The order of a timeline: (effective date, recorded_at, id).
type OrderKey = (NaiveDate, DateTime<Utc>, i64);

impl Timeline {
    pub fn new(party: &PartyInput, instruments: &[String]) -> Self {
        // Correction is retroactive: a corrected event never counted.
        let mut voided: Vec<i64> = party.events.iter().filter_map(|e| e.corrects).collect();
        voided.sort_unstable();
        let mut keyed: Vec<(OrderKey, Entry)> = party
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| voided.binary_search(&e.id).is_err())
            .map(|(i, e)| {
                let effective = effective_date(e);
                let entry = Entry { event: i, status: e.status, effective, covers: covered_slots(e, instruments) };
                ((effective, e.recorded_at, e.id), entry)
            })
            .filter(|(_, entry)| !entry.covers.is_empty())
            .collect();
        // Ids are unique, so the key is total and an unstable sort gives the same order. The key
        // sits beside the entry so that comparing does not go back to the events.
        keyed.sort_unstable_by_key(|(key, _)| *key);
        Timeline { entries: keyed.into_iter().map(|(_, entry)| entry).collect(), slots: slot_count(instruments) }
    }
}

fn covered_slots(e: &EventInput, instruments: &[String]) -> Covers {
    match &e.instruments {
        Some(list) if !instruments.is_empty() => {
            Covers::Only((0..instruments.len()).filter(|&i| list.iter().any(|id| *id == instruments[i])).collect())
        }
        // No instruments configured: the one implicit slot.
        _ => Covers::All,
    }
}

/// From when a standing (of an instrument, or of a whole party) counts as adopted,
/// assuming nothing else happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Counting {
    Never,
    /// From this date on (legal force reached).
    From(NaiveDate),
    Always,
}

impl Counting {
    pub fn holds_on(self, date: NaiveDate) -> bool {
        match self {
            Counting::Never => false,
            Counting::From(from) => date >= from,
            Counting::Always => true,
        }
    }

    /// Both must count: the later start wins.
    pub fn and(self, other: Counting) -> Counting {
        match (self, other) {
            (Counting::Never, _) | (_, Counting::Never) => Counting::Never,
            (Counting::Always, c) | (c, Counting::Always) => c,
            (Counting::From(a), Counting::From(b)) => Counting::From(a.max(b)),
        }
    }
}

/// `posted_on + appeal_period_days`; `None` only on calendar overflow.
pub(super) fn legal_force_date(posted_on: NaiveDate, config: &RuleConfig) -> Option<NaiveDate> {
    posted_on.checked_add_days(Days::new(u64::from(config.appeal_period_days)))
}

/// The standing of one instrument slot.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct SlotState {
    /// Index into `Timeline::entries` of the standing event.
    pub standing: Option<usize>,
    /// For an `Appealed` standing: whether the appeal was lodged against an adoption
    /// (directly or through earlier appeals), which it does not suspend.
    appeal_of_adoption: bool,
}

/// Replays a party's timeline in order; `slots` is the standing after every applied entry.
pub(super) struct Cursor<'t> {
    party: &'t PartyInput,
    timeline: &'t Timeline,
    next: usize,
    pub slots: Vec<SlotState>,
}

impl<'t> Cursor<'t> {
    /// `timeline` must be `party`'s (made by `Timeline::new(party, …)`).
    pub fn new(party: &'t PartyInput, timeline: &'t Timeline) -> Self {
        Cursor { party, timeline, next: 0, slots: vec![SlotState::default(); timeline.slots] }
    }

    /// Effective date of the next entry not yet applied.
    pub fn next_date(&self) -> Option<NaiveDate> {
        self.timeline.entries.get(self.next).map(|e| e.effective)
    }

    /// Applies every entry effective on or before `date`.
    pub fn advance_through(&mut self, date: NaiveDate) {
        while let Some(entry) = self.timeline.entries.get(self.next) {
            if entry.effective > date {
                break;
            }
            for slot in entry.covers.slots(self.slots.len()) {
                let previous = self.slots[slot];
                let appeal_of_adoption = entry.status == Status::Appealed
                    && match previous.standing.map(|i| self.status_of(i)) {
                        Some(Status::Adopted) => true,
                        Some(Status::Appealed) => previous.appeal_of_adoption,
                        _ => false,
                    };
                self.slots[slot] = SlotState { standing: Some(self.next), appeal_of_adoption };
            }
            self.next += 1;
        }
    }

    pub fn event(&self, index: usize) -> &'t EventInput {
        &self.party.events[self.timeline.entries[index].event]
    }

    fn status_of(&self, index: usize) -> Status {
        self.timeline.entries[index].status
    }

    pub fn slot_status(&self, slot: usize) -> Status {
        self.slots[slot].standing.map_or(Status::NotStarted, |i| self.status_of(i))
    }

    /// Rule 3: when the slot's current standing counts as adopted.
    pub fn slot_counting(&self, slot: usize, config: &RuleConfig) -> Counting {
        let state = self.slots[slot];
        let Some(index) = state.standing else {
            return Counting::Never;
        };
        let event = self.event(index);
        match event.status {
            Status::Adopted if config.legal_force_required => {
                event.posted_on.and_then(|p| legal_force_date(p, config)).map_or(Counting::Never, Counting::From)
            }
            Status::Adopted => Counting::Always,
            // An appeal does not suspend an adoption (kommunallagen 13 kap.), but an
            // adoption under appeal never has legal force.
            Status::Appealed if !config.legal_force_required && state.appeal_of_adoption => Counting::Always,
            _ => Counting::Never,
        }
    }

    /// Rule 4: the party counts only when every instrument does.
    pub fn party_counting(&self, config: &RuleConfig) -> Counting {
        (0..self.slots.len()).fold(Counting::Always, |acc, slot| acc.and(self.slot_counting(slot, config)))
    }
}
