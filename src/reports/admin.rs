//! What the staff pages under `/admin/rapporter` do, as plain functions; the pages themselves are
//! `crate::admin::reports_page`, behind the staff login and CSRF check. Each write takes the
//! acting user's name and address for the audit trail.

use chrono::{DateTime, Utc};

use super::config::ReportConfig;
use super::delivery::outbox::{self, Attempt, Delivery, State};
use super::delivery::Channel;
use super::service::{self, Released};
use super::store::{self, ReportSummary};
use super::week::IsoWeek;
use super::{audit_hook, ReportError};
use crate::db::Db;

/// The week the coming report is for: this week's, unless it was already sent, then next week's.
pub fn coming_week(db: &Db, now: DateTime<Utc>) -> Result<IsoWeek, ReportError> {
    let current = service::current_week(now);
    let sent = db.read_blocking(|c| store::find_by_week(c, &current.to_string()).map_err(ReportError::from))?;
    Ok(if sent.is_some_and(|r| r.is_sent()) { current.next() } else { current })
}

/// Preview of the coming report as it would read now (HTML); nothing is stored.
pub fn preview_html(db: &Db, now: DateTime<Utc>) -> Result<String, ReportError> {
    let week = coming_week(db, now)?;
    db.read_blocking(|c| service::build(c, week, now)).map(|b| b.html)
}

/// "Skicka nu": releases this week's report at once (if this week's was sent, says so). The
/// deliveries are then made by the scheduler, or by `service::deliver_due` right away.
pub fn send_now(
    db: &Db,
    config: &ReportConfig,
    actor: &str,
    client_addr: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Released, ReportError> {
    let week = service::current_week(now);
    let released = service::release_from(db, week, &config.recipients(), config.retry_for, actor, client_addr, now)?;
    if !released.newly_sent {
        return Err(ReportError::AlreadySent { week: released.report.week, number: released.report.number });
    }
    Ok(released)
}

/// How a delivery stands, in the staff's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    Pending,
    Sending,
    Delivered,
    Failed,
    /// An e-mail claimed but never finished (the service stopped mid-send): it may or may not
    /// have arrived, and it is not resent unless a person decides to.
    Unknown,
}

impl DeliveryStatus {
    pub fn label_sv(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "Väntar",
            DeliveryStatus::Sending => "Skickas",
            DeliveryStatus::Delivered => "Levererad",
            DeliveryStatus::Failed => "Misslyckades",
            DeliveryStatus::Unknown => "Okänt utfall",
        }
    }
}

#[derive(Debug, Clone)]
pub struct DeliveryView {
    pub delivery: Delivery,
    pub status: DeliveryStatus,
    pub attempts: Vec<Attempt>,
    /// Whether "Skicka igen" is offered.
    pub can_resend: bool,
}

#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub report: ReportSummary,
    pub deliveries: Vec<DeliveryView>,
}

fn status_of(d: &Delivery, now: DateTime<Utc>, lease: chrono::Duration) -> DeliveryStatus {
    if d.outcome_unknown(now, lease) {
        return DeliveryStatus::Unknown;
    }
    match d.state {
        State::Pending => DeliveryStatus::Pending,
        State::Sending => DeliveryStatus::Sending,
        State::Delivered => DeliveryStatus::Delivered,
        State::Failed => DeliveryStatus::Failed,
    }
}

/// Every report, newest first, with each recipient's delivery status and attempts.
pub fn history(db: &Db, now: DateTime<Utc>, lease: std::time::Duration) -> Result<Vec<HistoryEntry>, ReportError> {
    let lease = chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(10));
    db.read_blocking(|c| {
        let mut out = Vec::new();
        for report in store::list(c, false)? {
            let mut deliveries = Vec::new();
            for d in outbox::for_report(c, report.id)? {
                let status = status_of(&d, now, lease);
                let attempts = outbox::attempts(c, d.id)?;
                let can_resend = matches!(status, DeliveryStatus::Failed | DeliveryStatus::Unknown);
                deliveries.push(DeliveryView { delivery: d, status, attempts, can_resend });
            }
            out.push(HistoryEntry { report, deliveries });
        }
        Ok(out)
    })
}

/// "Skicka igen" for a failed delivery, or an e-mail with unknown outcome (the person accepts
/// that it may arrive twice). A webhook is resent with its original Idempotency-Key.
pub fn resend(
    db: &Db,
    config: &ReportConfig,
    delivery_id: i32,
    actor: &str,
    client_addr: Option<&str>,
    now: DateTime<Utc>,
    lease: std::time::Duration,
) -> Result<Delivery, ReportError> {
    let now = service::truncate(now);
    let retry_for = chrono::Duration::from_std(config.retry_for).unwrap_or(chrono::Duration::days(1));
    let lease = chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(10));
    let delivery = db.write_blocking(|c| {
        let Some(d) = outbox::find(c, delivery_id)? else {
            return Err(ReportError::UnknownDelivery(delivery_id));
        };
        if !outbox::requeue(c, delivery_id, now, retry_for, lease)? {
            let state = status_of(&d, now, lease).label_sv();
            return Err(ReportError::NotResendable { id: delivery_id, state });
        }
        let d = outbox::find(c, delivery_id)?.ok_or(ReportError::UnknownDelivery(delivery_id))?;
        audit_hook::delivery_requeued(c, actor, client_addr, d.id, &d.recipient)?;
        Ok(d)
    })?;
    Ok(delivery)
}

/// For listing: the channel label and recipient of a delivery.
pub fn recipient_label(d: &Delivery) -> String {
    match d.channel {
        Channel::Webhook => format!("Webhook {}", d.recipient),
        Channel::Email => format!("E-post {}", d.recipient),
    }
}
