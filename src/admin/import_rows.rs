//! Storing the rows of an import: each row through the same validation and recording as a form or
//! the API, inside the caller's transaction. Each row runs in a savepoint, so one bad row does
//! not stop the others from being checked; the caller commits only when no row failed.
//!
//! `corrects` of a row names the `event_id` of an EARLIER row of the same file (then it is
//! re-mapped to the id that row gets when stored), or else the id of an event already stored.
//! So an export imported into an empty database gives the same events with the same corrections.

use std::collections::HashMap;

use diesel::Connection;

use std::sync::Arc;

use super::csv_format::{ImportRow, AGREEMENT_COLUMN};
use crate::agreement::{Agreement, Catalogue};
use crate::db::DbConn;
use crate::error::unknown_party;
use crate::events::store::{self, RecordError};
use crate::events::validate::{self, Audience};
use crate::events::Event;

/// What is wrong with one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    pub field: String,
    pub message: String,
}

/// The outcome of one row.
#[derive(Debug, Clone)]
pub enum RowResult {
    Stored(Event),
    Failed(Vec<RowError>),
}

/// The agreement a row goes to: the one its `avtal` cell names, the featured one when the cell is
/// empty or the file has no such column (so files from before there were several still import).
pub fn agreement_of<'c>(catalogue: &'c Catalogue, row: &ImportRow) -> Result<&'c Arc<Agreement>, RowError> {
    match row.agreement.as_deref() {
        None => Ok(catalogue.featured()),
        Some(slug) => catalogue.by_slug(slug).ok_or_else(|| {
            let known: Vec<&str> = catalogue.all().iter().map(|a| a.slug.as_str()).collect();
            RowError {
                line: row.line,
                field: AGREEMENT_COLUMN.into(),
                message: format!(
                    "Kolumnen avtal anger \"{}\", som inte är något avtal här. Skriv ett av: {} (eller lämna den tom för {}).",
                    slug.chars().take(60).collect::<String>(),
                    known.join(", "),
                    catalogue.featured().slug
                ),
            }
        }),
    }
}

/// Records every row in order, each in its own agreement; returns each row's outcome. Database
/// failures (not row errors) end it with an error.
pub fn store_rows(
    conn: &mut DbConn,
    catalogue: &Catalogue,
    rows: &[ImportRow],
    writer: &store::Writer,
    today: chrono::NaiveDate,
) -> Result<Vec<RowResult>, crate::db::DbError> {
    // File event_id → (row line, stored id if the row was stored).
    let mut ids: HashMap<&str, (usize, Option<i32>)> = HashMap::new();
    let file_ids: HashMap<&str, usize> =
        rows.iter().filter_map(|r| r.event_id.as_deref().map(|id| (id, r.line))).rev().collect();
    let mut results = Vec::with_capacity(rows.len());
    for row in rows {
        let fail = |field: &str, message: String| {
            RowResult::Failed(vec![RowError { line: row.line, field: field.into(), message }])
        };
        if let Some(id) = row.event_id.as_deref() {
            if let Some((first, _)) = ids.get(id) {
                results.push(fail(
                    "event_id",
                    format!("event_id {id} finns redan på rad {first}; varje rad ska ha ett eget."),
                ));
                continue;
            }
        }
        let agreement: &Agreement = match agreement_of(catalogue, row) {
            Ok(a) => a,
            Err(e) => {
                remember(&mut ids, row, None);
                results.push(RowResult::Failed(vec![e]));
                continue;
            }
        };
        let mut raw = row.raw.clone();
        if let Some(target) = row.corrects.as_deref() {
            match ids.get(target) {
                Some((_, Some(stored))) => raw.corrects = Some(stored.to_string()),
                Some((line, None)) => {
                    results.push(fail(
                        "corrects",
                        format!("Raden rättar raden med event_id {target} (rad {line}), som har fel. Rätta den först."),
                    ));
                    remember(&mut ids, row, None);
                    continue;
                }
                None if file_ids.get(target).is_some_and(|l| *l > row.line) => {
                    results.push(fail(
                        "corrects",
                        format!(
                            "Raden rättar raden med event_id {target} (rad {}), som kommer senare i filen. \
                             En rättelse ska stå efter det den rättar.",
                            file_ids[target]
                        ),
                    ));
                    remember(&mut ids, row, None);
                    continue;
                }
                None => raw.corrects = Some(target.to_string()),
            }
        }
        if is_withdrawal(&raw) {
            // A withdrawal (as the export writes one): the event in `corrects` withdrawn, the
            // reason in `note`.
            let outcome = match raw.corrects.as_deref().map(|c| c.trim().parse::<i32>()) {
                Some(Ok(target)) => conn
                    .transaction(|c| {
                        store::withdraw_in(
                            c,
                            agreement,
                            Some(&row.party_code),
                            target,
                            raw.note.as_deref(),
                            writer,
                            Audience::Staff,
                        )
                    })
                    .map_err(|e| withdrawal_errors(e, target)),
                _ => Err(Ok(vec![(
                    "corrects",
                    "En rad med status Tillbakadragen ska i kolumnen rättar ange händelsen som dras tillbaka."
                        .to_string(),
                )])),
            };
            match outcome {
                Ok(event) => {
                    remember(&mut ids, row, Some(event.id));
                    results.push(RowResult::Stored(event));
                }
                Err(Ok(errors)) => {
                    remember(&mut ids, row, None);
                    results.push(RowResult::Failed(
                        errors
                            .into_iter()
                            .map(|(field, message)| RowError { line: row.line, field: field.into(), message })
                            .collect(),
                    ));
                }
                Err(Err(e)) => return Err(e),
            }
            continue;
        }
        // A savepoint per row: a refused row leaves nothing behind and the transaction usable.
        let outcome =
            conn.transaction(|c| store::record_in(c, agreement, &row.party_code, &raw, writer, today, Audience::Staff));
        match outcome {
            Ok(event) => {
                remember(&mut ids, row, Some(event.id));
                results.push(RowResult::Stored(event));
            }
            Err(RecordError::UnknownParty(code)) => {
                remember(&mut ids, row, None);
                let message =
                    if code.is_empty() { "Kolumnen kommunkod är tom.".to_string() } else { unknown_party(&code) };
                results.push(fail("party_code", message));
            }
            Err(RecordError::NotInAgreement { party, agreement }) => {
                remember(&mut ids, row, None);
                results.push(fail("party_code", format!("Parten {party} ingår inte i avtalet {agreement}.")));
            }
            Err(RecordError::Invalid(errors)) => {
                remember(&mut ids, row, None);
                results.push(RowResult::Failed(
                    errors
                        .into_iter()
                        .map(|e| RowError { line: row.line, field: e.field.to_string(), message: e.message })
                        .collect(),
                ));
            }
            Err(RecordError::Db(e)) => return Err(e),
        }
    }
    Ok(results)
}

