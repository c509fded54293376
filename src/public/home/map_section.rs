//! The map section of `/`: the geographic map or the hexagon grid (chosen by `?vy=`), the region
//! as its own badge, and the legend with the number of municipalities per status.

use maud::{html, Markup};

use super::query::{HomeQuery, View};
use crate::parties;
use crate::public::links;
use crate::ratification::{Evaluation, PartyKind, Status, StatusCounts};
use crate::snapshot::Snapshot;
use crate::views::format;
use crate::views::map::{self, Entry};
use crate::views::status::{badge, swatch};

pub fn section(snapshot: &Snapshot, eval: &Evaluation, query: &HomeQuery) -> Markup {
    let entries: Vec<Entry> = snapshot
        .parties
        .iter()
        .zip(&eval.parties)
        .filter(|(p, _)| p.kind == PartyKind::Municipality)
        .map(|(p, s)| Entry {
            code: p.code.clone(),
            name: p.name.clone(),
            status: s.status,
            href: links::party(&query.prefix, &p.code, query.date),
        })
        .collect();
    let mut counts = StatusCounts::default();
    for e in &entries {
        counts.add(e.status);
    }
    let region = snapshot.parties.iter().zip(&eval.parties).find(|(p, _)| p.kind == PartyKind::Region);
    let tiles = if query.view == View::Tiles { ", som lika stora sexhörningar" } else { "" };
    // The map is the county's (Sweden's when the parties span counties): an agreement over some
    // of its municipalities is drawn in it, the others grey and without links.
    let county = parties::single_county(entries.iter().map(|e| e.code.as_str()));
    let drawn = map::asset_for(entries.iter().map(|e| e.code.as_str())).map_or(0, |a| a.municipalities.len());
    let whole = drawn == entries.len();
    let subject = parties::map_subject(county, whole, entries.len());
    let each = if whole { "Varje kommun" } else { "Varje kommun i avtalet" };
    let label = format!("Karta över {subject} efter beslutsstatus{tiles}. {each} är en länk till dess sida.");
    html! {
        section.map-section #karta aria-labelledby="karta-rubrik" {
            h2 #karta-rubrik { "Karta" }
            nav.view-switch aria-label="Kartvy" {
                ul {
                    li { (view_link("Karta", View::Map, query)) }
                    li { (view_link("Lika stora rutor", View::Tiles, query)) }
                }
            }
            div.map-layout {
                div.map-frame {
                    @match query.view {
                        View::Map => (map::county(&entries, &label)),
                        View::Tiles => (map::tiles(&entries, &label)),
                    }
                }
                div.map-side {
                    @if let Some((party, standing)) = region {
                        a.region-badge href=(links::party(&query.prefix, &party.code, query.date)) {
                            span.region-name { (party.name) }
                            span.region-body { "Beslutar i regionfullmäktige" }
                            (badge(standing.status))
                        }
                    }
                    (legend(&counts))
                    @if query.view == View::Tiles {
                        p.map-note { "Varje kommun är lika stor oavsett yta, placerad ungefär där den ligger." }
                    }
                    // On a narrow screen the names on the map get too small to read: the list says it all.
                    p.map-note.narrow-only { "Kommunernas namn och status finns i " a href=(query.href("parter")) { "listan över alla parter" } "." }
                    p.map-note { "Kommungränser: Källa: SCB." }
                }
            }
        }
    }
}

fn view_link(label: &str, view: View, query: &HomeQuery) -> Markup {
    let current = query.view == view;
    html! {
        a href=(query.with_view(view).href("karta")) aria-current=[current.then_some("true")] { (label) }
    }
}

fn legend(counts: &StatusCounts) -> Markup {
    html! {
        div.legend {
            h3 #forklaring { "Förklaring" }
            ul aria-labelledby="forklaring" {
                @for status in Status::ALL {
                    @let n = counts.get(status);
                    li.empty[n == 0] {
                        (swatch(status)) " " (status.label_sv()) ": "
                        strong { (format::integer(u64::from(n))) } " "
                        @if n == 1 { "kommun" } @else { "kommuner" }
                    }
                }
            }
            p.legend-help { a href="#ordlista" { "Vad statusarna betyder" } }
        }
    }
}
