//! GET /api/v1/status[?as_of=YYYY-MM-DD]: both conditions and the outcome at a date.

use actix_web::{web, HttpRequest, HttpResponse};

use super::dto::StatusDto;
use super::params;
use crate::error::ApiError;
use crate::snapshot::Snapshot;
use crate::AppState;

pub async fn get(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let query = params::parse_query(req.query_string())?;
    params::only(&query, &["as_of"])?;
    let as_of = params::date(&query, "as_of")?.unwrap_or_else(crate::clock::today);
    let snapshot = state.db.run(|db| db.read_blocking(|c| Snapshot::load(c).map_err(ApiError::from))).await?;
    let eval = snapshot.evaluate(as_of);
    Ok(HttpResponse::Ok().json(StatusDto::new(&snapshot, &eval)))
}
