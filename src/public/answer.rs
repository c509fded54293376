//! The answer at the top of every party page: "Gäller avtalet i Essunga från 1 januari 2027?"
//! and one plain Swedish sentence that answers it, for every combination of the party's status,
//! the two conditions, a planned meeting and the date the reader looks at.
//!
//! Pure: the page gathers the facts ([`Facts`]), this module only words them.

use chrono::NaiveDate;

use crate::ratification::{ConditionState, PartyKind, Status};
use crate::views::format;

/// What the answer is built from, all taken at the date the reader looks at (`as_of`).
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub party_name: &'a str,
    pub kind: PartyKind,
    /// The party's overall status.
    pub status: Status,
    /// Every instrument counts as adopted.
    pub counts_as_adopted: bool,
    /// Some, but not all, instruments count as adopted.
    pub partly_adopted: bool,
    /// The date of the standing decision (the one giving `status`), if it has one.
    pub decided_on: Option<NaiveDate>,
    /// When the adoption gains legal force, if known.
    pub legal_force_on: Option<NaiveDate>,
    /// The next planned assembly meeting on the matter.
    pub planned_on: Option<NaiveDate>,
    pub unanimity: ConditionState,
    pub majority: ConditionState,
    /// Municipalities the majority alternative needs.
    pub majority_required: u32,
    pub region_required: bool,
    /// The agreement's start (1 January 2027).
    pub starts_on: NaiveDate,
    pub as_of: NaiveDate,
    pub today: NaiveDate,
}

/// The short verdict before the sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Yes,
    NotYet,
    No,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Yes => "Ja",
            Verdict::NotYet => "Nej, inte ännu",
            Verdict::No => "Nej",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// "Gäller avtalet i Essunga från 1 januari 2027?"
    pub question: String,
    pub verdict: Verdict,
    /// Everything after the verdict, ending with a full stop.
    pub explanation: String,
    /// "Som det var 1 mars 2026" / "1 februari 2027, om inga fler beslut registreras", or none for today.
    pub when: Option<String>,
}

impl Answer {
    /// The whole answer as one sentence: "Nej, inte ännu: kommunfullmäktige planerar …".
    pub fn sentence(&self) -> String {
        match &self.when {
            Some(when) => format!("{when}: {}. {}", lower_first(self.verdict.label()), upper_first(&self.explanation)),
            None => format!("{}: {}", self.verdict.label(), self.explanation),
        }
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Which way the reader looks: at a past day, today, or a day ahead (a projection).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tense {
    Past,
    Present,
    Future,
}

impl Tense {
    fn of(as_of: NaiveDate, today: NaiveDate) -> Self {
        match as_of.cmp(&today) {
            std::cmp::Ordering::Less => Tense::Past,
            std::cmp::Ordering::Equal => Tense::Present,
            std::cmp::Ordering::Greater => Tense::Future,
        }
    }

    /// "har" / "hade"
    fn has(self) -> &'static str {
        if self == Tense::Past {
            "hade"
        } else {
            "har"
        }
    }

    /// "är" / "var"
    fn is(self) -> &'static str {
        if self == Tense::Past {
            "var"
        } else {
            "är"
        }
    }

    /// "kan" / "kunde"
    fn can(self) -> &'static str {
        if self == Tense::Past {
            "kunde"
        } else {
            "kan"
        }
    }

    /// "planerar" / "planerade"
    fn plans(self) -> &'static str {
        if self == Tense::Past {
            "planerade"
        } else {
            "planerar"
        }
    }

    /// "gäller" / "gällde"
    fn applies(self) -> &'static str {
        if self == Tense::Past {
            "gällde"
        } else {
            "gäller"
        }
    }

    /// What the agreement does at the day looked at: before the start it is yet to apply.
    fn will_apply(self, before_start: bool) -> &'static str {
        match (self, before_start) {
            (Tense::Past, true) => "skulle gälla",
            (_, true) => "ska gälla",
            (Tense::Past, false) => "gällde",
            (_, false) => "gäller",
        }
    }
}

/// Which of the conditions the party's adoption is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holding {
    Unanimity,
    Majority,
    Open,
    Neither,
}

fn holding(f: &Facts<'_>) -> Holding {
    if f.unanimity == ConditionState::Satisfied {
        Holding::Unanimity
    } else if f.majority == ConditionState::Satisfied {
        Holding::Majority
    } else if f.unanimity == ConditionState::Open || f.majority == ConditionState::Open {
        Holding::Open
    } else {
        Holding::Neither
    }
}

