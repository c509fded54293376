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
    assert!(html.contains("<strong>Majoritetsalternativet</strong>"), "the site's name for the condition");
    assert!(released.report.text.contains(
        "En för alla, alla för en: Kan inte uppfyllas med de beslut som har fattats. 2 av 50 parter har antagit."
    ));
    assert!(released.report.text.contains("Majoritetsalternativet: Inte uppfyllt än – kan fortfarande uppfyllas."));
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
    assert!(next.report.text.contains("Uppgiften om Göteborg rättades: Föreslaget (KS, 10 mars 2026), inte antaget"));
    assert!(!next.report.text.contains("händelse"), "a correction in words, not event numbers");
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

/// Moves the agreement's start to `starts_on`, so that the test reads the same whatever today is.
fn agreement_starts_on(app: &TestApp, starts_on: chrono::NaiveDate) {
    use diesel::prelude::*;
    use ratify::db::schema::agreements;
    let mut conn = app.db.conn().unwrap();
    diesel::update(agreements::table.filter(agreements::slug.eq(ratify::agreement::DEFAULT_FEATURED)))
        .set(agreements::starts_on.eq(starts_on))
        .execute(&mut *conn)
        .unwrap();
}

/// Issue 15: the report SRO reads opens with what changed since last week and where the
/// municipalities stand before the start; its risks name decisions planned after the start and
/// matters stalled after återremiss or bordläggning, with the days left; a correction is told in
/// words; the text e-mail says everything the HTML says.
async fn the_report_opens_with_what_changed_and_names_the_risks(app: TestApp) {
    let today = ratify::clock::today();
    let day = |n: i64| (today + chrono::Duration::days(n)).to_string();
    agreement_starts_on(&app, today + Days::new(30));
    let week = service::current_week(now());
    let hook = vec![(ratify::reports::delivery::Channel::Webhook, "http://127.0.0.1:9/sro".to_string())];
    let a_minute = std::time::Duration::from_secs(60);
    // Last week's report, on an empty log.
    service::release(&app.db, week.previous(), &hook, a_minute, "test", now() - chrono::Duration::days(7)).unwrap();

    let token = app.token("test");
    let adopt = |on: String, r: &str| json!({"status": "adopted", "body": "KF", "decided_on": on, "reference": r});
    app.record(&token, "1438", adopt(day(-3), "KF § 10")).await; // Dals-Ed
    app.record(&token, "1442", adopt(day(-2), "KF § 20")).await; // Vårgårda
    let wrong = app.record(&token, "1484", adopt(day(-5), "KF § 7")).await; // Lysekil
    app.record(
        &token,
        "1484",
        json!({"status": "proposed", "body": "KS", "decided_on": day(-5), "corrects": wrong["id"],
               "note": "Beslutet fattades i kommunstyrelsen."}),
    )
    .await;
    app.record(&token, "1446", json!({"status": "rejected", "body": "KF", "decided_on": day(-4)})).await; // Karlsborg
    app.record(
        &token,
        "1435",
        json!({"status": "referred_back", "body": "KF", "decided_on": day(-40), "reference": "KF § 137"}),
    )
    .await; // Tanum: stalled
    app.record(&token, "1445", json!({"status": "scheduled", "planned_on": day(40)})).await; // Essunga: after the start
    app.record(&token, "1480", json!({"status": "scheduled", "planned_on": day(10)})).await; // Göteborg: before

    let released = service::release(&app.db, week, &hook, a_minute, "test", now()).unwrap();
    let html = app.get(&format!("/rapporter/{week}")).await.text().await.unwrap();
    let text = app.get(&format!("/rapporter/{week}.txt")).await.text().await.unwrap();
    assert_eq!(text, released.report.text);
    let start = ratify::sv::date(today + Days::new(30));
    let start_day = start.rsplit_once(' ').unwrap().0.to_string();
    let expected = [
        "Sedan förra veckan: +2 kommuner har antagit (Dals-Ed, Vårgårda); 1 kommun har avslagit (Karlsborg).".to_string(),
        format!("Inför {start}: 47 kommuner har inte antagit; 1 har beslut planerat före {start_day}, 1 efter, 45 inget planerat."),
        "Det är 30 dagar kvar till avtalsstarten.".to_string(),
        format!("Essunga: beslut planerat {}.", ratify::sv::date(today + Days::new(40))),
        format!("Tanum: återremitterat {} (KF § 137), inget nytt beslut planerat.", ratify::sv::date(today - Days::new(40))),
        format!(
            "Uppgiften om Lysekil rättades: Föreslaget (KS, {d}), inte antaget (KF § 7, {d}).",
            d = ratify::sv::date(today - Days::new(5))
        ),
        "Har avslagit: Karlsborg.".to_string(),
        "Det betyder att villkoret inte kan uppfyllas med de beslut som har registrerats.".to_string(),
    ];
    for sentence in &expected {
        assert!(html.contains(sentence.as_str()), "HTML lacks «{sentence}»:\n{html}");
        assert!(text.contains(sentence.as_str()), "text lacks «{sentence}»:\n{text}");
    }
    let stalled_then_no_plan = text.split("Parter utan planerat beslut").nth(1).unwrap();
    assert!(!stalled_then_no_plan.contains("Tanum ("), "a stalled party is not listed twice: {text}");
    for said_in_numbers in ["händelse ", "kan inte uppfyllas med"] {
        assert!(!text.contains(said_in_numbers) && !html.contains(said_in_numbers), "«{said_in_numbers}»:\n{text}");
    }
    let data: Value = serde_json::from_str(&released.report.data).unwrap();
    assert_eq!(data["before_start"]["days_left"], 30);
    assert_eq!(data["risk"]["stalled"][0]["code"], "1435");
    assert_eq!(data["risk"]["planned_after_start"][0]["party_code"], "1445");
}

/// The first report has no earlier one to compare with: it summarises the log instead of listing
/// every event ever recorded.
async fn the_first_report_summarises_instead_of_listing_everything(app: TestApp) {
    let token = app.token("test");
    for code in ["1438", "1442", "1480"] {
        app.record(&token, code, json!({"status": "in_preparation", "note": format!("Anteckning {code}")})).await;
    }
    let week = service::current_week(now());
    let released = service::release(&app.db, week, &[], std::time::Duration::from_secs(60), "test", now()).unwrap();
    for body in [&released.report.html, &released.report.text] {
        assert!(
            body.contains("Detta är den första rapporten. Hittills har 3 uppgifter om 3 parter registrerats"),
            "{body}"
        );
        assert!(!body.contains("Anteckning 1438") && !body.contains("Sedan förra"), "{body}");
    }
}

crate::both_backends!(
    the_report_opens_with_what_changed_and_names_the_risks,
    the_first_report_summarises_instead_of_listing_everything,
);
