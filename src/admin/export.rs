//! GET /admin/export.csv: every event in the import format (see `csv_format`).

use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION};
use actix_web::{web, HttpResponse};

use super::csv_format;
use super::error::AdminError;
use crate::events;
use crate::AppState;

pub async fn events_csv(state: web::Data<AppState>) -> Result<HttpResponse, AdminError> {
    let agreement_id = state.catalogue().await?.featured().id;
    let all = state
        .db
        .run(move |db| db.read_blocking(|conn| events::all(conn, agreement_id).map_err(AdminError::from)))
        .await?;
    let body = csv_format::write(&all).map_err(|e| AdminError::Internal(e.into()))?;
    let name = format!("ratify-handelser-{}.csv", crate::clock::today());
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")))
        .insert_header((CACHE_CONTROL, "no-store"))
        .body(body))
}
