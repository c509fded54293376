//! The configuration: one typed [`Config`], read once at start from the environment and an
//! optional TOML file (`ratify --config FILE`), and checked before anything else happens. An
//! invalid setting stops the start with one Swedish line naming the setting.
//!
//! Precedence, per setting: command-line flag > environment variable > file > default. A secret
//! may instead come from a file named by `<NAME>_FILE` (environment) or `<key>_file` (TOML), so it
//! need not sit in the environment; giving both forms at the same level is an error. An empty
//! environment variable counts as unset (as `KEY=` in a compose file usually means).

use std::collections::BTreeMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use ipnet::IpNet;

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_DATABASE_URL: &str = "data/ratify.sqlite3";
pub const DEFAULT_POOL_SIZE: u32 = 8;
pub const DEFAULT_LOG: &str = "info";
pub const DEFAULT_METRICS_ALLOW: &str = "127.0.0.0/8, ::1";
pub const DEFAULT_BODY_LIMIT: usize = 256 * 1024;
pub const DEFAULT_SHUTDOWN_TIMEOUT_SECS: u64 = 30;
pub const DEFAULT_CHANGE_POLL_MS: u64 = 500;
/// A staff session ends after this long without a request.
pub const DEFAULT_SESSION_IDLE_MINUTES: u64 = 30;
/// A session key shorter than this is refused: it signs the staff's session cookies.
pub const MIN_SESSION_KEY_LEN: usize = 32;

/// One setting: its environment variable and its key in the TOML file.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    pub env: &'static str,
    pub key: &'static str,
    /// Secrets may come from a file (`<env>_FILE`, `<key>_file`) and are never printed.
    pub secret: bool,
}

const fn setting(env: &'static str, key: &'static str) -> Setting {
    Setting { env, key, secret: false }
}

const fn secret(env: &'static str, key: &'static str) -> Setting {
    Setting { env, key, secret: true }
}

pub const BIND: Setting = setting("RATIFY_BIND", "bind");
/// May come from a file too: a PostgreSQL URL carries its password.
pub const DATABASE_URL: Setting = secret("RATIFY_DATABASE_URL", "database_url");
pub const DB_POOL_SIZE: Setting = setting("RATIFY_DB_POOL_SIZE", "db_pool_size");
pub const WORKERS: Setting = setting("RATIFY_WORKERS", "workers");
pub const LOG: Setting = setting("RATIFY_LOG", "log");
pub const PUBLIC_URL: Setting = setting("RATIFY_PUBLIC_URL", "public_url");
pub const SESSION_KEY: Setting = secret("RATIFY_SESSION_KEY", "session_key");
pub const WEBHOOK_SECRET: Setting = secret("RATIFY_WEBHOOK_SECRET", "webhook_secret");
pub const SMTP_PASSWORD: Setting = secret("RATIFY_SMTP_PASSWORD", "smtp_password");
pub const METRICS_ALLOW: Setting = setting("RATIFY_METRICS_ALLOW", "metrics_allow");
pub const BODY_LIMIT: Setting = setting("RATIFY_BODY_LIMIT", "body_limit");
pub const SHUTDOWN_TIMEOUT: Setting = setting("RATIFY_SHUTDOWN_TIMEOUT", "shutdown_timeout");
pub const CHANGE_POLL_MS: Setting = setting("RATIFY_CHANGE_POLL_MS", "change_poll_ms");
pub const TRUSTED_PROXIES: Setting = setting("RATIFY_TRUSTED_PROXIES", "trusted_proxies");
pub const SESSION_IDLE_MINUTES: Setting = setting("RATIFY_SESSION_IDLE_MINUTES", "session_idle_minutes");
pub const REPORT_ENABLED: Setting = setting("RATIFY_REPORT_ENABLED", "report_enabled");
pub const REPORT_SCHEDULE: Setting = setting("RATIFY_REPORT_SCHEDULE", "report_schedule");
pub const REPORT_WEBHOOKS: Setting = setting("RATIFY_REPORT_WEBHOOKS", "report_webhooks");
pub const SMTP_URL: Setting = setting("RATIFY_SMTP_URL", "smtp_url");
pub const SMTP_FROM: Setting = setting("RATIFY_SMTP_FROM", "smtp_from");
pub const REPORT_EMAILS: Setting = setting("RATIFY_REPORT_EMAILS", "report_emails");
pub const REPORT_RETRY_FOR: Setting = setting("RATIFY_REPORT_RETRY_FOR", "report_retry_for");
pub const REPORT_RETRY_BASE: Setting = setting("RATIFY_REPORT_RETRY_BASE", "report_retry_base");
pub const PUBLIC_REPORTS: Setting = setting("RATIFY_PUBLIC_REPORTS", "public_reports");
pub const FEATURED_AGREEMENT: Setting = setting("RATIFY_FEATURED_AGREEMENT", "featured_agreement");

