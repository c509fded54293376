//! A small, non-interactive map locating one party in the county: the municipality
//! highlighted, or the whole county for the region.

use maud::{html, Markup};

use super::asset_for;

/// `highlight`: the municipality code to highlight, or `None` to highlight the whole county
/// (Västra Götaland's; [`locator_in`] draws another county's).
pub fn locator(highlight: Option<&str>, label: &str) -> Markup {
    locator_in(&[], highlight, label)
}

/// As [`locator`], on the map of `codes`' county (the agreement's parties; the highlighted
/// municipality's own county when it is given).
pub fn locator_in(codes: &[&str], highlight: Option<&str>, label: &str) -> Markup {
    let chosen = match highlight {
        Some(code) => asset_for([code]),
        None => asset_for(codes.iter().copied()),
    };
    let Ok(asset) = chosen else { return html! {} };
    html! {
        svg.locator viewBox=(format!("0 0 {} {}", asset.width, asset.height)) role="img" aria-label=(label) {
            @for m in &asset.municipalities {
                @let on = highlight.is_none_or(|code| code == m.code);
                path.on[on].off[!on] d=(m.path) {}
            }
            // The highlighted municipality again on top, so that its outline is not covered.
            @if let Some(m) = highlight.and_then(|code| asset.municipalities.iter().find(|m| m.code == code)) {
                path.on.top d=(m.path) {}
            }
        }
    }
}
