//! The report's settings as one group. Each is a row of the settings table in
//! [`crate::config`] (read from the environment or the TOML file like every other setting, with
//! the same `_FILE` secrets and errors); [`ReportConfig::from_settings`] groups them and makes the
//! checks that span several. The parsers of their values are here.

use std::fmt;
use std::time::Duration;

use super::schedule::Schedule;
use crate::config::{Config, Overrides, Setting};
pub use crate::config::{ConfigError, Secret};

#[derive(Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    /// lettre's URL form: `smtp://[user@]host[:port][?tls=required|opportunistic]` or `smtps://…`.
    pub url: String,
    pub from: String,
    pub password: Option<Secret>,
}

impl fmt::Debug for SmtpConfig {
    /// The URL may carry a password (`smtp://user:secret@host`): never shown (the one redaction,
    /// [`crate::db::redact_password`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("url", &crate::db::redact_password(&self.url))
            .field("from", &self.from)
            .field("password", &self.password)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportConfig {
    pub enabled: bool,
    pub schedule: Schedule,
    pub webhooks: Vec<String>,
    pub webhook_secret: Option<Secret>,
    pub smtp: Option<SmtpConfig>,
    pub emails: Vec<String>,
    pub retry_for: Duration,
    pub retry_base: Duration,
    pub public_archive: bool,
    /// The agreement these settings (RATIFY_REPORT_*) are for: the featured one (copied from
    /// `Config::featured_agreement`); other agreements' come from the staff's settings table.
    pub featured_agreement: String,
}

impl Default for ReportConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            schedule: Schedule::default(),
            webhooks: Vec::new(),
            webhook_secret: None,
            smtp: None,
            emails: Vec::new(),
            retry_for: Duration::from_secs(24 * 3600),
            retry_base: Duration::from_secs(30),
            public_archive: true,
            featured_agreement: crate::agreement::DEFAULT_FEATURED.to_string(),
        }
    }
}

impl ReportConfig {
    /// The report's settings from any lookup of environment variables (tests pass a map instead
    /// of the process environment), read by the one loader, [`Config::from_sources`].
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Config::from_sources(&get, None, &Overrides::default()).map(|c| c.report)
    }

    /// The report's group from the configuration's settings, each already parsed by the table in
    /// [`crate::config`], with the checks that span several of them; an error names the setting
    /// at fault.
    pub(crate) fn from_settings(c: &Config) -> Result<Self, (Setting, String)> {
        use crate::config::{SMTP_FROM, SMTP_URL, WEBHOOK_SECRET};
        let fail = |s: Setting, m: &str| Err((s, m.to_string()));
        // The report has always read its secrets trimmed, a blank one as unset.
        let trimmed =
            |s: &Option<Secret>| s.as_ref().map(|s| s.expose().trim()).filter(|s| !s.is_empty()).map(Secret::new);
        let webhook_secret = trimmed(&c.webhook_secret);
        if !c.report_webhooks.is_empty() && webhook_secret.is_none() {
            return fail(WEBHOOK_SECRET, "krävs när RATIFY_REPORT_WEBHOOKS är satt (signerar varje leverans)");
        }
        let smtp = match (&c.smtp_url, &c.smtp_from) {
            (Some(url), Some(from)) => {
                if from.parse::<lettre::message::Mailbox>().is_err() {
                    return Err((SMTP_FROM, format!("\"{from}\" är ingen giltig avsändare")));
                }
                if let Err(e) = lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(url) {
                    return Err((SMTP_URL, format!("ogiltig SMTP-adress: {e}")));
                }
                Some(SmtpConfig { url: url.clone(), from: from.clone(), password: trimmed(&c.smtp_password) })
            }
            (None, None) => None,
            (Some(_), None) => return fail(SMTP_FROM, "krävs när RATIFY_SMTP_URL är satt"),
            (None, Some(_)) => return fail(SMTP_URL, "krävs när RATIFY_SMTP_FROM är satt"),
        };
        if !c.report_emails.is_empty() && smtp.is_none() {
            return fail(SMTP_URL, "krävs (med RATIFY_SMTP_FROM) när RATIFY_REPORT_EMAILS är satt");
        }
        Ok(Self {
            enabled: c.report_enabled,
            schedule: c.report_schedule,
            webhooks: c.report_webhooks.clone(),
            webhook_secret,
            smtp,
            emails: c.report_emails.clone(),
            retry_for: c.report_retry_for,
            retry_base: c.report_retry_base,
            public_archive: c.public_reports,
            featured_agreement: c.featured_agreement.clone(),
        })
    }

    /// Who gets the report: every webhook and every e-mail address, in configured order.
    pub fn recipients(&self) -> Vec<(super::delivery::Channel, String)> {
        use super::delivery::Channel;
        let hooks = self.webhooks.iter().map(|u| (Channel::Webhook, u.clone()));
        let mails = self.emails.iter().map(|a| (Channel::Email, a.clone()));
        hooks.chain(mails).collect()
    }
}