/// The weekly report's settings, checked together by [`crate::reports::ReportConfig::from_lookup`]
/// (the webhook secret and SMTP password above belong to them too).
const REPORT_SETTINGS: &[Setting] = &[
    REPORT_ENABLED,
    REPORT_SCHEDULE,
    REPORT_WEBHOOKS,
    WEBHOOK_SECRET,
    SMTP_URL,
    SMTP_FROM,
    SMTP_PASSWORD,
    REPORT_EMAILS,
    REPORT_RETRY_FOR,
    REPORT_RETRY_BASE,
    PUBLIC_REPORTS,
];

/// Every setting, in the order of the README's table.
pub const SETTINGS: &[Setting] = &[
    BIND,
    DATABASE_URL,
    DB_POOL_SIZE,
    WORKERS,
    LOG,
    PUBLIC_URL,
    SESSION_KEY,
    WEBHOOK_SECRET,
    SMTP_PASSWORD,
    METRICS_ALLOW,
    BODY_LIMIT,
    SHUTDOWN_TIMEOUT,
    CHANGE_POLL_MS,
    TRUSTED_PROXIES,
    SESSION_IDLE_MINUTES,
    REPORT_ENABLED,
    REPORT_SCHEDULE,
    REPORT_WEBHOOKS,
    SMTP_URL,
    SMTP_FROM,
    REPORT_EMAILS,
    REPORT_RETRY_FOR,
    REPORT_RETRY_BASE,
    PUBLIC_REPORTS,
    FEATURED_AGREEMENT,
];

/// Environment variables of ratify that are not settings of the service itself.
const OTHER_KNOWN_ENV: &[&str] = &["RATIFY_CONFIG", "RATIFY_TEST_POSTGRES_URL"];

/// The service's configuration, checked once at start.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Address and port to listen on (`host:port`).
    pub bind: String,
    /// A SQLite file path (or `sqlite://PATH`) or a `postgres://` URL.
    pub database_url: String,
    /// Database connections per instance.
    pub db_pool_size: u32,
    /// HTTP worker threads; `None` lets actix choose (one per core).
    pub workers: Option<usize>,
    /// Log filter in tracing's `EnvFilter` syntax.
    pub log: String,
    /// The address the public reaches the service at (for links in e-mails and feeds), without a
    /// trailing slash; `None` when not configured.
    pub public_url: Option<String>,
    pub session_key: Option<Secret>,
    pub webhook_secret: Option<Secret>,
    pub smtp_password: Option<Secret>,
    /// Who may read `/metrics`.
    pub metrics_allow: AllowList,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// How long in-flight requests may take to finish after SIGTERM.
    pub shutdown_timeout: Duration,
    /// How often to look for writes made by other instances; `None` turns it off.
    pub change_poll: Option<Duration>,
    /// Reverse proxies (addresses or networks) whose `X-Forwarded-For` is believed (audit trail,
    /// login throttle, request log).
    pub trusted_proxies: Vec<IpNet>,
    /// A staff session ends after this long without a request (besides the 12-hour limit).
    pub session_idle: Duration,
    /// The weekly report: schedule, recipients, retries, public archive.
    pub report: crate::reports::ReportConfig,
    /// The slug of the agreement today's URLs (`/`, `/api/v1/status`, `/data/*.csv`, …) show.
    pub featured_agreement: String,
    /// Where each setting's value came from (environment variable, file, flag or default), by TOML
    /// key; shown by `ratify show-config`.
    pub origins: BTreeMap<&'static str, String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: DEFAULT_BIND.into(),
            database_url: DEFAULT_DATABASE_URL.into(),
            db_pool_size: DEFAULT_POOL_SIZE,
            workers: None,
            log: DEFAULT_LOG.into(),
            public_url: None,
            session_key: None,
            webhook_secret: None,
            smtp_password: None,
            metrics_allow: AllowList::loopback(),
            body_limit: DEFAULT_BODY_LIMIT,
            shutdown_timeout: Duration::from_secs(DEFAULT_SHUTDOWN_TIMEOUT_SECS),
            change_poll: Some(Duration::from_millis(DEFAULT_CHANGE_POLL_MS)),
            trusted_proxies: Vec::new(),
            session_idle: Duration::from_secs(DEFAULT_SESSION_IDLE_MINUTES * 60),
            report: crate::reports::ReportConfig::default(),
            featured_agreement: crate::agreement::DEFAULT_FEATURED.into(),
            origins: BTreeMap::new(),
        }
    }
}

/// A setting that is wrong, with its name as the operator wrote it (`RATIFY_BIND`, `bind i
/// /etc/ratify.toml`, `--bind`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{setting}: {message}")]
pub struct ConfigError {
    pub setting: String,
    pub message: String,
}

impl ConfigError {
    fn new(setting: impl Into<String>, message: impl Into<String>) -> Self {
        Self { setting: setting.into(), message: message.into() }
    }
}

