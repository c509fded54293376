//! Rules 6–8: the two conditions and whom the agreement applies to.

use super::{
    AppliesTo, ConditionState, MajorityResult, Outcome, PartyKind, PartyStanding, RuleConfig, Status, UnanimityResult,
};

fn sorted_codes<'a>(parties: impl Iterator<Item = &'a PartyStanding>) -> Vec<String> {
    let mut codes: Vec<String> = parties.map(|p| p.code.clone()).collect();
    codes.sort();
    codes
}

fn population(populations: impl Iterator<Item = u64>) -> u64 {
    populations.fold(0, |sum, p| sum.saturating_add(p))
}

fn len_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Rule 6: all parties must adopt; one standing rejection blocks it.
pub(super) fn unanimity(standings: &[PartyStanding]) -> UnanimityResult {
    let adopted = standings.iter().filter(|s| s.counts_as_adopted).count();
    let missing = sorted_codes(standings.iter().filter(|s| !s.counts_as_adopted));
    let blocking = sorted_codes(standings.iter().filter(|s| s.status == Status::Rejected));
    // An empty party list agrees to nothing: not satisfied vacuously.
    let state = if !standings.is_empty() && missing.is_empty() {
        ConditionState::Satisfied
    } else if !blocking.is_empty() {
        ConditionState::Blocked
    } else {
        ConditionState::Open
    };
    UnanimityResult { state, adopted: len_u32(adopted), required: len_u32(standings.len()), missing, blocking }
}

/// Rule 7: enough municipalities, plus the region when required.
pub(super) fn majority(config: &RuleConfig, standings: &[PartyStanding]) -> MajorityResult {
    let municipalities = || standings.iter().filter(|s| s.kind == PartyKind::Municipality);
    let adopted = len_u32(municipalities().filter(|s| s.counts_as_adopted).count());
    let total = len_u32(municipalities().count());
    let required = config.majority_threshold.required(total);
    let rejecting: Vec<&PartyStanding> = municipalities().filter(|s| s.status == Status::Rejected).collect();
    let region = standings.iter().find(|s| s.kind == PartyKind::Region);
    let region_adopted = region.is_some_and(|r| r.counts_as_adopted);

    let region_blocks = config.region_required && region.is_some_and(|r| r.status == Status::Rejected);
    let too_few_left = total.saturating_sub(len_u32(rejecting.len())) < required;

    let satisfied = adopted >= required && (region_adopted || !config.region_required);
    let (state, blocking) = if satisfied {
        (ConditionState::Satisfied, Vec::new())
    } else if region_blocks || too_few_left {
        let region_part = region.filter(|_| region_blocks);
        let municipal_part = rejecting.iter().copied().filter(|_| too_few_left);
        (ConditionState::Blocked, sorted_codes(region_part.into_iter().chain(municipal_part)))
    } else {
        (ConditionState::Open, Vec::new())
    };

    MajorityResult { state, municipalities_adopted: adopted, required, region_adopted, blocking }
}

/// Rule 8: unanimity wins over majority; the region's population is the county's and
/// so is not added to the municipalities'. `populations[i]` is that of `standings[i]`'s party.
pub(super) fn outcome(
    populations: &[u64],
    standings: &[PartyStanding],
    unanimity: &UnanimityResult,
    majority: &MajorityResult,
) -> Outcome {
    if unanimity.state == ConditionState::Satisfied {
        return Outcome {
            applies_to: AppliesTo::AllParties,
            parties: sorted_codes(standings.iter()),
            population_share: 1.0,
        };
    }
    if majority.state != ConditionState::Satisfied {
        return Outcome { applies_to: AppliesTo::None, parties: Vec::new(), population_share: 0.0 };
    }

    let region = standings.iter().find(|s| s.kind == PartyKind::Region);
    let municipal = || populations.iter().zip(standings).filter(|(_, s)| s.kind == PartyKind::Municipality);
    let adopting = municipal().filter(|(_, s)| s.counts_as_adopted);
    let adopting_population = population(adopting.clone().map(|(p, _)| *p));
    let total_population = population(municipal().map(|(p, _)| *p));
    let population_share =
        if total_population == 0 { 0.0 } else { adopting_population as f64 / total_population as f64 };
    let region_part = region.filter(|r| r.counts_as_adopted);
    Outcome {
        applies_to: AppliesTo::AdoptingParties,
        parties: sorted_codes(adopting.map(|(_, s)| s).chain(region_part)),
        population_share,
    }
}
