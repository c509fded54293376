//! Unit tests, one rule per test where possible.

use super::test_support::*;
use super::Status::*;
use super::*;

fn party<'e>(e: &'e Evaluation, code: &str) -> &'e PartyStanding {
    e.parties.iter().find(|p| p.code == code).expect("party in evaluation")
}

fn instrument<'p>(p: &'p PartyStanding, id: &str) -> &'p InstrumentStanding {
    p.instruments.iter().find(|i| i.id == id).expect("instrument in standing")
}

fn first_municipalities(n: usize) -> Vec<String> {
    (0..n).map(code).collect()
}

// --- Status, PartyKind, RuleConfig ---

#[test]
fn status_codes_labels_and_parse_round_trip() {
    let codes: Vec<&str> = Status::ALL.iter().map(|s| s.code()).collect();
    assert_eq!(
        codes,
        [
            "not_started",
            "in_preparation",
            "scheduled",
            "proposed",
            "adopted",
            "rejected",
            "referred_back",
            "tabled",
            "appealed"
        ]
    );
    for s in Status::ALL {
        assert_eq!(Status::parse(s.code()), Some(s));
    }
    // Only stored withdrawals carry `withdrawn`: no new event may choose it as its status.
    assert_eq!(Status::parse("withdrawn"), None);
    assert_eq!(Withdrawn.code(), "withdrawn");
    assert_eq!(Status::parse("Adopted"), None);
    assert_eq!(Status::parse(" adopted"), None);
    assert_eq!(NotStarted.label_sv(), "Ej påbörjat");
    assert_eq!(ReferredBack.label_sv(), "Återremitterat");
    assert_eq!(Appealed.label_sv(), "Överklagat");
    let outcomes: Vec<Status> = Status::ALL.into_iter().filter(|s| s.is_assembly_outcome()).collect();
    assert_eq!(outcomes, [Adopted, Rejected, ReferredBack, Tabled]);
}

#[test]
fn party_kind_codes_round_trip() {
    for k in [PartyKind::Municipality, PartyKind::Region] {
        assert_eq!(PartyKind::parse(k.code()), Some(k));
    }
    assert_eq!(PartyKind::Region.code(), "region");
    assert_eq!(PartyKind::parse("kommun"), None);
}

#[test]
fn status_codes_and_labels_are_unchanged() {
    // Copied from the hand-written tables the strum derives replaced: the codes are stored (and
    // appear in URLs and JSON), so a derive that changes one must fail here.
    let table = [
        (NotStarted, "not_started", "Ej påbörjat"),
        (InPreparation, "in_preparation", "Under beredning"),
        (Scheduled, "scheduled", "Beslut planerat"),
        (Proposed, "proposed", "Föreslaget"),
        (Adopted, "adopted", "Antaget"),
        (Rejected, "rejected", "Avslaget"),
        (ReferredBack, "referred_back", "Återremitterat"),
        (Tabled, "tabled", "Bordlagt"),
        (Appealed, "appealed", "Överklagat"),
        (Withdrawn, "withdrawn", "Tillbakadragen"),
    ];
    for (s, code, label) in table {
        assert_eq!(s.code(), code);
        assert_eq!(s.label_sv(), label);
        assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{code}\""), "the code is the JSON form");
        assert_eq!(serde_json::from_str::<Status>(&format!("\"{code}\"")).unwrap(), s);
    }
    assert_eq!(table[..9].iter().map(|(s, _, _)| *s).collect::<Vec<_>>(), Status::ALL);
    for s in Status::ALL {
        assert_eq!(Status::parse(s.code()), Some(s));
    }
    for unknown in
        ["", "withdrawn", "Adopted", "ADOPTED", "adopted ", "not-started", "notstarted", "NotStarted", "Antaget"]
    {
        assert_eq!(Status::parse(unknown), None, "{unknown:?}");
    }
}

#[test]
fn party_kind_codes_are_unchanged() {
    // Copied from the hand-written tables the strum derives replaced: the codes are stored (and
    // appear in URLs and JSON), so a derive that changes one must fail here.
    let table = [(PartyKind::Municipality, "municipality"), (PartyKind::Region, "region")];
    for (k, code) in table {
        assert_eq!(k.code(), code);
        assert_eq!(PartyKind::parse(code), Some(k));
        assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{code}\""), "the code is the JSON form");
    }
    for unknown in ["", "Region", "REGION", "region ", "kommun", "Municipality"] {
        assert_eq!(PartyKind::parse(unknown), None, "{unknown:?}");
    }
}

#[test]
fn default_config_is_hos_2027() {
    assert_eq!(
        RuleConfig::default(),
        RuleConfig {
            majority_threshold: crate::ratification::Threshold::Count(25),
            region_required: true,
            legal_force_required: false,
            appeal_period_days: 21
        }
    );
}

// --- Unanimity: satisfied, open, blocked ---

#[test]
fn unanimity_satisfied_when_all_fifty_adopt() {
    let e = eval(&county(49, vec![adopted()]));
    assert_eq!(e.unanimity.state, ConditionState::Satisfied);
    assert_eq!((e.unanimity.adopted, e.unanimity.required), (50, 50));
    assert!(e.unanimity.missing.is_empty());
    assert!(e.unanimity.blocking.is_empty());
    assert_eq!(e.majority.state, ConditionState::Satisfied);
    assert_eq!(e.outcome.applies_to, AppliesTo::AllParties);
    assert_eq!(e.outcome.parties.len(), 50);
    assert_eq!(e.outcome.parties[0], REGION);
    assert_eq!(e.outcome.population_share, 1.0);
}

#[test]
fn unanimity_open_while_one_party_has_not_decided() {
    let mut parties = county(49, vec![adopted()]);
    set_events(&mut parties, "1433", vec![ev(Scheduled).decided("2026-05-20")]);
    let e = eval(&parties);
    assert_eq!(e.unanimity.state, ConditionState::Open);
    assert_eq!(e.unanimity.adopted, 49);
    assert_eq!(e.unanimity.missing, codes(&["1433"]));
    assert!(e.unanimity.blocking.is_empty());
    // The majority still holds, so the agreement applies to the adopting parties.
    assert_eq!(e.outcome.applies_to, AppliesTo::AdoptingParties);
    assert_eq!(e.outcome.parties.len(), 49);
    assert!(!e.outcome.parties.contains(&"1433".to_string()));
}

#[test]
fn unanimity_blocked_by_any_rejection() {
    let mut parties = county(40, vec![adopted()]);
    set_events(&mut parties, "1445", vec![rejected()]);
    set_events(&mut parties, "1402", vec![rejected()]);
    let e = eval(&parties);
    assert_eq!(e.unanimity.state, ConditionState::Blocked);
    assert_eq!(e.unanimity.blocking, codes(&["1402", "1445"]));
    // 9 not started plus 1402, which had adopted before.
    assert_eq!(e.unanimity.missing.len(), 10);
}

