//! /admin/rapporter through HTTP, logged in as an editor: the preview, "Skicka nu" with real
//! webhook receivers (wiremock), the delivery history, "Skicka igen", and the audit rows.
//! Anonymous and CSRF refusals of these routes are covered by the route-table walk (admin_routes).

use std::time::Duration;

use base64::Engine;
use serde_json::json;
use sha2::{Digest, Sha256};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use ratify::accounts::Role;
use ratify::reports::delivery::outbox::{Delivery, State};
use ratify::reports::{service, store, ReportError};

use crate::admin_support::{audit_rows, location, user, Staff};
use crate::reports_support::{config, deliveries, now};
use crate::support::{Backend, TestApp};

/// The `'sha256-…'` source of the content of the first `<style>` element of `html`.
pub fn style_hash(html: &str) -> String {
    let start = html.find("<style>").expect("a <style> element") + "<style>".len();
    let end = start + html[start..].find("</style>").expect("</style>");
    let digest = Sha256::digest(&html.as_bytes()[start..end]);
    format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest))
}

async fn wait_for(app: &TestApp, what: &str, done: impl Fn(&[Delivery]) -> bool) -> Vec<Delivery> {
    for _ in 0..200 {
        let d = deliveries(&app.db);
        if done(&d) {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what}: {:?}", deliveries(&app.db));
}

async fn editor_previews_sends_and_resends(backend: Backend) {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/ok")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    // 404 will not get better: the delivery fails at once.
    Mock::given(method("POST")).and(path("/down")).respond_with(ResponseTemplate::new(404)).mount(&server).await;
    let (ok_url, down_url) = (format!("{}/ok", server.uri()), format!("{}/down", server.uri()));
    let cfg = ratify::config::Config {
        report: config(&[ok_url.clone(), down_url.clone()], &[], None),
        ..ratify::config::Config::default()
    };
    let app = TestApp::spawn_with(backend, cfg).await;
    let token = app.token("test");
    app.record(&token, "1480", json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24"})).await;
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;

    let html = s.page("/admin/rapporter").await;
    assert!(html.contains("Veckorapport till SRO") && html.contains("Skicka veckans rapport nu"), "{html}");
    assert!(html.contains("Ingen rapport har skickats än"));
    assert!(s.page("/admin").await.contains("href=\"/admin/rapporter\""), "the menu links the page");

    // The preview: the coming report as it reads now, its inline style allowed by hash; nothing stored.
    let resp = s.get("/admin/rapporter/forhandsvisning").await;
    assert_eq!(resp.status().as_u16(), 200);
    let headers = resp.headers().clone();
    let preview = resp.text().await.unwrap();
    assert!(preview.contains("Lägesrapport nr 1 till SRO") && preview.contains("Göteborg"));
    let csp = headers.get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.contains(&style_hash(&preview)), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    let stored = app.db.read_blocking(|c| store::list(c, false).map_err(ReportError::from)).unwrap();
    assert!(stored.is_empty(), "a preview stores nothing");

    // Send now: frozen, two deliveries queued and started at once (no scheduler runs here).
    let week = service::current_week(now()).to_string();
    let resp = s.post("/admin/rapporter/skicka", &[]).await;
    assert_eq!(resp.status().as_u16(), 303);
    assert_eq!(location(&resp), format!("/admin/rapporter?skickad={week}"));
    let stored = app.db.read_blocking(|c| store::list(c, false).map_err(ReportError::from)).unwrap();
    assert_eq!(stored.len(), 1);
    assert!(stored[0].sent_at.is_some() && stored[0].week == week, "frozen as sent");
    let d = wait_for(&app, "one delivered, one failed", |d| {
        d.len() == 2 && d.iter().all(|x| matches!(x.state, State::Delivered | State::Failed))
    })
    .await;
    let ok = d.iter().find(|x| x.recipient == ok_url).unwrap();
    let down = d.iter().find(|x| x.recipient == down_url).unwrap();
    assert_eq!((ok.state, down.state), (State::Delivered, State::Failed));

    // The history shows each recipient's status, and a resend button for the failed one only.
    let html = s.page(&format!("/admin/rapporter?skickad={week}")).await;
    assert!(html.contains("är skickad"));
    assert!(html.contains("Levererad") && html.contains("Misslyckades") && html.contains("404"), "{html}");
    assert!(html.contains(&format!("/admin/rapporter/leveranser/{}/skicka-igen", down.id)));
    assert!(!html.contains(&format!("/admin/rapporter/leveranser/{}/skicka-igen", ok.id)));
    assert!(!html.contains("Skicka veckans rapport nu"), "this week's is sent");

    // Sending again is refused in Swedish; nothing changes.
    let resp = s.post("/admin/rapporter/skicka", &[]).await;
    assert_eq!(resp.status().as_u16(), 409);
    assert!(resp.text().await.unwrap().contains("är redan skickad (nr 1)"));

    // The receiver is fixed; the failed delivery is resent and arrives.
    server.reset().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let resp = s.post(&format!("/admin/rapporter/leveranser/{}/skicka-igen", down.id), &[]).await;
    assert_eq!(resp.status().as_u16(), 303);
    assert_eq!(location(&resp), format!("/admin/rapporter?igen={}", down.id));
    wait_for(&app, "the resent delivery arrives", |d| d.iter().all(|x| x.state == State::Delivered)).await;
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.iter().filter(|r| r.url.path() == "/down").count(), 1);

    // A delivered one cannot be resent; an unknown one is not found.
    let resp = s.post(&format!("/admin/rapporter/leveranser/{}/skicka-igen", ok.id), &[]).await;
    assert_eq!(resp.status().as_u16(), 409);
    assert!(resp.text().await.unwrap().contains("kan inte skickas igen: den är levererad"));
    let resp = s.post("/admin/rapporter/leveranser/999999/skicka-igen", &[]).await;
    assert_eq!(resp.status().as_u16(), 404);

    // Both writes are in the audit trail, with who and from where.
    let sent = audit_rows(&app, "report.sent");
    assert_eq!(sent.len(), 1);
    assert_eq!((sent[0].actor.as_str(), sent[0].client_addr.as_deref()), ("anna", Some("127.0.0.1")));
    assert!(sent[0].details.contains(&week) && sent[0].details.contains("2 mottagare"), "{}", sent[0].details);
    let requeued = audit_rows(&app, "report.delivery_requeued");
    assert_eq!(requeued.len(), 1);
    assert!(requeued[0].details.contains(&down_url) && requeued[0].actor == "anna");

    // The public archive serves the sent report with the same kind of policy.
    let resp = app.get(&format!("/rapporter/{week}")).await;
    assert_eq!(resp.status().as_u16(), 200);
    let headers = resp.headers().clone();
    let archived = resp.text().await.unwrap();
    let csp = headers.get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.contains(&style_hash(&archived)) && csp.contains("frame-ancestors 'none'"), "{csp}");
}

mod editor_previews_sends_and_resends {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::editor_previews_sends_and_resends(crate::support::Backend::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::editor_previews_sends_and_resends(crate::support::Backend::Postgres).await
    }
}
