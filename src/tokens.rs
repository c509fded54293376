//! API tokens for machine writes. A token is shown once when created; only its SHA-256 hash is
//! stored (the token is 256 random bits, so a slow password hash would add nothing).

use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db::schema::api_tokens;
use crate::db::{Db, DbConn, DbError};

const PREFIX: &str = "ratify_";

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("namnet får inte vara tomt och högst 100 tecken")]
    BadName,
    #[error("det finns redan en nyckel med namnet \"{0}\"")]
    NameTaken(String),
    #[error("det finns ingen aktiv nyckel med namnet \"{0}\"")]
    NotFound(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for TokenError {
    fn from(e: diesel::result::Error) -> Self {
        TokenError::Db(DbError::Query(e))
    }
}

fn hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Creates a token named `name` and returns it in clear text (the only time it exists so).
/// For the command line: the audit trail names it as the actor.
pub fn create(db: &Db, name: &str) -> Result<String, TokenError> {
    db.write_blocking(|conn| {
        let token = create_in(conn, name)?;
        crate::audit::record(
            conn,
            crate::audit::CLI_ACTOR,
            crate::audit::Action::TokenCreate,
            &format!("API-nyckeln \"{}\" skapad.", name.trim()),
            None,
        )?;
        Ok(token)
    })
}

/// The same, inside a transaction the caller holds (and audits).
pub fn create_in(conn: &mut DbConn, name: &str) -> Result<String, TokenError> {
    let name = name.trim();
    // Control characters (NUL above all, which PostgreSQL's text refuses) have no place in a name.
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(TokenError::BadName);
    }
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let token = format!("{PREFIX}{}", hex(&secret));
    let taken: i64 = api_tokens::table.filter(api_tokens::name.eq(name)).count().get_result(conn)?;
    if taken > 0 {
        return Err(TokenError::NameTaken(name.to_string()));
    }
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::name.eq(name),
            api_tokens::token_hash.eq(hash(&token)),
            api_tokens::created_at.eq(crate::clock::now().naive_utc()),
        ))
        .execute(conn)?;
    Ok(token)
}

/// Revokes the active token named `name` (for the command line; audited with it as the actor).
pub fn revoke(db: &Db, name: &str) -> Result<(), TokenError> {
    db.write_blocking(|conn| {
        revoke_in(conn, name)?;
        crate::audit::record(
            conn,
            crate::audit::CLI_ACTOR,
            crate::audit::Action::TokenRevoke,
            &format!("API-nyckeln \"{name}\" återkallad."),
            None,
        )?;
        Ok(())
    })
}

/// The same, inside a transaction the caller holds (and audits).
pub fn revoke_in(conn: &mut DbConn, name: &str) -> Result<(), TokenError> {
    let n = diesel::update(api_tokens::table)
        .filter(api_tokens::name.eq(name))
        .filter(api_tokens::revoked_at.is_null())
        .set(api_tokens::revoked_at.eq(crate::clock::now().naive_utc()))
        .execute(conn)?;
    if n == 0 {
        Err(TokenError::NotFound(name.to_string()))
    } else {
        Ok(())
    }
}

/// A token as listed to admins (never the token itself: only its hash is stored).
#[derive(Debug, Clone, PartialEq)]
pub struct TokenInfo {
    pub id: i32,
    pub name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Every token, active and revoked, by name.
pub fn list(conn: &mut DbConn) -> QueryResult<Vec<TokenInfo>> {
    let rows: Vec<(i32, String, chrono::NaiveDateTime, Option<chrono::NaiveDateTime>)> = api_tokens::table
        .select((api_tokens::id, api_tokens::name, api_tokens::created_at, api_tokens::revoked_at))
        .order(api_tokens::name.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, created_at, revoked_at)| TokenInfo {
            id,
            name,
            created_at: created_at.and_utc(),
            revoked_at: revoked_at.map(|t| t.and_utc()),
        })
        .collect())
}

/// The name of the active token `token`, if it is one.
pub fn verify(conn: &mut DbConn, token: &str) -> QueryResult<Option<String>> {
    if !token.starts_with(PREFIX) {
        return Ok(None);
    }
    api_tokens::table
        .filter(api_tokens::token_hash.eq(hash(token)))
        .filter(api_tokens::revoked_at.is_null())
        .select(api_tokens::name)
        .first(conn)
        .optional()
}
