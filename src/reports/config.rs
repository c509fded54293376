//! The report's settings. They are read with the rest of the configuration (`crate::config`,
//! environment or TOML file), which hands them here to be checked as one group.
//!
//! | variable | default |
//! |---|---|
//! | `RATIFY_REPORT_ENABLED` | `true` (the scheduler runs inside `ratify serve`) |
//! | `RATIFY_REPORT_SCHEDULE` | `mon 07:00` (Europe/Stockholm) |
//! | `RATIFY_REPORT_WEBHOOKS` | none (comma-separated http/https URLs) |
//! | `RATIFY_WEBHOOK_SECRET` / `RATIFY_WEBHOOK_SECRET_FILE` | none; required when webhooks are set |
//! | `RATIFY_SMTP_URL` | none (e.g. `smtp://user@relay.example.se:587?tls=required`, `smtps://…`) |
//! | `RATIFY_SMTP_FROM` | none; required when e-mail recipients are set |
//! | `RATIFY_SMTP_PASSWORD` / `RATIFY_SMTP_PASSWORD_FILE` | none (overrides a password in the URL) |
//! | `RATIFY_REPORT_EMAILS` | none (comma-separated addresses) |
//! | `RATIFY_REPORT_RETRY_FOR` | `24h` (how long a failed delivery is retried: `90s`, `30m`, `24h`, `2d`) |
//! | `RATIFY_REPORT_RETRY_BASE` | `30s` (first backoff; doubled per attempt, at most one hour) |
//! | `RATIFY_PUBLIC_REPORTS` | `true` (the public archive `/rapporter`) |

use std::fmt;
use std::time::Duration;

use super::schedule::Schedule;

#[derive(Debug, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

fn bad(variable: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError { variable, message: message.into() }
}

/// A secret that never shows in logs or `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    /// lettre's URL form: `smtp://[user@]host[:port][?tls=required|opportunistic]` or `smtps://…`.
    pub url: String,
    pub from: String,
    pub password: Option<Secret>,
}

impl fmt::Debug for SmtpConfig {
    /// The URL may carry a password (`smtp://user:secret@host`): never shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = match reqwest::Url::parse(&self.url) {
            Ok(mut u) if u.password().is_some() => {
                let _ = u.set_password(Some("***"));
                u.to_string()
            }
            Ok(u) => u.to_string(),
            Err(_) => "(ogiltig)".into(),
        };
        f.debug_struct("SmtpConfig")
            .field("url", &url)
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
    /// The same from any lookup (tests pass a map instead of the process environment).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let mut c = Self::default();
        if let Some(v) = get("RATIFY_REPORT_ENABLED") {
            c.enabled = parse_bool("RATIFY_REPORT_ENABLED", &v)?;
        }
        if let Some(v) = get("RATIFY_REPORT_SCHEDULE") {
            c.schedule =
                v.parse().map_err(|e: super::schedule::ScheduleError| bad("RATIFY_REPORT_SCHEDULE", e.to_string()))?;
        }
        if let Some(v) = get("RATIFY_PUBLIC_REPORTS") {
            c.public_archive = parse_bool("RATIFY_PUBLIC_REPORTS", &v)?;
        }
        if let Some(v) = get("RATIFY_REPORT_RETRY_FOR") {
            c.retry_for = parse_duration("RATIFY_REPORT_RETRY_FOR", &v)?;
        }
        if let Some(v) = get("RATIFY_REPORT_RETRY_BASE") {
            c.retry_base = parse_duration("RATIFY_REPORT_RETRY_BASE", &v)?;
        }
        c.webhooks = parse_webhooks("RATIFY_REPORT_WEBHOOKS", &get("RATIFY_REPORT_WEBHOOKS").unwrap_or_default())?;
        c.webhook_secret = secret(&get, "RATIFY_WEBHOOK_SECRET")?;
        if !c.webhooks.is_empty() && c.webhook_secret.is_none() {
            return Err(bad(
                "RATIFY_WEBHOOK_SECRET",
                "krävs när RATIFY_REPORT_WEBHOOKS är satt (signerar varje leverans)",
            ));
        }
        c.emails = parse_emails("RATIFY_REPORT_EMAILS", &get("RATIFY_REPORT_EMAILS").unwrap_or_default())?;
        let password = secret(&get, "RATIFY_SMTP_PASSWORD")?;
        match (get("RATIFY_SMTP_URL"), get("RATIFY_SMTP_FROM")) {
            (Some(url), Some(from)) => {
                from.parse::<lettre::message::Mailbox>()
                    .map_err(|_| bad("RATIFY_SMTP_FROM", format!("\"{from}\" är ingen giltig avsändare")))?;
                lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(&url)
                    .map_err(|e| bad("RATIFY_SMTP_URL", format!("ogiltig SMTP-adress: {e}")))?;
                c.smtp = Some(SmtpConfig { url, from, password });
            }
            (None, None) => {}
            (Some(_), None) => return Err(bad("RATIFY_SMTP_FROM", "krävs när RATIFY_SMTP_URL är satt")),
            (None, Some(_)) => return Err(bad("RATIFY_SMTP_URL", "krävs när RATIFY_SMTP_FROM är satt")),
        }
        if !c.emails.is_empty() && c.smtp.is_none() {
            return Err(bad("RATIFY_SMTP_URL", "krävs (med RATIFY_SMTP_FROM) när RATIFY_REPORT_EMAILS är satt"));
        }
        Ok(c)
    }

    /// Who gets the report: every webhook and every e-mail address, in configured order.
    pub fn recipients(&self) -> Vec<(super::delivery::Channel, String)> {
        use super::delivery::Channel;
        let hooks = self.webhooks.iter().map(|u| (Channel::Webhook, u.clone()));
        let mails = self.emails.iter().map(|a| (Channel::Email, a.clone()));
        hooks.chain(mails).collect()
    }
}

