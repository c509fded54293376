//! `/`: where the agreement stands, in one sentence, two conditions, a map, a table and a chart;
//! `?datum=ÅÅÅÅ-MM-DD` shows the whole page as it stood on that date.

mod chart;
pub mod list;
mod map_section;
mod projection;
pub mod query;
mod summary;
mod table;

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use maud::{html, Markup};

use self::query::HomeQuery;
use crate::http_cache::{self, CacheKey, Rendered};
use crate::public::error::PageError;
use crate::snapshot::Snapshot;
use crate::views::format;
use crate::views::layout::{self, Changed};
use crate::views::status::pattern_defs;
use crate::AppState;

pub async fn page(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let query = HomeQuery::parse(req.query_string())?;
    // Keyed by the parsed state, so unknown parameters (tracking tags) share the entry.
    let pairs = query.pairs();
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let key = CacheKey::new("/", &pairs);
    let agreement = state.catalogue().await?.featured().clone();
    http_cache::cached_keyed(&req, &state, &agreement, key, move |snapshot| render(snapshot, &query)).await
}

fn render(snapshot: &Snapshot, query: &HomeQuery) -> Result<Rendered, PageError> {
    query.check_subregion(&table::subregions(snapshot))?;
    let today = crate::clock::today();
    let as_of = query.date.unwrap_or(today);
    let eval = snapshot.evaluate(as_of);
    let projection = projection::project(snapshot, &eval);
    let changed = Changed::from_last_change(snapshot.last_change_at());
    let is_today = query.date.is_none() || as_of == today;

    let content = html! {
        (pattern_defs())
        @if let Some(date) = query.date { (time_travel_notice(date, today)) }
        h1 { "Hälso- och sjukvårdsavtalet 2027: var står besluten?" }
        (find_form(query, "f-hitta"))
        p.headline { (summary::headline(snapshot, &eval)) }
        p.changed-top { (layout::changed_line(changed)) }
        (summary::conditions(snapshot, &eval))
        (summary::deadlines(snapshot, as_of, is_today))
        (map_section::section(snapshot, &eval, query))
        (table::section(snapshot, &eval, query))
        (chart::section(snapshot, &eval, &projection, is_today))
        (date_form(query.date))
        (crate::views::glossary::section())
    };
    let title = match query.date {
        Some(d) => format!("Beslutsläget {}", format::date(d)),
        None => "Beslutsläget".to_string(),
    };
    Ok(Rendered::html(layout::page(&title, changed, content)))
}

fn time_travel_notice(date: NaiveDate, today: NaiveDate) -> Markup {
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
            p { a href="/" { "Visa dagens läge" } }
        }
    }
}

/// "Hitta din kommun": a plain GET form to `/parter?q=`, so it works without JavaScript.
pub fn find_form(query: &HomeQuery, id: &str) -> Markup {
    html! {
        form.find method="get" action="/parter" role="search" {
            label for=(id) { "Hitta din kommun" }
            div.find-row {
                input #(id) type="search" name="q" value=[query.q.as_deref()] autocomplete="off"
                    aria-describedby=(format!("{id}-hjalp"));
                @if let Some(d) = query.date { input type="hidden" name="datum" value=(d.to_string()); }
                button type="submit" { "Sök" }
            }
            p.hint #(format!("{id}-hjalp")) { "Skriv kommunens namn eller kommunkod, till exempel Essunga eller 1445." }
        }
    }
}

fn date_form(date: Option<NaiveDate>) -> Markup {
    html! {
        section.time-form #tidsresa aria-labelledby="tidsresa-rubrik" {
            h2 #tidsresa-rubrik { "Se läget ett visst datum" }
            form method="get" action="/" {
                div.field {
                    label for="f-datum" { "Datum (ÅÅÅÅ-MM-DD)" }
                    input #f-datum type="date" name="datum" value=[date.map(|d| d.to_string())] required;
                }
                div.field.actions {
                    button type="submit" { "Visa läget" }
                    @if date.is_some() { a href="/" { "Tillbaka till i dag" } }
                }
            }
        }
    }
}
