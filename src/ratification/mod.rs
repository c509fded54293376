//! The rules engine: who has ratified the health-care agreement, and does it apply?
//!
//! Pure functions over plain data: no database, HTTP or clock. The caller passes the
//! configured rules, the agreement's instruments, every party with its full event timeline,
//! and the date to evaluate at.
//!
//! # Terms
//! The agreement (Hälso- och sjukvårdsavtalet) is made of *instruments*: the main agreement
//! and four *överenskommelser* (sub-agreements). The 50 *parties* are 49 municipalities
//! (kommuner) and the region (VGR, Västra Götalandsregionen). A party decides in its assembly,
//! *KF* (kommunfullmäktige) or *RF* (regionfullmäktige): it adopts, rejects, refers the matter
//! back to preparation (*återremiss*) or tables it (*bordläggning*). The certified minutes are
//! announced on the notice board (*anslag*); anyone may appeal within the appeal period (three
//! weeks), and without an appeal the decision has legal force (*laga kraft*).
//!
//! # Rules
//! 1. **Corrections.** An event named by another event's `corrects` is void: it counts nowhere,
//!    at any date, even if the correcting event is itself later corrected. The correcting
//!    event counts as an ordinary event, except a *withdrawal* (status `Withdrawn`), which
//!    replaces what it voids with nothing and itself counts nowhere.
//! 2. **Standing per instrument.** An event concerns the instruments it lists (all if `None`).
//!    Events are *decisions* (`Adopted`, `Rejected`, `ReferredBack`, `Tabled`, `Appealed`) or
//!    *steps* toward one (`InPreparation`, `Proposed`, `Scheduled`). "Latest" is by (effective
//!    date (decision date, else Swedish recording date), recorded_at, id) among the non-void
//!    events concerning the instrument effective on or before the date. The *standing
//!    decision* is the latest decision. The instrument's status is the standing decision when
//!    that is final (`Adopted`, `Rejected`, `Appealed`): a step never displaces it. Otherwise
//!    it is the latest event, leaving out every step recorded (by recorded_at, id) before the
//!    standing decision was: minutes come a week or two after the meeting, so an entry made
//!    before the decision was known is overtaken by it. `NotStarted` if nothing stands.
//! 3. **Counting as adopted, per instrument**, from the standing decision alone (a step never
//!    changes what counts). `Adopted` counts; if legal force is required,
//!    only from anslag + appeal period on (never without an anslag date). Without that
//!    requirement an `Appealed` standing also counts when it is an appeal against an
//!    adoption (directly, or after earlier appeals against it), since an appeal
//!    (*laglighetsprövning*, judicial review of legality) does not suspend the decision
//!    (kommunallagen 13 kap.). With the requirement an appealed adoption never counts.
//! 4. **A party counts as adopted** only if every instrument does. With no instruments
//!    configured, the agreement is one implicit instrument that every event concerns.
//! 5. **Overall party status**: the common status if all instruments agree; else `Rejected` if
//!    any is rejected; else `Appealed` if any is appealed; else the status of the latest event
//!    among the instruments not adopted (what the party is still doing about them).
//! 6. **Unanimity** ("en för alla, alla för en", one for all, all for one): satisfied when
//!    every party (at least one) counts as adopted; blocked by any party standing `Rejected`;
//!    open otherwise.
//! 7. **Majority** ("flertalet", the greater number): satisfied when the threshold's number of
//!    municipalities (a count, or more than half of the agreement's municipalities) count as
//!    adopted and, if required, the region does;
//!    blocked when the region (if required) stands `Rejected` or too few municipalities remain
//!    that have not rejected; open otherwise. `blocking` names the parties behind each reason;
//!    it is empty only if the configuration itself is unreachable (fewer municipalities than
//!    the threshold).
//! 8. **Outcome**: unanimity gives all parties; else the majority gives the adopting
//!    municipalities and the region (if adopted), with their share of the municipal population;
//!    else nobody yet.
//!
//! Reversals (a rejection after an adoption, an adoption after an återremiss) need no special
//! case: the latest decision stands, and only a later decision or a correction displaces it. [`adoption_history`] gives, per day, the number of
//! municipalities `evaluate` would count as adopted on that day. [`PreparedLog`] gives both for
//! one log at many dates without redoing the date-independent work.

mod conditions;
mod engine;
mod history;
mod input;
mod prepared;
mod result;
mod status;
mod timeline;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;

pub use engine::evaluate;
pub use history::adoption_history;
pub use input::{effective_date, effective_date_of, EventInput, MoreThanHalf, PartyInput, RuleConfig, Threshold};
pub use prepared::PreparedLog;
pub use result::{
    AppliesTo, ConditionState, Evaluation, InstrumentCount, InstrumentStanding, MajorityResult, Outcome, PartyStanding,
    StatusCounts, UnanimityResult,
};
pub use status::{PartyKind, Status};
