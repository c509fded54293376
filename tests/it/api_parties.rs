//! GET /api/v1/parties and /api/v1/parties/{code}.

use serde_json::{json, Value};

use crate::support::{seed_rows, TestApp};

async fn lists_all_fifty_with_their_status(app: TestApp) {
    let parties = app.get_json("/api/v1/parties", 200).await;
    let parties = parties.as_array().unwrap();
    assert_eq!(parties.len(), 50);
    assert_eq!(parties[0]["code"], "14");
    assert_eq!(parties[0]["kind"], "region");
    assert_eq!(parties[0]["name"], "Västra Götalandsregionen");
    let gbg = parties.iter().find(|p| p["code"] == "1480").unwrap();
    assert_eq!(gbg["name"], "Göteborg");
    assert_eq!(gbg["kind"], "municipality");
    assert_eq!(gbg["subregion"], "Göteborgsregionen");
    assert_eq!(gbg["status"], "not_started");
    assert_eq!(gbg["status_label"], "Ej påbörjat");
    assert_eq!(gbg["latest_decision"], Value::Null);
    assert!(gbg.get("events").is_none());
    let seeded: Vec<String> = seed_rows().into_iter().map(|r| r.0).collect();
    let listed: Vec<String> = parties.iter().map(|p| p["code"].as_str().unwrap().to_string()).collect();
    assert_eq!(listed, seeded);

    let token = app.token("t");
    app.record(&token, "1490", json!({"status": "scheduled", "body": "KF", "planned_on": "2099-02-23"})).await;
    app.record(
        &token,
        "1490",
        json!({"status": "referred_back", "body": "KF", "decided_on": "2026-01-26", "reference": "KF § 3"}),
    )
    .await;
    let parties = app.get_json("/api/v1/parties", 200).await;
    let boras = parties.as_array().unwrap().iter().find(|p| p["code"] == "1490").unwrap();
    // The meeting was scheduled (today) before the January referral was recorded: the referral
    // overtakes that entry, but the planned meeting still shows as the next planned decision.
    assert_eq!(boras["status"], "referred_back");
    assert_eq!(boras["next_planned_on"], "2099-02-23");
    assert_eq!(boras["latest_decision"]["status"], "referred_back");
    assert_eq!(boras["latest_decision"]["reference"], "KF § 3");
}

async fn one_party_with_history_or_404(app: TestApp) {
    let p = app.get_json("/api/v1/parties/1490", 200).await;
    assert_eq!(p["name"], "Borås");
    assert_eq!(p["events"], json!([]));
    let body = app.get_json("/api/v1/parties/9999", 404).await;
    assert_eq!(body["error"]["code"], "not_found");
    assert!(body["error"]["message"].as_str().unwrap().contains("9999"));
    let body = app.get_json("/api/v1/nope", 404).await;
    assert_eq!(body["error"]["code"], "not_found");
}

crate::both_backends!(lists_all_fifty_with_their_status, one_party_with_history_or_404);
