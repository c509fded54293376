//! Webhook delivery against a real local HTTP server (wiremock): signature, Idempotency-Key,
//! retries, crashes between claim and send, and two instances over one PostgreSQL.

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use ratify::reports::delivery::outbox::{self, State};
use ratify::reports::delivery::Deliverer;
use ratify::reports::{admin, service, store};

use crate::reports_support::{config, deliveries, now, worker, SECRET};
use crate::support::{Backend, TestApp, TestDb};

fn hmac_hex(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(body);
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

fn header(req: &wiremock::Request, name: &str) -> String {
    req.headers.get(name).unwrap_or_else(|| panic!("header {name}")).to_str().unwrap().to_string()
}

async fn record_adoption(app: &TestApp) {
    let token = app.token("test");
    app.record(
        &token,
        "1480",
        json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24", "reference": "KF § 45"}),
    )
    .await;
}

async fn the_webhook_gets_the_signed_report_with_its_key(app: TestApp) {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/hook")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    record_adoption(&app).await;
    let cfg = config(&[format!("{}/hook", server.uri())], &[], None);
    let week = service::current_week(now());
    let released = service::release(&app.db, week, &cfg.recipients(), cfg.retry_for, "test", now()).unwrap();
    assert!(released.newly_sent);
    assert_eq!(released.enqueued, 1);

    let pass = worker(&app.db, &cfg, "w1", Duration::from_secs(600)).pass(now()).await.unwrap();
    assert_eq!(pass.deliveries.delivered, 1);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let req = &requests[0];
    assert_eq!(header(req, "X-Ratify-Signature"), hmac_hex(&req.body), "signature over the exact body");
    let mut tampered = req.body.clone();
    tampered.push(b' ');
    assert_ne!(header(req, "X-Ratify-Signature"), hmac_hex(&tampered));
    assert!(header(req, "Content-Type").starts_with("application/json"));
    assert_eq!(header(req, "X-Ratify-Report-Week"), week.to_string());

    let d = deliveries(&app.db);
    assert_eq!(d.len(), 1);
    assert_eq!(header(req, "Idempotency-Key"), d[0].idempotency_key);
    assert_eq!(d[0].state, State::Delivered);
    assert_eq!(d[0].attempts, 1);

    // The body is the stored report, the same bytes the archive serves.
    let archived = app.get(&format!("/rapporter/{week}.json")).await.bytes().await.unwrap();
    assert_eq!(req.body, archived.to_vec());
    let body: Value = serde_json::from_slice(&req.body).unwrap();
    assert_eq!(body["week"], week.to_string());
    assert_eq!(body["number"], 1);
    assert_eq!(body["changes"][0]["party_name"], "Göteborg");
    assert_eq!(body["changes"][0]["reference"], "KF § 45");

    // Nothing is sent twice.
    let again = worker(&app.db, &cfg, "w2", Duration::from_secs(600)).pass(now()).await.unwrap();
    assert_eq!(again.deliveries.delivered, 0);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

async fn a_500_then_a_200_is_one_delivery_after_a_retry(app: TestApp) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).with_priority(2).mount(&server).await;
    let cfg = config(&[format!("{}/hook", server.uri())], &[], None);
    service::release(&app.db, service::current_week(now()), &cfg.recipients(), cfg.retry_for, "test", now()).unwrap();
    let w = worker(&app.db, &cfg, "w1", Duration::from_secs(600));

    let first = w.pass(now()).await.unwrap();
    assert_eq!(first.deliveries.retrying, 1);
    let d = &deliveries(&app.db)[0];
    assert_eq!((d.state, d.attempts), (State::Pending, 1));
    assert!(d.last_error.as_deref().unwrap().contains("500"), "{:?}", d.last_error);
    assert!(d.next_attempt_at > now() - chrono::Duration::seconds(1));

    tokio::time::sleep(Duration::from_millis(300)).await;
    let second = w.pass(now()).await.unwrap();
    assert_eq!(second.deliveries.delivered, 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(w.pass(now()).await.unwrap().deliveries, Default::default());

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2, "one failed attempt, one delivery");
    assert_eq!(header(&requests[0], "Idempotency-Key"), header(&requests[1], "Idempotency-Key"));
    assert_eq!(requests[0].body, requests[1].body);
    let d = &deliveries(&app.db)[0];
    assert_eq!((d.state, d.attempts), (State::Delivered, 2));
    let attempts = app.db.read_blocking(|c| outbox::attempts(c, d.id).map_err(ratify::db::DbError::from)).unwrap();
    assert_eq!(attempts.len(), 2);
    assert!(!attempts[0].delivered && attempts[0].detail.as_deref().unwrap().contains("500"));
    assert!(attempts[1].delivered);
}

