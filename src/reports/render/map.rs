//! A small SVG map of the 49 municipalities coloured by status, with a legend, for the report
//! (inline in the HTML, so it survives e-mail and print). It draws the site's map asset in the
//! site's status colours, so that the page and the report show a status alike.

use maud::{html, Markup};

use crate::ratification::Status;
use crate::views::map::{asset, MapAsset};
use crate::views::status::look;

/// Fill colour per status: the page's (views/status.rs). Dark borders keep shapes readable in
/// grey-scale print; the tables carry the same facts in words.
pub fn colour(status: Status) -> &'static str {
    look(status).fill
}

/// The map for `status_of(code)`; None if the asset cannot be read.
pub fn svg(status_of: impl Fn(&str) -> Option<Status>) -> Option<Markup> {
    match asset() {
        Ok(a) => Some(svg_of(a, status_of)),
        Err(e) => {
            tracing::error!(error = %e, "the map asset is unreadable; reports go without a map");
            None
        }
    }
}

fn svg_of(a: &MapAsset, status_of: impl Fn(&str) -> Option<Status>) -> Markup {
    let mut used: Vec<Status> = Vec::new();
    for m in &a.municipalities {
        let s = status_of(&m.code).unwrap_or(Status::NotStarted);
        if !used.contains(&s) {
            used.push(s);
        }
    }
    used.sort();
    html! {
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
    }
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

    #[test]
    fn the_reports_map_colours_are_the_pages_for_every_status() {
        for status in Status::ALL.into_iter().chain([Status::Withdrawn]) {
            let page = look(status).fill;
            assert_eq!(colour(status), page, "{status:?}");
            let s = svg(|_| Some(status)).unwrap().into_string();
            assert_eq!(s.matches(&format!("fill=\"{page}\"")).count(), 49, "{status:?}: every path in the page's fill");
            assert!(s.contains(&format!("background:{page}")), "{status:?}: the legend in the page's fill");
        }
    }

    #[test]
    fn a_map_asset_with_a_non_integer_width_still_gives_the_report_a_map() {
        let mut json: serde_json::Value =
            serde_json::from_str(include_str!("../../../assets/map/kommuner.json")).unwrap();
        json["width"] = serde_json::json!(812.5);
        json["height"] = serde_json::json!(1033.25);
        let a = crate::views::map::parse(&json.to_string()).expect("a fractional size is a valid asset");
        let s = svg_of(&a, |_| Some(Status::Adopted)).into_string();
        assert!(s.contains("viewBox=\"0 0 812.5 1033.25\""), "{}", &s[..200]);
        assert_eq!(s.matches("<path ").count(), 49);
    }
}
