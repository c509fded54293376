//! `/` (and `/avtal/{slug}`): where the agreement stands, in one sentence, two conditions, a map, a table and a chart;
//! `?datum=ÅÅÅÅ-MM-DD` shows the whole page as it stood on that date.

mod chart;
pub mod list;
mod map_section;
mod projection;
pub mod query;
pub mod summary;
mod table;

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use maud::{html, Markup};

use self::query::HomeQuery;
use crate::http_cache::{self, CacheKey, Rendered};
use crate::public::error::PageError;
use crate::public::place::Place;
use crate::snapshot::Snapshot;
use crate::views::format;
use crate::views::layout::{self, Changed};
use crate::views::status::pattern_defs;
use crate::AppState;

pub async fn page(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let place = Place::of(&req, &state).await?;
    let mut query = HomeQuery::parse(req.query_string())?;
    query.prefix = place.prefix.clone();
    // Keyed by the parsed state, so unknown parameters (tracking tags) share the entry.
    let pairs = query.pairs();
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let key = CacheKey::new(&place.path("/"), &pairs);
    // The other agreements change only with the catalogue, which starts a new epoch: this
    // agreement's entries are enough.
    let frame = layout::Frame::of(&place.agreement, &place.prefix, place.catalogue.all());
    http_cache::cached_keyed(&req, &state, &place.agreement, key, move |snapshot| render(snapshot, &query, &frame))
        .await
}

fn render(snapshot: &Snapshot, query: &HomeQuery, frame: &layout::Frame) -> Result<Rendered, PageError> {
    query.check_subregion(&table::subregions(snapshot))?;
    let today = crate::clock::today();
    let as_of = query.date.unwrap_or(today);
    let eval = snapshot.evaluate(as_of);
    let projection = projection::project(snapshot, &eval);
    let changed = Changed::from_last_change(snapshot.last_change_at());
    let is_today = query.date.is_none() || as_of == today;

    let content = html! {
        (pattern_defs())
        @if let Some(date) = query.date { (time_travel_notice(date, today, &query.page("/"))) }
        h1 { (layout::agreement_name(&snapshot.agreement)) ": var står besluten?" }
        (others_nav(frame))
        (find_form(query, "f-hitta", snapshot))
        p.headline { (summary::headline(snapshot, &eval)) }
        p.changed-top { (layout::changed_line(changed)) }
        (summary::conditions(snapshot, &eval))
        (summary::deadlines(snapshot, as_of, is_today))
        (map_section::section(snapshot, &eval, query))
        (table::section(snapshot, &eval, query))
        (chart::section(snapshot, &eval, &projection, is_today))
        (date_form(query.date, &query.page("/")))
        (crate::views::glossary::section(snapshot))
    };
    let title = match query.date {
        Some(d) => format!("Beslutsläget {}", format::date(d)),
        None => "Beslutsläget".to_string(),
    };
    Ok(Rendered::html(layout::page_in(frame, &title, changed, content)))
}

/// The other agreements the site follows, by their short titles; nothing when there is one.
fn others_nav(frame: &layout::Frame) -> Markup {
    if frame.others.is_empty() {
        return html! {};
    }
    html! {
        nav.other-agreements aria-labelledby="andra-avtal" {
            h2 #andra-avtal { "Andra avtal" }
            ul {
                @for (title, href) in &frame.others { li { a href=(href) { (title) } } }
                li { a href="/avtal" { "Alla avtal" } }
            }
        }
    }
}

fn time_travel_notice(date: NaiveDate, today: NaiveDate, home: &str) -> Markup {
    html! {
        div.time-travel role="note" aria-label="Tidsresa" {
            p {
                strong { (crate::public::party::time_travel_line(date, today)) }
                @if date > today {
                    " Datumet ligger i framtiden: sidan räknar bara med de beslut som är registrerade i dag."
                } @else {
                    " Sidan räknar med alla beslut som fattats till och med den dagen, även sådana som registrerats senare."
                }
            }
            p { a href=(home) { "Visa dagens läge" } }
        }
    }
}

/// "Hitta din kommun": a plain GET form to `/parter?q=`, so it works without JavaScript.
pub fn find_form(query: &HomeQuery, id: &str, snapshot: &Snapshot) -> Markup {
    // The example is one of the agreement's own municipalities: Essunga where it is one.
    let example = snapshot
        .parties
        .iter()
        .filter(|p| p.kind == crate::ratification::PartyKind::Municipality)
        .min_by_key(|p| (p.code != "1445", crate::sv::swedish_key(&p.name)));
    html! {
        form.find method="get" action=(query.page("/parter")) role="search" {
            label for=(id) { "Hitta din kommun" }
            div.find-row {
                input #(id) type="search" name="q" value=[query.q.as_deref()] autocomplete="off"
                    aria-describedby=(format!("{id}-hjalp"));
                @if let Some(d) = query.date { input type="hidden" name="datum" value=(d.to_string()); }
                button type="submit" { "Sök" }
            }
            p.hint #(format!("{id}-hjalp")) {
                "Skriv kommunens namn eller kommunkod"
                @if let Some(p) = example { ", till exempel " (p.name) " eller " (p.code) }
                "."
            }
        }
    }
}

fn date_form(date: Option<NaiveDate>, home: &str) -> Markup {
    html! {
        section.time-form #tidsresa aria-labelledby="tidsresa-rubrik" {
            h2 #tidsresa-rubrik { "Se läget ett visst datum" }
            form method="get" action=(home) {
                div.field {
                    label for="f-datum" { "Datum (ÅÅÅÅ-MM-DD)" }
                    input #f-datum type="date" name="datum" value=[date.map(|d| d.to_string())] required;
                }
                div.field.actions {
                    button type="submit" { "Visa läget" }
                    @if date.is_some() { a href=(home) { "Tillbaka till i dag" } }
                }
            }
        }
    }
}
