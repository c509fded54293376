//! `/avtal`: every agreement the site follows, each with its short title, its start and where it
//! stands in one sentence, linking to its own pages under `/avtal/{slug}`.

use actix_web::{web, HttpRequest, HttpResponse};
use maud::html;

use super::error::PageError;
use super::home::summary;
use super::place;
use crate::http_cache::{self, CacheKey, Rendered};
use crate::views::format;
use crate::views::layout::{self, Changed};
use crate::AppState;

pub async fn page(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    // Every agreement's standing: rendered again after a write to any of them.
    http_cache::cached_site(&req, &state, CacheKey::new("/avtal", &[]), |site| {
        let today = crate::clock::today();
        let mut rows = Vec::new();
        let mut last_change = None;
        for agreement in site.catalogue.all() {
            let snapshot = site.snapshot::<PageError>(agreement.id)?;
            let eval = snapshot.evaluate(today);
            last_change = last_change.max(snapshot.last_change_at());
            let featured = agreement.id == site.catalogue.featured().id;
            rows.push((agreement.clone(), summary::headline(&snapshot, &eval), featured));
        }
        let changed = Changed::from_last_change(last_change);
        let content = html! {
            h1 { "Alla avtal" }
            p { "Webbplatsen följer hur parterna beslutar om " (if rows.len() == 1 { "ett avtal" } else { "flera avtal" }) ". Välj ett avtal för att se läget, kartan och varje parts beslut." }
            ul.agreement-list {
                @for (agreement, headline, featured) in &rows {
                    li {
                        h2 { a href=(place::agreement_path(&agreement.slug)) { (agreement.short_title) } }
                        p {
                            "Ska gälla från " (format::date(agreement.starts_on)) "."
                            @if *featured { " Visas också på " a href="/" { "startsidan" } "." }
                        }
                        p { (headline) }
                    }
                }
            }
        };
        Ok(Rendered::html(layout::page("Alla avtal", changed, content)))
    })
    .await
}
