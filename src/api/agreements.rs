//! GET /api/v1/agreements (every agreement the instance follows) and /api/v1/agreements/{slug}.

use actix_web::{web, HttpRequest, HttpResponse};

use super::dto::AgreementInfoDto;
use super::{params, Target};
use crate::error::ApiError;
use crate::http_cache::{self, CacheKey, Rendered};
use crate::AppState;

pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    params::only(&params::parse_query(req.query_string())?, &[])?;
    // Shows every agreement, so a site entry: a write to any of them renews it.
    http_cache::cached_site(&req, &state, CacheKey::new(req.path(), &[]), |site| {
        let featured = site.catalogue.featured().id;
        let body = site
            .catalogue
            .all()
            .iter()
            .map(|a| {
                let snapshot = site.snapshot::<ApiError>(a.id)?;
                Ok(AgreementInfoDto::new(&snapshot, a.id == featured))
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        Rendered::json(&body).map_err(|e| ApiError::Internal(e.into()))
    })
    .await
}

pub async fn get(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let target = Target::of(&req, &state).await?;
    params::only(&params::parse_query(req.query_string())?, &[])?;
    let featured = state.catalogue().await?.featured().id == target.agreement.id;
    http_cache::cached_keyed(&req, &state, &target.agreement, CacheKey::new(req.path(), &[]), move |snapshot| {
        Rendered::json(&AgreementInfoDto::new(snapshot, featured)).map_err(|e| ApiError::Internal(e.into()))
    })
    .await
}
