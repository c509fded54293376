//! The report as plain text: the e-mail's text part, readable in any client and by screen readers.

use std::fmt::Write;

use super::html::{names, week_label};
use super::sv;
use crate::ratification::{ConditionState, Status};
use crate::reports::content::{PartyLine, ReportData};

pub fn render(d: &ReportData) -> String {
    let mut t = String::new();
    if d.demo {
        t.push_str(&crate::demo::banner::TEXT.to_uppercase());
        t.push_str("\n\n");
    }
    // Writing to a String cannot fail.
    let _ = write_report(&mut t, d);
    t
}

/// One condition: its name, state and counts, who blocks it, and what that means.
fn condition(
    t: &mut String,
    d: &ReportData,
    name: &str,
    state: ConditionState,
    counts: &str,
    (blocking_label, blocking): (&str, &[String]),
) -> std::fmt::Result {
    writeln!(t, "{name}: {}. {counts}", sv::condition_state(state))?;
    if !blocking.is_empty() {
        writeln!(t, "{blocking_label}: {}.", names(d, blocking))?;
    }
    writeln!(t, "Det betyder att {}.", sv::condition_explanation(state))
}

fn write_report(t: &mut String, d: &ReportData) -> std::fmt::Result {
    let s = &d.status;
    writeln!(t, "LÄGESRAPPORT NR {} TILL SRO – VECKA {}", d.number, week_label(&d.week))?;
    writeln!(t, "{}", s.agreement.title)?;
    writeln!(t, "Läget den {}. Avtalet ska gälla från {}.", sv::date(d.as_of), sv::date(s.agreement.starts_on))?;
    let summary: Vec<String> = [sv::since_previous(d), sv::before_start(d)].into_iter().flatten().collect();
    if !summary.is_empty() {
        writeln!(t)?;
        for line in summary {
            writeln!(t, "{line}")?;
        }
    }

    heading(t, "VILLKOREN")?;
    let u = &s.conditions.unanimity;
    let unanimity = format!("{} av {} parter har antagit.", u.adopted, u.required);
    condition(t, d, sv::UNANIMITY, u.state, &unanimity, ("Har avslagit", &u.blocking))?;
    let m = &s.conditions.majority;
    let majority = format!(
        "{} av {} kommuner (minst {}); regionen {}.",
        m.municipalities_adopted,
        s.municipalities_total,
        m.required,
        if m.region_adopted { "har antagit" } else { "har inte antagit" }
    );
    condition(t, d, sv::MAJORITY, m.state, &majority, ("Hindrar villkoret", &m.blocking))?;
    writeln!(t, "{}", sv::outcome(s.outcome.applies_to))?;
    writeln!(t, "{}", sv::population(d))?;
    let counts: Vec<String> =
        s.counts.iter().filter(|(_, n)| *n > 0).map(|(status, n)| format!("{} {n}", status.label_sv())).collect();
    writeln!(t, "Antal parter per status: {}.", counts.join(", "))?;

    heading(t, "FÖRÄNDRINGAR SEDAN FÖRRA RAPPORTEN")?;
    match &d.previous {
        Some(p) => {
            writeln!(
                t,
                "Uppgifter registrerade efter rapport nr {} ({}), även rättelser.",
                p.number,
                sv::date_time(p.cutoff)
            )?;
            if d.changes.is_empty() {
                writeln!(t, "Inga nya uppgifter har registrerats sedan förra rapporten.")?;
            }
            for c in &d.changes {
                write!(t, "- {}", sv::change_sentence(c))?;
                if let Some(note) = &c.note {
                    write!(t, " {note}")?;
                }
                if let Some(url) = &c.protocol_url {
                    write!(t, " Protokoll: {url}")?;
                }
                writeln!(t)?;
            }
        }
        None => writeln!(t, "{}", sv::first_report_summary(d, "PER DELREGION"))?,
    }

    heading(t, "PLANERADE BESLUT DE KOMMANDE FYRA VECKORNA")?;
    if d.planned.is_empty() {
        writeln!(t, "Inga beslut är planerade till och med {}.", sv::date(d.planned_until))?;
    } else {
        writeln!(t, "Till och med {}.", sv::date(d.planned_until))?;
    }
    for p in &d.planned {
        let after = if p.planned_on >= s.agreement.starts_on { " (efter avtalsstarten)" } else { "" };
        write!(t, "- {}{after}: {}", sv::date(p.planned_on), p.party_name)?;
        if p.status != Status::Scheduled {
            write!(t, ", status nu {}", p.status_label.to_lowercase())?;
        }
        writeln!(t)?;
    }

    heading(t, "RISKER")?;
    let r = &d.risk;
    if let Some(days) = sv::days_left(d) {
        writeln!(t, "{days}")?;
    }
    risk_list(t, "Beslut planerade efter avtalsstarten", r.planned_after_start.iter().map(sv::planned_after_start))?;
    risk_list(
        t,
        "Återremitterat eller bordlagt för mer än fyra veckor sedan, utan nytt planerat beslut",
        r.stalled.iter().map(sv::stalled),
    )?;
    risk_list(t, "Planerade beslut som passerat utan utfall", r.overdue.iter().map(sv::overdue))?;
    writeln!(t, "\nParter utan planerat beslut:")?;
    if r.no_planned_decision.is_empty() {
        writeln!(t, "Inga.")?;
    } else {
        writeln!(t, "{}", sv::no_planned(&r.no_planned_decision))?;
    }

    heading(t, "PER DELREGION")?;
    for s in &d.subregions {
        writeln!(
            t,
            "\n{}: {} av {} kommuner har antagit ({} av delregionens invånare)",
            s.name,
            s.municipalities_adopted,
            s.municipalities_total,
            sv::percent(s.population_share_adopted)
        )?;
        for m in &s.municipalities {
            party_line(t, m)?;
        }
    }
    writeln!(t, "\nRegionen")?;
    party_line(t, &d.region)?;
    writeln!(
        t,
        "\nRapporten bygger på de beslut som VästKom registrerat i ratify till och med {}. Beslut som registreras \
         senare, och rättelser, redovisas i nästa rapport.",
        sv::date_time(d.cutoff)
    )?;
    Ok(())
}

fn party_line(t: &mut String, m: &PartyLine) -> std::fmt::Result {
    write!(t, "- {}: {}", m.name, m.status_label)?;
    if let Some(dec) = &m.latest_decision {
        write!(t, " ({})", sv::decision_ref(dec.body.as_deref(), dec.reference.as_deref(), dec.decided_on))?;
    }
    match m.next_planned_on {
        // "Beslut planerat 13 december 2026", not "Beslut planerat, planerat …".
        Some(p) if m.status == Status::Scheduled && m.latest_decision.is_none() => write!(t, " {}", sv::date(p))?,
        Some(p) => write!(t, ", nytt beslut planerat {}", sv::date(p))?,
        None => {}
    }
    writeln!(t)
}

fn risk_list(t: &mut String, title: &str, items: impl Iterator<Item = String>) -> std::fmt::Result {
    writeln!(t, "\n{title}:")?;
    let mut any = false;
    for item in items {
        writeln!(t, "- {item}")?;
        any = true;
    }
    if !any {
        writeln!(t, "Inga.")?;
    }
    Ok(())
}

fn heading(t: &mut String, title: &str) -> std::fmt::Result {
    writeln!(t, "\n{title}\n{}", "=".repeat(title.chars().count()))
}
