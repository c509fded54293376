//! How a status looks: a colour-blind-safe fill (derived from the Okabe–Ito palette) plus a
//! pattern, so that colour is never the only carrier, and always the Swedish label next to it.

use maud::{html, Markup};

use crate::ratification::{ConditionState, Status};

/// The two conditions by the names the site and the report give them.
pub const UNANIMITY: &str = "En för alla, alla för en";
pub const MAJORITY: &str = "Majoritetsalternativet";

/// A condition's state in words, as the site and the report say it.
pub fn condition_state_label(state: ConditionState) -> &'static str {
    match state {
        ConditionState::Satisfied => "Uppfyllt",
        ConditionState::Open => "Inte uppfyllt än – kan fortfarande uppfyllas",
        ConditionState::Blocked => "Kan inte uppfyllas med de beslut som har fattats",
    }
}

/// Fill pattern drawn over a status colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    Solid,
    Dots,
    Diagonal,
    BackDiagonal,
    Horizontal,
    Vertical,
    CrossHatch,
}

/// Look of one status: base fill, pattern and the pattern's ink.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    pub fill: &'static str,
    pub pattern: Pattern,
    pub ink: &'static str,
}

pub fn look(status: Status) -> Look {
    let (fill, pattern, ink) = match status {
        Status::NotStarted => ("#f2f2f2", Pattern::Solid, "#f2f2f2"),
        Status::InPreparation => ("#f6eb8e", Pattern::Dots, "#5c5200"),
        Status::Scheduled => ("#a6d8f5", Pattern::Diagonal, "#0b4f7a"),
        Status::Proposed => ("#56b4e9", Pattern::BackDiagonal, "#003b5c"),
        Status::Adopted => ("#009e73", Pattern::Solid, "#009e73"),
        Status::Rejected => ("#d55e00", Pattern::CrossHatch, "#ffffff"),
        Status::ReferredBack => ("#e69f00", Pattern::Horizontal, "#4d3500"),
        Status::Tabled => ("#f5c77e", Pattern::Vertical, "#4d3500"),
        Status::Appealed => ("#cc79a7", Pattern::Dots, "#ffffff"),
        // No party stands in it (a withdrawal counts nowhere); drawn as nothing recorded.
        Status::Withdrawn => ("#f2f2f2", Pattern::Solid, "#f2f2f2"),
    };
    Look { fill, pattern, ink }
}

/// The id of the SVG pattern that paints `status` (defined once per page by [`pattern_defs`]).
pub fn paint_id(status: Status) -> String {
    format!("st-{}", status.code())
}

/// `url(#st-…)` for a `fill` attribute.
pub fn paint(status: Status) -> String {
    format!("url(#{})", paint_id(status))
}

/// An invisible SVG holding one `<pattern>` per status; every map, swatch and chart on the page
/// refers to it. Zero-sized rather than `display:none`, which would stop patterns from painting.
pub fn pattern_defs() -> Markup {
    html! {
        svg.defs width="0" height="0" aria-hidden="true" focusable="false" {
            defs {
                @for status in Status::ALL {
                    (pattern(status))
                }
            }
        }
    }
}

fn pattern(status: Status) -> Markup {
    let Look { fill, pattern, ink } = look(status);
    html! {
        pattern id=(paint_id(status)) patternUnits="userSpaceOnUse" width="10" height="10" {
            rect width="10" height="10" fill=(fill) {}
            @match pattern {
                Pattern::Solid => {},
                Pattern::Dots => { circle cx="5" cy="5" r="1.8" fill=(ink) {} },
                Pattern::Diagonal => { path d="M-1 11L11 -1M-1 1L1 -1M9 11L11 9" stroke=(ink) stroke-width="1.6" {} },
                Pattern::BackDiagonal => { path d="M-1 -1L11 11M9 -1L11 1M-1 9L1 11" stroke=(ink) stroke-width="1.6" {} },
                Pattern::Horizontal => { path d="M0 5H10" stroke=(ink) stroke-width="1.8" {} },
                Pattern::Vertical => { path d="M5 0V10" stroke=(ink) stroke-width="1.8" {} },
                Pattern::CrossHatch => { path d="M-1 11L11 -1M-1 -1L11 11" stroke=(ink) stroke-width="1.4" {} },
            }
        }
    }
}

/// A small square showing the status's fill and pattern (decorative: the label says it).
pub fn swatch(status: Status) -> Markup {
    html! {
        svg.swatch viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false" {
            rect x="0.5" y="0.5" width="19" height="19" fill=(paint(status)) stroke="#1a1a1a" {}
        }
    }
}

/// Swatch plus the Swedish label, for tables and cards.
pub fn badge(status: Status) -> Markup {
    html! {
        span.status { (swatch(status)) " " (status.label_sv()) }
    }
}
