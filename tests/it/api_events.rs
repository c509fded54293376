//! POST /api/v1/parties/{code}/events and GET /api/v1/events: tokens, validation, corrections.

use diesel::connection::SimpleConnection;
use serde_json::{json, Value};

use crate::support::TestApp;

async fn refused(app: &TestApp, token: &str, code: &str, body: Value, field: &str) {
    let resp = app.post_event(token, code, &body).await;
    assert_eq!(resp.status().as_u16(), 422, "{body}");
    let json: Value = resp.json().await.unwrap();
    assert_eq!(json["error"]["code"], "invalid_field", "{json}");
    assert_eq!(json["error"]["field"], field, "{json}");
    let message = json["error"]["message"].as_str().unwrap();
    // A request-level refusal names the unknown key instead.
    if field != "request" {
        assert!(message.contains(field), "message names {field}: {message}");
    }
}

fn tomorrow() -> String {
    (chrono::Utc::now().with_timezone(&chrono_tz::Europe::Stockholm).date_naive() + chrono::Days::new(1)).to_string()
}

async fn writes_need_a_valid_token(app: TestApp) {
    let body = json!({"status": "in_preparation"});
    let url = app.url("/api/v1/parties/1480/events");
    let resp = app.client.post(&url).json(&body).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    assert_eq!(resp.headers()["www-authenticate"], "Bearer");
    let json: Value = resp.json().await.unwrap();
    assert_eq!(json["error"]["code"], "unauthorized");
    assert_eq!(app.post_event("ratify_wrong", "1480", &body).await.status().as_u16(), 401);
    let resp = app.client.post(&url).header("Authorization", "Basic abc").json(&body).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let token = app.token("revoked");
    ratify::tokens::revoke(&app.db, "revoked").unwrap();
    assert_eq!(app.post_event(&token, "1480", &body).await.status().as_u16(), 401);
    assert_eq!(app.event_count().await, 0);
}

async fn unknown_party_is_404(app: TestApp) {
    let token = app.token("t");
    let resp = app.post_event(&token, "9999", &json!({"status": "in_preparation"})).await;
    assert_eq!(resp.status().as_u16(), 404);
    let json: Value = resp.json().await.unwrap();
    assert_eq!(json["error"]["code"], "not_found");
    assert!(json["error"]["message"].as_str().unwrap().contains("9999"));
}

