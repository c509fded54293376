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
    // Judged on the path the router decoded, as the page itself is found.
    assert_headers(&app.get("/inbaddnin%67").await, true);
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

// --- Every spelling of every route -------------------------------------------------------------

/// One answer of the raw client: status, `Location`, `Set-Cookie` values.
pub struct Raw {
    pub status: u16,
    pub location: String,
    pub cookies: Vec<String>,
    pub body: String,
}

/// HTTP/1.1 over a plain socket, so that the path goes out byte for byte as written (an HTTP
/// client library would normalise `/./` and some percent-encodings before sending).
pub async fn raw(app: &TestApp, method: &str, path: &str, cookie: &str, form: &str) -> Raw {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if !cookie.is_empty() {
        head.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if method == "POST" {
        head.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            form.len()
        ));
    }
    head.push_str("\r\n");
    head.push_str(form);
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await.unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let (mut location, mut cookies) = (String::new(), Vec::new());
    for line in lines {
        let Some((name, value)) = line.split_once(':') else { continue };
        match name.trim().to_ascii_lowercase().as_str() {
            "location" => location = value.trim().to_string(),
            "set-cookie" => cookies.push(value.trim().split(';').next().unwrap_or("").to_string()),
            _ => {}
        }
    }
    Raw { status, location, cookies, body: body.to_string() }
}

/// A logged-in session for the raw client: its cookie and CSRF token.
pub async fn raw_login(app: &TestApp, name: &str) -> (String, String) {
    let form_page = raw(app, "GET", "/admin/logga-in", "", "").await;
    let cookie = form_page.cookies.first().cloned().expect("a session cookie on the login page");
    let csrf = crate::admin_support::csrf_in(&form_page.body);
    let form = serde_urlencoded::to_string([
        ("csrf", csrf.as_str()),
        ("username", name),
        ("password", crate::admin_support::PASSWORD),
    ])
    .unwrap();
    let login = raw(app, "POST", "/admin/logga-in", &cookie, &form).await;
    assert_eq!(login.status, 303, "login of {name}: {}", login.body);
    let cookie = login.cookies.first().cloned().expect("a new session cookie after login");
    let page = raw(app, "GET", "/admin/losenord", &cookie, "").await;
    assert_eq!(page.status, 200, "{}", page.body);
    (cookie, crate::admin_support::csrf_in(&page.body))
}

/// Other spellings of `path` that a router, a proxy or a browser may treat as the same path.
fn spellings(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, c) in path.char_indices() {
        if c.is_ascii_alphanumeric() {
            for hex in [format!("%{:02X}", c as u8), format!("%{:02x}", c as u8)] {
                out.push(format!("{}{hex}{}", &path[..i], &path[i + 1..]));
            }
        }
        if c == '/' {
            out.push(format!("{}//{}", &path[..i], &path[i + 1..]));
            out.push(format!("{}/./{}", &path[..i], &path[i + 1..]));
            if i > 0 {
                out.push(format!("{}%2F{}", &path[..i], &path[i + 1..]));
                out.push(format!("{}%2f{}", &path[..i], &path[i + 1..]));
            }
        }
    }
    out.push(format!("{path}/"));
    out.sort();
    out.dedup();
    out
}

/// A refusal: not logged in, forbidden, not found, not allowed, bad request, or sent to log in.
fn is_refusal(r: &Raw) -> bool {
    matches!(r.status, 400 | 401 | 403 | 404 | 405) || (r.status == 303 && r.location.starts_with("/admin/logga-in"))
}

async fn every_spelling_of_every_route_gets_the_answer_of_the_plain_path_or_a_refusal(app: TestApp) {
    user(&app, "anna", Role::Editor);
    user(&app, "admin", Role::Admin);
    let editor = raw_login(&app, "anna").await;
    let admin = raw_login(&app, "admin").await;
    let anonymous = {
        let page = raw(&app, "GET", "/admin/logga-in", "", "").await;
        (page.cookies.first().cloned().unwrap_or_default(), crate::admin_support::csrf_in(&page.body))
    };
    let accounts_before =
        app.db.read_blocking(|c| ratify::accounts::list(c).map_err(ratify::db::DbError::from)).unwrap();
    let mut walked = 0;
    for route in ADMIN_ROUTES {
        let plain = concrete(route.path);
        // Reads by all three; forms by the anonymous visitor and the editor, each with a valid CSRF
        // token so that only the access check stands between them and the handler. (An admin's
        // form would change accounts and tokens that later spellings then meet.)
        let who: &[(&str, &(String, String))] = match route.method {
            Method::Get => &[("anonym", &anonymous), ("redaktör", &editor), ("admin", &admin)],
            Method::Post => &[("anonym", &anonymous), ("redaktör", &editor)],
        };
        for (role, (cookie, csrf)) in who {
            let (method, form) = match route.method {
                Method::Get => ("GET", String::new()),
                Method::Post => (
                    "POST",
                    serde_urlencoded::to_string([
                        ("csrf", csrf.as_str()),
                        ("name", "spelling"),
                        ("username", "spelling"),
                        ("role", "admin"),
                        ("status", "adopted"),
                    ])
                    .unwrap(),
                ),
            };
            let expected = raw(&app, method, &plain, cookie, &form).await;
            for spelling in spellings(&plain) {
                let got = raw(&app, method, &spelling, cookie, &form).await;
                if is_refusal(&expected) {
                    assert!(
                        is_refusal(&got),
                        "{method} {spelling} as {role}: {} {} but the plain path {plain} is refused ({})",
                        got.status,
                        got.location,
                        expected.status
                    );
                } else {
                    // Let in: the handler may answer otherwise the second time (a report already
                    // sent is 409), but never fail.
                    assert!(got.status < 500, "{method} {spelling} as {role}: {}", got.status);
                }
                walked += 1;
            }
        }
    }
    assert!(walked > 2000, "{walked}");
    let accounts_after =
        app.db.read_blocking(|c| ratify::accounts::list(c).map_err(ratify::db::DbError::from)).unwrap();
    assert_eq!(accounts_after.len(), accounts_before.len(), "no spelling made an account");
    assert_eq!(app.event_count().await, 0, "no spelling recorded an event");
}

crate::both_backends!(every_spelling_of_every_route_gets_the_answer_of_the_plain_path_or_a_refusal);
