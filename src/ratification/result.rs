//! What the engine answers: the standing of each party and the state of both conditions.

use chrono::NaiveDate;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::{PartyKind, Status};

/// The whole picture at one date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub as_of: NaiveDate,
    /// Same order as the input parties.
    pub parties: Vec<PartyStanding>,
    /// Parties per overall status, region included; sums to `parties.len()`.
    pub counts: StatusCounts,
    pub municipalities_total: u32,
    /// Municipalities that count as adopted.
    pub municipalities_adopted: u32,
    /// Overall status of the (first) region party; `NotStarted` if there is none.
    pub region_status: Status,
    pub region_adopted: bool,
    pub unanimity: UnanimityResult,
    pub majority: MajorityResult,
    pub outcome: Outcome,
    /// In the order of the configured instruments.
    pub instruments: Vec<InstrumentCount>,
}

/// Number of parties per status. Serialized as a map from every status code
/// (all nine, zeros included) to its count, so consumers need not guess missing keys.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusCounts([u32; 9]);

impl StatusCounts {
    /// 0 for `Withdrawn`, which no party stands in.
    pub fn get(&self, status: Status) -> u32 {
        self.0.get(status.index()).copied().unwrap_or(0)
    }

    /// Every status with its count, in [`Status::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Status, u32)> + '_ {
        Status::ALL.into_iter().map(move |s| (s, self.get(s)))
    }

    pub fn total(&self) -> u32 {
        self.0.iter().sum()
    }

    pub(crate) fn add(&mut self, status: Status) {
        if let Some(n) = self.0.get_mut(status.index()) {
            *n += 1;
        }
    }
}

impl Serialize for StatusCounts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(Status::ALL.len()))?;
        for (status, n) in self.iter() {
            map.serialize_entry(status.code(), &n)?;
        }
        map.end()
    }
}

/// One party at the evaluation date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartyStanding {
    pub code: String,
    pub kind: PartyKind,
    /// Overall status, combined from the instruments.
    pub status: Status,
    /// True iff every instrument counts as adopted.
    pub counts_as_adopted: bool,
    /// In the order of the configured instruments.
    pub instruments: Vec<InstrumentStanding>,
    /// Id of the event giving the status (the latest such among the instruments), effective on
    /// or before the evaluation date.
    pub standing_event: Option<i64>,
    /// When an overall adoption gains legal force (anslag + appeal period), if known.
    pub legal_force_on: Option<NaiveDate>,
}

/// One instrument (the main agreement or an överenskommelse) of one party.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstrumentStanding {
    pub id: String,
    pub status: Status,
    /// Id of the standing event for this instrument.
    pub event: Option<i64>,
    pub counts_as_adopted: bool,
}

/// State of a condition at the evaluation date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionState {
    /// Holds on the decisions recorded.
    Satisfied,
    /// Does not hold yet but still can.
    Open,
    /// Cannot hold on the decisions recorded.
    Blocked,
}

/// "En för alla, alla för en": every party must adopt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnanimityResult {
    pub state: ConditionState,
    pub adopted: u32,
    pub required: u32,
    /// Codes of parties not counting as adopted, ascending.
    pub missing: Vec<String>,
    /// Codes of parties whose rejection blocks the condition, ascending.
    pub blocking: Vec<String>,
}

/// Majority participation: at least `required` municipalities, plus the region if required.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MajorityResult {
    pub state: ConditionState,
    pub municipalities_adopted: u32,
    pub required: u32,
    pub region_adopted: bool,
    /// Codes of parties whose rejection blocks the condition, ascending.
    pub blocking: Vec<String>,
}

/// Whom the agreement applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AppliesTo {
    AllParties,
    AdoptingParties,
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub applies_to: AppliesTo,
    /// Codes of the parties it applies to, ascending.
    pub parties: Vec<String>,
    /// Share of the county's municipal population covered, 0.0..=1.0.
    pub population_share: f64,
}

/// How many parties (region included) have adopted one instrument.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstrumentCount {
    pub id: String,
    pub adopted: u32,
}
