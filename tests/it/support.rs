//! Test harness: a fresh database per test, the real server on a random port, an HTTP client.

use std::net::TcpListener;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use rand::Rng;
use serde_json::Value;

use ratify::db::Db;
use ratify::AppState;

/// Runs an async test body once on SQLite and once on PostgreSQL, as two named tests.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::support::TestApp::spawn($crate::support::Backend::Sqlite).await).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::support::TestApp::spawn($crate::support::Backend::Postgres).await).await
                }
            }
        )+
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database made for one test and removed after it.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

fn pg_admin_url() -> String {
    std::env::var("RATIFY_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

impl TestDb {
    pub fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = dir.path().join("ratify.sqlite3").to_string_lossy().into_owned();
                Self { url, _dir: Some(dir), pg_name: None }
            }
            Backend::Postgres => {
                let admin = pg_admin_url();
                let name = format!("ratify_test_{:016x}", rand::rng().random::<u64>());
                let mut conn = PgConnection::establish(&admin)
                    .unwrap_or_else(|e| panic!("PostgreSQL for the tests is not reachable at {admin}: {e}"));
                conn.batch_execute(&format!("CREATE DATABASE {name}")).expect("create test database");
                let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin);
                Self { url: format!("{base}/{name}"), _dir: None, pg_name: Some(name) }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = &self.pg_name {
            if let Ok(mut conn) = PgConnection::establish(&pg_admin_url()) {
                let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub db: Db,
    /// The state the server runs with (its config, metrics, generation).
    pub state: AppState,
    /// Kept so the database lives as long as the app.
    _test_db: TestDb,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, ratify::config::Config::default()).await
    }

    /// With a configuration of the test's own (allow-lists, limits).
    pub async fn spawn_with(backend: Backend, config: ratify::config::Config) -> Self {
        let test_db = TestDb::new(backend);
        let (db, seeded) = ratify::startup::prepare_database(&test_db.url, 4).expect("database ready");
        assert_eq!(seeded.parties, 311, "a new database is seeded with the registry: hos-2027's 50 and 261 more");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let state = AppState::with_config(db.clone(), std::sync::Arc::new(config));
        let server = ratify::startup::serve(listener, state.clone()).expect("server");
        tokio::spawn(server);
        Self { base: format!("http://127.0.0.1:{port}"), client: reqwest::Client::new(), db, state, _test_db: test_db }
    }

    /// The database URL the server runs on (for the command line against the same database).
    pub fn db_url(&self) -> &str {
        &self._test_db.url
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request")
    }

    /// GET and parse JSON, asserting the status code.
    pub async fn get_json(&self, path: &str, status: u16) -> Value {
        let resp = self.get(path).await;
        assert_eq!(resp.status().as_u16(), status, "GET {path}");
        resp.json().await.expect("json body")
    }

    pub fn token(&self, name: &str) -> String {
        ratify::tokens::create(&self.db, name).expect("token")
    }

    pub async fn post_event(&self, token: &str, code: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/api/v1/parties/{code}/events")))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// Posts an event that must be accepted; returns the stored event.
    pub async fn record(&self, token: &str, code: &str, body: Value) -> Value {
        let resp = self.post_event(token, code, &body).await;
        let status = resp.status().as_u16();
        let json: Value = resp.json().await.expect("json body");
        assert_eq!(status, 201, "POST event for {code}: {json}");
        json
    }

    pub async fn event_count(&self) -> usize {
        self.get_json("/api/v1/events", 200).await.as_array().expect("array").len()
    }
}

/// The municipality codes as seeded, in code order.
pub fn municipality_codes() -> Vec<String> {
    seed_rows().into_iter().filter(|r| r.2 == "municipality").map(|r| r.0).collect()
}

/// (code, name, kind, population) from the shipped seed file.
pub fn seed_rows() -> Vec<(String, String, String, u64)> {
    let text = include_str!("../../assets/parties.csv");
    text.lines()
        .skip(1)
        .map(|line| {
            let cols: Vec<&str> = line.split(',').collect();
            (cols[0].to_string(), cols[1].to_string(), cols[2].to_string(), cols[4].parse().expect("population"))
        })
        .collect()
}

/// A second agreement for tests: its slug, its parties and its majority threshold; one
/// instrument, no region required unless `parties` holds the region "14".
pub fn second_agreement(
    slug: &str,
    parties: &[&str],
    threshold: ratify::ratification::Threshold,
) -> ratify::agreement::define::NewAgreement {
    use ratify::ratification::RuleConfig;
    let date = |s: &str| s.parse::<chrono::NaiveDate>().expect("date");
    ratify::agreement::define::NewAgreement {
        slug: slug.into(),
        title: format!("Testavtalet {slug} om samverkan"),
        short_title: format!("Testavtalet {slug}"),
        starts_on: date("2028-01-01"),
        decision_period_ends_on: date("2027-10-31"),
        rules: RuleConfig {
            majority_threshold: threshold,
            region_required: parties.contains(&"14"),
            legal_force_required: false,
            appeal_period_days: 21,
        },
        instruments: vec![ratify::agreement::Instrument { slug: "avtal".into(), title: format!("Testavtalet {slug}") }],
        parties: parties.iter().map(|p| p.to_string()).collect(),
    }
}

impl TestApp {
    /// Defines the agreement in the database and tells the running server (as the change
    /// watcher would); returns its id.
    pub fn add_agreement(&self, new: &ratify::agreement::define::NewAgreement) -> i32 {
        let new = new.clone();
        let defined = self
            .db
            .write_blocking(|c| {
                ratify::agreement::define::define(c, &new).map_err(|e| ratify::db::DbError::Migration(e.to_string()))
            })
            .expect("agreement defined");
        self.state.everything_changed();
        defined.id()
    }
}