async fn retries_end_as_failed_and_staff_can_resend(app: TestApp) {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/down")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    Mock::given(method("POST")).and(path("/gone")).respond_with(ResponseTemplate::new(404)).mount(&server).await;
    let mut cfg = config(&[format!("{}/down", server.uri()), format!("{}/gone", server.uri())], &[], None);
    cfg.retry_for = Duration::from_secs(2);
    service::release(&app.db, service::current_week(now()), &cfg.recipients(), cfg.retry_for, "test", now()).unwrap();
    let w = worker(&app.db, &cfg, "w1", Duration::from_secs(600));
    let first = w.pass(now()).await.unwrap();
    // 404 will not get better: failed at once. 503 is retried within RATIFY_REPORT_RETRY_FOR.
    assert_eq!((first.deliveries.failed, first.deliveries.retrying), (1, 1));
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let second = w.pass(now()).await.unwrap();
    assert_eq!(second.deliveries.failed, 1, "the retry window is over");
    let history = admin::history(&app.db, now(), Duration::from_secs(600)).unwrap();
    let views = &history[0].deliveries;
    assert!(views.iter().all(|v| v.status == admin::DeliveryStatus::Failed && v.can_resend));
    assert_eq!(views[0].status.label_sv(), "Misslyckades");

    // The receiver is fixed; staff resend the first one.
    server.reset().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let id = views[0].delivery.id;
    admin::resend(&app.db, &cfg, id, "redaktör", None, now(), Duration::from_secs(600)).unwrap();
    assert_eq!(w.pass(now()).await.unwrap().deliveries.delivered, 1);
    let d = deliveries(&app.db);
    assert_eq!(d[0].state, State::Delivered);
    assert_eq!(d[1].state, State::Failed);
    let e = admin::resend(&app.db, &cfg, id, "redaktör", None, now(), Duration::from_secs(600)).unwrap_err();
    assert!(e.to_string().contains("Levererad"), "{e}");
    assert!(admin::resend(&app.db, &cfg, 999_999, "redaktör", None, now(), Duration::from_secs(600)).is_err());
}

