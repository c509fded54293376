//! The public archive of frozen reports: `/rapporter` (list, on the site's layout),
//! `/rapporter/{week}` (the report as HTML, exactly as sent), `/rapporter/{week}.txt` (its text,
//! as in the e-mail) and `/rapporter/{week}.json` (its data). Drafts are never shown; a report
//! frozen while nobody was configured is listed as not sent. Off (RATIFY_PUBLIC_REPORTS=false)
//! every one of them answers 404.

use actix_web::http::header::{ContentType, CACHE_CONTROL};
use actix_web::{guard, web, HttpResponse};
use maud::{html, Markup};

use super::render::html::week_label;
use super::render::sv;
use super::store::{self, ReportSummary};
use crate::public::error::PageError;
use crate::views::layout::{self, Changed};
use crate::AppState;

/// Registers the archive; each handler answers 404 when RATIFY_PUBLIC_REPORTS is off.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/rapporter")
            .route("", read().to(list))
            .route("/", read().to(list))
            .route("/{week}", read().to(one)),
    );
}

/// GET, and HEAD for link checkers (the server sends no body for it).
fn read() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

fn not_found() -> PageError {
    PageError::NotFound("Det finns ingen publicerad rapport på den här adressen.".into())
}

async fn list(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    if !state.config.report.public_archive {
        return Err(not_found());
    }
    let frozen = state
        .db
        .run(|db| db.read_blocking(|c| store::list(c, true).map_err(super::ReportError::from)))
        .await
        .map_err(|e| PageError::Internal(e.into()))?;
    let page = layout::page("Lägesrapporter till SRO", Changed::NotShown, list_content(&frozen));
    Ok(HttpResponse::Ok().content_type(ContentType::html()).body(page.into_string()))
}

fn list_content(frozen: &[ReportSummary]) -> Markup {
    html! {
        h1 { "Lägesrapporter till SRO" }
        p {
            "Varje vecka får SRO (politiskt samrådsorgan, politiker från regionen och kommunerna) en lägesrapport om "
            "hur parterna beslutar om Hälso- och sjukvårdsavtalet. Här finns rapporterna så som de sparades; en sparad "
            "rapport ändras aldrig. Varje rapport finns som webbsida, som text (samma som i e-postmeddelandet) och som "
            "data (JSON)."
        }
        @if frozen.is_empty() {
            p { "Inga rapporter har skickats än." }
        } @else {
            ul.report-list {
                @for r in frozen {
                    li {
                        a href=(format!("/rapporter/{}", r.week)) {
                            "Rapport nr " (r.number) ", vecka " (week_label(&r.week))
                        }
                        " – läget " (sv::date(r.as_of)) ". "
                        @match r.sent_at {
                            Some(at) if r.is_sent_to_anyone() => { "Skickad till SRO " (sv::date_time(at)) "." }
                            _ => { "Sparad men inte skickad: inga mottagare var inställda." }
                        }
                        " Finns även som "
                        a href=(format!("/rapporter/{}.txt", r.week)) {
                            "text" span.visually-hidden { " (rapport nr " (r.number) ")" }
                        }
                        " och "
                        a href=(format!("/rapporter/{}.json", r.week)) {
                            "JSON" span.visually-hidden { " (rapport nr " (r.number) ")" }
                        }
                        "."
                    }
                }
            }
        }
    }
}

enum Format {
    Html,
    Text,
    Json,
}

async fn one(path: web::Path<String>, state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    if !state.config.report.public_archive {
        return Err(not_found());
    }
    let raw = path.into_inner();
    let (week, format) = if let Some(w) = raw.strip_suffix(".json") {
        (w, Format::Json)
    } else if let Some(w) = raw.strip_suffix(".txt") {
        (w, Format::Text)
    } else {
        (raw.as_str(), Format::Html)
    };
    let week = week.parse::<super::week::IsoWeek>().map_err(|_| not_found())?;
    let key = week.to_string();
    let found = state
        .db
        .run(move |db| db.read_blocking(|c| store::find_by_week(c, &key).map_err(super::ReportError::from)))
        .await
        .map_err(|e| PageError::Internal(e.into()))?;
    let r = found.filter(|r| r.is_sent()).ok_or_else(not_found)?;
    // A frozen report never changes: caches may keep it.
    let mut resp = HttpResponse::Ok();
    resp.insert_header((CACHE_CONTROL, "public, max-age=86400"));
    Ok(match format {
        Format::Json => resp.content_type(ContentType::json()).body(r.data),
        Format::Text => resp.content_type(ContentType::plaintext()).body(r.text),
        Format::Html => {
            // Self-contained (inline <style>, as e-mailed): the policy allows exactly its styles.
            let mut res = resp.content_type(ContentType::html()).body(r.html.clone());
            crate::security_headers::allow_inline_styles(&mut res, &r.html);
            res
        }
    })
}