/// Comma-separated http/https URLs (duplicates dropped); `variable` names the setting in errors.
pub fn parse_webhooks(variable: &'static str, v: &str) -> Result<Vec<String>, ConfigError> {
    let urls = list(Some(v.to_string()));
    for url in &urls {
        let parsed =
            reqwest::Url::parse(url).map_err(|_| bad(variable, format!("\"{url}\" är ingen giltig adress")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(bad(variable, format!("\"{url}\" måste börja med http:// eller https://")));
        }
    }
    Ok(urls)
}

/// Comma-separated e-mail addresses (duplicates dropped); `variable` names the setting in errors.
pub fn parse_emails(variable: &'static str, v: &str) -> Result<Vec<String>, ConfigError> {
    let addresses = list(Some(v.to_string()));
    for address in &addresses {
        address
            .parse::<lettre::Address>()
            .map_err(|_| bad(variable, format!("\"{address}\" är ingen giltig e-postadress")))?;
    }
    Ok(addresses)
}

fn list(v: Option<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in v.unwrap_or_default().split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if !out.iter().any(|o| o == item) {
            out.push(item.to_string());
        }
    }
    out
}

/// `NAME` or, for secrets kept in files (containers), `NAME_FILE` with the path.
fn secret(get: &impl Fn(&str) -> Option<String>, name: &'static str) -> Result<Option<Secret>, ConfigError> {
    if let Some(v) = get(name) {
        return Ok(Some(Secret(v)));
    }
    let file_var = match name {
        "RATIFY_WEBHOOK_SECRET" => "RATIFY_WEBHOOK_SECRET_FILE",
        _ => "RATIFY_SMTP_PASSWORD_FILE",
    };
    match get(file_var) {
        None => Ok(None),
        Some(path) => {
            let text =
                std::fs::read_to_string(&path).map_err(|e| bad(file_var, format!("kan inte läsa {path}: {e}")))?;
            let text = text.trim_end_matches(['\n', '\r']).to_string();
            if text.is_empty() {
                return Err(bad(file_var, format!("filen {path} är tom")));
            }
            Ok(Some(Secret(text)))
        }
    }
}

fn parse_bool(variable: &'static str, v: &str) -> Result<bool, ConfigError> {
    match v.to_lowercase().as_str() {
        "1" | "true" | "yes" | "on" | "ja" => Ok(true),
        "0" | "false" | "no" | "off" | "nej" => Ok(false),
        _ => Err(bad(variable, format!("\"{v}\" är varken true eller false"))),
    }
}

/// `90s`, `30m`, `24h`, `2d` (a plain number is seconds).
pub fn parse_duration(variable: &'static str, v: &str) -> Result<Duration, ConfigError> {
    let err = || bad(variable, format!("\"{v}\" är ingen tidslängd (skriv t.ex. 90s, 30m, 24h eller 2d)"));
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
