//! Database access: the pool, migrations, and the two ways handlers touch the database — a read,
//! and a write that is always one transaction.

mod connection;
#[cfg(test)]
mod pool_tests;
pub mod schema;

pub use connection::{redact_password, split_password, Backend, DatabaseUrl, DbConn};

use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{Pool, PooledConnection};
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
/// Any fixed number: instances starting together take turns migrating.
const MIGRATION_LOCK_KEY: i64 = 0x7261_7469_6679;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("ogiltig databasadress: {0}")]
    BadUrl(String),
    #[error("kan inte öppna databasen {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("databasfel: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("databasens anslutningspool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("migrering misslyckades: {0}")]
    Migration(String),
    #[error("databasarbetet avbröts")]
    Canceled,
    /// The agreement the configuration features is not in the database.
    #[error("avtalet {0} (RATIFY_FEATURED_AGREEMENT) finns inte i databasen")]
    NoFeaturedAgreement(String),
    /// The work panicked; the panic's message.
    #[error("databasarbetet fick panik: {0}")]
    Panicked(String),
}

impl DbError {
    /// A query found no row (diesel's `NotFound`): the faces answer 404 for it, not 500.
    pub fn is_not_found(&self) -> bool {
        matches!(self, DbError::Query(diesel::result::Error::NotFound))
    }
}

/// Shared handle to the database.
#[derive(Clone)]
pub struct Db {
    pool: Pool<connection::Manager>,
    backend: Backend,
    url: DatabaseUrl,
    /// SQLite allows one writer; taking this lock first means a write transaction never meets
    /// another one of this process (which SQLite would answer with SQLITE_BUSY).
    sqlite_writer: Arc<Mutex<()>>,
}

