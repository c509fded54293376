//! Staff sessions held on the server. The session cookie names a row here; the gate accepts the
//! cookie only while the row is open, so logging out ends the session for every copy of the
//! cookie, and a session unused for the idle timeout ends even if its cookie is replayed.
//!
//! Also the secrets the database keeps for all its instances (`instance_secrets`): the cookie key
//! when `RATIFY_SESSION_KEY` is not set, so that two instances sign and read cookies alike.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::{instance_secrets, staff_sessions};
use crate::db::DbConn;

/// `last_seen_at` is written at most this often per session (not on every request); the idle
/// timeout is therefore exact to within this.
pub const TOUCH_EVERY_SECS: i64 = 60;

#[derive(Queryable, Selectable)]
#[diesel(table_name = staff_sessions)]
struct Row {
    user_id: i32,
    created_at: NaiveDateTime,
    last_seen_at: NaiveDateTime,
    ended_at: Option<NaiveDateTime>,
}

/// Opens a session for `user_id`; its id goes in the cookie. Sessions ended or idle for a day are
/// removed on the way (they matter to nobody; the audit trail keeps the logins).
pub fn open(conn: &mut DbConn, user_id: i32, now: DateTime<Utc>) -> QueryResult<String> {
    let stale = (now - Duration::days(1)).naive_utc();
    diesel::delete(
        staff_sessions::table.filter(staff_sessions::last_seen_at.lt(stale).or(staff_sessions::ended_at.lt(stale))),
    )
    .execute(conn)?;
    let id = crate::csrf::new_token();
    diesel::insert_into(staff_sessions::table)
        .values((
            staff_sessions::id.eq(&id),
            staff_sessions::user_id.eq(user_id),
            staff_sessions::created_at.eq(now.naive_utc()),
            staff_sessions::last_seen_at.eq(now.naive_utc()),
        ))
        .execute(conn)?;
    Ok(id)
}

/// What the store says of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Open; `touch` when its last use should be written down.
    Open { touch: bool },
    /// Ended, idle too long, too old, of another account, or unknown.
    Closed,
}

/// Whether session `id` of `user_id` is still open at `now`.
pub fn standing(
    conn: &mut DbConn,
    id: &str,
    user_id: i32,
    now: DateTime<Utc>,
    idle: std::time::Duration,
    max_age: Duration,
) -> QueryResult<Standing> {
    let row: Option<Row> = staff_sessions::table.find(id).select(Row::as_select()).first(conn).optional()?;
    let Some(row) = row else { return Ok(Standing::Closed) };
    let idle = Duration::from_std(idle).unwrap_or(Duration::minutes(30));
    let now_naive = now.naive_utc();
    let open = row.user_id == user_id
        && row.ended_at.is_none()
        && now_naive - row.last_seen_at <= idle
        && now_naive - row.created_at <= max_age;
    if !open {
        return Ok(Standing::Closed);
    }
    Ok(Standing::Open { touch: now_naive - row.last_seen_at >= Duration::seconds(TOUCH_EVERY_SECS) })
}

pub fn touch(conn: &mut DbConn, id: &str, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(staff_sessions::table.find(id))
        .set(staff_sessions::last_seen_at.eq(now.naive_utc()))
        .execute(conn)?;
    Ok(())
}

pub fn close(conn: &mut DbConn, id: &str, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(staff_sessions::table.find(id).filter(staff_sessions::ended_at.is_null()))
        .set(staff_sessions::ended_at.eq(now.naive_utc()))
        .execute(conn)?;
    Ok(())
}

/// The secret `name` this database keeps for all its instances, made by `make` on first use. Two
/// instances starting at once may both try to make it: the second insert fails on the key and
/// that instance reads the first one's.
pub fn instance_secret(conn: &mut DbConn, name: &str, make: impl FnOnce() -> String) -> QueryResult<String> {
    let read = |conn: &mut DbConn| {
        instance_secrets::table.find(name).select(instance_secrets::value).first::<String>(conn).optional()
    };
    if let Some(v) = read(conn)? {
        return Ok(v);
    }
    let inserted = diesel::insert_into(instance_secrets::table)
        .values((
            instance_secrets::name.eq(name),
            instance_secrets::value.eq(make()),
            instance_secrets::created_at.eq(crate::clock::now().naive_utc()),
        ))
        .execute(conn);
    match (inserted, read(conn)?) {
        (_, Some(v)) => Ok(v),
        (Err(e), None) => Err(e),
        (Ok(_), None) => Err(diesel::result::Error::NotFound),
    }
}
