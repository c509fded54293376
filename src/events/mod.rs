//! The decision log: one append-only timeline of events per party. An event records a status
//! (with the meeting, paragraph and minutes when it is a decision); a wrong entry is corrected by
//! a new event that names it, never by changing it, or withdrawn by one (status `withdrawn`,
//! naming it in `corrects`, the reason in `note`) that replaces it with nothing. A withdrawal
//! is stored with status `not_started` and the column `withdrawal` set.

pub mod store;
pub mod validate;
pub mod write;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::events;
use crate::db::DbConn;
use crate::ratification::{EventInput, Status};

/// The bodies that record decisions: kommunfullmäktige (KF), kommunstyrelsen (KS),
/// regionfullmäktige (RF), regionstyrelsen (RS), or another body.
pub const BODIES: [&str; 5] = ["KF", "KS", "RF", "RS", "other"];

/// One stored event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: i32,
    pub party_code: String,
    pub status: Status,
    pub body: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub planned_on: Option<NaiveDate>,
    pub reference: Option<String>,
    pub protocol_url: Option<String>,
    pub posted_on: Option<NaiveDate>,
    pub note: Option<String>,
    pub corrects: Option<i32>,
    /// None: the event decides every instrument of the agreement.
    pub instruments: Option<Vec<String>>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

#[cfg(test)]
impl Event {
    /// An event with only what the unit tests vary; everything optional left out.
    pub(crate) fn for_test(id: i32, code: &str, status: Status, recorded_at: DateTime<Utc>) -> Self {
        Event {
            id,
            party_code: code.into(),
            status,
            body: None,
            decided_on: None,
            planned_on: None,
            reference: None,
            protocol_url: None,
            posted_on: None,
            note: None,
            corrects: None,
            instruments: None,
            recorded_by: "test".into(),
            recorded_at,
        }
    }
}

impl Event {
    /// Whether this event withdraws the one it names (and replaces it with nothing).
    pub fn is_withdrawal(&self) -> bool {
        self.status == Status::Withdrawn
    }

    /// The plain data the rules engine works on.
    pub fn to_input(&self) -> EventInput {
        EventInput {
            id: i64::from(self.id),
            status: self.status,
            decided_on: self.decided_on,
            posted_on: self.posted_on,
            recorded_at: self.recorded_at,
            corrects: self.corrects.map(i64::from),
            instruments: self.instruments.clone(),
        }
    }

    /// The day the event takes effect (decided_on, else the day it was recorded).
    pub fn effective_on(&self) -> NaiveDate {
        crate::ratification::effective_date_of(self.decided_on, self.recorded_at)
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = events)]
struct EventRow {
    id: i32,
    party_code: String,
    status: String,
    body: Option<String>,
    decided_on: Option<NaiveDate>,
    planned_on: Option<NaiveDate>,
    reference: Option<String>,
    protocol_url: Option<String>,
    posted_on: Option<NaiveDate>,
    note: Option<String>,
    corrects: Option<i32>,
    instruments: Option<String>,
    recorded_by: String,
    recorded_at: NaiveDateTime,
    withdrawal: bool,
}

fn from_row(row: EventRow) -> QueryResult<Event> {
    let EventRow {
        id,
        party_code,
        status,
        body,
        decided_on,
        planned_on,
        reference,
        protocol_url,
        posted_on,
        note,
        corrects,
        instruments,
        recorded_by,
        recorded_at,
        withdrawal,
    } = row;
    let status = Status::parse(&status).ok_or_else(|| corrupt(format!("event {id}: unknown status {status}")))?;
    // Stored as 'not_started' with the flag (see the migration event_withdrawal).
    let status = if withdrawal { Status::Withdrawn } else { status };
    let instruments = match instruments {
        None => None,
        Some(json) => Some(
            serde_json::from_str::<Vec<String>>(&json).map_err(|e| corrupt(format!("event {id}: instruments: {e}")))?,
        ),
    };
    Ok(Event {
        id,
        party_code,
        status,
        body,
        decided_on,
        planned_on,
        reference,
        protocol_url,
        posted_on,
        note,
        corrects,
        instruments,
        recorded_by,
        recorded_at: recorded_at.and_utc(),
    })
}

fn corrupt(msg: String) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(msg.into())
}

fn collect(rows: Vec<EventRow>) -> QueryResult<Vec<Event>> {
    rows.into_iter().map(from_row).collect()
}

/// Every event of the agreement, in the order recorded.
pub fn all(conn: &mut DbConn, agreement_id: i32) -> QueryResult<Vec<Event>> {
    collect(
        events::table
            .filter(events::agreement_id.eq(agreement_id))
            .order(events::id.asc())
            .select(EventRow::as_select())
            .load(conn)?,
    )
}

/// The agreement's events with an id above `after`, in the order recorded.
pub fn after_id(conn: &mut DbConn, agreement_id: i32, after: i32) -> QueryResult<Vec<Event>> {
    collect(
        events::table
            .filter(events::agreement_id.eq(agreement_id))
            .filter(events::id.gt(after))
            .order(events::id.asc())
            .select(EventRow::as_select())
            .load(conn)?,
    )
}

/// How many events the agreement has: its change counter, which a trigger moves with every event
/// inserted (and events are never deleted), so one row is read instead of counting them.
pub fn count(conn: &mut DbConn, agreement_id: i32) -> QueryResult<i64> {
    use crate::db::schema::agreement_changes;
    agreement_changes::table
        .filter(agreement_changes::agreement_id.eq(agreement_id))
        .select(agreement_changes::counter)
        .first::<i64>(conn)
        .optional()
        .map(Option::unwrap_or_default)
}

/// Events recorded after `since` (all when None), newest first.
pub fn recorded_since(conn: &mut DbConn, agreement_id: i32, since: Option<DateTime<Utc>>) -> QueryResult<Vec<Event>> {
    let mut query = events::table
        .filter(events::agreement_id.eq(agreement_id))
        .order((events::recorded_at.desc(), events::id.desc()))
        .select(EventRow::as_select())
        .into_boxed();
    if let Some(since) = since {
        query = query.filter(events::recorded_at.gt(since.naive_utc()));
    }
    collect(query.load(conn)?)
}

pub fn find(conn: &mut DbConn, id: i32) -> QueryResult<Option<Event>> {
    events::table
        .filter(events::id.eq(id))
        .select(EventRow::as_select())
        .first::<EventRow>(conn)
        .optional()?
        .map(from_row)
        .transpose()
}

/// The id of the event that corrects `id`, if any.
pub fn corrected_by(conn: &mut DbConn, id: i32) -> QueryResult<Option<i32>> {
    events::table.filter(events::corrects.eq(id)).select(events::id).first(conn).optional()
}