/// A secret value: its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
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

/// The addresses allowed to read `/metrics`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowList {
    Everyone,
    Nets(Vec<IpNet>),
}

impl AllowList {
    pub fn loopback() -> Self {
        parse_allow_list(DEFAULT_METRICS_ALLOW).unwrap_or(AllowList::Nets(Vec::new()))
    }

    pub fn allows(&self, ip: IpAddr) -> bool {
        match self {
            AllowList::Everyone => true,
            // An IPv4 client on a dual-stack socket shows up as ::ffff:a.b.c.d.
            AllowList::Nets(nets) => {
                let ip = ip.to_canonical();
                nets.iter().any(|n| n.contains(&ip))
            }
        }
    }
}

impl fmt::Display for AllowList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AllowList::Everyone => f.write_str("*"),
            AllowList::Nets(nets) if nets.is_empty() => f.write_str("none"),
            AllowList::Nets(nets) => {
                let shown: Vec<String> = nets.iter().map(ToString::to_string).collect();
                f.write_str(&shown.join(", "))
            }
        }
    }
}

/// IP addresses or networks (CIDR, `172.30.0.0/24`) separated by commas or spaces; a bare
/// address is that one address.
fn parse_net_list(text: &str) -> Result<Vec<IpNet>, String> {
    text.split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("\"{s}\" är varken en IP-adress eller ett nät (t.ex. 172.30.0.0/24)"))
        })
        .collect()
}

/// Whether `ip` is one of the trusted proxies (an IPv4 peer on a dual-stack socket included).
pub fn is_trusted_proxy(proxies: &[IpNet], ip: IpAddr) -> bool {
    let ip = ip.to_canonical();
    proxies.iter().any(|n| n.contains(&ip))
}

fn list_or_dash(items: &[String]) -> String {
    if items.is_empty() {
        "-".into()
    } else {
        items.join(", ")
    }
}

/// Values given on the command line, which win over everything else.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub database_url: Option<String>,
    pub bind: Option<String>,
}

/// A raw value and where it came from.
struct Raw {
    text: String,
    origin: String,
}

struct Sources<'a> {
    env: &'a dyn Fn(&str) -> Option<String>,
    file: Option<(PathBuf, toml::Table)>,
    overrides: &'a Overrides,
}

