//! What the engine is fed: the rule configuration and each party's event timeline.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Stockholm;
use serde::{Deserialize, Serialize};

use super::{PartyKind, Status};

/// The agreement's thresholds; configuration, not code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleConfig {
    /// Municipalities that must adopt for the majority condition ("flertalet": 25 of 49).
    pub majority_threshold: u32,
    /// Whether the majority condition also needs the region to adopt.
    pub region_required: bool,
    /// Whether an adoption counts only once it has legal force (laga kraft).
    pub legal_force_required: bool,
    /// Days after the notice-board announcement (anslag) during which an appeal can be lodged.
    pub appeal_period_days: u32,
}

impl Default for RuleConfig {
    /// The rules of the 2027 agreement (hos-2027).
    fn default() -> Self {
        RuleConfig {
            majority_threshold: 25,
            region_required: true,
            legal_force_required: false,
            appeal_period_days: 21,
        }
    }
}

/// One event on a party's timeline (append-only).
#[derive(Debug, Clone)]
pub struct EventInput {
    /// Unique id; also the last tie-breaker between events.
    pub id: i64,
    pub status: Status,
    /// Date of the decision, for assembly outcomes and other dated steps.
    pub decided_on: Option<NaiveDate>,
    /// Notice-board (anslag) date of the certified minutes.
    pub posted_on: Option<NaiveDate>,
    pub recorded_at: DateTime<Utc>,
    /// Id of an event of the same party that this one corrects (voids).
    pub corrects: Option<i64>,
    /// Instrument ids the event concerns; `None` = all instruments.
    pub instruments: Option<Vec<String>>,
}

/// One party (a municipality or the region) with its whole timeline.
#[derive(Debug, Clone)]
pub struct PartyInput {
    pub code: String,
    pub kind: PartyKind,
    pub population: u64,
    pub events: Vec<EventInput>,
}

/// The date from which an event stands: `decided_on`, else the Swedish calendar
/// date on which it was recorded (an entry made at 00:30 Swedish time belongs to that day,
/// not to the previous UTC day).
pub fn effective_date(e: &EventInput) -> NaiveDate {
    e.decided_on.unwrap_or_else(|| e.recorded_at.with_timezone(&Stockholm).date_naive())
}
