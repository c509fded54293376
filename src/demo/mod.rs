//! `ratify demo`: fills a new, empty database with a fictional but plausible history (see
//! [`history`]) through the real write path, in one transaction, plus an editor account, and
//! marks the database as a demo ([`flag`]) so everything it serves says so ([`banner`]; the
//! weekly report writes its own mark from its data's `demo`, see `reports::content`).
//!
//! It refuses a database that holds any event it did not make itself; on a database it already
//! filled it changes nothing and says so.

pub mod banner;
pub mod flag;
pub mod history;

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::accounts::{self, password, AccountError, Role};
use crate::db::schema::events;
use crate::db::{Db, DbError};
use crate::events::store::{self, RecordError};
use crate::events::validate::Audience;

/// `recorded_by` of every demo event (a space, so no account or token name can produce it).
pub const RECORDED_BY: &str = "ratify demo";
/// The editor account `ratify demo` creates.
pub const EDITOR: &str = "demo-redaktor";

#[derive(Debug)]
pub enum Outcome {
    /// The history was recorded; the editor's password is shown once. `second` is the fictional
    /// second agreement's slug and its number of events.
    Filled { events: usize, second: (String, usize), username: String, password: String },
    /// The database already holds the demo; nothing was changed.
    AlreadyDemo,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "databasen innehåller redan {0} händelse(r) som inte kommer från `ratify demo`; exempeldata skrivs bara \
         till en ny, tom databas (ange en annan med --database-url). Ingenting har ändrats."
    )]
    NotEmpty(i64),
    #[error("exempelhändelsen för part {party} godtogs inte: {reason}")]
    Rejected { party: String, reason: String },
    #[error("det påhittade andra avtalet kunde inte läggas upp: {0}")]
    SecondAgreement(String),
    #[error("kontot {EDITOR} kunde inte skapas: {0}")]
    Account(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for DemoError {
    fn from(e: diesel::result::Error) -> Self {
        DemoError::Db(DbError::Query(e))
    }
}

/// Records the demo history as of `today` (migrated and seeded database expected).
pub fn fill(db: &Db, today: NaiveDate) -> Result<Outcome, DemoError> {
    let clear = password::generate();
    let hashed = password::hash(&clear).map_err(|e| DemoError::Account(e.to_string()))?;
    db.write_blocking(|conn| {
        let foreign: i64 = events::table.filter(events::recorded_by.ne(RECORDED_BY)).count().get_result(conn)?;
        if foreign > 0 {
            return Err(DemoError::NotEmpty(foreign));
        }
        if flag::is_demo(conn)? {
            return Ok(Outcome::AlreadyDemo);
        }
        let history = history::events(today);
        let agreement = crate::agreement::load(conn, crate::agreement::DEFAULT_FEATURED)?;
        record_all(conn, &agreement, &history, today)?;
        // The second agreement: defined from its example file through the one definition path.
        let second = define_second(conn)?;
        let second_history = history::second_events(today);
        record_all(conn, &second, &second_history, today)?;
        // The password was printed for anyone at the terminal to see, but the data is fictional:
        // the demo account need not change it before looking around.
        let user = accounts::create_in(conn, EDITOR, &hashed, Role::Editor, false).map_err(|e| match e {
            AccountError::Db(e) => DemoError::Db(e),
            e => DemoError::Account(e.to_string()),
        })?;
        crate::audit::record(
            conn,
            RECORDED_BY,
            crate::audit::Action::AccountCreate,
            &format!("Konto {} (redaktör) skapat av ratify demo.", user.username),
            None,
        )?;
        flag::mark_demo(conn)?;
        Ok(Outcome::Filled {
            events: history.len(),
            second: (second.slug, second_history.len()),
            username: user.username,
            password: clear.clone(),
        })
    })
}

fn define_second(conn: &mut crate::db::DbConn) -> Result<crate::agreement::Agreement, DemoError> {
    let bad = |e: &dyn std::fmt::Display| DemoError::SecondAgreement(e.to_string());
    let file = crate::agreement::spec::parse(history::SECOND_AGREEMENT_FILE).map_err(|e| bad(&e))?;
    let new = crate::agreement::spec::resolve(conn, &file).map_err(|e| match e {
        crate::agreement::spec::SpecError::Db(db) => DemoError::Db(db),
        e => bad(&e),
    })?;
    let defined = crate::agreement::define::define(conn, &new).map_err(|e| match e {
        crate::agreement::define::DefineError::Db(db) => DemoError::Db(db),
        e => bad(&e),
    })?;
    Ok(crate::agreement::load_by_id(conn, defined.id())?)
}

fn record_all(
    conn: &mut crate::db::DbConn,
    agreement: &crate::agreement::Agreement,
    history: &[history::DemoEvent],
    today: NaiveDate,
) -> Result<(), DemoError> {
    let writer = store::Writer { name: RECORDED_BY.to_string(), client_addr: None };
    {
        for e in history {
            store::record_in(conn, agreement, e.party, &e.raw, &writer, today, Audience::Api).map_err(
                |err| match err {
                    RecordError::Db(db) => DemoError::Db(db),
                    RecordError::UnknownParty(code) => {
                        DemoError::Rejected { party: e.party.into(), reason: format!("okänd part {code}") }
                    }
                    err @ RecordError::NotInAgreement { .. } => {
                        DemoError::Rejected { party: e.party.into(), reason: err.to_string() }
                    }
                    RecordError::Invalid(fields) => DemoError::Rejected {
                        party: e.party.into(),
                        reason: fields.iter().map(|f| f.message.clone()).collect::<Vec<_>>().join(" "),
                    },
                },
            )?;
        }
    }
    Ok(())
}

/// The `ratify demo` command: fill `db` (migrated and seeded by the caller); the lines to print
/// on success.
pub fn run(db: &Db) -> Result<(), String> {
    match fill(db, crate::clock::today()).map_err(|e| e.to_string())? {
        Outcome::Filled { events, second: (slug, second_events), username, password } => {
            println!(
                "Exempeldata är inlagd: {events} påhittade händelser i avtalet {}, och {second_events} i det \
                 påhittade avtalet {slug} (/avtal/{slug}).",
                crate::agreement::DEFAULT_FEATURED
            );
            println!("Alla sidor visar nu \"{}\".", banner::TEXT);
            println!("Redaktörskonto: {username}");
            println!("Lösenord (visas bara nu): {password}");
            println!("Starta tjänsten med `ratify` (eller `cargo run --release`) och logga in på /admin/logga-in.");
        }
        Outcome::AlreadyDemo => {
            println!("Databasen innehåller redan exempeldata från `ratify demo`; ingenting har ändrats.");
        }
    }
    Ok(())
}
