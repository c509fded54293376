//! `ratify backup PATH` and `ratify restore PATH`.
//!
//! SQLite: the backup is `VACUUM INTO` (a consistent copy taken in one read transaction, while the
//! service runs). A restore refuses while any instance serves the database (see
//! [`super::instance_lock`]), checks that the file is a ratify database whose migrations this
//! version knows, keeps a copy of the database it replaces, and swaps the file in with a rename.
//!
//! PostgreSQL: the same contract through `pg_dump --format=custom` and `pg_restore
//! --single-transaction` (both must be on PATH; the runbook has the manual recipe).
//!
//! Neither ever overwrites an existing file.

use std::fs::File;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::instance_lock::{InstanceLock, LockError};
use crate::db::{split_password, Backend, DatabaseUrl, Db, DbConn, DbError};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0}")]
    Config(String),
    #[error("\"{0}\" finns redan; ratify skriver aldrig över en fil, välj ett nytt namn")]
    Exists(PathBuf),
    #[error("\"{0}\" finns inte")]
    Missing(PathBuf),
    #[error("{what}: {reason}")]
    Io { what: String, reason: String },
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("\"{path}\" är ingen säkerhetskopia av ratify: {reason}")]
    NotRatify { path: PathBuf, reason: String },
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error("{tool} finns inte i PATH; installera PostgreSQL-klienten eller följ receptet i deploy/README.md")]
    NoTool { tool: &'static str },
    #[error("{tool} misslyckades: {reason}")]
    Tool { tool: &'static str, reason: String },
}

impl From<diesel::result::Error> for BackupError {
    fn from(e: diesel::result::Error) -> Self {
        BackupError::Db(DbError::Query(e))
    }
}

/// What a backup wrote.
#[derive(Debug)]
pub struct BackupDone {
    pub path: PathBuf,
    pub bytes: u64,
    /// Events in the copy (SQLite; the dump is not read back on PostgreSQL).
    pub events: Option<i64>,
}

/// What a restore did.
#[derive(Debug)]
pub struct RestoreDone {
    pub events: i64,
    /// Where the replaced database was saved, if there was one.
    pub previous: Option<PathBuf>,
    /// Migrations the restored database lacks; the next start applies them.
    pub pending_migrations: usize,
}

/// Writes a consistent copy of the database at `database_url` to `dest`.
pub fn backup(database_url: &str, dest: &Path) -> Result<BackupDone, BackupError> {
    let url = DatabaseUrl::parse(database_url).map_err(BackupError::Config)?;
    if dest.exists() {
        return Err(BackupError::Exists(dest.to_path_buf()));
    }
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            return Err(BackupError::Missing(dir.to_path_buf()));
        }
    }
    let partial = sibling(dest, &format!("partial-{}", std::process::id()));
    let _ = std::fs::remove_file(&partial);
    let result = match url.backend {
        Backend::Sqlite => sqlite_backup(&url, &partial),
        Backend::Postgres => pg_dump(&url, &partial),
    };
    let events = match result {
        Ok(events) => events,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    // A backup holds what the database holds (token hashes, staff accounts): owner only.
    std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| io(&format!("kan inte skydda {}", partial.display()), e))?;
    sync_file(&partial)?;
    publish(&partial, dest)?;
    let bytes = std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0);
    Ok(BackupDone { path: dest.to_path_buf(), bytes, events })
}

fn sqlite_backup(url: &DatabaseUrl, dest: &Path) -> Result<Option<i64>, BackupError> {
    // Db::open would create an empty database where none is: a backup of nothing is a mistake.
    if !Path::new(&url.target).is_file() {
        return Err(BackupError::Missing(PathBuf::from(&url.target)));
    }
    let db = Db::open(&url.target, 1)?;
    let dest_text = path_text(dest)?;
    db.read_blocking(|conn| {
        let DbConn::Sqlite(c) = conn else {
            return Err(BackupError::Config("ingen SQLite-databas".into()));
        };
        diesel::sql_query("VACUUM INTO ?").bind::<Text, _>(&dest_text).execute(c)?;
        Ok::<_, BackupError>(())
    })?;
    drop(db);
    let (events, _) = inspect_sqlite(dest)?;
    Ok(Some(events))
}

/// Replaces the database at `database_url` with the backup at `source`.
pub fn restore(database_url: &str, source: &Path) -> Result<RestoreDone, BackupError> {
    let url = DatabaseUrl::parse(database_url).map_err(BackupError::Config)?;
    if !source.is_file() {
        return Err(BackupError::Missing(source.to_path_buf()));
    }
    match url.backend {
        Backend::Sqlite => sqlite_restore(&url, source),
        Backend::Postgres => pg_restore(&url, source),
    }
}

