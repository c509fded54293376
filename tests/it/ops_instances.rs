//! Several instances on one database: a write through one shows on the other within a few
//! seconds (the change watcher), and instances that start together on a new database all start
//! (migrations under a lock, seeding that tolerates a concurrent seeder).

use std::sync::{Arc, Barrier};
use std::time::Duration;

use serde_json::{json, Value};

use crate::ops_process::{eventually, token, Instance};
use crate::support::{Backend, TestDb};
use ratify::db::Db;

/// The value of an unlabelled sample in Prometheus text.
pub fn sample(metrics: &str, name: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')).and_then(|v| v.trim().parse().ok()))
}

async fn a_write_through_one_instance_shows_on_the_other(backend: Backend) {
    let db = TestDb::new(backend);
    let env = [("RATIFY_CHANGE_POLL_MS", "200")];
    let a = Instance::start(&db.url, &env);
    let b = Instance::start(&db.url, &env);
    let token = token(&db.url, "instance-a");
    let client = reqwest::Client::new();
    let noticed = |metrics: &str| sample(metrics, "ratify_data_changes_noticed_total").unwrap_or(-1.0);
    let before: String = client.get(b.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert_eq!(noticed(&before), 0.0, "nothing written yet:\n{before}");

    let resp = client
        .post(a.url("/api/v1/parties/1480/events"))
        .bearer_auth(&token)
        .json(&json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24", "reference": "KF § 45"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);

    // B learns of the write from the database, not from A: its watcher moves its generation
    // (which is what invalidates its page caches) ...
    eventually(Duration::from_secs(5), "instance B notices the write made through A", || {
        let client = client.clone();
        let url = b.url("/metrics");
        async move { noticed(&client.get(url).send().await.unwrap().text().await.unwrap()) >= 1.0 }
    })
    .await;
    // ... and its public data shows it.
    let status: Value = client.get(b.url("/api/v1/status")).send().await.unwrap().json().await.unwrap();
    assert_eq!(status["counts"]["adopted"], 1, "{status}");
    let party: Value = client.get(b.url("/api/v1/parties/1480")).send().await.unwrap().json().await.unwrap();
    assert_eq!(party["events"].as_array().map(Vec::len), Some(1), "{party}");
    drop(a);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_postgres_see_each_others_writes() {
    a_write_through_one_instance_shows_on_the_other(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_sqlite_file_see_each_others_writes() {
    a_write_through_one_instance_shows_on_the_other(Backend::Sqlite).await;
}

/// Seeders that start at the same moment on a migrated, empty database all succeed, and the
/// parties are there once.
fn seeding_at_once(backend: Backend) {
    let test_db = TestDb::new(backend);
    Db::open(&test_db.url, 1).unwrap().migrate().unwrap();
    let n = 4;
    let barrier = Arc::new(Barrier::new(n));
    let seeders: Vec<_> = (0..n)
        .map(|_| {
            let url = test_db.url.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let db = Db::open(&url, 1).unwrap();
                barrier.wait();
                ratify::parties::seed::seed(&db)
            })
        })
        .collect();
    let results: Vec<_> = seeders.into_iter().map(|s| s.join().expect("seeder thread")).collect();
    let mut parties = 0;
    let mut instruments = 0;
    for r in results {
        let seeded = r.unwrap_or_else(|e| panic!("a concurrent seeder failed: {e}"));
        parties += seeded.parties;
        instruments += seeded.instruments;
    }
    assert_eq!((parties, instruments), (311, 5), "each row inserted by exactly one seeder");
    let db = Db::open(&test_db.url, 1).unwrap();
    assert_eq!(ratify::parties::seed::seed(&db).unwrap(), Default::default(), "nothing left to seed");
}

#[test]
fn concurrent_seeding_on_sqlite() {
    seeding_at_once(Backend::Sqlite);
}

#[test]
fn concurrent_seeding_on_postgres() {
    seeding_at_once(Backend::Postgres);
}

/// Two instances started at once on a new database both come up with the 50 parties.
async fn first_start_together(backend: Backend) {
    let db = TestDb::new(backend);
    let url = db.url.clone();
    let first = std::thread::spawn(move || Instance::start(&url, &[]));
    let url = db.url.clone();
    let second = std::thread::spawn(move || Instance::start(&url, &[]));
    let (a, b) = (first.join().expect("first instance"), second.join().expect("second instance"));
    let client = reqwest::Client::new();
    for instance in [&a, &b] {
        let parties: Value = client.get(instance.url("/api/v1/parties")).send().await.unwrap().json().await.unwrap();
        assert_eq!(parties.as_array().map(Vec::len), Some(50));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_start_on_postgres() {
    first_start_together(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_start_on_sqlite() {
    first_start_together(Backend::Sqlite).await;
}
