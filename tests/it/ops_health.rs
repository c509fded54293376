//! /healthz, /readyz and /metrics through the real server.

use std::collections::BTreeMap;

use serde_json::json;

use crate::support::{Backend, TestApp};
use ratify::config::{parse_allow_list, Config};

async fn health_and_readiness(app: TestApp) {
    let r = app.get("/healthz").await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.text().await.unwrap(), "ok\n");
    let r = app.get("/readyz").await;
    assert_eq!(r.status().as_u16(), 200);

    // A database behind this binary's migrations (as after a rollback of the schema) is not ready.
    app.db.revert_all_migrations().unwrap();
    let r = app.get("/readyz").await;
    assert_eq!(r.status().as_u16(), 503);
    let body = r.text().await.unwrap();
    assert!(body.starts_with("inte redo: ") && body.contains("migrering"), "{body}");
    assert_eq!(app.get("/healthz").await.status().as_u16(), 200, "the process is still alive");

    app.db.migrate().unwrap();
    assert_eq!(app.get("/readyz").await.status().as_u16(), 200);
}

/// One parsed sample line of Prometheus text.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// Parses Prometheus text format 0.0.4 strictly enough to catch a malformed line: comments are
/// HELP or TYPE lines, every other line is `name{labels} value` with a known family.
fn parse(text: &str) -> (BTreeMap<String, String>, Vec<Sample>) {
    let mut types = BTreeMap::new();
    let mut samples = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap_or_else(|| panic!("bad TYPE line {line:?}"));
            assert!(["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind), "{line}");
            types.insert(name.to_string(), kind.to_string());
            continue;
        }
        if line.starts_with("# HELP ") {
            continue;
        }
        assert!(!line.starts_with('#'), "unexpected comment {line:?}");
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("no value in {line:?}"));
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("bad value in {line:?}"));
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => {
                let inner = rest.strip_suffix('}').unwrap_or_else(|| panic!("unclosed labels in {line:?}"));
                let mut labels = BTreeMap::new();
                for pair in inner.split("\",").filter(|p| !p.is_empty()) {
                    let (k, v) = pair.split_once("=\"").unwrap_or_else(|| panic!("bad label in {line:?}"));
                    labels.insert(k.to_string(), v.trim_end_matches('"').to_string());
                }
                (name.to_string(), labels)
            }
            None => (series.to_string(), BTreeMap::new()),
        };
        assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'), "bad name {name:?}");
        let family_known = types.keys().any(|f| {
            name == *f || name.strip_prefix(f.as_str()).is_some_and(|s| ["_bucket", "_sum", "_count"].contains(&s))
        });
        assert!(family_known, "sample {name} before its TYPE line");
        samples.push(Sample { name, labels, value });
    }
    (types, samples)
}

fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .iter()
        .find(|s| s.name == name && labels.iter().all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v)))
        .map(|s| s.value)
}

