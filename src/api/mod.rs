//! The JSON API under /api/v1: read endpoints for everyone, event writes for API-token holders.
//!
//! Every resource of an agreement answers at two addresses: `/api/v1/agreements/{slug}/…` for
//! the agreement the path names, and today's `/api/v1/…` for the featured one. One handler serves
//! both ([`Target`]), so the two cannot drift apart.

mod agreements;
mod auth;
mod docs_page;
pub mod dto;
mod events;
pub mod openapi;
mod params;
mod parties;
mod status;

use std::sync::Arc;

use actix_web::{web, HttpRequest};

use crate::agreement::Agreement;
use crate::error::ApiError;
use crate::AppState;

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
            .route("/agreements", web::get().to(agreements::list))
            .route("/agreements/{slug}", web::get().to(agreements::get))
            .route("/agreements/{slug}/status", web::get().to(status::get))
            .route("/agreements/{slug}/parties", web::get().to(parties::list))
            .route("/agreements/{slug}/parties/{code}", web::get().to(parties::get))
            .route("/agreements/{slug}/parties/{code}/events", web::post().to(events::create))
            .route("/agreements/{slug}/events", web::get().to(events::list))
            .route("/agreements/{slug}/events/{id}/withdraw", web::post().to(events::withdraw))
            .route("/openapi.json", web::get().to(openapi::json))
            .default_service(web::to(not_found)),
    );
}

async fn not_found() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::NotFound("Det finns ingen sådan adress i API:t. Se /api för en beskrivning.".into()))
}

/// The agreement a request is about, and the address prefix its resources have.
pub(crate) struct Target {
    pub agreement: Arc<Agreement>,
    /// `/api/v1/agreements/{slug}` when the path named it, `/api/v1` for the featured one.
    pub base: String,
}

impl Target {
    /// The agreement named by the path's `{slug}`, or the featured one on today's addresses;
    /// 404 naming the slug when no agreement has it.
    pub async fn of(req: &HttpRequest, state: &AppState) -> Result<Self, ApiError> {
        let catalogue = state.catalogue().await?;
        match req.match_info().get("slug") {
            None => Ok(Self { agreement: Arc::clone(catalogue.featured()), base: "/api/v1".into() }),
            Some(slug) => match catalogue.by_slug(slug) {
                Some(agreement) => Ok(Self {
                    agreement: Arc::clone(agreement),
                    base: format!("/api/v1/agreements/{}", agreement.slug),
                }),
                None => Err(ApiError::NotFound(crate::error::unknown_agreement(slug))),
            },
        }
    }

    /// The party's address under this target (the `Location` of a write).
    pub fn party_url(&self, code: &str) -> String {
        format!("{}/parties/{code}", self.base)
    }
}

/// A path segment the route guarantees (`{code}`, `{id}`); empty if the route has none.
fn segment(req: &HttpRequest, name: &str) -> String {
    req.match_info().get(name).unwrap_or_default().to_string()
}
