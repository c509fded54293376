//! The connection type for both backends and the pool manager that chooses the backend from the
//! URL scheme (never by trial: SQLite would accept almost any string as a file name).

use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::{Connection, PgConnection, SqliteConnection};

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// A parsed `RATIFY_DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    pub backend: Backend,
    /// What the driver gets: the full URL for PostgreSQL, the file path for SQLite.
    pub target: String,
}

impl DatabaseUrl {
    /// `postgres://` or `postgresql://` selects PostgreSQL; `sqlite://PATH`, `sqlite:PATH` or a
    /// plain path selects SQLite. Anything else with a scheme is refused.
    pub fn parse(url: &str) -> Result<Self, String> {
        let url = url.trim();
        if url.is_empty() {
            return Err("databasadressen är tom".into());
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self { backend: Backend::Postgres, target: url.to_string() });
        }
        let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
        if let Some((scheme, _)) = path.split_once("://") {
            return Err(format!("databastypen \"{scheme}\" stöds inte (använd postgres://… eller en SQLite-fil)"));
        }
        if path.is_empty() {
            return Err("sökvägen till SQLite-filen saknas".into());
        }
        Ok(Self { backend: Backend::Sqlite, target: path.to_string() })
    }

    /// The URL with any password replaced, for messages and logs.
    pub fn redacted(&self) -> String {
        match self.backend {
            Backend::Sqlite => self.target.clone(),
            Backend::Postgres => redact_password(&self.target),
        }
    }
}

/// `raw` with its password, if any, replaced by `***`, for messages and logs (any URL: database,
/// SMTP). The `url` crate ends the user info at the last `@` before the host, so a password with a
/// raw `@` is hidden whole; a string it cannot parse shows nothing between the scheme and its
/// last `@`.
pub fn redact_password(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(u) if u.password().is_none() => raw.to_string(),
        Ok(mut u) => match u.set_password(Some("***")) {
            Ok(()) => u.to_string(),
            Err(()) => hide_user_info(raw),
        },
        Err(_) => hide_user_info(raw),
    }
}

fn hide_user_info(raw: &str) -> String {
    match raw.split_once("://").and_then(|(scheme, rest)| Some((scheme, rest.rsplit_once('@')?.1))) {
        Some((scheme, host)) => format!("{scheme}://***@{host}"),
        None => raw.to_string(),
    }
}

/// `postgres://user:pw@host/db` → (`postgres://user@host/db`, Some(pw), percent-decoded), read
/// the same way as [`redact_password`]: for the PostgreSQL tools, which get the password in the
/// environment rather than on their command line. A URL that does not parse is returned as is.
pub fn split_password(raw: &str) -> (String, Option<String>) {
    let Ok(mut u) = url::Url::parse(raw) else {
        return (raw.to_string(), None);
    };
    let Some(password) = u.password().map(|p| percent_encoding::percent_decode_str(p).decode_utf8_lossy().into_owned())
    else {
        return (raw.to_string(), None);
    };
    match u.set_password(None) {
        Ok(()) => (u.to_string(), Some(password)),
        Err(()) => (raw.to_string(), None),
    }
}

/// r2d2 manager that opens the backend named by the URL and sets SQLite's pragmas.
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
}

