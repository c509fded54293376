//! `ratify backup` and `ratify restore` through the real binary: back up while the service runs,
//! change the data through the API, restore, and compare every row of every table.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::Text;
use serde_json::{json, Value};

use crate::ops_process::{ratify, token, Instance};
use crate::support::{Backend, TestDb};
use ratify::db::Db;

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    r: String,
}

/// Every row of every table (the migration bookkeeping included), as text, sorted, by table.
fn all_rows(url: &str) -> BTreeMap<String, Vec<String>> {
    let db = Db::open(url, 1).unwrap();
    let mut conn = db.conn().unwrap();
    let conn = &mut *conn;
    let list = |conn: &mut ratify::db::DbConn, sql: &str| -> Vec<String> {
        diesel::sql_query(sql)
            .load::<Row>(conn)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .into_iter()
            .map(|r| r.r)
            .collect()
    };
    let mut out = BTreeMap::new();
    match db.backend() {
        ratify::db::Backend::Sqlite => {
            for table in
                list(conn, "SELECT name AS r FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            {
                let columns = list(conn, &format!("SELECT name AS r FROM pragma_table_info('{table}') ORDER BY cid"));
                let quoted: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
                let rows =
                    list(conn, &format!("SELECT json_array({}) AS r FROM \"{table}\" ORDER BY 1", quoted.join(", ")));
                out.insert(table, rows);
            }
        }
        ratify::db::Backend::Postgres => {
            for table in list(conn, "SELECT tablename::text AS r FROM pg_tables WHERE schemaname = 'public'") {
                let rows = list(conn, &format!("SELECT t::text AS r FROM \"{table}\" t ORDER BY 1"));
                out.insert(table, rows);
            }
        }
    }
    out
}

fn assert_same(actual: &BTreeMap<String, Vec<String>>, expected: &BTreeMap<String, Vec<String>>, what: &str) {
    assert_eq!(actual.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>(), "{what}: the same tables");
    for (table, rows) in expected {
        assert_eq!(&actual[table], rows, "{what}: every row of {table}");
    }
}

async fn record(client: &reqwest::Client, instance: &Instance, token: &str, code: &str, body: Value) {
    let resp = client
        .post(instance.url(&format!("/api/v1/parties/{code}/events")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201, "{}", resp.text().await.unwrap());
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn before_restore_copies(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".before-restore-"))
        .collect()
}

async fn back_up_change_restore_compare(backend: Backend) {
    let db = TestDb::new(backend);
    let url = db.url.as_str();
    let env = [("RATIFY_DATABASE_URL", url)];
    let dir = tempfile::tempdir().unwrap();
    let backup =
        dir.path().join(if backend == Backend::Sqlite { "ratify-backup.sqlite3" } else { "ratify-backup.dump" });
    let backup_arg = backup.to_str().unwrap();
    let client = reqwest::Client::new();

    let token = token(url, "backup-test");
    let mut instance = Instance::start(url, &[]);
    record(&client, &instance, &token, "1480", json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24"}))
        .await;
    record(&client, &instance, &token, "14", json!({"status": "scheduled", "body": "RF", "planned_on": "2026-12-09"}))
        .await;
    record(&client, &instance, &token, "1401", json!({"status": "proposed", "body": "KS", "decided_on": "2026-02-01"}))
        .await;

    // While the service runs.
    let out = ratify(&["backup", backup_arg], &env);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains(backup_arg));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777, 0o600, "owner only");
    let at_backup = all_rows(url);
    assert_eq!(at_backup["events"].len(), 3);
    let again = ratify(&["backup", backup_arg], &env);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("finns redan"), "never overwrites: {}", stderr(&again));

    // Change the data through the API (and a token through the CLI).
    record(
        &client,
        &instance,
        &token,
        "1480",
        json!({"status": "appealed", "body": "other", "decided_on": "2026-04-01"}),
    )
    .await;
    record(&client, &instance, &token, "1402", json!({"status": "rejected", "body": "KF", "decided_on": "2026-04-02"}))
        .await;
    let _ = crate::ops_process::token(url, "after-backup");
    let changed = all_rows(url);
    assert_ne!(changed, at_backup);

    // Not while an instance serves the database.
    let busy = ratify(&["restore", backup_arg], &env);
    assert_eq!(busy.status.code(), Some(1));
    assert!(stderr(&busy).contains("ratify körs mot databasen"), "{}", stderr(&busy));
    assert_same(&all_rows(url), &changed, "a refused restore changes nothing");

    instance.terminate();
    assert_eq!(instance.wait_exit(Duration::from_secs(15)).code(), Some(0));
    let out = ratify(&["restore", backup_arg], &env);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(said.contains("återställd") && said.contains("3 händelser"), "{said}");

    assert_same(&all_rows(url), &at_backup, "the restored database equals the database at the backup");

    // What the restore replaced is kept, whole.
    let kept_dir = match backend {
        Backend::Sqlite => Path::new(url).parent().unwrap().to_path_buf(),
        Backend::Postgres => dir.path().to_path_buf(),
    };
    let kept = before_restore_copies(&kept_dir);
    assert_eq!(kept.len(), 1, "{kept:?}");
    if backend == Backend::Sqlite {
        assert_same(&all_rows(kept[0].to_str().unwrap()), &changed, "the replaced database is kept");
        assert_same(&all_rows(backup_arg), &at_backup, "the backup file itself");
    }

    // The service runs on the restored database, and new rows do not collide with restored ones.
    let instance = Instance::start(url, &[]);
    record(&client, &instance, &token, "1407", json!({"status": "adopted", "body": "KF", "decided_on": "2026-05-05"}))
        .await;
    let events: Value = client.get(instance.url("/api/v1/events")).send().await.unwrap().json().await.unwrap();
    assert_eq!(events.as_array().map(Vec::len), Some(4));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_change_restore_on_sqlite() {
    back_up_change_restore_compare(Backend::Sqlite).await;
}