#[test]
fn unanimity_blocked_by_the_region_alone() {
    let e = eval(&county(49, vec![rejected()]));
    assert_eq!(e.unanimity.state, ConditionState::Blocked);
    assert_eq!(e.unanimity.blocking, codes(&[REGION]));
    assert_eq!(e.unanimity.missing, codes(&[REGION]));
}

#[test]
fn no_parties_satisfy_nothing() {
    let e = eval(&[]);
    assert_eq!(e.unanimity.state, ConditionState::Open);
    assert_eq!(e.majority.state, ConditionState::Blocked);
    assert_eq!(e.outcome.applies_to, AppliesTo::None);
    assert_eq!(e.counts.total(), 0);
}

// --- Majority: the 24/25 boundary and the region ---

#[test]
fn majority_open_at_24_with_region_adopted() {
    let e = eval(&county(24, vec![adopted()]));
    assert_eq!(e.municipalities_adopted, 24);
    assert_eq!(e.majority.state, ConditionState::Open);
    assert!(e.majority.blocking.is_empty());
    assert_eq!(e.outcome.applies_to, AppliesTo::None);
    assert!(e.outcome.parties.is_empty());
    assert_eq!(e.outcome.population_share, 0.0);
}

#[test]
fn majority_satisfied_at_25_with_region_adopted() {
    let e = eval(&county(25, vec![adopted()]));
    assert_eq!(e.majority.state, ConditionState::Satisfied);
    assert_eq!(e.majority.municipalities_adopted, 25);
    assert_eq!(e.majority.required, 25);
    assert!(e.majority.region_adopted);
    assert_eq!(e.outcome.applies_to, AppliesTo::AdoptingParties);
    let mut expected = vec![REGION.to_string()];
    expected.extend(first_municipalities(25));
    assert_eq!(e.outcome.parties, expected);
    assert!((e.outcome.population_share - 25.0 / 49.0).abs() < 1e-12);
}

#[test]
fn majority_open_at_25_while_region_has_not_started() {
    let e = eval(&county(25, vec![]));
    assert_eq!(e.region_status, NotStarted);
    assert!(!e.region_adopted);
    assert_eq!(e.majority.state, ConditionState::Open);
    assert_eq!(e.outcome.applies_to, AppliesTo::None);
}

#[test]
fn majority_blocked_at_25_when_region_rejected() {
    let e = eval(&county(25, vec![rejected()]));
    assert_eq!(e.region_status, Rejected);
    assert_eq!(e.majority.state, ConditionState::Blocked);
    assert_eq!(e.majority.blocking, codes(&[REGION]));
}

#[test]
fn majority_blocked_at_24_when_region_rejected() {
    let e = eval(&county(24, vec![rejected()]));
    assert_eq!(e.majority.state, ConditionState::Blocked);
    // 25 municipalities can still adopt, so only the region blocks.
    assert_eq!(e.majority.blocking, codes(&[REGION]));
}

#[test]
fn majority_blocked_when_too_few_municipalities_remain() {
    // 24 rejections leave exactly 25 that may adopt: still open.
    let mut parties = county(0, vec![adopted()]);
    for i in 0..24 {
        set_events(&mut parties, &code(i), vec![rejected()]);
    }
    let e = eval(&parties);
    assert_eq!(e.majority.state, ConditionState::Open);
    assert!(e.majority.blocking.is_empty());

    // The 25th rejection leaves 24.
    set_events(&mut parties, &code(24), vec![rejected()]);
    let e = eval(&parties);
    assert_eq!(e.majority.state, ConditionState::Blocked);
    assert_eq!(e.majority.blocking, first_municipalities(25));
}

#[test]
fn majority_blocking_lists_region_and_municipalities_when_both_block() {
    let mut parties = county(0, vec![rejected()]);
    for i in (0..25).rev() {
        set_events(&mut parties, &code(i), vec![rejected()]);
    }
    let e = eval(&parties);
    assert_eq!(e.majority.state, ConditionState::Blocked);
    let mut expected = vec![REGION.to_string()];
    expected.extend(first_municipalities(25));
    assert_eq!(e.majority.blocking, expected);
}

#[test]
fn majority_without_required_region() {
    let config = RuleConfig { region_required: false, ..RuleConfig::default() };
    // 25 municipalities suffice, the region not started.
    let e = eval_with(&config, &county(25, vec![]), "2026-12-31");
    assert_eq!(e.majority.state, ConditionState::Satisfied);
    assert!(!e.majority.region_adopted);
    assert_eq!(e.outcome.applies_to, AppliesTo::AdoptingParties);
    assert_eq!(e.outcome.parties, first_municipalities(25));

    // A rejecting region neither blocks nor joins.
    let e = eval_with(&config, &county(25, vec![rejected()]), "2026-12-31");
    assert_eq!(e.majority.state, ConditionState::Satisfied);
    assert_eq!(e.outcome.parties, first_municipalities(25));
    let e = eval_with(&config, &county(24, vec![rejected()]), "2026-12-31");
    assert_eq!(e.majority.state, ConditionState::Open);
    assert!(e.majority.blocking.is_empty());

    // An adopting region joins the outcome even when not required.
    let e = eval_with(&config, &county(25, vec![adopted()]), "2026-12-31");
    assert_eq!(e.outcome.parties.len(), 26);
    assert_eq!(e.outcome.parties[0], REGION);
}

#[test]
fn population_share_counts_adopting_municipalities_only() {
    let config = RuleConfig { majority_threshold: crate::ratification::Threshold::Count(2), ..RuleConfig::default() };
    let pop = |mut p: PartyInput, n: u64| {
        p.population = n;
        p
    };
    let parties = vec![
        pop(municipality("1480", vec![adopted()]), 600),
        pop(municipality("1490", vec![adopted()]), 300),
        pop(municipality("1401", vec![]), 100),
        region(vec![adopted()]),
    ];
    let e = eval_with(&config, &parties, "2026-12-31");
    assert_eq!(e.outcome.applies_to, AppliesTo::AdoptingParties);
    assert_eq!(e.outcome.parties, codes(&[REGION, "1480", "1490"]));
    assert!((e.outcome.population_share - 0.9).abs() < 1e-12);
}

#[test]
fn population_share_with_zero_population_is_zero() {
    let config = RuleConfig { majority_threshold: crate::ratification::Threshold::Count(1), ..RuleConfig::default() };
    let mut parties =
        vec![municipality("1401", vec![adopted()]), municipality("1402", vec![]), region(vec![adopted()])];
    for p in &mut parties {
        p.population = 0;
    }
    let e = eval_with(&config, &parties, "2026-12-31");
    assert_eq!(e.outcome.applies_to, AppliesTo::AdoptingParties);
    assert_eq!(e.outcome.population_share, 0.0);
}