impl Manager {
    pub fn new(url: DatabaseUrl) -> Self {
        Self { url }
    }
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        match self.url.backend {
            Backend::Postgres => {
                PgConnection::establish(&self.url.target).map(DbConn::Postgresql).map_err(r2d2::Error::ConnectionError)
            }
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.url.target).map_err(r2d2::Error::ConnectionError)?;
                // WAL lets readers run beside the writer; synchronous=FULL so an acknowledged
                // write survives power loss too; busy_timeout waits for a writer in another
                // process instead of failing at once.
                // busy_timeout first: switching to WAL needs a lock that another process starting
                // at the same moment may hold. SQLite answers "locked" at once, without waiting,
                // when waiting could deadlock (two first starts both upgrading their lock), so a
                // few short retries cover that moment.
                conn.batch_execute("PRAGMA busy_timeout = 5000;").map_err(r2d2::Error::QueryError)?;
                let mut attempt = 0;
                loop {
                    match conn.batch_execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
                    ) {
                        Ok(()) => break,
                        Err(e) if attempt < 50 && e.to_string().contains("locked") => {
                            attempt += 1;
                            std::thread::sleep(std::time::Duration::from_millis(100));
                        }
                        Err(e) => return Err(r2d2::Error::QueryError(e)),
                    }
                }
                Ok(DbConn::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1").map_err(r2d2::Error::QueryError)
    }

    /// Checked when a connection goes back to the pool: one returned while its thread unwinds, or
    /// whose transaction manager is in error or still inside a transaction (a panic in a
    /// transaction's closure skips its commit and rollback), is closed instead of reused, as
    /// diesel's own r2d2 manager (and so vaultwarden) does.
    fn has_broken(&self, conn: &mut DbConn) -> bool {
        use diesel::r2d2::R2D2Connection;
        std::thread::panicking() || conn.is_broken()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_inside_a_transaction_is_broken() {
        use diesel::connection::TransactionManager;
        let manager = Manager::new(DatabaseUrl::parse(":memory:").unwrap());
        let mut conn = manager.connect().unwrap();
        assert!(!manager.has_broken(&mut conn));
        <DbConn as Connection>::TransactionManager::begin_transaction(&mut conn).unwrap();
        assert!(manager.has_broken(&mut conn), "a connection left inside a transaction goes back to the pool");
        <DbConn as Connection>::TransactionManager::rollback_transaction(&mut conn).unwrap();
        assert!(!manager.has_broken(&mut conn));
    }

    #[test]
    fn schemes_choose_the_backend() {
        let pg = DatabaseUrl::parse("postgres://u:secret@localhost/db").unwrap();
        assert_eq!(pg.backend, Backend::Postgres);
        assert_eq!(pg.redacted(), "postgres://u:***@localhost/db");
        assert_eq!(DatabaseUrl::parse("postgresql://x/y").unwrap().backend, Backend::Postgres);
        let file = DatabaseUrl::parse("data/ratify.sqlite3").unwrap();
        assert_eq!(file, DatabaseUrl { backend: Backend::Sqlite, target: "data/ratify.sqlite3".into() });
        assert_eq!(DatabaseUrl::parse("sqlite:///tmp/a.db").unwrap().target, "/tmp/a.db");
        assert_eq!(DatabaseUrl::parse("sqlite:a.db").unwrap().target, "a.db");
        assert!(DatabaseUrl::parse("mysql://localhost/x").unwrap_err().contains("mysql"));
        assert!(DatabaseUrl::parse("  ").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }

    #[test]
    fn a_password_with_a_raw_at_sign_is_hidden_whole() {
        // Issue 19, defect 3: the password "p@ss:w@rd" written without percent-encoding.
        let pg = DatabaseUrl::parse("postgres://ratify:p@ss:w@rd@db.example:5432/ratify").unwrap();
        let shown = pg.redacted();
        for part in ["p@ss", "ss", "w@rd", "rd@"] {
            assert!(!shown.contains(part), "{part} shows in {shown}");
        }
        assert!(shown.starts_with("postgres://ratify:***@") && shown.ends_with("db.example:5432/ratify"), "{shown}");
        assert_eq!(
            DatabaseUrl::parse("postgres://ratify:s%40cret@db/x").unwrap().redacted(),
            "postgres://ratify:***@db/x"
        );
        assert_eq!(DatabaseUrl::parse("postgres://ratify@db/x").unwrap().redacted(), "postgres://ratify@db/x");
        // Not a URL the parser takes: nothing between the scheme and the last @ is shown.
        assert_eq!(redact_password("postgres://u:p@ss@[zz/x"), "postgres://***@[zz/x");
        assert_eq!(
            redact_password("smtp://mailer:hem@ligt@relay.example.se:587"),
            "smtp://mailer:***@relay.example.se:587"
        );
        assert_eq!(
            split_password("postgres://ratify:p@ss:w@rd@db.example:5432/ratify"),
            ("postgres://ratify@db.example:5432/ratify".to_string(), Some("p@ss:w@rd".to_string()))
        );
    }
}
