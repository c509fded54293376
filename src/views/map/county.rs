//! The geographic map: each municipality a link to its page, filled by status.

use maud::{html, Markup};

use super::{area_title, asset_for, by_code, Entry};
use crate::views::status::paint;

/// The interactive county map of the entries' county (Sweden's if they span several).
/// `entries` carries the status and link of every municipality; one missing from it (not a party
/// of the agreement) is drawn without a link, neutral.
pub fn county(entries: &[Entry], label: &str) -> Markup {
    let Ok(asset) = asset_for(entries.iter().map(|e| e.code.as_str())) else { return unavailable() };
    let by_code = by_code(entries);
    html! {
        svg.map.map-county viewBox=(format!("0 0 {} {}", asset.width, asset.height)) aria-label=(label) {
            @for m in &asset.municipalities {
                @if let Some(entry) = by_code.get(m.code.as_str()) {
                    a href=(entry.href) fill=(paint(entry.status)) {
                        title { (area_title(entry)) }
                        path #(area_id(&m.code)) d=(m.path) {}
                    }
                } @else {
                    path.unknown d=(m.path) {}
                }
            }
            // Every linked area again, drawn last and invisible: the stylesheet outlines the one
            // whose link has keyboard focus here, so that no neighbour drawn later covers the
            // outline (SVG has no z-index). The n-th <use> belongs to the n-th link.
            g.focus-layer aria-hidden="true" {
                @for m in asset.municipalities.iter().filter(|m| by_code.contains_key(m.code.as_str())) {
                    use href=(format!("#{}", area_id(&m.code))) {}
                }
            }
        }
    }
}

fn area_id(code: &str) -> String {
    format!("kommun-{code}")
}

/// CSS for the focus layer: one rule per link position, up to `n` links.
pub fn focus_layer_css(n: usize) -> String {
    (1..=n)
        .map(|i| {
            format!(
                "svg.map > a:nth-of-type({i}):focus-visible ~ .focus-layer > use:nth-of-type({i}) {{ stroke: #000; stroke-width: 5px; }}\n"
            )
        })
        .collect()
}

pub(super) fn unavailable() -> Markup {
    html! { p.notice { "Kartan kan inte visas just nu. Tabellen nedan visar samma uppgifter." } }
}