// --- Counts, ordering of lists ---

#[test]
fn counts_cover_every_party_by_overall_status() {
    let mut parties = county(20, vec![ev(Proposed).decided("2026-02-01")]);
    set_events(&mut parties, "1440", vec![rejected()]);
    set_events(&mut parties, "1441", vec![ev(Tabled).decided("2026-04-01")]);
    set_events(&mut parties, "1442", vec![ev(InPreparation)]);
    let e = eval(&parties);
    assert_eq!(e.counts.total(), 50);
    assert_eq!(e.counts.get(Adopted), 20);
    assert_eq!(e.counts.get(Proposed), 1);
    assert_eq!(e.counts.get(Rejected), 1);
    assert_eq!(e.counts.get(Tabled), 1);
    assert_eq!(e.counts.get(InPreparation), 1);
    assert_eq!(e.counts.get(NotStarted), 26);
    assert_eq!(e.counts.get(Appealed), 0);
    let listed: Vec<Status> = e.counts.iter().map(|(s, _)| s).collect();
    assert_eq!(listed, Status::ALL);
    assert_eq!(e.municipalities_total, 49);
    assert_eq!(e.municipalities_adopted, 20);
    assert_eq!(e.region_status, Proposed);
}

#[test]
fn code_lists_are_sorted_whatever_the_input_order() {
    let mut parties = county(0, vec![rejected()]);
    parties.reverse();
    for i in [30, 3, 17] {
        set_events(&mut parties, &code(i), vec![rejected()]);
    }
    let e = eval(&parties);
    // Standings keep the input order.
    assert_eq!(e.parties.last().map(|p| p.code.as_str()), Some(REGION));
    assert_eq!(e.unanimity.blocking, codes(&[REGION, "1404", "1418", "1431"]));
    let mut sorted = e.unanimity.missing.clone();
    sorted.sort();
    assert_eq!(e.unanimity.missing, sorted);
    assert_eq!(e.unanimity.missing.len(), 50);
}

// --- Re-decisions: the latest decision stands ---

#[test]
fn referred_back_then_adopted() {
    let parties =
        vec![municipality("1401", vec![ev(ReferredBack).decided("2026-02-10"), ev(Adopted).decided("2026-04-14")])];
    let before = eval_at(&parties, "2026-03-01");
    assert_eq!(before.parties[0].status, ReferredBack);
    assert!(!before.parties[0].counts_as_adopted);
    let after = eval_at(&parties, "2026-04-14");
    assert_eq!(after.parties[0].status, Adopted);
    assert!(after.parties[0].counts_as_adopted);
}

#[test]
fn tabled_then_adopted() {
    let parties = vec![municipality("1401", vec![ev(Adopted).decided("2026-03-24"), ev(Tabled).decided("2026-02-24")])];
    assert_eq!(eval_at(&parties, "2026-03-23").parties[0].status, Tabled);
    assert_eq!(eval_at(&parties, "2026-03-24").parties[0].status, Adopted);
}

#[test]
fn adopted_then_rejected() {
    let mut parties = county(49, vec![adopted()]);
    set_events(&mut parties, "1401", vec![adopted(), ev(Rejected).decided("2026-05-05")]);
    let before = eval_at(&parties, "2026-05-04");
    assert_eq!(before.unanimity.state, ConditionState::Satisfied);
    let after = eval_at(&parties, "2026-05-05");
    assert_eq!(party(&after, "1401").status, Rejected);
    assert_eq!(after.unanimity.state, ConditionState::Blocked);
    assert_eq!(after.unanimity.blocking, codes(&["1401"]));
    assert_eq!(after.majority.state, ConditionState::Satisfied);
    assert_eq!(after.municipalities_adopted, 48);
}

#[test]
fn rejected_then_adopted_later() {
    let parties = vec![municipality(
        "1401",
        vec![ev(Rejected).decided("2025-11-18"), ev(Proposed).decided("2026-04-01"), ev(Adopted).decided("2026-04-28")],
    )];
    assert_eq!(eval_at(&parties, "2026-01-01").parties[0].status, Rejected);
    // A new proposal does not displace the standing rejection: only the new decision does.
    assert_eq!(eval_at(&parties, "2026-04-27").parties[0].status, Rejected);
    let e = eval_at(&parties, "2026-04-28");
    assert_eq!(e.parties[0].status, Adopted);
    assert!(e.parties[0].counts_as_adopted);
}

// --- Decisions and steps: a step never displaces a final decision ---

#[test]
fn a_decision_recorded_after_a_step_of_today_stands() {
    // Bengtsfors: "Under beredning" recorded today without a date, then the minutes of a KF
    // meeting a week earlier arrive and the adoption is recorded.
    let step = ev(InPreparation).recorded("2026-12-01T09:00:00Z");
    let adoption = ev(Adopted).decided("2026-11-25").recorded("2026-12-01T10:00:00Z");
    let adoption_id = adoption.id;
    let parties = vec![municipality("1460", vec![step, adoption])];
    for day in ["2026-11-25", "2026-11-30", "2026-12-01", "2026-12-31"] {
        let e = eval_at(&parties, day);
        assert_eq!(e.parties[0].status, Adopted, "on {day}");
        assert!(e.parties[0].counts_as_adopted, "on {day}");
        assert_eq!(e.parties[0].standing_event, Some(adoption_id), "on {day}");
    }
    assert_eq!(eval_at(&parties, "2026-11-24").parties[0].status, NotStarted);
    let history =
        adoption_history(&RuleConfig::default(), &instruments(), &parties, date("2026-11-24"), date("2026-12-02"));
    let counted: Vec<u32> = history.iter().map(|(_, n)| *n).collect();
    assert_eq!(counted, [0, 1, 1, 1, 1, 1, 1, 1, 1]);
}

#[test]
fn a_step_recorded_after_a_final_decision_does_not_displace_it() {
    for decision in [adopted(), rejected(), ev(Appealed).decided("2026-03-24")] {
        let status = decision.status;
        let parties = vec![municipality(
            "1401",
            vec![
                decision,
                ev(InPreparation).recorded("2026-04-10T08:00:00Z"),
                ev(Scheduled).recorded("2026-04-11T08:00:00Z"),
                ev(Proposed).decided("2026-04-20").recorded("2026-04-21T08:00:00Z"),
            ],
        )];
        let e = eval_at(&parties, "2026-05-01");
        assert_eq!(e.parties[0].status, status);
        assert_eq!(e.parties[0].counts_as_adopted, status == Adopted);
    }
}

