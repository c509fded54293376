//! The public pages: the status page `/` with map, table and chart, one page per party, an
//! embeddable status card and badge, the accessibility statement, and the stylesheet. Swedish,
//! server-rendered, no JavaScript. Pages are served through [`crate::http_cache`]: rendered once
//! per write, with an `ETag` (a conditional request gets 304).

mod accessibility;
mod embed;
pub mod error;
mod home;
mod links;
mod params;
mod party;
mod static_files;

use actix_web::web;

pub use embed::EMBEDDABLE_PATHS;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home::page))
        .route("/parter/{code}", web::get().to(party::page))
        .route("/inbaddning", web::get().to(embed::card))
        .route("/badge.svg", web::get().to(embed::badge))
        .route("/tillganglighet", web::get().to(accessibility::page))
        .route("/static/{file}", web::get().to(static_files::get))
        .default_service(web::to(error::not_found));
}
