//! Delivering a sent report: to webhooks (signed JSON, exactly once by a stable Idempotency-Key)
//! and by e-mail (HTML and plain text, at most once), through the outbox.

pub mod email;
pub mod outbox;
pub mod webhook;

use super::config::ReportConfig;
use super::store::StoredReport;
use outbox::{AttemptResult, Delivery};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Webhook,
    Email,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Webhook => "webhook",
            Channel::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        [Channel::Webhook, Channel::Email].into_iter().find(|c| c.code() == s)
    }

    pub fn label_sv(self) -> &'static str {
        match self {
            Channel::Webhook => "Webhook",
            Channel::Email => "E-post",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("HTTP-klienten för webhooks kan inte skapas: {0}")]
    Http(String),
    #[error("e-postinställningarna: {0}")]
    Smtp(String),
}

/// Sends one delivery of a report; made once from the configuration and shared.
pub struct Deliverer {
    http: reqwest::Client,
    webhook_secret: Option<super::config::Secret>,
    mailer: Option<email::Mailer>,
}

impl Deliverer {
    pub fn new(config: &ReportConfig) -> Result<Self, SetupError> {
        let http = reqwest::Client::builder()
            .timeout(webhook::TIMEOUT)
            .user_agent(concat!("ratify/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SetupError::Http(e.to_string()))?;
        let mailer = config.smtp.as_ref().map(email::Mailer::new).transpose()?;
        Ok(Self { http, webhook_secret: config.webhook_secret.clone(), mailer })
    }

    pub async fn deliver(&self, delivery: &Delivery, report: &StoredReport) -> AttemptResult {
        match delivery.channel {
            Channel::Webhook => match &self.webhook_secret {
                Some(secret) => {
                    webhook::post(&self.http, &delivery.recipient, report, &delivery.idempotency_key, secret).await
                }
                None => AttemptResult::Permanent("RATIFY_WEBHOOK_SECRET saknas: webhooks kan inte signeras".into()),
            },
            Channel::Email => match &self.mailer {
                Some(m) => m.send(&delivery.recipient, report, &delivery.idempotency_key).await,
                None => AttemptResult::Permanent("RATIFY_SMTP_URL/RATIFY_SMTP_FROM saknas".into()),
            },
        }
    }
}
