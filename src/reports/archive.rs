//! The public archive of sent reports: `/rapporter` (list), `/rapporter/{week}` (the report as
//! HTML, exactly as sent) and `/rapporter/{week}.json` (its data). Drafts are never shown. Off
//! (RATIFY_PUBLIC_REPORTS=false) every one of them answers 404.

use actix_web::http::header::{ContentType, CACHE_CONTROL};
use actix_web::{web, HttpResponse};
use maud::{html, DOCTYPE};

use super::render::html::week_label;
use super::render::sv;
use super::store;
use crate::AppState;

/// Registers the archive; each handler answers 404 when RATIFY_PUBLIC_REPORTS is off.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/rapporter")
            .route("", web::get().to(list))
            .route("/", web::get().to(list))
            .route("/{week}", web::get().to(one)),
    );
}

fn not_found() -> HttpResponse {
    let page = html! {
        (DOCTYPE)
        html lang="sv" {
            head { meta charset="utf-8"; title { "Sidan finns inte" } }
            body { main { h1 { "Sidan finns inte" } p { "Det finns ingen publicerad rapport på den här adressen." } } }
        }
    };
    HttpResponse::NotFound().content_type(ContentType::html()).body(page.into_string())
}

fn internal(e: impl std::fmt::Display) -> HttpResponse {
    tracing::error!(error = %e, "report archive");
    HttpResponse::InternalServerError().content_type(ContentType::plaintext()).body("Ett internt fel inträffade.")
}

async fn list(state: web::Data<AppState>) -> HttpResponse {
    if !state.config.report.public_archive {
        return not_found();
    }
    let sent =
        match state.db.run(|db| db.read_blocking(|c| store::list(c, true).map_err(super::ReportError::from))).await {
            Ok(s) => s,
            Err(e) => return internal(e),
        };
    let page = html! {
        (DOCTYPE)
        html lang="sv" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Lägesrapporter till SRO – Hälso- och sjukvårdsavtalet" }
            }
            body {
                main {
                    h1 { "Lägesrapporter till SRO" }
                    p { "Veckorapporterna om hur parterna beslutar om Hälso- och sjukvårdsavtalet, så som de skickades." }
                    @if sent.is_empty() {
                        p { "Inga rapporter har skickats än." }
                    } @else {
                        ul {
                            @for r in &sent {
                                li {
                                    a href=(format!("/rapporter/{}", r.week)) {
                                        "Rapport nr " (r.number) ", vecka " (week_label(&r.week))
                                    }
                                    " – läget " (sv::date(r.as_of)) " ("
                                    a href=(format!("/rapporter/{}.json", r.week)) { "JSON" } ")"
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    HttpResponse::Ok().content_type(ContentType::html()).body(page.into_string())
}

async fn one(path: web::Path<String>, state: web::Data<AppState>) -> HttpResponse {
    if !state.config.report.public_archive {
        return not_found();
    }
    let raw = path.into_inner();
    let (week, json) = match raw.strip_suffix(".json") {
        Some(w) => (w.to_string(), true),
        None => (raw, false),
    };
    let Ok(week) = week.parse::<super::week::IsoWeek>() else { return not_found() };
    let key = week.to_string();
    let found = state
        .db
        .run(move |db| db.read_blocking(|c| store::find_by_week(c, &key).map_err(super::ReportError::from)))
        .await;
    match found {
        Ok(Some(r)) if r.is_sent() => {
            // A sent report never changes: caches may keep it.
            let mut resp = HttpResponse::Ok();
            resp.insert_header((CACHE_CONTROL, "public, max-age=86400"));
            if json {
                resp.content_type(ContentType::json()).body(r.data)
            } else {
                // Self-contained (inline <style>, as e-mailed): the policy allows exactly its styles.
                let mut res = resp.content_type(ContentType::html()).body(r.html.clone());
                crate::security_headers::allow_inline_styles(&mut res, &r.html);
                res
            }
        }
        Ok(_) => not_found(),
        Err(e) => internal(e),
    }
}
