//! `/parter`: every party in the table of `/`, with the same filters, and the target of the
//! "Hitta din kommun" form: `?q=` with a name (or part of one) or a code. One party found goes
//! straight to its page; several, or none, show the table filtered by it.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::html;

use super::query::HomeQuery;
use super::table;
use crate::http_cache::{self, CacheKey, Rendered};
use crate::public::error::PageError;
use crate::public::links;
use crate::views::layout::{self, Changed};
use crate::views::status::pattern_defs;
use crate::AppState;

pub async fn page(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let query = HomeQuery::parse(req.query_string())?;
    if let Some(q) = query.q.clone() {
        let parties = state.db.run(|db| db.read_blocking(|c| crate::parties::list(c).map_err(PageError::from))).await?;
        let exact: Vec<_> =
            parties.iter().filter(|p| p.code == q || p.name.to_lowercase() == q.to_lowercase()).collect();
        let found: Vec<_> = parties.iter().filter(|p| table::name_matches(p, &q)).collect();
        let only = if exact.len() == 1 {
            exact.first()
        } else if found.len() == 1 {
            found.first()
        } else {
            None
        };
        if let Some(party) = only {
            return Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, links::party(&party.code, query.date)))
                .finish());
        }
    }
    let pairs = query.pairs();
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let key = CacheKey::new("/parter", &pairs);
    let agreement = state.catalogue().await?.featured().clone();
    http_cache::cached_keyed(&req, &state, &agreement, key, move |snapshot| {
        query.check_subregion(&table::subregions(snapshot))?;
        let as_of = query.date.unwrap_or_else(crate::clock::today);
        let eval = snapshot.evaluate(as_of);
        let changed = Changed::from_last_change(snapshot.last_change_at());
        let content = html! {
            (pattern_defs())
            @if let Some(date) = query.date {
                div.time-travel role="note" aria-label="Tidsresa" {
                    p { strong { (crate::public::party::time_travel_line(date, crate::clock::today())) } }
                }
            }
            h1 { "Alla parter" }
            (super::find_form(&query, "f-hitta-parter"))
            @if let Some(q) = &query.q {
                p.search-result { "Du sökte på ”" (q) "”." }
            }
            (table::section_at(snapshot, &eval, &query, "/parter"))
            (crate::views::glossary::section())
        };
        Ok(Rendered::html(layout::page("Alla parter", changed, content)))
    })
    .await
}
