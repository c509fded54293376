//! The findings of the security review of issue 13 that are not about the /admin gate: far dates
//! (3), the streamed audit CSV and the login_attempts index (4), webhook secrets on the report
//! page (7), /readyz (8), the audit log's page number (9) and the CSP (10). Through HTTP, on both
//! backends.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use serde_json::{json, Value};

use ratify::accounts::Role;

use crate::admin_support::{user, Staff};
use crate::support::TestApp;

const MEGABYTE: usize = 1024 * 1024;

// ---- 3. Denial of service by date ----

/// Every public page and endpoint that takes a date, with the parameter's name.
const DATED: [(&str, &str); 5] = [
    ("/?datum=", "datum"),
    ("/parter/1480?datum=", "datum"),
    ("/data/status.csv?datum=", "datum"),
    ("/data/beslut.csv?datum=", "datum"),
    ("/api/v1/status?as_of=", "as_of"),
];

async fn a_far_datum_is_refused_by_every_page_and_endpoint(app: TestApp) {
    for (path, param) in DATED {
        for far in ["9999-12-31", "2100-01-01", "1999-12-31", "0001-01-01"] {
            let resp = app.get(&format!("{path}{far}")).await;
            let status = resp.status().as_u16();
            let body = resp.text().await.unwrap();
            assert_eq!(status, 400, "{path}{far}: {}", &body[..body.len().min(300)]);
            assert!(body.contains(param) && body.contains("2000-01-01") && body.contains("2099-12-31"), "{body}");
        }
        for near in ["2000-01-01", "2026-03-24", "2099-12-31"] {
            assert_eq!(app.get(&format!("{path}{near}")).await.status().as_u16(), 200, "{path}{near}");
        }
    }
}

async fn a_far_planned_on_is_refused_by_the_api_and_the_form(app: TestApp) {
    let token = app.token("t");
    for far in ["9999-12-31", "2100-01-01", "1999-12-31"] {
        let resp =
            app.post_event(&token, "1480", &json!({"status": "scheduled", "body": "KF", "planned_on": far})).await;
        assert_eq!(resp.status().as_u16(), 422);
        let json: Value = resp.json().await.unwrap();
        assert_eq!(json["error"]["field"], "planned_on", "{json}");
        let message = json["error"]["message"].as_str().unwrap();
        assert!(message.contains("planned_on") && message.contains("planerat sammanträde"), "{message}");
        assert!(message.contains("2000-01-01") && message.contains("2099-12-31"), "{message}");
    }
    app.record(&token, "1480", json!({"status": "scheduled", "body": "KF", "planned_on": "2099-12-31"})).await;

    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let html = s.page("/admin/parter/1490").await;
    let latest = crate::admin_party::latest_in(&html);
    let fields =
        [("latest", latest.as_str()), ("status", "scheduled"), ("planned_on", "9999-12-31"), ("instruments", "avtal")];
    let resp = s.post("/admin/parter/1490/handelser", &fields).await;
    assert_eq!(resp.status().as_u16(), 422);
    let body = resp.text().await.unwrap();
    assert!(body.contains("id=\"planned_on-fel\"") && body.contains("2099-12-31"), "{body}");
    assert_eq!(app.event_count().await, 1, "only the event inside the range is stored");
}

/// A far date stored before the range was enforced (or written by hand) no longer makes every
/// page huge: the chart and its day-by-day history are bounded by the agreement's dates.
async fn far_stored_dates_keep_every_public_response_under_a_megabyte(app: TestApp) {
    // Written past validation, as an event stored before the range was enforced.
    app.db
        .write_blocking(|c| {
            use ratify::db::schema::events as e;
            let id = ratify::agreement::load(c, ratify::agreement::DEFAULT_FEATURED)?.id;
            let far = |y: i32, m: u32, d: u32| chrono::NaiveDate::from_ymd_opt(y, m, d);
            let row = |code: &str, status: &str, decided, planned| {
                (
                    e::agreement_id.eq(id),
                    e::party_code.eq(code.to_string()),
                    e::status.eq(status.to_string()),
                    e::body.eq(Some("KF".to_string())),
                    e::decided_on.eq(decided),
                    e::planned_on.eq(planned),
                    e::recorded_by.eq("test".to_string()),
                    e::recorded_at.eq(ratify::clock::now().naive_utc()),
                )
            };
            for values in [
                row("1480", "scheduled", None, far(9999, 12, 31)),
                row("1490", "adopted", far(1, 1, 1), None),
                row("1401", "scheduled", None, far(2099, 12, 31)),
            ] {
                diesel::insert_into(e::table).values(values).execute(c)?;
            }
            Ok::<_, ratify::db::DbError>(())
        })
        .unwrap();
    app.state.everything_changed();
    let paths = [
        "/",
        "/?datum=2099-12-31",
        "/?datum=2000-01-01",
        "/?vy=rutnat&datum=2099-12-31",
        "/parter/1480",
        "/parter/1480?datum=2099-12-31",
        "/parter/1490?datum=2000-01-01",
        "/inbaddning",
        "/badge.svg",
        "/data/status.csv?datum=2099-12-31",
        "/data/beslut.csv",
        "/feed.atom",
        "/kalender.ics",
        "/api/v1/status?as_of=2099-12-31",
        "/api/v1/parties",
        "/api/v1/events",
    ];
    for path in paths {
        let resp = app.get(path).await;
        assert_eq!(resp.status().as_u16(), 200, "{path}");
        let size = resp.bytes().await.unwrap().len();
        assert!(size < MEGABYTE, "{path}: {size} bytes");
    }
}

