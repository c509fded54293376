//! Recording an event: validation, the checks that need the database, and the insert — in one
//! transaction, so a refused event leaves nothing behind.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::validate::{self, validate, Audience, FieldError, RawEvent, ValidEvent};
use super::Event;
use crate::agreement::{self, Agreement};
use crate::db::schema::events;
use crate::db::{DbConn, DbError};
use crate::parties;
use crate::ratification::Status;

/// Who writes: the name stored as `recorded_by` and in the audit row, and the client's address
/// for the audit row (none for the command line).
#[derive(Debug, Clone)]
pub struct Writer {
    pub name: String,
    pub client_addr: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("okänd part {0}")]
    UnknownParty(String),
    /// The party is in the registry but not one of the agreement's.
    #[error("parten {party} ingår inte i avtalet {agreement}")]
    NotInAgreement { party: String, agreement: String },
    #[error("ogiltig händelse")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Why an event could not be withdrawn.
#[derive(Debug, thiserror::Error)]
pub enum WithdrawError {
    /// No such event (or not the party's the caller named).
    #[error("okänd händelse {0}")]
    UnknownEvent(i32),
    #[error("ogiltigt tillbakadragande")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<DieselError> for WithdrawError {
    fn from(e: DieselError) -> Self {
        WithdrawError::Db(DbError::Query(e))
    }
}

impl From<DieselError> for RecordError {
    fn from(e: DieselError) -> Self {
        RecordError::Db(DbError::Query(e))
    }
}

