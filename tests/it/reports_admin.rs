//! What the staff pages /admin/rapporter do, at the function level (the routes are mounted behind
//! the staff login by the lead): preview, send now, history per recipient.

use std::time::Duration;

use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use ratify::reports::{admin, service, store, ReportError};

use crate::reports_support::{config, now, worker};
use crate::support::TestApp;

async fn preview_send_now_and_history(app: TestApp) {
    let token = app.token("test");
    app.record(
        &token,
        "1480",
        json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24", "reference": "KF § 45"}),
    )
    .await;
    // The preview is the coming report as it reads now, and stores nothing.
    let preview = admin::preview_html(&app.db, now()).unwrap();
    assert!(preview.contains("Lägesrapport nr 1 till SRO") && preview.contains("Göteborg"));
    let stored = app.db.read_blocking(|c| store::list(c, false).map_err(ReportError::from)).unwrap();
    assert!(stored.is_empty());
    assert_eq!(admin::coming_week(&app.db, now()).unwrap(), service::current_week(now()));

    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let cfg = config(&[format!("{}/a", server.uri()), format!("{}/b", server.uri())], &[], None);
    let released = admin::send_now(&app.db, &cfg, "redaktör", None, now()).unwrap();
    assert_eq!((released.report.number, released.enqueued), (1, 2));
    let e = admin::send_now(&app.db, &cfg, "redaktör", None, now()).unwrap_err();
    assert!(matches!(e, ReportError::AlreadySent { number: 1, .. }), "{e}");
    assert!(e.to_string().contains("redan skickad"));
    // This week's is sent: the preview is next week's, numbered 2.
    assert_eq!(admin::coming_week(&app.db, now()).unwrap(), service::current_week(now()).next());
    assert!(admin::preview_html(&app.db, now()).unwrap().contains("Lägesrapport nr 2 till SRO"));

    let before = admin::history(&app.db, now(), Duration::from_secs(600)).unwrap();
    assert_eq!(before.len(), 1);
    assert!(before[0].deliveries.iter().all(|d| d.status == admin::DeliveryStatus::Pending && !d.can_resend));
    worker(&app.db, &cfg, "w1", Duration::from_secs(600)).pass(now()).await.unwrap();
    let after = admin::history(&app.db, now(), Duration::from_secs(600)).unwrap();
    let views = &after[0].deliveries;
    assert_eq!(views.len(), 2);
    for v in views {
        assert_eq!(v.status.label_sv(), "Levererad");
        assert_eq!(v.attempts.len(), 1);
        assert!(v.attempts[0].delivered);
        assert!(admin::recipient_label(&v.delivery).starts_with("Webhook http://127.0.0.1:"));
    }
}

crate::both_backends!(preview_send_now_and_history);

/// Issue 15, through the staff page with no recipient configured: "Skicka nu" freezes the
/// week's report and says it was stored, not sent; the page then lists it as not sent, and a
/// second "Skicka nu" does not call it sent either.
async fn send_now_with_nobody_configured_is_not_called_sent(app: TestApp) {
    use ratify::accounts::Role;

    use crate::admin_support::{location, user, Staff};
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let sent = s.post("/admin/rapporter/skicka", &[]).await;
    assert_eq!(sent.status().as_u16(), 303);
    let page = s.page(&location(&sent)).await;
    let said = |page: &str| page.replace("inte skickad", "").replace("Skicka", "");
    assert!(page.contains("sparad men inte skickad"), "{page}");
    assert!(!said(&page).contains("skickad"), "{page}");

    let again = s.post("/admin/rapporter/skicka", &[]).await;
    let status = again.status().as_u16();
    let body = again.text().await.unwrap();
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("inte skickad") && !said(&body).contains("skickad"), "{body}");
}

crate::both_backends!(send_now_with_nobody_configured_is_not_called_sent);

/// The week's report was frozen while nobody was configured; a webhook is configured since. The
/// staff page offers to send it, and "Skicka nu" sends that same report to the webhook, once.
async fn a_report_frozen_for_nobody_is_sent_from_the_page_to_a_recipient_added_since(backend: crate::support::Backend) {
    use ratify::accounts::Role;

    use crate::admin_support::{location, user, Staff};
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let cfg = ratify::config::Config {
        report: config(&[format!("{}/sro", server.uri())], &[], None),
        ..ratify::config::Config::default()
    };
    let app = TestApp::spawn_with(backend, cfg).await;
    let week = service::current_week(now());
    let frozen = service::release(&app.db, week, &[], Duration::from_secs(60), "schema:test", now()).unwrap();
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let page = s.page("/admin/rapporter").await;
    assert!(page.contains("Skicka veckans rapport till 1 mottagare nu"), "{page}");
    let sent = s.post("/admin/rapporter/skicka", &[]).await;
    assert_eq!(sent.status().as_u16(), 303);
    assert!(location(&sent).contains("skickad="), "{}", location(&sent));
    for _ in 0..100 {
        if !server.received_requests().await.unwrap_or_default().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].body, frozen.report.data.as_bytes(), "the report frozen before, unchanged");
    let page = s.page("/admin/rapporter").await;
    assert!(page.contains("Veckans rapport är redan skickad"), "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_frozen_for_nobody_is_sent_from_the_page_on_sqlite() {
    a_report_frozen_for_nobody_is_sent_from_the_page_to_a_recipient_added_since(crate::support::Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_frozen_for_nobody_is_sent_from_the_page_on_postgres() {
    a_report_frozen_for_nobody_is_sent_from_the_page_to_a_recipient_added_since(crate::support::Backend::Postgres).await
}
