//! A small SVG map of the agreement's municipalities coloured by status (on their county's map;
//! the county's other municipalities drawn neutral), with a legend, for the report
//! (inline in the HTML, so it survives e-mail and print). It draws the site's map asset in the
//! site's status colours, so that the page and the report show a status alike.

use maud::{html, Markup};

use crate::ratification::Status;
use crate::views::map::{asset_for, MapAsset};
use crate::views::status::look;

/// Fill colour per status: the page's (views/status.rs). Dark borders keep shapes readable in
/// grey-scale print; the tables carry the same facts in words.
pub fn colour(status: Status) -> &'static str {
    look(status).fill
}

/// Fill of a municipality on the map that is not a party of the agreement.
const OUTSIDE: &str = "#ffffff";

/// The map for `status_of(code)` (None: not a party of the agreement), drawn on the map of
/// `codes`' county; None if the asset cannot be read.
pub fn svg<'a>(codes: impl IntoIterator<Item = &'a str>, status_of: impl Fn(&str) -> Option<Status>) -> Option<Markup> {
    match asset_for(codes) {
        Ok(a) => Some(svg_of(a, status_of)),
        Err(e) => {
            tracing::error!(error = %e, "the map asset is unreadable; reports go without a map");
            None
        }
    }
}

fn svg_of(a: &MapAsset, status_of: impl Fn(&str) -> Option<Status>) -> Markup {
    let mut used: Vec<Status> = Vec::new();
    for s in a.municipalities.iter().filter_map(|m| status_of(&m.code)) {
        if !used.contains(&s) {
            used.push(s);
        }
    }
    used.sort();
    let outside = a.municipalities.iter().any(|m| status_of(&m.code).is_none());
    let title = map_title(a, outside, a.municipalities.iter().filter(|m| status_of(&m.code).is_some()).count());
    html! {
        figure class="map" {
            svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {} {}", a.width, a.height))
                role="img" aria-labelledby="map-title" {
                title id="map-title" { (title) }
                @for m in &a.municipalities {
                    @if let Some(s) = status_of(&m.code) {
                        path d=(m.path) fill=(colour(s)) stroke="#333" stroke-width="1.2" {
                            title { (m.name) ": " (s.label_sv()) }
                        }
                    } @else {
                        path d=(m.path) fill=(OUTSIDE) stroke="#999" stroke-width="0.8" {
                            title { (m.name) ": ingår inte i avtalet" }
                        }
                    }
                }
            }
            figcaption {
                ul class="legend" {
                    @for s in &used {
                        li { span class="swatch" style=(format!("background:{}", colour(*s))) {} (s.label_sv()) }
                    }
                    @if outside {
                        li { span class="swatch" style=(format!("background:{OUTSIDE}")) {} "Ingår inte i avtalet" }
                    }
                }
                small { (a.attribution) }
            }
        }
    }
}

/// "Karta över Västra Götalands 49 kommuner efter status", or the agreement's part of its county.
fn map_title(a: &MapAsset, outside: bool, n: usize) -> String {
    let county = crate::parties::single_county(a.municipalities.iter().map(|m| m.code.as_str()));
    format!("Karta över {} efter status", crate::parties::map_subject(county, !outside, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_municipality_is_drawn_with_its_status() {
        let markup =
            svg(["1480"], |code| Some(if code == "1480" { Status::Adopted } else { Status::NotStarted })).unwrap();
        let s = markup.into_string();
        assert_eq!(s.matches("<path ").count(), 49);
        assert!(s.contains("Karta över Västra Götalands 49 kommuner efter status"), "today's title for hos-2027");
        assert!(s.contains("Göteborg: Antaget"));
        assert_eq!(s.matches(colour(Status::Adopted)).count(), 2, "one path and one legend swatch");
        assert!(s.contains("Ej påbörjat") && !s.contains("Avslaget"), "the legend lists the statuses shown");
        assert!(!s.contains("<title>") || s.contains("</title>"), "SVG elements are closed");
    }

    #[test]
    fn an_agreements_map_is_its_county_with_the_others_neutral() {
        let parties = ["1430", "1435"];
        let s = svg(parties, |code| parties.contains(&code).then_some(Status::Adopted)).unwrap().into_string();
        assert_eq!(s.matches("<path ").count(), 49, "Västra Götaland's map");
        assert_eq!(s.matches(&format!("fill=\"{}\"", colour(Status::Adopted))).count(), 2);
        assert_eq!(s.matches("ingår inte i avtalet").count(), 47);
        assert!(s.contains("Ingår inte i avtalet"), "the legend says what the neutral areas are");
        let skane = svg(["1280"], |code| (code == "1280").then_some(Status::Rejected)).unwrap().into_string();
        assert_eq!(skane.matches("<path ").count(), 33, "Skåne's map for a Skåne agreement");
        assert!(skane.contains("Karta över avtalets 1 kommun i Skåne län efter status"), "the title names the county");
        assert!(s.contains("Karta över avtalets 2 kommuner i Västra Götalands län"));
        let all_skane = svg(["1280"], |_| Some(Status::Adopted)).unwrap().into_string();
        assert!(all_skane.contains("<title id=\"map-title\">Karta över Skåne läns 33 kommuner efter status</title>"));
    }

    #[test]
    fn the_reports_map_colours_are_the_pages_for_every_status() {
        for status in Status::ALL.into_iter().chain([Status::Withdrawn]) {
            let page = look(status).fill;
            assert_eq!(colour(status), page, "{status:?}");
            let s = svg(["1480"], |_| Some(status)).unwrap().into_string();
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