async fn metrics_have_the_families_by_route_pattern(app: TestApp) {
    let token = app.token("metrics");
    app.record(&token, "1480", json!({"status": "proposed", "body": "KS", "decided_on": "2026-03-03"})).await;
    assert_eq!(app.get("/api/v1/parties/1480").await.status().as_u16(), 200);
    assert_eq!(app.get("/api/v1/parties/1401").await.status().as_u16(), 200);
    assert_eq!(app.get("/api/v1/parties/9999").await.status().as_u16(), 404);
    assert_eq!(app.get("/no/such/page").await.status().as_u16(), 404);

    let r = app.get("/metrics").await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
    let text = r.text().await.unwrap();
    let (types, samples) = parse(&text);
    for (family, kind) in [
        ("ratify_http_requests_total", "counter"),
        ("ratify_http_request_duration_seconds", "histogram"),
        ("ratify_events_recorded_total", "counter"),
        ("ratify_report_deliveries_total", "counter"),
        ("ratify_cache_lookups_total", "counter"),
        ("ratify_data_changes_noticed_total", "counter"),
        ("ratify_build_info", "gauge"),
    ] {
        assert_eq!(types.get(family).map(String::as_str), Some(kind), "{family} in\n{text}");
    }
    let party = [("method", "GET"), ("route", "/api/v1/parties/{code}")];
    assert_eq!(value(&samples, "ratify_http_requests_total", &[party[0], party[1], ("status", "200")]), Some(2.0));
    assert_eq!(value(&samples, "ratify_http_requests_total", &[party[0], party[1], ("status", "404")]), Some(1.0));
    assert_eq!(value(&samples, "ratify_http_request_duration_seconds_count", &party), Some(3.0));
    assert_eq!(
        value(&samples, "ratify_http_request_duration_seconds_bucket", &[party[0], party[1], ("le", "+Inf")]),
        Some(3.0)
    );
    let post = [("method", "POST"), ("route", "/api/v1/parties/{code}/events"), ("status", "201")];
    assert_eq!(value(&samples, "ratify_http_requests_total", &post), Some(1.0));
    assert_eq!(value(&samples, "ratify_events_recorded_total", &[]), Some(1.0));
    // Raw paths never become labels: the cardinality stays bounded.
    assert!(!samples.iter().any(|s| s.labels.values().any(|v| v.contains("1480") || v.contains("/no/such"))), "{text}");
    assert!(value(&samples, "ratify_http_requests_total", &[("route", "(unmatched)"), ("status", "404")]).is_some());

    // The tiny API the page cache and the report deliveries call.
    app.state.metrics.cache_hit("pages");
    app.state.metrics.cache_miss("pages");
    app.state.metrics.report_delivery("webhook", "sent");
    let (_, samples) = parse(&app.get("/metrics").await.text().await.unwrap());
    assert_eq!(value(&samples, "ratify_cache_lookups_total", &[("cache", "pages"), ("result", "hit")]), Some(1.0));
    let sent = [("channel", "webhook"), ("outcome", "sent")];
    assert_eq!(value(&samples, "ratify_report_deliveries_total", &sent), Some(1.0));
}

crate::both_backends!(health_and_readiness, metrics_have_the_families_by_route_pattern);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_refused_outside_the_allow_list() {
    let config =
        Config { metrics_allow: parse_allow_list("192.0.2.0/24, 2001:db8::/32").unwrap(), ..Config::default() };
    let app = TestApp::spawn_with(Backend::Sqlite, config).await;
    let r = app.get("/metrics").await;
    assert_eq!(r.status().as_u16(), 403);
    assert!(r.text().await.unwrap().contains("RATIFY_METRICS_ALLOW"));
    // A forwarded-for header does not open the door.
    let r = app.client.get(app.url("/metrics")).header("X-Forwarded-For", "192.0.2.1").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(app.get("/healthz").await.status().as_u16(), 200);

    let open = Config { metrics_allow: parse_allow_list("127.0.0.1").unwrap(), ..Config::default() };
    let app = TestApp::spawn_with(Backend::Sqlite, open).await;
    assert_eq!(app.get("/metrics").await.status().as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_body_limit_is_configurable() {
    let app = TestApp::spawn_with(Backend::Sqlite, Config { body_limit: 1024, ..Config::default() }).await;
    let token = app.token("limit");
    let note = "x".repeat(2000);
    let r = app.post_event(&token, "1480", &json!({"status": "in_preparation", "body": "KS", "note": note})).await;
    assert_eq!(r.status().as_u16(), 413);
    assert_eq!(app.event_count().await, 0);
    app.record(&token, "1480", json!({"status": "in_preparation", "body": "KS", "note": "kort"})).await;
}

/// The database going away makes the instance unready (after the pool's connection timeout),
/// while it stays alive.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_is_503_when_the_database_is_gone() {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let app = TestApp::spawn(Backend::Postgres).await;
    assert_eq!(app.get("/readyz").await.status().as_u16(), 200);
    let name = app.db.url().target.rsplit('/').next().unwrap().to_string();
    let admin = std::env::var("RATIFY_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let mut conn = diesel::PgConnection::establish(&admin).unwrap();
    conn.batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)")).unwrap();
    let r = app.get("/readyz").await;
    assert_eq!(r.status().as_u16(), 503);
    let body = r.text().await.unwrap();
    assert!(body.starts_with("inte redo: "), "{body}");
    assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
}
