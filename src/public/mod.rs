//! The public pages: the status page `/` with map, table and chart, one page per party, an
//! embeddable status card and badge, the accessibility statement, and the stylesheet. Swedish,
//! server-rendered, no JavaScript. Pages are served through [`crate::http_cache`]: rendered once
//! per write, with an `ETag` (a conditional request gets 304).

mod accessibility;
mod agreements;
pub mod answer;
mod embed;
pub mod error;
pub mod head;
mod home;
mod links;
mod params;
mod party;
pub mod place;
pub mod static_files;

use actix_web::{guard, web};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", read().to(home::page))
        .route("/avtal", read().to(agreements::page))
        .route("/avtal/{slug}", read().to(home::page))
        .route("/avtal/{slug}/", read().to(home::page));
    // Today's addresses show the featured agreement; the same under /avtal/{slug} show that one.
    for prefix in ["", "/avtal/{slug}"] {
        cfg.route(&format!("{prefix}/parter"), read().to(home::list::page))
            .route(&format!("{prefix}/parter/{{code}}"), read().to(party::page))
            .route(&format!("{prefix}/inbaddning"), read().to(embed::card))
            .route(&format!("{prefix}/badge.svg"), read().to(embed::badge));
    }
    cfg.route("/tillganglighet", read().to(accessibility::page))
        .route("/static/{file}", read().to(static_files::get))
        .default_service(web::to(error::not_found));
}

/// GET, and HEAD for link checkers and monitors (the server sends no body for it).
fn read() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}
