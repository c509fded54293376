//! A small, non-interactive map locating one party in the county: the municipality
//! highlighted, or the whole county for the region.

use maud::{html, Markup};

use super::asset;

/// `highlight`: the municipality code to highlight, or `None` to highlight the whole county.
pub fn locator(highlight: Option<&str>, label: &str) -> Markup {
    let Ok(asset) = asset() else { return html! {} };
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
