//! Staff accounts: user names, argon2id password hashes, the two roles, enabling and disabling,
//! and the login procedure with its throttle. Storage only: the pages are in `crate::admin`.

pub mod cli;
pub mod login;
pub mod password;
pub mod sessions;
pub mod throttle;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use strum::{EnumMessage, EnumString, IntoStaticStr};

use crate::db::schema::users;
use crate::db::{DbConn, DbError};

pub use password::Hashed;

/// What an account may do: an editor records events, imports and runs reports; an admin also
/// manages accounts and API tokens. The code is stored; the label (the message) is shown to staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, EnumString, IntoStaticStr, EnumMessage)]
#[strum(serialize_all = "snake_case")]
pub enum Role {
    #[strum(message = "Redaktör")]
    Editor,
    #[strum(message = "Administratör")]
    Admin,
}

impl Role {
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn label_sv(self) -> &'static str {
        // Every variant has a message (the tests list them); the code is only a fallback.
        self.get_message().unwrap_or_else(|| self.code())
    }

    /// Exact (case-sensitive) match on [`Role::code`].
    pub fn parse(code: &str) -> Option<Role> {
        code.parse().ok()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: i32,
    pub username: String,
    pub role: Role,
    pub active: bool,
    pub must_change_password: bool,
    pub session_version: i32,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0}")]
    BadUsername(String),
    #[error("{0}")]
    BadPassword(String),
    #[error("det finns redan ett konto med användarnamnet \"{0}\"")]
    NameTaken(String),
    #[error("kontot finns inte")]
    NotFound,
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Hash(#[from] password::HashError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<DieselError> for AccountError {
    fn from(e: DieselError) -> Self {
        AccountError::Db(DbError::Query(e))
    }
}

/// User names are compared in lower case without surrounding blanks.
pub fn normalize_username(name: &str) -> String {
    name.trim().to_lowercase()
}

/// 2–64 characters: letters a–z, å, ä, ö, digits, and . _ - @ (an e-mail address works).
pub fn check_username(name: &str) -> Result<(), String> {
    let n = name.chars().count();
    if !(2..=64).contains(&n) {
        return Err("Användarnamnet ska ha 2–64 tecken.".into());
    }
    if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "åäö._-@".contains(c)) {
        return Err("Användarnamnet får bara innehålla bokstäverna a–ö, siffror och tecknen . _ - @.".into());
    }
    Ok(())
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
struct UserRow {
    id: i32,
    username: String,
    role: String,
    active: bool,
    must_change_password: bool,
    session_version: i32,
    created_at: NaiveDateTime,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        User {
            id: row.id,
            username: row.username,
            // The column is CHECKed; an unknown value can only mean less power.
            role: Role::parse(&row.role).unwrap_or(Role::Editor),
            active: row.active,
            must_change_password: row.must_change_password,
            session_version: row.session_version,
            created_at: row.created_at.and_utc(),
        }
    }
}

/// Creates an active account. `password` is hashed by the caller, outside the transaction.
pub fn create_in(
    conn: &mut DbConn,
    username: &str,
    password: &Hashed,
    role: Role,
    must_change_password: bool,
) -> Result<User, AccountError> {
    let username = normalize_username(username);
    check_username(&username).map_err(AccountError::BadUsername)?;
    let now = crate::clock::now().naive_utc();
    let id: i32 = diesel::insert_into(users::table)
        .values((
            users::username.eq(&username),
            users::password_hash.eq(&password.0),
            users::role.eq(role.code()),
            users::active.eq(true),
            users::must_change_password.eq(must_change_password),
            users::session_version.eq(0),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .returning(users::id)
        .get_result(conn)
        .map_err(|e| match e {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                AccountError::NameTaken(username.clone())
            }
            e => e.into(),
        })?;
    find(conn, id)?.ok_or(AccountError::NotFound)
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<Option<User>> {
    users::table.filter(users::id.eq(id)).select(UserRow::as_select()).first(conn).optional().map(|r| r.map(User::from))
}

/// The account and its stored hash.
pub fn find_for_login(conn: &mut DbConn, username: &str) -> QueryResult<Option<(User, String)>> {
    let row: Option<(UserRow, String)> = users::table
        .filter(users::username.eq(username))
        .select((UserRow::as_select(), users::password_hash))
        .first(conn)
        .optional()?;
    Ok(row.map(|(r, h)| (User::from(r), h)))
}

pub fn password_hash(conn: &mut DbConn, id: i32) -> QueryResult<Option<String>> {
    users::table.filter(users::id.eq(id)).select(users::password_hash).first(conn).optional()
}

/// Every account, by user name.
pub fn list(conn: &mut DbConn) -> QueryResult<Vec<User>> {
    Ok(users::table
        .select(UserRow::as_select())
        .order(users::username.asc())
        .load(conn)?
        .into_iter()
        .map(User::from)
        .collect())
}

/// Sets a new password; every existing session of the account stops counting.
pub fn set_password_in(
    conn: &mut DbConn,
    id: i32,
    password: &Hashed,
    must_change_password: bool,
) -> Result<User, AccountError> {
    let n = diesel::update(users::table.filter(users::id.eq(id)))
        .set((
            users::password_hash.eq(&password.0),
            users::must_change_password.eq(must_change_password),
            users::session_version.eq(users::session_version + 1),
            users::updated_at.eq(crate::clock::now().naive_utc()),
        ))
        .execute(conn)?;
    if n == 0 {
        return Err(AccountError::NotFound);
    }
    find(conn, id)?.ok_or(AccountError::NotFound)
}

/// Enables or disables an account. Disabling ends its sessions; the last active admin cannot be
/// disabled (nobody could manage accounts any more).
pub fn set_active_in(conn: &mut DbConn, id: i32, active: bool) -> Result<User, AccountError> {
    let user = find(conn, id)?.ok_or(AccountError::NotFound)?;
    if !active && user.active && user.role == Role::Admin && active_admins(conn)? <= 1 {
        return Err(AccountError::Refused(
            "Det sista aktiva administratörskontot kan inte inaktiveras: då kan ingen längre hantera konton.".into(),
        ));
    }
    diesel::update(users::table.filter(users::id.eq(id)))
        .set((
            users::active.eq(active),
            users::session_version.eq(users::session_version + 1),
            users::updated_at.eq(crate::clock::now().naive_utc()),
        ))
        .execute(conn)?;
    find(conn, id)?.ok_or(AccountError::NotFound)
}

pub fn active_admins(conn: &mut DbConn) -> QueryResult<i64> {
    users::table.filter(users::active.eq(true)).filter(users::role.eq(Role::Admin.code())).count().get_result(conn)
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn role_codes_and_labels_are_unchanged() {
        // Copied from the hand-written tables the strum derives replaced: the codes are stored, so a
        // derive that changes one must fail here.
        let table = [(Role::Editor, "editor", "Redaktör"), (Role::Admin, "admin", "Administratör")];
        for (r, code, label) in table {
            assert_eq!(r.code(), code);
            assert_eq!(r.label_sv(), label);
            assert_eq!(Role::parse(code), Some(r));
        }
        for unknown in ["", "Admin", "ADMIN", "admin ", "administratör", "redaktor", "superuser"] {
            assert_eq!(Role::parse(unknown), None, "{unknown:?}");
        }
    }
}
