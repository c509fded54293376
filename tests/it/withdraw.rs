//! Issue 14: withdrawing an entry made by mistake (a correction that voids it with a reason and
//! replaces it with nothing), on the staff party page and through the API. Everything is
//! recomputed as if the entry had never been recorded; the history keeps both, the withdrawn
//! entry marked as such.

use chrono::Days;
use ratify::accounts::Role;
use serde_json::{json, Value};

use crate::admin_support::{audit_rows, location, user, Staff, PASSWORD};
use crate::browser_support::{browser, start_driver};
use crate::support::{Backend, TestApp};

const BENGTSFORS: &str = "1460";
const REASON: &str = "Fel kommun: beslutet gällde Bengtsfors grannkommun";

async fn withdraw(app: &TestApp, token: &str, id: &Value, body: Value) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/events/{id}/withdraw")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn refused(resp: reqwest::Response, field: &str, says: &str) {
    assert_eq!(resp.status().as_u16(), 422);
    let json: Value = resp.json().await.unwrap();
    assert_eq!(json["error"]["code"], "invalid_field", "{json}");
    assert_eq!(json["error"]["field"], field, "{json}");
    let message = json["error"]["message"].as_str().unwrap();
    assert!(message.contains(says), "{message}");
}

/// The step recorded, then an adoption recorded by mistake, then withdrawn in the staff form.
async fn bengtsfors_decision_withdrawn_in_the_staff_form(app: TestApp) {
    let token = app.token("t");
    let step = app.record(&token, BENGTSFORS, json!({"status": "in_preparation"})).await;
    let on = ratify::clock::today() - Days::new(6);
    let wrong = app
        .record(
            &token,
            BENGTSFORS,
            json!({"status": "adopted", "body": "KF", "decided_on": on.to_string(), "reference": "KF § 112"}),
        )
        .await;
    assert_eq!(app.get_json("/api/v1/status", 200).await["municipalities_adopted"], 1);
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let path = format!("/admin/parter/{BENGTSFORS}");
    let page = s.page(&path).await;
    let form_path = format!("{path}/dra-tillbaka/{}", wrong["id"]);
    // Offered beside "Rätta" for each entry in force.
    for id in [&step["id"], &wrong["id"]] {
        assert!(page.contains(&format!("href=\"{path}/ratta/{id}\"")), "Rätta {id}");
        assert!(page.contains(&format!("href=\"{path}/dra-tillbaka/{id}\">Dra tillbaka</a>")), "Dra tillbaka {id}");
    }
    let form = s.page(&form_path).await;
    assert!(form.contains("KF § 112") && form.contains("<textarea id=\"reason\" name=\"reason\""), "{form}");

    // No reason: refused beside the field, nothing stored.
    let resp = s.post(&form_path, &[("reason", "  ")]).await;
    assert_eq!(resp.status().as_u16(), 422);
    let body = resp.text().await.unwrap();
    assert!(body.contains("<p class=\"error\" id=\"reason-fel\">Fältet ”Motivering” saknas"), "{body}");
    assert!(body.contains("aria-describedby=\"reason-fel\""), "the error is tied to the field");
    assert_eq!(app.event_count().await, 2);
    assert!(audit_rows(&app, "event.correct").is_empty());

    let resp = s.post(&form_path, &[("reason", REASON)]).await;
    assert_eq!(resp.status().as_u16(), 303, "{}", resp.text().await.unwrap());
    let saved = s.page(&location(&resp)).await;
    assert!(saved.contains("Bengtsfors: Under beredning (var Antaget)."), "what changed: {saved}");
    assert!(saved.contains("Status i dag: <strong>Under beredning</strong>"));
    assert!(saved.contains(&format!(
        "Tillbakadragen genom <a href=\"#handelse-{0}\">händelse {0}</a>",
        wrong["id"].as_i64().unwrap() + 1
    )));
    assert!(saved.contains(&format!("drog tillbaka händelse {} (Antaget)", wrong["id"])) && saved.contains(REASON));
    assert!(!saved.contains(&format!("href=\"{form_path}\"")), "a withdrawn entry is not offered again");
    let rows = audit_rows(&app, "event.correct");
    assert_eq!(rows.len(), 1);
    assert!(rows[0].details.contains("withdrawn") && rows[0].details.contains(REASON), "{}", rows[0].details);
    // Sent twice (a second tab): refused, nothing more stored.
    let resp = s.post(&form_path, &[("reason", REASON)]).await;
    assert_eq!(resp.status().as_u16(), 422);
    assert!(resp.text().await.unwrap().contains("redan tillbakadragen"));
    assert_eq!(app.event_count().await, 3);

    // Status back to the step everywhere.
    let party = app.get_json(&format!("/api/v1/parties/{BENGTSFORS}"), 200).await;
    assert_eq!(party["status"], "in_preparation", "{party}");
    assert_eq!(party["counts_as_adopted"], false);
    assert_eq!(party["latest_decision"], Value::Null);
    let events = party["events"].as_array().unwrap();
    let withdrawal = events.iter().find(|e| e["status"] == "withdrawn").expect("the withdrawal is listed");
    assert_eq!(withdrawal["corrects"], wrong["id"]);
    assert_eq!(withdrawal["note"], REASON);
    assert_eq!(withdrawal["status_label"], "Tillbakadragen");
    let original = events.iter().find(|e| e["id"] == wrong["id"]).expect("the original stays");
    assert_eq!(original["corrected_by"], withdrawal["id"]);
    let status = app.get_json("/api/v1/status", 200).await;
    assert_eq!(status["municipalities_adopted"], 0, "{status}");
    assert_eq!(status["counts"]["adopted"], 0);
    assert_eq!(status["counts"]["in_preparation"], 1);
    assert!(status["counts"].get("withdrawn").is_none(), "no party stands withdrawn");
    let csv = app.get("/data/status.csv").await.text().await.unwrap();
    let line = csv.lines().find(|l| l.starts_with(&format!("{BENGTSFORS},"))).unwrap();
    assert!(line.contains(",in_preparation,Under beredning,false,"), "{line}");
    let report = ratify::reports::service::generate(
        &app.db,
        ratify::reports::service::current_week(ratify::clock::now()),
        ratify::clock::now(),
    )
    .unwrap();
    let report: Value = serde_json::from_str(&report.data).unwrap();
    assert_eq!(report["status"]["municipalities_adopted"], 0, "report numbers");

    // The history keeps both, the original marked.
    let log = app.get("/data/beslut.csv").await.text().await.unwrap();
    let withdrawal_id = withdrawal["id"].to_string();
    let row = log.lines().find(|l| l.starts_with(&format!("{withdrawal_id},"))).expect("the withdrawal's row");
    assert!(row.contains(",withdrawn,Tillbakadragen,") && row.contains(REASON), "{row}");
    let row = log.lines().find(|l| l.starts_with(&format!("{},", wrong["id"]))).expect("the original's row");
    assert!(row.contains(",adopted,Antaget,") && row.contains(&format!(",{withdrawal_id},")), "{row}");
    let feed = app.get("/feed.atom").await.text().await.unwrap();
    assert!(feed.contains("Bengtsfors: uppgiften Antaget") && feed.contains("är tillbakadragen"), "{feed}");
    assert!(feed.contains(&format!("Motivering: {REASON}")), "{feed}");
    assert!(feed.contains("tillbakadragen, gäller inte"), "the original's entry says so");
    let public = app.get(&format!("/parter/{BENGTSFORS}")).await.text().await.unwrap();
    assert!(public.contains(REASON) && public.contains("KF § 112"), "the public history shows both");
}

