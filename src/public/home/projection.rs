//! "If every planned decision adopts": the log plus one hypothetical adoption per party whose
//! latest scheduled meeting lies ahead, evaluated by the rules engine at each meeting date.
//! Nothing here decides what counts; the engine does.

use chrono::{NaiveDate, TimeDelta};

use crate::ratification::{ConditionState, Evaluation, EventInput, PreparedLog, Status};
use crate::snapshot::Snapshot;

#[derive(Debug, Clone)]
pub struct Planned {
    pub on: NaiveDate,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Projection {
    /// Meetings ahead of parties not yet counting as adopted, by date then name.
    pub planned: Vec<Planned>,
    /// Municipalities counting as adopted after each planned meeting date, if all adopt.
    pub steps: Vec<(NaiveDate, u32)>,
    /// Whether the majority condition already holds at the evaluation date.
    pub majority_already: bool,
    /// The first meeting date after which the majority condition would hold.
    pub majority_on: Option<NaiveDate>,
    /// Municipalities adopted after the last planned meeting, if all adopt.
    pub final_municipalities: u32,
    /// Whether the region would have adopted after the last planned meeting.
    pub final_region_adopted: bool,
}

pub fn project(snapshot: &Snapshot, eval: &Evaluation) -> Projection {
    let as_of = eval.as_of;
    let mut planned: Vec<Planned> = snapshot
        .parties
        .iter()
        .zip(&eval.parties)
        .filter(|(_, standing)| !standing.counts_as_adopted)
        .filter_map(|(party, _)| {
            snapshot.next_planned_on(&party.code, as_of).map(|on| Planned {
                on,
                code: party.code.clone(),
                name: party.name.clone(),
            })
        })
        .collect();
    planned.sort_by(|a, b| (a.on, &a.name).cmp(&(b.on, &b.name)));

    let mut dates: Vec<NaiveDate> = planned.iter().map(|p| p.on).collect();
    dates.dedup();
    let mut steps = Vec::with_capacity(dates.len());
    let mut majority_on = None;
    let mut final_municipalities = eval.municipalities_adopted;
    // A region the rules do not require is never what is missing.
    let region_needed = snapshot.agreement.rules.region_required;
    let mut final_region_adopted = eval.region_adopted || !region_needed;
    // Built only if some meeting lies ahead: most pages of a settled agreement have none.
    if !dates.is_empty() {
        let hypothetical = with_adoptions(snapshot, &planned);
        for date in dates {
            let e = hypothetical.evaluate(&snapshot.agreement.rules, date);
            steps.push((date, e.municipalities_adopted));
            if majority_on.is_none() && e.majority.state == ConditionState::Satisfied {
                majority_on = Some(date);
            }
            final_municipalities = e.municipalities_adopted;
            final_region_adopted = e.region_adopted || !region_needed;
        }
    }
    Projection {
        planned,
        steps,
        majority_already: eval.majority.state == ConditionState::Satisfied,
        majority_on,
        final_municipalities,
        final_region_adopted,
    }
}

/// The log with an adoption on each planned meeting date, recorded after everything real so
/// that it stands on that date. Only the parties with a planned meeting are re-prepared.
fn with_adoptions(snapshot: &Snapshot, planned: &[Planned]) -> PreparedLog {
    let next_id = snapshot.max_event_id().map_or(0, i64::from);
    let recorded_at = snapshot.last_change_at().unwrap_or_else(crate::clock::now) + TimeDelta::seconds(1);
    let added = planned
        .iter()
        .zip(1i64..)
        .map(|(p, i)| {
            let event = EventInput {
                id: next_id.saturating_add(i),
                status: Status::Adopted,
                decided_on: Some(p.on),
                posted_on: None,
                recorded_at,
                corrects: None,
                instruments: None,
            };
            (p.code.clone(), event)
        })
        .collect();
    snapshot.prepared().with_added(added)
}
