//! A small SVG map of the 49 municipalities coloured by status, with a legend, for the report
//! (inline in the HTML, so it survives e-mail and print). The public map component may replace it.

use std::sync::OnceLock;

use maud::{html, Markup};
use serde::Deserialize;

use crate::ratification::Status;

#[derive(Debug, Deserialize)]
struct MapAsset {
    width: u32,
    height: u32,
    attribution: String,
    municipalities: Vec<MapMunicipality>,
}

#[derive(Debug, Deserialize)]
struct MapMunicipality {
    code: String,
    name: String,
    path: String,
}

fn asset() -> Option<&'static MapAsset> {
    static ASSET: OnceLock<Option<MapAsset>> = OnceLock::new();
    ASSET
        .get_or_init(|| match serde_json::from_str(include_str!("../../../assets/map/kommuner.json")) {
            Ok(a) => Some(a),
            Err(e) => {
                tracing::error!(error = %e, "assets/map/kommuner.json is unreadable; reports go without a map");
                None
            }
        })
        .as_ref()
}

/// Fill colour per status: green for adopted, red for rejected, blues for steps on the way,
/// amber for a paused matter, grey for nothing recorded. Dark borders keep shapes readable in
/// grey-scale print; the tables carry the same facts in words.
pub fn colour(status: Status) -> &'static str {
    match status {
        Status::NotStarted => "#e4e4e4",
        Status::InPreparation => "#c6dbef",
        Status::Scheduled => "#6baed6",
        Status::Proposed => "#2171b5",
        Status::Adopted => "#2e8540",
        Status::Rejected => "#c0392b",
        Status::ReferredBack => "#f0b429",
        Status::Tabled => "#f7d774",
        Status::Appealed => "#8e44ad",
        // No party stands in it (a withdrawal counts nowhere); drawn as nothing recorded.
        Status::Withdrawn => "#e4e4e4",
    }
}

/// The map for `status_of(code)`; None if the asset cannot be read.
pub fn svg(status_of: impl Fn(&str) -> Option<Status>) -> Option<Markup> {
    let a = asset()?;
    let mut used: Vec<Status> = Vec::new();
    for m in &a.municipalities {
        let s = status_of(&m.code).unwrap_or(Status::NotStarted);
        if !used.contains(&s) {
            used.push(s);
        }
    }
    used.sort();
    Some(html! {
        figure class="map" {
            svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {} {}", a.width, a.height))
                role="img" aria-labelledby="map-title" {
                title id="map-title" { "Karta över Västra Götalands 49 kommuner efter status" }
                @for m in &a.municipalities {
                    @let s = status_of(&m.code).unwrap_or(Status::NotStarted);
                    path d=(m.path) fill=(colour(s)) stroke="#333" stroke-width="1.2" {
                        title { (m.name) ": " (s.label_sv()) }
                    }
                }
            }
            figcaption {
                ul class="legend" {
                    @for s in &used {
                        li { span class="swatch" style=(format!("background:{}", colour(*s))) {} (s.label_sv()) }
                    }
                }
                small { (a.attribution) }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_municipality_is_drawn_with_its_status() {
        let markup = svg(|code| Some(if code == "1480" { Status::Adopted } else { Status::NotStarted })).unwrap();
        let s = markup.into_string();
        assert_eq!(s.matches("<path ").count(), 49);
        assert!(s.contains("Göteborg: Antaget"));
        assert_eq!(s.matches(colour(Status::Adopted)).count(), 2, "one path and one legend swatch");
        assert!(s.contains("Ej påbörjat") && !s.contains("Avslaget"), "the legend lists the statuses shown");
        assert!(!s.contains("<title>") || s.contains("</title>"), "SVG elements are closed");
    }
}
