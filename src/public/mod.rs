//! The public pages: the status page `/` with map, table and chart, one page per party, an
//! embeddable status card and badge, the accessibility statement, and the stylesheet. Swedish,
//! server-rendered, no JavaScript.

mod accessibility;
mod embed;
pub mod error;
mod home;
mod links;
mod params;
mod party;
mod static_files;

use actix_web::http::header::ContentType;
use actix_web::{web, HttpResponse};
use maud::Markup;

pub use embed::EMBEDDABLE_PATHS;

use self::error::PageError;
use crate::snapshot::Snapshot;
use crate::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home::page))
        .route("/parter/{code}", web::get().to(party::page))
        .route("/inbaddning", web::get().to(embed::card))
        .route("/badge.svg", web::get().to(embed::badge))
        .route("/tillganglighet", web::get().to(accessibility::page))
        .route("/static/{file}", web::get().to(static_files::get))
        .default_service(web::to(error::not_found));
}

/// Everything a page needs, read off the async workers.
async fn load_snapshot(state: &AppState) -> Result<Snapshot, PageError> {
    state.db.run(|db| db.read_blocking(|c| Snapshot::load(c).map_err(PageError::from))).await
}

fn html_response(markup: Markup) -> HttpResponse {
    HttpResponse::Ok().content_type(ContentType::html()).body(markup.into_string())
}
