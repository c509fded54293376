//! Property tests over random counties: the region and 49 municipalities with random
//! timelines (re-decisions, corrections, instrument subsets, appeals) and a random date.

use chrono::{Days, NaiveDate, TimeDelta};
use proptest::prelude::*;
use proptest::sample::Index;

use super::test_support::{code, instant, instruments, REGION};
use super::*;

fn base() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).expect("valid date")
}

/// An event before ids and correction targets are known.
#[derive(Debug, Clone)]
struct RawEvent {
    status: Status,
    decided: Option<u64>,
    posted_after: Option<u64>,
    recorded_minutes: i64,
    corrects: Option<Index>,
    instruments: Option<Vec<bool>>,
    unknown_instrument: bool,
}

/// Adoptions are common so that both conditions are often satisfied; rejections are
/// weighted up in some counties so that both are often blocked too.
fn status(reject_weight: u32) -> impl Strategy<Value = Status> {
    prop_oneof![
        4 => Just(Status::Adopted),
        reject_weight => Just(Status::Rejected),
        1 => proptest::sample::select(Status::ALL.to_vec()),
    ]
}

fn raw_event(reject_weight: u32) -> impl Strategy<Value = RawEvent> {
    (
        status(reject_weight),
        proptest::option::weighted(0.7, 0..120u64),
        proptest::option::weighted(0.7, 0..10u64),
        0..(130 * 24 * 60i64),
        proptest::option::weighted(0.15, any::<Index>()),
        proptest::option::weighted(0.25, proptest::collection::vec(any::<bool>(), 5)),
        proptest::bool::weighted(0.1),
    )
        .prop_map(|(status, decided, posted_after, recorded_minutes, corrects, instruments, unknown)| RawEvent {
            status,
            decided,
            posted_after,
            recorded_minutes,
            corrects,
            instruments,
            unknown_instrument: unknown,
        })
}

/// Gives the events ids 1..=n (the same ids in every party: corrections must stay within
/// their party) and resolves correction targets, which may even be the event itself.
fn build_events(raw: Vec<RawEvent>) -> Vec<EventInput> {
    let ids = raw.len();
    let all = instruments();
    raw.into_iter()
        .enumerate()
        .map(|(i, r)| {
            let decided_on = r.decided.map(|d| base() + Days::new(d));
            let recorded_at = instant("2026-01-01T00:00:00Z") + TimeDelta::minutes(r.recorded_minutes);
            let anchor = decided_on.unwrap_or_else(|| recorded_at.date_naive());
            EventInput {
                id: i as i64 + 1,
                status: r.status,
                decided_on,
                posted_on: r.posted_after.map(|p| anchor + Days::new(p)),
                recorded_at,
                corrects: r.corrects.map(|t| t.index(ids) as i64 + 1),
                instruments: r.instruments.map(|mask| {
                    let mut list: Vec<String> =
                        all.iter().zip(mask).filter(|(_, keep)| *keep).map(|(id, _)| id.clone()).collect();
                    if r.unknown_instrument {
                        list.push("hos-2019".to_string());
                    }
                    list
                }),
            }
        })
        .collect()
}

/// Either a clean adoption (often with an anslag date) or a random timeline.
fn timeline(clean_weight: u32, reject_weight: u32) -> impl Strategy<Value = Vec<EventInput>> {
    let clean = (0..30u64, proptest::option::weighted(0.8, 0..5u64)).prop_map(|(d, p)| vec![raw_to_adoption(d, p)]);
    let random = proptest::collection::vec(raw_event(reject_weight), 0..7).prop_map(build_events);
    prop_oneof![clean_weight => clean, 10 => random]
}

fn raw_to_adoption(decided: u64, posted_after: Option<u64>) -> EventInput {
    let decided_on = base() + Days::new(decided);
    EventInput {
        id: 1,
        status: Status::Adopted,
        decided_on: Some(decided_on),
        posted_on: posted_after.map(|p| decided_on + Days::new(p)),
        recorded_at: instant("2026-01-01T00:00:00Z") + TimeDelta::days(decided as i64 + 1),
        corrects: None,
        instruments: None,
    }
}