#[test]
fn a_step_recorded_after_a_referral_or_tabling_is_the_status() {
    for decision in [ReferredBack, Tabled] {
        let parties = vec![municipality(
            "1401",
            vec![
                ev(decision).decided("2026-02-10").recorded("2026-02-12T08:00:00Z"),
                ev(InPreparation).recorded("2026-02-20T08:00:00Z"),
                ev(Scheduled).decided("2026-03-01").recorded("2026-03-01T08:00:00Z"),
            ],
        )];
        assert_eq!(eval_at(&parties, "2026-02-19").parties[0].status, decision);
        assert_eq!(eval_at(&parties, "2026-02-20").parties[0].status, InPreparation);
        assert_eq!(eval_at(&parties, "2026-03-01").parties[0].status, Scheduled);
    }
}

#[test]
fn a_step_recorded_before_a_referral_or_tabling_is_overtaken_by_it() {
    // Both steps were entered before the tabling was known, one of them dated after the meeting.
    let parties = vec![municipality(
        "1401",
        vec![
            ev(InPreparation).recorded("2026-03-01T08:00:00Z"),
            ev(Proposed).decided("2026-03-10").recorded("2026-03-02T08:00:00Z"),
            ev(Tabled).decided("2026-02-24").recorded("2026-03-12T08:00:00Z"),
        ],
    )];
    for day in ["2026-02-24", "2026-03-01", "2026-03-10", "2026-03-20"] {
        assert_eq!(eval_at(&parties, day).parties[0].status, Tabled, "on {day}");
    }
    // Recorded at the same instant: the id (the order of insertion) decides.
    let at = "2026-03-12T08:00:00Z";
    let parties = vec![municipality(
        "1401",
        vec![ev(ReferredBack).decided("2026-02-24").recorded(at), ev(InPreparation).recorded(at)],
    )];
    assert_eq!(eval_at(&parties, "2026-03-20").parties[0].status, InPreparation);
}

#[test]
fn the_step_shows_again_once_the_decision_is_corrected() {
    let step = ev(InPreparation).recorded("2026-03-01T08:00:00Z");
    let wrong = ev(Adopted).decided("2026-02-20").recorded("2026-03-02T08:00:00Z");
    let fix = ev(Tabled).decided("2026-02-20").recorded("2026-03-03T08:00:00Z").corrects(&wrong);
    let parties = vec![municipality("1401", vec![step.clone(), wrong.clone()])];
    assert_eq!(eval_at(&parties, "2026-03-05").parties[0].status, Adopted);
    // The tabling was recorded after the step, which it overtakes.
    let parties = vec![municipality("1401", vec![step, wrong, fix])];
    let e = eval_at(&parties, "2026-03-05");
    assert_eq!(e.parties[0].status, Tabled);
    assert!(!e.parties[0].counts_as_adopted);
}

#[test]
fn an_appeal_after_a_step_still_concerns_the_adoption() {
    // The step does not stand between the appeal and the adoption it is lodged against.
    let parties = vec![municipality(
        "1401",
        vec![
            adopted(),
            ev(InPreparation).recorded("2026-04-01T08:00:00Z"),
            ev(Appealed).recorded("2026-04-10T08:00:00Z"),
        ],
    )];
    let e = eval_at(&parties, "2026-04-20");
    assert_eq!(e.parties[0].status, Appealed);
    assert!(e.parties[0].counts_as_adopted);
}

#[test]
fn decisions_and_final_decisions() {
    let decisions: Vec<Status> = Status::ALL.into_iter().filter(|s| s.is_decision()).collect();
    assert_eq!(decisions, [Adopted, Rejected, ReferredBack, Tabled, Appealed]);
    let finals: Vec<Status> = Status::ALL.into_iter().filter(|s| s.is_final()).collect();
    assert_eq!(finals, [Adopted, Rejected, Appealed]);
}

// --- As-of dates and effective dates ---

#[test]
fn as_of_before_on_and_after_the_effective_date() {
    let decision = adopted();
    let id = decision.id;
    let parties = vec![municipality("1401", vec![decision])];
    let before = eval_at(&parties, "2026-03-23");
    assert_eq!(before.parties[0].status, NotStarted);
    assert_eq!(before.parties[0].standing_event, None);
    assert_eq!(before.as_of, date("2026-03-23"));
    for day in ["2026-03-24", "2026-03-25"] {
        let e = eval_at(&parties, day);
        assert_eq!(e.parties[0].status, Adopted);
        assert_eq!(e.parties[0].standing_event, Some(id));
        assert!(e.parties[0].counts_as_adopted);
    }
}

#[test]
fn effective_date_is_decision_date_else_swedish_recording_date() {
    let winter_night = ev(Proposed).recorded("2026-03-24T23:30:00Z");
    assert_eq!(effective_date(&winter_night), date("2026-03-25"));
    let winter_evening = ev(Proposed).recorded("2026-03-24T22:59:59Z");
    assert_eq!(effective_date(&winter_evening), date("2026-03-24"));
    // Summer time (UTC+2): 22:30Z is already 00:30 the next day.
    let summer_night = ev(Proposed).recorded("2026-06-15T22:30:00Z");
    assert_eq!(effective_date(&summer_night), date("2026-06-16"));
    let summer_evening = ev(Proposed).recorded("2026-06-15T21:59:59Z");
    assert_eq!(effective_date(&summer_evening), date("2026-06-15"));
    // A decision date wins over when it was recorded.
    let late_entry = ev(Adopted).decided("2026-03-24").recorded("2026-04-02T08:00:00Z");
    assert_eq!(effective_date(&late_entry), date("2026-03-24"));
}

#[test]
fn recorded_only_event_counts_from_its_swedish_date() {
    let parties = vec![municipality("1401", vec![ev(Proposed).recorded("2026-03-24T23:30:00Z")])];
    assert_eq!(eval_at(&parties, "2026-03-24").parties[0].status, NotStarted);
    assert_eq!(eval_at(&parties, "2026-03-25").parties[0].status, Proposed);
}

#[test]
fn same_day_ties_go_to_the_later_recording() {
    let later = ev(Adopted).decided("2026-03-24").recorded("2026-03-25T09:00:00Z").id(1);
    let earlier = ev(Tabled).decided("2026-03-24").recorded("2026-03-25T08:00:00Z").id(2);
    let parties = vec![municipality("1401", vec![later, earlier])];
    let e = eval_at(&parties, "2026-03-24");
    assert_eq!(e.parties[0].status, Adopted);
    assert_eq!(e.parties[0].standing_event, Some(1));
}

#[test]
fn same_day_same_recording_ties_go_to_the_higher_id() {
    let at = "2026-03-25T09:00:00Z";
    let high = ev(Rejected).decided("2026-03-24").recorded(at).id(8);
    let low = ev(Adopted).decided("2026-03-24").recorded(at).id(7);
    let parties = vec![municipality("1401", vec![high, low])];
    let e = eval_at(&parties, "2026-03-24");
    assert_eq!(e.parties[0].status, Rejected);
    assert_eq!(e.parties[0].standing_event, Some(8));
}

