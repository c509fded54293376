//! Everything the rules need, read in one go: the agreement, the parties and the decision log.
//! The faces (API, pages, reports) evaluate a snapshot instead of querying piecemeal.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, NaiveDate, Utc};

use crate::agreement::{self, Agreement, AGREEMENT_SLUG};
use crate::db::DbConn;
use crate::events::{self, Event};
use crate::parties::{self, Party};
use crate::ratification::{self, Evaluation, PartyInput, PreparedLog};

/// Built only by [`Snapshot::new`], which indexes the events; the fields are read, never changed.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub agreement: Agreement,
    /// The region first, then the municipalities by code.
    pub parties: Vec<Party>,
    /// All events in the order recorded.
    pub events: Vec<Event>,
    index: Index,
}

/// Lookups the pages make per party and per event, built once so that they do not rescan the
/// whole log each time (which made rendering quadratic in the number of events).
#[derive(Debug, Clone, Default)]
struct Index {
    /// Positions in `events` of each party's events, in the order recorded.
    by_party: HashMap<String, Vec<usize>>,
    /// Position in `events` of each event id.
    by_id: HashMap<i32, usize>,
    /// Corrected event id → id of the event correcting it.
    corrected_by: HashMap<i32, i32>,
    /// The earliest effective date of any event (a time-zone conversion per event: done once).
    first_effective_on: Option<NaiveDate>,
    /// The log as the rules engine takes it, prepared on first use: a cached snapshot is
    /// evaluated for many pages and dates.
    prepared: Arc<OnceLock<PreparedLog>>,
}

impl Index {
    fn build(events: &[Event]) -> Self {
        let mut index = Index::default();
        for (i, e) in events.iter().enumerate() {
            index.by_party.entry(e.party_code.clone()).or_default().push(i);
            index.by_id.insert(e.id, i);
            if let Some(target) = e.corrects {
                index.corrected_by.insert(target, e.id);
            }
        }
        index.first_effective_on = events.iter().map(Event::effective_on).min();
        index
    }
}

impl Snapshot {
    pub fn new(agreement: Agreement, parties: Vec<Party>, events: Vec<Event>) -> Self {
        let index = Index::build(&events);
        Self { agreement, parties, events, index }
    }

    pub fn load(conn: &mut DbConn) -> diesel::QueryResult<Self> {
        let agreement = agreement::load(conn, AGREEMENT_SLUG)?;
        let parties = parties::list(conn)?;
        let events = events::all(conn, agreement.id)?;
        Ok(Self::new(agreement, parties, events))
    }

    /// The same agreement and parties with another log (a past cut-off, a projection).
    pub fn with_events(&self, events: Vec<Event>) -> Self {
        Self::new(self.agreement.clone(), self.parties.clone(), events)
    }

    pub fn evaluate(&self, as_of: NaiveDate) -> Evaluation {
        self.prepared().evaluate(&self.agreement.rules, as_of)
    }

    /// Municipalities counting as adopted on each day of `from..=to` (see
    /// [`ratification::adoption_history`]), for charts.
    pub fn adoption_history(&self, from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, u32)> {
        self.prepared().adoption_history(&self.agreement.rules, from, to)
    }

    /// What the rules engine is fed: every party with its events, prepared once per snapshot.
    pub fn prepared(&self) -> &PreparedLog {
        self.index.prepared.get_or_init(|| {
            let parties = self
                .parties
                .iter()
                .map(|p| PartyInput {
                    code: p.code.clone(),
                    kind: p.kind,
                    population: u64::from(p.population),
                    events: self.events_of(&p.code).map(Event::to_input).collect(),
                })
                .collect();
            PreparedLog::new(self.agreement.instrument_slugs(), parties)
        })
    }

    /// The party's events in the order recorded.
    pub fn events_of<'a>(&'a self, code: &str) -> impl Iterator<Item = &'a Event> + 'a {
        let positions = self.index.by_party.get(code).map(Vec::as_slice).unwrap_or_default();
        positions.iter().map(|&i| &self.events[i])
    }

    pub fn event(&self, id: i32) -> Option<&Event> {
        self.index.by_id.get(&id).map(|&i| &self.events[i])
    }

    pub fn party(&self, code: &str) -> Option<&Party> {
        self.parties.iter().find(|p| p.code == code)
    }

    /// The earliest day any event takes effect.
    pub fn first_effective_on(&self) -> Option<NaiveDate> {
        self.index.first_effective_on
    }

    /// When the log last changed (the newest recorded_at).
    pub fn last_change_at(&self) -> Option<DateTime<Utc>> {
        self.events.iter().map(|e| e.recorded_at).max()
    }

    /// The id of the event that corrects `id`, if any.
    pub fn corrected_by(&self, id: i32) -> Option<i32> {
        self.index.corrected_by.get(&id).copied()
    }

    /// The party's latest decision standing at `as_of`: the newest counting event with a KF/RF
    /// outcome or an appeal, effective on or before that day.
    pub fn latest_decision<'a>(&'a self, code: &'a str, as_of: NaiveDate) -> Option<&'a Event> {
        self.events_of(code)
            .filter(|e| self.corrected_by(e.id).is_none())
            .filter(|e| e.status.is_assembly_outcome() || e.status == ratification::Status::Appealed)
            .filter(|e| e.effective_on() <= as_of)
            .max_by_key(|e| (e.effective_on(), e.recorded_at, e.id))
    }

    /// The meeting date of the party's latest `scheduled` event, if on or after `as_of`
    /// (a rescheduling is a newer `scheduled` event, so only the latest one counts).
    pub fn next_planned_on(&self, code: &str, as_of: NaiveDate) -> Option<NaiveDate> {
        self.events_of(code)
            .filter(|e| e.status == ratification::Status::Scheduled && self.corrected_by(e.id).is_none())
            .filter(|e| e.effective_on() <= as_of)
            .max_by_key(|e| (e.recorded_at, e.id))
            .and_then(|e| e.planned_on)
            .filter(|d| *d >= as_of)
    }
}
