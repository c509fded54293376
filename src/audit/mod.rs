//! The audit trail: an append-only log of every write — who, when, what, from which address.
//! [`record`] is called inside the same transaction as the write it records, so a write and its
//! audit row are stored together or not at all. The table refuses UPDATE and DELETE (triggers), and
//! no code path here offers either.

pub mod client_addr;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::audit_log;
use crate::db::DbConn;

pub use client_addr::client_addr;

/// What was done. The code is stored; the label is shown to staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    EventCreate,
    EventCorrect,
    ImportCommit,
    Login,
    LoginFailed,
    LoginRefused,
    Logout,
    PasswordChange,
    AccountCreate,
    AccountDisable,
    AccountEnable,
    AccountPasswordReset,
    TokenCreate,
    TokenRevoke,
    /// A weekly report frozen as sent (schedule, command line or "Skicka nu").
    ReportSent,
    /// A failed report delivery put back in the queue by staff ("Skicka igen").
    ReportDeliveryRequeued,
    /// An agreement's report schedule or recipients changed by an admin.
    ReportSettingsChange,
}

impl Action {
    pub const ALL: [Action; 17] = [
        Action::EventCreate,
        Action::EventCorrect,
        Action::ImportCommit,
        Action::Login,
        Action::LoginFailed,
        Action::LoginRefused,
        Action::Logout,
        Action::PasswordChange,
        Action::AccountCreate,
        Action::AccountDisable,
        Action::AccountEnable,
        Action::AccountPasswordReset,
        Action::TokenCreate,
        Action::TokenRevoke,
        Action::ReportSent,
        Action::ReportDeliveryRequeued,
        Action::ReportSettingsChange,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Action::EventCreate => "event.create",
            Action::EventCorrect => "event.correct",
            Action::ImportCommit => "import.commit",
            Action::Login => "login",
            Action::LoginFailed => "login.failed",
            Action::LoginRefused => "login.refused",
            Action::Logout => "logout",
            Action::PasswordChange => "password.change",
            Action::AccountCreate => "account.create",
            Action::AccountDisable => "account.disable",
            Action::AccountEnable => "account.enable",
            Action::AccountPasswordReset => "account.password_reset",
            Action::TokenCreate => "token.create",
            Action::TokenRevoke => "token.revoke",
            Action::ReportSent => "report.sent",
            Action::ReportDeliveryRequeued => "report.delivery_requeued",
            Action::ReportSettingsChange => "report.settings_change",
        }
    }

    pub fn label_sv(self) -> &'static str {
        match self {
            Action::EventCreate => "Händelse registrerad",
            Action::EventCorrect => "Händelse rättad",
            Action::ImportCommit => "Import sparad",
            Action::Login => "Inloggning",
            Action::LoginFailed => "Misslyckad inloggning",
            Action::LoginRefused => "Inloggning spärrad",
            Action::Logout => "Utloggning",
            Action::PasswordChange => "Lösenord bytt",
            Action::AccountCreate => "Konto skapat",
            Action::AccountDisable => "Konto inaktiverat",
            Action::AccountEnable => "Konto aktiverat",
            Action::AccountPasswordReset => "Lösenord återställt",
            Action::TokenCreate => "API-nyckel skapad",
            Action::TokenRevoke => "API-nyckel återkallad",
            Action::ReportSent => "Rapport skickad",
            Action::ReportDeliveryRequeued => "Rapportleverans skickas igen",
            Action::ReportSettingsChange => "Rapportinställningar ändrade",
        }
    }

    pub fn parse(code: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// The actor name used for writes made from the command line.
pub const CLI_ACTOR: &str = "kommandoraden";

/// Appends one row. Call it inside the transaction of the write it records.
pub fn record(
    conn: &mut DbConn,
    actor: &str,
    action: Action,
    details: &str,
    client_addr: Option<&str>,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(crate::clock::now().naive_utc()),
            audit_log::actor.eq(clip(actor, 200)),
            audit_log::action.eq(action.code()),
            audit_log::details.eq(clip(details, 4000)),
            audit_log::client_addr.eq(client_addr),
        ))
        .execute(conn)?;
    Ok(())
}

/// One row of the audit trail.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: i32,
    pub at: DateTime<Utc>,
    pub actor: String,
    /// The stored code; [`Action::parse`] gives the label.
    pub action: String,
    pub details: String,
    pub client_addr: Option<String>,
}

impl Entry {
    pub fn action_label(&self) -> &str {
        Action::parse(&self.action).map(Action::label_sv).unwrap_or(&self.action)
    }
}

type Row = (i32, NaiveDateTime, String, String, String, Option<String>);

fn from_row((id, at, actor, action, details, client_addr): Row) -> Entry {
    Entry { id, at: at.and_utc(), actor, action, details, client_addr }
}

