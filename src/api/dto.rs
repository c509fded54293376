//! The shapes the API answers with. Field names are part of the public contract.

use chrono::NaiveDate;

use crate::clock::rfc3339;
use serde::Serialize;

use super::openapi::{
    AppliesToSchema, ConditionStateSchema, EventStatusSchema, PartyKindSchema, StatusCountsSchema, StatusSchema,
    ThresholdSchema,
};
use crate::events::Event;
use crate::parties::Party;
use crate::ratification::{AppliesTo, ConditionState, Evaluation, PartyStanding, Status, StatusCounts, Threshold};
use crate::snapshot::Snapshot;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgreementDto {
    pub id: String,
    pub title: String,
    pub starts_on: NaiveDate,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StatusDto {
    /// `true` när installationen visar exempeldata från `ratify demo` (påhittade beslut). Fältet
    /// finns bara då: en installation med verkliga beslut har det inte.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    #[schema(required = false)]
    pub demo: bool,
    pub agreement: AgreementDto,
    pub as_of: NaiveDate,
    #[schema(format = DateTime)]
    pub last_change_at: Option<String>,
    pub parties_total: usize,
    pub municipalities_total: u32,
    #[schema(value_type = StatusCountsSchema)]
    pub counts: StatusCounts,
    pub municipalities_adopted: u32,
    #[schema(value_type = StatusSchema)]
    pub region_status: Status,
    pub conditions: ConditionsDto,
    pub outcome: OutcomeDto,
    pub instruments: Vec<InstrumentDto>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConditionsDto {
    pub unanimity: UnanimityDto,
    pub majority: MajorityDto,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnanimityDto {
    #[schema(value_type = ConditionStateSchema)]
    pub state: ConditionState,
    pub adopted: u32,
    pub required: u32,
    pub missing: Vec<String>,
    pub blocking: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MajorityDto {
    #[schema(value_type = ConditionStateSchema)]
    pub state: ConditionState,
    pub municipalities_adopted: u32,
    pub required: u32,
    pub region_adopted: bool,
    pub blocking: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OutcomeDto {
    #[schema(value_type = AppliesToSchema)]
    pub applies_to: AppliesTo,
    pub parties: Vec<String>,
    pub population_share: f64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InstrumentDto {
    pub id: String,
    pub title: String,
    pub adopted: u32,
}

impl StatusDto {
    /// The status of `snapshot`'s agreement; `demo` as the request's scope says
    /// ([`crate::demo::banner::is_demo`]).
    pub fn new(snapshot: &Snapshot, eval: &Evaluation) -> Self {
        let agreement = &snapshot.agreement;
        Self {
            demo: crate::demo::banner::is_demo(),
            agreement: AgreementDto {
                id: agreement.slug.clone(),
                title: agreement.title.clone(),
                starts_on: agreement.starts_on,
            },
            as_of: eval.as_of,
            last_change_at: snapshot.last_change_at().map(rfc3339),
            parties_total: eval.parties.len(),
            municipalities_total: eval.municipalities_total,
            counts: eval.counts,
            municipalities_adopted: eval.municipalities_adopted,
            region_status: eval.region_status,
            conditions: ConditionsDto {
                unanimity: UnanimityDto {
                    state: eval.unanimity.state,
                    adopted: eval.unanimity.adopted,
                    required: eval.unanimity.required,
                    missing: eval.unanimity.missing.clone(),
                    blocking: eval.unanimity.blocking.clone(),
                },
                majority: MajorityDto {
                    state: eval.majority.state,
                    municipalities_adopted: eval.majority.municipalities_adopted,
                    required: eval.majority.required,
                    region_adopted: eval.majority.region_adopted,
                    blocking: eval.majority.blocking.clone(),
                },
            },
            outcome: OutcomeDto {
                applies_to: eval.outcome.applies_to,
                parties: eval.outcome.parties.clone(),
                population_share: eval.outcome.population_share,
            },
            instruments: agreement
                .instruments
                .iter()
                .zip(&eval.instruments)
                .map(|(i, count)| InstrumentDto { id: i.slug.clone(), title: i.title.clone(), adopted: count.adopted })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventDto {
    pub id: i32,
    pub party_code: String,
    /// `withdrawn` for a withdrawal, which voids the event in `corrects`.
    #[schema(value_type = EventStatusSchema)]
    pub status: Status,
    #[schema(example = "Antaget")]
    pub status_label: &'static str,
    pub body: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub planned_on: Option<NaiveDate>,
    pub effective_on: NaiveDate,
    pub reference: Option<String>,
    pub protocol_url: Option<String>,
    pub posted_on: Option<NaiveDate>,
    pub note: Option<String>,
    pub corrects: Option<i32>,
    /// Set when a later event corrected (or withdrew) this one: it then counts nowhere.
    pub corrected_by: Option<i32>,
    pub instruments: Vec<String>,
    #[schema(format = DateTime)]
    pub recorded_at: String,
    /// Only in the answer to the writer: who recorded it (the public API leaves names out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
}

impl EventDto {
    pub fn new(e: &Event, corrected_by: Option<i32>, all_instruments: &[String]) -> Self {
        Self {
            id: e.id,
            party_code: e.party_code.clone(),
            status: e.status,
            status_label: e.status.label_sv(),
            body: e.body.clone(),
            decided_on: e.decided_on,
            planned_on: e.planned_on,
            effective_on: e.effective_on(),
            reference: e.reference.clone(),
            protocol_url: e.protocol_url.clone(),
            posted_on: e.posted_on,
            note: e.note.clone(),
            corrects: e.corrects,
            corrected_by,
            instruments: e.instruments.clone().unwrap_or_else(|| all_instruments.to_vec()),
            recorded_at: rfc3339(e.recorded_at),
            recorded_by: None,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InstrumentStatusDto {
    pub id: String,
    #[schema(value_type = StatusSchema)]
    pub status: Status,
    pub counts_as_adopted: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PartyDto {
    pub code: String,
    pub name: String,
    #[schema(value_type = PartyKindSchema)]
    pub kind: &'static str,
    pub subregion: Option<String>,
    pub population: u32,
    pub population_year: i32,
    #[schema(value_type = StatusSchema)]
    pub status: Status,
    #[schema(example = "Antaget")]
    pub status_label: &'static str,
    pub counts_as_adopted: bool,
    pub legal_force_on: Option<NaiveDate>,
    pub instruments: Vec<InstrumentStatusDto>,
    pub latest_decision: Option<EventDto>,
    /// The meeting date of the party's latest `scheduled` event, if it is still ahead.
    pub next_planned_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<EventDto>>,
}

impl PartyDto {
    pub fn new(snapshot: &Snapshot, party: &Party, standing: &PartyStanding, as_of: NaiveDate) -> Self {
        let slugs = snapshot.agreement.instrument_slugs();
        let event_dto = |e: &Event| EventDto::new(e, snapshot.corrected_by(e.id), &slugs);
        Self {
            code: party.code.clone(),
            name: party.name.clone(),
            kind: party.kind.code(),
            subregion: party.subregion.clone(),
            population: party.population,
            population_year: party.population_year,
            status: standing.status,
            status_label: standing.status.label_sv(),
            counts_as_adopted: standing.counts_as_adopted,
            legal_force_on: standing.legal_force_on,
            instruments: standing
                .instruments
                .iter()
                .map(|i| InstrumentStatusDto {
                    id: i.id.clone(),
                    status: i.status,
                    counts_as_adopted: i.counts_as_adopted,
                })
                .collect(),
            latest_decision: snapshot.latest_decision(&party.code, as_of).map(event_dto),
            next_planned_on: snapshot.next_planned_on(&party.code, as_of),
            events: None,
        }
    }
}

/// One agreement as `/api/v1/agreements` lists it: what it is, its rules, its parties and where
/// its resources are.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgreementInfoDto {
    #[schema(example = "hos-2027")]
    pub slug: String,
    pub title: String,
    pub short_title: String,
    pub starts_on: NaiveDate,
    pub decision_period_ends_on: NaiveDate,
    /// Whether today's addresses without `/agreements/{slug}` (`/api/v1/status`, …) show it.
    pub featured: bool,
    pub rules: RulesDto,
    pub instruments: Vec<InstrumentInfoDto>,
    /// The codes of its parties, in code order.
    pub parties: Vec<String>,
    pub links: AgreementLinksDto,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RulesDto {
    /// As the agreement states it: a number of municipalities, or `more_than_half`.
    #[schema(value_type = ThresholdSchema)]
    pub majority_threshold: Threshold,
    /// The municipalities the majority condition needs, worked out for this agreement.
    pub majority_required: u32,
    pub region_required: bool,
    pub legal_force_required: bool,
    pub appeal_period_days: u32,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InstrumentInfoDto {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgreementLinksDto {
    #[serde(rename = "self")]
    #[schema(example = "/api/v1/agreements/hos-2027")]
    pub this: String,
    pub status: String,
    pub parties: String,
    pub events: String,
}

impl AgreementInfoDto {
    pub fn new(snapshot: &Snapshot, featured: bool) -> Self {
        let agreement = &snapshot.agreement;
        let eval = snapshot.evaluate(crate::clock::today());
        let base = format!("/api/v1/agreements/{}", agreement.slug);
        let mut parties: Vec<String> = snapshot.parties.iter().map(|p| p.code.clone()).collect();
        parties.sort();
        Self {
            slug: agreement.slug.clone(),
            title: agreement.title.clone(),
            short_title: agreement.short_title.clone(),
            starts_on: agreement.starts_on,
            decision_period_ends_on: agreement.decision_period_ends_on,
            featured,
            rules: RulesDto {
                majority_threshold: agreement.rules.majority_threshold,
                majority_required: eval.majority.required,
                region_required: agreement.rules.region_required,
                legal_force_required: agreement.rules.legal_force_required,
                appeal_period_days: agreement.rules.appeal_period_days,
            },
            instruments: agreement
                .instruments
                .iter()
                .map(|i| InstrumentInfoDto { id: i.slug.clone(), title: i.title.clone() })
                .collect(),
            parties,
            links: AgreementLinksDto {
                status: format!("{base}/status"),
                parties: format!("{base}/parties"),
                events: format!("{base}/events"),
                this: base,
            },
        }
    }
}