#[test]
fn decision_date_orders_before_recording_time() {
    // Entered late but decided earlier: the later decision still stands.
    let old = ev(Adopted).decided("2026-03-24").recorded("2026-05-01T08:00:00Z");
    let new = ev(Rejected).decided("2026-04-20").recorded("2026-04-21T08:00:00Z");
    let parties = vec![municipality("1401", vec![new, old])];
    assert_eq!(eval_at(&parties, "2026-05-02").parties[0].status, Rejected);
}

// --- Corrections ---

#[test]
fn corrected_adoption_never_counted() {
    let preparing = ev(InPreparation).decided("2026-01-15");
    let wrong = ev(Adopted).decided("2026-03-24");
    let fix = ev(Scheduled).recorded("2026-04-02T10:00:00Z").corrects(&wrong);
    let fix_id = fix.id;
    let parties = vec![municipality("1401", vec![preparing.clone(), wrong, fix])];

    // History before both events is unchanged.
    assert_eq!(eval_at(&parties, "2026-02-01").parties[0].status, InPreparation);
    // Between the wrong entry and its correction the adoption no longer shows.
    let e = eval_at(&parties, "2026-03-30");
    assert_eq!(e.parties[0].status, InPreparation);
    assert_eq!(e.parties[0].standing_event, Some(preparing.id));
    assert!(!e.parties[0].counts_as_adopted);
    // The correction's own status applies from its own effective date.
    let e = eval_at(&parties, "2026-04-02");
    assert_eq!(e.parties[0].status, Scheduled);
    assert_eq!(e.parties[0].standing_event, Some(fix_id));
}

#[test]
fn correction_may_carry_the_right_decision_date() {
    let wrong = ev(Adopted).decided("2026-03-24");
    let fix = ev(Adopted).decided("2026-03-31").corrects(&wrong);
    let parties = vec![municipality("1401", vec![wrong, fix])];
    assert_eq!(eval_at(&parties, "2026-03-30").parties[0].status, NotStarted);
    assert!(eval_at(&parties, "2026-03-31").parties[0].counts_as_adopted);
}

#[test]
fn correction_of_a_correction() {
    let first = ev(Adopted).decided("2026-03-24");
    let second = ev(Rejected).decided("2026-03-24").corrects(&first);
    let third = ev(Adopted).decided("2026-03-26").corrects(&second);
    let third_id = third.id;
    let parties = vec![municipality("1401", vec![third, second, first])];
    // Both earlier entries are void; only the last one counts, from its own date.
    let e = eval_at(&parties, "2026-03-25");
    assert_eq!(e.parties[0].status, NotStarted);
    assert_eq!(e.unanimity.blocking, Vec::<String>::new());
    let e = eval_at(&parties, "2026-03-26");
    assert_eq!(e.parties[0].status, Adopted);
    assert_eq!(e.parties[0].standing_event, Some(third_id));
}

#[test]
fn corrections_only_void_events_of_the_same_party() {
    let a = ev(Adopted).decided("2026-03-24").id(5);
    let b = ev(Proposed).decided("2026-03-01").id(6);
    let c = ev(Proposed).decided("2026-03-01").id(7).corrects(&a);
    let parties = vec![municipality("1401", vec![a]), municipality("1402", vec![b, c])];
    let e = eval(&parties);
    assert_eq!(e.parties[0].status, Adopted);
    assert_eq!(e.parties[1].status, Proposed);
}

#[test]
fn a_withdrawn_decision_leaves_the_step_before_it_standing() {
    // Bengtsfors-like: KS proposes, an adoption is entered by mistake, then withdrawn.
    let step = ev(Proposed).decided("2026-03-02").recorded("2026-03-03T08:00:00Z");
    let step_id = step.id;
    let wrong = ev(Adopted).decided("2026-03-24").recorded("2026-03-25T08:00:00Z");
    let withdrawal = ev(Withdrawn).recorded("2026-03-26T08:00:00Z").corrects(&wrong);
    let mut parties = county(24, vec![adopted()]);
    set_events(&mut parties, &code(48), vec![step.clone(), wrong.clone()]);
    let before = eval(&parties);
    assert_eq!(party(&before, &code(48)).status, Adopted);
    assert_eq!(before.municipalities_adopted, 25);
    assert_eq!(before.majority.state, ConditionState::Satisfied);
    set_events(&mut parties, &code(48), vec![step, wrong, withdrawal]);
    let after = eval(&parties);
    let p = party(&after, &code(48));
    assert_eq!(p.status, Proposed);
    assert_eq!(p.standing_event, Some(step_id));
    assert!(!p.counts_as_adopted, "a withdrawn adoption no longer counts");
    assert_eq!(after.municipalities_adopted, 24);
    assert_ne!(after.majority.state, ConditionState::Satisfied);
    // Retroactive: the adoption never counted, not even before it was withdrawn.
    assert_eq!(party(&eval_at(&parties, "2026-03-24"), &code(48)).status, Proposed);
}

#[test]
fn a_withdrawal_counts_nowhere_itself() {
    let only = adopted();
    let withdrawal = ev(Withdrawn).decided("2026-03-25").corrects(&only);
    let e = eval(&[municipality("1401", vec![only, withdrawal])]);
    assert_eq!(e.parties[0].status, NotStarted);
    assert_eq!(e.parties[0].standing_event, None);
    assert_eq!(e.counts.get(Withdrawn), 0);
    // Even one naming nothing (the store refuses that) changes nothing.
    let stray = ev(Withdrawn).decided("2026-03-25");
    let e = eval(&[municipality("1401", vec![adopted(), stray])]);
    assert_eq!(e.parties[0].status, Adopted);
}

#[test]
fn withdrawing_a_correction_leaves_what_it_corrected_void() {
    let first = ev(Adopted).decided("2026-03-24");
    let fix = ev(Rejected).decided("2026-03-24").corrects(&first);
    let withdrawal = ev(Withdrawn).corrects(&fix);
    let e = eval(&[municipality("1401", vec![first, fix, withdrawal])]);
    assert_eq!(e.parties[0].status, NotStarted);
}

// --- Instruments ---