const COLUMNS: (
    audit_log::id,
    audit_log::at,
    audit_log::actor,
    audit_log::action,
    audit_log::details,
    audit_log::client_addr,
) = (audit_log::id, audit_log::at, audit_log::actor, audit_log::action, audit_log::details, audit_log::client_addr);

/// A page of the trail, newest first (`page` counts from 1).
pub fn page(conn: &mut DbConn, page: i64, per_page: i64) -> QueryResult<Vec<Entry>> {
    // Saturating: a page number from a URL must not overflow (the caller bounds it to the last page).
    let offset = (page.max(1) - 1).saturating_mul(per_page);
    Ok(audit_log::table
        .select(COLUMNS)
        .order(audit_log::id.desc())
        .limit(per_page)
        .offset(offset)
        .load::<Row>(conn)?
        .into_iter()
        .map(from_row)
        .collect())
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    audit_log::table.count().get_result(conn)
}

/// What the details of a row that names the agreement `slug` look like: "… i avtalet SLUG för
/// part …" (an event), "… i avtalet SLUG." or "… i avtalen A, SLUG." (an import). Slugs are
/// a–z, 0–9 and hyphens (`agreement::spec::parse_slug`), so none of LIKE's wildcards can occur in one.
fn agreement_patterns(slug: &str) -> [String; 5] {
    [
        format!("% i avtalet {slug} %"),
        format!("% i avtalet {slug}."),
        format!("% i avtalen {slug},%"),
        format!("% i avtalen %, {slug},%"),
        format!("% i avtalen %, {slug}."),
    ]
}

/// Rows written before an agreement was named in them (logins, accounts, older events) match no
/// agreement.
macro_rules! naming_agreement {
    ($slug:expr) => {{
        let [a, b, c, d, e] = agreement_patterns($slug);
        audit_log::details
            .like(a)
            .or(audit_log::details.like(b))
            .or(audit_log::details.like(c))
            .or(audit_log::details.like(d))
            .or(audit_log::details.like(e))
    }};
}

/// A page of the rows that name the agreement `slug`, newest first.
pub fn page_of_agreement(conn: &mut DbConn, slug: &str, page: i64, per_page: i64) -> QueryResult<Vec<Entry>> {
    let offset = (page.max(1) - 1).saturating_mul(per_page);
    Ok(audit_log::table
        .select(COLUMNS)
        .filter(naming_agreement!(slug))
        .order(audit_log::id.desc())
        .limit(per_page)
        .offset(offset)
        .load::<Row>(conn)?
        .into_iter()
        .map(from_row)
        .collect())
}

pub fn count_of_agreement(conn: &mut DbConn, slug: &str) -> QueryResult<i64> {
    audit_log::table.filter(naming_agreement!(slug)).count().get_result(conn)
}

/// Up to `limit` rows with an id above `after_id`, oldest first: the CSV export reads the trail in
/// such chunks (keyed on the id, so a chunk costs the same at the end of a long log as at its start).
pub fn after(conn: &mut DbConn, after_id: i32, limit: i64) -> QueryResult<Vec<Entry>> {
    Ok(audit_log::table
        .select(COLUMNS)
        .filter(audit_log::id.gt(after_id))
        .order(audit_log::id.asc())
        .limit(limit)
        .load::<Row>(conn)?
        .into_iter()
        .map(from_row)
        .collect())
}

/// The whole trail, oldest first.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Entry>> {
    Ok(audit_log::table
        .select(COLUMNS)
        .order(audit_log::id.asc())
        .load::<Row>(conn)?
        .into_iter()
        .map(from_row)
        .collect())
}

fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// The audit row of a recorded event (a new one or a correction).
pub fn record_event(
    conn: &mut DbConn,
    actor: &str,
    agreement: &crate::agreement::Agreement,
    event: &crate::events::Event,
    client_addr: Option<&str>,
) -> QueryResult<()> {
    let mut details = format!(
        "Händelse {} i avtalet {} för part {}: {} ({})",
        event.id,
        agreement.slug,
        event.party_code,
        event.status.label_sv(),
        event.status.code()
    );
    if let Some(d) = event.decided_on {
        details.push_str(&format!(", beslutsdatum {d}"));
    }
    if let Some(r) = &event.reference {
        details.push_str(&format!(", {r}"));
    }
    let action = match event.corrects {
        Some(target) => {
            details.push_str(&format!(". Rättar händelse {target}"));
            if let Some(note) = &event.note {
                details.push_str(&format!(": {note}"));
            }
            Action::EventCorrect
        }
        None => Action::EventCreate,
    };
    details.push('.');
    record(conn, actor, action, &details, client_addr)
}
