//! The `reports` table: per agreement, one numbered row per ISO week with the report's data
//! (JSON), HTML and plain text. Numbers and weeks are the agreement's own: its first report is
//! no. 1. Functions named `*_in` take the agreement; the others are the featured agreement's
//! (hos-2027), as before there were several. A draft (not sent) may be replaced; a sent report is frozen — there is no update
//! path for it here, and the database refuses one (triggers in the migration).
//!
//! The column `sent_at` is the moment a report was frozen. Frozen is not the same as sent: a
//! report frozen while no recipient was configured reached nobody. It counts as sent once it has
//! a delivery (a recipient configured later gets it), see [`delivery_count`].

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::{agreements, report_deliveries, reports};
use crate::db::DbConn;

#[derive(Debug, Clone, PartialEq)]
pub struct StoredReport {
    pub id: i32,
    pub agreement_id: i32,
    /// The agreement's short title (the e-mail subject names it).
    pub agreement_short_title: String,
    pub number: i32,
    pub week: String,
    pub as_of: NaiveDate,
    pub generated_at: DateTime<Utc>,
    pub cutoff: DateTime<Utc>,
    pub data: String,
    pub html: String,
    pub text: String,
    pub sent_at: Option<DateTime<Utc>>,
}

impl StoredReport {
    pub fn is_sent(&self) -> bool {
        self.sent_at.is_some()
    }
}

/// A report's list entry (no bodies).
#[derive(Debug, Clone, PartialEq)]
pub struct ReportSummary {
    pub id: i32,
    pub number: i32,
    pub week: String,
    pub as_of: NaiveDate,
    pub sent_at: Option<DateTime<Utc>>,
    /// Deliveries of it to recipients, whatever their state: none means it reached nobody.
    pub deliveries: i64,
}

impl ReportSummary {
    /// Frozen and addressed to at least one recipient.
    pub fn is_sent_to_anyone(&self) -> bool {
        self.sent_at.is_some() && self.deliveries > 0
    }
}

/// What generation produces for a row.
pub struct NewReport<'a> {
    pub number: i32,
    pub week: &'a str,
    pub as_of: NaiveDate,
    pub generated_at: DateTime<Utc>,
    pub cutoff: DateTime<Utc>,
    pub data: &'a str,
    pub html: &'a str,
    pub text: &'a str,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = reports)]
struct Row {
    id: i32,
    agreement_id: i32,
    number: i32,
    iso_week: String,
    as_of: NaiveDate,
    generated_at: NaiveDateTime,
    cutoff: NaiveDateTime,
    data: String,
    html: String,
    text: String,
    sent_at: Option<NaiveDateTime>,
}

fn from_row((r, agreement_short_title): (Row, String)) -> StoredReport {
    StoredReport {
        id: r.id,
        agreement_id: r.agreement_id,
        agreement_short_title,
        number: r.number,
        week: r.iso_week,
        as_of: r.as_of,
        generated_at: r.generated_at.and_utc(),
        cutoff: r.cutoff.and_utc(),
        data: r.data,
        html: r.html,
        text: r.text,
        sent_at: r.sent_at.map(|t| t.and_utc()),
    }
}

type Boxed<'a> = reports::BoxedQuery<'a, <DbConn as diesel::Connection>::Backend>;

/// Loads the first row of `q` (already filtered and ordered) with its agreement's short title.
fn first(conn: &mut DbConn, q: Boxed<'_>) -> QueryResult<Option<StoredReport>> {
    let Some(row) = q.select(Row::as_select()).first::<Row>(conn).optional()? else {
        return Ok(None);
    };
    let title: String = agreements::table
        .filter(agreements::id.eq(row.agreement_id))
        .select(agreements::short_title)
        .first(conn)
        .optional()?
        .unwrap_or_default();
    Ok(Some(from_row((row, title))))
}

/// The featured agreement's id (hos-2027): what the functions without `_in` act on.
pub fn featured_id(conn: &mut DbConn) -> QueryResult<i32> {
    agreements::table.filter(agreements::slug.eq(crate::agreement::DEFAULT_FEATURED)).select(agreements::id).first(conn)
}

pub fn find_by_week(conn: &mut DbConn, week: &str) -> QueryResult<Option<StoredReport>> {
    let id = featured_id(conn)?;
    find_by_week_in(conn, id, week)
}

