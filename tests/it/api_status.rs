//! GET /api/v1/status: the contract, the conditions and time travel, through HTTP.

use serde_json::{json, Value};

use crate::support::{municipality_codes, seed_rows, TestApp};

const STATUS_CODES: [&str; 9] = [
    "not_started",
    "in_preparation",
    "scheduled",
    "proposed",
    "adopted",
    "rejected",
    "referred_back",
    "tabled",
    "appealed",
];

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
    k.sort();
    k
}

fn sorted(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

async fn adopt(app: &TestApp, token: &str, code: &str, on: &str) {
    let body = if code == "14" { "RF" } else { "KF" };
    app.record(
        token,
        code,
        json!({"status": "adopted", "body": body, "decided_on": on, "reference": format!("{body} § 1")}),
    )
    .await;
}

async fn fresh_database_has_the_contract(app: TestApp) {
    let s = app.get_json("/api/v1/status", 200).await;
    assert_eq!(
        keys(&s),
        sorted(&[
            "agreement",
            "as_of",
            "last_change_at",
            "parties_total",
            "municipalities_total",
            "counts",
            "municipalities_adopted",
            "region_status",
            "conditions",
            "outcome",
            "instruments"
        ])
    );
    assert_eq!(s["agreement"], json!({"id": "hos-2027", "title": s["agreement"]["title"], "starts_on": "2027-01-01"}));
    assert!(s["agreement"]["title"].as_str().unwrap().contains("Hälso- och sjukvårdsavtal"));
    assert_eq!(s["last_change_at"], Value::Null);
    assert_eq!(s["parties_total"], 50);
    assert_eq!(s["municipalities_total"], 49);
    assert_eq!(keys(&s["counts"]), sorted(&STATUS_CODES));
    assert_eq!(s["counts"]["not_started"], 50);
    assert_eq!(s["municipalities_adopted"], 0);
    assert_eq!(s["region_status"], "not_started");
    let u = &s["conditions"]["unanimity"];
    assert_eq!(keys(u), sorted(&["state", "adopted", "required", "missing", "blocking"]));
    assert_eq!(u["state"], "open");
    assert_eq!(u["required"], 50);
    assert_eq!(u["missing"].as_array().unwrap().len(), 50);
    let m = &s["conditions"]["majority"];
    assert_eq!(keys(m), sorted(&["state", "municipalities_adopted", "required", "region_adopted", "blocking"]));
    assert_eq!(m["state"], "open");
    assert_eq!(m["required"], 25);
    assert_eq!(m["region_adopted"], false);
    assert_eq!(s["outcome"], json!({"applies_to": "none", "parties": [], "population_share": 0.0}));
    let instruments = s["instruments"].as_array().unwrap();
    assert_eq!(instruments.len(), 5);
    assert_eq!(instruments[0]["id"], "avtal");
    for i in instruments {
        assert_eq!(keys(i), sorted(&["id", "title", "adopted"]));
        assert_eq!(i["adopted"], 0);
    }
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Stockholm).date_naive().to_string();
    assert_eq!(s["as_of"], today);
}

async fn bad_parameters_are_400_naming_them(app: TestApp) {
    for (path, param) in [
        ("/api/v1/status?as_of=2026-13-40", "as_of"),
        ("/api/v1/status?as_of=igår", "as_of"),
        ("/api/v1/status?as_of=2026-1-5", "as_of"),
        ("/api/v1/events?since=yesterday", "since"),
    ] {
        let resp = app.get(path).await;
        assert_eq!(resp.status().as_u16(), 400, "{path}");
        assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
        let body: Value = resp.json().await.unwrap();
        assert_eq!(keys(&body), ["error"]);
        assert_eq!(body["error"]["code"], "bad_parameter");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(param), "{message}");
        assert!(message.contains("Parametern"), "Swedish message: {message}");
    }
    let body = app.get_json("/api/v1/status?asof=2026-01-01", 400).await;
    assert!(body["error"]["message"].as_str().unwrap().contains("asof"));
}