impl Config {
    /// Reads the process environment and, if given, the TOML file.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Self, ConfigError> {
        Self::from_sources(&|name| std::env::var(name).ok(), file, overrides)
    }

    /// Reads settings through `env` (a stand-in for the environment in tests) and the file.
    pub fn from_sources(
        env: &dyn Fn(&str) -> Option<String>,
        file: Option<&Path>,
        overrides: &Overrides,
    ) -> Result<Self, ConfigError> {
        let file = match file {
            Some(path) => Some((path.to_path_buf(), read_toml(path)?)),
            None => None,
        };
        let sources = Sources { env, file, overrides };
        sources.check_file_keys()?;
        let mut config = Config::default();
        let mut origins = BTreeMap::new();

        if let Some(raw) = sources.get(BIND)? {
            config.bind = parse_bind(&raw.text).map_err(|m| ConfigError::new(&raw.origin, m))?;
            origins.insert(BIND.key, raw.origin);
        }
        if let Some(raw) = sources.get(DATABASE_URL)? {
            crate::db::DatabaseUrl::parse(&raw.text).map_err(|m| ConfigError::new(&raw.origin, m))?;
            config.database_url = raw.text.trim().to_string();
            origins.insert(DATABASE_URL.key, raw.origin);
        }
        if let Some(raw) = sources.get(DB_POOL_SIZE)? {
            config.db_pool_size = parse_number(&raw, 1, 100, "anslutningar")? as u32;
            origins.insert(DB_POOL_SIZE.key, raw.origin);
        }
        if let Some(raw) = sources.get(WORKERS)? {
            config.workers = Some(parse_number(&raw, 1, 256, "trådar")? as usize);
            origins.insert(WORKERS.key, raw.origin);
        }
        if let Some(raw) = sources.get(LOG)? {
            tracing_subscriber::EnvFilter::try_new(raw.text.trim()).map_err(|_| {
                ConfigError::new(
                    &raw.origin,
                    format!("\"{}\" är inget giltigt loggfilter (t.ex. info, warn eller ratify=debug,info)", raw.text),
                )
            })?;
            config.log = raw.text.trim().to_string();
            origins.insert(LOG.key, raw.origin);
        }
        if let Some(raw) = sources.get(PUBLIC_URL)? {
            config.public_url = Some(parse_public_url(&raw.text).map_err(|m| ConfigError::new(&raw.origin, m))?);
            origins.insert(PUBLIC_URL.key, raw.origin);
        }
        if let Some(raw) = sources.get(SESSION_KEY)? {
            if raw.text.chars().count() < MIN_SESSION_KEY_LEN {
                return Err(ConfigError::new(
                    &raw.origin,
                    format!(
                        "sessionsnyckeln är för kort ({} tecken; minst {MIN_SESSION_KEY_LEN} krävs, t.ex. från openssl rand -hex 32)",
                        raw.text.chars().count()
                    ),
                ));
            }
            config.session_key = Some(Secret::new(raw.text));
            origins.insert(SESSION_KEY.key, raw.origin);
        }
        if let Some(raw) = sources.get(WEBHOOK_SECRET)? {
            config.webhook_secret = Some(Secret::new(raw.text));
            origins.insert(WEBHOOK_SECRET.key, raw.origin);
        }
        if let Some(raw) = sources.get(SMTP_PASSWORD)? {
            config.smtp_password = Some(Secret::new(raw.text));
            origins.insert(SMTP_PASSWORD.key, raw.origin);
        }
        if let Some(raw) = sources.get(METRICS_ALLOW)? {
            config.metrics_allow = parse_allow_list(&raw.text).map_err(|m| ConfigError::new(&raw.origin, m))?;
            origins.insert(METRICS_ALLOW.key, raw.origin);
        }
        if let Some(raw) = sources.get(BODY_LIMIT)? {
            config.body_limit = parse_number(&raw, 1024, 64 * 1024 * 1024, "byte")? as usize;
            origins.insert(BODY_LIMIT.key, raw.origin);
        }
        if let Some(raw) = sources.get(SHUTDOWN_TIMEOUT)? {
            config.shutdown_timeout = Duration::from_secs(parse_number(&raw, 1, 3600, "sekunder")?);
            origins.insert(SHUTDOWN_TIMEOUT.key, raw.origin);
        }
        if let Some(raw) = sources.get(CHANGE_POLL_MS)? {
            let ms = parse_number(&raw, 0, 60_000, "millisekunder")?;
            if ms != 0 && ms < 50 {
                return Err(ConfigError::new(&raw.origin, "ska vara 0 (av) eller minst 50 millisekunder"));
            }
            config.change_poll = (ms > 0).then(|| Duration::from_millis(ms));
            origins.insert(CHANGE_POLL_MS.key, raw.origin);
        }
        if let Some(raw) = sources.get(TRUSTED_PROXIES)? {
            config.trusted_proxies = parse_net_list(&raw.text).map_err(|m| ConfigError::new(&raw.origin, m))?;
            origins.insert(TRUSTED_PROXIES.key, raw.origin);
        }
        if let Some(raw) = sources.get(SESSION_IDLE_MINUTES)? {
            config.session_idle = Duration::from_secs(parse_number(&raw, 1, 12 * 60, "minuter")? * 60);
            origins.insert(SESSION_IDLE_MINUTES.key, raw.origin);
        }
        if let Some(raw) = sources.get(FEATURED_AGREEMENT)? {
            config.featured_agreement =
                crate::agreement::spec::parse_slug(raw.text.trim()).map_err(|m| ConfigError::new(&raw.origin, m))?;
            origins.insert(FEATURED_AGREEMENT.key, raw.origin);
        }
        config.report = sources.report(&mut origins)?;
        config.report.featured_agreement = config.featured_agreement.clone();
        config.origins = origins;
        Ok(config)
    }

    /// Where a setting came from, for `ratify show-config`.
    pub fn origin(&self, setting: Setting) -> &str {
        self.origins.get(setting.key).map(String::as_str).unwrap_or("standardvärde")
    }

    /// The effective settings as `(environment variable, shown value, origin)`; secrets hidden.
    pub fn describe(&self) -> Vec<(&'static str, String, String)> {
        let hidden = |s: &Option<Secret>| if s.is_some() { "(satt, visas inte)".to_string() } else { "-".into() };
        let shown = |s: Setting, v: String| (s.env, v, self.origin(s).to_string());
        vec![
            shown(BIND, self.bind.clone()),
            shown(DATABASE_URL, redact(&self.database_url)),
            shown(DB_POOL_SIZE, self.db_pool_size.to_string()),
            shown(WORKERS, self.workers.map(|w| w.to_string()).unwrap_or_else(|| "en per kärna".into())),
            shown(LOG, self.log.clone()),
            shown(PUBLIC_URL, self.public_url.clone().unwrap_or_else(|| "-".into())),
            shown(SESSION_KEY, hidden(&self.session_key)),
            shown(WEBHOOK_SECRET, hidden(&self.webhook_secret)),
            shown(SMTP_PASSWORD, hidden(&self.smtp_password)),
            shown(METRICS_ALLOW, self.metrics_allow.to_string()),
            shown(BODY_LIMIT, self.body_limit.to_string()),
            shown(SHUTDOWN_TIMEOUT, self.shutdown_timeout.as_secs().to_string()),
            shown(CHANGE_POLL_MS, self.change_poll.map(|d| d.as_millis()).unwrap_or(0).to_string()),
            shown(
                TRUSTED_PROXIES,
                list_or_dash(&self.trusted_proxies.iter().map(ToString::to_string).collect::<Vec<_>>()),
            ),
            shown(SESSION_IDLE_MINUTES, (self.session_idle.as_secs() / 60).to_string()),
            shown(REPORT_ENABLED, self.report.enabled.to_string()),
            shown(REPORT_SCHEDULE, self.report.schedule.to_string()),
            shown(REPORT_WEBHOOKS, list_or_dash(&self.report.webhooks)),
            shown(SMTP_URL, self.report.smtp.as_ref().map(|s| redact(&s.url)).unwrap_or_else(|| "-".into())),
            shown(SMTP_FROM, self.report.smtp.as_ref().map(|s| s.from.clone()).unwrap_or_else(|| "-".into())),
            shown(REPORT_EMAILS, list_or_dash(&self.report.emails)),
            shown(REPORT_RETRY_FOR, format!("{}s", self.report.retry_for.as_secs())),
            shown(REPORT_RETRY_BASE, format!("{}s", self.report.retry_base.as_secs())),
            shown(PUBLIC_REPORTS, self.report.public_archive.to_string()),
            shown(FEATURED_AGREEMENT, self.featured_agreement.clone()),
        ]
    }

    /// `RATIFY_*` variables in the environment that ratify does not know (likely typos).
    pub fn unknown_env_vars() -> Vec<String> {
        std::env::vars_os()
            .filter_map(|(k, _)| k.into_string().ok())
            .filter(|k| k.starts_with("RATIFY_"))
            .filter(|k| {
                !SETTINGS.iter().any(|s| s.env == k || (s.secret && k.strip_suffix("_FILE") == Some(s.env)))
                    && !OTHER_KNOWN_ENV.contains(&k.as_str())
            })
            .collect()
    }
}