#[test]
fn rejecting_one_overenskommelse_rejects_the_agreement() {
    let all = adopted();
    let one = ev(Rejected).decided("2026-04-21").only(&["ok-2"]);
    let (all_id, one_id) = (all.id, one.id);
    let mut parties = county(49, vec![adopted()]);
    set_events(&mut parties, "1401", vec![all, one]);

    let e = eval_at(&parties, "2026-04-21");
    let p = party(&e, "1401");
    assert_eq!(p.status, Rejected);
    assert!(!p.counts_as_adopted);
    assert_eq!(p.standing_event, Some(one_id));
    assert_eq!(instrument(p, "ok-2").status, Rejected);
    assert_eq!(instrument(p, "ok-2").event, Some(one_id));
    assert!(!instrument(p, "ok-2").counts_as_adopted);
    assert_eq!(instrument(p, "hos").status, Adopted);
    assert_eq!(instrument(p, "hos").event, Some(all_id));
    assert!(instrument(p, "hos").counts_as_adopted);

    let counts: Vec<(&str, u32)> = e.instruments.iter().map(|c| (c.id.as_str(), c.adopted)).collect();
    assert_eq!(counts, [("hos", 50), ("ok-1", 50), ("ok-2", 49), ("ok-3", 50), ("ok-4", 50)]);
    assert_eq!(e.unanimity.state, ConditionState::Blocked);
    assert_eq!(e.municipalities_adopted, 48);

    // The day before, the party had adopted everything.
    let e = eval_at(&parties, "2026-04-20");
    assert!(party(&e, "1401").counts_as_adopted);
    assert_eq!(e.unanimity.state, ConditionState::Satisfied);
}

#[test]
fn adopting_four_of_five_instruments_is_not_adopting() {
    let parties =
        vec![municipality("1401", vec![ev(Adopted).decided("2026-03-24").only(&["hos", "ok-1", "ok-2", "ok-3"])])];
    let e = eval(&parties);
    let p = &e.parties[0];
    assert!(!p.counts_as_adopted);
    // The fifth has nothing recorded, and that is what the party is still missing.
    assert_eq!(instrument(p, "ok-4").status, NotStarted);
    assert_eq!(p.status, NotStarted);
    assert_eq!(e.instruments[3].adopted, 1);
    assert_eq!(e.instruments[4].adopted, 0);
}

#[test]
fn mixed_instruments_show_what_is_pending() {
    let parties = vec![municipality(
        "1401",
        vec![
            ev(Proposed).decided("2026-02-01"),
            ev(Adopted).decided("2026-03-24").only(&["hos", "ok-1", "ok-2"]),
            ev(ReferredBack).decided("2026-03-24").only(&["ok-3", "ok-4"]),
        ],
    )];
    assert_eq!(eval(&parties).parties[0].status, ReferredBack);

    let parties = vec![municipality(
        "1401",
        vec![
            ev(Proposed).decided("2026-02-01"),
            ev(Adopted).decided("2026-03-24").only(&["hos", "ok-1", "ok-2", "ok-3"]),
        ],
    )];
    assert_eq!(eval(&parties).parties[0].status, Proposed);

    // An appeal of part of the decision marks the whole party as under appeal.
    let parties =
        vec![municipality("1401", vec![adopted(), ev(Appealed).recorded("2026-04-10T10:00:00Z").only(&["ok-1"])])];
    let e = eval(&parties);
    assert_eq!(e.parties[0].status, Appealed);
    assert!(e.parties[0].counts_as_adopted);
}

#[test]
fn events_for_unknown_instruments_count_nowhere() {
    let parties = vec![municipality("1401", vec![adopted(), ev(Rejected).decided("2026-04-01").only(&["hos-2019"])])];
    let e = eval(&parties);
    assert_eq!(e.parties[0].status, Adopted);
    assert!(e.parties[0].counts_as_adopted);
}

#[test]
fn with_no_instruments_configured_the_whole_agreement_is_one() {
    let parties = vec![
        municipality("1401", vec![adopted()]),
        municipality("1402", vec![ev(Rejected).decided("2026-04-01").only(&["ok-1"])]),
        municipality("1403", vec![]),
    ];
    let e = evaluate(&RuleConfig::default(), &[], &parties, date("2026-12-31"));
    assert!(e.parties[0].counts_as_adopted);
    assert_eq!(e.parties[1].status, Rejected);
    assert!(!e.parties[2].counts_as_adopted);
    assert!(e.parties.iter().all(|p| p.instruments.is_empty()));
    assert!(e.instruments.is_empty());
}

// --- Legal force (laga kraft) and appeals ---

#[test]
fn legal_force_counts_from_anslag_plus_21_days() {
    let parties = vec![municipality("1401", vec![adopted().posted("2026-03-27")])];
    let config = legal_force();
    let day_before = eval_with(&config, &parties, "2026-04-16");
    assert_eq!(day_before.parties[0].status, Adopted);
    assert!(!day_before.parties[0].counts_as_adopted);
    assert!(!day_before.parties[0].instruments[0].counts_as_adopted);
    assert_eq!(day_before.parties[0].legal_force_on, Some(date("2026-04-17")));
    let on_the_day = eval_with(&config, &parties, "2026-04-17");
    assert!(on_the_day.parties[0].counts_as_adopted);
    // Without the requirement it counts from the decision.
    assert!(eval_at(&parties, "2026-03-24").parties[0].counts_as_adopted);
}

#[test]
fn legal_force_never_without_anslag_date() {
    let parties = vec![municipality("1401", vec![adopted()])];
    let e = eval_with(&legal_force(), &parties, "2027-12-31");
    assert_eq!(e.parties[0].status, Adopted);
    assert!(!e.parties[0].counts_as_adopted);
    assert_eq!(e.parties[0].legal_force_on, None);
}

#[test]
fn legal_force_on_is_the_latest_of_the_instruments() {
    let parties = vec![municipality(
        "1401",
        vec![adopted().posted("2026-03-27"), ev(Adopted).decided("2026-04-07").posted("2026-04-10").only(&["ok-4"])],
    )];
    let config = legal_force();
    let e = eval_with(&config, &parties, "2026-04-20");
    assert_eq!(e.parties[0].legal_force_on, Some(date("2026-05-01")));
    assert!(!e.parties[0].counts_as_adopted);
    assert!(eval_with(&config, &parties, "2026-05-01").parties[0].counts_as_adopted);
}

#[test]
fn appeal_under_legal_force_requirement_keeps_the_condition_open() {
    let appeal = ev(Appealed).recorded("2026-04-10T09:00:00Z");
    let mut parties = county(49, vec![adopted().posted("2026-03-27")]);
    for p in &mut parties {
        p.events = vec![adopted().posted("2026-03-27")];
    }
    set_events(&mut parties, "1420", vec![adopted().posted("2026-03-27"), appeal]);
    let e = eval_with(&legal_force(), &parties, "2026-06-01");
    let p = party(&e, "1420");
    assert_eq!(p.status, Appealed);
    assert!(!p.counts_as_adopted);
    assert_eq!(p.legal_force_on, None);
    assert_eq!(e.unanimity.state, ConditionState::Open);
    assert!(e.unanimity.blocking.is_empty());
    assert_eq!(e.unanimity.missing, codes(&["1420"]));
    assert_eq!(e.majority.state, ConditionState::Satisfied);
    assert_eq!(e.counts.get(Appealed), 1);
}

