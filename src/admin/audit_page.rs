//! GET /admin/logg: the audit trail, newest first, 50 a page; /admin/logg.csv: all of it as CSV.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION};
use actix_web::web::Bytes;
use actix_web::{web, HttpResponse};
use futures_util::StreamExt;
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
    /// Only the rows that name this agreement (its slug).
    avtal: Option<String>,
}

pub async fn page(
    RequireAdmin(user): RequireAdmin,
    csrf: CsrfToken,
    query: web::Query<PageQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let requested: i64 = match query.sida.as_deref() {
        None | Some("") => 1,
        Some(s) => s
            .parse()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| AdminError::BadRequest("Parametern sida ska vara ett positivt heltal.".into()))?,
    };
    let catalogue = state.catalogue().await?;
    let chosen: Option<String> = match query.avtal.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(slug) => match catalogue.by_slug(slug) {
            Some(a) => Some(a.slug.clone()),
            None => {
                let known: Vec<&str> = catalogue.all().iter().map(|a| a.slug.as_str()).collect();
                return Err(AdminError::BadRequest(format!(
                    "Okänt avtal \"{}\". Välj ett av: {}.",
                    slug.chars().take(60).collect::<String>(),
                    known.join(", ")
                )));
            }
        },
    };
    let filter = chosen.clone();
    let (entries, total, page) = state
        .db
        .run(move |db| {
            db.read_blocking(|c| {
                let total = match &filter {
                    None => audit::count(c)?,
                    Some(slug) => audit::count_of_agreement(c, slug)?,
                };
                // A page beyond the last shows the last (a link from when the log was longer,
                // or any number typed): no offset past the end, nor one that overflows.
                let page = requested.min(page_count(total));
                let entries = match &filter {
                    None => audit::page(c, page, PER_PAGE)?,
                    Some(slug) => audit::page_of_agreement(c, slug, page, PER_PAGE)?,
                };
                Ok::<_, AdminError>((entries, total, page))
            })
        })
        .await?;
    let pages = page_count(total);
    let also = chosen.as_deref().map(|s| format!("&avtal={s}")).unwrap_or_default();
    let content = html! {
        h1 { "Logg över ändringar" }
        p {
            "Varje ändring i ratify: vem, när, vad och från vilken adress. Loggen kan inte ändras eller raderas. "
            a href="/admin/logg.csv" { "Ladda ner hela loggen (CSV)" }
        }
        form.filters method="get" action="/admin/logg" {
            div {
                label for="avtal" { "Avtal" }
                select id="avtal" name="avtal" {
                    option value="" { "Alla rader" }
                    @for a in catalogue.all() {
                        option value=(a.slug) selected[chosen.as_deref() == Some(a.slug.as_str())] {
                            (a.short_title) " (" (a.slug) ")"
                        }
                    }
                }
            }
            div { button type="submit" { "Visa" } }
        }
        @if let Some(slug) = &chosen {
            p { "Visar raderna som nämner avtalet " code { (slug) } " (registreringar och importer). " a href="/admin/logg" { "Visa alla rader" } }
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
            @if page > 1 { a href=(format!("/admin/logg?sida={}{also}", page - 1)) { "← Nyare" } }
            @if page < pages { a href=(format!("/admin/logg?sida={}{also}", page + 1)) { "Äldre →" } }
        }
    };
    Ok(layout::respond(layout::page("Logg", &user, &csrf.0, content)))
}

/// Pages of PER_PAGE rows for `total` rows; at least one (an empty log has an empty first page).
fn page_count(total: i64) -> i64 {
    (total.saturating_add(PER_PAGE - 1) / PER_PAGE).max(1)
}

/// Rows read from the database for one chunk of the CSV: the export holds one chunk in memory,
/// however long the log has grown.
const CSV_CHUNK_ROWS: i64 = 500;

/// The whole log as CSV (UTF-8 with BOM, `;`, CRLF, oldest first), streamed chunk by chunk. The
/// first chunk is read before answering, so a database that does not answer gives an error page;
/// a later failure can only cut the download short (logged), as the status is sent by then.
pub async fn csv(_admin: RequireAdmin, state: web::Data<AppState>) -> Result<HttpResponse, AdminError> {
    let first = csv_chunk(&state.db, 0).await?;
    let mut head = b"\xEF\xBB\xBF".to_vec();
    head.extend(csv_rows(Some(&["id", "at", "actor", "action", "details", "client_addr"]), &first)?);
    let db = state.db.clone();
    let rest = futures_util::stream::unfold(next_after(&first), move |after| {
        let db = db.clone();
        async move {
            let after = after?;
            let chunk = csv_chunk(&db, after).await.and_then(|entries| Ok((csv_rows(None, &entries)?, entries)));
            match chunk {
                Ok((bytes, entries)) => Some((Ok(Bytes::from(bytes)), next_after(&entries))),
                Err(e) => {
                    tracing::error!(error = %e, "the audit log CSV was cut short");
                    Some((Err(e), None))
                }
            }
        }
    });
    let body = futures_util::stream::once(std::future::ready(Ok::<_, AdminError>(Bytes::from(head)))).chain(rest);
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"ratify-logg-{}.csv\"", crate::clock::today()),
        ))
        .insert_header((CACHE_CONTROL, "no-store"))
        .streaming(body))
}

async fn csv_chunk(db: &crate::db::Db, after: i32) -> Result<Vec<audit::Entry>, AdminError> {
    db.run(move |db| db.read_blocking(|c| audit::after(c, after, CSV_CHUNK_ROWS).map_err(AdminError::from))).await
}

/// Where the next chunk starts, or `None` when this one was the last (shorter than a full chunk).
fn next_after(chunk: &[audit::Entry]) -> Option<i32> {
    let full = i64::try_from(chunk.len()).is_ok_and(|n| n >= CSV_CHUNK_ROWS);
    chunk.last().filter(|_| full).map(|e| e.id)
}

/// The CSV lines of `entries` (after `header`, if given). Each chunk has its own writer: the csv
/// crate quotes field by field, so the lines are the same as from one writer for the whole file.
fn csv_rows(header: Option<&[&str]>, entries: &[audit::Entry]) -> Result<Vec<u8>, AdminError> {
    let internal = |e: csv::Error| AdminError::Internal(e.into());
    let mut w = csv::WriterBuilder::new().delimiter(b';').terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    if let Some(header) = header {
        w.write_record(header).map_err(internal)?;
    }
    for e in entries {
        w.write_record([
            e.id.to_string(),
            crate::clock::rfc3339(e.at),
            super::csv_format::guard(&e.actor),
            e.action.clone(),
            super::csv_format::guard(&e.details),
            e.client_addr.clone().unwrap_or_default(),
        ])
        .map_err(internal)?;
    }
    w.into_inner().map_err(|e| AdminError::Internal(e.into()))
}
