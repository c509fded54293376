//! E-mail delivery over SMTP (lettre) through the configured relay: one message per recipient,
//! multipart/alternative with the plain text and the HTML report.

use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::outbox::AttemptResult;
use super::SetupError;
use crate::reports::config::SmtpConfig;
use crate::reports::render::html::week_label;
use crate::reports::store::StoredReport;

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(cfg: &SmtpConfig) -> Result<Self, SetupError> {
        // A password kept apart from the URL (RATIFY_SMTP_PASSWORD) is put into it here; lettre
        // reads user and password from the URL.
        let url = match &cfg.password {
            None => cfg.url.clone(),
            Some(password) => {
                let mut u =
                    reqwest::Url::parse(&cfg.url).map_err(|e| SetupError::Smtp(format!("RATIFY_SMTP_URL: {e}")))?;
                if u.username().is_empty() {
                    return Err(SetupError::Smtp(
                        "RATIFY_SMTP_PASSWORD kräver ett användarnamn i RATIFY_SMTP_URL".into(),
                    ));
                }
                u.set_password(Some(password.expose()))
                    .map_err(|_| SetupError::Smtp("RATIFY_SMTP_URL: lösenordet kan inte sättas".into()))?;
                u.to_string()
            }
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
            .map_err(|e| SetupError::Smtp(format!("RATIFY_SMTP_URL: {e}")))?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        let from = cfg.from.parse().map_err(|e| SetupError::Smtp(format!("RATIFY_SMTP_FROM: {e}")))?;
        Ok(Self { transport, from })
    }

    pub async fn send(&self, to: &str, report: &StoredReport, key: &str) -> AttemptResult {
        let message = match self.message(to, report, key) {
            Ok(m) => m,
            Err(e) => return AttemptResult::Permanent(e),
        };
        match self.transport.send(message).await {
            Ok(resp) => AttemptResult::Delivered {
                detail: format!("SMTP {}: {}", resp.code(), resp.message().collect::<Vec<_>>().join(" ")),
            },
            Err(e) if e.is_permanent() => AttemptResult::Permanent(format!("e-postservern avvisade: {e}")),
            Err(e) => AttemptResult::Retry(format!("e-post kunde inte skickas: {e}")),
        }
    }

    fn message(&self, to: &str, report: &StoredReport, key: &str) -> Result<Message, String> {
        let to: Mailbox = to.parse().map_err(|e| format!("ogiltig mottagare {to}: {e}"))?;
        let domain = self.from.email.domain().to_string();
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(format!("Lägesrapport vecka {} – {}", week_label(&report.week), subject_title(report)))
            // Stable per (report, recipient): a receiving system can spot a duplicate.
            .message_id(Some(format!("<{key}@{domain}>")))
            .multipart(
                MultiPart::alternative()
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(report.text.clone()))
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(report.html.clone())),
            )
            .map_err(|e| format!("meddelandet kunde inte byggas: {e}"))
    }
}

/// The agreement the subject names: its short title (the featured one's as it always read).
fn subject_title(report: &super::super::store::StoredReport) -> &str {
    if report.agreement_short_title.is_empty() {
        "Hälso- och sjukvårdsavtalet"
    } else {
        &report.agreement_short_title
    }
}