async fn every_refusal_is_422_naming_the_field_and_stores_nothing(app: TestApp) {
    let token = app.token("t");
    refused(&app, &token, "1480", json!({}), "status").await;
    refused(&app, &token, "1480", json!({"status": "approved"}), "status").await;
    refused(&app, &token, "1480", json!({"status": 3}), "status").await;
    refused(&app, &token, "1480", json!({"status": "proposed", "body": "KFX"}), "body").await;
    refused(&app, &token, "1480", json!({"status": "proposed", "body": "RS"}), "body").await;
    refused(&app, &token, "14", json!({"status": "proposed", "body": "KS"}), "body").await;
    for status in ["adopted", "rejected", "referred_back", "tabled"] {
        refused(&app, &token, "1480", json!({"status": status, "body": "KF"}), "decided_on").await;
        refused(&app, &token, "1480", json!({"status": status, "decided_on": tomorrow()}), "decided_on").await;
    }
    refused(&app, &token, "1480", json!({"status": "adopted", "decided_on": "2026-02-30"}), "decided_on").await;
    refused(&app, &token, "1480", json!({"status": "scheduled", "body": "KF"}), "planned_on").await;
    refused(
        &app,
        &token,
        "1480",
        json!({"status": "adopted", "decided_on": "2026-03-24", "protocol_url": "ftp://x.se/p.pdf"}),
        "protocol_url",
    )
    .await;
    refused(
        &app,
        &token,
        "1480",
        json!({"status": "adopted", "decided_on": "2026-03-24", "protocol_url": "javascript:alert(1)"}),
        "protocol_url",
    )
    .await;
    refused(&app, &token, "1480", json!({"status": "proposed", "note": "x".repeat(4001)}), "note").await;
    refused(&app, &token, "1480", json!({"status": "proposed", "instruments": ["avtal", "okänt"]}), "instruments")
        .await;
    refused(&app, &token, "1480", json!({"status": "proposed", "decidedOn": "2026-01-01"}), "request").await;
    let resp = app.post_event(&token, "1480", &json!({"status": "proposed", "decidedOn": "2026-01-01"})).await;
    let json: Value = resp.json().await.unwrap();
    assert!(json["error"]["message"].as_str().unwrap().contains("decidedOn"));
    // corrects naming another party's event: the only event stored in this test is Borås's.
    let other = app.record(&token, "1490", json!({"status": "in_preparation"})).await;
    refused(
        &app,
        &token,
        "1480",
        json!({"status": "proposed", "corrects": other["id"], "note": "fel part"}),
        "corrects",
    )
    .await;
    refused(&app, &token, "1480", json!({"status": "proposed", "corrects": 999_999, "note": "finns ej"}), "corrects")
        .await;
    // Göteborg has nothing stored: every refusal left nothing behind.
    let party = app.get_json("/api/v1/parties/1480", 200).await;
    assert_eq!(party["events"], json!([]));
    assert_eq!(app.event_count().await, 1);

    let resp = app
        .client
        .post(app.url("/api/v1/parties/1480/events"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let json: Value = resp.json().await.unwrap();
    assert!(json["error"]["message"].as_str().unwrap().contains("JSON"));
}

async fn a_stored_event_comes_back_whole(app: TestApp) {
    let token = app.token("kommunens-skript");
    let stored = app
        .record(
            &token,
            "1480",
            json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24", "reference": "KF § 45",
                   "protocol_url": "https://goteborg.se/protokoll/kf-2026-03-24.pdf", "posted_on": "2026-03-30",
                   "note": "Enligt KS förslag <b>utan</b> ändringar"}),
        )
        .await;
    assert_eq!(stored["party_code"], "1480");
    assert_eq!(stored["status"], "adopted");
    assert_eq!(stored["status_label"], "Antaget");
    assert_eq!(stored["body"], "KF");
    assert_eq!(stored["decided_on"], "2026-03-24");
    assert_eq!(stored["effective_on"], "2026-03-24");
    assert_eq!(stored["reference"], "KF § 45");
    assert_eq!(stored["posted_on"], "2026-03-30");
    assert_eq!(stored["note"], "Enligt KS förslag <b>utan</b> ändringar");
    assert_eq!(stored["instruments"].as_array().unwrap().len(), 5);
    assert_eq!(stored["recorded_by"], "api:kommunens-skript");
    assert!(chrono::DateTime::parse_from_rfc3339(stored["recorded_at"].as_str().unwrap()).is_ok());

    let party = app.get_json("/api/v1/parties/1480", 200).await;
    assert_eq!(party["status"], "adopted");
    assert_eq!(party["latest_decision"]["reference"], "KF § 45");
    let mut listed = party["events"][0].clone();
    assert!(listed.get("recorded_by").is_none(), "the public API leaves out who recorded");
    listed["recorded_by"] = stored["recorded_by"].clone();
    assert_eq!(listed, stored);

    // since: only what was recorded after the timestamp, newest first.
    let first_at = stored["recorded_at"].as_str().unwrap().to_string();
    let second =
        app.record(&token, "1490", json!({"status": "scheduled", "body": "KF", "planned_on": "2027-01-20"})).await;
    let all = app.get_json("/api/v1/events", 200).await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    assert_eq!(all[0]["id"], second["id"]);
    let since = app.get_json(&format!("/api/v1/events?since={}", first_at.replace('+', "%2B")), 200).await;
    assert_eq!(since.as_array().unwrap().len(), 1);
    assert_eq!(since[0]["id"], second["id"]);
    let since = app.get_json("/api/v1/events?since=2000-01-01T00:00:00Z", 200).await;
    assert_eq!(since.as_array().unwrap().len(), 2);
}

