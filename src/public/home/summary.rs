//! The top of `/`: the outcome in one sentence, both conditions with their progress, and the
//! days left. Everything is read from the engine's `Evaluation`; nothing is recomputed here.

use chrono::NaiveDate;
use maud::{html, Markup};

use crate::ratification::{AppliesTo, ConditionState, Evaluation, PartyKind};
use crate::snapshot::Snapshot;
use crate::views::format;
use crate::views::status::badge;

fn region_name(snapshot: &Snapshot) -> &str {
    snapshot.parties.iter().find(|p| p.kind == PartyKind::Region).map_or("Regionen", |p| p.name.as_str())
}

fn names(snapshot: &Snapshot, codes: &[String]) -> String {
    let names: Vec<&str> = codes.iter().map(|c| snapshot.party(c).map_or(c.as_str(), |p| p.name.as_str())).collect();
    join_sv(&names)
}

/// "A", "A och B", "A, B och C".
pub fn join_sv(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} och {last}", init.join(", ")),
    }
}

/// The one sentence that answers "does the agreement apply, and to whom?".
pub fn headline(snapshot: &Snapshot, eval: &Evaluation) -> String {
    let starts = format::date(snapshot.agreement.starts_on);
    let before_start = eval.as_of < snapshot.agreement.starts_on;
    let lead = if before_start {
        format!("Om inget ändras gäller avtalet från {starts}")
    } else {
        "Avtalet gäller".into()
    };
    let region = region_name(snapshot);
    let municipalities = eval.municipalities_total;
    let required = eval.majority.required;
    match eval.outcome.applies_to {
        AppliesTo::AllParties => format!(
            "{lead} för alla {} parter: {region} och alla {municipalities} kommuner har antagit det.",
            eval.parties.len()
        ),
        AppliesTo::AdoptingParties => {
            let n = eval.municipalities_adopted;
            let between = if eval.region_adopted { format!("mellan {region} och ") } else { "för ".into() };
            format!(
                "{lead} {between}de {n} kommuner som har antagit det, med {} av kommunernas invånare.",
                format::percent(eval.outcome.population_share)
            )
        }
        AppliesTo::None => {
            let not_yet = if before_start {
                format!("Om inget ändras gäller avtalet inte för någon part från {starts}")
            } else {
                "Avtalet gäller inte för någon part".into()
            };
            if eval.majority.state == ConditionState::Blocked {
                format!("{not_yet}: med de beslut som har fattats kan inget av villkoren längre uppfyllas.")
            } else {
                let region_missing = snapshot.agreement.rules.region_required && !eval.region_adopted;
                let n = eval.municipalities_adopted;
                if n >= required && region_missing {
                    format!(
                        "{not_yet}: {n} kommuner har antagit det, minst {required} krävs, men {region} har inte antagit det."
                    )
                } else {
                    let region_part =
                        if region_missing { format!(", och {region} har inte antagit det") } else { String::new() };
                    format!("{not_yet}: {n} av de {required} kommuner som krävs har antagit det{region_part}.")
                }
            }
        }
    }
}

fn state_label(state: ConditionState) -> &'static str {
    match state {
        ConditionState::Satisfied => "Uppfyllt",
        ConditionState::Open => "Inte uppfyllt än – kan fortfarande uppfyllas",
        ConditionState::Blocked => "Kan inte uppfyllas med de beslut som har fattats",
    }
}

fn state_class(state: ConditionState) -> &'static str {
    match state {
        ConditionState::Satisfied => "state state-satisfied",
        ConditionState::Open => "state state-open",
        ConditionState::Blocked => "state state-blocked",
    }
}

/// A decorative bar; the sentence next to it carries the numbers.
fn bar(value: u32, total: u32, threshold: Option<u32>) -> Markup {
    let total = total.max(1);
    let x = |n: u32| f64::from(n.min(total)) / f64::from(total) * 300.0;
    html! {
        svg.bar viewBox="0 0 300 14" preserveAspectRatio="none" aria-hidden="true" focusable="false" {
            rect.bar-track x="0" y="1" width="300" height="12" {}
            rect.bar-fill x="0" y="1" width=(format!("{:.1}", x(value))) height="12" {}
            @if let Some(t) = threshold {
                rect.bar-threshold x=(format!("{:.1}", x(t) - 1.0)) y="0" width="2" height="14" {}
            }
        }
    }
}