impl Sources<'_> {
    /// The report's settings from the same sources, checked as one group.
    fn report(
        &self,
        origins: &mut BTreeMap<&'static str, String>,
    ) -> Result<crate::reports::ReportConfig, ConfigError> {
        let mut raw: BTreeMap<&'static str, Raw> = BTreeMap::new();
        for s in REPORT_SETTINGS {
            if let Some(value) = self.get(*s)? {
                origins.insert(s.key, value.origin.clone());
                raw.insert(s.env, value);
            }
        }
        crate::reports::ReportConfig::from_lookup(|name| raw.get(name).map(|r| r.text.clone())).map_err(|e| {
            let origin = raw.get(e.variable).map(|r| r.origin.clone()).unwrap_or_else(|| e.variable.to_string());
            ConfigError::new(origin, e.message)
        })
    }

    /// The value of one setting from the highest-precedence source that has it.
    fn get(&self, s: Setting) -> Result<Option<Raw>, ConfigError> {
        let flag = match s.key {
            "bind" => self.overrides.bind.as_ref().map(|v| ("--bind", v)),
            "database_url" => self.overrides.database_url.as_ref().map(|v| ("--database-url", v)),
            _ => None,
        };
        if let Some((flag, value)) = flag {
            return Ok(Some(Raw { text: value.clone(), origin: flag.into() }));
        }
        let env = |name: &str| (self.env)(name).filter(|v| !v.is_empty());
        let env_file_name = format!("{}_FILE", s.env);
        let env_file = if s.secret { env(&env_file_name) } else { None };
        match (env(s.env), env_file) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::new(
                    &env_file_name,
                    format!("ange antingen {} eller {env_file_name}, inte båda", s.env),
                ))
            }
            (Some(text), None) => return Ok(Some(Raw { text, origin: s.env.to_string() })),
            (None, Some(path)) => return read_secret_file(&env_file_name, &path).map(Some),
            (None, None) => {}
        }
        let Some((path, table)) = &self.file else {
            return Ok(None);
        };
        let in_file = |key: &str| format!("{key} i {}", path.display());
        let value = match table.get(s.key) {
            Some(v) => Some(toml_text(v).map_err(|m| ConfigError::new(in_file(s.key), m))?),
            None => None,
        };
        let file_key = format!("{}_file", s.key);
        let value_file = match table.get(&file_key).filter(|_| s.secret) {
            Some(v) => Some(toml_text(v).map_err(|m| ConfigError::new(in_file(&file_key), m))?),
            None => None,
        };
        let value = value.map(|text| (in_file(s.key), text));
        match (value, value_file) {
            (Some(_), Some(_)) => Err(ConfigError::new(
                in_file(&file_key),
                format!("ange antingen {} eller {file_key}, inte båda", s.key),
            )),
            (Some((origin, text)), None) => Ok(Some(Raw { text, origin })),
            (None, Some(file)) => read_secret_file(&in_file(&file_key), &file).map(Some),
            (None, None) => Ok(None),
        }
    }

    /// Unknown keys in the file are refused: a misspelt key would otherwise be silently ignored.
    fn check_file_keys(&self) -> Result<(), ConfigError> {
        let Some((path, table)) = &self.file else {
            return Ok(());
        };
        for key in table.keys() {
            let known = SETTINGS.iter().any(|s| s.key == key || (s.secret && key.strip_suffix("_file") == Some(s.key)));
            if !known {
                let all: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
                return Err(ConfigError::new(
                    path.display().to_string(),
                    format!("okänd inställning \"{key}\" (kända: {})", all.join(", ")),
                ));
            }
        }
        Ok(())
    }
}

