//! A lock that says "ratify serves this database": every serving instance holds it shared, and
//! `ratify restore` takes it exclusively, so a restore refuses while any instance runs and an
//! instance that starts during a restore waits for it to finish.
//!
//! SQLite: an advisory file lock (flock) on `<database file>.lock` beside the database.
//! PostgreSQL: a session advisory lock, held by one connection of its own for the instance's life.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::PathBuf;

use diesel::connection::SimpleConnection;
use diesel::sql_types::Bool;
use diesel::{Connection, PgConnection, RunQueryDsl};

use crate::db::{Backend, DatabaseUrl};

/// Any fixed number other than the migration lock's.
const INSTANCE_LOCK_KEY: i64 = 0x7261_7469_6680;

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("ratify körs mot databasen (eller en återställning pågår redan): stoppa alla instanser först")]
    Busy,
    #[error("kan inte låsa {what}: {reason}")]
    Failed { what: String, reason: String },
}

/// Held until dropped.
pub enum InstanceLock {
    Sqlite(#[allow(dead_code)] File),
    Postgres(#[allow(dead_code)] PgConnection),
}

/// The lock file of a SQLite database.
pub fn lock_file_path(database_file: &str) -> PathBuf {
    PathBuf::from(format!("{database_file}.lock"))
}

impl InstanceLock {
    /// For a serving instance: shared with other instances; waits while a restore runs.
    pub fn shared(url: &DatabaseUrl) -> Result<Self, LockError> {
        match url.backend {
            Backend::Sqlite => {
                let file = open_lock_file(&url.target)?;
                match file.try_lock_shared() {
                    Ok(()) => {}
                    Err(TryLockError::WouldBlock) => {
                        tracing::warn!("a restore of the database is running; waiting for it to finish");
                        file.lock_shared().map_err(|e| failed(&url.target, e))?;
                    }
                    Err(TryLockError::Error(e)) => return Err(failed(&url.target, e)),
                }
                Ok(InstanceLock::Sqlite(file))
            }
            Backend::Postgres => {
                let mut conn = pg_connect(url)?;
                conn.batch_execute(&format!("SELECT pg_advisory_lock_shared({INSTANCE_LOCK_KEY})"))
                    .map_err(|e| failed(&url.redacted(), e))?;
                Ok(InstanceLock::Postgres(conn))
            }
        }
    }

    /// For a restore: fails at once while any instance holds the lock.
    pub fn exclusive(url: &DatabaseUrl) -> Result<Self, LockError> {
        match url.backend {
            Backend::Sqlite => {
                let file = open_lock_file(&url.target)?;
                match file.try_lock() {
                    Ok(()) => Ok(InstanceLock::Sqlite(file)),
                    Err(TryLockError::WouldBlock) => Err(LockError::Busy),
                    Err(TryLockError::Error(e)) => Err(failed(&url.target, e)),
                }
            }
            Backend::Postgres => {
                let mut conn = pg_connect(url)?;
                let got: bool =
                    diesel::select(diesel::dsl::sql::<Bool>(&format!("pg_try_advisory_lock({INSTANCE_LOCK_KEY})")))
                        .get_result(&mut conn)
                        .map_err(|e| failed(&url.redacted(), e))?;
                if got {
                    Ok(InstanceLock::Postgres(conn))
                } else {
                    Err(LockError::Busy)
                }
            }
        }
    }
}

fn open_lock_file(database_file: &str) -> Result<File, LockError> {
    let path = lock_file_path(database_file);
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| failed(&path.display().to_string(), e))
}

fn pg_connect(url: &DatabaseUrl) -> Result<PgConnection, LockError> {
    PgConnection::establish(&url.target).map_err(|e| failed(&url.redacted(), e))
}

fn failed(what: &str, e: impl std::fmt::Display) -> LockError {
    LockError::Failed { what: what.to_string(), reason: e.to_string().split_whitespace().collect::<Vec<_>>().join(" ") }
}
