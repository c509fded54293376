//! What a report says: its numbers equal `/api/v1/status` at the report's date; a sent report is
//! never regenerated and a later correction shows in the next report's changes.

use chrono::Days;
use diesel::RunQueryDsl;
use serde_json::{json, Value};

use ratify::reports::{service, store};

use crate::reports_support::now;
use crate::support::TestApp;

async fn the_reports_numbers_equal_the_status_api(app: TestApp) {
    let token = app.token("test");
    let today = ratify::clock::today();
    let adopt = |on: &str, r: &str| json!({"status": "adopted", "body": "KF", "decided_on": on, "reference": r});
    app.record(&token, "1480", adopt("2026-03-24", "KF § 45")).await;
    app.record(&token, "1490", adopt("2026-04-10", "KF § 12")).await;
    let wrong = app.record(&token, "1415", adopt("2026-04-20", "KF § 7")).await;
    app.record(
        &token,
        "1415",
        json!({"status": "proposed", "body": "KS", "decided_on": "2026-04-20", "corrects": wrong["id"],
               "note": "Beslutet var i kommunstyrelsen, inte i fullmäktige."}),
    )
    .await;
    app.record(&token, "1401", json!({"status": "rejected", "body": "KF", "decided_on": "2026-04-15"})).await;
    app.record(&token, "1402", json!({"status": "scheduled", "planned_on": (today + Days::new(10)).to_string()})).await;
    app.record(&token, "1407", json!({"status": "scheduled", "planned_on": (today - Days::new(10)).to_string()})).await;
    app.record(&token, "14", json!({"status": "proposed", "body": "RS", "decided_on": "2026-04-01"})).await;

    let week = service::current_week(now());
    let released = service::release(&app.db, week, &[], std::time::Duration::from_secs(60), "test", now()).unwrap();
    let data = app.get_json(&format!("/rapporter/{week}.json"), 200).await;
    let as_of = data["as_of"].as_str().unwrap();
    assert_eq!(as_of, today.to_string());
    let status = app.get_json(&format!("/api/v1/status?as_of={as_of}"), 200).await;
    assert_eq!(data["status"], status, "the report's numbers are the API's");
    assert_eq!(status["municipalities_adopted"], 2);
    assert_eq!(status["conditions"]["unanimity"]["state"], "blocked");

    let changes = data["changes"].as_array().unwrap();
    assert_eq!(changes.len(), app.event_count().await, "the first report lists every event");
    let corrected = changes.iter().find(|c| c["event_id"] == wrong["id"]).unwrap();
    assert!(corrected["corrected_by"].is_i64());
    assert!(changes
        .iter()
        .any(|c| c["corrects"] == wrong["id"] && c["note"].as_str().unwrap().contains("kommunstyrelsen")));

    let planned: Vec<&str> =
        data["planned"].as_array().unwrap().iter().map(|p| p["party_code"].as_str().unwrap()).collect();
    assert_eq!(planned, ["1402"]);
    let overdue = data["risk"]["overdue"].as_array().unwrap();
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0]["code"], "1407");
    let no_plan: Vec<&str> =
        data["risk"]["no_planned_decision"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert!(no_plan.contains(&"14") && no_plan.contains(&"1415"));
    assert!(!no_plan.contains(&"1480") && !no_plan.contains(&"1401") && !no_plan.contains(&"1402"));
    assert_eq!(no_plan.len(), 50 - 2 - 1 - 2, "all but the adopted, the rejected and the two planned");

    let subregions = data["subregions"].as_array().unwrap();
    assert_eq!(subregions.len(), 4);
    let total: u64 = subregions.iter().map(|s| s["municipalities_total"].as_u64().unwrap()).sum();
    let adopted: u64 = subregions.iter().map(|s| s["municipalities_adopted"].as_u64().unwrap()).sum();
    assert_eq!((total, adopted), (49, 2));
    let gr = subregions.iter().find(|s| s["name"] == "Göteborgsregionen").unwrap();
    assert_eq!(gr["municipalities_adopted"], 1);
    assert_eq!(data["population"]["outcome_share"], status["outcome"]["population_share"]);
    let share = data["population"]["adopted_share"].as_f64().unwrap();
    assert!(share > 0.0 && share < 1.0);

    // The rendered report says the same.
    let html = app.get(&format!("/rapporter/{week}")).await.text().await.unwrap();
    assert!(html.contains("2 av 50 parter har antagit avtalet."), "unanimity count in the HTML");
    assert!(html.contains("2 av 49 kommuner har antagit."));
    assert!(html.contains("Härryda"));
    assert!(released
        .report
        .text
        .contains("En för alla, alla för en: Kan inte uppfyllas – 2 av 50 parter har antagit."));
}

