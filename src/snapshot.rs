//! Everything the rules need, read in one go: the agreement, the parties and the decision log.
//! The faces (API, pages, reports) evaluate a snapshot instead of querying piecemeal.

use chrono::{DateTime, NaiveDate, Utc};

use crate::agreement::{self, Agreement, AGREEMENT_SLUG};
use crate::db::DbConn;
use crate::events::{self, Event};
use crate::parties::{self, Party};
use crate::ratification::{self, Evaluation, PartyInput};

#[derive(Debug, Clone)]
pub struct Snapshot {
    pub agreement: Agreement,
    /// The region first, then the municipalities by code.
    pub parties: Vec<Party>,
    /// All events in the order recorded.
    pub events: Vec<Event>,
}

impl Snapshot {
    pub fn load(conn: &mut DbConn) -> diesel::QueryResult<Self> {
        let agreement = agreement::load(conn, AGREEMENT_SLUG)?;
        let parties = parties::list(conn)?;
        let events = events::all(conn, agreement.id)?;
        Ok(Self { agreement, parties, events })
    }

    pub fn evaluate(&self, as_of: NaiveDate) -> Evaluation {
        ratification::evaluate(&self.agreement.rules, &self.agreement.instrument_slugs(), &self.inputs(), as_of)
    }

    /// Municipalities counting as adopted on each day of `from..=to` (see
    /// [`ratification::adoption_history`]), for charts.
    pub fn adoption_history(&self, from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, u32)> {
        ratification::adoption_history(
            &self.agreement.rules,
            &self.agreement.instrument_slugs(),
            &self.inputs(),
            from,
            to,
        )
    }

    /// What the rules engine is fed: every party with its events.
    fn inputs(&self) -> Vec<PartyInput> {
        self.parties
            .iter()
            .map(|p| PartyInput {
                code: p.code.clone(),
                kind: p.kind,
                population: u64::from(p.population),
                events: self.events_of(&p.code).map(Event::to_input).collect(),
            })
            .collect()
    }

    pub fn events_of<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a Event> + 'a {
        self.events.iter().filter(move |e| e.party_code == code)
    }

    pub fn party(&self, code: &str) -> Option<&Party> {
        self.parties.iter().find(|p| p.code == code)
    }

    /// When the log last changed (the newest recorded_at).
    pub fn last_change_at(&self) -> Option<DateTime<Utc>> {
        self.events.iter().map(|e| e.recorded_at).max()
    }

    /// The id of the event that corrects `id`, if any.
    pub fn corrected_by(&self, id: i32) -> Option<i32> {
        self.events.iter().find(|e| e.corrects == Some(id)).map(|e| e.id)
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