async fn majority_boundary_24_and_25_with_the_region(app: TestApp) {
    let token = app.token("test");
    let codes = municipality_codes();
    for code in &codes[..24] {
        adopt(&app, &token, code, "2026-03-10").await;
    }
    adopt(&app, &token, "14", "2026-04-01").await;
    let s = app.get_json("/api/v1/status", 200).await;
    assert_eq!(s["municipalities_adopted"], 24);
    assert_eq!(s["conditions"]["majority"]["state"], "open");
    assert_eq!(s["conditions"]["majority"]["region_adopted"], true);
    assert_eq!(s["outcome"]["applies_to"], "none");

    adopt(&app, &token, &codes[24], "2026-04-20").await;
    let s = app.get_json("/api/v1/status", 200).await;
    assert_eq!(s["municipalities_adopted"], 25);
    assert_eq!(s["counts"]["adopted"], 26);
    assert_eq!(s["counts"]["not_started"], 24);
    let total: u64 = STATUS_CODES.iter().map(|c| s["counts"][c].as_u64().unwrap()).sum();
    assert_eq!(total, 50);
    assert_eq!(s["conditions"]["majority"]["state"], "satisfied");
    assert_eq!(s["conditions"]["unanimity"]["state"], "open");
    assert_eq!(s["conditions"]["unanimity"]["missing"].as_array().unwrap().len(), 24);
    assert_eq!(s["outcome"]["applies_to"], "adopting_parties");
    let mut expected: Vec<String> = codes[..25].to_vec();
    expected.push("14".into());
    expected.sort();
    let parties: Vec<String> =
        s["outcome"]["parties"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    assert_eq!(parties, expected);
    // The share of the county's population covered: the 25 adopters over all 49.
    let rows = seed_rows();
    let all: u64 = rows.iter().filter(|r| r.2 == "municipality").map(|r| r.3).sum();
    let adopted: u64 = rows.iter().filter(|r| codes[..25].contains(&r.0)).map(|r| r.3).sum();
    let share = s["outcome"]["population_share"].as_f64().unwrap();
    assert!((share - adopted as f64 / all as f64).abs() < 1e-9, "{share}");
    assert_eq!(s["instruments"][0]["adopted"], 26);

    // Time travel: before the 25th adoption, before the region, before anything.
    let s = app.get_json("/api/v1/status?as_of=2026-04-19", 200).await;
    assert_eq!(s["as_of"], "2026-04-19");
    assert_eq!(s["municipalities_adopted"], 24);
    assert_eq!(s["conditions"]["majority"]["state"], "open");
    let s = app.get_json("/api/v1/status?as_of=2026-04-20", 200).await;
    assert_eq!(s["conditions"]["majority"]["state"], "satisfied");
    let s = app.get_json("/api/v1/status?as_of=2026-03-31", 200).await;
    assert_eq!(s["region_status"], "not_started");
    let s = app.get_json("/api/v1/status?as_of=2026-03-09", 200).await;
    assert_eq!(s["counts"]["not_started"], 50);
    assert_eq!(s["municipalities_adopted"], 0);
}

async fn region_rejection_blocks_both(app: TestApp) {
    let token = app.token("test");
    for code in &municipality_codes()[..30] {
        adopt(&app, &token, code, "2026-03-10").await;
    }
    app.record(&token, "14", json!({"status": "rejected", "body": "RF", "decided_on": "2026-04-14"})).await;
    let s = app.get_json("/api/v1/status", 200).await;
    assert_eq!(s["region_status"], "rejected");
    assert_eq!(s["conditions"]["majority"]["state"], "blocked");
    assert_eq!(s["conditions"]["majority"]["blocking"], json!(["14"]));
    assert_eq!(s["conditions"]["unanimity"]["state"], "blocked");
    assert_eq!(s["conditions"]["unanimity"]["blocking"], json!(["14"]));
    assert_eq!(s["outcome"]["applies_to"], "none");
    // The region decides again and adopts: the latest decision stands.
    adopt(&app, &token, "14", "2026-05-19").await;
    let s = app.get_json("/api/v1/status", 200).await;
    assert_eq!(s["conditions"]["majority"]["state"], "satisfied");
    assert_eq!(s["conditions"]["unanimity"]["state"], "open");
}

async fn too_many_municipal_rejections_block_the_majority(app: TestApp) {
    let token = app.token("test");
    let codes = municipality_codes();
    for code in &codes[..24] {
        app.record(&token, code, json!({"status": "rejected", "body": "KF", "decided_on": "2026-02-01"})).await;
    }
    let s = app.get_json("/api/v1/status", 200).await;
    assert_eq!(s["conditions"]["majority"]["state"], "open", "25 left can still reach 25");
    app.record(&token, &codes[24], json!({"status": "rejected", "body": "KF", "decided_on": "2026-02-01"})).await;
    let s = app.get_json("/api/v1/status", 200).await;
    assert_eq!(s["conditions"]["majority"]["state"], "blocked");
    assert_eq!(s["conditions"]["majority"]["blocking"].as_array().unwrap().len(), 25);
}

async fn everyone_adopting_satisfies_unanimity(app: TestApp) {
    let token = app.token("test");
    for code in municipality_codes() {
        adopt(&app, &token, &code, "2026-03-10").await;
    }
    adopt(&app, &token, "14", "2026-03-11").await;
    let s = app.get_json("/api/v1/status", 200).await;
    assert_eq!(s["conditions"]["unanimity"]["state"], "satisfied");
    assert_eq!(s["conditions"]["unanimity"]["adopted"], 50);
    assert_eq!(s["conditions"]["unanimity"]["missing"], json!([]));
    assert_eq!(s["conditions"]["majority"]["state"], "satisfied");
    assert_eq!(s["outcome"]["applies_to"], "all_parties");
    assert_eq!(s["outcome"]["parties"].as_array().unwrap().len(), 50);
    assert_eq!(s["outcome"]["population_share"], 1.0);
    // last_change_at is the newest recorded event's timestamp.
    let events = app.get_json("/api/v1/events", 200).await;
    assert_eq!(s["last_change_at"], events[0]["recorded_at"]);
    let s = app.get_json("/api/v1/status?as_of=2026-03-10", 200).await;
    assert_eq!(s["conditions"]["unanimity"]["state"], "open");
    assert_eq!(s["conditions"]["unanimity"]["missing"], json!(["14"]));
}

crate::both_backends!(
    fresh_database_has_the_contract,
    bad_parameters_are_400_naming_them,
    majority_boundary_24_and_25_with_the_region,
    region_rejection_blocks_both,
    too_many_municipal_rejections_block_the_majority,
    everyone_adopting_satisfies_unanimity,
);