fn sqlite_restore(url: &DatabaseUrl, source: &Path) -> Result<RestoreDone, BackupError> {
    let target = PathBuf::from(&url.target);
    if let (Ok(a), Ok(b)) = (source.canonicalize(), target.canonicalize()) {
        if a == b {
            return Err(BackupError::Config("säkerhetskopian och databasen är samma fil".into()));
        }
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io(&format!("kan inte skapa {}", dir.display()), e))?;
    }
    let _lock = InstanceLock::exclusive(url)?;
    // Work on a copy beside the target: the backup itself is never opened for writing, and the
    // final rename stays within one file system.
    let staged = sibling(&target, "restore-tmp");
    remove_sqlite_files(&staged)?;
    std::fs::copy(source, &staged).map_err(|e| io(&format!("kan inte kopiera {}", source.display()), e))?;
    let checked = check_sqlite_backup(&staged, source);
    let (events, pending) = match checked {
        Ok(found) => found,
        Err(e) => {
            let _ = remove_sqlite_files(&staged);
            return Err(e);
        }
    };
    sync_file(&staged)?;
    let previous = if target.is_file() {
        let keep = sibling(&target, &format!("before-restore-{}", chrono::Utc::now().format("%Y%m%dT%H%M%SZ")));
        sqlite_backup(url, &keep)?;
        Some(keep)
    } else {
        None
    };
    // A -wal left by the old database would be replayed into the new one.
    for suffix in ["-wal", "-shm", "-journal"] {
        let f = PathBuf::from(format!("{}{suffix}", target.display()));
        if f.exists() {
            std::fs::remove_file(&f).map_err(|e| io(&format!("kan inte ta bort {}", f.display()), e))?;
        }
    }
    std::fs::rename(&staged, &target).map_err(|e| io(&format!("kan inte ersätta {}", target.display()), e))?;
    sync_dir(&target);
    Ok(RestoreDone { events, previous, pending_migrations: pending })
}

/// Opens a staged copy and checks it is a ratify database this version can serve.
fn check_sqlite_backup(staged: &Path, shown: &Path) -> Result<(i64, usize), BackupError> {
    let not_ratify = |reason: String| BackupError::NotRatify { path: shown.to_path_buf(), reason };
    let (events, tables) = inspect_sqlite(staged).map_err(|e| not_ratify(e.to_string()))?;
    for needed in ["__diesel_schema_migrations", "agreements", "parties", "events"] {
        if !tables.iter().any(|t| t == needed) {
            return Err(not_ratify(format!("tabellen {needed} saknas")));
        }
    }
    let db = Db::open(&path_text(staged)?, 1)?;
    let applied = db.applied_migrations()?;
    let known = db.embedded_migrations()?;
    let unknown: Vec<&String> = applied.iter().filter(|v| !known.contains(v)).collect();
    if !unknown.is_empty() {
        let list: Vec<&str> = unknown.iter().map(|s| s.as_str()).collect();
        return Err(not_ratify(format!(
            "den kommer från en nyare version av ratify (okända migreringar: {}); återställ med den versionen",
            list.join(", ")
        )));
    }
    Ok((events, known.len() - applied.len()))
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Integrity check, table names and event count of a SQLite file, read without changing it.
fn inspect_sqlite(path: &Path) -> Result<(i64, Vec<String>), BackupError> {
    let mut c = diesel::SqliteConnection::establish(&path_text(path)?)
        .map_err(|e| BackupError::NotRatify { path: path.to_path_buf(), reason: e.to_string() })?;
    let check: Vec<Name> = diesel::sql_query("SELECT quick_check AS name FROM pragma_quick_check").load(&mut c)?;
    if check.first().map(|r| r.name.as_str()) != Some("ok") {
        let reason = check.into_iter().map(|r| r.name).collect::<Vec<_>>().join("; ");
        return Err(BackupError::NotRatify {
            path: path.to_path_buf(), reason: format!("filen är skadad ({reason})")
        });
    }
    let tables: Vec<String> = diesel::sql_query("SELECT name FROM sqlite_master WHERE type = 'table'")
        .load::<Name>(&mut c)?
        .into_iter()
        .map(|r| r.name)
        .collect();
    let events = if tables.iter().any(|t| t == "events") {
        diesel::sql_query("SELECT COUNT(*) AS n FROM events").get_result::<Count>(&mut c)?.n
    } else {
        0
    };
    Ok((events, tables))
}

// --- PostgreSQL ----------------------------------------------------------------------------

fn pg_dump(url: &DatabaseUrl, dest: &Path) -> Result<Option<i64>, BackupError> {
    let (conn, password) = split_password(&url.target);
    run_tool(
        "pg_dump",
        &["--format=custom", "--no-owner", "--no-privileges", "--file", &path_text(dest)?, "--dbname", &conn],
        password,
    )?;
    Ok(None)
}

fn pg_restore(url: &DatabaseUrl, source: &Path) -> Result<RestoreDone, BackupError> {
    let source_text = path_text(source)?;
    let listing = run_tool("pg_restore", &["--list", &source_text], None).map_err(|e| match e {
        BackupError::Tool { reason, .. } => BackupError::NotRatify { path: source.to_path_buf(), reason },
        other => other,
    })?;
    for needed in ["__diesel_schema_migrations", "agreements", "parties", "events"] {
        if !listing.lines().any(|l| l.contains("TABLE DATA") && l.split_whitespace().any(|w| w == needed)) {
            return Err(BackupError::NotRatify {
                path: source.to_path_buf(),
                reason: format!("tabellen {needed} saknas i dumpen"),
            });
        }
    }
    let _lock = InstanceLock::exclusive(url)?;
    let keep = sibling(source, &format!("before-restore-{}", chrono::Utc::now().format("%Y%m%dT%H%M%SZ")));
    if keep.exists() {
        return Err(BackupError::Exists(keep));
    }
    pg_dump(url, &keep)?;
    let (conn, password) = split_password(&url.target);
    run_tool(
        "pg_restore",
        &[
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            &conn,
            &source_text,
        ],
        password,
    )?;
    let db = Db::open(&url.target, 1)?;
    let applied = db.applied_migrations()?;
    let known = db.embedded_migrations()?;
    let events = db.read_blocking(|c| {
        Ok::<_, BackupError>(diesel::sql_query("SELECT COUNT(*) AS n FROM events").get_result::<Count>(c)?.n)
    })?;
    if let Some(unknown) = applied.iter().find(|v| !known.contains(v)) {
        return Err(BackupError::NotRatify {
            path: source.to_path_buf(),
            reason: format!(
                "återställd, men den kommer från en nyare version av ratify (okänd migrering {unknown}); \
                 föregående innehåll finns i {}",
                keep.display()
            ),
        });
    }
    Ok(RestoreDone { events, previous: Some(keep), pending_migrations: known.len().saturating_sub(applied.len()) })
}

/// Runs a PostgreSQL client tool; its stdout on success, its stderr as the reason otherwise.
fn run_tool(tool: &'static str, args: &[&str], password: Option<String>) -> Result<String, BackupError> {
    let mut cmd = Command::new(tool);
    cmd.args(args);
    if let Some(pw) = password {
        // In the environment rather than on the command line, where other users could read it.
        cmd.env("PGPASSWORD", pw);
    }
    let out = cmd.output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => BackupError::NoTool { tool },
        _ => BackupError::Tool { tool, reason: e.to_string() },
    })?;
    if !out.status.success() {
        let reason = String::from_utf8_lossy(&out.stderr).split_whitespace().collect::<Vec<_>>().join(" ");
        return Err(BackupError::Tool { tool, reason });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `dir/name.ext` → `dir/name.ext.<suffix>`.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(format!(".{suffix}"));
    path.with_file_name(name)
}