async fn a_correction_replaces_the_event_and_both_stay_visible(app: TestApp) {
    let token = app.token("t");
    let wrong =
        app.record(&token, "1490", json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24"})).await;
    assert_eq!(app.get_json("/api/v1/status", 200).await["municipalities_adopted"], 1);
    let fix = app
        .record(
            &token,
            "1490",
            json!({"status": "tabled", "body": "KF", "decided_on": "2026-03-24",
                                       "corrects": wrong["id"], "note": "Ärendet bordlades, antogs inte"}),
        )
        .await;
    assert_eq!(fix["corrects"], wrong["id"]);
    let s = app.get_json("/api/v1/status", 200).await;
    assert_eq!(s["municipalities_adopted"], 0);
    assert_eq!(s["counts"]["tabled"], 1);
    // Also at past dates: a corrected event counts nowhere.
    let s = app.get_json("/api/v1/status?as_of=2026-03-25", 200).await;
    assert_eq!(s["municipalities_adopted"], 0);
    let party = app.get_json("/api/v1/parties/1490", 200).await;
    let events = party["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["corrected_by"], fix["id"]);
    assert_eq!(events[1]["corrected_by"], Value::Null);
    // An event is corrected once; a second correction of it is refused.
    refused(
        &app,
        &token,
        "1490",
        json!({"status": "rejected", "decided_on": "2026-03-24", "corrects": wrong["id"], "note": "igen"}),
        "corrects",
    )
    .await;
    // A correction needs a reason.
    refused(
        &app,
        &token,
        "1490",
        json!({"status": "rejected", "decided_on": "2026-03-24", "corrects": fix["id"]}),
        "note",
    )
    .await;
}

async fn a_party_can_reject_one_instrument(app: TestApp) {
    let token = app.token("t");
    app.record(&token, "1401", json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24"})).await;
    let partial = app
        .record(
            &token,
            "1401",
            json!({"status": "rejected", "body": "KF", "decided_on": "2026-04-21",
                                       "instruments": ["ok-hjalpmedel"], "reference": "KF § 60"}),
        )
        .await;
    assert_eq!(partial["instruments"], json!(["ok-hjalpmedel"]));
    let party = app.get_json("/api/v1/parties/1401", 200).await;
    assert_eq!(party["status"], "rejected");
    assert_eq!(party["counts_as_adopted"], false);
    let per: Vec<(String, String)> = party["instruments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["id"].as_str().unwrap().to_string(), i["status"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(per[0], ("avtal".into(), "adopted".into()));
    assert_eq!(per[4], ("ok-hjalpmedel".into(), "rejected".into()));
    let s = app.get_json("/api/v1/status", 200).await;
    assert_eq!(s["municipalities_adopted"], 0);
    assert_eq!(s["instruments"][0]["adopted"], 1);
    assert_eq!(s["instruments"][4]["adopted"], 0);
    assert_eq!(s["conditions"]["unanimity"]["blocking"], json!(["1401"]));
}

async fn the_log_is_append_only_in_the_database(app: TestApp) {
    let token = app.token("t");
    app.record(&token, "1480", json!({"status": "in_preparation"})).await;
    let mut conn = app.db.conn().unwrap();
    assert!(conn.batch_execute("UPDATE events SET status = 'adopted'").is_err());
    assert!(conn.batch_execute("DELETE FROM events").is_err());
    drop(conn);
    let party = app.get_json("/api/v1/parties/1480", 200).await;
    assert_eq!(party["events"][0]["status"], "in_preparation");
}

crate::both_backends!(
    writes_need_a_valid_token,
    unknown_party_is_404,
    every_refusal_is_422_naming_the_field_and_stores_nothing,
    a_stored_event_comes_back_whole,
    a_correction_replaces_the_event_and_both_stay_visible,
    a_party_can_reject_one_instrument,
    the_log_is_append_only_in_the_database,
);