async fn a_sent_report_is_never_regenerated(app: TestApp) {
    let token = app.token("test");
    let adopted = app
        .record(
            &token,
            "1480",
            json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24", "reference": "KF § 45"}),
        )
        .await;
    let week = service::current_week(now());
    let first = service::release(&app.db, week, &[], std::time::Duration::from_secs(60), "test", now()).unwrap();
    assert!(first.newly_sent);
    let archived = app.get(&format!("/rapporter/{week}.json")).await.text().await.unwrap();

    // A correction after the report was sent.
    let correction = app
        .record(
            &token,
            "1480",
            json!({"status": "proposed", "body": "KS", "decided_on": "2026-03-10", "corrects": adopted["id"],
                   "note": "Fel sammanträde angivet."}),
        )
        .await;
    let again = service::generate(&app.db, week, now()).unwrap();
    assert_eq!(again, first.report, "generating a sent week returns it unchanged");
    let re_release = service::release(&app.db, week, &[], std::time::Duration::from_secs(60), "test", now()).unwrap();
    assert!(!re_release.newly_sent);
    assert_eq!(re_release.report, first.report);
    assert_eq!(app.get(&format!("/rapporter/{week}.json")).await.text().await.unwrap(), archived);
    let old: Value = serde_json::from_str(&archived).unwrap();
    assert_eq!(old["status"]["municipalities_adopted"], 1, "the sent report keeps its numbers");

    // The database itself refuses to change or delete a sent report.
    let mut conn = app.db.conn().unwrap();
    assert!(diesel::sql_query("UPDATE reports SET html = 'ändrad'").execute(&mut *conn).is_err());
    assert!(diesel::sql_query("DELETE FROM reports").execute(&mut *conn).is_err());
    drop(conn);

    // The next week's report shows the correction among its changes.
    let next_week_now = now() + chrono::Duration::days(7);
    let next =
        service::release(&app.db, week.next(), &[], std::time::Duration::from_secs(60), "test", next_week_now).unwrap();
    let data: Value = serde_json::from_str(&next.report.data).unwrap();
    assert_eq!(data["number"], 2);
    assert_eq!(data["previous"]["number"], 1);
    let changes = data["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0]["event_id"], correction["id"]);
    assert_eq!(changes[0]["corrects"], adopted["id"]);
    assert_eq!(data["status"]["municipalities_adopted"], 0);
    assert!(next.report.text.contains("Rättelse av händelse"));
    // An older week cannot be sent after a newer one.
    let e =
        service::release(&app.db, week.previous(), &[], std::time::Duration::from_secs(60), "test", now()).unwrap_err();
    assert!(e.to_string().contains("före den senast skickade"), "{e}");
    // Nor a week that has not begun.
    let e = service::generate(&app.db, week.next().next(), now()).unwrap_err();
    assert!(e.to_string().contains("har inte börjat"), "{e}");
}

async fn a_draft_is_refreshed_until_it_is_sent(app: TestApp) {
    let week = service::current_week(now());
    let draft = service::generate(&app.db, week, now()).unwrap();
    assert!(!draft.is_sent());
    let token = app.token("test");
    app.record(&token, "1480", json!({"status": "in_preparation"})).await;
    let refreshed = service::generate(&app.db, week, now()).unwrap();
    assert_eq!((refreshed.id, refreshed.number), (draft.id, draft.number));
    assert!(refreshed.cutoff > draft.cutoff);
    assert_ne!(refreshed.data, draft.data, "a draft follows the log");
    let all = app.db.read_blocking(|c| store::list(c, false).map_err(ratify::db::DbError::from)).unwrap();
    assert_eq!(all.len(), 1);
}

crate::both_backends!(
    the_reports_numbers_equal_the_status_api,
    a_sent_report_is_never_regenerated,
    a_draft_is_refreshed_until_it_is_sent,
);
