//! The report as one self-contained HTML document for phone and print. Its CSS lives in a
//! `<style>` element on purpose: the same document is the e-mail's HTML part, and e-mail clients
//! load no style sheets.

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::{map, sv};
use crate::reports::content::{PartyLine, ReportData};

const CSS: &str = r#"
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1b1b1b;background:#fff;line-height:1.45}
main{max-width:46rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.2rem 0 .5rem}h2{font-size:1.2rem;margin:1.8rem 0 .5rem;border-bottom:2px solid #1b1b1b}
h3{font-size:1.05rem;margin:1.2rem 0 .3rem}.kicker{margin:0;color:#444;font-weight:600}
.conditions{display:flex;flex-wrap:wrap;gap:.75rem}.condition{flex:1 1 14rem;border:2px solid #555;border-radius:6px;padding:.6rem .8rem}
.condition p{margin:.2rem 0}.state{font-weight:700;font-size:1.1rem}
.satisfied{border-color:#006b4f}.blocked{border-color:#a33c00}
.outcome{font-weight:600;margin:.8rem 0}
table{border-collapse:collapse;width:100%;font-size:.92rem;margin:.3rem 0}
th,td{text-align:left;padding:.3rem .4rem;border-bottom:1px solid #bbb;vertical-align:top;overflow-wrap:break-word}
th{background:#f0f0f0}td.num,th.num{text-align:right}
ul{padding-left:1.2rem}.changes li{margin:.25rem 0}.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3rem 1rem}
.swatch{display:inline-block;width:.9rem;height:.9rem;border:1px solid #333;margin-right:.3rem;vertical-align:-.1rem}
.map svg{width:100%;max-width:30rem;height:auto;display:block;margin:0 auto}
.muted{color:#555}small{color:#555}a{color:#0b4f8a}
.summary{border-left:4px solid #0b4f8a;padding:.2rem .8rem;margin:1rem 0;background:#f4f7fb}.summary p{margin:.4rem 0}
@page{size:A4;margin:16mm 15mm 18mm}
@media print{
body{font-size:10pt;line-height:1.35;background:#fff}main{max-width:none;padding:0}
h1{font-size:16pt}h2{font-size:12.5pt;margin:1rem 0 .4rem;break-after:avoid}h3{font-size:11pt;break-after:avoid}
.conditions{display:block}.condition{margin:0 0 .4rem;break-inside:avoid}
table{font-size:9pt}thead{display:table-header-group}tr,li{break-inside:avoid}
.summary{background:none}.map svg{max-width:11cm}figure,.map{break-inside:avoid}
a{color:#000;text-decoration:none}
}
"#;

/// The mark of a demo database's report, first in the body: an inline style, since e-mail has
/// no stylesheet.
fn demo_banner() -> Markup {
    html! {
        p class="demo-banner" style="background:#fff3bf;color:#3d2e00;border:2px solid #b8860b;padding:0.5em 1em;font-weight:bold" {
            (crate::demo::banner::TEXT) ". Rapporten bygger på den påhittade historiken från ratify demo."
        }
    }
}

pub fn render(d: &ReportData) -> String {
    render_titled(d, "Hälso- och sjukvårdsavtalet")
}

/// The report with its title naming the agreement by `short_title`.
pub fn render_titled(d: &ReportData, short_title: &str) -> String {
    let title = format!("Lägesrapport vecka {} – {short_title}", week_label(&d.week));
    let markup = html! {
        (DOCTYPE)
        html lang="sv" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                @if d.demo { (demo_banner()) }
                main {
                    (header(d))
                    (summary(d))
                    (conditions(d))
                    (changes(d))
                    (planned(d))
                    (risk(d))
                    (map_section(d))
                    (subregions(d))
                    footer {
                        p class="muted" {
                            "Rapporten bygger på de beslut som VästKom registrerat i ratify till och med "
                            (sv::date_time(d.cutoff)) ". Beslut som registreras senare, och rättelser, "
                            "redovisas i nästa rapport."
                        }
                    }
                }
            }
        }
    };
    markup.into_string()
}

/// `48, 2026` from `2026-W48`.
pub fn week_label(week: &str) -> String {
    match week.split_once("-W") {
        Some((year, w)) => format!("{}, {year}", w.trim_start_matches('0')),
        None => week.to_string(),
    }
}

fn header(d: &ReportData) -> Markup {
    html! {
        header {
            p class="kicker" { "Lägesrapport nr " (d.number) " till SRO" }
            h1 { "Vecka " (week_label(&d.week)) }
            p class="muted" { (d.status.agreement.title) "." }
            p {
                "Läget den " strong { (sv::date(d.as_of)) } ". Avtalet ska gälla från "
                (sv::date(d.status.agreement.starts_on)) "."
            }
        }
    }
}

/// What changed and where the municipalities stand before the start: what SRO reads first.
fn summary(d: &ReportData) -> Markup {
    let lines: Vec<String> = [sv::since_previous(d), sv::before_start(d)].into_iter().flatten().collect();
    html! {
        @if !lines.is_empty() {
            section.summary aria-label="I korthet" {
                @for line in &lines { p { (line) } }
            }
        }
    }
}

fn conditions(d: &ReportData) -> Markup {
    let s = &d.status;
    let u = &s.conditions.unanimity;
    let m = &s.conditions.majority;
    let class = |state| match state {
        crate::ratification::ConditionState::Satisfied => "condition satisfied",
        crate::ratification::ConditionState::Blocked => "condition blocked",
        crate::ratification::ConditionState::Open => "condition",
    };
    html! {
        section {
            h2 { "Villkoren" }
            div class="conditions" {
                div class=(class(u.state)) {
                    p { strong { (sv::UNANIMITY) } " (alla 50 parter antar)" }
                    p class="state" { (sv::condition_state(u.state)) }
                    p { (u.adopted) " av " (u.required) " parter har antagit avtalet." }
                    @if !u.blocking.is_empty() {
                        p { "Har avslagit: " (names(d, &u.blocking)) "." }
                    }
                    p class="muted" { "Det betyder att " (sv::condition_explanation(u.state)) "." }
                }
                div class=(class(m.state)) {
                    p { strong { (sv::MAJORITY) } " (minst " (m.required) " kommuner och regionen)" }
                    p class="state" { (sv::condition_state(m.state)) }
                    p {
                        (m.municipalities_adopted) " av " (s.municipalities_total) " kommuner har antagit. Regionen "
                        (if m.region_adopted { "har antagit" } else { "har inte antagit" }) "."
                    }
                    @if !m.blocking.is_empty() {
                        p { "Hindrar villkoret: " (names(d, &m.blocking)) "." }
                    }
                    p class="muted" { "Det betyder att " (sv::condition_explanation(m.state)) "." }
                }
            }
            p class="outcome" { (sv::outcome(s.outcome.applies_to)) }
            p { (sv::population(d)) }
            table {
                caption class="muted" { "Antal parter per status" }
                thead { tr { th { "Status" } th class="num" { "Parter" } } }
                tbody {
                    @for (status, n) in s.counts.iter() {
                        @if n > 0 { tr { td { (status.label_sv()) } td class="num" { (n) } } }
                    }
                }
            }
        }
    }
}

/// The parties' names for their codes, in the order given.
pub fn names(d: &ReportData, codes: &[String]) -> String {
    let name = |code: &String| {
        if code == &d.region.code {
            return d.region.name.clone();
        }
        d.subregions
            .iter()
            .flat_map(|s| &s.municipalities)
            .find(|m| &m.code == code)
            .map(|m| m.name.clone())
            .unwrap_or_else(|| code.clone())
    };
    codes.iter().map(name).collect::<Vec<_>>().join(", ")
}

fn changes(d: &ReportData) -> Markup {
    html! {
        section {
            h2 { "Förändringar sedan förra rapporten" }
            @match &d.previous {
                Some(p) => {
                    p class="muted" {
                        "Uppgifter registrerade efter rapport nr " (p.number) " (" (sv::date_time(p.cutoff)) "), även rättelser."
                    }
                    @if d.changes.is_empty() {
                        p { "Inga nya uppgifter har registrerats sedan förra rapporten." }
                    } @else {
                        ul class="changes" {
                            @for c in &d.changes {
                                li {
                                    (sv::change_sentence(c))
                                    @if let Some(url) = &c.protocol_url {
                                        " " a href=(url) { "Protokoll" span.visually-hidden { " för " (c.party_name) } }
                                    }
                                    @if let Some(note) = &c.note { br; span class="muted" { (note) } }
                                }
                            }
                        }
                    }
                },
                None => p { (sv::first_report_summary(d, "Per delregion")) },
            }
        }
    }
}

fn planned(d: &ReportData) -> Markup {
    let starts_on = d.status.agreement.starts_on;
    html! {
        section {
            h2 { "Planerade beslut de kommande fyra veckorna" }
            p class="muted" { "Till och med " (sv::date(d.planned_until)) "." }
            @if d.planned.is_empty() {
                p { "Inga beslut är planerade under perioden." }
            } @else {
                table {
                    thead { tr { th { "Datum" } th { "Part" } th { "Status nu" } } }
                    tbody {
                        @for p in &d.planned {
                            tr {
                                td {
                                    (sv::date(p.planned_on))
                                    @if p.planned_on >= starts_on { " (efter avtalsstarten)" }
                                }
                                td { (p.party_name) }
                                td { (p.status_label) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn risk(d: &ReportData) -> Markup {
    let r = &d.risk;
    html! {
        section {
            h2 { "Risker" }
            @if let Some(days) = sv::days_left(d) { p { strong { (days) } } }
            h3 { "Beslut planerade efter avtalsstarten" }
            @if r.planned_after_start.is_empty() { p { "Inga." } } @else {
                ul { @for p in &r.planned_after_start { li { (sv::planned_after_start(p)) } } }
            }
            h3 { "Återremitterat eller bordlagt för mer än fyra veckor sedan, utan nytt planerat beslut" }
            @if r.stalled.is_empty() { p { "Inga." } } @else {
                ul { @for s in &r.stalled { li { (sv::stalled(s)) } } }
            }
            h3 { "Planerade beslut som passerat utan utfall" }
            @if r.overdue.is_empty() { p { "Inga." } } @else {
                ul { @for o in &r.overdue { li { (sv::overdue(o)) } } }
            }
            h3 { "Parter utan planerat beslut" }
            @if r.no_planned_decision.is_empty() { p { "Inga." } } @else {
                p { (sv::no_planned(&r.no_planned_decision)) }
            }
        }
    }
}

fn map_section(d: &ReportData) -> Markup {
    let municipalities = || d.subregions.iter().flat_map(|s| &s.municipalities);
    let status_of = |code: &str| municipalities().find(|m| m.code == code).map(|m| m.status);
    let codes: Vec<&str> = municipalities().map(|m| m.code.as_str()).collect();
    html! {
        section {
            h2 { "Karta" }
            @if let Some(svg) = map::svg(codes.iter().copied(), status_of) { (svg) }
            p { "Regionen (" (d.region.name) "): " strong { (d.region.status_label) } "." }
        }
    }
}

fn party_row(m: &PartyLine) -> Markup {
    html! {
        tr {
            td { (m.name) }
            td { (m.status_label) }
            td {
                @if let Some(dec) = &m.latest_decision {
                    (sv::decision_ref(dec.body.as_deref(), dec.reference.as_deref(), dec.decided_on))
                }
                @if let Some(p) = m.next_planned_on {
                    @if m.latest_decision.is_some() { br; }
                    "Planerat: " (sv::date(p))
                }
            }
        }
    }
}

fn subregions(d: &ReportData) -> Markup {
    html! {
        section {
            h2 { "Per delregion" }
            @for s in &d.subregions {
                h3 { (s.name) }
                p class="muted" {
                    (s.municipalities_adopted) " av " (s.municipalities_total) " kommuner har antagit ("
                    (sv::percent(s.population_share_adopted)) " av delregionens invånare)."
                }
                table {
                    thead { tr { th { "Kommun" } th { "Status" } th { "Senaste beslut, planerat beslut" } } }
                    tbody { @for m in &s.municipalities { (party_row(m)) } }
                }
            }
            h3 { "Regionen" }
            table {
                thead { tr { th { "Part" } th { "Status" } th { "Senaste beslut, planerat beslut" } } }
                tbody { (party_row(&d.region)) }
            }
        }
    }
}
