//! GET /healthz (the process answers), GET /readyz (the database answers and its migrations are
//! current) and GET /metrics (Prometheus text, only for the addresses in RATIFY_METRICS_ALLOW).
//!
//! Plain text, never cached: a load balancer or an operator reads them.

use actix_web::http::header::{CacheControl, CacheDirective, ContentType};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::metrics::CONTENT_TYPE;
use crate::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/healthz").route(web::get().to(healthz)).route(web::head().to(healthz)))
        .service(web::resource("/readyz").route(web::get().to(readyz)).route(web::head().to(readyz)))
        .service(web::resource("/metrics").route(web::get().to(metrics)));
}

fn text(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(ContentType::plaintext())
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .body(body)
}

async fn healthz() -> HttpResponse {
    text(StatusCode::OK, "ok\n".into())
}

async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match state.db.run(|db| db.pending_migrations()).await {
        Ok(0) => text(StatusCode::OK, "ok: databasen svarar och migreringarna är aktuella\n".into()),
        Ok(n) => text(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("inte redo: {n} migrering(ar) väntar; starta om tjänsten eller kör ratify migrate\n"),
        ),
        // /readyz is public: the database's own words (its address, table and column names) go
        // to the log only, the answer gives a fixed reason.
        Err(e) => {
            tracing::error!(error = %e, "readiness check failed: the database does not answer");
            text(StatusCode::SERVICE_UNAVAILABLE, "inte redo: databasen svarar inte\n".into())
        }
    }
}

async fn metrics(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    // The peer address, not X-Forwarded-For: a proxy in front must not open the metrics to
    // everyone it serves.
    let allowed = req.peer_addr().is_some_and(|a| state.config.metrics_allow.allows(a.ip()));
    if !allowed {
        return text(
            StatusCode::FORBIDDEN,
            "Åtkomst nekas: mätvärdena visas bara för adresser i RATIFY_METRICS_ALLOW.\n".into(),
        );
    }
    HttpResponse::Ok()
        .insert_header((actix_web::http::header::CONTENT_TYPE, CONTENT_TYPE))
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .body(state.metrics.encode())
}