/// A withdrawn adoption no longer counts in the conditions.
async fn a_withdrawn_adoption_no_longer_counts(app: TestApp) {
    let token = app.token("t");
    app.record(&token, "14", json!({"status": "adopted", "body": "RF", "decided_on": "2026-04-14"})).await;
    let mut last = Value::Null;
    for code in crate::support::municipality_codes().iter().take(25) {
        last = app.record(&token, code, json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24"})).await;
    }
    let status = app.get_json("/api/v1/status", 200).await;
    assert_eq!(status["conditions"]["majority"]["state"], "satisfied", "{status}");
    let resp = withdraw(&app, &token, &last["id"], json!({"reason": "Inmatat i fel kommun"})).await;
    assert_eq!(resp.status().as_u16(), 201);
    let status = app.get_json("/api/v1/status", 200).await;
    assert_eq!(status["conditions"]["majority"]["state"], "open", "{status}");
    assert_eq!(status["conditions"]["majority"]["municipalities_adopted"], 24);
    // 24 municipalities and the region; the withdrawn one is back with those not started.
    assert_eq!(status["counts"]["adopted"], 25, "{status}");
    assert_eq!(status["counts"]["not_started"], 25, "{status}");
    // Retroactive: on the day of the decisions too.
    let past = app.get_json("/api/v1/status?as_of=2026-04-14", 200).await;
    assert_eq!(past["municipalities_adopted"], 24, "{past}");
}

async fn the_api_withdraws_with_a_token_and_refuses_clearly(app: TestApp) {
    let token = app.token("t");
    let step = app.record(&token, BENGTSFORS, json!({"status": "proposed", "body": "KS"})).await;
    let wrong =
        app.record(&token, BENGTSFORS, json!({"status": "rejected", "body": "KF", "decided_on": "2026-03-24"})).await;
    let unauthenticated = app
        .client
        .post(app.url(&format!("/api/v1/events/{}/withdraw", wrong["id"])))
        .json(&json!({"reason": REASON}))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status().as_u16(), 401);
    refused(withdraw(&app, &token, &wrong["id"], json!({})).await, "reason", "reason").await;
    refused(withdraw(&app, &token, &wrong["id"], json!({"reason": " "})).await, "reason", "saknas").await;
    refused(withdraw(&app, &token, &wrong["id"], json!({"reason": 5})).await, "reason", "text").await;
    refused(withdraw(&app, &token, &wrong["id"], json!({"reason": "x", "note": "y"})).await, "request", "note").await;
    let resp = withdraw(&app, &token, &json!(9999), json!({"reason": REASON})).await;
    assert_eq!(resp.status().as_u16(), 404);
    let json: Value = resp.json().await.unwrap();
    assert_eq!(json["error"]["code"], "not_found");
    assert!(json["error"]["message"].as_str().unwrap().contains("9999"), "{json}");
    assert_eq!(withdraw(&app, &token, &json!("x"), json!({"reason": REASON})).await.status().as_u16(), 404);
    // A new event cannot take the withdrawal's status by itself.
    let resp =
        app.post_event(&token, BENGTSFORS, &json!({"status": "withdrawn", "corrects": wrong["id"], "note": "x"})).await;
    refused(resp, "status", "/withdraw").await;
    assert_eq!(app.event_count().await, 2, "nothing stored by the refusals");

    let resp = withdraw(&app, &token, &wrong["id"], json!({"reason": REASON})).await;
    assert_eq!(resp.status().as_u16(), 201);
    let withdrawal: Value = resp.json().await.unwrap();
    assert_eq!(withdrawal["status"], "withdrawn");
    assert_eq!(withdrawal["corrects"], wrong["id"]);
    assert_eq!(withdrawal["note"], REASON);
    assert_eq!(withdrawal["recorded_by"], "api:t");
    assert_eq!(app.get_json(&format!("/api/v1/parties/{BENGTSFORS}"), 200).await["status"], "proposed");

    // Withdrawing again, withdrawing the withdrawal, correcting either: refused.
    refused(withdraw(&app, &token, &wrong["id"], json!({"reason": REASON})).await, "id", "redan tillbakadragen").await;
    refused(withdraw(&app, &token, &withdrawal["id"], json!({"reason": REASON})).await, "id", "kan inte dras tillbaka")
        .await;
    let correction = |target: &Value| json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24", "corrects": target, "note": "rätt"});
    refused(app.post_event(&token, BENGTSFORS, &correction(&wrong["id"])).await, "corrects", "redan tillbakadragen")
        .await;
    refused(app.post_event(&token, BENGTSFORS, &correction(&withdrawal["id"])).await, "corrects", "kan inte rättas")
        .await;
    assert_eq!(app.event_count().await, 3);
    // The step is still in force and may be withdrawn in its turn.
    assert_eq!(withdraw(&app, &token, &step["id"], json!({"reason": "Dubblett"})).await.status().as_u16(), 201);
    assert_eq!(app.get_json(&format!("/api/v1/parties/{BENGTSFORS}"), 200).await["status"], "not_started");
}

