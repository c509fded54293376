//! Issue 17, the API per agreement: `/api/v1/agreements/{slug}/…` answers for the agreement the
//! path names, each over its own parties and rules, and today's addresses stay the featured one's.

use serde_json::{json, Value};

use crate::both_backends;
use crate::support::{second_agreement, TestApp};
use ratify::ratification::Threshold;

const FYRBODAL: [&str; 14] =
    ["1421", "1427", "1430", "1435", "1438", "1439", "1460", "1461", "1484", "1485", "1486", "1487", "1488", "1492"];
const SLUG: &str = "fyrbodal-test";
const AS_OF: &str = "2026-12-01";

fn fyrbodal(app: &TestApp) -> i32 {
    app.add_agreement(&second_agreement(SLUG, &FYRBODAL, Threshold::MORE_THAN_HALF))
}

fn decision(status: &str) -> Value {
    json!({"status": status, "body": "KF", "decided_on": "2026-03-02", "reference": "KF § 1"})
}

async fn post(app: &TestApp, token: &str, path: &str, body: &Value) -> (u16, Value, Option<String>) {
    let resp = app.client.post(app.url(path)).bearer_auth(token).json(body).send().await.expect("request");
    let status = resp.status().as_u16();
    let location = resp.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_string);
    (status, resp.json().await.expect("json body"), location)
}

/// Records through the agreement's own address; the answer must be 201.
async fn record_in(app: &TestApp, token: &str, slug: &str, code: &str, body: Value) -> Value {
    let (status, json, location) =
        post(app, token, &format!("/api/v1/agreements/{slug}/parties/{code}/events"), &body).await;
    assert_eq!(status, 201, "POST {slug}/{code}: {json}");
    assert_eq!(location.as_deref(), Some(format!("/api/v1/agreements/{slug}/parties/{code}").as_str()));
    json
}

async fn status_of(app: &TestApp, slug: &str) -> Value {
    app.get_json(&format!("/api/v1/agreements/{slug}/status?as_of={AS_OF}"), 200).await
}

async fn eight_of_fourteen_is_the_boundary_and_hos_2027_is_counted_apart(app: TestApp) {
    fyrbodal(&app);
    let token = app.token("t");
    for code in &FYRBODAL[..7] {
        record_in(&app, &token, SLUG, code, decision("adopted")).await;
    }
    // The same municipality in the other agreement, with another standing.
    record_in(&app, &token, "hos-2027", "1430", decision("rejected")).await;

    let seven = status_of(&app, SLUG).await;
    assert_eq!(seven["agreement"]["id"], SLUG, "{seven}");
    assert_eq!(seven["municipalities_total"], 14, "{seven}");
    assert_eq!(seven["parties_total"], 14, "{seven}");
    assert_eq!(seven["conditions"]["majority"]["required"], 8, "{seven}");
    assert_eq!(seven["conditions"]["majority"]["municipalities_adopted"], 7, "{seven}");
    assert_eq!(seven["conditions"]["majority"]["state"], "open", "7 of 14 is not more than half: {seven}");
    assert_eq!(seven["counts"]["adopted"], 7, "{seven}");

    let hos = status_of(&app, "hos-2027").await;
    assert_eq!(hos["municipalities_total"], 49, "{hos}");
    assert_eq!(hos["conditions"]["majority"]["required"], 25, "{hos}");
    assert_eq!(hos["municipalities_adopted"], 0, "fyrbodal's adoptions are not hos-2027's: {hos}");
    assert_eq!(hos["counts"]["rejected"], 1, "{hos}");
    assert_eq!(hos["conditions"]["unanimity"]["state"], "blocked", "{hos}");

    record_in(&app, &token, SLUG, FYRBODAL[7], decision("adopted")).await;
    let eight = status_of(&app, SLUG).await;
    assert_eq!(eight["conditions"]["majority"]["municipalities_adopted"], 8, "{eight}");
    assert_eq!(eight["conditions"]["majority"]["state"], "satisfied", "8 of 14 is more than half: {eight}");
    assert_eq!(eight["outcome"]["applies_to"], "adopting_parties", "{eight}");
    // hos-2027 did not move.
    assert_eq!(status_of(&app, "hos-2027").await, hos);

    // Party lists: each agreement's own parties.
    let listed = app.get_json(&format!("/api/v1/agreements/{SLUG}/parties"), 200).await;
    let mut codes: Vec<&str> = listed.as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    codes.sort();
    assert_eq!(codes, FYRBODAL);
    assert_eq!(app.get_json("/api/v1/agreements/hos-2027/parties", 200).await.as_array().unwrap().len(), 50);

    // 1430 in both, standing differently; its history in each holds only that agreement's events.
    let in_fyrbodal = app.get_json(&format!("/api/v1/agreements/{SLUG}/parties/1430"), 200).await;
    let in_hos = app.get_json("/api/v1/agreements/hos-2027/parties/1430", 200).await;
    assert_eq!(
        (in_fyrbodal["status"].as_str(), in_fyrbodal["counts_as_adopted"].as_bool()),
        (Some("adopted"), Some(true))
    );
    assert_eq!((in_hos["status"].as_str(), in_hos["counts_as_adopted"].as_bool()), (Some("rejected"), Some(false)));
    assert_eq!(in_fyrbodal["events"].as_array().unwrap().len(), 1, "{in_fyrbodal}");
    assert_eq!(in_hos["events"].as_array().unwrap().len(), 1, "{in_hos}");
    assert_ne!(in_fyrbodal["events"][0]["id"], in_hos["events"][0]["id"]);
    assert_eq!(in_fyrbodal["instruments"], json!([{"id": "avtal", "status": "adopted", "counts_as_adopted": true}]));

    // Event lists without bleed.
    let events = app.get_json(&format!("/api/v1/agreements/{SLUG}/events"), 200).await;
    let events = events.as_array().unwrap();
    assert_eq!(events.len(), 8);
    assert!(events.iter().all(|e| e["status"] == "adopted" && FYRBODAL.contains(&e["party_code"].as_str().unwrap())));
    let hos_events = app.get_json("/api/v1/agreements/hos-2027/events", 200).await;
    assert_eq!(hos_events.as_array().unwrap().len(), 1, "{hos_events}");
    assert_eq!(hos_events[0]["status"], "rejected");
    assert_eq!(app.get_json("/api/v1/events", 200).await, hos_events, "today's address is hos-2027's");
}

