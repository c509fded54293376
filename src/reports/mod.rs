//! The weekly status report to SRO (politiskt samrådsorgan, the politicians of the region and
//! the municipalities): built from the decision log for one ISO week, stored immutably once sent,
//! released on a schedule and delivered exactly once per recipient by webhook and e-mail.
//!
//! Where things are: [`week`] the ISO week, [`content`] what a report says, [`render`] HTML, map
//! and plain text, [`store`] the reports table, [`schedule`] when it runs, [`service`] generate /
//! release / deliver, [`delivery`] the outbox, webhook and e-mail, [`worker`] the scheduler loop,
//! [`archive`] the public archive `/rapporter`, [`admin`] what the staff pages do, [`cli`]
//! `ratify report …`, [`config`] the settings, [`settings`] the settings of agreements other than
//! the featured one (each agreement's reports are numbered, archived and delivered apart).

pub mod admin;
pub mod archive;
pub mod cli;
pub mod config;
pub mod content;
pub mod delivery;
pub mod render;
pub mod schedule;
pub mod service;
pub mod settings;
pub mod status;
pub mod store;
pub mod week;
pub mod worker;

pub use archive::configure;
pub use config::ReportConfig;

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("vecka {week} har inte börjat än (det är nu vecka {current})")]
    FutureWeek { week: String, current: String },
    #[error("vecka {week} ligger före den senast skickade rapporten (nr {number}, vecka {last}); en äldre vecka kan inte skickas i efterhand")]
    BeforeLatestSent { week: String, number: i32, last: String },
    #[error("rapporten för vecka {week} är redan skickad (nr {number})")]
    AlreadySent { week: String, number: i32 },
    /// Frozen while no recipient was configured, and none is configured now: it reached nobody.
    #[error("rapporten för vecka {week} (nr {number}) är sparad men inte skickad: inga mottagare är inställda")]
    NoRecipients { week: String, number: i32 },
    #[error("leverans {0} finns inte")]
    UnknownDelivery(i32),
    #[error("leverans {id} kan inte skickas igen: den är {state}")]
    NotResendable { id: i32, state: &'static str },
    #[error(transparent)]
    Setup(#[from] delivery::SetupError),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("rapporten kunde inte göras om till JSON: {0}")]
    Json(String),
}

impl From<diesel::result::Error> for ReportError {
    fn from(e: diesel::result::Error) -> Self {
        ReportError::Db(DbError::Query(e))
    }
}

/// The weekly report's rows in the audit trail ([`crate::audit`]): every release of a report and
/// every staff resend, written inside the transaction of the write itself.
pub mod audit_hook {
    use super::store::StoredReport;
    use crate::audit::{self, Action};
    use crate::db::DbConn;

    /// A report was frozen and `deliveries` deliveries were enqueued (none: stored, not sent). `actor` is
    /// `schema:<worker>`, the command line's actor, or the staff user's name.
    pub fn report_sent(
        conn: &mut DbConn,
        actor: &str,
        client_addr: Option<&str>,
        slug: &str,
        report: &StoredReport,
        deliveries: usize,
    ) -> diesel::QueryResult<()> {
        let details = if deliveries == 0 {
            format!(
                "Rapport nr {} för vecka {} sparad utan mottagare (inga var inställda).",
                report.number, report.week
            )
        } else {
            format!("Rapport nr {} för vecka {} skickad till {deliveries} mottagare.", report.number, report.week)
        };
        audit::record(conn, actor, Action::ReportSent, &in_agreement(slug, details), client_addr)
    }

    /// A frozen report was enqueued for `deliveries` recipients configured after it was frozen.
    pub fn report_sent_to_added(
        conn: &mut DbConn,
        actor: &str,
        client_addr: Option<&str>,
        slug: &str,
        report: &StoredReport,
        deliveries: usize,
    ) -> diesel::QueryResult<()> {
        let details = format!(
            "Rapport nr {} för vecka {} skickad till {deliveries} mottagare som ställts in efter att den sparades.",
            report.number, report.week
        );
        audit::record(conn, actor, Action::ReportSent, &in_agreement(slug, details), client_addr)
    }

    /// The featured agreement's rows read as before there were several; another's name it.
    fn in_agreement(slug: &str, details: String) -> String {
        if slug == crate::agreement::DEFAULT_FEATURED {
            details
        } else {
            format!("Avtalet {slug}: {details}")
        }
    }

    /// A staff user put a failed (or unknown-outcome) delivery back in the queue.
    pub fn delivery_requeued(
        conn: &mut DbConn,
        actor: &str,
        client_addr: Option<&str>,
        delivery_id: i32,
        recipient: &str,
    ) -> diesel::QueryResult<()> {
        let details = format!("Leverans {delivery_id} av rapporten till {recipient} skickas igen.");
        audit::record(conn, actor, Action::ReportDeliveryRequeued, &details, client_addr)
    }
}
