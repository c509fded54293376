//! Login throttling: after 5 failed attempts for one account or from one client address within
//! 15 minutes, further attempts are refused for 15 minutes — even with the right password. The
//! attempts are stored in the database so that the limit holds across instances.
//!
//! A successful login clears the account's count (failures before it no longer count), not the
//! address's: otherwise one valid account would let an address keep guessing at others. Attempts
//! refused while locked are not stored at all, so hammering a locked account neither extends its
//! lock nor grows the table.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use strum::IntoStaticStr;

use crate::db::schema::login_attempts;
use crate::db::DbConn;

pub const MAX_FAILURES: usize = 5;
pub const WINDOW_MINUTES: i64 = 15;
pub const LOCK_MINUTES: i64 = 15;

/// The outcome of a login attempt; the code is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Outcome {
    Success,
    Failure,
}

impl Outcome {
    fn code(self) -> &'static str {
        self.into()
    }
}

/// When a lock set by these failures ends, if it is still in force at `now`. `failures` ascending.
/// A lock starts at the 5th failure within 15 minutes and lasts 15 minutes from it.
pub fn locked_until(failures: &[DateTime<Utc>], now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let window = Duration::minutes(WINDOW_MINUTES);
    failures
        .windows(MAX_FAILURES)
        .filter(|w| w[MAX_FAILURES - 1] - w[0] <= window)
        .map(|w| w[MAX_FAILURES - 1] + Duration::minutes(LOCK_MINUTES))
        .filter(|until| *until > now)
        .max()
}

/// The lock in force for this account or this address, if any.
pub fn lock_for(
    conn: &mut DbConn,
    username: &str,
    client_addr: &str,
    now: DateTime<Utc>,
) -> QueryResult<Option<DateTime<Utc>>> {
    // Only failures this recent can still hold a lock.
    let horizon = (now - Duration::minutes(WINDOW_MINUTES + LOCK_MINUTES)).naive_utc();
    let last_success: Option<NaiveDateTime> = login_attempts::table
        .filter(login_attempts::username.eq(username))
        .filter(login_attempts::outcome.eq(Outcome::Success.code()))
        .select(diesel::dsl::max(login_attempts::attempted_at))
        .first(conn)?;
    let since_account = last_success.map_or(horizon, |s| s.max(horizon));
    let by_account: Vec<NaiveDateTime> = login_attempts::table
        .filter(login_attempts::username.eq(username))
        .filter(login_attempts::outcome.eq(Outcome::Failure.code()))
        .filter(login_attempts::attempted_at.gt(since_account))
        .order(login_attempts::attempted_at.asc())
        .select(login_attempts::attempted_at)
        .load(conn)?;
    let by_address: Vec<NaiveDateTime> = login_attempts::table
        .filter(login_attempts::client_addr.eq(client_addr))
        .filter(login_attempts::outcome.eq(Outcome::Failure.code()))
        .filter(login_attempts::attempted_at.gt(horizon))
        .order(login_attempts::attempted_at.asc())
        .select(login_attempts::attempted_at)
        .load(conn)?;
    let utc = |v: Vec<NaiveDateTime>| v.into_iter().map(|t| t.and_utc()).collect::<Vec<_>>();
    Ok([locked_until(&utc(by_account), now), locked_until(&utc(by_address), now)].into_iter().flatten().max())
}

/// Stores an attempt; returns its id.
pub fn record(
    conn: &mut DbConn,
    username: &str,
    client_addr: &str,
    outcome: Outcome,
    at: DateTime<Utc>,
) -> QueryResult<i32> {
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::username.eq(username),
            login_attempts::client_addr.eq(client_addr),
            login_attempts::outcome.eq(outcome.code()),
            login_attempts::attempted_at.eq(at.naive_utc()),
        ))
        .returning(login_attempts::id)
        .get_result(conn)
}

/// Marks a provisional failure as the success it turned out to be.
pub fn mark_success(conn: &mut DbConn, attempt_id: i32) -> QueryResult<()> {
    diesel::update(login_attempts::table.filter(login_attempts::id.eq(attempt_id)))
        .set(login_attempts::outcome.eq(Outcome::Success.code()))
        .execute(conn)?;
    Ok(())
}

/// Attempts older than a day matter to nobody (the audit trail keeps the logins).
pub fn forget_old(conn: &mut DbConn, now: DateTime<Utc>) -> QueryResult<()> {
    diesel::delete(
        login_attempts::table.filter(login_attempts::attempted_at.lt((now - Duration::days(1)).naive_utc())),
    )
    .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_codes_are_unchanged() {
        // Copied from the hand-written table the strum derive replaced: the codes are stored.
        assert_eq!(Outcome::Success.code(), "success");
        assert_eq!(Outcome::Failure.code(), "failure");
    }

    fn t(min: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000, 0).unwrap() + Duration::minutes(min)
    }

    #[test]
    fn five_failures_within_fifteen_minutes_lock_for_fifteen_minutes() {
        let f = [t(0), t(1), t(2), t(3), t(4)];
        assert_eq!(locked_until(&f[..4], t(5)), None, "four failures do not lock");
        assert_eq!(locked_until(&f, t(5)), Some(t(19)));
        assert_eq!(locked_until(&f, t(18)), Some(t(19)));
        assert_eq!(locked_until(&f, t(19)), None, "the lock ends 15 minutes after the fifth failure");
    }

    #[test]
    fn failures_spread_over_more_than_fifteen_minutes_do_not_lock() {
        let f = [t(0), t(5), t(10), t(15), t(16)];
        assert_eq!(locked_until(&f, t(17)), None);
        let g = [t(0), t(5), t(10), t(15), t(15), t(16)];
        assert_eq!(locked_until(&g, t(17)), Some(t(31)), "the last five are within 15 minutes");
    }
}
