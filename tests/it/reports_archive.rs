//! The public archive /rapporter: sent reports only, as HTML and JSON; 404 when switched off.

use std::net::TcpListener;
use std::sync::Arc;

use ratify::reports::service;
use ratify::AppState;

use crate::reports_support::now;
use crate::support::TestApp;

async fn the_archive_shows_sent_reports_only(app: TestApp) {
    let list = app.get("/rapporter").await;
    assert_eq!(list.status().as_u16(), 200);
    assert!(list.text().await.unwrap().contains("Inga rapporter har skickats än."));

    let week = service::current_week(now());
    service::generate(&app.db, week, now()).unwrap();
    assert_eq!(app.get(&format!("/rapporter/{week}")).await.status().as_u16(), 404, "a draft is not public");
    assert_eq!(app.get(&format!("/rapporter/{week}.json")).await.status().as_u16(), 404);

    service::release(&app.db, week, &[], std::time::Duration::from_secs(60), "test", now()).unwrap();
    let list = app.get("/rapporter").await.text().await.unwrap();
    assert!(list.contains("Rapport nr 1") && list.contains(&format!("/rapporter/{week}.json")), "{list}");
    let html = app.get(&format!("/rapporter/{week}")).await;
    assert_eq!(html.status().as_u16(), 200);
    assert!(html.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = html.text().await.unwrap();
    assert!(
        html.contains("<html lang=\"sv\">") && html.contains("Lägesrapport nr 1 till SRO") && html.contains("<svg")
    );
    let json = app.get_json(&format!("/rapporter/{week}.json"), 200).await;
    assert_eq!(json["week"], week.to_string());
    for missing in ["/rapporter/2026-W99", "/rapporter/nonsense", "/rapporter/2020-W01", "/rapporter/2020-W01.json"] {
        assert_eq!(app.get(missing).await.status().as_u16(), 404, "{missing}");
    }
}

async fn a_closed_archive_answers_404(app: TestApp) {
    let week = service::current_week(now());
    service::release(&app.db, week, &[], std::time::Duration::from_secs(60), "test", now()).unwrap();
    // The same database served with RATIFY_PUBLIC_REPORTS=false.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut config = ratify::config::Config::default();
    config.report.public_archive = false;
    let server = ratify::startup::serve(listener, AppState::with_config(app.db.clone(), Arc::new(config))).unwrap();
    tokio::spawn(server);
    let client = reqwest::Client::new();
    for p in ["/rapporter".to_string(), format!("/rapporter/{week}"), format!("/rapporter/{week}.json")] {
        let resp = client.get(format!("http://127.0.0.1:{port}{p}")).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 404, "{p}");
    }
    // Open, the same report is there.
    assert_eq!(app.get(&format!("/rapporter/{week}")).await.status().as_u16(), 200);
}

crate::both_backends!(the_archive_shows_sent_reports_only, a_closed_archive_answers_404);

/// Issue 15: a report frozen while no recipient was configured reached nobody. The archive keeps
/// it (it is the week's report) but says it was not sent; a report addressed to a recipient is
/// shown as sent. Its text version is served beside the HTML and JSON.
async fn a_report_frozen_for_nobody_is_not_listed_as_sent(app: TestApp) {
    let week = service::current_week(now());
    service::release(&app.db, week, &[], std::time::Duration::from_secs(60), "test", now()).unwrap();
    let list = app.get("/rapporter").await.text().await.unwrap();
    let item = list.split("Rapport nr 1").nth(1).expect("report 1 listed").split("</li>").next().unwrap();
    assert!(item.contains("inte skickad"), "{item}");
    assert!(!item.contains("Skickad"), "{item}");

    let next_now = now() + chrono::Duration::days(7);
    let hook = vec![(ratify::reports::delivery::Channel::Webhook, "http://127.0.0.1:9/sro".to_string())];
    service::release(&app.db, week.next(), &hook, std::time::Duration::from_secs(60), "test", next_now).unwrap();
    let list = app.get("/rapporter").await.text().await.unwrap();
    let item = list.split("Rapport nr 2").nth(1).expect("report 2 listed").split("</li>").next().unwrap();
    assert!(item.contains("Skickad till SRO") && !item.contains("inte skickad"), "{item}");
}

crate::both_backends!(a_report_frozen_for_nobody_is_not_listed_as_sent);

