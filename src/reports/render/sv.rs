//! Swedish formatting of dates, times, numbers and the rules engine's states.

use chrono::NaiveDate;

use crate::ratification::{AppliesTo, ConditionState};

pub use crate::sv::{date, date_time, integer};

/// `54,3 %` (one decimal, comma, a no-break space before the sign).
pub fn percent(share: f64) -> String {
    format!("{:.1}\u{a0}%", share * 100.0).replace('.', ",")
}

pub fn condition_state(s: ConditionState) -> &'static str {
    match s {
        ConditionState::Satisfied => "Uppfyllt",
        ConditionState::Open => "Öppet",
        ConditionState::Blocked => "Kan inte uppfyllas",
    }
}

pub fn condition_explanation(s: ConditionState) -> &'static str {
    match s {
        ConditionState::Satisfied => "villkoret är uppfyllt med de beslut som registrerats",
        ConditionState::Open => "villkoret är inte uppfyllt ännu men kan fortfarande bli det",
        ConditionState::Blocked => "villkoret kan inte uppfyllas med de beslut som registrerats",
    }
}

pub fn outcome(applies_to: AppliesTo, parties: usize) -> String {
    match applies_to {
        AppliesTo::AllParties => "Avtalet gäller alla 50 parter.".into(),
        AppliesTo::AdoptingParties => {
            format!("Avtalet gäller regionen och de {} kommuner som antagit det.", parties.saturating_sub(1))
        }
        AppliesTo::None => "Inget av villkoren är uppfyllt ännu: avtalet gäller ingen part i dag.".into(),
    }
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

/// One change in words: `Antaget (KF § 45, 24 mars 2026)`, `Beslut planerat till 8 december 2026`.
pub fn change(c: &crate::reports::content::Change) -> String {
    if c.status == crate::ratification::Status::Scheduled {
        if let Some(p) = c.planned_on {
            return format!("Beslut planerat till {}", date(p));
        }
    }
    let mut s = c.status_label.to_string();
    let reference = decision_ref(c.body.as_deref(), c.reference.as_deref(), c.decided_on);
    if !reference.is_empty() {
        s.push_str(&format!(" ({reference})"));
    }
    if let Some(p) = c.planned_on {
        s.push_str(&format!(", beslut planerat {}", date(p)));
    }
    s
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
