//! What the scheduler, the CLI and the staff pages do with reports: generate (store a draft),
//! release (freeze it as sent and enqueue one delivery per recipient, in one transaction), and
//! deliver what is due through the outbox.

use chrono::{DateTime, Utc};
use chrono_tz::Europe::Stockholm;
use diesel::connection::SimpleConnection;

use super::content::{self, Header, PreviousReport};
use super::delivery::outbox::{self, State};
use super::delivery::{Channel, Deliverer};
use super::store::{self, NewReport, StoredReport};
use super::week::IsoWeek;
use super::{audit_hook, render, ReportError};
use crate::agreement::Agreement;
use crate::db::{Db, DbConn, DbError};
use crate::ops::shutdown::Shutdown;
use crate::snapshot::Snapshot;

/// `now` as both databases store it (microseconds).
pub fn truncate(now: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

/// The week a report made at `now` is for when none is named: the current Swedish ISO week.
pub fn current_week(now: DateTime<Utc>) -> IsoWeek {
    IsoWeek::of(now.with_timezone(&Stockholm).date_naive())
}

/// Builds `agreement`'s report for `week` in memory: its parties and events only, its numbering.
pub fn build_in(
    conn: &mut DbConn,
    agreement: &Agreement,
    week: IsoWeek,
    now: DateTime<Utc>,
) -> Result<BuiltReport, ReportError> {
    let now = truncate(now);
    let existing = store::find_by_week_in(conn, agreement.id, &week.to_string())?;
    let number = match &existing {
        Some(r) if r.is_sent() => r.number,
        _ => store::next_number_in(conn, agreement.id)?,
    };
    let previous = store::previous_sent_in(conn, agreement.id, &week.to_string())?.map(|p| PreviousReport {
        number: p.number,
        week: p.week,
        cutoff: p.cutoff,
    });
    let snapshot = Snapshot::load(conn, agreement.id)?;
    let mut data = content::build(&snapshot, Header { number, week, generated_at: now, cutoff: now, previous });
    // Read in the caller's transaction, like the log: the report is marked as its data is.
    data.demo = crate::demo::flag::is_demo(conn)?;
    let json = serde_json::to_string(&data).map_err(|e| ReportError::Json(e.to_string()))?;
    let (html, text) = render::render_for(&data, &agreement.short_title);
    Ok(BuiltReport { number, week, as_of: data.as_of, cutoff: now, json, html, text })
}

/// A report built but not (yet) stored.
#[derive(Debug, Clone)]
pub struct BuiltReport {
    pub number: i32,
    pub week: IsoWeek,
    pub as_of: chrono::NaiveDate,
    pub cutoff: DateTime<Utc>,
    pub json: String,
    pub html: String,
    pub text: String,
}

/// Stores `agreement`'s report for `week` as read at `now`, inside the caller's transaction. A
/// sent report is returned unchanged: it is never regenerated. A draft is replaced.
pub fn generate_for(
    conn: &mut DbConn,
    agreement: &Agreement,
    week: IsoWeek,
    now: DateTime<Utc>,
) -> Result<StoredReport, ReportError> {
    if let DbConn::Postgresql(pg) = conn {
        // Reports: one generator at a time across instances (the lock conflicts with itself).
        // Events: wait for event writes in flight, so that none with a recorded_at before the
        // cut-off commits after it and falls between two reports.
        pg.batch_execute("LOCK TABLE reports IN SHARE ROW EXCLUSIVE MODE; LOCK TABLE events IN SHARE MODE")?;
    }
    let now = truncate(now);
    let current = current_week(now);
    if week > current {
        return Err(ReportError::FutureWeek { week: week.to_string(), current: current.to_string() });
    }
    let key = week.to_string();
    let existing = store::find_by_week_in(conn, agreement.id, &key)?;
    if let Some(sent) = existing.as_ref().filter(|r| r.is_sent()) {
        return Ok(sent.clone());
    }
    if let Some(last) = store::latest_sent_in(conn, agreement.id)? {
        if last.week >= key {
            return Err(ReportError::BeforeLatestSent { week: key, number: last.number, last: last.week });
        }
    }
    store::drop_other_drafts_in(conn, agreement.id, &key)?;
    let built = build_in(conn, agreement, week, now)?;
    let row = NewReport {
        number: built.number,
        week: &key,
        as_of: built.as_of,
        generated_at: now,
        cutoff: built.cutoff,
        data: &built.json,
        html: &built.html,
        text: &built.text,
    };
    let id = match existing {
        Some(draft) => {
            store::replace_draft(conn, draft.id, &row)?;
            draft.id
        }
        None => store::insert_in(conn, agreement.id, &row)?,
    };
    store::find(conn, id)?.ok_or(ReportError::Db(DbError::Query(diesel::result::Error::NotFound)))
}

/// Stores hos-2027's report for `week` in a transaction of its own (the tests' shorthand; the
/// service and the CLI name their agreement and call [`generate_for`]).
pub fn generate(db: &Db, week: IsoWeek, now: DateTime<Utc>) -> Result<StoredReport, ReportError> {
    db.write_blocking(|conn| {
        let agreement = crate::agreement::load(conn, crate::agreement::DEFAULT_FEATURED)?;
        generate_for(conn, &agreement, week, now)
    })
}

/// The result of [`release`].
#[derive(Debug, Clone)]
pub struct Released {
    pub report: StoredReport,
    /// True when this call froze the report (false: it was frozen before, by this or another
    /// instance).
    pub newly_sent: bool,
    /// Deliveries this call enqueued: every recipient when it froze the report, otherwise the
    /// recipients configured since (none when all had theirs already).
    pub enqueued: usize,
}

/// Generates (or refreshes the draft of) the report for `week`, freezes it and enqueues one
/// delivery per recipient — all in one transaction, with its audit row. Releasing a frozen
/// report again does not change it, but enqueues it for each recipient that has no delivery of it
/// yet (one configured after it was frozen), so each recipient gets each week's report once.
pub fn release(
    db: &Db,
    week: IsoWeek,
    recipients: &[(Channel, String)],
    retry_for: std::time::Duration,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Released, ReportError> {
    release_from(db, week, recipients, retry_for, actor, None, now)
}

/// [`release`] by a person at `client_addr` (for the audit trail).
pub fn release_from(
    db: &Db,
    week: IsoWeek,
    recipients: &[(Channel, String)],
    retry_for: std::time::Duration,
    actor: &str,
    client_addr: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Released, ReportError> {
    let agreement =
        db.read_blocking(|c| crate::agreement::load(c, crate::agreement::DEFAULT_FEATURED).map_err(ReportError::from))?;
    release_for(db, &agreement, week, recipients, retry_for, actor, client_addr, now)
}

/// [`release`] of `agreement`'s report, to `recipients` (that agreement's).
#[allow(clippy::too_many_arguments)]
pub fn release_for(
    db: &Db,
    agreement: &Agreement,
    week: IsoWeek,
    recipients: &[(Channel, String)],
    retry_for: std::time::Duration,
    actor: &str,
    client_addr: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Released, ReportError> {
    let now = truncate(now);
    let retry_for = chrono::Duration::from_std(retry_for).unwrap_or(chrono::Duration::days(1));
    let released = db.write_blocking(|conn| {
        // On PostgreSQL this takes the reports lock first, so two instances topping up the same
        // report do so one after the other; the UNIQUE (report, channel, recipient) is the last
        // word on both backends.
        let report = generate_for(conn, agreement, week, now)?;
        let newly_sent = if report.is_sent() { false } else { store::mark_sent(conn, report.id, now)? == 1 };
        let report = store::find(conn, report.id)?.unwrap_or(report);
        if !report.is_sent() {
            return Ok::<_, ReportError>(Released { report, newly_sent: false, enqueued: 0 });
        }
        let enqueued = outbox::enqueue_in(
            conn,
            &agreement.slug,
            report.id,
            report.number,
            &report.week,
            recipients,
            now,
            retry_for,
        )?;
        if newly_sent {
            audit_hook::report_sent(conn, actor, client_addr, &agreement.slug, &report, enqueued)?;
        } else if enqueued > 0 {
            audit_hook::report_sent_to_added(conn, actor, client_addr, &agreement.slug, &report, enqueued)?;
        }
        Ok(Released { report, newly_sent, enqueued })
    })?;
    Ok(released)
}

/// How the configured recipients stand for one week's report.
#[derive(Debug, Clone, Default)]
pub struct RecipientPlan {
    /// The week's report, if it is frozen.
    pub frozen: Option<StoredReport>,
    /// Recipients with no delivery of it yet: a send now enqueues these (all, if not frozen).
    pub to_send: Vec<(Channel, String)>,
    /// Recipients that have a delivery of it already, with its state.
    pub already: Vec<(Channel, String, State)>,
}

/// Who a send of `week`'s report would reach now (what the dry run says and the scheduler
/// checks before it takes the write path).
pub fn recipient_plan(
    conn: &mut DbConn,
    week: IsoWeek,
    recipients: &[(Channel, String)],
) -> Result<RecipientPlan, ReportError> {
    let id = store::featured_id(conn)?;
    recipient_plan_in(conn, id, week, recipients)
}

/// [`recipient_plan`] for the agreement `agreement_id`'s report.
pub fn recipient_plan_in(
    conn: &mut DbConn,
    agreement_id: i32,
    week: IsoWeek,
    recipients: &[(Channel, String)],
) -> Result<RecipientPlan, ReportError> {
    let frozen = store::find_by_week_in(conn, agreement_id, &week.to_string())?.filter(|r| r.is_sent());
    let existing = match &frozen {
        Some(r) => outbox::for_report(conn, r.id)?,
        None => Vec::new(),
    };
    let mut plan = RecipientPlan { frozen, ..RecipientPlan::default() };
    for (channel, to) in recipients {
        match existing.iter().find(|d| d.channel == *channel && d.recipient == *to) {
            Some(d) => plan.already.push((*channel, to.clone(), d.state)),
            None => plan.to_send.push((*channel, to.clone())),
        }
    }
    Ok(plan)
}

/// What one pass over the outbox did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DeliverySummary {
    pub delivered: usize,
    pub retrying: usize,
    pub failed: usize,
    /// Rows another worker claimed first.
    pub skipped: usize,
}

/// Claims and sends every due delivery, one at a time, as `worker`.
pub async fn deliver_due(
    db: &Db,
    deliverer: &Deliverer,
    worker: &str,
    backoff_base: std::time::Duration,
) -> Result<DeliverySummary, ReportError> {
    deliver_due_until(db, deliverer, worker, backoff_base, &Shutdown::new()).await
}

/// [`deliver_due`] that claims nothing more once `shutdown` is requested; a delivery already
/// claimed is still sent and its outcome recorded, so a stop never leaves it half done.
pub async fn deliver_due_until(
    db: &Db,
    deliverer: &Deliverer,
    worker: &str,
    backoff_base: std::time::Duration,
    shutdown: &Shutdown,
) -> Result<DeliverySummary, ReportError> {
    let mut summary = DeliverySummary::default();
    let now = truncate(crate::clock::now());
    let ids = db.run(move |db| db.read_blocking(|c| outbox::due(c, now, 500).map_err(ReportError::from))).await?;
    for id in ids {
        if shutdown.is_requested() {
            break;
        }
        let w = worker.to_string();
        let claimed = db
            .run(move |db| {
                db.write_blocking(|c| {
                    if !outbox::claim(c, id, &w, truncate(crate::clock::now()))? {
                        return Ok::<_, ReportError>(None);
                    }
                    let delivery = outbox::find(c, id)?;
                    let report = match &delivery {
                        Some(d) => store::find(c, d.report_id)?,
                        None => None,
                    };
                    Ok(delivery.zip(report))
                })
            })
            .await?;
        let Some((delivery, report)) = claimed else {
            summary.skipped += 1;
            continue;
        };
        let result = deliverer.deliver(&delivery, &report).await;
        let w = worker.to_string();
        let state = db
            .run(move |db| {
                db.write_blocking(|c| {
                    outbox::finish(c, id, &w, &result, truncate(crate::clock::now()), backoff_base)
                        .map_err(ReportError::from)
                })
            })
            .await?;
        match state {
            Some(State::Delivered) => summary.delivered += 1,
            Some(State::Pending) => summary.retrying += 1,
            Some(State::Failed) => {
                tracing::warn!(delivery = id, recipient = %delivery.recipient, "report delivery failed for good");
                summary.failed += 1
            }
            _ => summary.skipped += 1,
        }
    }
    Ok(summary)
}
