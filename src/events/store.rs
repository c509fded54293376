//! Recording an event: validation, the checks that need the database, and the insert — in one
//! transaction, so a refused event leaves nothing behind.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::validate::{validate, Audience, FieldError, RawEvent, ValidEvent};
use super::Event;
use crate::agreement::{self, AGREEMENT_SLUG};
use crate::db::schema::events;
use crate::db::{Db, DbConn, DbError};
use crate::parties;

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("okänd part {0}")]
    UnknownParty(String),
    #[error("ogiltig händelse")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<DieselError> for RecordError {
    fn from(e: DieselError) -> Self {
        RecordError::Db(DbError::Query(e))
    }
}

/// Validates and stores one event for `party_code`, recorded by `recorded_by`.
pub fn record(
    db: &Db,
    party_code: &str,
    raw: &RawEvent,
    recorded_by: &str,
    today: NaiveDate,
    audience: Audience,
) -> Result<Event, RecordError> {
    db.write_blocking(|conn| record_in(conn, party_code, raw, recorded_by, today, audience))
}

/// The same, inside a transaction the caller holds (an import stores many in one). Refusals are
/// phrased for `audience` (field codes for the API, the form's labels for the staff pages).
pub fn record_in(
    conn: &mut DbConn,
    party_code: &str,
    raw: &RawEvent,
    recorded_by: &str,
    today: NaiveDate,
    audience: Audience,
) -> Result<Event, RecordError> {
    lock_party(conn, party_code)?;
    let agreement = agreement::load(conn, AGREEMENT_SLUG)?;
    let party = parties::find(conn, party_code)?.ok_or_else(|| RecordError::UnknownParty(party_code.to_string()))?;
    let valid = validate(raw, &party, &agreement, today, audience).map_err(RecordError::Invalid)?;
    if let Some(target) = valid.corrects {
        check_correction(conn, agreement.id, party_code, target, audience)?;
    }
    let id = insert(conn, agreement.id, party_code, &valid, recorded_by).map_err(|e| match e {
        // Two editors correcting the same event at once: the unique index on `corrects` lets one in.
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) if valid.corrects.is_some() => {
            RecordError::Invalid(vec![FieldError::new(
                "corrects",
                format!(
                    "{}: händelsen har redan rättats av en annan händelse. Läs in partens historik på nytt.",
                    corrects_field(audience)
                ),
            )])
        }
        e => RecordError::from(e),
    })?;
    super::find(conn, id)?.ok_or(RecordError::Db(DbError::Query(DieselError::NotFound)))
}

/// Locks the party's row until the transaction ends (PostgreSQL; SQLite has one writer at a time
/// already). Writers of one party's events then take turns, so event ids grow in commit order and
/// a check on "the latest event" followed by an insert cannot miss an event committed in between.
pub fn lock_party(conn: &mut DbConn, party_code: &str) -> QueryResult<()> {
    if let DbConn::Postgresql(pg) = conn {
        diesel::sql_query("SELECT code FROM parties WHERE code = $1 FOR UPDATE")
            .bind::<diesel::sql_types::Text, _>(party_code)
            .execute(pg)?;
    }
    Ok(())
}

/// How a refusal of a correction names what is refused.
fn corrects_field(audience: Audience) -> &'static str {
    match audience {
        Audience::Api => "Fältet corrects",
        Audience::Staff => "Rättelsen",
    }
}

fn check_correction(
    conn: &mut DbConn,
    agreement_id: i32,
    party_code: &str,
    target: i32,
    audience: Audience,
) -> Result<(), RecordError> {
    let refuse = |msg: String| Err(RecordError::Invalid(vec![FieldError::new("corrects", msg)]));
    let field = corrects_field(audience);
    let Some(event) = super::find(conn, target)? else {
        return refuse(format!("{field} anger händelse {target}, som inte finns."));
    };
    if event.party_code != party_code {
        return refuse(format!("{field} anger händelse {target}, som tillhör en annan part ({}).", event.party_code));
    }
    let in_agreement: i64 = events::table
        .filter(events::id.eq(target))
        .filter(events::agreement_id.eq(agreement_id))
        .count()
        .get_result(conn)?;
    if in_agreement == 0 {
        return refuse(format!("{field} anger händelse {target}, som gäller ett annat avtal."));
    }
    if let Some(by) = super::corrected_by(conn, target)? {
        return refuse(format!(
            "{field}: händelse {target} är redan rättad av händelse {by}. Rätta i stället den händelsen."
        ));
    }
    Ok(())
}

fn insert(
    conn: &mut DbConn,
    agreement_id: i32,
    party_code: &str,
    e: &ValidEvent,
    recorded_by: &str,
) -> Result<i32, DieselError> {
    let instruments = match &e.instruments {
        Some(list) => Some(serde_json::to_string(list).map_err(|err| DieselError::SerializationError(err.into()))?),
        None => None,
    };
    diesel::insert_into(events::table)
        .values((
            events::agreement_id.eq(agreement_id),
            events::party_code.eq(party_code),
            events::status.eq(e.status.code()),
            events::body.eq(&e.body),
            events::decided_on.eq(e.decided_on),
            events::planned_on.eq(e.planned_on),
            events::reference.eq(&e.reference),
            events::protocol_url.eq(&e.protocol_url),
            events::posted_on.eq(e.posted_on),
            events::note.eq(&e.note),
            events::corrects.eq(e.corrects),
            events::instruments.eq(instruments),
            events::recorded_by.eq(recorded_by),
            events::recorded_at.eq(crate::clock::now().naive_utc()),
        ))
        .returning(events::id)
        .get_result(conn)
}
