//! Swedish formatting of dates, times, numbers and the rules engine's states, and the sentences
//! the HTML and the text report share (so that both say the same, in the same words).

use chrono::NaiveDate;

use crate::ratification::{AppliesTo, ConditionState, Status};
use crate::reports::content::{Change, Overdue, PartyRef, Planned, ReportData, Stalled};

pub use crate::sv::{date, date_time, integer, percent};

pub use crate::views::status::{condition_state_label as condition_state, MAJORITY, UNANIMITY};

/// The rest of "Det betyder att …": a subordinate clause, so "inte" comes before the verb.
pub fn condition_explanation(s: ConditionState) -> &'static str {
    match s {
        ConditionState::Satisfied => "villkoret är uppfyllt med de beslut som har registrerats",
        ConditionState::Open => "villkoret inte är uppfyllt ännu men fortfarande kan bli det",
        ConditionState::Blocked => "villkoret inte kan uppfyllas med de beslut som har registrerats",
    }
}

/// Who the agreement applies to on the decisions recorded. No count: the conditions beside it
/// give the numbers already.
pub fn outcome(applies_to: AppliesTo) -> &'static str {
    match applies_to {
        AppliesTo::AllParties => "Med de beslut som finns nu gäller avtalet alla parter.",
        AppliesTo::AdoptingParties => {
            "Med de beslut som finns nu gäller avtalet regionen och de kommuner som har antagit det."
        }
        AppliesTo::None => {
            "Inget av villkoren är uppfyllt ännu, så med de beslut som finns nu gäller avtalet ingen part."
        }
    }
}

/// "54,3 % av länets 1 777 794 invånare bor i kommuner som har antagit avtalet." The share the
/// outcome covers is said only when it differs (it does not, when the agreement applies to the
/// adopting municipalities).
pub fn population(d: &ReportData) -> String {
    let p = &d.population;
    let mut s = format!(
        "{} av länets {} invånare bor i kommuner som har antagit avtalet.",
        percent(p.adopted_share),
        integer(p.county)
    );
    if d.status.outcome.applies_to != AppliesTo::None && percent(p.outcome_share) != percent(p.adopted_share) {
        s.push_str(&format!(" Utfallet omfattar {} av invånarna.", percent(p.outcome_share)));
    }
    s
}

/// "Essunga: beslut planerat 12 januari 2027." (with ", status nu föreslaget" when the status
/// is another than the plan itself).
pub fn planned_after_start(p: &Planned) -> String {
    let mut s = format!("{}: beslut planerat {}", p.party_name, date(p.planned_on));
    if p.status != Status::Scheduled {
        s.push_str(&format!(", status nu {}", p.status_label.to_lowercase()));
    }
    s.push('.');
    s
}

/// "Lysekil: återremitterat 3 oktober 2026 (KF § 12), inget nytt beslut planerat."
pub fn stalled(s: &Stalled) -> String {
    let reference = s.reference.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
    format!("{}: {} {}{reference}, inget nytt beslut planerat.", s.name, s.status_label.to_lowercase(), date(s.since))
}

/// "Mark: beslut planerat 10 november 2026, inget utfall registrerat." (with ", status nu …"
/// when the status is another than the plan itself).
pub fn overdue(o: &Overdue) -> String {
    let mut s = format!("{}: beslut planerat {}, inget utfall registrerat", o.name, date(o.planned_on));
    if o.status != Status::Scheduled {
        s.push_str(&format!(", status nu {}", o.status_label.to_lowercase()));
    }
    s.push('.');
    s
}

/// "Ale (under beredning), Alingsås (ej påbörjat)."
pub fn no_planned(parties: &[PartyRef]) -> String {
    let items: Vec<String> =
        parties.iter().map(|p| format!("{} ({})", p.name, p.status_label.to_lowercase())).collect();
    format!("{}.", items.join(", "))
}

/// `1 kommun`, `2 kommuner`.
pub fn municipalities(n: usize) -> String {
    if n == 1 {
        "1 kommun".into()
    } else {
        format!("{n} kommuner")
    }
}