/// "kommunfullmäktige" or "regionfullmäktige": the assembly that decides.
pub fn assembly(kind: PartyKind) -> &'static str {
    match kind {
        PartyKind::Municipality => "kommunfullmäktige",
        PartyKind::Region => "regionfullmäktige",
    }
}

/// The question, the same for every date: the agreement's start is what readers ask about.
pub fn question(party_name: &str, starts_on: NaiveDate) -> String {
    format!("Gäller avtalet i {party_name} från {}?", format::date(starts_on))
}

pub fn answer(f: &Facts<'_>) -> Answer {
    let tense = Tense::of(f.as_of, f.today);
    let when = match tense {
        Tense::Past => Some(format!("Som det var {}", format::date(f.as_of))),
        Tense::Present => None,
        Tense::Future => Some(format!("{}, om inga fler beslut registreras", format::date(f.as_of))),
    };
    let (verdict, explanation) = explain(f, tense);
    Answer { question: question(f.party_name, f.starts_on), verdict, explanation, when }
}

/// " 24 mars 2026" or nothing.
fn on(d: Option<NaiveDate>) -> String {
    d.map(|d| format!(" {}", format::date(d))).unwrap_or_default()
}

/// Where a decision or meeting day falls against the start: the flag readers look for.
fn against_start(d: NaiveDate, starts_on: NaiveDate) -> &'static str {
    match d.cmp(&starts_on) {
        std::cmp::Ordering::Less => "före avtalsstarten",
        std::cmp::Ordering::Equal => "samma dag som avtalet ska börja gälla",
        std::cmp::Ordering::Greater => "efter avtalsstarten",
    }
}

/// "kommunfullmäktige planerar att besluta 3 januari 2027, efter avtalsstarten" (no full stop).
fn plan_clause(f: &Facts<'_>, tense: Tense, again: bool) -> Option<String> {
    f.planned_on.map(|p| {
        format!(
            "{} {} att besluta{} {}, {}",
            assembly(f.kind),
            tense.plans(),
            if again { " på nytt" } else { "" },
            format::date(p),
            against_start(p, f.starts_on)
        )
    })
}

/// The sentence that follows a decision without adoption: the plan, or that there is none.
fn next_step(f: &Facts<'_>, tense: Tense) -> String {
    match plan_clause(f, tense, true) {
        Some(plan) => format!(" {}.", upper_first(&plan)),
        None => format!(" Inget nytt beslut {} planerat.", tense.is()),
    }
}

fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "Beslutet vann laga kraft 21 april 2026." Told against today: a date passed is passed.
fn legal_force_sentence(f: &Facts<'_>) -> String {
    match f.legal_force_on {
        Some(d) if d <= f.today => format!(" Beslutet vann laga kraft {}.", format::date(d)),
        Some(d) => format!(" Beslutet vinner laga kraft (kan inte längre överklagas) {}.", format::date(d)),
        None => String::new(),
    }
}