/// Comma-separated web addresses (duplicates dropped), each checked by the project's one check,
/// [`crate::web_address::check_http_url`], and refused with its message.
pub(crate) fn webhook_list(v: &str) -> Result<Vec<String>, String> {
    let urls = list(v);
    for url in &urls {
        crate::web_address::check_http_url(url).map_err(|e| e.to_string())?;
    }
    Ok(urls)
}

/// Comma-separated e-mail addresses (duplicates dropped).
pub(crate) fn email_list(v: &str) -> Result<Vec<String>, String> {
    let addresses = list(v);
    for address in &addresses {
        address.parse::<lettre::Address>().map_err(|_| format!("\"{address}\" är ingen giltig e-postadress"))?;
    }
    Ok(addresses)
}

/// [`webhook_list`] for another field than the setting (the staff's form): `variable` names it.
pub fn parse_webhooks(variable: &str, v: &str) -> Result<Vec<String>, ConfigError> {
    webhook_list(v).map_err(|m| ConfigError::new(variable, m))
}

/// [`email_list`] for another field than the setting (the staff's form): `variable` names it.
pub fn parse_emails(variable: &str, v: &str) -> Result<Vec<String>, ConfigError> {
    email_list(v).map_err(|m| ConfigError::new(variable, m))
}

fn list(v: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if !out.iter().any(|o| o == item) {
            out.push(item.to_string());
        }
    }
    out
}

pub(crate) fn parse_bool(v: &str) -> Result<bool, String> {
    match v.to_lowercase().as_str() {
        "1" | "true" | "yes" | "on" | "ja" => Ok(true),
        "0" | "false" | "no" | "off" | "nej" => Ok(false),
        _ => Err(format!("\"{v}\" är varken true eller false")),
    }
}

/// `90s`, `30m`, `24h`, `2d` (a plain number is seconds).
pub(crate) fn duration(v: &str) -> Result<Duration, String> {
    let err = || format!("\"{v}\" är ingen tidslängd (skriv t.ex. 90s, 30m, 24h eller 2d)");
    let (digits, unit) = v.split_at(v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len()));
    let n: u64 = digits.parse().map_err(|_| err())?;
    let secs = match unit {
        "" | "s" => n,
        "m" => n.checked_mul(60).ok_or_else(err)?,
        "h" => n.checked_mul(3600).ok_or_else(err)?,
        "d" => n.checked_mul(86_400).ok_or_else(err)?,
        "ms" => return Ok(Duration::from_millis(n)),
        _ => return Err(err()),
    };
    Ok(Duration::from_secs(secs))
}

