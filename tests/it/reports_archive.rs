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
