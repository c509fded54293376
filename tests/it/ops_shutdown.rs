//! Graceful shutdown of the real binary: SIGTERM while a write is in flight lets it finish and
//! store, then the process exits 0.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use diesel::prelude::*;

use crate::ops_process::{token, Instance};
use crate::support::{Backend, TestDb};

fn an_in_flight_write_finishes_after_sigterm(backend: Backend) {
    let db = TestDb::new(backend);
    let token = token(&db.url, "shutdown");
    let mut instance = Instance::start(&db.url, &[("RATIFY_SHUTDOWN_TIMEOUT", "20")]);
    let addr = instance.base.trim_start_matches("http://").to_string();

    // A client that sends its request slowly: the headers and half of the body now, the rest
    // after the signal. The request is in flight (the handler waits for its body) when SIGTERM
    // arrives.
    let body = r#"{"status":"adopted","body":"KF","decided_on":"2026-03-24","reference":"KF § 12"}"#.as_bytes();
    let head = format!(
        "POST /api/v1/parties/1480/events HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let mut stream = TcpStream::connect(&addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&body[..body.len() / 2]).unwrap();
    stream.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));

    instance.terminate();
    std::thread::sleep(Duration::from_millis(700));
    assert!(instance.running(), "ratify waits for the request in flight instead of exiting at once");

    stream.write_all(&body[body.len() / 2..]).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read the response");
    assert!(response.starts_with("HTTP/1.1 201"), "the in-flight write completes: {response}");

    let status = instance.wait_exit(Duration::from_secs(15));
    assert_eq!(status.code(), Some(0), "a graceful stop exits 0");

    let check = ratify::db::Db::open(&db.url, 1).unwrap();
    let mut conn = check.conn().unwrap();
    let stored: i64 = ratify::db::schema::events::table.count().get_result(&mut *conn).unwrap();
    assert_eq!(stored, 1, "the event is stored");
}

#[test]
fn sigterm_on_sqlite() {
    an_in_flight_write_finishes_after_sigterm(Backend::Sqlite);
}

#[test]
fn sigterm_on_postgres() {
    an_in_flight_write_finishes_after_sigterm(Backend::Postgres);
}

#[test]
fn an_idle_instance_exits_0_on_sigterm() {
    let db = TestDb::new(Backend::Sqlite);
    let mut instance = Instance::start(&db.url, &[]);
    instance.terminate();
    assert_eq!(instance.wait_exit(Duration::from_secs(10)).code(), Some(0));
}

/// Issue 19, defect 1: SIGTERM while the report scheduler is sending (a webhook receiver that
/// takes three seconds to answer) lets the send finish, or hands the delivery back to the
/// queue; it never leaves it claimed and unfinished ("Okänt utfall" for an e-mail).
fn sigterm_during_a_slow_report_delivery(backend: Backend) {
    use ratify::reports::delivery::outbox::State;
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let server = rt.block_on(MockServer::start());
    rt.block_on(
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
            .mount(&server),
    );
    let db = TestDb::new(backend);
    crate::reports_support::agreement_starts_later(&db.url);
    let hook = format!("{}/slow", server.uri());
    let mut instance = Instance::start(
        &db.url,
        &[
            ("RATIFY_REPORT_ENABLED", "true"),
            ("RATIFY_REPORT_WEBHOOKS", &hook),
            ("RATIFY_WEBHOOK_SECRET", crate::reports_support::SECRET),
            ("RATIFY_SHUTDOWN_TIMEOUT", "20"),
        ],
    );
    let check = ratify::db::Db::open(&db.url, 1).unwrap();
    // The scheduler releases this week's report at start and claims the webhook delivery.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let d = crate::reports_support::deliveries(&check);
        if d.iter().any(|d| d.state == State::Sending) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no delivery was being sent: {d:?}");
        std::thread::sleep(Duration::from_millis(50));
    }

    instance.terminate();
    let status = instance.wait_exit(Duration::from_secs(40));
    assert_eq!(status.code(), Some(0), "a graceful stop exits 0");

    let d = crate::reports_support::deliveries(&check);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(matches!(d[0].state, State::Delivered | State::Pending), "left {:?}: {d:?}", d[0].state);
    let requests = rt.block_on(server.received_requests()).unwrap_or_default();
    if d[0].state == State::Delivered {
        assert_eq!(requests.len(), 1, "delivered once");
    }
}

#[test]
fn sigterm_during_a_report_delivery_on_sqlite() {
    sigterm_during_a_slow_report_delivery(Backend::Sqlite);
}

#[test]
fn sigterm_during_a_report_delivery_on_postgres() {
    sigterm_during_a_slow_report_delivery(Backend::Postgres);
}