/// Uses pg_dump and pg_restore from PATH (PostgreSQL's client tools, installed with the server).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_change_restore_on_postgres() {
    back_up_change_restore_compare(Backend::Postgres).await;
}

fn refuses_what_is_not_a_ratify_backup(backend: Backend) {
    let db = TestDb::new(backend);
    let url = db.url.as_str();
    let env = [("RATIFY_DATABASE_URL", url)];
    Db::open(url, 1).unwrap().migrate().unwrap();
    ratify::parties::seed::seed(&Db::open(url, 1).unwrap()).unwrap();
    let before = all_rows(url);
    let dir = tempfile::tempdir().unwrap();

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "inte en databas\n").unwrap();
    let out = ratify(&["restore", text.to_str().unwrap()], &env);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("är ingen säkerhetskopia av ratify"), "{}", stderr(&out));

    if backend == Backend::Sqlite {
        let other = dir.path().join("other.sqlite3");
        let mut c = diesel::SqliteConnection::establish(other.to_str().unwrap()).unwrap();
        diesel::sql_query("CREATE TABLE something (x INTEGER)").execute(&mut c).unwrap();
        drop(c);
        let out = ratify(&["restore", other.to_str().unwrap()], &env);
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains("tabellen __diesel_schema_migrations saknas"), "{}", stderr(&out));
        assert!(!Path::new(&format!("{url}.restore-tmp")).exists(), "the staged copy is cleaned up");
    }
    let missing = ratify(&["restore", "/nonexistent/backup"], &env);
    assert_eq!(stderr(&missing).trim_end(), "ratify: restore: \"/nonexistent/backup\" finns inte");
    assert_same(&all_rows(url), &before, "a refused restore changes nothing");
}

#[test]
fn refuses_a_foreign_file_on_sqlite() {
    refuses_what_is_not_a_ratify_backup(Backend::Sqlite);
}

#[test]
fn refuses_a_foreign_file_on_postgres() {
    refuses_what_is_not_a_ratify_backup(Backend::Postgres);
}

#[test]
fn a_backup_of_a_missing_sqlite_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("absent.sqlite3");
    let out = ratify(
        &["backup", dir.path().join("b.sqlite3").to_str().unwrap()],
        &[("RATIFY_DATABASE_URL", db.to_str().unwrap())],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("finns inte"), "{}", stderr(&out));
    assert!(!db.exists(), "no empty database is created");
}
