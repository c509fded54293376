//! Helpers for the staff workspace tests: accounts made directly in the database, and a browser-
//! like HTTP client that keeps the session cookie and sends the form's CSRF token.

use std::net::IpAddr;

use ratify::accounts::{self, password, Role};
use reqwest::redirect::Policy;
use reqwest::Response;

use crate::support::TestApp;

pub const PASSWORD: &str = "ett långt lösenord 2026";

/// Creates an active account with `PASSWORD` (no forced change).
pub fn user(app: &TestApp, name: &str, role: Role) {
    let hashed = password::hash(PASSWORD).unwrap();
    app.db.write_blocking(|c| accounts::create_in(c, name, &hashed, role, false).map(|_| ())).expect("create account");
}

/// A client that keeps cookies and does not follow redirects (so tests see them).
pub fn client_from(addr: Option<&str>) -> reqwest::Client {
    let mut b = reqwest::Client::builder().cookie_store(true).redirect(Policy::none());
    if let Some(a) = addr {
        b = b.local_address(a.parse::<IpAddr>().unwrap());
    }
    b.build().unwrap()
}

/// A browser session on the staff pages.
pub struct Staff {
    pub client: reqwest::Client,
    pub base: String,
    pub csrf: String,
}

/// The value of the first `name="csrf"` field of a page.
pub fn csrf_in(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a csrf field in the page");
    let rest = &html[at + "name=\"csrf\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

impl Staff {
    /// An anonymous session that has seen the login page (so it holds a CSRF token).
    pub async fn anonymous(app: &TestApp, addr: Option<&str>) -> Staff {
        let client = client_from(addr);
        let html = client.get(app.url("/admin/logga-in")).send().await.unwrap().text().await.unwrap();
        Staff { client, base: app.base.clone(), csrf: csrf_in(&html) }
    }

    /// Sends the login form; returns the response.
    pub async fn try_login(&self, name: &str, password: &str) -> Response {
        self.post("/admin/logga-in", &[("username", name), ("password", password)]).await
    }

    /// Logs in (must succeed) and picks up the new session's CSRF token.
    pub async fn login(app: &TestApp, name: &str) -> Staff {
        Self::login_from(app, name, None).await
    }

    pub async fn login_from(app: &TestApp, name: &str, addr: Option<&str>) -> Staff {
        let mut s = Staff::anonymous(app, addr).await;
        let resp = s.try_login(name, PASSWORD).await;
        assert_eq!(resp.status().as_u16(), 303, "login of {name}: {}", resp.text().await.unwrap());
        let html = s.page("/admin/losenord").await;
        s.csrf = csrf_in(&html);
        s
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// GET that must answer 200; the body.
    pub async fn page(&self, path: &str) -> String {
        let resp = self.get(path).await;
        let status = resp.status().as_u16();
        let body = resp.text().await.unwrap();
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    /// POST a form with this session's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut all: Vec<(&str, &str)> = vec![("csrf", &self.csrf)];
        all.extend_from_slice(fields);
        self.client.post(self.url(path)).form(&all).send().await.unwrap()
    }

    /// POST a form exactly as given (no token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.client.post(self.url(path)).form(fields).send().await.unwrap()
    }
}

/// Rows of the audit log with this action code.
pub fn audit_rows(app: &TestApp, action: &str) -> Vec<ratify::audit::Entry> {
    app.db
        .read_blocking(|c| ratify::audit::all(c).map_err(ratify::db::DbError::from))
        .unwrap()
        .into_iter()
        .filter(|e| e.action == action)
        .collect()
}

pub fn location(resp: &Response) -> String {
    resp.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

impl Staff {
    /// Uploads a CSV file to /admin/import (with the CSRF token); returns the response.
    pub async fn upload(&self, filename: &str, bytes: Vec<u8>) -> Response {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(filename.to_string()).mime_str("text/csv").unwrap();
        let form = reqwest::multipart::Form::new().text("csrf", self.csrf.clone()).part("file", part);
        self.client.post(self.url("/admin/import")).multipart(form).send().await.unwrap()
    }

    /// Uploads and follows to the preview; returns (preview path, preview HTML).
    pub async fn preview(&self, filename: &str, bytes: Vec<u8>) -> (String, String) {
        let resp = self.upload(filename, bytes).await;
        let status = resp.status().as_u16();
        let loc = location(&resp);
        assert_eq!(status, 303, "upload: {}", resp.text().await.unwrap());
        let html = self.page(&loc).await;
        (loc, html)
    }
}
