//! One party's timeline, cleaned and ordered, and a cursor that replays it day by day.
//!
//! Both `evaluate` (one date) and `adoption_history` (many dates) replay the same
//! timeline with the same cursor, so they cannot disagree.
//!
//! Per instrument the cursor keeps two things: the *standing decision* (the latest decision in
//! timeline order), from which alone counting is decided, and the *status* event. A decision is
//! always the status when applied (it is the latest event so far). A step becomes the status
//! only if the standing decision is not final and the step was recorded after that decision: an
//! entry made before a decision was known (minutes come a week or two after the meeting) is
//! overtaken by it, whatever its effective date.

use chrono::{DateTime, Days, NaiveDate, Utc};

use super::{effective_date, EventInput, PartyInput, RuleConfig, Status};

/// A non-void event that covers at least one instrument slot.
pub(super) struct Entry {
    /// (effective date, recorded_at, id): the timeline's order, kept here so that sorting does
    /// not go back to the events.
    order: OrderKey,
    /// Position of the event in the party's `events`.
    event: usize,
    /// The event's status, kept here because replaying reads it for every entry.
    status: Status,
    pub effective: NaiveDate,
    /// The instrument slots this event concerns.
    covers: Covers,
}

/// Which slots an event concerns. Nearly every event concerns all of them; a subset is a bit
/// set (an agreement has a handful of instruments), so no event needs an allocation (at national
/// scale a `Vec` per event was most of the cost of `evaluate`). Beyond 64 instruments, a list.
enum Covers {
    All,
    Mask(u64),
    List(Vec<usize>),
}

impl Covers {
    fn is_empty(&self) -> bool {
        match self {
            Covers::All => false,
            Covers::Mask(mask) => *mask == 0,
            Covers::List(slots) => slots.is_empty(),
        }
    }

    fn slots(&self, count: usize) -> Slots<'_> {
        match self {
            Covers::All => Slots { all: 0..count, mask: 0, list: [].iter() },
            Covers::Mask(mask) => Slots { all: 0..0, mask: *mask, list: [].iter() },
            Covers::List(slots) => Slots { all: 0..0, mask: 0, list: slots.iter() },
        }
    }
}

/// The slots of a [`Covers`], in increasing order.
struct Slots<'a> {
    all: std::ops::Range<usize>,
    mask: u64,
    list: std::slice::Iter<'a, usize>,
}

impl Iterator for Slots<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if let Some(slot) = self.all.next() {
            return Some(slot);
        }
        if self.mask != 0 {
            let slot = self.mask.trailing_zeros() as usize;
            self.mask &= self.mask - 1;
            return Some(slot);
        }
        self.list.next().copied()
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

impl Entry {
    /// The order in which entries were recorded: (recorded_at, id). Ids are given in the order
    /// of insertion, so they decide between entries recorded in the same instant.
    fn recording(&self) -> (DateTime<Utc>, i64) {
        (self.order.1, self.order.2)
    }
}

impl Timeline {
    pub fn new(party: &PartyInput, instruments: &[String]) -> Self {
        // Correction is retroactive: a corrected event never counted.
        let mut voided: Vec<i64> = party.events.iter().filter_map(|e| e.corrects).collect();
        voided.sort_unstable();
        let mut entries: Vec<Entry> = party
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| voided.binary_search(&e.id).is_err())
            // A withdrawal replaces what it voids with nothing.
            .filter(|(_, e)| e.status != Status::Withdrawn)
            .map(|(i, e)| {
                let effective = effective_date(e);
                Entry {
                    order: (effective, e.recorded_at, e.id),
                    event: i,
                    status: e.status,
                    effective,
                    covers: covered_slots(e, instruments),
                }
            })
            .filter(|entry| !entry.covers.is_empty())
            .collect();
        // Ids are unique, so the key is total and an unstable sort gives the same order.
        entries.sort_unstable_by_key(|entry| entry.order);
        Timeline { entries, slots: slot_count(instruments) }
    }
}

fn covered_slots(e: &EventInput, instruments: &[String]) -> Covers {
    let Some(list) = e.instruments.as_ref().filter(|_| !instruments.is_empty()) else {
        // Every instrument, or none configured: the one implicit slot.
        return Covers::All;
    };
    let listed = |i: &usize| list.iter().any(|id| *id == instruments[*i]);
    if instruments.len() <= u64::BITS as usize {
        Covers::Mask((0..instruments.len()).filter(listed).fold(0, |mask, i| mask | 1 << i))
    } else {
        Covers::List((0..instruments.len()).filter(listed).collect())
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
    /// Index into `Timeline::entries` of the event giving the slot's status.
    pub standing: Option<usize>,
    /// Index into `Timeline::entries` of the standing decision, if any: what counting reads.
    decision: Option<usize>,
    /// For an `Appealed` standing decision: whether the appeal was lodged against an adoption
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
                if entry.status.is_decision() {
                    let appeal_of_adoption = entry.status == Status::Appealed
                        && match previous.decision.map(|i| self.status_of(i)) {
                            Some(Status::Adopted) => true,
                            Some(Status::Appealed) => previous.appeal_of_adoption,
                            _ => false,
                        };
                    self.slots[slot] =
                        SlotState { standing: Some(self.next), decision: Some(self.next), appeal_of_adoption };
                } else if !self.overtakes(previous.decision, entry) {
                    self.slots[slot].standing = Some(self.next);
                }
            }
            self.next += 1;
        }
    }

    /// Whether the standing decision `decision` keeps the step `step` from being the status:
    /// a final decision always does, another decision if the step was recorded before it.
    fn overtakes(&self, decision: Option<usize>, step: &Entry) -> bool {
        decision.is_some_and(|d| {
            let decision = &self.timeline.entries[d];
            decision.status.is_final() || step.recording() < decision.recording()
        })
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

    /// Rule 3: when the slot's standing decision counts as adopted (a step never counts, nor
    /// changes what counts).
    pub fn slot_counting(&self, slot: usize, config: &RuleConfig) -> Counting {
        let state = self.slots[slot];
        let Some(index) = state.decision else {
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
