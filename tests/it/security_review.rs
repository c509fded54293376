//! The findings of the security review of issue 13 that are not about the /admin gate: far dates
//! (3), the streamed audit CSV and the login_attempts index (4), webhook secrets on the report
//! page (7), /readyz (8), the audit log's page number (9) and the CSP (10). Through HTTP, on both
//! backends.

use diesel::prelude::*;
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
            let id = ratify::agreement::load(c, ratify::agreement::AGREEMENT_SLUG)?.id;
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
    app.state.changed();
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
