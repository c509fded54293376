//! Findings of the security review of the staff workspace (issue 13): what a failed login may
//! touch, locked-out attempts, proxies, and sessions that end on the server.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use diesel::prelude::*;
use ratify::accounts::Role;
use ratify::db::schema::{audit_log, login_attempts, staff_sessions};
use ratify::db::DbError;

use crate::admin_routes::{raw, raw_login};
use crate::admin_support::{audit_rows, client_from, location, user, Staff, PASSWORD};
use crate::ops_process::BIN;
use crate::support::{Backend, TestApp, TestDb};

fn rows(app: &TestApp) -> (i64, i64) {
    app.db
        .read_blocking(|c| {
            let attempts = login_attempts::table.count().get_result::<i64>(c)?;
            let audit = audit_log::table.count().get_result::<i64>(c)?;
            Ok::<_, DbError>((attempts, audit))
        })
        .unwrap()
}

/// Only data a public page shows may make the public pages' cache stale (its generation).
async fn failed_logins_and_staff_only_writes_leave_the_public_cache_alone(app: TestApp) {
    user(&app, "admin", Role::Admin);
    assert_eq!(app.get("/").await.status().as_u16(), 200);
    let before = app.state.generation();
    for i in 0..4 {
        let s = Staff::anonymous(&app, Some(&format!("127.0.0.{}", 40 + i))).await;
        assert_eq!(s.try_login("admin", "fel lösenord").await.status().as_u16(), 401);
    }
    let s = Staff::login(&app, "admin").await;
    assert_eq!(s.post("/admin/konton", &[("username", "bertil"), ("role", "editor")]).await.status().as_u16(), 200);
    assert_eq!(s.post("/admin/nycklar", &[("name", "webbplatsen")]).await.status().as_u16(), 200);
    assert_eq!(s.post("/admin/logga-ut", &[]).await.status().as_u16(), 303);
    assert_eq!(app.state.generation(), before, "logins, accounts, tokens and logouts are not public data");
    // A recorded decision is: the same measure moves.
    let token = app.token("t");
    app.record(&token, "1480", serde_json::json!({"status": "in_preparation"})).await;
    assert!(app.state.generation() > before, "an event makes the public pages stale");
}

async fn attempts_refused_while_locked_out_store_nothing(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::anonymous(&app, Some("127.0.0.50")).await;
    for _ in 0..5 {
        assert_eq!(s.try_login("anna", "gissning").await.status().as_u16(), 401);
    }
    let locked = rows(&app);
    assert_eq!(audit_rows(&app, "login.refused").len(), 1, "the lock is in the audit trail once, when it begins");
    for _ in 0..20 {
        assert_eq!(s.try_login("anna", "gissning").await.status().as_u16(), 429);
    }
    assert_eq!(s.try_login("anna", PASSWORD).await.status().as_u16(), 429);
    assert_eq!(rows(&app), locked, "no row in login_attempts or the audit trail while locked");
}

