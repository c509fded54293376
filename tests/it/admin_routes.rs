//! Every registered /admin route (from the route table itself) refuses anonymous visitors, and
//! the admin-only ones refuse editors; plus the security headers on every kind of response.

use ratify::accounts::Role;
use ratify::admin::routes::{Access, Method, ADMIN_ROUTES};

use crate::admin_support::{client_from, location, user, Staff};
use crate::support::TestApp;

/// A concrete URL for a route pattern.
fn concrete(path: &str) -> String {
    path.replace("{code}", "1480").replace("{id}", "1")
}

async fn every_admin_route_refuses_anonymous_get_and_post(app: TestApp) {
    let client = client_from(None);
    let public: Vec<String> = ADMIN_ROUTES
        .iter()
        .filter(|r| r.access == Access::Public)
        .map(|r| format!("{:?} {}", r.method, r.path))
        .collect();
    assert_eq!(
        public,
        ["Get /admin/static/admin.css", "Get /admin/logga-in", "Post /admin/logga-in"],
        "a new public route must be added here on purpose"
    );
    let mut checked = 0;
    for route in ADMIN_ROUTES.iter().filter(|r| r.access != Access::Public) {
        let url = app.url(&concrete(route.path));
        // Both methods, whatever the route registers: neither may get through.
        let get = client.get(&url).send().await.unwrap();
        assert_eq!(get.status().as_u16(), 303, "anonymous GET {}", route.path);
        assert!(location(&get).starts_with("/admin/logga-in?next="), "GET {} → {}", route.path, location(&get));
        let post = client.post(&url).form(&[("csrf", "x"), ("status", "adopted")]).send().await.unwrap();
        assert_eq!(post.status().as_u16(), 401, "anonymous POST {}", route.path);
        checked += 1;
    }
    assert!(checked >= 20, "{checked}");
    // Other methods are closed too.
    let resp = client.delete(app.url("/admin/parter/1480")).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    // Unknown paths under /admin are closed too.
    let resp = client.get(app.url("/admin/finns-inte")).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    assert_eq!(app.event_count().await, 0);
}

async fn editors_are_refused_on_admin_pages(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let mut checked = 0;
    for route in ADMIN_ROUTES.iter().filter(|r| r.access == Access::Admin) {
        let path = concrete(route.path);
        let resp = match route.method {
            Method::Get => s.get(&path).await,
            Method::Post => s.post(&path, &[("name", "x"), ("username", "x"), ("role", "admin")]).await,
        };
        assert_eq!(resp.status().as_u16(), 403, "{:?} {path} as editor", route.method);
        assert!(resp.text().await.unwrap().contains("bara för administratörer"));
        checked += 1;
    }
    assert!(checked >= 9);
    let html = s.page("/admin").await;
    assert!(!html.contains("/admin/konton"), "editors get no link to admin pages");
    let users = app.db.read_blocking(|c| ratify::accounts::list(c).map_err(ratify::db::DbError::from)).unwrap();
    assert_eq!(users.len(), 1, "no account was made");
    // And an editor reaches every editor page.
    for route in ADMIN_ROUTES.iter().filter(|r| r.access == Access::Editor && r.method == Method::Get) {
        let path = concrete(route.path);
        let status = s.get(&path).await.status().as_u16();
        // /admin/import/{id} and /ratta/{id} name things that do not exist here.
        assert!(status == 200 || status == 404, "GET {path}: {status}");
    }
}

fn assert_headers(resp: &reqwest::Response, embeddable: bool) {
    let h = resp.headers();
    let csp = h.get("content-security-policy").expect("CSP").to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin");
    if embeddable {
        assert!(csp.contains("frame-ancestors *"), "{csp}");
        assert!(h.get("x-frame-options").is_none());
    } else {
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(h["x-frame-options"], "DENY");
    }
}

async fn security_headers_on_every_response(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let admin = s.get("/admin").await;
    assert_eq!(admin.status().as_u16(), 200);
    assert_headers(&admin, false);
    assert_eq!(admin.headers()["cache-control"], "no-store");
    assert_headers(&s.get("/admin/logga-in").await, false);
    assert_headers(&app.get("/api/v1/status").await, false);
    let missing = app.get("/finns-inte").await;
    assert_eq!(missing.status().as_u16(), 404);
    assert_headers(&missing, false);
    let api_missing = app.get("/api/v1/finns-inte").await;
    assert_eq!(api_missing.status().as_u16(), 404);
    assert_headers(&api_missing, false);
    // Only the embeddable page may be framed (whether or not it exists yet in this build).
    assert_headers(&app.get("/inbaddning").await, true);
    assert_headers(&app.get("/inbaddningar").await, false);
    let css = s.get("/admin/static/admin.css").await;
    assert!(css.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
    assert!(css.headers().get("set-cookie").is_none(), "the stylesheet makes no session");
    assert_headers(&css, false);
}

async fn no_inline_script_or_style_on_staff_pages(app: TestApp) {
    user(&app, "admin", Role::Admin);
    let s = Staff::login(&app, "admin").await;
    for path in [
        "/admin",
        "/admin/parter/1480",
        "/admin/import",
        "/admin/logg",
        "/admin/konton",
        "/admin/nycklar",
        "/admin/losenord",
    ] {
        let html = s.page(path).await;
        assert!(!html.contains("<script"), "{path}");
        assert!(
            !html.contains("style=") && !html.contains("<style"),
            "{path}: inline styles would be blocked by the CSP"
        );
        assert!(html.contains("<html lang=\"sv\">"), "{path}");
    }
}

crate::both_backends!(
    every_admin_route_refuses_anonymous_get_and_post,
    editors_are_refused_on_admin_pages,
    security_headers_on_every_response,
    no_inline_script_or_style_on_staff_pages,
);