crate::both_backends!(
    bengtsfors_decision_withdrawn_in_the_staff_form,
    a_withdrawn_adoption_no_longer_counts,
    the_api_withdraws_with_a_token_and_refuses_clearly
);

/// In a real browser: "Dra tillbaka" beside the entry, the error beside the field, the result; and
/// axe-core finds nothing on the pages on the way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_withdraws_an_entry_in_a_real_browser() {
    use fantoccini::Locator;
    let axe = crate::browser::axe_source();
    let driver = start_driver().await;
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app.token("t");
    app.record(&token, BENGTSFORS, json!({"status": "in_preparation"})).await;
    let wrong =
        app.record(&token, BENGTSFORS, json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24"})).await;
    user(&app, "anna", Role::Editor);
    let profile = tempfile::tempdir().unwrap();
    let c = browser(&driver, profile.path()).await;
    c.goto(&app.url("/admin/logga-in")).await.unwrap();
    c.find(Locator::Id("username")).await.unwrap().send_keys("anna").await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    c.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
    // Logged in (the login's answer has loaded: the overview) before going on.
    crate::browser_support::wait_to_leave(&c, "/admin/logga-in").await;
    c.goto(&app.url(&format!("/admin/parter/{BENGTSFORS}"))).await.unwrap();
    let mut violations = crate::browser::axe_violations(&c, &axe, "the party page").await;
    let link = format!("a[href='/admin/parter/{BENGTSFORS}/dra-tillbaka/{}']", wrong["id"]);
    c.find(Locator::Css(&link)).await.unwrap().click().await.unwrap();
    c.find(Locator::Id("reason")).await.unwrap();
    violations.extend(crate::browser::axe_violations(&c, &axe, "the withdrawal form").await);
    c.find(Locator::Css("main form button[type=submit]")).await.unwrap().click().await.unwrap();
    // The click returns before the answer has loaded.
    let wait = std::time::Duration::from_secs(15);
    let error = c.wait().at_most(wait).for_element(Locator::Id("reason-fel")).await.unwrap().text().await.unwrap();
    assert!(error.contains("Motivering") && error.contains("saknas"), "{error}");
    violations.extend(crate::browser::axe_violations(&c, &axe, "the withdrawal form with its error").await);
    c.find(Locator::Id("reason")).await.unwrap().send_keys(REASON).await.unwrap();
    c.find(Locator::Css("main form button[type=submit]")).await.unwrap().click().await.unwrap();
    crate::browser_support::wait_for_url(&c, "sparad=").await;
    let notice = c.wait().at_most(wait).for_element(Locator::Css("p.notice")).await.unwrap().text().await.unwrap();
    assert!(notice.contains("Bengtsfors: Under beredning (var Antaget)."), "{notice}");
    violations.extend(crate::browser::axe_violations(&c, &axe, "the party page after the withdrawal").await);
    c.close().await.unwrap();
    assert!(violations.is_empty(), "axe-core violations:\n{}", violations.join("\n"));
}
