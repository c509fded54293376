//! Issue 14: a decision recorded after a step stands. Bengtsfors had "Under beredning" recorded
//! today (no date of its own, so effective today); the minutes of last week's KF meeting then
//! arrive and the adoption is recorded. Lilla Edet the same through the CSV import. Every face
//! must say "Antaget": the status API, the party page, the table, the CSV files, the chart, the
//! feed and the report.

use chrono::{Days, NaiveDate};
use ratify::accounts::Role;
use serde_json::{json, Value};

use crate::admin_party::latest_in;
use crate::admin_support::{location, user, Staff};
use crate::support::TestApp;

const BENGTSFORS: &str = "1460";
const LILLA_EDET: &str = "1462";

/// The KF meeting, a week before today: minutes come a week or two after the meeting.
fn meeting() -> NaiveDate {
    ratify::clock::today() - Days::new(6)
}

/// Everything public says the party has adopted, counted once, from the meeting day on.
async fn assert_adopted_everywhere(app: &TestApp, code: &str, name: &str, on: NaiveDate, reference: &str) {
    let today = ratify::clock::today();

    let party = app.get_json(&format!("/api/v1/parties/{code}"), 200).await;
    assert_eq!(party["status"], "adopted", "{party}");
    assert_eq!(party["counts_as_adopted"], true, "{party}");
    let status = app.get_json("/api/v1/status", 200).await;
    assert_eq!(status["municipalities_adopted"], 1, "{status}");
    assert_eq!(status["counts"]["adopted"], 1, "{status}");
    assert_eq!(status["counts"]["in_preparation"], 0, "{status}");
    // On every day since the meeting, not only today.
    for day in on.iter_days().take_while(|d| *d <= today) {
        let past = app.get_json(&format!("/api/v1/status?as_of={day}"), 200).await;
        assert_eq!(past["counts"]["adopted"], 1, "on {day}: {past}");
        assert_eq!(past["municipalities_adopted"], 1, "on {day}: {past}");
    }

    let page = app.get(&format!("/parter/{code}")).await.text().await.unwrap();
    let status_line = between(&page, "<p class=\"party-status\">", "</p>");
    assert!(status_line.contains("Antaget"), "{status_line}");
    assert!(page.contains(&format!("{name} räknas som part som har antagit avtalet.")), "party page");
    assert!(!page.contains("har inte antagit avtalet"), "the party page contradicts itself");

    let home = app.get("/").await.text().await.unwrap();
    let row = between(&home, &format!("<tr data-code=\"{code}\""), "</tr>");
    assert!(row.contains("Antaget") && !row.contains("Under beredning"), "{row}");
    assert!(home.contains("1 av 49 kommuner har antagit avtalet"), "home page count");
    let adopted_only = app.get("/?status=adopted").await.text().await.unwrap();
    assert!(adopted_only.contains(&format!("<tr data-code=\"{code}\"")), "the table's status filter");
    // The chart's table: one adopted municipality from the meeting day on.
    let chart = between(&home, "<details class=\"chart-table\">", "</details>");
    let first_day = format!("<td>{}</td><td>1</td>", ratify::views::format::date(on));
    assert!(chart.contains(&first_day), "{chart}");

    let csv = app.get("/data/status.csv").await.text().await.unwrap();
    let line = csv.lines().find(|l| l.starts_with(&format!("{code},"))).expect("the party's row");
    assert!(line.contains(",adopted,Antaget,true,"), "{line}");
    assert!(line.contains(&on.to_string()) && line.contains(reference), "{line}");

    let feed = app.get("/feed.atom").await.text().await.unwrap();
    assert!(feed.contains(&format!("{name}: Antaget ({reference}")), "feed");

    // The report: its table and its changes agree.
    let week = ratify::reports::service::current_week(ratify::clock::now());
    let draft = ratify::reports::service::generate(&app.db, week, ratify::clock::now()).unwrap();
    let report: Value = serde_json::from_str(&draft.data).unwrap();
    assert_eq!(report["status"]["municipalities_adopted"], 1, "report numbers");
    let mentions: Vec<&Value> = all_objects(&report).into_iter().filter(|o| o["code"] == code).collect();
    assert!(!mentions.is_empty(), "the report names the party: {report}");
    for o in mentions {
        if let Some(s) = o.get("status") {
            assert_eq!(s, "adopted", "the report's line for {code}: {o}");
        }
    }
    let changes = report["changes"].as_array().unwrap();
    assert!(changes.iter().any(|c| c["party_code"] == code && c["status"] == "adopted"), "{changes:?}");
}

