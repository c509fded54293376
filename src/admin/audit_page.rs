//! GET /admin/logg: the audit trail, newest first, 50 a page; /admin/logg.csv: all of it as CSV.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION};
use actix_web::{web, HttpResponse};
use maud::html;
use serde::Deserialize;

use super::error::AdminError;
use super::format;
use super::layout;
use super::session::{CsrfToken, RequireAdmin};
use crate::audit;
use crate::AppState;

pub const PER_PAGE: i64 = 50;

#[derive(Deserialize)]
pub struct PageQuery {
    sida: Option<String>,
}

pub async fn page(
    RequireAdmin(user): RequireAdmin,
    csrf: CsrfToken,
    query: web::Query<PageQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let page: i64 = match query.sida.as_deref() {
        None | Some("") => 1,
        Some(s) => s
            .parse()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| AdminError::BadRequest("Parametern sida ska vara ett positivt heltal.".into()))?,
    };
    let (entries, total) = state
        .db
        .run(move |db| db.read_blocking(|c| Ok::<_, AdminError>((audit::page(c, page, PER_PAGE)?, audit::count(c)?))))
        .await?;
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let content = html! {
        h1 { "Logg över ändringar" }
        p {
            "Varje ändring i ratify: vem, när, vad och från vilken adress. Loggen kan inte ändras eller raderas. "
            a href="/admin/logg.csv" { "Ladda ner hela loggen (CSV)" }
        }
        p { "Sida " (page) " av " (pages) " (" (total) " rader)." }
        table {
            thead {
                tr {
                    th scope="col" { "Tid" }
                    th scope="col" { "Vem" }
                    th scope="col" { "Vad" }
                    th scope="col" { "Detaljer" }
                    th scope="col" { "Adress" }
                }
            }
            tbody {
                @for e in &entries {
                    tr {
                        td { (format::timestamp(e.at)) }
                        td { (e.actor) }
                        td { (e.action_label()) }
                        td { (e.details) }
                        td { (e.client_addr.as_deref().unwrap_or("–")) }
                    }
                }
            }
        }
        nav.pager aria-label="Sidor" {
            @if page > 1 { a href=(format!("/admin/logg?sida={}", page - 1)) { "← Nyare" } }
            @if page < pages { a href=(format!("/admin/logg?sida={}", page + 1)) { "Äldre →" } }
        }
    };
    Ok(layout::respond(layout::page("Logg", &user, &csrf.0, content)))
}

pub async fn csv(_admin: RequireAdmin, state: web::Data<AppState>) -> Result<HttpResponse, AdminError> {
    let entries = state.db.run(|db| db.read_blocking(|c| audit::all(c).map_err(AdminError::from))).await?;
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new().delimiter(b';').terminator(csv::Terminator::CRLF).from_writer(&mut out);
        let internal = |e: csv::Error| AdminError::Internal(e.to_string());
        w.write_record(["id", "at", "actor", "action", "details", "client_addr"]).map_err(internal)?;
        for e in &entries {
            w.write_record([
                e.id.to_string(),
                crate::api::dto::rfc3339(e.at),
                super::csv_format::guard(&e.actor),
                e.action.clone(),
                super::csv_format::guard(&e.details),
                e.client_addr.clone().unwrap_or_default(),
            ])
            .map_err(internal)?;
        }
        w.flush().map_err(|e| AdminError::Internal(e.to_string()))?;
    }
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"ratify-logg-{}.csv\"", crate::clock::today()),
        ))
        .insert_header((CACHE_CONTROL, "no-store"))
        .body(out))
}