#[test]
fn appeal_does_not_suspend_an_adoption_without_legal_force_requirement() {
    let parties =
        vec![municipality("1401", vec![adopted().posted("2026-03-27"), ev(Appealed).recorded("2026-04-10T09:00:00Z")])];
    let e = eval(&parties);
    assert_eq!(e.parties[0].status, Appealed);
    assert!(e.parties[0].counts_as_adopted);
    assert_eq!(e.parties[0].legal_force_on, None);
}

#[test]
fn a_second_appeal_still_concerns_the_adoption() {
    let parties = vec![municipality(
        "1401",
        vec![adopted(), ev(Appealed).recorded("2026-04-10T09:00:00Z"), ev(Appealed).recorded("2026-04-12T09:00:00Z")],
    )];
    assert!(eval(&parties).parties[0].counts_as_adopted);
}

#[test]
fn appeal_without_a_prior_adoption_does_not_count() {
    for before in [vec![], vec![rejected()], vec![ev(Proposed).decided("2026-03-01")]] {
        let mut events = before;
        events.push(ev(Appealed).recorded("2026-04-10T09:00:00Z"));
        let e = eval(&[municipality("1401", events)]);
        assert_eq!(e.parties[0].status, Appealed);
        assert!(!e.parties[0].counts_as_adopted);
    }
}

#[test]
fn appeal_counts_per_instrument() {
    // ok-1 was rejected, so an appeal covering everything upholds only the others.
    let parties = vec![municipality(
        "1401",
        vec![
            adopted(),
            ev(Rejected).decided("2026-03-30").only(&["ok-1"]),
            ev(Appealed).recorded("2026-04-10T09:00:00Z"),
        ],
    )];
    let e = eval(&parties);
    let p = &e.parties[0];
    assert_eq!(p.status, Appealed);
    assert!(!p.counts_as_adopted);
    assert!(instrument(p, "hos").counts_as_adopted);
    assert!(!instrument(p, "ok-1").counts_as_adopted);
}

#[test]
fn re_adoption_after_appeal_needs_its_own_legal_force() {
    let parties = vec![municipality(
        "1401",
        vec![
            adopted().posted("2026-03-27"),
            ev(Appealed).recorded("2026-04-10T09:00:00Z"),
            ev(Adopted).decided("2026-09-15").posted("2026-09-18"),
        ],
    )];
    let config = legal_force();
    assert!(!eval_with(&config, &parties, "2026-10-08").parties[0].counts_as_adopted);
    let e = eval_with(&config, &parties, "2026-10-09");
    assert!(e.parties[0].counts_as_adopted);
    assert_eq!(e.parties[0].legal_force_on, Some(date("2026-10-09")));
}

// --- Adoption history ---

fn assert_history_matches_evaluate(config: &RuleConfig, parties: &[PartyInput], from: &str, to: &str) {
    let history = adoption_history(config, &instruments(), parties, date(from), date(to));
    let days: Vec<_> = date(from).iter_days().take_while(|d| *d <= date(to)).collect();
    assert_eq!(history.len(), days.len());
    for ((day, n), expected_day) in history.into_iter().zip(days) {
        assert_eq!(day, expected_day);
        let e = evaluate(config, &instruments(), parties, day);
        assert_eq!(n, e.municipalities_adopted, "on {day}");
    }
}

fn eventful_county() -> Vec<PartyInput> {
    let mut parties = county(20, vec![adopted().posted("2026-03-27")]);
    let wrong = ev(Adopted).decided("2026-02-10").posted("2026-02-12");
    set_events(
        &mut parties,
        &code(30),
        vec![wrong.clone(), ev(Adopted).decided("2026-02-17").posted("2026-02-20").corrects(&wrong)],
    );
    set_events(
        &mut parties,
        &code(31),
        vec![
            ev(ReferredBack).decided("2026-01-20"),
            ev(Adopted).decided("2026-02-24").posted("2026-02-25"),
            ev(Appealed).recorded("2026-03-05T10:00:00Z"),
            ev(Adopted).decided("2026-04-01").posted("2026-04-02"),
            ev(Rejected).decided("2026-04-20").only(&["ok-3"]),
        ],
    );
    set_events(&mut parties, &code(32), vec![ev(Adopted).recorded("2026-03-01T23:30:00Z").posted("2026-03-04")]);
    set_events(&mut parties, &code(33), vec![adopted().posted("2026-03-27")]);
    parties
}

#[test]
fn adoption_history_matches_evaluate_every_day() {
    let parties = eventful_county();
    for config in [RuleConfig::default(), legal_force()] {
        assert_history_matches_evaluate(&config, &parties, "2026-01-01", "2026-06-30");
        // A range starting mid-way, after many events.
        assert_history_matches_evaluate(&config, &parties, "2026-03-26", "2026-04-22");
        assert_history_matches_evaluate(&config, &parties, "2026-04-17", "2026-04-17");
    }
}

#[test]
fn adoption_history_of_an_empty_range_is_empty() {
    let history = adoption_history(
        &RuleConfig::default(),
        &instruments(),
        &eventful_county(),
        date("2026-03-02"),
        date("2026-03-01"),
    );
    assert!(history.is_empty());
}

#[test]
fn adoption_history_counts_municipalities_only() {
    let parties = vec![region(vec![adopted()]), municipality("1401", vec![adopted()])];
    let history =
        adoption_history(&RuleConfig::default(), &instruments(), &parties, date("2026-03-23"), date("2026-03-24"));
    assert_eq!(history, [(date("2026-03-23"), 0), (date("2026-03-24"), 1)]);
}

/// 311 parties × 100 000 events × 365 days, the size the chart must handle.
#[test]
fn adoption_history_scales() {
    let statuses = [Proposed, Adopted, Tabled, Adopted, ReferredBack, Adopted, Appealed];
    let start = date("2026-01-01");
    let parties: Vec<PartyInput> = (0..311)
        .map(|p| {
            let events = (0..322)
                .map(|i: u64| {
                    let day = start + chrono::Days::new((i * 7 + p) % 400);
                    let mut e = ev(statuses[(i as usize + p as usize) % statuses.len()]);
                    e.decided_on = Some(day);
                    e.posted_on = Some(day + chrono::Days::new(3));
                    if i % 5 == 3 {
                        e.instruments = Some(vec!["ok-1".to_string()]);
                    }
                    e
                })
                .collect();
            municipality(&code(p as usize), events)
        })
        .collect();
    let started = std::time::Instant::now();
    let history = adoption_history(&legal_force(), &instruments(), &parties, start, date("2026-12-31"));
    let elapsed = started.elapsed();
    assert_eq!(history.len(), 365);
    // Generous bound: unoptimised test build on a shared machine.
    assert!(elapsed.as_secs() < 5, "took {elapsed:?}");
    let spot = date("2026-07-01");
    let day = history.iter().find(|(d, _)| *d == spot).map(|&(_, n)| n);
    let e = evaluate(&legal_force(), &instruments(), &parties, spot);
    assert_eq!(day, Some(e.municipalities_adopted));
}

