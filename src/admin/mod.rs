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
pub mod place;
pub mod reports_page;
pub mod routes;
pub mod session;
pub mod tokens_page;

use actix_web::middleware::from_fn;
use actix_web::web;

pub use routes::ADMIN_ROUTES;

/// Registers /admin (call from `startup::configure`): each resource of the route table behind a
/// gate of its own that knows the resource's access, so the access checked is always that of the
/// route the router matched (see [`gate`]).
pub fn configure(cfg: &mut web::ServiceConfig, config: &crate::config::Config, key: &actix_web::cookie::Key) {
    let mut scope = web::scope("/admin");
    for (path, access, routes) in routes::resources() {
        let guarded = gate::Guarded { access, asset: path.starts_with("/admin/static/") };
        let mut resource = web::resource(&path["/admin".len()..]);
        for r in routes {
            resource = resource.route((r.route)());
        }
        scope = scope.service(resource.wrap(from_fn(move |req, next| gate::gate(guarded, req, next))));
    }
    cfg.service(
        scope
            // A path no route matches: staff get 404, anyone else the login form.
            .default_service(actix_web::dev::fn_service(gate::unknown_path))
            // A note of 4 000 characters with å, ä, ö is ~30 kB URL-encoded (the default is 16 kB).
            .app_data(web::FormConfig::default().limit(256 * 1024))
            .wrap(session::middleware(config, key)),
    );
}