fn county_with(clean_weight: u32, reject_weight: u32) -> impl Strategy<Value = Vec<PartyInput>> {
    let timelines = proptest::collection::vec(timeline(clean_weight, reject_weight), 50);
    let populations = proptest::collection::vec(1_000..1_000_000u64, 50);
    (timelines, populations).prop_map(|(timelines, populations)| {
        timelines
            .into_iter()
            .zip(populations)
            .enumerate()
            .map(|(i, (events, population))| {
                let (code, kind) = match i {
                    0 => (REGION.to_string(), PartyKind::Region),
                    _ => (code(i - 1), PartyKind::Municipality),
                };
                PartyInput { code, kind, population, events }
            })
            .collect()
    })
}

fn county() -> impl Strategy<Value = Vec<PartyInput>> {
    // Mostly-adopting counties reach unanimity now and then; random ones cover the rest.
    prop_oneof![county_with(490, 0), county_with(30, 0), county_with(0, 0), county_with(0, 5),]
}

fn config() -> impl Strategy<Value = RuleConfig> {
    (any::<bool>(), any::<bool>(), 0..30u32).prop_map(|(region_required, legal, days)| RuleConfig {
        majority_threshold: crate::ratification::Threshold::Count(25),
        region_required,
        legal_force_required: legal,
        appeal_period_days: days,
    })
}

fn as_of() -> impl Strategy<Value = NaiveDate> {
    (0..150u64).prop_map(|d| base() + Days::new(d))
}

