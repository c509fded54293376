//! Which agreement a staff page is about, and where that agreement's pages live: today's URLs
//! (`/admin`, `/admin/parter/{code}`) show the featured agreement, `/admin/avtal/{slug}/…` any
//! agreement. The page code is the same; only the agreement and the links differ.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};

use super::error::AdminError;
use crate::agreement::Agreement;
use crate::AppState;

#[derive(Debug, Clone)]
pub struct Place {
    pub agreement: Arc<Agreement>,
    /// The overview's path; party pages are under it (`{base}/parter/{code}`).
    pub base: String,
}

impl Place {
    /// The featured agreement at today's URLs.
    pub async fn featured(state: &AppState) -> Result<Place, AdminError> {
        let agreement = state.catalogue().await?.featured().clone();
        Ok(Place { agreement, base: "/admin".into() })
    }

    /// The agreement `slug` under /admin/avtal/{slug}, or a 404 that names the slug.
    pub async fn of(state: &AppState, slug: &str) -> Result<Place, AdminError> {
        let catalogue = state.catalogue().await?;
        let agreement =
            catalogue.by_slug(slug).cloned().ok_or_else(|| AdminError::NotFound(unknown_agreement(slug)))?;
        Ok(Place { base: agreement_url(&agreement.slug), agreement })
    }

    pub fn party_url(&self, code: &str) -> String {
        format!("{}/parter/{code}", self.base)
    }
}

/// A handler's agreement: the route's `{slug}`, or the featured one at a route without it; so
/// one handler serves `/admin/parter/{code}` and `/admin/avtal/{slug}/parter/{code}`.
impl FromRequest for Place {
    type Error = AdminError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AdminError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let slug = req.match_info().get("slug").map(str::to_owned);
        Box::pin(async move {
            let state = state.ok_or_else(|| AdminError::Internal("no application state in the request".into()))?;
            match slug {
                None => Place::featured(&state).await,
                Some(slug) => Place::of(&state, &slug).await,
            }
        })
    }
}

/// The overview of one agreement.
pub fn agreement_url(slug: &str) -> String {
    format!("/admin/avtal/{slug}")
}

pub fn unknown_agreement(slug: &str) -> String {
    let shown: String = slug.chars().take(60).collect();
    format!("Det finns inget avtal med kortnamnet \"{shown}\".")
}

/// A party that exists in the registry but is not one of the agreement's.
pub fn not_in_agreement(party: &str, agreement: &str) -> String {
    format!("Parten {party} ingår inte i avtalet {agreement}.")
}
