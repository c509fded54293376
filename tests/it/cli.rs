//! The binary itself: serve, seeding twice, tokens, and one-line errors.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

use crate::support::{Backend, TestDb};

const BIN: &str = env!("CARGO_BIN_EXE_ratify");

struct Running {
    child: Child,
    base: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `ratify` (no subcommand) and reads the address it prints.
fn start(database_url: &str) -> Running {
    let mut child = Command::new(BIN)
        .env("RATIFY_DATABASE_URL", database_url)
        .env("RATIFY_BIND", "127.0.0.1:0")
        .env("RATIFY_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start ratify");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("read the first line");
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    Running { child, base }
}

fn token_create(database_url: &str, name: &str) -> String {
    let out = Command::new(BIN)
        .args(["token", "create", "--name", name])
        .env("RATIFY_DATABASE_URL", database_url)
        .output()
        .expect("run token create");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8").trim().to_string()
}

async fn serve_seed_twice_and_write_with_a_cli_token(backend: Backend) {
    let db = TestDb::new(backend);
    let client = reqwest::Client::new();
    {
        let app = start(&db.url);
        let parties: Value =
            client.get(format!("{}/api/v1/parties", app.base)).send().await.unwrap().json().await.unwrap();
        assert_eq!(parties.as_array().unwrap().len(), 50);
    }
    let token = token_create(&db.url, "cli-test");
    assert!(token.starts_with("ratify_") && token.len() > 40, "{token}");
    // A second start finds everything seeded and changes nothing.
    let app = start(&db.url);
    let resp = client
        .post(format!("{}/api/v1/parties/1480/events", app.base))
        .bearer_auth(&token)
        .json(&json!({"status": "proposed", "body": "KS", "decided_on": "2026-03-03"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    let s: Value = client.get(format!("{}/api/v1/status", app.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(s["parties_total"], 50);
    assert_eq!(s["counts"]["proposed"], 1);
    assert_eq!(s["instruments"].as_array().unwrap().len(), 5);
    drop(app);
    let again = Command::new(BIN).arg("migrate").env("RATIFY_DATABASE_URL", &db.url).output().unwrap();
    assert!(again.status.success());
    let said = String::from_utf8_lossy(&again.stdout);
    assert!(said.contains("0 avtal, 0 delavtal, 0 parter"), "{said}");
    // The same name twice is refused.
    let dup = Command::new(BIN)
        .args(["token", "create", "--name", "cli-test"])
        .env("RATIFY_DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(!dup.status.success());
}

#[tokio::test]
async fn serve_on_sqlite() {
    serve_seed_twice_and_write_with_a_cli_token(Backend::Sqlite).await;
}

#[tokio::test]
async fn serve_on_postgres() {
    serve_seed_twice_and_write_with_a_cli_token(Backend::Postgres).await;
}

fn one_line_error(url: &str, expect: &str) {
    let out = Command::new(BIN).env("RATIFY_DATABASE_URL", url).env("RATIFY_BIND", "127.0.0.1:0").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("ratify: "), "{err}");
    assert!(err.contains(expect), "{err}");
}

#[test]
fn bad_or_unreachable_databases_are_one_line_errors() {
    one_line_error("mysql://localhost/ratify", "mysql");
    one_line_error("postgres://postgres@127.0.0.1:1/ratify", "kan inte öppna databasen");
    one_line_error("/proc/ratify/cannot/be/here.sqlite3", "kan inte");
}

#[test]
fn the_default_database_is_a_sqlite_file_in_data() {
    let dir = tempfile::tempdir().unwrap();
    let out =
        Command::new(BIN).arg("migrate").env_remove("RATIFY_DATABASE_URL").current_dir(dir.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.path().join("data/ratify.sqlite3").is_file());
}
