//! Under load: 200 concurrent connections keep requesting `/` for a few seconds while an editor's
//! tool writes through the API. A liveness check, not a benchmark (speed is measured in bench/):
//! every write completes with 201 within a generous deadline, and no reader gets a 5xx or a
//! dropped connection.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::TestApp;

const CONNECTIONS: usize = 200;
const LOAD_FOR: Duration = Duration::from_secs(4);
const WRITE_DEADLINE: Duration = Duration::from_secs(10);

async fn writes_are_answered_while_200_connections_read_the_page(app: TestApp) {
    let token = app.token("under-last");
    let stop = Arc::new(AtomicBool::new(false));
    let ok = Arc::new(AtomicUsize::new(0));
    let readers: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            // One client per reader: its own keep-alive connection, as 200 browsers would have.
            let client = reqwest::Client::builder().pool_max_idle_per_host(1).build().unwrap();
            let url = app.url("/");
            let (stop, ok) = (stop.clone(), ok.clone());
            tokio::spawn(async move {
                let mut failures = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    match client.get(&url).send().await {
                        Ok(resp) if resp.status().is_success() => match resp.bytes().await {
                            Ok(_) => {
                                ok.fetch_add(1, Ordering::Relaxed);
                            }
                            Err(e) => failures.push(format!("body cut off: {e}")),
                        },
                        Ok(resp) => failures.push(format!("status {}", resp.status())),
                        Err(e) => failures.push(format!("connection: {e}")),
                    }
                }
                failures
            })
        })
        .collect();
    // Wait until the load is really on before writing.
    let warm = Instant::now();
    while ok.load(Ordering::Relaxed) < CONNECTIONS && warm.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let started = Instant::now();
    let mut writes = 0;
    let codes = crate::support::municipality_codes();
    while started.elapsed() < LOAD_FOR {
        let code = &codes[writes % codes.len()];
        let sent = Instant::now();
        let resp = tokio::time::timeout(
            WRITE_DEADLINE,
            app.post_event(
                &token,
                code,
                &json!({"status": "proposed", "body": "KS", "note": format!("under last {writes}")}),
            ),
        )
        .await
        .unwrap_or_else(|_| panic!("a write took longer than {WRITE_DEADLINE:?} under load"));
        assert_eq!(resp.status().as_u16(), 201, "write {writes} under load: {}", resp.text().await.unwrap());
        writes += 1;
        assert!(sent.elapsed() < WRITE_DEADLINE);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop.store(true, Ordering::Relaxed);
    let mut failures = Vec::new();
    for r in readers {
        failures.extend(r.await.expect("reader"));
    }
    assert!(failures.is_empty(), "{} reader failures, e.g. {:?}", failures.len(), &failures[..failures.len().min(5)]);
    assert!(writes >= 3, "only {writes} writes in {LOAD_FOR:?}");
    assert!(ok.load(Ordering::Relaxed) > CONNECTIONS, "the load did not run");
    assert_eq!(app.event_count().await, writes);
}

crate::both_backends!(writes_are_answered_while_200_connections_read_the_page);
