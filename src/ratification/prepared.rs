//! `PreparedLog`: a log made ready for evaluating at many dates.
//!
//! Cleaning and sorting each party's timeline (corrections, effective dates, instrument slots)
//! does not depend on the date asked about, and at national scale it is most of the cost of an
//! evaluation. A service that evaluates one log for many pages and dates prepares it once.

use std::sync::Arc;

use chrono::NaiveDate;

use super::engine::{conclude, party_standing};
use super::history::Tally;
use super::timeline::Timeline;
use super::{Evaluation, EventInput, PartyInput, PartyKind, RuleConfig};

/// The instruments and parties with each party's timeline made once. Gives exactly what
/// [`evaluate`](super::evaluate) and [`adoption_history`](super::adoption_history) give for the
/// same input.
#[derive(Clone)]
pub struct PreparedLog {
    instruments: Arc<[String]>,
    /// Shared, so that a variant with a few parties changed ([`PreparedLog::with_added`]) copies
    /// only those.
    parties: Vec<Arc<PreparedParty>>,
    populations: Vec<u64>,
}

struct PreparedParty {
    input: PartyInput,
    timeline: Timeline,
}

impl PreparedParty {
    fn new(input: PartyInput, instruments: &[String]) -> Arc<Self> {
        let timeline = Timeline::new(&input, instruments);
        Arc::new(PreparedParty { input, timeline })
    }
}

impl PreparedLog {
    pub fn new(instruments: Vec<String>, parties: Vec<PartyInput>) -> Self {
        let populations = parties.iter().map(|p| p.population).collect();
        let parties = parties.into_iter().map(|p| PreparedParty::new(p, &instruments)).collect();
        PreparedLog { instruments: instruments.into(), parties, populations }
    }

    /// The same log with `added` events appended to the parties they name by code (a what-if:
    /// planned meetings that adopt). Unknown codes are ignored.
    pub fn with_added(&self, added: Vec<(String, EventInput)>) -> Self {
        let mut next = self.clone();
        for (code, event) in added {
            if let Some(slot) = next.parties.iter_mut().find(|p| p.input.code == code) {
                let mut input = slot.input.clone();
                input.events.push(event);
                *slot = PreparedParty::new(input, &next.instruments);
            }
        }
        next
    }

    /// The same log with the named parties' whole input replaced (a write added events to them);
    /// every other party's preparation is shared. Unknown codes are ignored.
    pub fn with_parties_replaced(&self, replaced: Vec<PartyInput>) -> Self {
        let mut next = self.clone();
        for input in replaced {
            if let Some(slot) = next.parties.iter_mut().find(|p| p.input.code == input.code) {
                *slot = PreparedParty::new(input, &next.instruments);
            }
        }
        next
    }

    pub fn evaluate(&self, config: &RuleConfig, as_of: NaiveDate) -> Evaluation {
        let standings = self
            .parties
            .iter()
            .map(|p| party_standing(config, &self.instruments, &p.input, &p.timeline, as_of))
            .collect();
        conclude(config, &self.instruments, standings, &self.populations, as_of)
    }

    pub fn adoption_history(&self, config: &RuleConfig, from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, u32)> {
        let Some(mut tally) = Tally::new(from, to) else {
            return Vec::new();
        };
        for p in self.parties.iter().filter(|p| p.input.kind == PartyKind::Municipality) {
            tally.add(config, &p.input, &p.timeline);
        }
        tally.finish()
    }
}

impl std::fmt::Debug for PreparedLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedLog")
            .field("instruments", &self.instruments)
            .field("parties", &self.parties.len())
            .finish_non_exhaustive()
    }
}
