//! E-mail delivery against a real SMTP receiver on a loopback port.

use std::time::Duration;

use ratify::reports::delivery::outbox::{self, State};
use ratify::reports::{admin, service};

use crate::reports_support::{config, deliveries, header, now, parts, worker, SmtpSink};
use crate::support::TestApp;

async fn the_mail_arrives_with_a_text_and_an_html_part(app: TestApp) {
    let sink = SmtpSink::start().await;
    let cfg = config(&[], &["sro@example.se", "ledamot@example.se"], Some(sink.port));
    let token = app.token("test");
    app.record(
        &token,
        "1490",
        serde_json::json!({"status": "adopted", "body": "KF", "decided_on": "2026-04-10", "reference": "KF § 12"}),
    )
    .await;
    service::release(&app.db, service::current_week(now()), &cfg.recipients(), cfg.retry_for, "test", now()).unwrap();
    let pass = worker(&app.db, &cfg, "w1", Duration::from_secs(600)).pass(now()).await.unwrap();
    assert_eq!(pass.deliveries.delivered, 2);

    let got = sink.received();
    assert_eq!(got.len(), 2);
    let mut to: Vec<String> = got.iter().flat_map(|m| m.rcpt_to.clone()).collect();
    to.sort();
    assert_eq!(to, ["<ledamot@example.se>", "<sro@example.se>"]);
    let keys: Vec<String> = deliveries(&app.db).into_iter().map(|d| d.idempotency_key).collect();
    for m in &got {
        assert_eq!(m.mail_from, "<noreply@vastkom.example>");
        let (content_type, parts) = parts(&m.data);
        assert!(content_type.starts_with("multipart/alternative"), "{content_type}");
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert!(parts[0].0.starts_with("text/plain"), "{}", parts[0].0);
        assert!(parts[0].1.contains("LÄGESRAPPORT NR 1 TILL SRO"), "{}", parts[0].1);
        assert!(parts[0].1.contains("Borås: Antaget (KF § 12, 10 april 2026)"), "{}", parts[0].1);
        assert!(parts[1].0.starts_with("text/html"), "{}", parts[1].0);
        assert!(parts[1].1.contains("<html lang=\"sv\">") && parts[1].1.contains("<svg"));
        let head = m.data.split("\r\n\r\n").next().unwrap();
        let message_id = header(head, "Message-ID").expect("Message-ID");
        assert!(keys.iter().any(|k| message_id.contains(k)), "{message_id}");
        assert!(header(head, "Subject").is_some());
    }
    let again = worker(&app.db, &cfg, "w2", Duration::from_secs(600)).pass(now()).await.unwrap();
    assert_eq!(again.deliveries.delivered, 0);
    assert_eq!(sink.received().len(), 2);
}

async fn an_email_left_sending_by_a_crash_is_unknown_and_not_resent(app: TestApp) {
    let sink = SmtpSink::start().await;
    let cfg = config(&[], &["sro@example.se"], Some(sink.port));
    service::release(&app.db, service::current_week(now()), &cfg.recipients(), cfg.retry_for, "test", now()).unwrap();
    let d = deliveries(&app.db).remove(0);
    assert!(app
        .db
        .write_blocking(|c| outbox::claim(c, d.id, "worker-a", now()).map_err(ratify::db::DbError::from))
        .unwrap());
    // Worker A is gone. A new worker, even one that takes over stale webhooks at once, does not
    // send the e-mail again: it may already have arrived.
    let pass = worker(&app.db, &cfg, "worker-b", Duration::ZERO).pass(now()).await.unwrap();
    assert_eq!((pass.recovered, pass.deliveries.delivered), (0, 0));
    assert!(sink.received().is_empty());
    let history = admin::history(&app.db, now(), Duration::ZERO).unwrap();
    let view = &history[0].deliveries[0];
    assert_eq!(view.status, admin::DeliveryStatus::Unknown);
    assert_eq!(view.status.label_sv(), "Okänt utfall");
    assert!(view.can_resend);
    // Within the lease it is still "being sent", and cannot be resent.
    let fresh = admin::history(&app.db, now(), Duration::from_secs(600)).unwrap();
    assert_eq!(fresh[0].deliveries[0].status, admin::DeliveryStatus::Sending);
    assert!(admin::resend(&app.db, &cfg, d.id, "redaktör", None, now(), Duration::from_secs(600)).is_err());

    // A person decides to send it again.
    admin::resend(&app.db, &cfg, d.id, "redaktör", None, now(), Duration::ZERO).unwrap();
    let pass = worker(&app.db, &cfg, "worker-b", Duration::ZERO).pass(now()).await.unwrap();
    assert_eq!(pass.deliveries.delivered, 1);
    assert_eq!(sink.received().len(), 1);
    assert_eq!(deliveries(&app.db)[0].state, State::Delivered);
}

async fn an_unreachable_relay_is_retried(app: TestApp) {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let cfg = config(&[], &["sro@example.se"], Some(port));
    service::release(&app.db, service::current_week(now()), &cfg.recipients(), cfg.retry_for, "test", now()).unwrap();
    let pass = worker(&app.db, &cfg, "w1", Duration::from_secs(600)).pass(now()).await.unwrap();
    assert_eq!(pass.deliveries.retrying, 1);
    let d = &deliveries(&app.db)[0];
    assert_eq!((d.state, d.attempts), (State::Pending, 1));
}

crate::both_backends!(
    the_mail_arrives_with_a_text_and_an_html_part,
    an_email_left_sending_by_a_crash_is_unknown_and_not_resent,
    an_unreachable_relay_is_retried,
);