/// Reads a secret from a file; one trailing line break (as editors and `echo` write) is dropped.
fn read_secret_file(origin: &str, path: &str) -> Result<Raw, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::new(origin, format!("kan inte läsa \"{path}\": {}", io_reason(&e))))?;
    let text = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(&text).to_string();
    if text.is_empty() {
        return Err(ConfigError::new(origin, format!("filen \"{path}\" är tom")));
    }
    Ok(Raw { text, origin: origin.to_string() })
}

fn read_toml(path: &Path) -> Result<toml::Table, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ConfigError::new("--config", format!("kan inte läsa \"{}\": {}", path.display(), io_reason(&e)))
    })?;
    text.parse::<toml::Table>().map_err(|e| {
        let line = e.span().map(|s| text[..s.start.min(text.len())].lines().count().max(1));
        let at = line.map(|l| format!(" på rad {l}")).unwrap_or_default();
        ConfigError::new(
            "--config",
            format!("\"{}\" är ingen giltig TOML-fil{at}: {}", path.display(), e.message().trim()),
        )
    })
}

/// A TOML value as the text an environment variable would hold.
fn toml_text(v: &toml::Value) -> Result<String, String> {
    match v {
        toml::Value::String(s) => Ok(s.clone()),
        toml::Value::Integer(i) => Ok(i.to_string()),
        toml::Value::Boolean(b) => Ok(b.to_string()),
        toml::Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string).ok_or_else(|| "listan får bara innehålla text".to_string()))
            .collect::<Result<Vec<_>, _>>()
            .map(|v| v.join(",")),
        _ => Err("ska vara text, ett tal eller en lista av text".into()),
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "filen finns inte".into(),
        std::io::ErrorKind::PermissionDenied => "åtkomst nekas".into(),
        _ => e.to_string(),
    }
}

fn parse_number(raw: &Raw, min: u64, max: u64, unit: &str) -> Result<u64, ConfigError> {
    let n: u64 = raw.text.trim().parse().map_err(|_| {
        ConfigError::new(&raw.origin, format!("\"{}\" är inget heltal (ange {unit}, {min}–{max})", raw.text))
    })?;
    if !(min..=max).contains(&n) {
        return Err(ConfigError::new(&raw.origin, format!("{n} är utanför det tillåtna {min}–{max} ({unit})")));
    }
    Ok(n)
}

/// `host:port`, `a.b.c.d:port` or `[v6]:port`. Checked by form only: resolving a host name here
/// would make the check depend on DNS.
pub fn parse_bind(text: &str) -> Result<String, String> {
    let text = text.trim();
    let bad = || format!("\"{text}\" är ingen giltig adress (värd:port)");
    if text.parse::<SocketAddr>().is_ok() {
        return Ok(text.to_string());
    }
    let (host, port) = text.rsplit_once(':').ok_or_else(bad)?;
    port.parse::<u16>().map_err(|_| bad())?;
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && !host.starts_with(['-', '.']);
    if !host_ok {
        return Err(bad());
    }
    Ok(text.to_string())
}

fn parse_public_url(text: &str) -> Result<String, String> {
    let text = text.trim();
    let bad = || format!("\"{text}\" är ingen giltig webbadress (t.ex. https://ratify.example.se)");
    let url = crate::web_address::http_url(text).ok_or_else(bad)?;
    // A base to put paths after: no query or fragment.
    if url.query().is_some() || url.fragment().is_some() || text.contains(['?', '#']) {
        return Err(bad());
    }
    Ok(text.trim_end_matches('/').to_string())
}