async fn x_forwarded_for_counts_from_a_trusted_proxy_network_only(backend: Backend) {
    let config = ratify::config::Config {
        trusted_proxies: vec!["127.0.0.0/29".parse().unwrap()],
        ..ratify::config::Config::default()
    };
    let app = TestApp::spawn_with(backend, config).await;
    user(&app, "anna", Role::Editor);
    let fail = |from: &'static str| {
        let url = app.url("/admin/logga-in");
        async move {
            let client = client_from(Some(from));
            let html = client.get(&url).send().await.unwrap().text().await.unwrap();
            let csrf = crate::admin_support::csrf_in(&html);
            client
                .post(&url)
                .header("X-Forwarded-For", "198.51.100.7, 203.0.113.5")
                .form(&[("csrf", csrf.as_str()), ("username", "anna"), ("password", "fel")])
                .send()
                .await
                .unwrap()
        }
    };
    // 127.0.0.3 is in the trusted network: the address nginx appended last counts.
    assert_eq!(fail("127.0.0.3").await.status().as_u16(), 401);
    // 127.0.0.9 is not: its header is ignored.
    assert_eq!(fail("127.0.0.9").await.status().as_u16(), 401);
    let addrs: Vec<Option<String>> = audit_rows(&app, "login.failed").into_iter().map(|e| e.client_addr).collect();
    assert_eq!(addrs, [Some("203.0.113.5".to_string()), Some("127.0.0.9".to_string())]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trusted_proxy_networks_sqlite() {
    x_forwarded_for_counts_from_a_trusted_proxy_network_only(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trusted_proxy_networks_postgres() {
    x_forwarded_for_counts_from_a_trusted_proxy_network_only(Backend::Postgres).await;
}

/// The request log of the real binary names the same client address as the audit trail: a
/// forged `X-Forwarded-For` from an untrusted peer does not show.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_log_believes_x_forwarded_for_from_trusted_proxies_only() {
    let db = TestDb::new(Backend::Sqlite);
    let mut child = Command::new(BIN)
        .env("RATIFY_DATABASE_URL", &db.url)
        .env("RATIFY_BIND", "127.0.0.1:0")
        .env("RATIFY_LOG", "info")
        .env("RATIFY_REPORT_ENABLED", "false")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let base = line.split_whitespace().find(|w| w.starts_with("http://")).unwrap().to_string();
    let resp = reqwest::Client::new()
        .get(format!("{base}/healthz"))
        .header("X-Forwarded-For", "203.0.113.66")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    let request = log.lines().find(|l| l.contains("/healthz")).unwrap_or_else(|| panic!("no request line in:\n{log}"));
    assert!(request.contains("127.0.0.1"), "{request}");
    assert!(!request.contains("203.0.113.66"), "a forged header shows in the log: {request}");
}

async fn logout_ends_the_session_for_every_copy_of_the_cookie(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let (cookie, csrf) = raw_login(&app, "anna").await;
    let copy = cookie.clone();
    assert_eq!(raw(&app, "GET", "/admin", &copy, "").await.status, 200);
    let form = serde_urlencoded::to_string([("csrf", csrf.as_str())]).unwrap();
    assert_eq!(raw(&app, "POST", "/admin/logga-ut", &cookie, &form).await.status, 303);
    let replayed = raw(&app, "GET", "/admin", &copy, "").await;
    assert_eq!(replayed.status, 303, "a copied cookie works after logout");
    assert!(replayed.location.starts_with("/admin/logga-in"), "{}", replayed.location);
}

async fn a_session_ends_after_thirty_idle_minutes(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let (cookie, _) = raw_login(&app, "anna").await;
    let idle_for = |minutes: i64| {
        let at = (chrono::Utc::now() - chrono::Duration::minutes(minutes)).naive_utc();
        app.db
            .write_blocking(|c| {
                diesel::update(staff_sessions::table)
                    .set(staff_sessions::last_seen_at.eq(at))
                    .execute(c)
                    .map_err(DbError::from)
            })
            .unwrap();
    };
    idle_for(29);
    assert_eq!(raw(&app, "GET", "/admin", &cookie, "").await.status, 200, "29 minutes idle: still logged in");
    // That request counted as use: the clock starts again.
    let seen: chrono::NaiveDateTime = app
        .db
        .read_blocking(|c| staff_sessions::table.select(staff_sessions::last_seen_at).first(c).map_err(DbError::from))
        .unwrap();
    assert!(chrono::Utc::now().naive_utc() - seen < chrono::Duration::minutes(1));
    idle_for(31);
    let resp = raw(&app, "GET", "/admin", &cookie, "").await;
    assert_eq!(resp.status, 303, "31 minutes idle: logged out");
    assert!(resp.location.starts_with("/admin/logga-in"));
}

/// Two instances on one database without RATIFY_SESSION_KEY: a login made on one is valid on
/// the other (the cookie key is the one the database keeps, not one per process).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_without_a_session_key_share_logins() {
    let db = TestDb::new(Backend::Postgres);
    let a = crate::ops_process::Instance::start(&db.url, &[]);
    let b = crate::ops_process::Instance::start(&db.url, &[]);
    let store = ratify::db::Db::open(&db.url, 1).unwrap();
    let hashed = ratify::accounts::password::hash(PASSWORD).unwrap();
    store.write_blocking(|c| ratify::accounts::create_in(c, "anna", &hashed, Role::Editor, false).map(|_| ())).unwrap();
    let client = client_from(None);
    let html = client.get(a.url("/admin/logga-in")).send().await.unwrap().text().await.unwrap();
    let csrf = crate::admin_support::csrf_in(&html);
    let resp = client
        .post(a.url("/admin/logga-in"))
        .form(&[("csrf", csrf.as_str()), ("username", "anna"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    assert_eq!(client.get(a.url("/admin")).send().await.unwrap().status().as_u16(), 200);
    // The cookie jar sends the same cookie to the other instance (cookies ignore the port).
    let on_b = client.get(b.url("/admin")).send().await.unwrap();
    assert_eq!(on_b.status().as_u16(), 200, "instance B refused A's login: {}", location(&on_b));
}

crate::both_backends!(
    failed_logins_and_staff_only_writes_leave_the_public_cache_alone,
    attempts_refused_while_locked_out_store_nothing,
    logout_ends_the_session_for_every_copy_of_the_cookie,
    a_session_ends_after_thirty_idle_minutes,
);