/// "Sedan förra veckan: +2 kommuner har antagit (Dals-Ed, Vårgårda)." — from the standing at
/// the previous report to this one. None for the first report.
pub fn since_previous(d: &ReportData) -> Option<String> {
    let m = d.since_previous.as_ref()?;
    let previous = d.previous.as_ref()?;
    let since = match d.week.parse::<crate::reports::week::IsoWeek>() {
        Ok(w) if w.previous().to_string() == previous.week => "Sedan förra veckan".to_string(),
        _ => format!("Sedan rapport nr {}", previous.number),
    };
    let region = &d.region.code;
    let split = |refs: &[PartyRef]| -> (Vec<String>, bool) {
        let names = refs.iter().filter(|r| &r.code != region).map(|r| r.name.clone()).collect();
        (names, refs.iter().any(|r| &r.code == region))
    };
    let mut parts: Vec<String> = Vec::new();
    // (one, several): "1 kommun räknas inte längre som antagen", "2 kommuner … antagna".
    let mut say = |refs: &[PartyRef], sign: &str, verb: (&str, &str)| {
        let (names, has_region) = split(refs);
        if !names.is_empty() {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let verb = if names.len() == 1 { verb.0 } else { verb.1 };
            parts.push(format!("{sign}{} {verb} ({})", municipalities(names.len()), names.join(", ")));
        }
        if has_region {
            parts.push(format!("regionen {}", verb.0));
        }
    };
    say(&m.adopted, "+", ("har antagit", "har antagit"));
    say(&m.rejected, "", ("har avslagit", "har avslagit"));
    say(&m.no_longer_adopted, "−", ("räknas inte längre som antagen", "räknas inte längre som antagna"));
    if parts.is_empty() {
        return Some(format!("{since}: inget nytt beslut om att anta eller avslå avtalet."));
    }
    Some(format!("{since}: {}.", parts.join("; ")))
}

/// "Inför 1 januari 2027: 17 kommuner har inte antagit; 3 har beslut planerat före 1 januari, 2
/// efter, 12 inget planerat." None once the agreement has started (or for a report frozen
/// before this was computed).
pub fn before_start(d: &ReportData) -> Option<String> {
    let b = &d.before_start;
    let starts_on = b.starts_on?;
    if b.days_left <= 0 {
        return None;
    }
    let head = format!("Inför {}", date(starts_on));
    if b.municipalities_not_adopted == 0 {
        return Some(format!("{head}: alla kommuner har antagit."));
    }
    let day_month = date(starts_on).rsplit_once(' ').map(|(dm, _)| dm.to_string()).unwrap_or_else(|| date(starts_on));
    let not_adopted = municipalities(b.municipalities_not_adopted as usize);
    let groups = [(b.planned_before, "före"), (b.planned_after, "efter")];
    let planned: Vec<&(u32, &str)> = groups.iter().filter(|(n, _)| *n > 0).collect();
    // One group only: its count would repeat the total, so say "alla" (or "den", for one).
    let all = if b.municipalities_not_adopted == 1 { "den" } else { "alla" };
    if b.nothing_planned == b.municipalities_not_adopted {
        let none = if b.municipalities_not_adopted == 1 {
            "den har inget beslut planerat"
        } else {
            "ingen av dem har något beslut planerat"
        };
        return Some(format!("{head}: {not_adopted} har inte antagit; {none}."));
    }
    if let [(n, when)] = planned.as_slice() {
        if *n == b.municipalities_not_adopted {
            return Some(format!(
                "{head}: {not_adopted} har inte antagit; {all} har beslut planerat {when} {day_month}."
            ));
        }
    }
    let mut parts: Vec<String> = Vec::new();
    for (i, (n, when)) in planned.iter().enumerate() {
        parts.push(if i == 0 { format!("{n} har beslut planerat {when} {day_month}") } else { format!("{n} {when}") });
    }
    if b.nothing_planned > 0 {
        parts.push(format!("{} inget planerat", b.nothing_planned));
    }
    Some(format!("{head}: {not_adopted} har inte antagit; {}.", parts.join(", ")))
}

/// "Det är 31 dagar kvar till avtalsstarten." None once it has started.
pub fn days_left(d: &ReportData) -> Option<String> {
    let b = &d.before_start;
    b.starts_on?;
    match b.days_left {
        n if n <= 0 => None,
        1 => Some("Det är 1 dag kvar till avtalsstarten.".into()),
        n => Some(format!("Det är {n} dagar kvar till avtalsstarten.")),
    }
}

