//! The outbox: one row per (report, channel, recipient), UNIQUE, so a report is enqueued for a
//! recipient at most once. A worker claims a row in the database before sending — an atomic
//! conditional `UPDATE … WHERE state = 'pending'` whose row count says who won, on both backends —
//! so two workers (or two instances on one PostgreSQL) never send the same row at once.
//!
//! States: pending → sending (claimed) → delivered | pending again (retry with backoff) | failed.
//! A webhook row left `sending` by a crash goes back to pending after the claim lease: it is sent
//! again with the same Idempotency-Key, so the receiver sees one delivery. An e-mail row left
//! `sending` stays so and is shown to staff as "okänt utfall" (unknown outcome): e-mail has no
//! idempotency key, so it is never resent without a person deciding to.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use sha2::{Digest, Sha256};
use strum::{EnumString, IntoStaticStr};

use super::Channel;
use crate::db::schema::{report_deliveries, report_delivery_attempts};
use crate::db::DbConn;

/// Where a delivery stands; the code is stored (and compared in the claim's `UPDATE … WHERE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum State {
    Pending,
    Sending,
    Delivered,
    Failed,
}

impl State {
    pub fn code(self) -> &'static str {
        self.into()
    }

    /// Exact (case-sensitive) match on [`State::code`].
    pub fn parse(s: &str) -> Option<State> {
        s.parse().ok()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: i32,
    pub report_id: i32,
    pub channel: Channel,
    pub recipient: String,
    pub idempotency_key: String,
    pub state: State,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub retry_until: DateTime<Utc>,
    pub claimed_at: Option<DateTime<Utc>>,
    pub claimed_by: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

impl Delivery {
    /// An e-mail claimed longer ago than `lease` and never finished: sent or not, nobody knows.
    pub fn outcome_unknown(&self, now: DateTime<Utc>, lease: chrono::Duration) -> bool {
        self.channel == Channel::Email
            && self.state == State::Sending
            && self.claimed_at.is_some_and(|t| t + lease <= now)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub attempt: i32,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub delivered: bool,
    pub detail: Option<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = report_deliveries)]
struct Row {
    id: i32,
    report_id: i32,
    channel: String,
    recipient: String,
    idempotency_key: String,
    state: String,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    retry_until: NaiveDateTime,
    claimed_at: Option<NaiveDateTime>,
    claimed_by: Option<String>,
    delivered_at: Option<NaiveDateTime>,
    last_error: Option<String>,
}

fn from_row(r: Row) -> QueryResult<Delivery> {
    let corrupt = |m: String| diesel::result::Error::DeserializationError(m.into());
    Ok(Delivery {
        id: r.id,
        report_id: r.report_id,
        channel: Channel::parse(&r.channel)
            .ok_or_else(|| corrupt(format!("delivery {}: channel {}", r.id, r.channel)))?,
        recipient: r.recipient,
        idempotency_key: r.idempotency_key,
        state: State::parse(&r.state).ok_or_else(|| corrupt(format!("delivery {}: state {}", r.id, r.state)))?,
        attempts: r.attempts,
        next_attempt_at: r.next_attempt_at.and_utc(),
        retry_until: r.retry_until.and_utc(),
        claimed_at: r.claimed_at.map(|t| t.and_utc()),
        claimed_by: r.claimed_by,
        delivered_at: r.delivered_at.map(|t| t.and_utc()),
        last_error: r.last_error,
    })
}

/// A stable key per (report, channel, recipient): the same on every attempt and every instance,
/// so a receiver can drop a repeat. Derived, not random, so it can be recomputed and checked.
pub fn idempotency_key(report_number: i32, week: &str, channel: Channel, recipient: &str) -> String {
    let digest = Sha256::digest(format!("{}\n{}", channel.code(), recipient).as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("ratify-report-{week}-{report_number}-{}-{hex}", channel.code())
}

/// [`idempotency_key`] of a report of the agreement `slug`: another agreement's report of the
/// same week and number to the same recipient gets another key (the featured agreement's keys
/// stay as they were before there were several).
pub fn idempotency_key_in(slug: &str, report_number: i32, week: &str, channel: Channel, recipient: &str) -> String {
    let key = idempotency_key(report_number, week, channel, recipient);
    if slug == crate::agreement::DEFAULT_FEATURED {
        key
    } else {
        key.replacen("ratify-report-", &format!("ratify-report-{slug}-"), 1)
    }
}

/// Enqueues the report for each recipient (once: the UNIQUE constraint makes a repeat a no-op).
pub fn enqueue(
    conn: &mut DbConn,
    report_id: i32,
    report_number: i32,
    week: &str,
    recipients: &[(Channel, String)],
    now: DateTime<Utc>,
    retry_for: chrono::Duration,
) -> QueryResult<usize> {
    let slug = crate::agreement::DEFAULT_FEATURED;
    enqueue_in(conn, slug, report_id, report_number, week, recipients, now, retry_for)
}

/// [`enqueue`] for a report of the agreement `slug` (its keys name it).
#[allow(clippy::too_many_arguments)]
pub fn enqueue_in(
    conn: &mut DbConn,
    slug: &str,
    report_id: i32,
    report_number: i32,
    week: &str,
    recipients: &[(Channel, String)],
    now: DateTime<Utc>,
    retry_for: chrono::Duration,
) -> QueryResult<usize> {
    let mut added = 0;
    for (channel, recipient) in recipients {
        let exists: i64 = report_deliveries::table
            .filter(report_deliveries::report_id.eq(report_id))
            .filter(report_deliveries::channel.eq(channel.code()))
            .filter(report_deliveries::recipient.eq(recipient))
            .count()
            .get_result(conn)?;
        if exists > 0 {
            continue;
        }
        added += diesel::insert_into(report_deliveries::table)
            .values((
                report_deliveries::report_id.eq(report_id),
                report_deliveries::channel.eq(channel.code()),
                report_deliveries::recipient.eq(recipient),
                report_deliveries::idempotency_key.eq(idempotency_key_in(
                    slug,
                    report_number,
                    week,
                    *channel,
                    recipient,
                )),
                report_deliveries::state.eq(State::Pending.code()),
                report_deliveries::attempts.eq(0),
                report_deliveries::next_attempt_at.eq(now.naive_utc()),
                report_deliveries::retry_until.eq((now + retry_for).naive_utc()),
                report_deliveries::created_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
    }
    Ok(added)
}

/// Pending rows due at `now`, oldest first.
pub fn due(conn: &mut DbConn, now: DateTime<Utc>, limit: i64) -> QueryResult<Vec<i32>> {
    report_deliveries::table
        .filter(report_deliveries::state.eq(State::Pending.code()))
        .filter(report_deliveries::next_attempt_at.le(now.naive_utc()))
        .order(report_deliveries::id.asc())
        .limit(limit)
        .select(report_deliveries::id)
        .load(conn)
}

/// The earliest time a pending row becomes due.
pub fn next_due_at(conn: &mut DbConn) -> QueryResult<Option<DateTime<Utc>>> {
    report_deliveries::table
        .filter(report_deliveries::state.eq(State::Pending.code()))
        .select(diesel::dsl::min(report_deliveries::next_attempt_at))
        .first::<Option<NaiveDateTime>>(conn)
        .map(|t| t.map(|t| t.and_utc()))
}

/// Claims a due row for `worker`: true if this call won it. Counts the attempt.
pub fn claim(conn: &mut DbConn, id: i32, worker: &str, now: DateTime<Utc>) -> QueryResult<bool> {
    let n = diesel::update(
        report_deliveries::table
            .filter(report_deliveries::id.eq(id))
            .filter(report_deliveries::state.eq(State::Pending.code()))
            .filter(report_deliveries::next_attempt_at.le(now.naive_utc())),
    )
    .set((
        report_deliveries::state.eq(State::Sending.code()),
        report_deliveries::attempts.eq(report_deliveries::attempts + 1),
        report_deliveries::claimed_at.eq(Some(now.naive_utc())),
        report_deliveries::claimed_by.eq(Some(worker)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptResult {
    Delivered {
        detail: String,
    },
    /// Worth trying again (network error, 5xx, 429, a temporary SMTP answer).
    Retry(String),
    /// Trying again will not help (e.g. the receiver answered 400 or 404).
    Permanent(String),
}

/// Updates the row only while it is still `worker`'s claim (a macro: diesel's update types
/// are unwieldy to name on the two-backend connection).
macro_rules! update_claimed {
    ($conn:expr, $id:expr, $worker:expr, $values:expr $(,)?) => {
        diesel::update(
            report_deliveries::table
                .filter(report_deliveries::id.eq($id))
                .filter(report_deliveries::state.eq(State::Sending.code()))
                .filter(report_deliveries::claimed_by.eq($worker)),
        )
        .set($values)
        .execute($conn)
    };
}

/// Records the attempt a worker made on a row it claimed and moves the row on. Returns the new
/// state, or None if the row was no longer this worker's claim (then nothing is changed).
pub fn finish(
    conn: &mut DbConn,
    id: i32,
    worker: &str,
    result: &AttemptResult,
    now: DateTime<Utc>,
    backoff_base: std::time::Duration,
) -> QueryResult<Option<State>> {
    let Some(d) = find(conn, id)? else { return Ok(None) };
    if d.state != State::Sending || d.claimed_by.as_deref() != Some(worker) {
        return Ok(None);
    }
    let started = d.claimed_at.unwrap_or(now);
    let (outcome, detail) = match result {
        AttemptResult::Delivered { detail } => ("delivered", detail.clone()),
        AttemptResult::Retry(e) | AttemptResult::Permanent(e) => ("error", e.clone()),
    };
    diesel::insert_into(report_delivery_attempts::table)
        .values((
            report_delivery_attempts::delivery_id.eq(id),
            report_delivery_attempts::attempt.eq(d.attempts),
            report_delivery_attempts::started_at.eq(started.naive_utc()),
            report_delivery_attempts::finished_at.eq(now.naive_utc()),
            report_delivery_attempts::outcome.eq(outcome),
            report_delivery_attempts::detail.eq(Some(detail.clone())),
        ))
        .execute(conn)?;
    let next = now + backoff(backoff_base, d.attempts);
    let new_state = match result {
        AttemptResult::Delivered { .. } => {
            update_claimed!(
                conn,
                id,
                worker,
                (
                    report_deliveries::state.eq(State::Delivered.code()),
                    report_deliveries::delivered_at.eq(Some(now.naive_utc())),
                    report_deliveries::last_error.eq(None::<String>),
                ),
            )?;
            State::Delivered
        }
        AttemptResult::Retry(e) if next <= d.retry_until => {
            update_claimed!(
                conn,
                id,
                worker,
                (
                    report_deliveries::state.eq(State::Pending.code()),
                    report_deliveries::next_attempt_at.eq(next.naive_utc()),
                    report_deliveries::last_error.eq(Some(e)),
                ),
            )?;
            State::Pending
        }
        // Out of retries, or an error no retry can mend.
        AttemptResult::Retry(e) | AttemptResult::Permanent(e) => {
            update_claimed!(
                conn,
                id,
                worker,
                (report_deliveries::state.eq(State::Failed.code()), report_deliveries::last_error.eq(Some(e))),
            )?;
            State::Failed
        }
    };
    Ok(Some(new_state))
}

/// Exponential backoff: base, 2·base, 4·base, … at most one hour.
pub fn backoff(base: std::time::Duration, attempts: i32) -> chrono::Duration {
    let exp = u32::try_from(attempts.saturating_sub(1)).unwrap_or(0).min(20);
    let secs = base.as_secs_f64() * f64::from(2u32.pow(exp));
    let capped = secs.min(3600.0);
    chrono::Duration::milliseconds((capped * 1000.0) as i64)
}

/// Webhook rows left `sending` longer than the lease (a worker died mid-send) go back to
/// pending, to be sent again with the same Idempotency-Key. E-mail rows are left alone.
pub fn release_stale_webhooks(conn: &mut DbConn, older_than: DateTime<Utc>, now: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(
        report_deliveries::table
            .filter(report_deliveries::channel.eq(Channel::Webhook.code()))
            .filter(report_deliveries::state.eq(State::Sending.code()))
            .filter(report_deliveries::claimed_at.le(older_than.naive_utc())),
    )
    .set((
        report_deliveries::state.eq(State::Pending.code()),
        report_deliveries::next_attempt_at.eq(now.naive_utc()),
        report_deliveries::last_error.eq(Some("avbröts under sändning; skickas igen med samma Idempotency-Key")),
    ))
    .execute(conn)
}

/// The webhook rows `worker` still has claimed go back to pending (it is stopping and its sends
/// were cut short): sent again with the same Idempotency-Key, as after a crash, but at once
/// rather than after the lease. E-mail rows are left alone: one may have arrived.
pub fn release_claims_of(conn: &mut DbConn, worker: &str, now: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(
        report_deliveries::table
            .filter(report_deliveries::channel.eq(Channel::Webhook.code()))
            .filter(report_deliveries::state.eq(State::Sending.code()))
            .filter(report_deliveries::claimed_by.eq(worker)),
    )
    .set((
        report_deliveries::state.eq(State::Pending.code()),
        report_deliveries::next_attempt_at.eq(now.naive_utc()),
        report_deliveries::last_error.eq(Some("avbröts när tjänsten stängdes; skickas igen med samma Idempotency-Key")),
    ))
    .execute(conn)
}

/// Staff's "skicka igen": a failed row, or an e-mail whose outcome is unknown, goes back to
/// pending with a fresh retry window. Returns false if the row is in neither state.
pub fn requeue(
    conn: &mut DbConn,
    id: i32,
    now: DateTime<Utc>,
    retry_for: chrono::Duration,
    lease: chrono::Duration,
) -> QueryResult<bool> {
    let Some(d) = find(conn, id)? else { return Ok(false) };
    if !(d.state == State::Failed || d.outcome_unknown(now, lease)) {
        return Ok(false);
    }
    let n = diesel::update(
        report_deliveries::table
            .filter(report_deliveries::id.eq(id))
            .filter(report_deliveries::state.eq(d.state.code())),
    )
    .set((
        report_deliveries::state.eq(State::Pending.code()),
        report_deliveries::next_attempt_at.eq(now.naive_utc()),
        report_deliveries::retry_until.eq((now + retry_for).naive_utc()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<Option<Delivery>> {
    report_deliveries::table
        .filter(report_deliveries::id.eq(id))
        .select(Row::as_select())
        .first::<Row>(conn)
        .optional()?
        .map(from_row)
        .transpose()
}

pub fn for_report(conn: &mut DbConn, report_id: i32) -> QueryResult<Vec<Delivery>> {
    report_deliveries::table
        .filter(report_deliveries::report_id.eq(report_id))
        .order(report_deliveries::id.asc())
        .select(Row::as_select())
        .load::<Row>(conn)?
        .into_iter()
        .map(from_row)
        .collect()
}

pub fn attempts(conn: &mut DbConn, delivery_id: i32) -> QueryResult<Vec<Attempt>> {
    Ok(report_delivery_attempts::table
        .filter(report_delivery_attempts::delivery_id.eq(delivery_id))
        .order(report_delivery_attempts::attempt.asc())
        .select((
            report_delivery_attempts::attempt,
            report_delivery_attempts::started_at,
            report_delivery_attempts::finished_at,
            report_delivery_attempts::outcome,
            report_delivery_attempts::detail,
        ))
        .load::<(i32, NaiveDateTime, NaiveDateTime, String, Option<String>)>(conn)?
        .into_iter()
        .map(|(attempt, s, f, outcome, detail)| Attempt {
            attempt,
            started_at: s.and_utc(),
            finished_at: f.and_utc(),
            delivered: outcome == "delivered",
            detail,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::State;

    #[test]
    fn state_codes_are_unchanged() {
        // Copied from the hand-written table the strum derives replaced: the codes are stored and
        // compared in the claim's `UPDATE … WHERE state = 'pending'`, so a derive that changes one
        // must fail here.
        let table = [
            (State::Pending, "pending"),
            (State::Sending, "sending"),
            (State::Delivered, "delivered"),
            (State::Failed, "failed"),
        ];
        for (s, code) in table {
            assert_eq!(s.code(), code);
            assert_eq!(State::parse(code), Some(s));
        }
        for unknown in ["", "Pending", "PENDING", "pending ", "väntar", "claimed"] {
            assert_eq!(State::parse(unknown), None, "{unknown:?}");
        }
    }
}
