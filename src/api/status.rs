//! GET /api/v1/status[?as_of=YYYY-MM-DD]: both conditions and the outcome at a date.

use actix_web::{web, HttpRequest, HttpResponse};

use super::dto::StatusDto;
use super::params;
use crate::error::ApiError;
use crate::http_cache::{self, CacheKey, Rendered};
use crate::AppState;

pub async fn get(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let query = params::parse_query(req.query_string())?;
    params::only(&query, &["as_of"])?;
    let as_of = params::date(&query, "as_of")?.unwrap_or_else(crate::clock::today);
    let key = CacheKey::new(req.path(), &[("as_of", &as_of.to_string())]);
    let agreement = state.catalogue().await?.featured().clone();
    http_cache::cached_keyed(&req, &state, &agreement, key, move |snapshot| {
        let eval = snapshot.evaluate(as_of);
        Rendered::json(&StatusDto::new(snapshot, &eval)).map_err(|e| ApiError::Internal(e.into()))
    })
    .await
}
