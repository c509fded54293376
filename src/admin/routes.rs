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
    AdminRoute {
        method: Get,
        path: "/admin/parter/{code}/dra-tillbaka/{id}",
        access: Editor,
        route: || web::get().to(party::withdraw_page),
    },
    AdminRoute {
        method: Post,
        path: "/admin/parter/{code}/dra-tillbaka/{id}",
        access: Editor,
        route: || web::post().to(party::withdraw),
    },
    AdminRoute { method: Get, path: "/admin/avtal/{slug}", access: Editor, route: || web::get().to(overview::page) },
    AdminRoute {
        method: Get,
        path: "/admin/avtal/{slug}/parter/{code}",
        access: Editor,
        route: || web::get().to(party::page),
    },
    AdminRoute {
        method: Post,
        path: "/admin/avtal/{slug}/parter/{code}/handelser",
        access: Editor,
        route: || web::post().to(party::add_event),
    },
    AdminRoute {
        method: Get,
        path: "/admin/avtal/{slug}/parter/{code}/ratta/{id}",
        access: Editor,
        route: || web::get().to(party::correct_page),
    },
    AdminRoute {
        method: Get,
        path: "/admin/avtal/{slug}/parter/{code}/dra-tillbaka/{id}",
        access: Editor,
        route: || web::get().to(party::withdraw_page),
    },
    AdminRoute {
        method: Post,
        path: "/admin/avtal/{slug}/parter/{code}/dra-tillbaka/{id}",
        access: Editor,
        route: || web::post().to(party::withdraw),
    },
    AdminRoute { method: Get, path: "/admin/import", access: Editor, route: || web::get().to(import::page) },
    AdminRoute {
        method: Get,
        path: "/admin/exempel-import.csv",
        access: Editor,
        route: || web::get().to(import::example_csv),
    },
    AdminRoute { method: Get, path: "/admin/handledning", access: Editor, route: || web::get().to(import::guide) },
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
        path: "/admin/rapporter/installningar",
        access: Admin,
        route: || web::post().to(reports_page::save_settings),
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

/// The routes grouped by path, in table order, each path with the strictest access of its routes
/// (a path's GET and POST are one resource to the router, so one gate guards both).
pub fn resources() -> Vec<(&'static str, Access, Vec<&'static AdminRoute>)> {
    let mut out: Vec<(&'static str, Access, Vec<&'static AdminRoute>)> = Vec::new();
    for r in ADMIN_ROUTES {
        match out.iter_mut().find(|(path, _, _)| *path == r.path) {
            Some((_, access, routes)) => {
                *access = (*access).max(r.access);
                routes.push(r);
            }
            None => out.push((r.path, r.access, vec![r])),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use actix_web::middleware::from_fn;
    use actix_web::{test, App, HttpMessage};

    use super::*;
    use crate::accounts::{Role, User};
    use crate::admin::session::{CsrfToken, CurrentUser};

    /// Were the gate ever to let an editor through to an admin route, the handler itself still
    /// refuses: here the routes stand behind a "gate" that admits anyone as an editor.
    #[actix_web::test]
    async fn admin_handlers_refuse_an_editor_whom_the_gate_let_through() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = crate::startup::prepare_database(&dir.path().join("t.sqlite3").to_string_lossy(), 2).unwrap();
        let state = web::Data::new(crate::AppState::new(db));
        let mut app = App::new().app_data(state.clone());
        for (path, _, routes) in resources() {
            let mut resource = web::resource(path);
            for r in routes {
                resource = resource.route((r.route)());
            }
            app = app.service(resource);
        }
        let app = test::init_service(app.wrap(from_fn(
            |req: actix_web::dev::ServiceRequest, next: actix_web::middleware::Next<_>| async move {
                let editor = User {
                    id: 1,
                    username: "anna".into(),
                    role: Role::Editor,
                    active: true,
                    must_change_password: false,
                    session_version: 1,
                    created_at: chrono::Utc::now(),
                };
                req.extensions_mut().insert(CurrentUser(editor));
                req.extensions_mut().insert(CsrfToken("t".into()));
                next.call(req).await
            },
        )))
        .await;
        let mut checked = 0;
        for route in ADMIN_ROUTES.iter().filter(|r| r.access == Access::Admin) {
            let uri = route.path.replace("{id}", "1");
            let req = match route.method {
                Method::Get => test::TestRequest::get().uri(&uri),
                Method::Post => test::TestRequest::post().uri(&uri).set_form([
                    ("name", "x"),
                    ("username", "xavier"),
                    ("role", "admin"),
                ]),
            };
            let resp = test::call_service(&app, req.to_request()).await;
            assert_eq!(resp.status().as_u16(), 403, "{:?} {uri}", route.method);
            checked += 1;
        }
        assert!(checked >= 9, "{checked}");
        let users = state.db.read_blocking(|c| crate::accounts::list(c).map_err(crate::db::DbError::from)).unwrap();
        assert!(users.is_empty(), "no account was made");
    }
}