fn is_blocked(state: ConditionState) -> bool {
    state == ConditionState::Blocked
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn counts_sum_to_the_parties(config in config(), parties in county(), as_of in as_of()) {
        let e = evaluate(&config, &instruments(), &parties, as_of);
        prop_assert_eq!(e.counts.total() as usize, parties.len());
        for s in Status::ALL {
            let n = e.parties.iter().filter(|p| p.status == s).count();
            prop_assert_eq!(e.counts.get(s) as usize, n);
        }
        prop_assert_eq!(e.parties.len(), parties.len());
        for (standing, input) in e.parties.iter().zip(&parties) {
            prop_assert_eq!(&standing.code, &input.code);
        }
    }

    #[test]
    fn unanimity_implies_majority(config in config(), parties in county(), as_of in as_of()) {
        let e = evaluate(&config, &instruments(), &parties, as_of);
        if e.unanimity.state == ConditionState::Satisfied {
            prop_assert_eq!(e.majority.state, ConditionState::Satisfied);
            prop_assert_eq!(e.outcome.applies_to, AppliesTo::AllParties);
        }
    }

    #[test]
    fn blocking_listed_iff_blocked(config in config(), parties in county(), as_of in as_of()) {
        let e = evaluate(&config, &instruments(), &parties, as_of);
        prop_assert_eq!(!e.unanimity.blocking.is_empty(), is_blocked(e.unanimity.state));
        prop_assert_eq!(!e.majority.blocking.is_empty(), is_blocked(e.majority.state));
        let lists = [
            &e.unanimity.missing,
            &e.unanimity.blocking,
            &e.majority.blocking,
            &e.outcome.parties,
        ];
        for list in lists {
            prop_assert!(list.windows(2).all(|w| w[0] < w[1]), "not sorted: {:?}", list);
        }
    }

    #[test]
    fn outcome_lists_exactly_the_adopting_parties(
        config in config(), parties in county(), as_of in as_of()
    ) {
        let e = evaluate(&config, &instruments(), &parties, as_of);
        let mut expected: Vec<String> = match e.outcome.applies_to {
            AppliesTo::AllParties => e.parties.iter().map(|p| p.code.clone()).collect(),
            AppliesTo::AdoptingParties => e
                .parties
                .iter()
                .filter(|p| p.counts_as_adopted)
                .map(|p| p.code.clone())
                .collect(),
            AppliesTo::None => Vec::new(),
        };
        expected.sort();
        prop_assert_eq!(&e.outcome.parties, &expected);
        if e.outcome.applies_to == AppliesTo::AllParties {
            prop_assert!(e.parties.iter().all(|p| p.counts_as_adopted));
        }
        prop_assert!((0.0..=1.0).contains(&e.outcome.population_share));
    }

    #[test]
    fn a_later_event_does_not_change_the_past(
        config in config(),
        parties in county(),
        as_of in as_of(),
        who in any::<Index>(),
        extra in raw_event(1),
        days_later in 1..60u64,
    ) {
        let before = evaluate(&config, &instruments(), &parties, as_of);
        let mut changed = parties.clone();
        let party = &mut changed[who.index(50)];
        let mut event = build_events(vec![extra]).remove(0);
        event.id = 1_000;
        event.corrects = None;
        event.decided_on = Some(as_of + Days::new(days_later));
        party.events.push(event);
        let after = evaluate(&config, &instruments(), &changed, as_of);
        prop_assert_eq!(before, after);
    }

    #[test]
    fn a_later_recorded_event_does_not_change_the_past(
        config in config(),
        parties in county(),
        as_of in as_of(),
        who in any::<Index>(),
        extra in raw_event(1),
    ) {
        let before = evaluate(&config, &instruments(), &parties, as_of);
        let mut changed = parties.clone();
        let mut event = build_events(vec![extra]).remove(0);
        event.id = 1_000;
        event.corrects = None;
        event.decided_on = None;
        // 00:00 Swedish time the day after as_of, in summer or winter alike.
        let next_day = as_of + Days::new(1);
        event.recorded_at = instant(&format!("{next_day}T00:00:00Z"));
        prop_assume!(effective_date(&event) > as_of);
        changed[who.index(50)].events.push(event);
        let after = evaluate(&config, &instruments(), &changed, as_of);
        prop_assert_eq!(before, after);
    }

    #[test]
    fn withdrawing_an_event_is_the_same_as_never_having_recorded_it(
        config in config(),
        parties in county(),
        as_of in as_of(),
        who in any::<Index>(),
        pick in any::<Index>(),
        extra in raw_event(1),
    ) {
        let who = who.index(50);
        let events = &parties[who].events;
        // What the store lets an editor withdraw: an entry in force that corrects nothing (one
        // that does would leave its own target void, which a log without it does not).
        let named: Vec<i64> = events.iter().filter_map(|e| e.corrects).collect();
        let candidates: Vec<i64> =
            events.iter().filter(|e| e.corrects.is_none() && !named.contains(&e.id)).map(|e| e.id).collect();
        prop_assume!(!candidates.is_empty());
        let target = candidates[pick.index(candidates.len())];
        let mut withdrawn = parties.clone();
        // Its own dates are whatever the editor's clock gave: they must not matter.
        let mut withdrawal = build_events(vec![extra]).remove(0);
        withdrawal.id = 1_000;
        withdrawal.status = Status::Withdrawn;
        withdrawal.corrects = Some(target);
        withdrawn[who].events.push(withdrawal);
        let mut without = parties.clone();
        without[who].events.retain(|e| e.id != target);
        prop_assert_eq!(
            evaluate(&config, &instruments(), &withdrawn, as_of),
            evaluate(&config, &instruments(), &without, as_of)
        );
        let (from, to) = (base(), base() + Days::new(150));
        prop_assert_eq!(
            adoption_history(&config, &instruments(), &withdrawn, from, to),
            adoption_history(&config, &instruments(), &without, from, to)
        );
    }

    #[test]
    fn a_step_never_changes_what_the_conditions_count(
        config in config(),
        parties in county(),
        as_of in as_of(),
        who in any::<Index>(),
        extra in raw_event(1),
        step in proptest::sample::select(vec![Status::InPreparation, Status::Proposed, Status::Scheduled]),
    ) {
        let before = evaluate(&config, &instruments(), &parties, as_of);
        let mut changed = parties.clone();
        let mut event = build_events(vec![extra]).remove(0);
        event.id = 1_000;
        event.status = step;
        // A correction voids what it corrects, whatever its status; that is not a step's doing.
        event.corrects = None;
        changed[who.index(50)].events.push(event);
        let after = evaluate(&config, &instruments(), &changed, as_of);
        prop_assert_eq!(&before.unanimity, &after.unanimity);
        prop_assert_eq!(&before.majority, &after.majority);
        prop_assert_eq!(&before.outcome, &after.outcome);
        prop_assert_eq!(before.municipalities_adopted, after.municipalities_adopted);
        prop_assert_eq!(before.region_adopted, after.region_adopted);
        prop_assert_eq!(&before.instruments, &after.instruments);
        for (b, a) in before.parties.iter().zip(&after.parties) {
            prop_assert_eq!(b.counts_as_adopted, a.counts_as_adopted, "party {}", b.code);
            for (bi, ai) in b.instruments.iter().zip(&a.instruments) {
                prop_assert_eq!(bi.counts_as_adopted, ai.counts_as_adopted, "party {} {}", b.code, bi.id);
            }
            // Final decisions, which the conditions read, stay as they were.
            if b.status.is_final() {
                prop_assert_eq!(b.status, a.status, "party {}", b.code);
            }
        }
        let (from, to) = (base(), base() + Days::new(150));
        prop_assert_eq!(
            adoption_history(&config, &instruments(), &parties, from, to),
            adoption_history(&config, &instruments(), &changed, from, to)
        );
    }

    #[test]
    fn a_decision_dated_before_an_earlier_recorded_step_is_the_status(
        config in config(),
        parties in county(),
        who in any::<Index>(),
        step in proptest::sample::select(vec![Status::InPreparation, Status::Proposed, Status::Scheduled]),
        decision_status in proptest::sample::select(
            Status::ALL.into_iter().filter(|s| s.is_decision()).collect::<Vec<_>>()
        ),
        decided_after in 131..140u64,
        as_of_after in 0..60u64,
    ) {
        // Every generated event takes effect by day 130. The step is recorded on day 140, with
        // no date of its own; the decision, dated between the two, is recorded after the step.
        let mut changed = parties.clone();
        let step_at = instant("2026-01-01T10:00:00Z") + TimeDelta::days(140);
        let decided_on = base() + Days::new(decided_after);
        let step = EventInput {
            id: 1_000,
            status: step,
            decided_on: None,
            posted_on: None,
            recorded_at: step_at,
            corrects: None,
            instruments: None,
        };
        let decision = EventInput {
            id: 1_001,
            status: decision_status,
            decided_on: Some(decided_on),
            recorded_at: step_at + TimeDelta::hours(1),
            ..step.clone()
        };
        let party = &mut changed[who.index(50)];
        party.events.extend([step, decision]);
        let code = party.code.clone();
        let as_of = decided_on + Days::new(as_of_after);
        let e = evaluate(&config, &instruments(), &changed, as_of);
        let standing = e.parties.iter().find(|p| p.code == code).expect("party evaluated");
        prop_assert_eq!(standing.status, decision_status);
        prop_assert_eq!(standing.standing_event, Some(1_001));
        prop_assert!(standing.instruments.iter().all(|i| i.status == decision_status));
    }

    #[test]
    fn event_order_in_the_input_does_not_matter(
        config in config(),
        (parties, shuffled) in county().prop_flat_map(|parties| {
            let shuffled: Vec<_> = parties
                .iter()
                .map(|p| Just(p.events.clone()).prop_shuffle())
                .collect();
            (Just(parties), shuffled)
        }),
        as_of in as_of(),
    ) {
        let permuted: Vec<PartyInput> = parties
            .iter()
            .zip(shuffled)
            .map(|(p, events)| PartyInput { events, ..p.clone() })
            .collect();
        prop_assert_eq!(
            evaluate(&config, &instruments(), &parties, as_of),
            evaluate(&config, &instruments(), &permuted, as_of)
        );
    }

    #[test]
    fn history_equals_evaluate_per_day(
        config in config(),
        parties in county(),
        start in 0..100u64,
        len in 0..60u64,
    ) {
        let from = base() + Days::new(start);
        let to = from + Days::new(len);
        let history = adoption_history(&config, &instruments(), &parties, from, to);
        prop_assert_eq!(history.len() as u64, len + 1);
        for (day, n) in history {
            let e = evaluate(&config, &instruments(), &parties, day);
            prop_assert_eq!(n, e.municipalities_adopted, "on {}", day);
        }
    }

    #[test]
    fn a_prepared_log_gives_what_evaluate_and_history_give(
        config in config(),
        parties in county(),
        as_ofs in proptest::collection::vec(as_of(), 1..5),
        len in 0..60u64,
    ) {
        let prepared = PreparedLog::new(instruments(), parties.clone());
        // A what-if on top: an adoption added to the first two parties.
        let mut added_parties = parties.clone();
        let mut added = Vec::new();
        for (i, p) in added_parties.iter_mut().enumerate().take(2) {
            let event = raw_to_adoption(40 + i as u64, Some(3));
            let event = EventInput { id: 1_000_000 + i as i64, ..event };
            p.events.push(event.clone());
            added.push((p.code.clone(), event));
        }
        let with_added = prepared.with_added(added);
        for as_of in as_ofs {
            prop_assert_eq!(with_added.evaluate(&config, as_of), evaluate(&config, &instruments(), &added_parties, as_of));
            prop_assert_eq!(prepared.evaluate(&config, as_of), evaluate(&config, &instruments(), &parties, as_of));
            let to = as_of + Days::new(len);
            prop_assert_eq!(
                prepared.adoption_history(&config, as_of, to),
                adoption_history(&config, &instruments(), &parties, as_of, to)
            );
        }
    }
}