/// Validates and stores one event of `agreement` for `party_code`, with its audit row, inside a
/// transaction the caller holds ([`super::write::commit`]; an import stores many in one).
/// Refusals are phrased for `audience` (field codes for the API, the form's labels for the staff
/// pages).
pub fn record_in(
    conn: &mut DbConn,
    agreement: &Agreement,
    party_code: &str,
    raw: &RawEvent,
    writer: &Writer,
    today: NaiveDate,
    audience: Audience,
) -> Result<Event, RecordError> {
    lock_party(conn, party_code)?;
    let party = parties::find(conn, party_code)?.ok_or_else(|| RecordError::UnknownParty(party_code.to_string()))?;
    if !agreement::has_party(conn, agreement.id, party_code)? {
        return Err(RecordError::NotInAgreement { party: party.name, agreement: agreement.short_title.clone() });
    }
    let valid = validate(raw, &party, agreement, today, audience).map_err(RecordError::Invalid)?;
    if let Some(target) = valid.corrects {
        check_correction(conn, agreement.id, party_code, target, audience)?;
    }
    let id = insert(conn, agreement.id, party_code, &valid, &writer.name).map_err(|e| match e {
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
    let event = super::find(conn, id)?.ok_or(RecordError::Db(DbError::Query(DieselError::NotFound)))?;
    crate::audit::record_event(conn, &writer.name, agreement, &event, writer.client_addr.as_deref())?;
    Ok(event)
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
    if let (Status::Withdrawn, Some(withdrawn)) = (event.status, event.corrects) {
        return refuse(format!(
            "{field} anger händelse {target}, som drar tillbaka händelse {withdrawn}. Ett tillbakadragande kan \
             inte rättas: var händelse {withdrawn} rätt, registrera den på nytt."
        ));
    }
    if let Some(by) = super::corrected_by(conn, target)? {
        return refuse(already_replaced(conn, field, target, by)?);
    }
    Ok(())
}

/// Why event `target`, already corrected or withdrawn by event `by`, cannot be replaced again.
fn already_replaced(conn: &mut DbConn, field: &str, target: i32, by: i32) -> QueryResult<String> {
    Ok(match super::find(conn, by)? {
        Some(e) if e.is_withdrawal() => format!(
            "{field}: händelse {target} är redan tillbakadragen (händelse {by}). Registrera i stället en ny händelse."
        ),
        _ => format!("{field}: händelse {target} är redan rättad av händelse {by}. Rätta i stället den händelsen."),
    })
}

/// Withdraws event `target` of `agreement`, entered by mistake: stores a correction of it with
/// status `withdrawn` and `reason` as its note, which replaces it with nothing (the rules engine
/// then treats it as never recorded; both stay in the log). With `party_code`, an event of
/// another party is unknown; so is one of another agreement. Inside a transaction the caller
/// holds, as [`record_in`].
pub fn withdraw_in(
    conn: &mut DbConn,
    agreement: &Agreement,
    party_code: Option<&str>,
    target: i32,
    reason: Option<&str>,
    writer: &Writer,
    audience: Audience,
) -> Result<Event, WithdrawError> {
    let event = super::find(conn, target)?
        .filter(|e| party_code.is_none_or(|code| e.party_code == code))
        .ok_or(WithdrawError::UnknownEvent(target))?;
    lock_party(conn, &event.party_code)?;
    let in_agreement: i64 = events::table
        .filter(events::id.eq(target))
        .filter(events::agreement_id.eq(agreement.id))
        .count()
        .get_result(conn)?;
    if in_agreement == 0 {
        return Err(WithdrawError::UnknownEvent(target));
    }
    let field = format!("Händelse {target}");
    let refuse = |msg: String| Err(WithdrawError::Invalid(vec![FieldError::new("id", msg)]));
    if let (Status::Withdrawn, Some(withdrawn)) = (event.status, event.corrects) {
        return refuse(format!(
            "{field} drar själv tillbaka händelse {withdrawn} och kan inte dras tillbaka. Var händelse \
             {withdrawn} rätt, registrera den på nytt."
        ));
    }
    if let Some(by) = super::corrected_by(conn, target)? {
        return refuse(already_replaced(conn, "Tillbakadragandet", target, by)?);
    }
    let reason = validate::withdrawal_reason(reason, audience).map_err(|e| WithdrawError::Invalid(vec![e]))?;
    let valid = ValidEvent {
        status: Status::Withdrawn,
        body: None,
        decided_on: None,
        planned_on: None,
        reference: None,
        protocol_url: None,
        posted_on: None,
        note: Some(reason),
        corrects: Some(target),
        instruments: None,
    };
    let id = insert(conn, agreement.id, &event.party_code, &valid, &writer.name).map_err(|e| match e {
        // Two editors replacing the same event at once: the unique index on `corrects` lets one in.
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => WithdrawError::Invalid(vec![
            FieldError::new(
                "id",
                format!(
                    "Händelse {target} har just rättats eller dragits tillbaka av någon annan. Läs in partens historik på nytt."
                ),
            ),
        ]),
        e => WithdrawError::from(e),
    })?;
    let withdrawal = super::find(conn, id)?.ok_or(WithdrawError::Db(DbError::Query(DieselError::NotFound)))?;
    crate::audit::record_event(conn, &writer.name, agreement, &withdrawal, writer.client_addr.as_deref())?;
    Ok(withdrawal)
}

fn insert(
    conn: &mut DbConn,
    agreement_id: i32,
    party_code: &str,
    e: &ValidEvent,
    recorded_by: &str,
) -> Result<i32, DieselError> {
    let withdrawal = e.status == Status::Withdrawn;
    let instruments = match &e.instruments {
        Some(list) => Some(serde_json::to_string(list).map_err(|err| DieselError::SerializationError(err.into()))?),
        None => None,
    };
    diesel::insert_into(events::table)
        .values((
            events::agreement_id.eq(agreement_id),
            events::party_code.eq(party_code),
            // A withdrawal is stored as "nothing recorded" with its flag (migration event_withdrawal).
            events::status.eq(if withdrawal { Status::NotStarted.code() } else { e.status.code() }),
            events::withdrawal.eq(withdrawal),
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
        .inspect(|_| super::write::note_recorded())
}