/// A row whose status is the withdrawal's code or label ("withdrawn", "Tillbakadragen").
fn is_withdrawal(raw: &crate::events::validate::RawEvent) -> bool {
    let status = raw.status.as_deref().unwrap_or("").trim().to_lowercase();
    let withdrawn = crate::ratification::Status::Withdrawn;
    status == withdrawn.code() || status == withdrawn.label_sv().to_lowercase()
}

/// A refused withdrawal as row errors by column (the reason is the note column, the event
/// withdrawn the corrects column), or the database error that ends the import.
#[allow(clippy::type_complexity)]
fn withdrawal_errors(e: store::WithdrawError, target: i32) -> Result<Vec<(&'static str, String)>, crate::db::DbError> {
    match e {
        store::WithdrawError::UnknownEvent(_) => {
            Ok(vec![("corrects", format!("Kolumnen rättar anger händelse {target}, som inte finns hos radens part."))])
        }
        store::WithdrawError::Invalid(errors) => {
            Ok(errors.into_iter().map(|e| (if e.field == "reason" { "note" } else { "corrects" }, e.message)).collect())
        }
        store::WithdrawError::Db(e) => Err(e),
    }
}

fn remember<'a>(ids: &mut HashMap<&'a str, (usize, Option<i32>)>, row: &'a ImportRow, stored: Option<i32>) {
    if let Some(id) = row.event_id.as_deref() {
        ids.entry(id).or_insert((row.line, stored));
    }
}

/// Every row error, in row order.
pub fn errors(results: &[RowResult]) -> Vec<RowError> {
    results
        .iter()
        .filter_map(|r| match r {
            RowResult::Failed(e) => Some(e.clone()),
            RowResult::Stored(_) => None,
        })
        .flatten()
        .collect()
}

/// What looks like a mistake in the stored rows but may be right, as the party form warns of it
/// (`validate::warnings`), in row order: importing them needs the editor's confirmation.
pub fn warnings(rows: &[ImportRow], results: &[RowResult], today: chrono::NaiveDate) -> Vec<RowError> {
    rows.iter()
        .zip(results)
        .filter_map(|(row, r)| match r {
            RowResult::Stored(e) => Some((row.line, validate::warnings_of_stored(e, today, Audience::Staff))),
            RowResult::Failed(_) => None,
        })
        .flat_map(|(line, warnings)| {
            warnings.into_iter().map(move |w| RowError { line, field: w.field.to_string(), message: w.message })
        })
        .collect()
}
