//! The public archive of frozen reports: `/rapporter` (list, on the site's layout),
//! `/rapporter/{week}` (the report as HTML, exactly as sent), `/rapporter/{week}.txt` (its text,
//! as in the e-mail) and `/rapporter/{week}.json` (its data). Drafts are never shown; a report
//! frozen while nobody was configured is listed as not sent. Off (RATIFY_PUBLIC_REPORTS=false)
//! every one of them answers 404.
//!
//! Each agreement has its own archive at `/avtal/{slug}/rapporter` (same forms); `/rapporter` is
//! the featured agreement's, as it was before there were several.

use actix_web::http::header::{ContentType, CACHE_CONTROL};
use actix_web::{guard, web, HttpResponse};
use maud::{html, Markup};

use super::render::html::week_label;
use super::render::sv;
use super::store::{self, ReportSummary};
use crate::agreement::Agreement;
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
    // Resources, not a scope: a scope "/avtal/{slug}" here would shadow the public pages' own
    // /avtal/ routes, and theirs (a scope mounted first) would shadow these — see the test.
    cfg.service(web::resource("/avtal/{slug}/rapporter").route(read().to(list_of)));
    cfg.service(web::resource("/avtal/{slug}/rapporter/").route(read().to(list_of)));
    cfg.service(web::resource("/avtal/{slug}/rapporter/{week}").route(read().to(one_of)));
}

/// The agreement `slug` names, or 404.
async fn agreement_of(state: &AppState, slug: &str) -> Result<std::sync::Arc<Agreement>, PageError> {
    let catalogue = state.catalogue().await.map_err(|e| PageError::Internal(e.into()))?;
    catalogue
        .by_slug(slug)
        .cloned()
        .ok_or_else(|| PageError::NotFound("Det finns inget avtal på den här adressen.".into()))
}

async fn featured(state: &AppState) -> Result<std::sync::Arc<Agreement>, PageError> {
    let catalogue = state.catalogue().await.map_err(|e| PageError::Internal(e.into()))?;
    Ok(catalogue.featured().clone())
}

/// GET, and HEAD for link checkers (the server sends no body for it).
fn read() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

fn not_found() -> PageError {
    PageError::NotFound("Det finns ingen publicerad rapport på den här adressen.".into())
}

async fn list(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let agreement = featured(&state).await?;
    list_page(&state, &agreement, "/rapporter".into(), true).await
}

async fn list_of(path: web::Path<String>, state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let slug = path.into_inner();
    if !state.config.report.public_archive {
        return Err(not_found());
    }
    let agreement = agreement_of(&state, &slug).await?;
    let featured = agreement.slug == featured(&state).await?.slug;
    list_page(&state, &agreement, format!("/avtal/{slug}/rapporter"), featured).await
}

/// `base` is where the reports are ("/rapporter" or "/avtal/{slug}/rapporter").
async fn list_page(
    state: &AppState,
    agreement: &Agreement,
    base: String,
    featured: bool,
) -> Result<HttpResponse, PageError> {
    if !state.config.report.public_archive {
        return Err(not_found());
    }
    let id = agreement.id;
    let frozen = state
        .db
        .run(move |db| db.read_blocking(|c| store::list_in(c, id, true).map_err(super::ReportError::from)))
        .await
        .map_err(|e| PageError::Internal(e.into()))?;
    // The featured agreement's archive reads as it always has (hos-2027's short title is
    // "Hälso- och sjukvårdsavtalet"); another's names its agreement in the title too.
    let name = agreement.short_title.as_str();
    let title = if featured {
        "Lägesrapporter till SRO".to_string()
    } else {
        format!("Lägesrapporter till SRO – {}", agreement.short_title)
    };
    let page = layout::page(&title, Changed::NotShown, list_content(&title, name, &base, &frozen));
    Ok(HttpResponse::Ok().content_type(ContentType::html()).body(page.into_string()))
}

fn list_content(title: &str, name: &str, base: &str, frozen: &[ReportSummary]) -> Markup {
    html! {
        h1 { (title) }
        p {
            "Varje vecka får SRO (politiskt samrådsorgan, politiker från regionen och kommunerna) en lägesrapport om "
            "hur parterna beslutar om " (name) ". Här finns rapporterna så som de sparades; en sparad "
            "rapport ändras aldrig. Varje rapport finns som webbsida, som text (samma som i e-postmeddelandet) och som "
            "data (JSON)."
        }
        @if frozen.is_empty() {
            p { "Inga rapporter har skickats än." }
        } @else {
            ul.report-list {
                @for r in frozen {
                    li {
                        a href=(format!("{base}/{}", r.week)) {
                            "Rapport nr " (r.number) ", vecka " (week_label(&r.week))
                        }
                        " – läget " (sv::date(r.as_of)) ". "
                        @match r.sent_at {
                            Some(at) if r.is_sent_to_anyone() => { "Skickad till SRO " (sv::date_time(at)) "." }
                            _ => { "Sparad men inte skickad: inga mottagare var inställda." }
                        }
                        " Finns även som "
                        a href=(format!("{base}/{}.txt", r.week)) {
                            "text" span.visually-hidden { " (rapport nr " (r.number) ")" }
                        }
                        " och "
                        a href=(format!("{base}/{}.json", r.week)) {
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
    let agreement = featured(&state).await?;
    one_report(&state, agreement.id, path.into_inner()).await
}

async fn one_of(path: web::Path<(String, String)>, state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    if !state.config.report.public_archive {
        return Err(not_found());
    }
    let (slug, week) = path.into_inner();
    let agreement = agreement_of(&state, &slug).await?;
    one_report(&state, agreement.id, week).await
}

async fn one_report(state: &AppState, agreement_id: i32, raw: String) -> Result<HttpResponse, PageError> {
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
        .run(move |db| {
            db.read_blocking(|c| store::find_by_week_in(c, agreement_id, &key).map_err(super::ReportError::from))
        })
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
