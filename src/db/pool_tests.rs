//! Issue 19, defect 2: a connection left inside a transaction (a panic in a write's closure) must
//! not go back to the pool, and a panic in `Db::run` must keep its message.

use std::panic::{catch_unwind, AssertUnwindSafe};

use diesel::connection::SimpleConnection;
use diesel::sql_types::BigInt;
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, SqliteConnection};

use super::{Db, DbError};

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn admin_url() -> String {
    std::env::var("RATIFY_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A throwaway PostgreSQL database, dropped at the end.
struct PgScratch {
    name: String,
    url: String,
}

impl PgScratch {
    fn new() -> Self {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let name = format!("ratify_pool_{}_{}", std::process::id(), nanos % 1_000_000_000);
        let admin = admin_url();
        let mut conn = PgConnection::establish(&admin).expect("connect to PostgreSQL");
        conn.batch_execute(&format!("CREATE DATABASE {name}")).expect("create test database");
        let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin);
        Self { url: format!("{base}/{name}"), name }
    }
}

impl Drop for PgScratch {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&admin_url()) {
            let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

/// With one connection in the pool: a write whose closure panics, then a write that returns Ok.
/// The second write must be committed, as seen by `committed_rows` on a connection of its own.
fn a_panic_in_a_write_does_not_poison_the_pool(db: &Db, committed_rows: impl Fn() -> i64) {
    db.write_blocking(|c| c.batch_execute("CREATE TABLE pool_probe (v BIGINT NOT NULL)").map_err(DbError::from))
        .unwrap();
    let panicked = catch_unwind(AssertUnwindSafe(|| {
        let _: Result<(), DbError> = db.write_blocking(|c| {
            c.batch_execute("INSERT INTO pool_probe (v) VALUES (1)")?;
            panic!("mitt i en skrivning");
        });
    }));
    assert!(panicked.is_err());
    db.write_blocking(|c| c.batch_execute("INSERT INTO pool_probe (v) VALUES (2)").map_err(DbError::from)).unwrap();
    let mut conn = db.conn().unwrap();
    let seen: Vec<Count> = diesel::sql_query("SELECT COUNT(*) AS n FROM pool_probe")
        .load(&mut *conn)
        .expect("count on the pooled connection");
    drop(conn);
    assert_eq!(committed_rows(), 1, "the write after the panic was not committed (connection left in a transaction)");
    assert_eq!(seen[0].n, 1, "the pooled connection still sees the panicked write's row");
}

#[test]
fn sqlite_pool_drops_a_connection_left_in_a_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pool.sqlite3");
    let path = path.to_str().unwrap().to_string();
    let db = Db::open(&path, 1).unwrap();
    a_panic_in_a_write_does_not_poison_the_pool(&db, || {
        let mut other = SqliteConnection::establish(&path).unwrap();
        let rows: Vec<Count> = diesel::sql_query("SELECT COUNT(*) AS n FROM pool_probe").load(&mut other).unwrap();
        rows[0].n
    });
}

#[test]
fn postgres_pool_drops_a_connection_left_in_a_transaction() {
    let scratch = PgScratch::new();
    {
        let db = Db::open(&scratch.url, 1).unwrap();
        a_panic_in_a_write_does_not_poison_the_pool(&db, || {
            let mut other = PgConnection::establish(&scratch.url).unwrap();
            let rows: Vec<Count> = diesel::sql_query("SELECT COUNT(*) AS n FROM pool_probe").load(&mut other).unwrap();
            rows[0].n
        });
    }
}

#[actix_web::test]
async fn a_panic_in_run_keeps_its_message() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path().join("run.sqlite3").to_str().unwrap(), 1).unwrap();
    let logged = Captured::default();
    let subscriber = tracing_subscriber::fmt().with_ansi(false).with_writer(logged.clone()).finish();
    let _log = tracing::subscriber::set_default(subscriber);
    let err = db
        .run(|_db| -> Result<(), DbError> { panic!("trasig stängning {}", 19) })
        .await
        .expect_err("a panicking closure is an error");
    assert!(err.to_string().contains("trasig stängning 19"), "the panic message is lost: {err}");
    let log = String::from_utf8(logged.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("ERROR") && log.contains("trasig stängning 19"), "the panic is not logged: {log}");
    // The pool still works afterwards.
    db.run(|db| db.read_blocking(|c| c.batch_execute("SELECT 1").map_err(DbError::from))).await.unwrap();
}

/// Log output kept for a test to read.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}
