//! Each backend's down.sql files undo their up.sql: revert all, then migrate again from nothing.

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::support::{Backend, TestDb};

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn user_tables(db: &ratify::db::Db) -> i64 {
    let mut conn = db.conn().unwrap();
    let sql = match db.backend() {
        ratify::db::Backend::Sqlite => {
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type IN ('table', 'trigger', 'index') \
             AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations'"
        }
        ratify::db::Backend::Postgres => {
            "SELECT (SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> '__diesel_schema_migrations') \
             + (SELECT COUNT(*) FROM pg_proc p JOIN pg_namespace s ON s.oid = p.pronamespace WHERE s.nspname = 'public') AS n"
        }
    };
    diesel::sql_query(sql).get_result::<Count>(&mut *conn).unwrap().n
}

fn down_undoes_up(backend: Backend) {
    let test_db = TestDb::new(backend);
    let db = ratify::db::Db::open(&test_db.url, 1).unwrap();
    db.migrate().unwrap();
    assert!(user_tables(&db) > 0);
    assert_eq!(db.pending_migrations().unwrap(), 0);
    db.revert_all_migrations().unwrap();
    assert_eq!(user_tables(&db), 0, "down.sql leaves nothing behind");
    assert!(db.pending_migrations().unwrap() > 0);
    db.migrate().unwrap();
    assert_eq!(ratify::parties::seed::seed(&db).unwrap().parties, 311);
}

#[test]
fn sqlite_down_undoes_up() {
    down_undoes_up(Backend::Sqlite);
}

#[test]
fn postgres_down_undoes_up() {
    down_undoes_up(Backend::Postgres);
}
