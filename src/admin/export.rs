//! GET /admin/export.csv: every event of every agreement in the import format (see
//! `csv_format`), each row naming its agreement in the `avtal` column; `?avtal=slug` exports one.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION};
use actix_web::{web, HttpRequest, HttpResponse};

use super::csv_format;
use super::error::AdminError;
use super::place::unknown_agreement;
use crate::events;
use crate::AppState;

pub async fn events_csv(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AdminError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(req.query_string())
        .map_err(|_| AdminError::BadRequest("Adressens parametrar kunde inte tolkas.".into()))?;
    let wanted = pairs.into_iter().find(|(k, _)| k == csv_format::AGREEMENT_COLUMN).map(|(_, v)| v.trim().to_string());
    let catalogue = state.catalogue().await?;
    let agreements: Vec<(i32, String)> = match wanted.as_deref() {
        None | Some("") => catalogue.all().iter().map(|a| (a.id, a.slug.clone())).collect(),
        Some(slug) => {
            let a = catalogue.by_slug(slug).ok_or_else(|| AdminError::NotFound(unknown_agreement(slug)))?;
            vec![(a.id, a.slug.clone())]
        }
    };
    let file_part = match wanted.as_deref() {
        Some(slug) if !slug.is_empty() => format!("-{slug}"),
        _ => String::new(),
    };
    let mut all = state
        .db
        .run(move |db| {
            db.read_blocking(|conn| {
                let mut rows = Vec::new();
                for (id, slug) in &agreements {
                    rows.extend(events::all(conn, *id)?.into_iter().map(|e| (slug.clone(), e)));
                }
                Ok::<_, AdminError>(rows)
            })
        })
        .await?;
    // In the order recorded across agreements, so a correction always comes after what it corrects.
    all.sort_by_key(|(_, e)| e.id);
    let body = csv_format::write(&all).map_err(|e| AdminError::Internal(e.into()))?;
    let name = format!("ratify-handelser{file_part}-{}.csv", crate::clock::today());
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")))
        .insert_header((CACHE_CONTROL, "no-store"))
        .body(body))
}