async fn todays_addresses_answer_as_the_featured_agreements_own(app: TestApp) {
    fyrbodal(&app);
    let token = app.token("t");
    app.record(&token, "1480", decision("adopted")).await;
    app.record(&token, "14", json!({"status": "in_preparation"})).await;
    record_in(&app, &token, SLUG, "1430", decision("adopted")).await;
    let since = "since=2026-01-01T00:00:00Z";
    for (old, new) in [
        (format!("/api/v1/status?as_of={AS_OF}"), format!("/api/v1/agreements/hos-2027/status?as_of={AS_OF}")),
        ("/api/v1/status".into(), "/api/v1/agreements/hos-2027/status".into()),
        ("/api/v1/parties".into(), "/api/v1/agreements/hos-2027/parties".into()),
        ("/api/v1/parties/1480".into(), "/api/v1/agreements/hos-2027/parties/1480".into()),
        ("/api/v1/parties/14".into(), "/api/v1/agreements/hos-2027/parties/14".into()),
        ("/api/v1/events".into(), "/api/v1/agreements/hos-2027/events".into()),
        (format!("/api/v1/events?{since}"), format!("/api/v1/agreements/hos-2027/events?{since}")),
    ] {
        assert_eq!(app.get_json(&old, 200).await, app.get_json(&new, 200).await, "{old} and {new}");
    }
    // The write through today's address still points at today's party address.
    let (status, _, location) = post(&app, &token, "/api/v1/parties/1481/events", &decision("adopted")).await;
    assert_eq!((status, location.as_deref()), (201, Some("/api/v1/parties/1481")));

    // The catalogue: both agreements, their rules worked out, their parties and links.
    let all = app.get_json("/api/v1/agreements", 200).await;
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 2, "{all:?}");
    let hos = &all[0];
    assert_eq!(hos["slug"], "hos-2027");
    assert_eq!(hos["featured"], true);
    assert_eq!(hos["starts_on"], "2027-01-01");
    assert_eq!(hos["rules"]["majority_threshold"], 25);
    assert_eq!(hos["rules"]["majority_required"], 25);
    assert_eq!(hos["rules"]["region_required"], true);
    assert_eq!(hos["instruments"].as_array().unwrap().len(), 5);
    assert_eq!(hos["parties"].as_array().unwrap().len(), 50);
    assert_eq!(hos["links"]["status"], "/api/v1/agreements/hos-2027/status");
    let other = &all[1];
    assert_eq!(other["slug"], SLUG);
    assert_eq!(other["short_title"], format!("Testavtalet {SLUG}"));
    assert_eq!(other["featured"], false);
    assert_eq!(other["decision_period_ends_on"], "2027-10-31");
    assert_eq!(
        other["rules"],
        json!({"majority_threshold": "more_than_half", "majority_required": 8, "region_required": false,
               "legal_force_required": false, "appeal_period_days": 21})
    );
    assert_eq!(other["parties"], json!(FYRBODAL));
    assert_eq!(other["instruments"], json!([{"id": "avtal", "title": format!("Testavtalet {SLUG}")}]));
    assert_eq!(
        other["links"],
        json!({"self": format!("/api/v1/agreements/{SLUG}"), "status": format!("/api/v1/agreements/{SLUG}/status"),
               "parties": format!("/api/v1/agreements/{SLUG}/parties"), "events": format!("/api/v1/agreements/{SLUG}/events")})
    );
    assert_eq!(&app.get_json(&format!("/api/v1/agreements/{SLUG}"), 200).await, other);
    // Every link answers.
    for link in other["links"].as_object().unwrap().values() {
        app.get_json(link.as_str().unwrap(), 200).await;
    }
}