pub fn parse_allow_list(text: &str) -> Result<AllowList, String> {
    let items: Vec<&str> = text.split([',', ' ', '\t', '\n']).filter(|s| !s.is_empty()).collect();
    if items.is_empty() {
        return Err("listan är tom (ange adresser eller nät, \"none\" för ingen eller \"*\" för alla)".into());
    }
    if items.contains(&"*") {
        return Ok(AllowList::Everyone);
    }
    if items == ["none"] {
        return Ok(AllowList::Nets(Vec::new()));
    }
    let nets = items
        .iter()
        .map(|item| {
            item.parse::<IpNet>().or_else(|_| item.parse::<IpAddr>().map(IpNet::from)).map_err(|_| {
                format!("\"{item}\" är ingen IP-adress eller nätmask (t.ex. 127.0.0.1, 10.0.0.0/8 eller ::1)")
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(AllowList::Nets(nets))
}

/// A database or SMTP URL for display: the database's as it is opened, and an SMTP URL (which
/// the database parser refuses) through the same redaction rather than as written.
fn redact(url: &str) -> String {
    crate::db::DatabaseUrl::parse(url).map(|u| u.redacted()).unwrap_or_else(|_| crate::db::redact_password(url))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(env: &[(&str, &str)], file: Option<&str>) -> Result<Config, ConfigError> {
        let env: HashMap<String, String> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ratify.toml");
        if let Some(text) = file {
            std::fs::write(&path, text).unwrap();
        }
        Config::from_sources(&|k| env.get(k).cloned(), file.map(|_| path.as_path()), &Overrides::default())
    }

    fn err(env: &[(&str, &str)], file: Option<&str>) -> String {
        load(env, file).unwrap_err().to_string()
    }

    #[test]
    fn the_featured_agreement_is_checked_and_its_reports_follow_it() {
        let c = load(&[("RATIFY_FEATURED_AGREEMENT", "hos-skane-2028")], None).unwrap();
        assert_eq!(c.featured_agreement, "hos-skane-2028");
        assert_eq!(c.report.featured_agreement, "hos-skane-2028", "RATIFY_REPORT_* apply to the featured one");
        assert!(err(&[("RATIFY_FEATURED_AGREEMENT", "Hos 2027")], None).starts_with("RATIFY_FEATURED_AGREEMENT: "));
    }

    #[test]
    fn nothing_set_gives_the_documented_defaults() {
        let c = load(&[], None).unwrap();
        assert_eq!(c, Config::default());
        assert_eq!(c.bind, "127.0.0.1:8080");
        assert!(c.metrics_allow.allows("127.0.0.1".parse().unwrap()));
        assert!(c.metrics_allow.allows("::1".parse().unwrap()));
        assert!(c.metrics_allow.allows("::ffff:127.0.0.1".parse().unwrap()));
        assert!(!c.metrics_allow.allows("10.0.0.1".parse().unwrap()));
    }

    #[test]
    fn bad_values_name_the_setting_in_one_line() {
        assert_eq!(err(&[("RATIFY_BIND", "abc")], None), "RATIFY_BIND: \"abc\" är ingen giltig adress (värd:port)");
        assert!(err(&[("RATIFY_BIND", "host:99999")], None).starts_with("RATIFY_BIND: "));
        assert!(
            err(&[("RATIFY_DB_POOL_SIZE", "many")], None).starts_with("RATIFY_DB_POOL_SIZE: \"many\" är inget heltal")
        );
        assert!(err(&[("RATIFY_DB_POOL_SIZE", "0")], None).contains("utanför"));
        assert!(err(&[("RATIFY_DATABASE_URL", "mysql://x/y")], None).starts_with("RATIFY_DATABASE_URL: "));
        assert!(err(&[("RATIFY_LOG", "info,[")], None).starts_with("RATIFY_LOG: "));
        assert!(err(&[("RATIFY_PUBLIC_URL", "ftp://x")], None).starts_with("RATIFY_PUBLIC_URL: "));
        assert!(err(&[("RATIFY_METRICS_ALLOW", "10.0.0.300")], None).contains("\"10.0.0.300\""));
        assert!(err(&[("RATIFY_SESSION_KEY", "short")], None).starts_with("RATIFY_SESSION_KEY: sessionsnyckeln"));
        assert!(err(&[("RATIFY_CHANGE_POLL_MS", "10")], None).starts_with("RATIFY_CHANGE_POLL_MS: "));
        for e in [err(&[("RATIFY_BIND", "abc")], None), err(&[("RATIFY_LOG", "[")], None)] {
            assert_eq!(e.lines().count(), 1, "{e}");
        }
    }

    #[test]
    fn accepted_forms() {
        for bind in ["0.0.0.0:80", "[::]:8080", "localhost:8080", "ratify-1.internal:9000"] {
            assert_eq!(parse_bind(bind).unwrap(), bind);
        }
        for bad in ["8080", ":8080", "host:", "a b:80", "[::]"] {
            assert!(parse_bind(bad).is_err(), "{bad}");
        }
        let c = load(
            &[
                ("RATIFY_PUBLIC_URL", "https://ratify.example.se/"),
                ("RATIFY_METRICS_ALLOW", "10.0.0.0/8 192.0.2.7,::1"),
                ("RATIFY_CHANGE_POLL_MS", "0"),
                ("RATIFY_WORKERS", "3"),
            ],
            None,
        )
        .unwrap();
        assert_eq!(c.public_url.as_deref(), Some("https://ratify.example.se"));
        assert!(c.metrics_allow.allows("10.1.2.3".parse().unwrap()));
        assert!(c.metrics_allow.allows("192.0.2.7".parse().unwrap()));
        assert!(!c.metrics_allow.allows("192.0.2.8".parse().unwrap()));
        assert!(!c.metrics_allow.allows("127.0.0.1".parse().unwrap()));
        assert_eq!(c.change_poll, None);
        assert_eq!(c.workers, Some(3));
        assert_eq!(parse_allow_list("*").unwrap(), AllowList::Everyone);
        assert!(!parse_allow_list("none").unwrap().allows("127.0.0.1".parse().unwrap()));
    }

    #[test]
    fn environment_wins_over_the_file_and_the_file_over_defaults() {
        let file = "bind = \"0.0.0.0:9000\"\ndb_pool_size = 3\nmetrics_allow = [\"10.0.0.0/8\", \"::1\"]\n";
        let c = load(&[("RATIFY_BIND", "127.0.0.1:7000")], Some(file)).unwrap();
        assert_eq!(c.bind, "127.0.0.1:7000");
        assert_eq!(c.origin(BIND), "RATIFY_BIND");
        assert_eq!(c.db_pool_size, 3);
        assert!(c.origin(DB_POOL_SIZE).starts_with("db_pool_size i "));
        assert!(c.metrics_allow.allows("10.9.9.9".parse().unwrap()));
        assert_eq!(c.origin(LOG), "standardvärde");
        // An empty environment variable counts as unset.
        assert_eq!(load(&[("RATIFY_BIND", "")], Some(file)).unwrap().bind, "0.0.0.0:9000");
        let over = Overrides { bind: Some("127.0.0.1:1".into()), database_url: None };
        let c = Config::from_sources(&|k| (k == "RATIFY_BIND").then(|| "127.0.0.1:2".into()), None, &over).unwrap();
        assert_eq!((c.bind.as_str(), c.origin(BIND)), ("127.0.0.1:1", "--bind"));
    }

    #[test]
    fn file_errors_name_the_key_and_the_file() {
        assert!(err(&[], Some("bnd = \"x\"\n")).contains("okänd inställning \"bnd\""));
        assert!(err(&[], Some("bind = \"abc\"\n")).starts_with("bind i "));
        assert!(err(&[], Some("bind = \n")).starts_with("--config: "));
        assert!(err(&[], Some("bind = \n")).contains("rad 1"));
        assert!(err(&[], Some("db_pool_size = 1.5\n")).starts_with("db_pool_size i "));
        let missing = Config::from_sources(&|_| None, Some(Path::new("/nonexistent/r.toml")), &Overrides::default());
        assert_eq!(
            missing.unwrap_err().to_string(),
            "--config: kan inte läsa \"/nonexistent/r.toml\": filen finns inte"
        );
    }

    #[test]
    fn secrets_come_from_files_and_never_show() {
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("session_key");
        std::fs::write(&key_file, format!("{}\n", "k".repeat(40))).unwrap();
        let key_path = key_file.to_str().unwrap();
        let c = load(&[("RATIFY_SESSION_KEY_FILE", key_path), ("RATIFY_WEBHOOK_SECRET", "w")], None).unwrap();
        assert_eq!(c.session_key.as_ref().unwrap().expose(), "k".repeat(40), "the trailing newline is dropped");
        assert_eq!(c.origin(SESSION_KEY), "RATIFY_SESSION_KEY_FILE");
        assert!(!format!("{c:?}").contains("kkkk"));
        assert!(!c.describe().iter().any(|(_, v, _)| v.contains("kkkk") || v == "w"));
        let e = err(&[("RATIFY_SMTP_PASSWORD_FILE", "/nonexistent/pw")], None);
        assert_eq!(e, "RATIFY_SMTP_PASSWORD_FILE: kan inte läsa \"/nonexistent/pw\": filen finns inte");
        let both = err(&[("RATIFY_SMTP_PASSWORD_FILE", key_path), ("RATIFY_SMTP_PASSWORD", "x")], None);
        assert!(both.starts_with("RATIFY_SMTP_PASSWORD_FILE: ange antingen"), "{both}");
        let from_toml = load(&[], Some(&format!("session_key_file = \"{key_path}\"\n"))).unwrap();
        assert_eq!(from_toml.session_key.unwrap().expose(), "k".repeat(40));
    }

    #[test]
    fn every_setting_is_in_the_readme_table() {
        let readme = include_str!("../README.md");
        for s in SETTINGS {
            assert!(readme.contains(&format!("| `{}`", s.env)), "README lacks {}", s.env);
            assert!(readme.contains(&format!("`{}`", s.key)), "README lacks the file key {}", s.key);
        }
    }
}