crate::both_backends!(
    a_far_datum_is_refused_by_every_page_and_endpoint,
    a_far_planned_on_is_refused_by_the_api_and_the_form,
    far_stored_dates_keep_every_public_response_under_a_megabyte,
);

// ---- 4. The audit CSV streams; the login_attempts cleanup is indexed ----

/// The CSV as it was written before streaming: BOM, `;`, CRLF, formula guard, oldest first.
fn expected_audit_csv(app: &TestApp) -> Vec<u8> {
    let entries = app.db.read_blocking(|c| ratify::audit::all(c).map_err(ratify::db::DbError::from)).unwrap();
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new().delimiter(b';').terminator(csv::Terminator::CRLF).from_writer(&mut out);
        w.write_record(["id", "at", "actor", "action", "details", "client_addr"]).unwrap();
        for e in &entries {
            w.write_record([
                e.id.to_string(),
                ratify::clock::rfc3339(e.at),
                ratify::admin::csv_format::guard(&e.actor),
                e.action.clone(),
                ratify::admin::csv_format::guard(&e.details),
                e.client_addr.clone().unwrap_or_default(),
            ])
            .unwrap();
        }
        w.flush().unwrap();
    }
    out
}

async fn the_audit_csv_streams_a_long_log_in_the_same_format(app: TestApp) {
    user(&app, "admin", Role::Admin);
    let rows = 1234;
    app.db
        .write_blocking(|c| {
            for i in 0..rows {
                let details = match i % 4 {
                    0 => format!("=HYPERLINK(\"x\";\"{i}\")"),
                    1 => format!("rad {i}; med \"citat\"\noch radbrytning, åäö"),
                    2 => format!("'{i}"),
                    _ => format!("vanlig rad {i}"),
                };
                let addr = (i % 3 == 0).then_some("127.0.0.9");
                ratify::audit::record(c, "kommandoraden", ratify::audit::Action::EventCreate, &details, addr)?;
            }
            Ok::<_, ratify::db::DbError>(())
        })
        .unwrap();
    let s = Staff::login(&app, "admin").await;
    let resp = s.get("/admin/logg.csv").await;
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(resp.headers()["cache-control"], "no-store");
    assert!(resp.headers()["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"ratify-logg-"));
    // Streamed: the length is not known before the last chunk is read.
    assert!(resp.headers().get("content-length").is_none(), "{:?}", resp.headers());
    assert_eq!(resp.headers()["transfer-encoding"], "chunked");
    let body = resp.bytes().await.unwrap().to_vec();
    let expected = expected_audit_csv(&app);
    assert!(body.starts_with(b"\xEF\xBB\xBFid;at;actor;action;details;client_addr\r\n"));
    assert_eq!(String::from_utf8(body).unwrap(), String::from_utf8(expected).unwrap());
}

#[derive(QueryableByName)]
struct IndexDef {
    #[diesel(sql_type = Text)]
    def: String,
}

async fn the_login_attempts_cleanup_is_indexed(app: TestApp) {
    let sql = match app.db.backend() {
        ratify::db::Backend::Sqlite => {
            "SELECT sql AS def FROM sqlite_master WHERE type = 'index' AND tbl_name = 'login_attempts' AND sql IS NOT NULL"
        }
        ratify::db::Backend::Postgres => "SELECT indexdef AS def FROM pg_indexes WHERE tablename = 'login_attempts'",
    };
    let mut conn = app.db.conn().unwrap();
    let defs: Vec<String> =
        diesel::sql_query(sql).load::<IndexDef>(&mut *conn).unwrap().into_iter().map(|d| d.def).collect();
    // `forget_old` deletes by attempted_at alone: an index must lead with it.
    assert!(defs.iter().any(|d| d.replace('"', "").contains("(attempted_at")), "{defs:?}");
}

crate::both_backends!(the_audit_csv_streams_a_long_log_in_the_same_format, the_login_attempts_cleanup_is_indexed);

// ---- 7. Webhook secrets on the report page ----

const SECRET_HOOK: &str = "http://127.0.0.1:1/services/T0HEMLIG/B0HEMLIG/nyckelHEMLIG?code=HEMLIGKOD";

async fn the_report_page_shows_webhook_hosts_only(app: TestApp) {
    let cfg = crate::reports_support::config(&[SECRET_HOOK.to_string()], &[], None);
    ratify::reports::admin::send_now(&app.db, &cfg, "redaktör", None, ratify::clock::now()).unwrap();
    {
        // A delivery error as reqwest words it: the whole URL, path and query included.
        let error = format!(
            "kunde inte nå mottagaren: error sending request for url ({SECRET_HOOK}): client error (Connect): \
             https://hooks.slack.com/services/T1HEMLIG/B1HEMLIG?x=HEMLIG"
        );
        use ratify::db::schema::report_deliveries as d;
        let mut conn = app.db.conn().unwrap();
        diesel::update(d::table)
            .set((d::state.eq("failed"), d::attempts.eq(1), d::last_error.eq(Some(error))))
            .execute(&mut *conn)
            .unwrap();
    }
    user(&app, "anna", Role::Editor);
    user(&app, "admin", Role::Admin);
    for who in ["anna", "admin"] {
        let s = Staff::login(&app, who).await;
        let html = s.page("/admin/rapporter").await;
        assert!(html.contains("Webhook http://127.0.0.1:1"), "{html}");
        assert!(html.contains("https://hooks.slack.com") && html.contains("kunde inte nå mottagaren"), "{html}");
        assert!(html.contains("skicka-igen"), "the failed delivery can be resent");
        assert!(!html.contains("HEMLIG") && !html.contains("/services/"), "{who} sees no secret: {html}");
    }
}

crate::both_backends!(the_report_page_shows_webhook_hosts_only);

// ---- 8. /readyz ----

async fn readyz_gives_a_fixed_reason_when_the_database_fails(app: TestApp) {
    assert_eq!(app.get("/readyz").await.status().as_u16(), 200);
    {
        // The migrations table with the wrong shape: reading it fails with a database error.
        let mut conn = app.db.conn().unwrap();
        conn.batch_execute(
            "DROP TABLE __diesel_schema_migrations; CREATE TABLE __diesel_schema_migrations (hemlig_kolumn INTEGER);",
        )
        .unwrap();
    }
    let resp = app.get("/readyz").await;
    assert_eq!(resp.status().as_u16(), 503);
    assert_eq!(resp.headers()["cache-control"], "no-store");
    assert_eq!(resp.text().await.unwrap(), "inte redo: databasen svarar inte\n");
}

crate::both_backends!(readyz_gives_a_fixed_reason_when_the_database_fails);

// ---- 9. The audit log's page number ----

async fn the_audit_log_page_number_is_bounded(app: TestApp) {
    user(&app, "admin", Role::Admin);
    let s = Staff::login(&app, "admin").await;
    // Beyond the last page: the last page is shown.
    for sida in ["2", "9223372036854775807"] {
        let html = s.page(&format!("/admin/logg?sida={sida}")).await;
        assert!(html.contains("Sida 1 av 1") && html.contains("Inloggning"), "{html}");
    }
    for bad in ["0", "-1", "9223372036854775808", "99999999999999999999999", "x"] {
        let resp = s.get(&format!("/admin/logg?sida={bad}")).await;
        assert_eq!(resp.status().as_u16(), 400, "sida={bad}");
        assert!(resp.text().await.unwrap().contains("Parametern sida"));
    }
}

crate::both_backends!(the_audit_log_page_number_is_bounded);

// ---- 10. The CSP ----

fn assert_restrictive_policy(resp: &reqwest::Response, what: &str) {
    let csp = resp.headers().get("content-security-policy").expect("CSP").to_str().unwrap();
    for directive in ["form-action 'self'", "base-uri 'none'", "object-src 'none'"] {
        assert!(csp.split(';').any(|d| d.trim() == directive), "{what}: {directive} in {csp}");
    }
}

async fn every_policy_restricts_forms_base_and_plugins(app: TestApp) {
    for path in ["/", "/inbaddning", "/api/v1/status", "/finns-inte", "/admin/logga-in", "/static/finns-inte.css"] {
        let resp = app.get(path).await;
        assert_restrictive_policy(&resp, path);
    }
    let embed = app.get("/inbaddning").await;
    assert!(embed.headers()["content-security-policy"].to_str().unwrap().contains("frame-ancestors *"));
    // The report preview's policy allows its inline styles by hash: the same three directives.
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let resp = s.get("/admin/rapporter/forhandsvisning").await;
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.headers()["content-security-policy"].to_str().unwrap().contains("'sha256-"));
    assert_restrictive_policy(&resp, "the report preview");
}

crate::both_backends!(every_policy_restricts_forms_base_and_plugins);