fn explain(f: &Facts<'_>, tense: Tense) -> (Verdict, String) {
    let body = assembly(f.kind);
    let decided = on(f.decided_on);
    let late = f
        .decided_on
        .filter(|d| *d > f.starts_on)
        .map(|d| format!(", {}", against_start(d, f.starts_on)))
        .unwrap_or_default();
    let majority_rule = if f.region_required {
        format!("minst {} kommuner och regionen", f.majority_required)
    } else {
        format!("minst {} kommuner", f.majority_required)
    };

    if f.counts_as_adopted {
        let appealed = if f.status == Status::Appealed {
            format!(
                " Beslutet {} överklagat (laglighetsprövning), men det gäller medan domstolen prövar det.",
                tense.is()
            )
        } else {
            String::new()
        };
        let (verdict, rest) = match holding(f) {
            Holding::Unanimity => (
                Verdict::Yes,
                format!(
                    "alla parter {} antagit det, så villkoret ”en för alla, alla för en” {} uppfyllt",
                    tense.has(),
                    tense.is()
                ),
            ),
            Holding::Majority => (
                Verdict::Yes,
                format!(
                    "Majoritetsalternativet {} uppfyllt: avtalet {} {} de kommuner som har antagit det",
                    tense.is(),
                    tense.will_apply(f.as_of < f.starts_on),
                    if f.region_required { "mellan regionen och" } else { "för" }
                ),
            ),
            Holding::Open => (
                Verdict::NotYet,
                format!(
                    "avtalet {} bara om tillräckligt många parter antar det (Majoritetsalternativet: {majority_rule})",
                    tense.applies()
                ),
            ),
            Holding::Neither => (
                Verdict::No,
                format!("inget av villkoren {} längre uppfyllas med de beslut som har fattats", tense.can()),
            ),
        };
        let joiner = if verdict == Verdict::Yes { "och" } else { "men" };
        let late_note = if late.is_empty() || verdict != Verdict::Yes {
            String::new()
        } else {
            format!(" {} gäller avtalet därför först från beslutet, inte från start.", f.party_name)
        };
        return (
            verdict,
            format!(
                "{body} antog avtalet{decided}{late}, {joiner} {rest}.{appealed}{}{late_note}",
                legal_force_sentence(f)
            ),
        );
    }

    match f.status {
        Status::Adopted => (
            Verdict::NotYet,
            format!(
                "{body} antog avtalet{decided}{late}, men beslutet räknas först när det har vunnit laga kraft.{}",
                legal_force_sentence(f)
            ),
        ),
        Status::Appealed => (
            Verdict::NotYet,
            format!(
                "{body} antog avtalet, men beslutet {} överklagat och prövas av domstol (laglighetsprövning). Det räknas först när det har vunnit laga kraft.",
                tense.is()
            ),
        ),
        Status::Rejected => {
            (Verdict::No, format!("{body} avslog avtalet{decided}.{}", next_step(f, tense)))
        }
        Status::ReferredBack => (
            Verdict::NotYet,
            format!(
                "{body} återremitterade ärendet{decided}, det vill säga skickade tillbaka det för mer beredning.{}",
                next_step(f, tense)
            ),
        ),
        Status::Tabled => (
            Verdict::NotYet,
            format!(
                "{body} bordlade ärendet{decided}, det vill säga sköt upp beslutet till ett senare sammanträde.{}",
                next_step(f, tense)
            ),
        ),
        // No party stands in Withdrawn (a withdrawal voids an entry and counts nowhere itself).
        Status::NotStarted | Status::InPreparation | Status::Proposed | Status::Scheduled | Status::Withdrawn => {
            let partly = if f.partly_adopted {
                format!(
                    "{body} {} antagit en del av avtalet men inte alla överenskommelser",
                    tense.has()
                )
            } else {
                format!("{body} {} inte beslutat", tense.has())
            };
            let text = match plan_clause(f, tense, f.partly_adopted) {
                Some(plan) if f.partly_adopted => format!("{partly}, och {plan}."),
                Some(plan) => format!("{}.", plan),
                None => format!("{partly}, och inget beslut {} planerat.", tense.is()),
            };
            (Verdict::NotYet, text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const TODAY: &str = "2026-12-01";

    fn facts(status: Status) -> Facts<'static> {
        Facts {
            party_name: "Essunga",
            kind: PartyKind::Municipality,
            status,
            counts_as_adopted: false,
            partly_adopted: false,
            decided_on: None,
            legal_force_on: None,
            planned_on: None,
            unanimity: ConditionState::Open,
            majority: ConditionState::Open,
            majority_required: 25,
            region_required: true,
            starts_on: d("2027-01-01"),
            as_of: d(TODAY),
            today: d(TODAY),
        }
    }

    fn adopted_on(date: &str) -> Facts<'static> {
        Facts { counts_as_adopted: true, decided_on: Some(d(date)), ..facts(Status::Adopted) }
    }

    fn said(f: &Facts<'_>) -> String {
        answer(f).sentence()
    }

    #[test]
    fn the_question_names_the_party_and_the_start() {
        assert_eq!(answer(&facts(Status::NotStarted)).question, "Gäller avtalet i Essunga från 1 januari 2027?");
    }

    #[test]
    fn a_meeting_planned_after_the_start_is_said_to_be_so() {
        let f = Facts { planned_on: Some(d("2027-01-03")), ..facts(Status::Scheduled) };
        assert_eq!(
            said(&f),
            "Nej, inte ännu: kommunfullmäktige planerar att besluta 3 januari 2027, efter avtalsstarten."
        );
        let f = Facts { planned_on: Some(d("2026-12-14")), ..facts(Status::Scheduled) };
        assert_eq!(
            said(&f),
            "Nej, inte ännu: kommunfullmäktige planerar att besluta 14 december 2026, före avtalsstarten."
        );
        let f = Facts { planned_on: Some(d("2027-01-01")), ..facts(Status::Proposed) };
        assert!(said(&f).ends_with("1 januari 2027, samma dag som avtalet ska börja gälla."), "{}", said(&f));
    }

    #[test]
    fn nothing_decided_and_nothing_planned() {
        for status in [Status::NotStarted, Status::InPreparation, Status::Proposed, Status::Scheduled] {
            assert_eq!(
                said(&facts(status)),
                "Nej, inte ännu: kommunfullmäktige har inte beslutat, och inget beslut är planerat.",
                "{status:?}"
            );
        }
    }

    #[test]
    fn the_region_decides_in_regionfullmaktige() {
        let f = Facts {
            party_name: "Västra Götalandsregionen",
            kind: PartyKind::Region,
            planned_on: Some(d("2027-02-10")),
            ..facts(Status::Scheduled)
        };
        let a = answer(&f);
        assert_eq!(a.question, "Gäller avtalet i Västra Götalandsregionen från 1 januari 2027?");
        assert_eq!(
            a.sentence(),
            "Nej, inte ännu: regionfullmäktige planerar att besluta 10 februari 2027, efter avtalsstarten."
        );
        let f = Facts { kind: PartyKind::Region, ..adopted_on("2026-04-21") };
        assert!(said(&f).starts_with("Nej, inte ännu: regionfullmäktige antog avtalet 21 april 2026, men"));
    }

    #[test]
    fn adopted_under_each_condition() {
        let unanimity = Facts {
            unanimity: ConditionState::Satisfied,
            majority: ConditionState::Satisfied,
            ..adopted_on("2026-03-24")
        };
        assert_eq!(
            said(&unanimity),
            "Ja: kommunfullmäktige antog avtalet 24 mars 2026, och alla parter har antagit det, så villkoret ”en för alla, alla för en” är uppfyllt."
        );
        let majority = Facts {
            unanimity: ConditionState::Blocked,
            majority: ConditionState::Satisfied,
            ..adopted_on("2026-03-24")
        };
        assert_eq!(
            said(&majority),
            "Ja: kommunfullmäktige antog avtalet 24 mars 2026, och Majoritetsalternativet är uppfyllt: avtalet ska gälla mellan regionen och de kommuner som har antagit det."
        );
        let open = adopted_on("2026-03-24");
        assert_eq!(
            said(&open),
            "Nej, inte ännu: kommunfullmäktige antog avtalet 24 mars 2026, men avtalet gäller bara om tillräckligt många parter antar det (Majoritetsalternativet: minst 25 kommuner och regionen)."
        );
        let neither =
            Facts { unanimity: ConditionState::Blocked, majority: ConditionState::Blocked, ..adopted_on("2026-03-24") };
        assert_eq!(
            said(&neither),
            "Nej: kommunfullmäktige antog avtalet 24 mars 2026, men inget av villkoren kan längre uppfyllas med de beslut som har fattats."
        );
        let no_region = Facts { region_required: false, majority_required: 30, ..adopted_on("2026-03-24") };
        assert!(said(&no_region).contains("(Majoritetsalternativet: minst 30 kommuner)"));
    }

    #[test]
    fn legal_force_passed_or_ahead() {
        let passed = Facts {
            legal_force_on: Some(d("2026-04-21")),
            majority: ConditionState::Satisfied,
            ..adopted_on("2026-03-24")
        };
        assert!(said(&passed).ends_with(" Beslutet vann laga kraft 21 april 2026."), "{}", said(&passed));
        let ahead = Facts { legal_force_on: Some(d("2026-12-20")), ..passed.clone() };
        assert!(said(&ahead).ends_with(" Beslutet vinner laga kraft (kan inte längre överklagas) 20 december 2026."));
        // Required and not yet reached: the adoption does not count yet.
        let waiting = Facts { counts_as_adopted: false, ..ahead };
        assert_eq!(
            said(&waiting),
            "Nej, inte ännu: kommunfullmäktige antog avtalet 24 mars 2026, men beslutet räknas först när det har vunnit laga kraft. Beslutet vinner laga kraft (kan inte längre överklagas) 20 december 2026."
        );
    }

    #[test]
    fn an_adoption_after_the_start_applies_from_the_decision() {
        let f = Facts {
            majority: ConditionState::Satisfied,
            as_of: d("2027-02-01"),
            today: d("2027-02-01"),
            ..adopted_on("2027-01-20")
        };
        let s = said(&f);
        assert!(s.starts_with("Ja: kommunfullmäktige antog avtalet 20 januari 2027, efter avtalsstarten, och Majoritetsalternativet är uppfyllt: avtalet gäller mellan"), "{s}");
        assert!(s.ends_with("Essunga gäller avtalet därför först från beslutet, inte från start."), "{s}");
    }

    #[test]
    fn appealed_counts_or_waits() {
        let counting =
            Facts { status: Status::Appealed, majority: ConditionState::Satisfied, ..adopted_on("2026-03-24") };
        assert!(said(&counting).starts_with("Ja: "));
        assert!(said(&counting)
            .contains("Beslutet är överklagat (laglighetsprövning), men det gäller medan domstolen prövar det."));
        let waiting = Facts { decided_on: Some(d("2026-04-10")), ..facts(Status::Appealed) };
        assert_eq!(
            said(&waiting),
            "Nej, inte ännu: kommunfullmäktige antog avtalet, men beslutet är överklagat och prövas av domstol (laglighetsprövning). Det räknas först när det har vunnit laga kraft."
        );
    }

    #[test]
    fn rejected_referred_back_and_tabled() {
        let rejected = Facts { decided_on: Some(d("2026-03-03")), ..facts(Status::Rejected) };
        assert_eq!(
            said(&rejected),
            "Nej: kommunfullmäktige avslog avtalet 3 mars 2026. Inget nytt beslut är planerat."
        );
        let again = Facts { planned_on: Some(d("2027-01-25")), ..rejected };
        assert_eq!(
            said(&again),
            "Nej: kommunfullmäktige avslog avtalet 3 mars 2026. Kommunfullmäktige planerar att besluta på nytt 25 januari 2027, efter avtalsstarten."
        );
        let referred = Facts {
            decided_on: Some(d("2026-05-12")),
            planned_on: Some(d("2026-12-15")),
            ..facts(Status::ReferredBack)
        };
        assert_eq!(
            said(&referred),
            "Nej, inte ännu: kommunfullmäktige återremitterade ärendet 12 maj 2026, det vill säga skickade tillbaka det för mer beredning. Kommunfullmäktige planerar att besluta på nytt 15 december 2026, före avtalsstarten."
        );
        let tabled = Facts { decided_on: Some(d("2026-06-01")), ..facts(Status::Tabled) };
        assert_eq!(
            said(&tabled),
            "Nej, inte ännu: kommunfullmäktige bordlade ärendet 1 juni 2026, det vill säga sköt upp beslutet till ett senare sammanträde. Inget nytt beslut är planerat."
        );
    }

    #[test]
    fn part_of_the_agreement_adopted() {
        let f = Facts { partly_adopted: true, ..facts(Status::InPreparation) };
        assert_eq!(
            said(&f),
            "Nej, inte ännu: kommunfullmäktige har antagit en del av avtalet men inte alla överenskommelser, och inget beslut är planerat."
        );
        let planned = Facts { planned_on: Some(d("2027-03-01")), ..f };
        assert!(said(&planned)
            .ends_with("och kommunfullmäktige planerar att besluta på nytt 1 mars 2027, efter avtalsstarten."));
    }

    #[test]
    fn a_past_date_is_told_as_it_was() {
        let f = Facts { as_of: d("2026-03-01"), planned_on: Some(d("2026-03-10")), ..facts(Status::Scheduled) };
        assert_eq!(
            said(&f),
            "Som det var 1 mars 2026: nej, inte ännu. Kommunfullmäktige planerade att besluta 10 mars 2026, före avtalsstarten."
        );
        let none = Facts { as_of: d("2026-03-01"), ..facts(Status::NotStarted) };
        assert_eq!(said(&none), "Som det var 1 mars 2026: nej, inte ännu. Kommunfullmäktige hade inte beslutat, och inget beslut var planerat.");
        let majority =
            Facts { as_of: d("2026-05-01"), majority: ConditionState::Satisfied, ..adopted_on("2026-03-24") };
        assert!(
            said(&majority).contains("Majoritetsalternativet var uppfyllt: avtalet skulle gälla mellan"),
            "{}",
            said(&majority)
        );
        let neither = Facts {
            as_of: d("2026-05-01"),
            unanimity: ConditionState::Blocked,
            majority: ConditionState::Blocked,
            ..adopted_on("2026-03-24")
        };
        assert!(said(&neither).contains("inget av villkoren kunde längre uppfyllas"));
    }

    #[test]
    fn a_future_date_is_a_projection_never_as_it_was() {
        let f = Facts { as_of: d("2027-02-01"), ..facts(Status::NotStarted) };
        let s = said(&f);
        assert_eq!(
            s,
            "1 februari 2027, om inga fler beslut registreras: nej, inte ännu. Kommunfullmäktige har inte beslutat, och inget beslut är planerat."
        );
        assert!(!s.contains("som det var"));
        let adopted = Facts { as_of: d("2027-02-01"), majority: ConditionState::Satisfied, ..adopted_on("2026-03-24") };
        let s = said(&adopted);
        assert!(s.starts_with("1 februari 2027, om inga fler beslut registreras: ja. Kommunfullmäktige antog"), "{s}");
        assert!(s.contains("avtalet gäller mellan regionen"), "{s}");
    }
}