/// Every JSON object nested anywhere in `v`.
fn all_objects(v: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    match v {
        Value::Object(map) => {
            out.push(v);
            map.values().for_each(|c| out.extend(all_objects(c)));
        }
        Value::Array(items) => items.iter().for_each(|c| out.extend(all_objects(c))),
        _ => {}
    }
    out
}

/// The instrument checkboxes the staff form offers (all ticked: the whole agreement).
fn instruments(html: &str) -> Vec<String> {
    html.match_indices("name=\"instruments\" value=\"")
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let from = body.find(start).unwrap_or_else(|| panic!("{start} not found"));
    let len = body[from..].find(end).unwrap_or_else(|| panic!("{end} not found after {start}"));
    &body[from..from + len]
}

async fn bengtsfors_through_the_api(app: TestApp) {
    let token = app.token("t");
    app.record(&token, BENGTSFORS, json!({"status": "in_preparation"})).await;
    let on = meeting();
    app.record(
        &token,
        BENGTSFORS,
        json!({"status": "adopted", "body": "KF", "decided_on": on.to_string(), "reference": "KF § 112"}),
    )
    .await;
    assert_adopted_everywhere(&app, BENGTSFORS, "Bengtsfors", on, "KF § 112").await;
}

async fn bengtsfors_through_the_staff_form(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let path = format!("/admin/parter/{BENGTSFORS}");
    let html = s.page(&path).await;
    let mut fields = vec![("latest", latest_in(&html)), ("status", "in_preparation".into())];
    fields.extend(instruments(&html).into_iter().map(|i| ("instruments", i)));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let resp = s.post(&format!("{path}/handelser"), &fields).await;
    assert_eq!(resp.status().as_u16(), 303, "{}", resp.text().await.unwrap());
    let html = s.page(&path).await;
    let on = meeting().to_string();
    let mut fields = vec![
        ("latest", latest_in(&html)),
        ("status", "adopted".into()),
        ("body", "KF".into()),
        ("decided_on", on),
        ("reference", "KF § 112".into()),
    ];
    fields.extend(instruments(&html).into_iter().map(|i| ("instruments", i)));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let resp = s.post(&format!("{path}/handelser"), &fields).await;
    assert_eq!(resp.status().as_u16(), 303, "{}", resp.text().await.unwrap());
    let saved = s.page(&location(&resp)).await;
    assert!(saved.contains("Status i dag: <strong>Antaget</strong>"), "the editor is told the adoption counts");
    assert!(saved.contains("Bengtsfors: Antaget (var Under beredning)."), "what changed");
    assert_adopted_everywhere(&app, BENGTSFORS, "Bengtsfors", meeting(), "KF § 112").await;
}

async fn lilla_edet_through_the_import(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let token = app.token("t");
    app.record(&token, LILLA_EDET, json!({"status": "in_preparation"})).await;
    let s = Staff::login(&app, "anna").await;
    let on = ratify::clock::today() - Days::new(7);
    let file = format!("party_code;status;body;decided_on;reference\r\n{LILLA_EDET};adopted;KF;{on};KF § 87\r\n");
    let (path, html) = s.preview("lilla-edet.csv", file.into_bytes()).await;
    assert!(html.contains("Spara händelsen"), "{html}");
    let resp = s.post(&path, &[]).await;
    assert_eq!(resp.status().as_u16(), 200, "{}", resp.text().await.unwrap());
    assert_adopted_everywhere(&app, LILLA_EDET, "Lilla Edet", on, "KF § 87").await;
}

crate::both_backends!(bengtsfors_through_the_api, bengtsfors_through_the_staff_form, lilla_edet_through_the_import);
