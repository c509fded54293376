//! The login procedure: throttle, check the password, record the attempt and an audit row.
//!
//! An attempt is first stored as a failure, in the same transaction that checks the throttle, and
//! only then is the password checked (outside any transaction: argon2 is slow on purpose); a
//! correct password turns it into a success. So a burst of parallel guesses cannot slip past the
//! limit, and an attempt counts even if the process dies half-way.

use chrono::{DateTime, Utc};

use super::throttle::{self, Outcome};
use super::{password, User};
use crate::audit::{self, Action};
use crate::db::{Db, DbConn, DbError};

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("inloggningen är spärrad till {until}")]
    Locked { until: DateTime<Utc> },
    #[error("fel användarnamn eller lösenord")]
    BadCredentials,
    #[error("kontot är inaktiverat")]
    Disabled,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for LoginError {
    fn from(e: diesel::result::Error) -> Self {
        LoginError::Db(DbError::Query(e))
    }
}

enum Gate {
    Locked(DateTime<Utc>),
    Open { attempt: i32, account: Option<(User, String)> },
}

/// Checks `username`/`password` from `client_addr`; the user on success.
pub fn login(db: &Db, username: &str, password: &str, client_addr: &str) -> Result<User, LoginError> {
    // What was typed is stored in the throttle and the audit trail; control characters (NUL, which
    // PostgreSQL's text refuses) are shown as U+FFFD there. No account name holds one, so none matches.
    let username: String = super::normalize_username(username)
        .chars()
        .take(100)
        .map(|c| if c.is_control() { char::REPLACEMENT_CHARACTER } else { c })
        .collect();
    let now = crate::clock::now();
    let gate = db.write_blocking(|conn| -> Result<Gate, LoginError> {
        serialize_attempts(conn)?;
        throttle::forget_old(conn, now)?;
        // Refused while locked: nothing is stored, so hammering a locked account or address
        // grows no table (the lock itself was put in the audit trail when it began).
        if let Some(until) = throttle::lock_for(conn, &username, client_addr, now)? {
            return Ok(Gate::Locked(until));
        }
        let attempt = throttle::record(conn, &username, client_addr, Outcome::Failure, now)?;
        Ok(Gate::Open { attempt, account: super::find_for_login(conn, &username)? })
    })?;
    let (attempt, account) = match gate {
        Gate::Locked(until) => return Err(LoginError::Locked { until }),
        Gate::Open { attempt, account } => (attempt, account),
    };
    let verdict = match &account {
        None => {
            password::verify_dummy(password);
            Err(("Okänt användarnamn.", LoginError::BadCredentials))
        }
        Some((_, hash)) if !password::verify(password, hash) => Err(("Fel lösenord.", LoginError::BadCredentials)),
        Some((user, _)) if !user.active => Err(("Kontot är inaktiverat.", LoginError::Disabled)),
        Some((user, _)) => Ok(user.clone()),
    };
    db.write_blocking(|conn| -> Result<(), LoginError> {
        match &verdict {
            Ok(user) => {
                throttle::mark_success(conn, attempt)?;
                audit::record(conn, &user.username, Action::Login, "Inloggad.", Some(client_addr))?;
            }
            Err((why, _)) => {
                audit::record(conn, &username, Action::LoginFailed, why, Some(client_addr))?;
                if throttle::lock_for(conn, &username, client_addr, now)?.is_some() {
                    audit::record(
                        conn,
                        &username,
                        Action::LoginRefused,
                        "För många misslyckade försök: inloggningen är spärrad i 15 minuter.",
                        Some(client_addr),
                    )?;
                }
            }
        }
        Ok(())
    })?;
    verdict.map_err(|(_, e)| e)
}

/// PostgreSQL runs concurrent transactions side by side: take a table lock so that checking the
/// count and adding an attempt is one step. (SQLite's single writer already serialises them.)
fn serialize_attempts(conn: &mut DbConn) -> Result<(), diesel::result::Error> {
    use diesel::connection::SimpleConnection;
    if let DbConn::Postgresql(pg) = conn {
        pg.batch_execute("LOCK TABLE login_attempts IN SHARE ROW EXCLUSIVE MODE")?;
    }
    Ok(())
}
