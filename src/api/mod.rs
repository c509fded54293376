//! The JSON API under /api/v1: read endpoints for everyone, event writes for API-token holders.

mod auth;
mod docs_page;
pub mod dto;
mod events;
pub mod openapi;
mod params;
mod parties;
mod status;

use actix_web::web;

use crate::error::ApiError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api", web::get().to(docs_page::get));
    cfg.service(
        web::scope("/api/v1")
            .route("/status", web::get().to(status::get))
            .route("/parties", web::get().to(parties::list))
            .route("/parties/{code}", web::get().to(parties::get))
            .route("/parties/{code}/events", web::post().to(events::create))
            .route("/events", web::get().to(events::list))
            .route("/events/{id}/withdraw", web::post().to(events::withdraw))
            .route("/openapi.json", web::get().to(openapi::json))
            .default_service(web::to(not_found)),
    );
}

async fn not_found() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::NotFound("Det finns ingen sådan adress i API:t. Se /api för en beskrivning.".into()))
}
