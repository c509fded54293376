//! The state of both conditions and the outcome as a report keeps it: the same numbers as
//! `/api/v1/status` at the report's date, in the report's own types. A frozen report's JSON must
//! not change when the API's answer does, so nothing here is the API's DTO; the field names are
//! those of the first schema, which reports already sent carry.

use std::fmt;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ratification::{AppliesTo, ConditionState, Evaluation, Status, StatusCounts};
use crate::snapshot::Snapshot;

/// An instant as the report writes it (UTC, microseconds), whatever the API does.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportStatus {
    pub agreement: ReportAgreement,
    pub as_of: NaiveDate,
    pub last_change_at: Option<String>,
    pub parties_total: usize,
    pub municipalities_total: u32,
    pub counts: Counts,
    pub municipalities_adopted: u32,
    pub region_status: Status,
    pub conditions: Conditions,
    pub outcome: Outcome,
    pub instruments: Vec<Instrument>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportAgreement {
    pub id: String,
    pub title: String,
    pub starts_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conditions {
    pub unanimity: Unanimity,
    pub majority: Majority,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unanimity {
    #[serde(with = "ConditionStateDef")]
    pub state: ConditionState,
    pub adopted: u32,
    pub required: u32,
    pub missing: Vec<String>,
    pub blocking: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Majority {
    #[serde(with = "ConditionStateDef")]
    pub state: ConditionState,
    pub municipalities_adopted: u32,
    pub required: u32,
    pub region_adopted: bool,
    pub blocking: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    #[serde(with = "AppliesToDef")]
    pub applies_to: AppliesTo,
    pub parties: Vec<String>,
    pub population_share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instrument {
    pub id: String,
    pub title: String,
    pub adopted: u32,
}

// The engine's enums in the report's words, spelled out here so that a stored report reads back
// even if the engine's own serialization changes.
#[derive(Serialize, Deserialize)]
#[serde(remote = "ConditionState", rename_all = "snake_case")]
enum ConditionStateDef {
    Satisfied,
    Open,
    Blocked,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "AppliesTo", rename_all = "snake_case")]
enum AppliesToDef {
    AllParties,
    AdoptingParties,
    None,
}

/// Parties per status, every status of a party with its count (zeros included), in the order
/// the report was made with; a JSON object from status code to count.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Counts(Vec<(Status, u32)>);

impl Counts {
    pub fn iter(&self) -> impl Iterator<Item = (Status, u32)> + '_ {
        self.0.iter().copied()
    }
}

impl From<&StatusCounts> for Counts {
    fn from(c: &StatusCounts) -> Self {
        Counts(c.iter().collect())
    }
}

impl Serialize for Counts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (status, n) in &self.0 {
            map.serialize_entry(status.code(), n)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Counts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CountsVisitor;
        impl<'de> Visitor<'de> for CountsVisitor {
            type Value = Counts;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object from status code to count")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Counts, A::Error> {
                let mut counts = Vec::new();
                while let Some((code, n)) = map.next_entry::<String, u32>()? {
                    let status = Status::parse(&code)
                        .ok_or_else(|| serde::de::Error::custom(format!("unknown status {code:?}")))?;
                    counts.push((status, n));
                }
                Ok(Counts(counts))
            }
        }
        deserializer.deserialize_map(CountsVisitor)
    }
}

impl ReportStatus {
    pub fn new(snapshot: &Snapshot, eval: &Evaluation) -> Self {
        let agreement = &snapshot.agreement;
        Self {
            agreement: ReportAgreement {
                id: agreement.slug.clone(),
                title: agreement.title.clone(),
                starts_on: agreement.starts_on,
            },
            as_of: eval.as_of,
            last_change_at: snapshot.last_change_at().map(rfc3339),
            parties_total: eval.parties.len(),
            municipalities_total: eval.municipalities_total,
            counts: Counts::from(&eval.counts),
            municipalities_adopted: eval.municipalities_adopted,
            region_status: eval.region_status,
            conditions: Conditions {
                unanimity: Unanimity {
                    state: eval.unanimity.state,
                    adopted: eval.unanimity.adopted,
                    required: eval.unanimity.required,
                    missing: eval.unanimity.missing.clone(),
                    blocking: eval.unanimity.blocking.clone(),
                },
                majority: Majority {
                    state: eval.majority.state,
                    municipalities_adopted: eval.majority.municipalities_adopted,
                    required: eval.majority.required,
                    region_adopted: eval.majority.region_adopted,
                    blocking: eval.majority.blocking.clone(),
                },
            },
            outcome: Outcome {
                applies_to: eval.outcome.applies_to,
                parties: eval.outcome.parties.clone(),
                population_share: eval.outcome.population_share,
            },
            instruments: agreement
                .instruments
                .iter()
                .zip(&eval.instruments)
                .map(|(i, count)| Instrument { id: i.slug.clone(), title: i.title.clone(), adopted: count.adopted })
                .collect(),
        }
    }
}
