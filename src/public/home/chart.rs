//! The history chart of `/`: municipalities counting as adopted over time (from the rules
//! engine's `adoption_history`), the majority threshold, the end of the decision period, the
//! start date, and the planned decisions ahead as a dashed projection. Server-rendered SVG with
//! a title, a description and a table equivalent.

use chrono::{Datelike, Months, NaiveDate};
use maud::{html, Markup};

use super::projection::Projection;
use crate::ratification::Evaluation;
use crate::snapshot::Snapshot;
use crate::views::{format, planned};

const W: f64 = 760.0;
const H: f64 = 330.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 62.0;
const BOTTOM: f64 = 40.0;

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// How far the axis reaches at most before the decision period starts and after the agreement
/// starts. Every day of the axis up to the evaluation date is computed (`adoption_history`) and
/// every month drawn, so a far date (a `?datum=`, a stored `planned_on`) must not stretch it.
const MONTHS_BEFORE_PERIOD: u32 = 12;
const MONTHS_AFTER_START: u32 = 36;

/// The axis: from the start of the decision period (nine months ending with its last day), or
/// the first event if earlier, to the month after the start date, the evaluation date or the
/// last planned meeting, whichever is latest — within the bounds above.
fn range(snapshot: &Snapshot, as_of: NaiveDate, projection: &Projection) -> (NaiveDate, NaiveDate) {
    let agreement = &snapshot.agreement;
    let period_start = agreement
        .decision_period_ends_on
        .checked_sub_months(Months::new(8))
        .map_or(agreement.decision_period_ends_on, first_of_month);
    let earliest = period_start.checked_sub_months(Months::new(MONTHS_BEFORE_PERIOD)).unwrap_or(period_start);
    let latest = first_of_month(agreement.starts_on)
        .checked_add_months(Months::new(MONTHS_AFTER_START + 1))
        .unwrap_or(agreement.starts_on);
    let first_event = snapshot.first_effective_on();
    // Not stretched back to an early evaluation date: the chart then shows no history yet.
    let from = first_of_month(first_event.map_or(period_start, |d| d.min(period_start))).max(earliest);
    let last = [Some(agreement.starts_on), Some(as_of), projection.steps.last().map(|(d, _)| *d)]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(agreement.starts_on);
    let to = first_of_month(last).checked_add_months(Months::new(1)).unwrap_or(last).min(latest).max(from);
    (from, to)
}

/// The days on which the count changed, with the new count (the first day included).
fn change_points(history: &[(NaiveDate, u32)]) -> Vec<(NaiveDate, u32)> {
    let mut points: Vec<(NaiveDate, u32)> = Vec::new();
    for &(d, n) in history {
        if points.last().is_none_or(|&(_, last)| last != n) {
            points.push((d, n));
        }
    }
    points
}

struct Scale {
    from: NaiveDate,
    days: f64,
    max: f64,
}

impl Scale {
    fn x(&self, d: NaiveDate) -> f64 {
        LEFT + ((d - self.from).num_days() as f64 / self.days).clamp(0.0, 1.0) * (W - LEFT - RIGHT)
    }
    fn y(&self, n: u32) -> f64 {
        TOP + (1.0 - f64::from(n) / self.max) * (H - TOP - BOTTOM)
    }
}

/// The projection sentence, also used as the chart's description.
pub fn projection_sentence(projection: &Projection, eval: &Evaluation, starts_on: NaiveDate) -> String {
    if projection.majority_already {
        return "Majoritetsalternativet är redan uppfyllt.".into();
    }
    if projection.planned.is_empty() {
        return "Inga beslut är planerade framåt, så majoriteten nås inte utan nya beslut.".into();
    }
    match projection.majority_on {
        Some(d) if planned::after_start(d, starts_on) => format!(
            "Om alla planerade beslut blir antaganden nås majoriteten den {}, efter avtalsstarten {}.",
            format::date(d),
            format::date(starts_on)
        ),
        Some(d) => format!("Om alla planerade beslut blir antaganden nås majoriteten den {}.", format::date(d)),
        None => {
            let mut why = format!(
                "Om alla planerade beslut blir antaganden nås majoriteten ändå inte: då har {} av de {} kommuner som krävs antagit avtalet",
                projection.final_municipalities, eval.majority.required
            );
            if !projection.final_region_adopted {
                why.push_str(", och regionen har inte antagit det");
            }
            why.push('.');
            why
        }
    }
}

