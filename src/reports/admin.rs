//! What the staff pages under `/admin/rapporter` do, as plain functions; the pages themselves are
//! `crate::admin::reports_page`, behind the staff login and CSRF check. Each write takes the
//! acting user's name and address for the audit trail.

use chrono::{DateTime, Utc};
use strum::EnumMessage;

use super::config::ReportConfig;
use super::delivery::outbox::{self, Attempt, Delivery, State};
use super::delivery::Channel;
use super::service::{self, Released};
use super::store::{self, ReportSummary};
use super::week::IsoWeek;
use super::{audit_hook, ReportError};
use crate::agreement::Agreement;
use crate::db::Db;

fn featured(db: &Db) -> Result<Agreement, ReportError> {
    db.read_blocking(|c| crate::agreement::load(c, crate::agreement::DEFAULT_FEATURED).map_err(ReportError::from))
}

/// The week the featured agreement's coming report is for (see [`coming_week_in`]).
pub fn coming_week(db: &Db, now: DateTime<Utc>) -> Result<IsoWeek, ReportError> {
    coming_week_in(db, featured(db)?.id, now)
}

/// The week the agreement's coming report is for: this week's, unless it was already sent, then
/// next week's.
pub fn coming_week_in(db: &Db, agreement_id: i32, now: DateTime<Utc>) -> Result<IsoWeek, ReportError> {
    let current = service::current_week(now);
    let sent =
        db.read_blocking(|c| store::find_by_week_in(c, agreement_id, &current.to_string()).map_err(ReportError::from))?;
    Ok(if sent.is_some_and(|r| r.is_sent()) { current.next() } else { current })
}

/// Preview of the featured agreement's coming report as it would read now (HTML).
pub fn preview_html(db: &Db, now: DateTime<Utc>) -> Result<String, ReportError> {
    preview_html_in(db, &featured(db)?, now)
}

/// Preview of the agreement's coming report as it would read now (HTML); nothing is stored.
pub fn preview_html_in(db: &Db, agreement: &Agreement, now: DateTime<Utc>) -> Result<String, ReportError> {
    let week = coming_week_in(db, agreement.id, now)?;
    db.read_blocking(|c| service::build_in(c, agreement, week, now)).map(|b| b.html)
}