/// Issue 15: `/rapporter` is a page of the site (its layout, stylesheet and navigation), linked
/// from every public page's navigation; each report is offered as text too, and the addresses
/// that answered before still do.
async fn the_archive_is_a_page_of_the_site_with_a_text_version(app: TestApp) {
    let home = app.get("/").await.text().await.unwrap();
    let nav = home.split("<nav").nth(1).expect("navigation").split("</nav>").next().unwrap();
    assert!(nav.contains("href=\"/rapporter\""), "{nav}");

    let week = service::current_week(now());
    let hook = vec![(ratify::reports::delivery::Channel::Webhook, "http://127.0.0.1:9/sro".to_string())];
    let released = service::release(&app.db, week, &hook, std::time::Duration::from_secs(60), "test", now()).unwrap();
    let list = app.get("/rapporter").await;
    assert_eq!(list.status().as_u16(), 200);
    let list = list.text().await.unwrap();
    assert!(list.contains("rel=\"stylesheet\"") && list.contains("class=\"skip-link\""), "site layout: {list}");
    let nav = list.split("<nav").nth(1).expect("navigation").split("</nav>").next().unwrap();
    assert!(nav.contains("href=\"/rapporter\""), "{nav}");
    assert!(list.contains(&format!("href=\"/rapporter/{week}.txt\"")), "{list}");

    let text = app.get(&format!("/rapporter/{week}.txt")).await;
    assert_eq!(text.status().as_u16(), 200);
    assert!(text.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    assert_eq!(text.text().await.unwrap(), released.report.text, "the text exactly as e-mailed");
    for old in [format!("/rapporter/{week}"), format!("/rapporter/{week}.json"), "/rapporter/".to_string()] {
        assert_eq!(app.get(&old).await.status().as_u16(), 200, "{old}");
    }
    let head = reqwest::Client::new().head(app.url("/rapporter")).send().await.unwrap();
    assert_eq!(head.status().as_u16(), 200);
    let missing = app.get("/rapporter/2020-W01.txt").await;
    assert_eq!(missing.status().as_u16(), 404);
    assert!(missing.text().await.unwrap().contains("rel=\"stylesheet\""), "the site's 404 page");
}

crate::both_backends!(the_archive_is_a_page_of_the_site_with_a_text_version);

/// A report frozen before issue 15 (its data without the fields added since, its HTML and text in
/// the old wording) is still listed and served as stored, in all three forms.
async fn a_report_frozen_before_is_served_as_stored(app: TestApp) {
    use ratify::reports::store::{self, NewReport};
    let week = service::current_week(now()).previous();
    let old_data =
        r#"{"schema":1,"number":1,"week":"WEEK","changes":[],"risk":{"no_planned_decision":[],"overdue":[]}}"#
            .replace("WEEK", &week.to_string());
    let html = "<!DOCTYPE html><html lang=\"sv\"><head><title>Lägesrapport</title></head><body><main>\
                <p>Lägesrapport nr 1 till SRO</p></main></body></html>";
    let text = "LÄGESRAPPORT NR 1 TILL SRO – VECKA 48, 2026\n- Göteborg: Antaget. Rättelse av händelse 3\n";
    let at = now() - chrono::Duration::days(7);
    app.db
        .write_blocking(|c| {
            let row = NewReport {
                number: 1,
                week: &week.to_string(),
                as_of: at.date_naive(),
                generated_at: at,
                cutoff: at,
                data: &old_data,
                html,
                text,
            };
            let id = store::insert(c, &row)?;
            store::mark_sent(c, id, at)?;
            Ok::<_, ratify::db::DbError>(())
        })
        .unwrap();
    assert!(app.get("/rapporter").await.text().await.unwrap().contains("Rapport nr 1"));
    assert_eq!(app.get(&format!("/rapporter/{week}")).await.text().await.unwrap(), html);
    assert_eq!(app.get(&format!("/rapporter/{week}.txt")).await.text().await.unwrap(), text);
    assert_eq!(app.get(&format!("/rapporter/{week}.json")).await.text().await.unwrap(), old_data);
}

crate::both_backends!(a_report_frozen_before_is_served_as_stored);

/// A real report frozen in the first schema (`"schema":1`, from a `ratify demo` database): the
/// archive serves its three forms as stored, and its data still reads back from the database.
async fn a_report_of_the_first_schema_is_served_as_stored_and_reads_back(app: TestApp) {
    use ratify::reports::content::ReportData;
    use ratify::reports::store::{self, NewReport};
    let data = include_str!("../fixtures/report-v1-2026-W49.json");
    let html = include_str!("../fixtures/report-v1-2026-W49.html");
    let text = include_str!("../fixtures/report-v1-2026-W49.txt");
    let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T23:55:55.723337Z").unwrap().to_utc();
    app.db
        .write_blocking(|c| {
            let row = NewReport {
                number: 1,
                week: "2026-W49",
                as_of: "2026-12-02".parse().unwrap(),
                generated_at: at,
                cutoff: at,
                data,
                html,
                text,
            };
            let id = store::insert(c, &row)?;
            store::mark_sent(c, id, at)?;
            Ok::<_, ratify::db::DbError>(())
        })
        .unwrap();
    assert_eq!(app.get("/rapporter/2026-W49").await.text().await.unwrap(), html);
    assert_eq!(app.get("/rapporter/2026-W49.txt").await.text().await.unwrap(), text);
    assert_eq!(app.get("/rapporter/2026-W49.json").await.text().await.unwrap(), data);

    let stored = app
        .db
        .read_blocking(|c| store::find_by_week(c, "2026-W49").map_err(ratify::db::DbError::from))
        .unwrap()
        .expect("stored");
    let loaded = ReportData::load(&stored.data).expect("schema 1 reads back");
    assert_eq!((loaded.schema_version, loaded.number, loaded.changes.len()), (1, 1, 91));
    let (html_again, text_again) = ratify::reports::render::render(&loaded);
    assert!(html_again.contains("Lägesrapport nr 1 till SRO") && html_again.matches("<path ").count() == 49);
    // A demo database's report: its data says so, and rendered again it carries the mark first.
    assert!(loaded.demo && html_again.contains("<body><p class=\"demo-banner\""));
    assert!(
        text_again.starts_with("EXEMPELDATA – INTE VERKLIGA BESLUT\n\nLÄGESRAPPORT NR 1 TILL SRO – VECKA 49, 2026\n"),
        "{text_again}"
    );
}

crate::both_backends!(a_report_of_the_first_schema_is_served_as_stored_and_reads_back);