async fn a_restart_between_claim_and_send_delivers_once(app: TestApp) {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let cfg = config(&[format!("{}/hook", server.uri())], &[], None);
    service::release(&app.db, service::current_week(now()), &cfg.recipients(), cfg.retry_for, "test", now()).unwrap();
    let d = deliveries(&app.db).remove(0);
    // Worker A claims the delivery and dies before sending.
    let claimed =
        app.db.write_blocking(|c| outbox::claim(c, d.id, "worker-a", now()).map_err(ratify::db::DbError::from));
    assert!(claimed.unwrap());
    // A new worker leaves a fresh claim alone (A might still be sending)…
    let b = worker(&app.db, &cfg, "worker-b", Duration::from_secs(600));
    assert_eq!(b.pass(now()).await.unwrap().deliveries.delivered, 0);
    assert!(server.received_requests().await.unwrap().is_empty());
    // …and takes it over once the claim has outlived its lease: delivered once, same key.
    let c = worker(&app.db, &cfg, "worker-c", Duration::ZERO);
    let pass = c.pass(now()).await.unwrap();
    assert_eq!((pass.recovered, pass.deliveries.delivered), (1, 1));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(header(&requests[0], "Idempotency-Key"), d.idempotency_key);
    assert_eq!(c.pass(now()).await.unwrap().deliveries.delivered, 0);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

async fn a_crash_after_sending_resends_with_the_same_key(app: TestApp) {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let cfg = config(&[format!("{}/hook", server.uri())], &[], None);
    let released =
        service::release(&app.db, service::current_week(now()), &cfg.recipients(), cfg.retry_for, "test", now())
            .unwrap();
    let d = deliveries(&app.db).remove(0);
    // Worker A claims, sends, and dies before recording the result.
    assert!(app
        .db
        .write_blocking(|c| outbox::claim(c, d.id, "worker-a", now()).map_err(ratify::db::DbError::from))
        .unwrap());
    let result = Deliverer::new(&cfg).unwrap().deliver(&d, &released.report).await;
    assert!(matches!(result, outbox::AttemptResult::Delivered { .. }), "{result:?}");
    // The next worker cannot know it arrived: it sends again, with the same key, for the
    // receiver to drop as a repeat.
    let pass = worker(&app.db, &cfg, "worker-b", Duration::ZERO).pass(now()).await.unwrap();
    assert_eq!(pass.deliveries.delivered, 1);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(header(&requests[0], "Idempotency-Key"), header(&requests[1], "Idempotency-Key"));
    assert_eq!(header(&requests[0], "Idempotency-Key"), d.idempotency_key);
    assert_eq!(requests[0].body, requests[1].body);
    assert_eq!(deliveries(&app.db)[0].state, State::Delivered);
}

crate::both_backends!(
    the_webhook_gets_the_signed_report_with_its_key,
    a_500_then_a_200_is_one_delivery_after_a_retry,
    retries_end_as_failed_and_staff_can_resend,
    a_restart_between_claim_and_send_delivers_once,
    a_crash_after_sending_resends_with_the_same_key,
);

/// Two instances (two pools, two workers with the schedule on) over one PostgreSQL, at the same
/// moment: one report, one request per recipient.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_schedulers_over_one_postgres_deliver_once() {
    let test_db = TestDb::new(Backend::Postgres);
    let (db1, _) = ratify::startup::prepare_database(&test_db.url, 4).unwrap();
    let (db2, _) = ratify::startup::prepare_database(&test_db.url, 4).unwrap();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(150)))
        .mount(&server)
        .await;
    let hooks: Vec<String> = ["/a", "/b", "/c"].iter().map(|p| format!("{}{p}", server.uri())).collect();
    let mut cfg = config(&hooks, &[], None);
    cfg.enabled = true;
    let w1 = Arc::new(worker(&db1, &cfg, "instance-1", Duration::from_secs(600)));
    let w2 = Arc::new(worker(&db2, &cfg, "instance-2", Duration::from_secs(600)));
    // Wednesday of week 48: Monday's 07:00 run is due.
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-25T09:00:00Z").unwrap().to_utc();
    let mut released = Vec::new();
    for _ in 0..3 {
        let (a, b) = (w1.clone(), w2.clone());
        let ta = tokio::spawn(async move { a.pass(at).await.unwrap() });
        let tb = tokio::spawn(async move { b.pass(at).await.unwrap() });
        released.extend([ta.await.unwrap().released, tb.await.unwrap().released].into_iter().flatten());
    }
    assert_eq!(released, ["2026-W48"], "exactly one instance released the week's report");
    let reports = db1.read_blocking(|c| store::list(c, false).map_err(ratify::db::DbError::from)).unwrap();
    assert_eq!(reports.len(), 1);
    let requests = server.received_requests().await.unwrap();
    for p in ["/a", "/b", "/c"] {
        let n = requests.iter().filter(|r| r.url.path() == p).count();
        assert_eq!(n, 1, "{p} got {n} requests");
    }
    assert!(deliveries(&db1).iter().all(|d| d.state == State::Delivered && d.attempts == 1));
}