/// "Skicka nu": releases this week's report at once, or sends this week's frozen report to the
/// recipients configured since it was frozen (if every recipient has it, says so; if it was
/// frozen with nobody configured and still nobody is, says that instead). The
/// deliveries are then made by the scheduler, or by `service::deliver_due` right away.
pub fn send_now(
    db: &Db,
    config: &ReportConfig,
    actor: &str,
    client_addr: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Released, ReportError> {
    send_now_for(db, &featured(db)?, config, actor, client_addr, now)
}

/// [`send_now`] of `agreement`'s report to the recipients in `config` (the agreement's, see
/// [`super::settings::config_for`]).
pub fn send_now_for(
    db: &Db,
    agreement: &Agreement,
    config: &ReportConfig,
    actor: &str,
    client_addr: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Released, ReportError> {
    let week = service::current_week(now);
    let recipients = config.recipients();
    let released = service::release_for(db, agreement, week, &recipients, config.retry_for, actor, client_addr, now)?;
    if !released.newly_sent && released.enqueued == 0 {
        let (week, number) = (released.report.week, released.report.number);
        let reached = db.read_blocking(|c| store::delivery_count(c, released.report.id).map_err(ReportError::from))?;
        return Err(if reached == 0 {
            ReportError::NoRecipients { week, number }
        } else {
            ReportError::AlreadySent { week, number }
        });
    }
    Ok(released)
}

/// How a delivery stands, in the staff's words (the message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumMessage)]
pub enum DeliveryStatus {
    #[strum(message = "Väntar")]
    Pending,
    #[strum(message = "Skickas")]
    Sending,
    #[strum(message = "Levererad")]
    Delivered,
    #[strum(message = "Misslyckades")]
    Failed,
    /// An e-mail claimed but never finished (the service stopped mid-send): it may or may not
    /// have arrived, and it is not resent unless a person decides to.
    #[strum(message = "Okänt utfall")]
    Unknown,
}

impl DeliveryStatus {
    pub fn label_sv(self) -> &'static str {
        // Every variant has a message (the tests list them); an empty label is only a fallback.
        self.get_message().unwrap_or_default()
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

/// Every report of the featured agreement, newest first (see [`history_in`]).
pub fn history(db: &Db, now: DateTime<Utc>, lease: std::time::Duration) -> Result<Vec<HistoryEntry>, ReportError> {
    history_in(db, featured(db)?.id, now, lease)
}

/// Every report of the agreement, newest first, with each recipient's delivery status and
/// attempts.
pub fn history_in(
    db: &Db,
    agreement_id: i32,
    now: DateTime<Utc>,
    lease: std::time::Duration,
) -> Result<Vec<HistoryEntry>, ReportError> {
    let lease = chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(10));
    db.read_blocking(|c| {
        let mut out = Vec::new();
        for report in store::list_in(c, agreement_id, false)? {
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

/// For listing: the channel label and recipient of a delivery. A webhook shows its origin only
/// (scheme, host, port): a Teams or Slack webhook URL is a secret in its path, and whoever sees it
/// can post as ratify.
pub fn recipient_label(d: &Delivery) -> String {
    match d.channel {
        Channel::Webhook => format!("Webhook {}", url_origin(&d.recipient).unwrap_or_else(|| HIDDEN.to_string())),
        Channel::Email => format!("E-post {}", d.recipient),
    }
}

/// For listing: the delivery's last error with every URL in it cut to its origin (an HTTP
/// client's error names the whole URL it failed to reach, secret path and query included).
pub fn error_label(d: &Delivery) -> Option<String> {
    d.last_error.as_deref().map(redact_urls)
}

/// Shown instead of an address that cannot be parsed: better nothing than a secret.
const HIDDEN: &str = "(adressen visas inte)";

/// `scheme://host[:port]` of an absolute URL; no user name, password, path, query or fragment.
fn url_origin(s: &str) -> Option<String> {
    let url = url::Url::parse(s).ok()?;
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    })
}

/// `text` with each `scheme://…` in it replaced by its origin, and `/…` where more was cut.
/// A URL runs to the next space or quote; punctuation at its end (`):,.;`) is kept as text.
pub fn redact_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(sep) = rest.find("://") {
        let start = rest[..sep]
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            .last()
            .map_or(sep, |(i, _)| i);
        let after = &rest[sep..];
        let len = after.find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>')).unwrap_or(after.len());
        let token = &rest[start..sep + len];
        let url = token.trim_end_matches([')', ']', ':', ',', '.', ';']);
        out.push_str(&rest[..start]);
        match url_origin(url) {
            Some(origin) => {
                out.push_str(&origin);
                if url.len() > origin.len() && url.trim_end_matches('/') != origin {
                    out.push_str("/…");
                }
            }
            None => out.push_str(HIDDEN),
        }
        out.push_str(&token[url.len()..]);
        rest = &rest[sep + len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::{redact_urls, DeliveryStatus};

    #[test]
    fn delivery_status_labels_are_unchanged() {
        // Copied from the hand-written table the strum derive replaced.
        let table = [
            (DeliveryStatus::Pending, "Väntar"),
            (DeliveryStatus::Sending, "Skickas"),
            (DeliveryStatus::Delivered, "Levererad"),
            (DeliveryStatus::Failed, "Misslyckades"),
            (DeliveryStatus::Unknown, "Okänt utfall"),
        ];
        for (s, label) in table {
            assert_eq!(s.label_sv(), label);
        }
    }

    #[test]
    fn urls_keep_their_origin_only() {
        assert_eq!(
            redact_urls("error sending request for url (https://hooks.slack.com/services/T0/B0/xyz?a=1): timeout"),
            "error sending request for url (https://hooks.slack.com/…): timeout"
        );
        assert_eq!(redact_urls("http://user:pw@127.0.0.1:8080/a b"), "http://127.0.0.1:8080/… b");
        assert_eq!(redact_urls("se https://example.se/."), "se https://example.se.");
        assert_eq!(redact_urls("(http://[zz]/hemlig)"), "((adressen visas inte))");
        assert_eq!(redact_urls("mottagaren svarade HTTP 500"), "mottagaren svarade HTTP 500");
        assert_eq!(redact_urls("två: a://b/c och https://d.se/e?f"), "två: a://b/… och https://d.se/…");
    }
}