impl Db {
    /// Opens the pool and checks that one connection can be made, so an unreachable database is
    /// reported at start-up in one line instead of at the first request.
    pub fn open(url: &str, max_connections: u32) -> Result<Self, DbError> {
        let url = DatabaseUrl::parse(url).map_err(DbError::BadUrl)?;
        if url.backend == Backend::Sqlite {
            if let Some(dir) = std::path::Path::new(&url.target).parent() {
                if !dir.as_os_str().is_empty() && !dir.exists() {
                    std::fs::create_dir_all(dir).map_err(|e| DbError::Unreachable {
                        url: url.redacted(),
                        reason: format!("kan inte skapa mappen {}: {e}", dir.display()),
                    })?;
                }
            }
        }
        let manager = connection::Manager::new(url.clone());
        // Check one connection directly first: r2d2 would otherwise retry until its timeout and
        // report only "timed out".
        diesel::r2d2::ManageConnection::connect(&manager)
            .map_err(|e| DbError::Unreachable { url: url.redacted(), reason: one_line(&e.to_string()) })?;
        let pool = Pool::builder()
            .max_size(max_connections.max(1))
            .connection_timeout(Duration::from_secs(10))
            .build(manager)
            .map_err(|e| DbError::Unreachable { url: url.redacted(), reason: one_line(&e.to_string()) })?;
        Ok(Self { pool, backend: url.backend, url, sqlite_writer: Arc::new(Mutex::new(())) })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    pub fn conn(&self) -> Result<PooledConnection<connection::Manager>, DbError> {
        Ok(self.pool.get()?)
    }

    /// Applies pending migrations (under an advisory lock on PostgreSQL, so that instances that
    /// start together do not race).
    pub fn migrate(&self) -> Result<(), DbError> {
        let mut conn = self.conn()?;
        let result = match &mut *conn {
            // One exclusive transaction around all of them: processes that start together on one
            // file take turns (the per-migration transactions become savepoints).
            DbConn::Sqlite(c) => {
                return c.exclusive_transaction(|c| {
                    c.run_pending_migrations(SQLITE_MIGRATIONS)
                        .map(|_| ())
                        .map_err(|e| DbError::Migration(e.to_string()))
                });
            }
            DbConn::Postgresql(c) => {
                c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))?;
                let r = c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ());
                c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))?;
                r
            }
        };
        result.map_err(|e| DbError::Migration(e.to_string()))
    }

    /// Reverts every migration (the down.sql files), newest first. For tests that check that each
    /// down.sql undoes its up.sql; never called by the service.
    pub fn revert_all_migrations(&self) -> Result<(), DbError> {
        let mut conn = self.conn()?;
        let result = match &mut *conn {
            DbConn::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(|_| ()),
            DbConn::Postgresql(c) => c.revert_all_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
        };
        result.map_err(|e| DbError::Migration(e.to_string()))
    }

    /// Migrations embedded in this binary that the database has not applied.
    pub fn pending_migrations(&self) -> Result<usize, DbError> {
        let mut conn = self.conn()?;
        let pending = match &mut *conn {
            DbConn::Sqlite(c) => c.pending_migrations(SQLITE_MIGRATIONS).map(|m| m.len()),
            DbConn::Postgresql(c) => c.pending_migrations(POSTGRES_MIGRATIONS).map(|m| m.len()),
        };
        pending.map_err(|e| DbError::Migration(e.to_string()))
    }

    /// Versions of the migrations the database has applied, oldest first.
    pub fn applied_migrations(&self) -> Result<Vec<String>, DbError> {
        let mut conn = self.conn()?;
        let applied = match &mut *conn {
            DbConn::Sqlite(c) => c.applied_migrations().map(|v| v.iter().map(|m| m.to_string()).collect::<Vec<_>>()),
            DbConn::Postgresql(c) => c.applied_migrations().map(|v| v.iter().map(|m| m.to_string()).collect()),
        };
        let mut applied = applied.map_err(|e| DbError::Migration(e.to_string()))?;
        applied.sort();
        Ok(applied)
    }

    /// Versions of the migrations embedded in this binary for this database's backend.
    pub fn embedded_migrations(&self) -> Result<Vec<String>, DbError> {
        use diesel::migration::MigrationSource;
        let source = match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS,
            Backend::Postgres => POSTGRES_MIGRATIONS,
        };
        let list = MigrationSource::<diesel::sqlite::Sqlite>::migrations(&source)
            .map_err(|e| DbError::Migration(e.to_string()))?;
        let mut versions: Vec<String> = list.iter().map(|m| m.name().version().to_string()).collect();
        versions.sort();
        Ok(versions)
    }

    /// Runs `f` on a pooled connection (blocking; call from `run`/`web::block` in handlers).
    pub fn read_blocking<T, E>(&self, f: impl FnOnce(&mut DbConn) -> Result<T, E>) -> Result<T, E>
    where
        E: From<DbError>,
    {
        let mut conn = self.conn()?;
        f(&mut conn)
    }

    /// Runs `f` in one transaction: all of it is stored, or none.
    pub fn write_blocking<T, E>(&self, f: impl FnOnce(&mut DbConn) -> Result<T, E>) -> Result<T, E>
    where
        E: From<DbError> + From<diesel::result::Error>,
    {
        let mut conn = self.conn()?;
        let _guard = match self.backend {
            Backend::Sqlite => Some(self.sqlite_writer.lock().unwrap_or_else(|p| p.into_inner())),
            Backend::Postgres => None,
        };
        let conn: &mut DbConn = &mut conn;
        conn.transaction(f)
    }

    /// Runs blocking database work off the async workers.
    pub async fn run<T, E>(&self, f: impl FnOnce(&Db) -> Result<T, E> + Send + 'static) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let db = self.clone();
        // The blocking pool does not see the request's task-local scope: what `f` renders must
        // still know whether it is a demo database's (`crate::demo::banner`).
        let demo = crate::demo::banner::is_demo();
        // Caught here, where the message is still at hand: `web::block` reports a panic only as
        // "canceled".
        let work = move || {
            crate::demo::banner::rendering(demo, || std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&db))))
        };
        match actix_web::web::block(work).await {
            Ok(Ok(result)) => result,
            Ok(Err(payload)) => {
                let message = panic_message(payload.as_ref());
                tracing::error!(panic = %message, "databasarbetet fick panik");
                Err(E::from(DbError::Panicked(message)))
            }
            Err(_) => Err(E::from(DbError::Canceled)),
        }
    }
}

/// The text of a panic's payload (`panic!` gives a `&str` or a `String`).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(panik utan text)".to_string())
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