fn message(body: &Value) -> &str {
    body["error"]["message"].as_str().unwrap_or_default()
}

async fn unknown_agreements_parties_outside_and_other_agreements_events_are_404(app: TestApp) {
    fyrbodal(&app);
    let token = app.token("t");
    let hos_event = app.record(&token, "1480", json!({"status": "in_preparation"})).await;
    let own = record_in(&app, &token, SLUG, "1430", json!({"status": "in_preparation"})).await;

    // An unknown slug, on every kind of address.
    for path in [
        "/api/v1/agreements/nej-2099",
        "/api/v1/agreements/nej-2099/status",
        "/api/v1/agreements/nej-2099/parties",
        "/api/v1/agreements/nej-2099/parties/1430",
        "/api/v1/agreements/nej-2099/events",
    ] {
        let body = app.get_json(path, 404).await;
        assert_eq!(body["error"]["code"], "not_found", "{path}: {body}");
        assert!(message(&body).contains("\"nej-2099\"") && message(&body).contains("avtal"), "{path}: {body}");
    }
    let (status, body, _) =
        post(&app, &token, "/api/v1/agreements/nej-2099/parties/1430/events", &decision("adopted")).await;
    assert_eq!(status, 404, "{body}");
    assert!(message(&body).contains("nej-2099"), "{body}");

    // A party of the registry outside the agreement: both are named.
    let outside = app.get_json(&format!("/api/v1/agreements/{SLUG}/parties/1480"), 404).await;
    assert_eq!(message(&outside), format!("Parten Göteborg ingår inte i avtalet Testavtalet {SLUG}."));
    let (status, body, _) =
        post(&app, &token, &format!("/api/v1/agreements/{SLUG}/parties/1480/events"), &decision("adopted")).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(message(&body), format!("Parten Göteborg ingår inte i avtalet Testavtalet {SLUG}."));
    // A code nobody has is still that.
    let nobody = app.get_json(&format!("/api/v1/agreements/{SLUG}/parties/9999"), 404).await;
    assert!(message(&nobody).contains("Det finns ingen part med koden \"9999\""), "{nobody}");

    // Withdrawing an event of the other agreement: 404 both ways, and nothing is stored.
    let reason = json!({"reason": "Fel avtal"});
    let (status, body, _) =
        post(&app, &token, &format!("/api/v1/agreements/{SLUG}/events/{}/withdraw", hos_event["id"]), &reason).await;
    assert_eq!(status, 404, "{body}");
    assert!(message(&body).contains(&format!("i avtalet Testavtalet {SLUG}")), "{body}");
    let (status, body, _) = post(&app, &token, &format!("/api/v1/events/{}/withdraw", own["id"]), &reason).await;
    assert_eq!(status, 404, "today's address withdraws only hos-2027's events: {body}");
    assert_eq!(message(&body), format!("Det finns ingen händelse {}.", own["id"]));
    assert_eq!(app.get_json(&format!("/api/v1/agreements/{SLUG}/events"), 200).await.as_array().unwrap().len(), 1);
    assert_eq!(app.event_count().await, 1);

    // Its own event withdraws through its own address.
    let (status, body, location) =
        post(&app, &token, &format!("/api/v1/agreements/{SLUG}/events/{}/withdraw", own["id"]), &reason).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!((body["status"].as_str(), &body["corrects"]), (Some("withdrawn"), &own["id"]));
    assert_eq!(location.as_deref(), Some(format!("/api/v1/agreements/{SLUG}/parties/1430").as_str()));
    assert_eq!(app.get_json(&format!("/api/v1/agreements/{SLUG}/parties/1430"), 200).await["status"], "not_started");
    assert_eq!(app.get_json("/api/v1/parties/1480", 200).await["status"], "in_preparation", "hos-2027 untouched");

    // Bad input: 422 naming the field.
    let (status, body, _) =
        post(&app, &token, &format!("/api/v1/agreements/{SLUG}/parties/1430/events"), &json!({"status": "antaget"}))
            .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "status", "{body}");
    let (status, body, _) = post(
        &app,
        &token,
        &format!("/api/v1/agreements/{SLUG}/parties/1430/events"),
        &json!({"status": "adopted", "body": "KF"}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "decided_on", "{body}");
    let second = record_in(&app, &token, SLUG, "1421", json!({"status": "in_preparation"})).await;
    let (status, body, _) =
        post(&app, &token, &format!("/api/v1/agreements/{SLUG}/events/{}/withdraw", second["id"]), &json!({})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "reason", "{body}");
    let (status, body, _) =
        post(&app, &token, &format!("/api/v1/agreements/{SLUG}/events/{}/withdraw", own["id"]), &reason).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "id", "already withdrawn: {body}");
    // Unknown parameters and bad dates are refused as on today's addresses.
    let bad = app.get_json(&format!("/api/v1/agreements/{SLUG}/status?as_of=igår"), 400).await;
    assert_eq!(bad["error"]["parameter"], "as_of", "{bad}");
    // Without a key, nothing is written.
    let resp = app
        .client
        .post(app.url(&format!("/api/v1/agreements/{SLUG}/parties/1430/events")))
        .json(&decision("adopted"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
}

async fn the_openapi_document_declares_every_agreement_route_and_each_is_served(app: TestApp) {
    fyrbodal(&app);
    let doc = app.get_json("/api/v1/openapi.json", 200).await;
    let paths = doc["paths"].as_object().unwrap();
    let per_agreement: Vec<&String> = paths.keys().filter(|p| p.starts_with("/api/v1/agreements/{slug}")).collect();
    // Every resource of today's addresses has its per-agreement twin, with the same answer schema.
    for (old, item) in
        paths.iter().filter(|(p, _)| !p.starts_with("/api/v1/agreements") && *p != "/api/v1/openapi.json")
    {
        let twin = old.replacen("/api/v1", "/api/v1/agreements/{slug}", 1);
        assert!(per_agreement.contains(&&twin), "{twin} declared");
        for (method, op) in item.as_object().unwrap() {
            let new = &paths[&twin][method];
            assert_eq!(op["responses"]["200"]["content"], new["responses"]["200"]["content"], "{method} {twin}");
            assert_eq!(op["responses"]["201"]["content"], new["responses"]["201"]["content"], "{method} {twin}");
            assert!(new["responses"]["404"].is_object(), "{method} {twin} declares its 404");
            assert!(new["parameters"].as_array().unwrap().iter().any(|p| p["name"] == "slug" && p["in"] == "path"));
            if method == "post" {
                assert!(new["responses"]["422"].is_object(), "{method} {twin} declares its 422");
                assert_eq!(new["security"][0]["bearer"], json!([]));
            }
        }
    }
    assert_eq!(per_agreement.len(), 7, "{per_agreement:?}");
    assert!(paths["/api/v1/agreements"]["get"].is_object());
    let schema = &doc["components"]["schemas"]["AgreementInfoDto"];
    for field in [
        "slug",
        "title",
        "short_title",
        "starts_on",
        "decision_period_ends_on",
        "featured",
        "rules",
        "instruments",
        "parties",
        "links",
    ] {
        assert!(schema["properties"][field].is_object(), "AgreementInfoDto.{field}");
    }
    assert!(doc["components"]["schemas"]["Threshold"]["oneOf"].is_array());
    // Each declared address answers (not the API's "no such address") for the second agreement.
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            let url = app.url(&path.replace("{slug}", SLUG).replace("{code}", "1430").replace("{id}", "1"));
            let resp = match method.as_str() {
                "get" => app.client.get(&url).send().await.unwrap(),
                _ => app.client.post(&url).json(&json!({})).send().await.unwrap(),
            };
            let status = resp.status().as_u16();
            assert!(status == 200 || status == 401, "{method} {path}: {status}");
        }
    }
    // The /api page lists the new addresses.
    let page = app.get("/api").await.text().await.unwrap();
    for path in
        ["/api/v1/agreements", "/api/v1/agreements/{slug}/status", "/api/v1/agreements/{slug}/events/{id}/withdraw"]
    {
        assert!(page.contains(&format!("<code>{path}</code>")), "/api lists {path}");
    }
}

both_backends!(
    eight_of_fourteen_is_the_boundary_and_hos_2027_is_counted_apart,
    todays_addresses_answer_as_the_featured_agreements_own,
    unknown_agreements_parties_outside_and_other_agreements_events_are_404,
    the_openapi_document_declares_every_agreement_route_and_each_is_served
);
