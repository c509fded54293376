//! Builders shared by the unit and property tests.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, NaiveDate, Utc};

use super::{evaluate, Evaluation, EventInput, PartyInput, PartyKind, RuleConfig, Status};

/// Ids unique across the whole test run, increasing in the order events are built.
static NEXT_ID: AtomicI64 = AtomicI64::new(1_000_000);

pub const REGION: &str = "14";

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

pub fn instant(s: &str) -> DateTime<Utc> {
    s.parse().expect("test instant")
}

/// The main agreement and its four överenskommelser.
pub fn instruments() -> Vec<String> {
    ["hos", "ok-1", "ok-2", "ok-3", "ok-4"].map(String::from).to_vec()
}

/// An event concerning all instruments, recorded 2026-01-01, with no decision date.
pub fn ev(status: Status) -> EventInput {
    EventInput {
        id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        status,
        decided_on: None,
        posted_on: None,
        recorded_at: instant("2026-01-01T12:00:00Z"),
        corrects: None,
        instruments: None,
    }
}

pub trait EventExt {
    fn decided(self, d: &str) -> Self;
    fn posted(self, d: &str) -> Self;
    fn recorded(self, at: &str) -> Self;
    fn id(self, id: i64) -> Self;
    fn corrects(self, target: &EventInput) -> Self;
    fn only(self, instruments: &[&str]) -> Self;
}

impl EventExt for EventInput {
    fn decided(self, d: &str) -> Self {
        EventInput { decided_on: Some(date(d)), ..self }
    }
    fn posted(self, d: &str) -> Self {
        EventInput { posted_on: Some(date(d)), ..self }
    }
    fn recorded(self, at: &str) -> Self {
        EventInput { recorded_at: instant(at), ..self }
    }
    fn id(self, id: i64) -> Self {
        EventInput { id, ..self }
    }
    fn corrects(self, target: &EventInput) -> Self {
        EventInput { corrects: Some(target.id), ..self }
    }
    fn only(self, instruments: &[&str]) -> Self {
        EventInput { instruments: Some(instruments.iter().map(|s| s.to_string()).collect()), ..self }
    }
}

/// The common case: KF/RF adopts everything on 2026-03-24.
pub fn adopted() -> EventInput {
    ev(Status::Adopted).decided("2026-03-24")
}

pub fn rejected() -> EventInput {
    ev(Status::Rejected).decided("2026-03-24")
}

pub fn municipality(code: &str, events: Vec<EventInput>) -> PartyInput {
    PartyInput { code: code.to_string(), kind: PartyKind::Municipality, population: 10_000, events }
}

pub fn region(events: Vec<EventInput>) -> PartyInput {
    PartyInput { code: REGION.to_string(), kind: PartyKind::Region, population: 1_800_000, events }
}

/// Code of the i-th (0-based) test municipality: "1401", "1402", ...
pub fn code(i: usize) -> String {
    (1401 + i).to_string()
}

/// `n` municipalities with no events.
pub fn municipalities(n: usize) -> Vec<PartyInput> {
    (0..n).map(|i| municipality(&code(i), Vec::new())).collect()
}

/// The region plus 49 municipalities of which the first `adopting` adopted and the rest
/// have not started; the region gets `region_events`.
pub fn county(adopting: usize, region_events: Vec<EventInput>) -> Vec<PartyInput> {
    let mut parties = vec![region(region_events)];
    parties.extend(municipalities(49).into_iter().enumerate().map(|(i, m)| {
        if i < adopting {
            with(m, vec![adopted()])
        } else {
            m
        }
    }));
    parties
}

pub fn with(party: PartyInput, events: Vec<EventInput>) -> PartyInput {
    PartyInput { events, ..party }
}

/// Sets the events of the party with `code`.
pub fn set_events(parties: &mut [PartyInput], code: &str, events: Vec<EventInput>) {
    let party = parties.iter_mut().find(|p| p.code == code).expect("party in test county");
    party.events = events;
}

pub fn eval_with(config: &RuleConfig, parties: &[PartyInput], as_of: &str) -> Evaluation {
    evaluate(config, &instruments(), parties, date(as_of))
}

/// Default (hos-2027) rules, evaluated well after the decision period.
pub fn eval(parties: &[PartyInput]) -> Evaluation {
    eval_with(&RuleConfig::default(), parties, "2026-12-31")
}

pub fn eval_at(parties: &[PartyInput], as_of: &str) -> Evaluation {
    eval_with(&RuleConfig::default(), parties, as_of)
}

pub fn legal_force() -> RuleConfig {
    RuleConfig { legal_force_required: true, ..RuleConfig::default() }
}

pub fn codes(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}