/// [`duration`] with `variable` naming the setting in the error.
pub fn parse_duration(variable: &str, v: &str) -> Result<Duration, ConfigError> {
    duration(v).map_err(|m| ConfigError::new(variable, m))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn cfg(pairs: &[(&str, &str)]) -> Result<ReportConfig, ConfigError> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        ReportConfig::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults() {
        let c = cfg(&[]).unwrap();
        assert!(c.enabled && c.public_archive);
        assert_eq!(c.schedule, Schedule::default());
        assert_eq!(c.retry_for, Duration::from_secs(86_400));
        assert!(c.recipients().is_empty());
    }

    #[test]
    fn webhooks_need_a_secret_and_valid_urls() {
        let e = cfg(&[("RATIFY_REPORT_WEBHOOKS", "https://a.example/hook")]).unwrap_err();
        assert_eq!(e.variable, "RATIFY_WEBHOOK_SECRET");
        let e = cfg(&[("RATIFY_REPORT_WEBHOOKS", "ftp://a"), ("RATIFY_WEBHOOK_SECRET", "s")]).unwrap_err();
        assert_eq!(e.variable, "RATIFY_REPORT_WEBHOOKS");
        let c = cfg(&[
            ("RATIFY_REPORT_WEBHOOKS", " https://a.example/hook, http://b.example/x ,https://a.example/hook"),
            ("RATIFY_WEBHOOK_SECRET", "s3cret"),
        ])
        .unwrap();
        assert_eq!(c.webhooks, ["https://a.example/hook", "http://b.example/x"]);
        assert!(!format!("{c:?}").contains("s3cret"));
    }

    #[test]
    fn secrets_from_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        std::fs::write(&path, "from-file\n").unwrap();
        let c = cfg(&[
            ("RATIFY_REPORT_WEBHOOKS", "https://a.example/hook"),
            ("RATIFY_WEBHOOK_SECRET_FILE", path.to_str().unwrap()),
        ])
        .unwrap();
        assert_eq!(c.webhook_secret.unwrap().expose(), "from-file");
        let e = cfg(&[("RATIFY_SMTP_PASSWORD_FILE", "/nonexistent/x")]).unwrap_err();
        assert_eq!(e.variable, "RATIFY_SMTP_PASSWORD_FILE");
    }

    #[test]
    fn email_needs_smtp() {
        let e = cfg(&[("RATIFY_REPORT_EMAILS", "sro@example.se")]).unwrap_err();
        assert_eq!(e.variable, "RATIFY_SMTP_URL");
        let e = cfg(&[("RATIFY_REPORT_EMAILS", "inte en adress")]).unwrap_err();
        assert_eq!(e.variable, "RATIFY_REPORT_EMAILS");
        let c = cfg(&[
            ("RATIFY_REPORT_EMAILS", "a@example.se,b@example.se"),
            ("RATIFY_SMTP_URL", "smtp://relay.example.se:25"),
            ("RATIFY_SMTP_FROM", "Ratify <noreply@example.se>"),
        ])
        .unwrap();
        assert_eq!(c.recipients().len(), 2);
        let c = cfg(&[
            ("RATIFY_SMTP_URL", "smtp://user:hemligt@relay.example.se:587?tls=required"),
            ("RATIFY_SMTP_FROM", "noreply@example.se"),
        ])
        .unwrap();
        assert!(!format!("{c:?}").contains("hemligt"));
    }

    #[test]
    fn durations_booleans_schedule() {
        assert_eq!(parse_duration("X", "90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("X", "2d").unwrap(), Duration::from_secs(172_800));
        assert!(parse_duration("X", "1w").is_err());
        assert!(cfg(&[("RATIFY_PUBLIC_REPORTS", "kanske")]).is_err());
        assert!(!cfg(&[("RATIFY_PUBLIC_REPORTS", "off")]).unwrap().public_archive);
        let e = cfg(&[("RATIFY_REPORT_SCHEDULE", "someday")]).unwrap_err();
        assert_eq!(e.variable, "RATIFY_REPORT_SCHEDULE");
    }
}