pub fn find_by_week_in(conn: &mut DbConn, agreement_id: i32, week: &str) -> QueryResult<Option<StoredReport>> {
    first(
        conn,
        reports::table
            .filter(reports::agreement_id.eq(agreement_id))
            .filter(reports::iso_week.eq(week.to_string()))
            .into_boxed(),
    )
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<Option<StoredReport>> {
    first(conn, reports::table.filter(reports::id.eq(id)).into_boxed())
}

/// The featured agreement's sent report with the highest number.
pub fn latest_sent(conn: &mut DbConn) -> QueryResult<Option<StoredReport>> {
    let id = featured_id(conn)?;
    latest_sent_in(conn, id)
}

/// The agreement's sent report with the highest number.
pub fn latest_sent_in(conn: &mut DbConn, agreement_id: i32) -> QueryResult<Option<StoredReport>> {
    first(
        conn,
        reports::table
            .filter(reports::agreement_id.eq(agreement_id))
            .filter(reports::sent_at.is_not_null())
            .order(reports::number.desc())
            .into_boxed(),
    )
}

/// The agreement's sent report before `week` (by week), if any: whose cut-off this report's
/// changes start at.
pub fn previous_sent_in(conn: &mut DbConn, agreement_id: i32, week: &str) -> QueryResult<Option<StoredReport>> {
    first(
        conn,
        reports::table
            .filter(reports::agreement_id.eq(agreement_id))
            .filter(reports::sent_at.is_not_null())
            .filter(reports::iso_week.lt(week.to_string()))
            .order(reports::iso_week.desc())
            .into_boxed(),
    )
}

/// The featured agreement's reports, newest first; `sent_only` for the public archive.
pub fn list(conn: &mut DbConn, sent_only: bool) -> QueryResult<Vec<ReportSummary>> {
    let id = featured_id(conn)?;
    list_in(conn, id, sent_only)
}

/// The agreement's reports, newest first; `sent_only` for the public archive.
pub fn list_in(conn: &mut DbConn, agreement_id: i32, sent_only: bool) -> QueryResult<Vec<ReportSummary>> {
    let mut q = reports::table
        .filter(reports::agreement_id.eq(agreement_id))
        .select((reports::id, reports::number, reports::iso_week, reports::as_of, reports::sent_at))
        .order(reports::iso_week.desc())
        .into_boxed();
    if sent_only {
        q = q.filter(reports::sent_at.is_not_null());
    }
    let counts: Vec<(i32, i64)> = report_deliveries::table
        .inner_join(reports::table)
        .filter(reports::agreement_id.eq(agreement_id))
        .group_by(report_deliveries::report_id)
        .select((report_deliveries::report_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(q.load::<(i32, i32, String, NaiveDate, Option<NaiveDateTime>)>(conn)?
        .into_iter()
        .map(|(id, number, week, as_of, sent_at)| ReportSummary {
            id,
            number,
            week,
            as_of,
            sent_at: sent_at.map(|t| t.and_utc()),
            deliveries: counts.iter().find(|(r, _)| *r == id).map_or(0, |(_, n)| *n),
        })
        .collect())
}

/// How many deliveries (to any recipient, in any state) the report has.
pub fn delivery_count(conn: &mut DbConn, report_id: i32) -> QueryResult<i64> {
    report_deliveries::table.filter(report_deliveries::report_id.eq(report_id)).count().get_result(conn)
}

/// The number the agreement's next report gets: one more than any of its sent reports.
pub fn next_number_in(conn: &mut DbConn, agreement_id: i32) -> QueryResult<i32> {
    let max: Option<i32> = reports::table
        .filter(reports::agreement_id.eq(agreement_id))
        .filter(reports::sent_at.is_not_null())
        .select(diesel::dsl::max(reports::number))
        .first(conn)?;
    Ok(max.unwrap_or(0) + 1)
}

/// Stores a report of the featured agreement.
pub fn insert(conn: &mut DbConn, r: &NewReport) -> QueryResult<i32> {
    let id = featured_id(conn)?;
    insert_in(conn, id, r)
}

pub fn insert_in(conn: &mut DbConn, agreement_id: i32, r: &NewReport) -> QueryResult<i32> {
    diesel::insert_into(reports::table)
        .values((reports::agreement_id.eq(agreement_id), reports::iso_week.eq(r.week), Content::of(r)))
        .returning(reports::id)
        .get_result(conn)
}

/// Replaces a draft's content; a sent row is never matched (and the database would refuse it).
pub fn replace_draft(conn: &mut DbConn, id: i32, r: &NewReport) -> QueryResult<usize> {
    diesel::update(reports::table.filter(reports::id.eq(id)).filter(reports::sent_at.is_null()))
        .set(Content::of(r))
        .execute(conn)
}

/// What a report row holds besides its agreement and week: written on insert and on replacing
/// a draft.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = reports)]
struct Content<'a> {
    number: i32,
    as_of: NaiveDate,
    generated_at: chrono::NaiveDateTime,
    cutoff: chrono::NaiveDateTime,
    data: &'a str,
    html: &'a str,
    text: &'a str,
}

impl<'a> Content<'a> {
    fn of(r: &NewReport<'a>) -> Self {
        Content {
            number: r.number,
            as_of: r.as_of,
            generated_at: r.generated_at.naive_utc(),
            cutoff: r.cutoff.naive_utc(),
            data: r.data,
            html: r.html,
            text: r.text,
        }
    }
}

/// An agreement has at most one draft: the one being prepared. Its drafts of other weeks are
/// dropped (they were never sent, so nobody has seen them as a report).
pub fn drop_other_drafts_in(conn: &mut DbConn, agreement_id: i32, keep_week: &str) -> QueryResult<usize> {
    diesel::delete(
        reports::table
            .filter(reports::agreement_id.eq(agreement_id))
            .filter(reports::sent_at.is_null())
            .filter(reports::iso_week.ne(keep_week)),
    )
    .execute(conn)
}

/// Freezes the draft as sent; 0 if someone else already did.
pub fn mark_sent(conn: &mut DbConn, id: i32, at: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(reports::table.filter(reports::id.eq(id)).filter(reports::sent_at.is_null()))
        .set(reports::sent_at.eq(Some(at.naive_utc())))
        .execute(conn)
}
