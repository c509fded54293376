//! The audit trail: an append-only log of every write — who, when, what, from which address.
//! [`record`] is called inside the same transaction as the write it records, so a write and its
//! audit row are stored together or not at all. The table refuses UPDATE and DELETE (triggers), and
//! no code path here offers either.

pub mod client_addr;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use strum::{EnumMessage, EnumString, IntoStaticStr, VariantArray};

use crate::db::schema::audit_log;
use crate::db::DbConn;

pub use client_addr::client_addr;

/// What was done. The code is stored; the label (the message) is shown to staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumString, IntoStaticStr, EnumMessage, VariantArray)]
pub enum Action {
    #[strum(serialize = "event.create", message = "Händelse registrerad")]
    EventCreate,
    #[strum(serialize = "event.correct", message = "Händelse rättad")]
    EventCorrect,
    #[strum(serialize = "import.commit", message = "Import sparad")]
    ImportCommit,
    #[strum(serialize = "login", message = "Inloggning")]
    Login,
    #[strum(serialize = "login.failed", message = "Misslyckad inloggning")]
    LoginFailed,
    #[strum(serialize = "login.refused", message = "Inloggning spärrad")]
    LoginRefused,
    #[strum(serialize = "logout", message = "Utloggning")]
    Logout,
    #[strum(serialize = "password.change", message = "Lösenord bytt")]
    PasswordChange,
    #[strum(serialize = "account.create", message = "Konto skapat")]
    AccountCreate,
    #[strum(serialize = "account.disable", message = "Konto inaktiverat")]
    AccountDisable,
    #[strum(serialize = "account.enable", message = "Konto aktiverat")]
    AccountEnable,
    #[strum(serialize = "account.password_reset", message = "Lösenord återställt")]
    AccountPasswordReset,
    #[strum(serialize = "token.create", message = "API-nyckel skapad")]
    TokenCreate,
    #[strum(serialize = "token.revoke", message = "API-nyckel återkallad")]
    TokenRevoke,
    /// A weekly report frozen as sent (schedule, command line or "Skicka nu").
    #[strum(serialize = "report.sent", message = "Rapport skickad")]
    ReportSent,
    /// A failed report delivery put back in the queue by staff ("Skicka igen").
    #[strum(serialize = "report.delivery_requeued", message = "Rapportleverans skickas igen")]
    ReportDeliveryRequeued,
    /// An agreement's report schedule or recipients changed by an admin.
    #[strum(serialize = "report.settings_change", message = "Rapportinställningar ändrade")]
    ReportSettingsChange,
}

impl Action {
    /// Every action, in declaration order.
    pub const ALL: &'static [Action] = Action::VARIANTS;

    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn label_sv(self) -> &'static str {
        // Every variant has a message (the tests list them); the code is only a fallback.
        self.get_message().unwrap_or_else(|| self.code())
    }

    /// Exact (case-sensitive) match on [`Action::code`].
    pub fn parse(code: &str) -> Option<Action> {
        code.parse().ok()
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

#[cfg(test)]
mod tests {
    use super::Action::{self, *};

    #[test]
    fn action_codes_and_labels_are_unchanged() {
        // Copied from the hand-written tables the strum derives replaced: the codes are stored, so a
        // derive that changes one must fail here.
        let table = [
            (EventCreate, "event.create", "Händelse registrerad"),
            (EventCorrect, "event.correct", "Händelse rättad"),
            (ImportCommit, "import.commit", "Import sparad"),
            (Login, "login", "Inloggning"),
            (LoginFailed, "login.failed", "Misslyckad inloggning"),
            (LoginRefused, "login.refused", "Inloggning spärrad"),
            (Logout, "logout", "Utloggning"),
            (PasswordChange, "password.change", "Lösenord bytt"),
            (AccountCreate, "account.create", "Konto skapat"),
            (AccountDisable, "account.disable", "Konto inaktiverat"),
            (AccountEnable, "account.enable", "Konto aktiverat"),
            (AccountPasswordReset, "account.password_reset", "Lösenord återställt"),
            (TokenCreate, "token.create", "API-nyckel skapad"),
            (TokenRevoke, "token.revoke", "API-nyckel återkallad"),
            (ReportSent, "report.sent", "Rapport skickad"),
            (ReportDeliveryRequeued, "report.delivery_requeued", "Rapportleverans skickas igen"),
            (ReportSettingsChange, "report.settings_change", "Rapportinställningar ändrade"),
        ];
        for (a, code, label) in table {
            assert_eq!(a.code(), code);
            assert_eq!(a.label_sv(), label);
            assert_eq!(Action::parse(code), Some(a));
        }
        // `ALL` lists every action, in declaration order (admin_audit checks each leaves a row).
        assert_eq!(Action::ALL, table.map(|(a, _, _)| a));
        for unknown in
            ["", "Login", "LOGIN", "login ", "login.", "event_create", "EventCreate", "report.settings-change"]
        {
            assert_eq!(Action::parse(unknown), None, "{unknown:?}");
        }
    }
}