#[test]
fn instrument_subsets_work_beyond_sixty_four_instruments() {
    // The bit set covers 64 instruments; more fall back to a list. Both must read the same.
    let many: Vec<String> = (0..70).map(|i| format!("i{i}")).collect();
    let config = RuleConfig {
        majority_threshold: crate::ratification::Threshold::Count(1),
        region_required: false,
        ..RuleConfig::default()
    };
    let parties = vec![municipality(
        "1401",
        vec![
            ev(Adopted).decided("2026-03-24"),
            ev(ReferredBack).decided("2026-04-01").only(&["i3", "i66"]),
            ev(Adopted).decided("2026-05-01").only(&["i66"]),
        ],
    )];
    let on = |d: &str| evaluate(&config, &many, &parties, date(d));
    let april = on("2026-04-15");
    let p = party(&april, "1401");
    assert_eq!(p.status, ReferredBack);
    assert_eq!(instrument(p, "i3").status, ReferredBack);
    assert_eq!(instrument(p, "i66").status, ReferredBack);
    assert_eq!(instrument(p, "i65").status, Adopted);
    assert!(!p.counts_as_adopted);
    let may = on("2026-05-15");
    assert_eq!(instrument(party(&may, "1401"), "i66").status, Adopted);
    assert_eq!(instrument(party(&may, "1401"), "i3").status, ReferredBack, "i3 still referred back");
    assert_eq!(PreparedLog::new(many.clone(), parties.clone()).evaluate(&config, date("2026-05-15")), may);
}

// --- Thresholds at their boundaries, for agreements of other sizes (many agreements) ---

/// `n` municipalities of which the first `adopting` adopted, plus the region (adopted when
/// `region_adopts`) when `with_region`.
fn agreement_of(n: usize, adopting: usize, with_region: bool, region_adopts: bool) -> Vec<PartyInput> {
    let mut parties: Vec<PartyInput> = municipalities(n)
        .into_iter()
        .enumerate()
        .map(|(i, m)| if i < adopting { with(m, vec![adopted()]) } else { m })
        .collect();
    if with_region {
        parties.push(region(if region_adopts { vec![adopted()] } else { Vec::new() }));
    }
    parties
}

fn rules(threshold: Threshold, region_required: bool) -> RuleConfig {
    RuleConfig { majority_threshold: threshold, region_required, ..RuleConfig::default() }
}

#[test]
fn more_than_half_of_14_needs_8() {
    let config = rules(Threshold::MORE_THAN_HALF, false);
    let seven = eval_with(&config, &agreement_of(14, 7, false, false), "2026-12-31");
    assert_eq!((seven.municipalities_total, seven.majority.required), (14, 8));
    assert_eq!(seven.majority.municipalities_adopted, 7);
    assert_eq!(seven.majority.state, ConditionState::Open, "7 of 14 is half, not more");
    let eight = eval_with(&config, &agreement_of(14, 8, false, false), "2026-12-31");
    assert_eq!(eight.majority.state, ConditionState::Satisfied, "8 of 14 is more than half");
}

#[test]
fn more_than_half_of_49_needs_25() {
    let config = rules(Threshold::MORE_THAN_HALF, true);
    let e24 = eval_with(&config, &agreement_of(49, 24, true, true), "2026-12-31");
    assert_eq!((e24.municipalities_total, e24.majority.required), (49, 25));
    assert_eq!(e24.majority.state, ConditionState::Open);
    let e25 = eval_with(&config, &agreement_of(49, 25, true, true), "2026-12-31");
    assert_eq!(e25.majority.state, ConditionState::Satisfied);
}

#[test]
fn a_count_threshold_holds_at_n_not_at_n_minus_one() {
    for (total, n) in [(14_usize, 10_u32), (49, 25), (14, 14), (49, 1)] {
        let config = rules(Threshold::Count(n), false);
        let below = eval_with(&config, &agreement_of(total, n as usize - 1, false, false), "2026-12-31");
        assert_eq!(below.majority.required, n);
        assert_eq!(below.majority.state, ConditionState::Open, "{} of {total} with Count({n})", n - 1);
        let at = eval_with(&config, &agreement_of(total, n as usize, false, false), "2026-12-31");
        assert_eq!(at.majority.state, ConditionState::Satisfied, "{n} of {total} with Count({n})");
    }
}

#[test]
fn a_count_threshold_is_blocked_once_too_few_are_left() {
    // 14 municipalities, 10 needed: five rejections leave nine, one too few.
    let config = rules(Threshold::Count(10), false);
    let mut parties = agreement_of(14, 0, false, false);
    for p in parties.iter_mut().take(4) {
        p.events = vec![rejected()];
    }
    assert_eq!(eval_with(&config, &parties, "2026-12-31").majority.state, ConditionState::Open);
    parties[4].events = vec![rejected()];
    assert_eq!(eval_with(&config, &parties, "2026-12-31").majority.state, ConditionState::Blocked);
}

#[test]
fn the_region_is_required_or_not_at_the_boundary() {
    // Enough municipalities; only the region's decision is in question.
    let required = rules(Threshold::MORE_THAN_HALF, true);
    let waiting = eval_with(&required, &agreement_of(14, 8, true, false), "2026-12-31");
    assert_eq!(waiting.majority.state, ConditionState::Open, "the region has not adopted");
    assert!(!waiting.majority.region_adopted);
    let adopted = eval_with(&required, &agreement_of(14, 8, true, true), "2026-12-31");
    assert_eq!(adopted.majority.state, ConditionState::Satisfied);
    let mut refusing = agreement_of(14, 8, true, false);
    if let Some(r) = refusing.iter_mut().find(|p| p.kind == PartyKind::Region) {
        r.events = vec![rejected()];
    }
    assert_eq!(eval_with(&required, &refusing, "2026-12-31").majority.state, ConditionState::Blocked);
    // Not required: the region's rejection does not matter, nor its absence.
    let not_required = rules(Threshold::MORE_THAN_HALF, false);
    assert_eq!(eval_with(&not_required, &refusing, "2026-12-31").majority.state, ConditionState::Satisfied);
    let no_region = eval_with(&not_required, &agreement_of(14, 8, false, false), "2026-12-31");
    assert_eq!(no_region.majority.state, ConditionState::Satisfied);
    assert_eq!(
        eval_with(&not_required, &agreement_of(14, 7, false, false), "2026-12-31").majority.state,
        ConditionState::Open
    );
}