pub fn conditions(snapshot: &Snapshot, eval: &Evaluation) -> Markup {
    let u = &eval.unanimity;
    let m = &eval.majority;
    let region = region_name(snapshot);
    let rules = &snapshot.agreement.rules;
    let still_needed = m.required.saturating_sub(m.municipalities_adopted);
    html! {
        section.conditions aria-labelledby="villkor" {
            h2 #villkor { "De två villkoren" }
            div.cards {
                article.card {
                    h3 { "En för alla, alla för en" }
                    p.explain { "Avtalet gäller för alla om samtliga " (u.required) " parter antar det." }
                    p class=(state_class(u.state)) { (state_label(u.state)) }
                    p.progress { (u.adopted) " av " (u.required) " parter har antagit avtalet" }
                    (bar(u.adopted, u.required, None))
                    @if !u.blocking.is_empty() {
                        p { "Avslag från " (names(snapshot, &u.blocking)) " gör att villkoret inte kan uppfyllas." }
                    }
                }
                article.card {
                    h3 { "Majoritetsalternativet" }
                    p.explain {
                        "Om minst " (m.required) " av " (eval.municipalities_total) " kommuner"
                        @if rules.region_required {
                            " och regionen"
                            " antar avtalet gäller det mellan regionen och de kommuner som har antagit det."
                        } @else {
                            " antar avtalet gäller det för de kommuner som har antagit det."
                        }
                    }
                    p class=(state_class(m.state)) { (state_label(m.state)) }
                    p.progress { (m.municipalities_adopted) " av " (eval.municipalities_total) " kommuner har antagit avtalet" }
                    (bar(m.municipalities_adopted, eval.municipalities_total, Some(m.required)))
                    p {
                        "Gränsen för majoritet är " (m.required) " kommuner"
                        @if still_needed > 0 { ": " (still_needed) " till behövs." } @else { " och är nådd." }
                    }
                    @if snapshot.parties.iter().any(|p| p.kind == PartyKind::Region) {
                        p { (region) ": " (badge(eval.region_status))
                            @if rules.region_required { " (regionens antagande krävs)" }
                        }
                    }
                    @if !m.blocking.is_empty() {
                        p { "Villkoret blockeras av avslag från " (names(snapshot, &m.blocking)) "." }
                    }
                }
            }
        }
    }
}

fn until(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

pub fn deadlines(snapshot: &Snapshot, as_of: NaiveDate, is_today: bool) -> Markup {
    let starts_on = snapshot.agreement.starts_on;
    let period_end = snapshot.agreement.decision_period_ends_on;
    let to_start = until(as_of, starts_on);
    let to_end = until(as_of, period_end);
    let reference = if is_today { "i dag".to_string() } else { format!("den {}", format::date(as_of)) };
    html! {
        section.deadlines aria-labelledby="tid" {
            h2 #tid { "Tid kvar" }
            ul {
                li {
                    @if to_start > 0 {
                        strong { (format::days(to_start)) } " kvar till " (format::date(starts_on))
                        ", då avtalet ska börja gälla (räknat från " (reference) ")."
                    } @else if to_start == 0 {
                        "Avtalet börjar gälla " (reference) ", " (format::date(starts_on)) "."
                    } @else {
                        "Avtalet skulle börja gälla " (format::date(starts_on)) ", för " (format::days(-to_start)) " sedan."
                    }
                }
                li {
                    @if to_end > 0 {
                        strong { (format::days(to_end)) } " kvar av beslutsperioden, som slutar " (format::date(period_end)) "."
                    } @else if to_end == 0 {
                        "Beslutsperioden slutar " (reference) ", " (format::date(period_end)) "."
                    } @else {
                        "Beslutsperioden slutade " (format::date(period_end)) ", för " (format::days(-to_end)) " sedan."
                        @if to_start > 0 {
                            " Parter som inte har beslutat kan fortfarande anta avtalet, men det gäller från "
                            (format::date(starts_on)) " bara för dem som har antagit det då."
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::join_sv;

    #[test]
    fn lists_read_as_swedish() {
        assert_eq!(join_sv(&[]), "");
        assert_eq!(join_sv(&["Borås"]), "Borås");
        assert_eq!(join_sv(&["Borås", "Mark"]), "Borås och Mark");
        assert_eq!(join_sv(&["Ale", "Borås", "Mark"]), "Ale, Borås och Mark");
    }
}
