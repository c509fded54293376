//! The report as plain text: the e-mail's text part, readable in any client and by screen readers.

use std::fmt::Write;

use super::html::week_label;
use super::sv;
use crate::reports::content::ReportData;

pub fn render(d: &ReportData) -> String {
    let mut t = String::new();
    // Writing to a String cannot fail.
    let _ = write_report(&mut t, d);
    t
}

fn write_report(t: &mut String, d: &ReportData) -> std::fmt::Result {
    let s = &d.status;
    writeln!(t, "LÄGESRAPPORT NR {} TILL SRO – VECKA {}", d.number, week_label(&d.week))?;
    writeln!(t, "{}", s.agreement.title)?;
    writeln!(t, "Läget den {}. Avtalet ska gälla från {}.", sv::date(d.as_of), sv::date(s.agreement.starts_on))?;
    heading(t, "VILLKOREN")?;
    let u = &s.conditions.unanimity;
    writeln!(
        t,
        "En för alla, alla för en: {} – {} av {} parter har antagit.",
        sv::condition_state(u.state),
        u.adopted,
        u.required
    )?;
    let m = &s.conditions.majority;
    writeln!(
        t,
        "Flertalet: {} – {} av {} kommuner (minst {}); regionen {}.",
        sv::condition_state(m.state),
        m.municipalities_adopted,
        s.municipalities_total,
        m.required,
        if m.region_adopted { "har antagit" } else { "har inte antagit" }
    )?;
    writeln!(t, "{}", sv::outcome(s.outcome.applies_to, s.outcome.parties.len()))?;
    writeln!(
        t,
        "{} av länets invånare bor i kommuner som har antagit; utfallet omfattar {}.",
        sv::percent(d.population.adopted_share),
        sv::percent(d.population.outcome_share)
    )?;

    heading(t, "FÖRÄNDRINGAR SEDAN FÖRRA RAPPORTEN")?;
    if let Some(p) = &d.previous {
        writeln!(t, "(registrerade efter rapport nr {}, {})", p.number, sv::date_time(p.cutoff))?;
    }
    if d.changes.is_empty() {
        writeln!(t, "Inga nya händelser.")?;
    }
    for c in &d.changes {
        write!(t, "- {}: {}", c.party_name, sv::change(c))?;
        if let Some(id) = c.corrects {
            write!(t, ". Rättelse av händelse {id}")?;
        }
        if let Some(id) = c.corrected_by {
            write!(t, ". Rättad av händelse {id}, gäller inte")?;
        }
        if let Some(note) = &c.note {
            write!(t, ". {note}")?;
        }
        writeln!(t)?;
    }

    heading(t, "PLANERADE BESLUT DE KOMMANDE FYRA VECKORNA")?;
    if d.planned.is_empty() {
        writeln!(t, "Inga beslut planerade till och med {}.", sv::date(d.planned_until))?;
    }
    for p in &d.planned {
        writeln!(t, "- {}: {}", sv::date(p.planned_on), p.party_name)?;
    }

    heading(t, "RISKER")?;
    writeln!(t, "Planerade beslut som passerat utan utfall: {}", d.risk.overdue.len())?;
    for o in &d.risk.overdue {
        writeln!(t, "- {}: planerat {}", o.name, sv::date(o.planned_on))?;
    }
    writeln!(t, "Parter utan planerat beslut: {}", d.risk.no_planned_decision.len())?;
    let names: Vec<&str> = d.risk.no_planned_decision.iter().map(|p| p.name.as_str()).collect();
    if !names.is_empty() {
        writeln!(t, "{}", names.join(", "))?;
    }

    heading(t, "PER DELREGION")?;
    for s in &d.subregions {
        writeln!(
            t,
            "\n{}: {} av {} kommuner har antagit ({} av invånarna)",
            s.name,
            s.municipalities_adopted,
            s.municipalities_total,
            sv::percent(s.population_share_adopted)
        )?;
        for m in &s.municipalities {
            write!(t, "- {}: {}", m.name, m.status_label)?;
            if let Some(dec) = &m.latest_decision {
                write!(t, " ({})", sv::decision_ref(dec.body.as_deref(), dec.reference.as_deref(), dec.decided_on))?;
            }
            if let Some(p) = m.next_planned_on {
                write!(t, ", planerat {}", sv::date(p))?;
            }
            writeln!(t)?;
        }
    }
    writeln!(t, "\nRegionen ({}): {}", d.region.name, d.region.status_label)?;
    writeln!(
        t,
        "\nUppgifter registrerade till och med {}. Senare beslut och rättelser redovisas i nästa rapport.",
        sv::date_time(d.cutoff)
    )?;
    Ok(())
}

fn heading(t: &mut String, title: &str) -> std::fmt::Result {
    writeln!(t, "\n{title}\n{}", "=".repeat(title.chars().count()))
}
