//! GET /api/v1/status and /api/v1/agreements/{slug}/status [?as_of=YYYY-MM-DD]: both conditions
//! and the outcome at a date.

use actix_web::{web, HttpRequest, HttpResponse};

use super::dto::StatusDto;
use super::{params, Target};
use crate::error::ApiError;
use crate::http_cache::{self, CacheKey, Rendered};
use crate::AppState;

pub async fn get(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let target = Target::of(&req, &state).await?;
    let query = params::parse_query(req.query_string())?;
    params::only(&query, &["as_of"])?;
    let as_of = params::date(&query, "as_of")?.unwrap_or_else(crate::clock::today);
    // The path names the agreement (`/api/v1/status` is the featured one's): keys differ per agreement.
    let key = CacheKey::new(req.path(), &[("as_of", &as_of.to_string())]);
    http_cache::cached_keyed(&req, &state, &target.agreement, key, move |snapshot| {
        let eval = snapshot.evaluate(as_of);
        Rendered::json(&StatusDto::new(snapshot, &eval)).map_err(|e| ApiError::Internal(e.into()))
    })
    .await
}
