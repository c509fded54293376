//! The staff workspace under /admin: login, the overview of the 50 parties, each party's timeline
//! with the forms to record and correct events, CSV import and export, the weekly report (preview, send, deliveries), the audit trail, and (for
//! admins) accounts and API tokens. Plain HTML forms, no script; every route is in
//! [`routes::ADMIN_ROUTES`] and passes the [`gate`].

pub mod accounts_page;
pub mod audit_page;
pub mod auth;
pub mod csv_format;
pub mod error;
pub mod export;
pub mod format;
pub mod gate;
pub mod import;
pub mod import_rows;
pub mod layout;
pub mod overview;
pub mod party;
pub mod reports_page;
pub mod routes;
pub mod session;
pub mod tokens_page;

use actix_web::middleware::from_fn;
use actix_web::web;

pub use routes::ADMIN_ROUTES;

/// Registers /admin (call from `startup::configure`).
pub fn configure(cfg: &mut web::ServiceConfig, config: &crate::config::Config) {
    let mut scope = web::scope("/admin");
    for r in ADMIN_ROUTES {
        scope = scope.route(&r.path["/admin".len()..], (r.route)());
    }
    cfg.service(
        scope
            .default_service(web::to(not_found))
            // A note of 4 000 characters with å, ä, ö is ~30 kB URL-encoded (the default is 16 kB).
            .app_data(web::FormConfig::default().limit(256 * 1024))
            // Innermost first: the gate needs the session the middleware below loads.
            .wrap(from_fn(gate::gate))
            .wrap(session::middleware(config)),
    );
}

async fn not_found() -> Result<actix_web::HttpResponse, error::AdminError> {
    Err(error::AdminError::NotFound("Det finns ingen sådan sida bland personalsidorna.".into()))
}