pub fn section(snapshot: &Snapshot, eval: &Evaluation, projection: &Projection, is_today: bool) -> Markup {
    let as_of = eval.as_of;
    let (from, to) = range(snapshot, as_of, projection);
    let history = if as_of >= from { snapshot.adoption_history(from, as_of.min(to)) } else { Vec::new() };
    let changes = change_points(&history);
    let current = eval.municipalities_adopted;
    let scale =
        Scale { from, days: ((to - from).num_days().max(1)) as f64, max: f64::from(eval.municipalities_total.max(1)) };
    let sentence = projection_sentence(projection, eval, snapshot.agreement.starts_on);
    let starts_on = snapshot.agreement.starts_on;
    let late = projection.planned.iter().filter(|p| planned::after_start(p.on, starts_on)).count();
    let now_label = if is_today { "I dag" } else { "Valt datum" };
    let desc = format!(
        "Antalet kommuner som har antagit avtalet från {} till {}, då {} av {} hade antagit det. Majoritetsgränsen är {} kommuner. {}",
        format::date(from),
        format::date(as_of),
        current,
        eval.municipalities_total,
        eval.majority.required,
        sentence
    );

    // The adopted line: a step path through the change points, held until the evaluation date.
    let mut line = String::new();
    for (i, &(d, n)) in changes.iter().enumerate() {
        if i == 0 {
            line.push_str(&format!("M{:.1} {:.1}", scale.x(d), scale.y(n)));
        } else {
            line.push_str(&format!("H{:.1}V{:.1}", scale.x(d), scale.y(n)));
        }
    }
    if !line.is_empty() {
        line.push_str(&format!("H{:.1}", scale.x(as_of)));
    }
    let mut dashed = String::new();
    if !projection.steps.is_empty() {
        dashed.push_str(&format!("M{:.1} {:.1}", scale.x(as_of), scale.y(current)));
        for &(d, n) in &projection.steps {
            dashed.push_str(&format!("H{:.1}V{:.1}", scale.x(d), scale.y(n)));
        }
    }

    let markers = [
        (snapshot.agreement.decision_period_ends_on, "Beslutsperioden slut", "marker-period"),
        (as_of, now_label, "marker-today"),
        (snapshot.agreement.starts_on, "Avtalet börjar", "marker-start"),
    ];
    let months: Vec<NaiveDate> = from.iter_days().take_while(|d| *d <= to).filter(|d| d.day() == 1).collect();
    let step = months.len().div_ceil(9).max(1);
    let threshold_y = scale.y(eval.majority.required);

    html! {
        section.history #historik aria-labelledby="historik-rubrik" {
            h2 #historik-rubrik { "Antaganden över tid" }
            p.projection { (sentence) }
            figure.chart {
                svg.chart-svg viewBox=(format!("0 0 {W} {H}")) role="img" aria-labelledby="chart-title chart-desc" {
                    title #chart-title { "Antal kommuner som har antagit avtalet över tid" }
                    desc #chart-desc { (desc) }
                    // Grid and y axis.
                    @for n in (0..=eval.municipalities_total).step_by(10).chain(std::iter::once(eval.municipalities_total)) {
                        line.grid x1=(LEFT) x2=(W - RIGHT) y1=(format!("{:.1}", scale.y(n))) y2=(format!("{:.1}", scale.y(n))) {}
                        text.axis-label x=(LEFT - 6.0) y=(format!("{:.1}", scale.y(n) + 4.0)) text-anchor="end" { (n) }
                    }
                    // Month ticks.
                    @for (i, m) in months.iter().enumerate() {
                        line.tick x1=(format!("{:.1}", scale.x(*m))) x2=(format!("{:.1}", scale.x(*m))) y1=(H - BOTTOM) y2=(H - BOTTOM + 5.0) {}
                        @if i % step == 0 {
                            text.axis-label x=(format!("{:.1}", scale.x(*m))) y=(H - BOTTOM + 20.0) text-anchor="middle" { (format::month_short(*m)) }
                        }
                    }
                    line.axis x1=(LEFT) x2=(W - RIGHT) y1=(H - BOTTOM) y2=(H - BOTTOM) {}
                    // The majority threshold.
                    line.threshold x1=(LEFT) x2=(W - RIGHT) y1=(format!("{threshold_y:.1}")) y2=(format!("{threshold_y:.1}")) {}
                    text.chart-note x=(LEFT + 6.0) y=(format!("{:.1}", threshold_y - 6.0)) { "Majoritet: " (eval.majority.required) " kommuner" }
                    // Dates marked.
                    @for (i, (d, label, class)) in markers.iter().enumerate() {
                        @if *d >= from && *d <= to {
                            @let x = scale.x(*d);
                            @let y = 14.0 + 15.0 * i as f64;
                            line class=(format!("marker {class}")) x1=(format!("{x:.1}")) x2=(format!("{x:.1}")) y1=(format!("{:.1}", y + 4.0)) y2=(H - BOTTOM) {}
                            @if x > W - 200.0 {
                                text.chart-note x=(format!("{:.1}", x - 4.0)) y=(format!("{y:.1}")) text-anchor="end" { (label) " " (format::date(*d)) }
                            } @else {
                                text.chart-note x=(format!("{:.1}", x + 4.0)) y=(format!("{y:.1}")) { (label) " " (format::date(*d)) }
                            }
                        }
                    }
                    @if !dashed.is_empty() { path.projection-line d=(dashed) {} }
                    @if !line.is_empty() { path.adopted-line d=(line) {} }
                }
                figcaption {
                    ul.chart-legend {
                        li { svg width="28" height="10" aria-hidden="true" focusable="false" { line.adopted-line x1="0" x2="28" y1="5" y2="5" {} } " Kommuner som har antagit" }
                        @if !dashed.is_empty() {
                            li {
                                svg width="28" height="10" aria-hidden="true" focusable="false" { line.projection-line x1="0" x2="28" y1="5" y2="5" {} }
                                " Om alla planerade beslut blir antaganden"
                                @if late > 0 {
                                    " (" (late) " av dem " strong.after-start { "efter avtalsstarten" } " " (format::date(starts_on)) ")"
                                }
                            }
                        }
                        li { svg width="28" height="10" aria-hidden="true" focusable="false" { line.threshold x1="0" x2="28" y1="5" y2="5" {} } " Gräns för majoritet" }
                    }
                }
            }
            details.chart-table {
                summary { "Visa diagrammets uppgifter som tabell" }
                table {
                    caption { "Antal kommuner som har antagit avtalet" }
                    thead { tr { th scope="col" { "Från och med" } th scope="col" { "Kommuner som har antagit" } } }
                    tbody {
                        @for (d, n) in &changes {
                            tr { td { (format::date(*d)) } td { (n) } }
                        }
                    }
                }
                @if !projection.planned.is_empty() {
                    table {
                        caption { "Planerade beslut framåt" }
                        thead { tr { th scope="col" { "Sammanträde" } th scope="col" { "Part" } } }
                        tbody {
                            @for p in &projection.planned {
                                tr { td { (format::date(p.on)) (planned::flag(p.on, starts_on)) } td { (p.name) } }
                            }
                        }
                    }
                    table {
                        caption { "Om alla planerade beslut blir antaganden" }
                        thead { tr { th scope="col" { "Efter sammanträden" } th scope="col" { "Kommuner som har antagit" } } }
                        tbody {
                            @for (d, n) in &projection.steps {
                                tr { td { (format::date(*d)) } td { (n) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn change_points_keep_only_changes() {
        let history = vec![(d(1, 1), 0), (d(1, 2), 0), (d(1, 3), 2), (d(1, 4), 2), (d(1, 5), 1)];
        assert_eq!(change_points(&history), vec![(d(1, 1), 0), (d(1, 3), 2), (d(1, 5), 1)]);
        assert!(change_points(&[]).is_empty());
    }
}