/// Moves `partial` to `dest` without ever replacing an existing `dest` (a hard link fails if the
/// name is taken; file systems without hard links fall back to a checked rename).
fn publish(partial: &Path, dest: &Path) -> Result<(), BackupError> {
    match std::fs::hard_link(partial, dest) {
        Ok(()) => {
            let _ = std::fs::remove_file(partial);
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let _ = std::fs::remove_file(partial);
            return Err(BackupError::Exists(dest.to_path_buf()));
        }
        Err(_) => {
            if dest.exists() {
                let _ = std::fs::remove_file(partial);
                return Err(BackupError::Exists(dest.to_path_buf()));
            }
            std::fs::rename(partial, dest).map_err(|e| io(&format!("kan inte skriva {}", dest.display()), e))?;
        }
    }
    sync_dir(dest);
    Ok(())
}

fn remove_sqlite_files(path: &Path) -> Result<(), BackupError> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let f = PathBuf::from(format!("{}{suffix}", path.display()));
        if f.exists() {
            std::fs::remove_file(&f).map_err(|e| io(&format!("kan inte ta bort {}", f.display()), e))?;
        }
    }
    Ok(())
}

fn sync_file(path: &Path) -> Result<(), BackupError> {
    File::open(path).and_then(|f| f.sync_all()).map_err(|e| io(&format!("kan inte skriva {}", path.display()), e))
}

/// Makes a rename durable; best effort (not every file system allows syncing a directory).
fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
}

fn path_text(path: &Path) -> Result<String, BackupError> {
    path.to_str()
        .map(str::to_string)
        .ok_or_else(|| BackupError::Config(format!("sökvägen {} är inte UTF-8", path.display())))
}

fn io(what: &str, e: std::io::Error) -> BackupError {
    BackupError::Io { what: what.to_string(), reason: e.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_leave_the_url_for_the_environment() {
        assert_eq!(
            split_password("postgres://ratify:s%40cret@db:5432/ratify"),
            ("postgres://ratify@db:5432/ratify".to_string(), Some("s@cret".to_string()))
        );
        assert_eq!(split_password("postgres://postgres@127.0.0.1/x"), ("postgres://postgres@127.0.0.1/x".into(), None));
        assert_eq!(
            split_password("postgres://ratify:p@ss@db:5432/ratify"),
            ("postgres://ratify@db:5432/ratify".to_string(), Some("p@ss".to_string()))
        );
    }

    #[test]
    fn siblings_keep_the_full_name() {
        assert_eq!(sibling(Path::new("/srv/r.sqlite3"), "lock"), PathBuf::from("/srv/r.sqlite3.lock"));
    }
}
