//! Crash safety: the real binary takes a stream of writes through the API, is killed with SIGKILL
//! in the middle, and is started again on the same database. Then
//!   acknowledged ⊆ stored — every write answered 201 is there, every field as answered, and
//!   stored ⊆ acknowledged ∪ in flight — nothing else is, except possibly the requests that had
//!   been sent but not answered when the process died (at most one per writer).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

use crate::ops_process::{token, Instance};
use crate::support::{municipality_codes, Backend, TestDb};

const WRITERS: usize = 4;

#[derive(Default)]
struct Ledger {
    /// note → the stored event as the 201 answered it.
    acknowledged: BTreeMap<String, Value>,
    /// notes of requests sent and never answered (cut off by the kill).
    in_flight: BTreeSet<String>,
}

fn event_body(writer: usize, n: usize, code: &str) -> (String, Value) {
    let note = format!("kraschprov skrivare {writer} nr {n}");
    let body = if n.is_multiple_of(2) {
        json!({"status": "scheduled", "body": "KF", "planned_on": "2027-02-15", "note": note,
               "reference": format!("KF § {n}")})
    } else {
        json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24", "reference": format!("KF § {n}"),
               "protocol_url": format!("https://example.se/{code}/{n}.pdf"), "posted_on": "2026-03-30",
               "note": note})
    };
    (note, body)
}

async fn writer(base: String, token: String, id: usize, codes: Vec<String>, ledger: Arc<Mutex<Ledger>>) {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
    for n in 0.. {
        let code = &codes[(id * 7 + n) % codes.len()];
        let (note, body) = event_body(id, n, code);
        ledger.lock().unwrap().in_flight.insert(note.clone());
        let sent =
            client.post(format!("{base}/api/v1/parties/{code}/events")).bearer_auth(&token).json(&body).send().await;
        let answered = match sent {
            Ok(resp) => {
                let status = resp.status().as_u16();
                match resp.json::<Value>().await {
                    Ok(json) => {
                        assert_eq!(status, 201, "a valid write was refused: {json}");
                        Some(json)
                    }
                    Err(_) => None,
                }
            }
            Err(_) => None,
        };
        let Some(mut stored) = answered else { return }; // the server is gone; the request stays in flight
        stored.as_object_mut().unwrap().remove("recorded_by"); // only the writer is told who
        let mut l = ledger.lock().unwrap();
        l.in_flight.remove(&note);
        l.acknowledged.insert(note, stored);
    }
}

async fn kill_in_the_middle_of_writes(backend: Backend) {
    let db = TestDb::new(backend);
    let tok = token(&db.url, "kraschprov");
    let codes = municipality_codes();
    let mut first = Instance::start(&db.url, &[("RATIFY_REPORT_ENABLED", "false")]);
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let tasks: Vec<_> = (0..WRITERS)
        .map(|w| tokio::spawn(writer(first.base.clone(), tok.clone(), w, codes.clone(), ledger.clone())))
        .collect();
    // Let a good number of writes through, then kill without warning while they keep coming.
    crate::ops_process::eventually(Duration::from_secs(60), "40 acknowledged writes", || {
        let count = ledger.lock().unwrap().acknowledged.len();
        async move { count >= 40 }
    })
    .await;
    first.child.kill().expect("SIGKILL"); // std's kill is SIGKILL on Unix
    first.child.wait().expect("reaped");
    for t in tasks {
        tokio::time::timeout(Duration::from_secs(30), t).await.expect("writers stop").expect("writer panicked");
    }
    let ledger = std::mem::take(&mut *ledger.lock().unwrap());
    assert!(ledger.in_flight.len() <= WRITERS);

    let second = Instance::start(&db.url, &[("RATIFY_REPORT_ENABLED", "false")]);
    let events: Vec<Value> = reqwest::get(second.url("/api/v1/events")).await.unwrap().json().await.unwrap();
    let stored: BTreeMap<String, Value> =
        events.into_iter().map(|e| (e["note"].as_str().expect("every test event has a note").to_string(), e)).collect();
    for (note, answered) in &ledger.acknowledged {
        let found = stored.get(note).unwrap_or_else(|| panic!("acknowledged write lost: {answered}"));
        assert_eq!(found, answered, "an acknowledged write came back different");
    }
    for note in stored.keys() {
        assert!(
            ledger.acknowledged.contains_key(note) || ledger.in_flight.contains(note),
            "an event nobody sent, or one already refused, is stored: {note}"
        );
    }
    // The restarted service works: it takes a new write and counts it.
    let client = reqwest::Client::new();
    let resp = client
        .post(second.url("/api/v1/parties/1480/events"))
        .bearer_auth(&tok)
        .json(&json!({"status": "proposed", "note": "efter omstart"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    let after: Vec<Value> = reqwest::get(second.url("/api/v1/events")).await.unwrap().json().await.unwrap();
    assert_eq!(after.len(), stored.len() + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_writes_loses_no_acknowledged_event_sqlite() {
    kill_in_the_middle_of_writes(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_writes_loses_no_acknowledged_event_postgres() {
    kill_in_the_middle_of_writes(Backend::Postgres).await;
}