/// What the first report says instead of listing every event ever recorded.
pub fn first_report_summary(d: &ReportData, where_each: &str) -> String {
    let mut parties: Vec<&str> = d.changes.iter().map(|c| c.party_code.as_str()).collect();
    parties.sort_unstable();
    parties.dedup();
    if d.changes.is_empty() {
        return "Detta är den första rapporten. Inga beslut eller steg har registrerats ännu.".into();
    }
    let events = if d.changes.len() == 1 { "1 uppgift".to_string() } else { format!("{} uppgifter", d.changes.len()) };
    let of = if parties.len() == 1 { "1 part".to_string() } else { format!("{} parter", parties.len()) };
    format!(
        "Detta är den första rapporten. Hittills har {events} om {of} registrerats; i stället för att räkna upp dem \
         visar rapporten läget för varje part under {where_each}. Från nästa rapport redovisas varje ny uppgift här."
    )
}

/// `KF § 45, 24 mars 2026` from the parts that are known.
pub fn decision_ref(body: Option<&str>, reference: Option<&str>, on: Option<NaiveDate>) -> String {
    let mut parts: Vec<String> = Vec::new();
    match (body, reference) {
        (_, Some(r)) => parts.push(r.to_string()),
        (Some(b), None) if b != "other" => parts.push(b.to_string()),
        _ => {}
    }
    if let Some(d) = on {
        parts.push(date(d));
    }
    parts.join(", ")
}

/// One event in words: `Antaget (KF § 45, 24 mars 2026)`, `Beslut planerat till 8 december 2026`.
pub fn change(c: &Change) -> String {
    event(c.status, &c.status_label, c.body.as_deref(), c.reference.as_deref(), c.decided_on, c.planned_on)
}

fn event(
    status: Status,
    label: &str,
    body: Option<&str>,
    reference: Option<&str>,
    decided_on: Option<NaiveDate>,
    planned_on: Option<NaiveDate>,
) -> String {
    if status == Status::Scheduled {
        if let Some(p) = planned_on {
            return format!("Beslut planerat till {}", date(p));
        }
    }
    let mut s = label.to_string();
    let reference = decision_ref(body, reference, decided_on);
    if !reference.is_empty() {
        s.push_str(&format!(" ({reference})"));
    }
    if let Some(p) = planned_on {
        s.push_str(&format!(", beslut planerat {}", date(p)));
    }
    s
}

/// One change as a sentence a politician reads: a correction says what was wrong and what is
/// right ("Uppgiften om Göteborg rättades: …"), never an event number. Without the note.
pub fn change_sentence(c: &Change) -> String {
    let now = change(c);
    let mut s = match (&c.corrected, c.corrects) {
        (Some(old), _) => {
            let before = event(
                old.status,
                &old.status_label,
                old.body.as_deref(),
                old.reference.as_deref(),
                old.decided_on,
                old.planned_on,
            );
            format!("Uppgiften om {} rättades: {}, inte {}.", c.party_name, now, lowercase_first(&before))
        }
        (None, Some(_)) => format!("Uppgiften om {} rättades: {}.", c.party_name, now),
        (None, None) => format!("{}: {}.", c.party_name, now),
    };
    if c.corrected_by.is_some() {
        s.push_str(" Uppgiften rättades senare och gäller inte.");
    }
    s
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    #[test]
    fn formats() {
        assert_eq!(date("2027-01-01".parse().unwrap()), "1 januari 2027");
        let t = DateTime::parse_from_rfc3339("2026-11-23T06:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(date_time(t), "23 november 2026 kl. 07.00");
        let summer = DateTime::parse_from_rfc3339("2026-06-01T05:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(date_time(summer), "1 juni 2026 kl. 07.00");
        assert_eq!(percent(0.5432), "54,3\u{a0}%");
        assert_eq!(integer(1_777_794), "1\u{a0}777\u{a0}794");
        assert_eq!(integer(999), "999");
        assert_eq!(decision_ref(Some("KF"), Some("KF § 45"), "2026-03-24".parse().ok()), "KF § 45, 24 mars 2026");
        assert_eq!(decision_ref(Some("RF"), None, None), "RF");
    }
}
