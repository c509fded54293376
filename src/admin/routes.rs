//! Every route of the staff workspace, in one table. The table registers the routes AND tells the
//! gate what each needs, and the tests walk it; a new route goes here or does not exist.

use actix_web::{web, Route};

use super::{accounts_page, audit_page, auth, export, import, layout, overview, party, reports_page, tokens_page};

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    /// Anyone (the login form, the stylesheet). POSTs still need the CSRF token.
    Public,
    /// Any logged-in account, even one that must change its password first.
    Account,
    /// Editors and admins.
    Editor,
    /// Admins only.
    Admin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

pub struct AdminRoute {
    pub method: Method,
    /// The full path pattern, e.g. "/admin/parter/{code}".
    pub path: &'static str,
    pub access: Access,
    pub route: fn() -> Route,
}

use Access::*;
use Method::*;

pub const ADMIN_ROUTES: &[AdminRoute] = &[
    AdminRoute {
        method: Get,
        path: "/admin/static/admin.css",
        access: Public,
        route: || web::get().to(layout::stylesheet),
    },
    AdminRoute { method: Get, path: "/admin/logga-in", access: Public, route: || web::get().to(auth::login_page) },
    AdminRoute { method: Post, path: "/admin/logga-in", access: Public, route: || web::post().to(auth::login) },
    AdminRoute { method: Post, path: "/admin/logga-ut", access: Account, route: || web::post().to(auth::logout) },
    AdminRoute { method: Get, path: "/admin/losenord", access: Account, route: || web::get().to(auth::password_page) },
    AdminRoute {
        method: Post,
        path: "/admin/losenord",
        access: Account,
        route: || web::post().to(auth::change_password),
    },
    AdminRoute { method: Get, path: "/admin", access: Editor, route: || web::get().to(overview::page) },
    AdminRoute { method: Get, path: "/admin/parter/{code}", access: Editor, route: || web::get().to(party::page) },
    AdminRoute {
        method: Post,
        path: "/admin/parter/{code}/handelser",
        access: Editor,
        route: || web::post().to(party::add_event),
    },
    AdminRoute {
        method: Get,
        path: "/admin/parter/{code}/ratta/{id}",
        access: Editor,
        route: || web::get().to(party::correct_page),
    },
    AdminRoute { method: Get, path: "/admin/import", access: Editor, route: || web::get().to(import::page) },
    AdminRoute { method: Post, path: "/admin/import", access: Editor, route: || web::post().to(import::upload) },
    AdminRoute { method: Get, path: "/admin/import/{id}", access: Editor, route: || web::get().to(import::preview) },
    AdminRoute { method: Post, path: "/admin/import/{id}", access: Editor, route: || web::post().to(import::commit) },
    AdminRoute { method: Get, path: "/admin/export.csv", access: Editor, route: || web::get().to(export::events_csv) },
    AdminRoute { method: Get, path: "/admin/rapporter", access: Editor, route: || web::get().to(reports_page::page) },
    AdminRoute {
        method: Get,
        path: "/admin/rapporter/forhandsvisning",
        access: Editor,
        route: || web::get().to(reports_page::preview),
    },
    AdminRoute {
        method: Post,
        path: "/admin/rapporter/skicka",
        access: Editor,
        route: || web::post().to(reports_page::send_now),
    },
    AdminRoute {
        method: Post,
        path: "/admin/rapporter/leveranser/{id}/skicka-igen",
        access: Editor,
        route: || web::post().to(reports_page::resend),
    },
    AdminRoute { method: Get, path: "/admin/logg", access: Admin, route: || web::get().to(audit_page::page) },
    AdminRoute { method: Get, path: "/admin/logg.csv", access: Admin, route: || web::get().to(audit_page::csv) },
    AdminRoute { method: Get, path: "/admin/konton", access: Admin, route: || web::get().to(accounts_page::page) },
    AdminRoute { method: Post, path: "/admin/konton", access: Admin, route: || web::post().to(accounts_page::create) },
    AdminRoute {
        method: Post,
        path: "/admin/konton/{id}/inaktivera",
        access: Admin,
        route: || web::post().to(accounts_page::disable),
    },
    AdminRoute {
        method: Post,
        path: "/admin/konton/{id}/aktivera",
        access: Admin,
        route: || web::post().to(accounts_page::enable),
    },
    AdminRoute {
        method: Post,
        path: "/admin/konton/{id}/losenord",
        access: Admin,
        route: || web::post().to(accounts_page::reset_password),
    },
    AdminRoute { method: Get, path: "/admin/nycklar", access: Admin, route: || web::get().to(tokens_page::page) },
    AdminRoute { method: Post, path: "/admin/nycklar", access: Admin, route: || web::post().to(tokens_page::create) },
    AdminRoute {
        method: Post,
        path: "/admin/nycklar/{id}/aterkalla",
        access: Admin,
        route: || web::post().to(tokens_page::revoke),
    },
];

/// The access a request path needs: the strictest of the routes whose pattern matches it, and
/// Editor for a path no route matches (so an unknown /admin path answers 404 only to staff).
pub fn access_for(path: &str) -> Access {
    use std::sync::OnceLock;
    static PATTERNS: OnceLock<Vec<(actix_web::dev::ResourceDef, Access)>> = OnceLock::new();
    let patterns = PATTERNS
        .get_or_init(|| ADMIN_ROUTES.iter().map(|r| (actix_web::dev::ResourceDef::new(r.path), r.access)).collect());
    patterns.iter().filter(|(def, _)| def.is_match(path)).map(|(_, a)| *a).max().unwrap_or(Editor)
}
