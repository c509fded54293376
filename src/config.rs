//! The configuration: one typed [`Config`], read once at start from the environment and an
//! optional TOML file (`ratify --config FILE`), and checked before anything else happens. An
//! invalid setting stops the start with one Swedish line naming the setting.
//!
//! Every setting is written once, in the table at [`settings!`] below: its environment variable,
//! TOML key, field, type, default, parser and how `ratify show-config` prints it. The loader,
//! `show-config`, the check of unknown keys and variables and the README test all come from it.
//! To add a setting: add one entry there, a row to the README's table, and use the field.
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

use crate::reports::config as report;
use crate::reports::schedule::Schedule;
use crate::reports::ReportConfig;

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
    /// Surrounding whitespace is dropped before parsing and a blank value counts as unset (the
    /// report's settings have always been read so).
    pub trimmed: bool,
}

impl Setting {
    /// The flags' defaults, for the table's entries.
    const PLAIN: Setting = Setting { env: "", key: "", secret: false, trimmed: false };
}

/// Declares the settings table (see its one use below). Each entry is
///
/// ```text
/// /// The field's doc.
/// CONST "RATIFY_ENV" "toml_key" [flags] field: Type = default, parse, show;
/// ```
///
/// `parse` is a `fn(&str) -> Result<Type, String>`: the value from the text, or a Swedish message
/// that the loader puts the setting's name (as the operator wrote it) in front of. `show` is a
/// `fn(&Type) -> String` for `ratify show-config`. Flags: `secret`, `trimmed` (see [`Setting`]).
/// It makes a `const` [`Setting`] per entry, [`SETTINGS`], the fields of [`Config`] and its
/// `Default`, the loader and [`Config::describe`].
macro_rules! settings {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident $env:literal $key:literal [$($flag:ident)*]
            $field:ident: $ty:ty = $default:expr, $parse:expr, $show:expr;
    )*) => {
        $(
            $(#[doc = $doc])*
            pub const $name: Setting = Setting { env: $env, key: $key, $($flag: true,)* ..Setting::PLAIN };
        )*

        /// Every setting, in the order of the README's table and of `ratify show-config`.
        pub const SETTINGS: &[Setting] = &[$($name),*];

        /// The service's configuration, checked once at start: one field per setting, and the
        /// report's settings grouped and cross-checked in `report`.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Config {
            $(
                $(#[doc = $doc])*
                pub $field: $ty,
            )*
            /// The weekly report: its settings above (`report_*`, `smtp_*`, the webhook secret and
            /// SMTP password, `public_reports`), checked together; the rest of the code reads these.
            pub report: ReportConfig,
            /// Where each setting's value came from (environment variable, file, flag or
            /// default), by TOML key; shown by `ratify show-config`.
            pub origins: BTreeMap<&'static str, String>,
        }

        impl Default for Config {
            fn default() -> Self {
                Self { $($field: $default,)* report: ReportConfig::default(), origins: BTreeMap::new() }
            }
        }

        impl Config {
            /// Every setting of the table from its highest-precedence source, each parsed alone.
            fn read_table(sources: &Sources<'_>) -> Result<Self, ConfigError> {
                let mut config = Config::default();
                $(
                    if let Some(raw) = sources.get($name)? {
                        let parse: fn(&str) -> Result<$ty, String> = $parse;
                        let text = if $name.trimmed { raw.text.trim() } else { raw.text.as_str() };
                        if !($name.trimmed && text.is_empty()) {
                            config.$field = parse(text).map_err(|m| ConfigError::new(&raw.origin, m))?;
                        }
                        config.origins.insert($name.key, raw.origin);
                    }
                )*
                Ok(config)
            }

            /// The effective settings as `(environment variable, shown value, origin)`; secrets
            /// hidden.
            pub fn describe(&self) -> Vec<(&'static str, String, String)> {
                vec![$({
                    let show: fn(&$ty) -> String = $show;
                    ($name.env, show(&self.$field), self.origin($name).to_string())
                }),*]
            }
        }
    };
}

settings! {
    /// Address and port to listen on (`host:port`).
    BIND "RATIFY_BIND" "bind" []
        bind: String = DEFAULT_BIND.into(), parse_bind, String::clone;
    /// A SQLite file path (or `sqlite://PATH`) or a `postgres://` URL. May come from a file too:
    /// a PostgreSQL URL carries its password.
    DATABASE_URL "RATIFY_DATABASE_URL" "database_url" [secret]
        database_url: String = DEFAULT_DATABASE_URL.into(), parse_database_url, |u| redact(u);
    /// Database connections per instance.
    DB_POOL_SIZE "RATIFY_DB_POOL_SIZE" "db_pool_size" []
        db_pool_size: u32 = DEFAULT_POOL_SIZE, |t| number(t, 1, 100, "anslutningar").map(|n| n as u32), u32::to_string;
    /// HTTP worker threads; `None` lets actix choose (one per core).
    WORKERS "RATIFY_WORKERS" "workers" []
        workers: Option<usize> = None, |t| number(t, 1, 256, "trådar").map(|n| Some(n as usize)),
        |w| w.map(|w| w.to_string()).unwrap_or_else(|| "en per kärna".into());
    /// Log filter in tracing's `EnvFilter` syntax.
    LOG "RATIFY_LOG" "log" []
        log: String = DEFAULT_LOG.into(), parse_log, String::clone;
    /// The address the public reaches the service at (for links in e-mails and feeds), without a
    /// trailing slash; `None` when not configured.
    PUBLIC_URL "RATIFY_PUBLIC_URL" "public_url" []
        public_url: Option<String> = None, |t| parse_public_url(t).map(Some), or_dash;
    /// The key that signs staff sessions (at least [`MIN_SESSION_KEY_LEN`] characters).
    SESSION_KEY "RATIFY_SESSION_KEY" "session_key" [secret]
        session_key: Option<Secret> = None, parse_session_key, hidden;
    /// Signs report webhooks (the report reads it as `report.webhook_secret`).
    WEBHOOK_SECRET "RATIFY_WEBHOOK_SECRET" "webhook_secret" [secret]
        webhook_secret: Option<Secret> = None, |t| Ok(Some(Secret::new(t))), hidden;
    /// The mail relay's password (the report reads it as `report.smtp`).
    SMTP_PASSWORD "RATIFY_SMTP_PASSWORD" "smtp_password" [secret]
        smtp_password: Option<Secret> = None, |t| Ok(Some(Secret::new(t))), hidden;
    /// Who may read `/metrics`.
    METRICS_ALLOW "RATIFY_METRICS_ALLOW" "metrics_allow" []
        metrics_allow: AllowList = AllowList::loopback(), parse_allow_list, AllowList::to_string;
    /// Largest accepted request body, in bytes.
    BODY_LIMIT "RATIFY_BODY_LIMIT" "body_limit" []
        body_limit: usize = DEFAULT_BODY_LIMIT, |t| number(t, 1024, 64 * 1024 * 1024, "byte").map(|n| n as usize),
        usize::to_string;
    /// How long in-flight requests may take to finish after SIGTERM.
    SHUTDOWN_TIMEOUT "RATIFY_SHUTDOWN_TIMEOUT" "shutdown_timeout" []
        shutdown_timeout: Duration = Duration::from_secs(DEFAULT_SHUTDOWN_TIMEOUT_SECS),
        |t| number(t, 1, 3600, "sekunder").map(Duration::from_secs), |d| d.as_secs().to_string();
    /// How often to look for writes made by other instances; `None` turns it off.
    CHANGE_POLL_MS "RATIFY_CHANGE_POLL_MS" "change_poll_ms" []
        change_poll: Option<Duration> = Some(Duration::from_millis(DEFAULT_CHANGE_POLL_MS)), parse_change_poll,
        |d| d.map(|d| d.as_millis()).unwrap_or(0).to_string();
    /// Reverse proxies (addresses or networks) whose `X-Forwarded-For` is believed (audit trail,
    /// login throttle, request log).
    TRUSTED_PROXIES "RATIFY_TRUSTED_PROXIES" "trusted_proxies" []
        trusted_proxies: Vec<IpNet> = Vec::new(), parse_net_list,
        |p| list_or_dash(&p.iter().map(ToString::to_string).collect::<Vec<_>>());
    /// A staff session ends after this long without a request (besides the 12-hour limit).
    SESSION_IDLE_MINUTES "RATIFY_SESSION_IDLE_MINUTES" "session_idle_minutes" []
        session_idle: Duration = Duration::from_secs(DEFAULT_SESSION_IDLE_MINUTES * 60),
        |t| number(t, 1, 12 * 60, "minuter").map(|m| Duration::from_secs(m * 60)), |d| (d.as_secs() / 60).to_string();
    /// Whether the weekly report's scheduler runs inside `ratify serve`.
    REPORT_ENABLED "RATIFY_REPORT_ENABLED" "report_enabled" [trimmed]
        report_enabled: bool = true, report::parse_bool, bool::to_string;
    /// Weekday and time of the weekly report (Europe/Stockholm).
    REPORT_SCHEDULE "RATIFY_REPORT_SCHEDULE" "report_schedule" [trimmed]
        report_schedule: Schedule = Schedule::default(), |t| t.parse::<Schedule>().map_err(|e| e.to_string()),
        Schedule::to_string;
    /// Web addresses that receive the report (signed with the webhook secret, then required).
    REPORT_WEBHOOKS "RATIFY_REPORT_WEBHOOKS" "report_webhooks" [trimmed]
        report_webhooks: Vec<String> = Vec::new(), report::webhook_list, |v| list_or_dash(v);
    /// The mail relay for the report, in lettre's URL form (needs `smtp_from`).
    SMTP_URL "RATIFY_SMTP_URL" "smtp_url" [trimmed]
        smtp_url: Option<String> = None, |t| Ok(Some(t.to_string())),
        |u| u.as_deref().map(crate::db::redact_password).unwrap_or_else(|| "-".into());
    /// The report's sender (needs `smtp_url`).
    SMTP_FROM "RATIFY_SMTP_FROM" "smtp_from" [trimmed]
        smtp_from: Option<String> = None, |t| Ok(Some(t.to_string())), or_dash;
    /// E-mail recipients of the report (need the SMTP settings).
    REPORT_EMAILS "RATIFY_REPORT_EMAILS" "report_emails" [trimmed]
        report_emails: Vec<String> = Vec::new(), report::email_list, |v| list_or_dash(v);
    /// How long a failing delivery is retried.
    REPORT_RETRY_FOR "RATIFY_REPORT_RETRY_FOR" "report_retry_for" [trimmed]
        report_retry_for: Duration = Duration::from_secs(24 * 3600), report::duration, |d| format!("{}s", d.as_secs());
    /// The first backoff of a failing delivery, doubled per attempt.
    REPORT_RETRY_BASE "RATIFY_REPORT_RETRY_BASE" "report_retry_base" [trimmed]
        report_retry_base: Duration = Duration::from_secs(30), report::duration, |d| format!("{}s", d.as_secs());
    /// Whether the public report archive `/rapporter` is served.
    PUBLIC_REPORTS "RATIFY_PUBLIC_REPORTS" "public_reports" [trimmed]
        public_reports: bool = true, report::parse_bool, bool::to_string;
    /// The slug of the agreement today's URLs (`/`, `/api/v1/status`, `/data/*.csv`, …) show.
    FEATURED_AGREEMENT "RATIFY_FEATURED_AGREEMENT" "featured_agreement" []
        featured_agreement: String = crate::agreement::DEFAULT_FEATURED.into(),
        |t| crate::agreement::spec::parse_slug(t.trim()), String::clone;
}

/// Environment variables of ratify that are not settings of the service itself.
const OTHER_KNOWN_ENV: &[&str] = &["RATIFY_CONFIG", "RATIFY_TEST_POSTGRES_URL"];

/// A setting that is wrong, with its name as the operator wrote it (`RATIFY_BIND`, `bind i
/// /etc/ratify.toml`, `--bind`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    /// The setting as the operator gave it: variable, file key, flag, or a form field's label.
    pub variable: String,
    pub message: String,
}

impl ConfigError {
    pub(crate) fn new(variable: impl Into<String>, message: impl Into<String>) -> Self {
        Self { variable: variable.into(), message: message.into() }
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

fn or_dash(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "-".into())
}

fn hidden(secret: &Option<Secret>) -> String {
    if secret.is_some() {
        "(satt, visas inte)".into()
    } else {
        "-".into()
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
        let mut config = Self::read_table(&sources)?;
        config.report = ReportConfig::from_settings(&config).map_err(|(setting, message)| {
            ConfigError::new(config.origins.get(setting.key).cloned().unwrap_or_else(|| setting.env.into()), message)
        })?;
        Ok(config)
    }

    /// Where a setting came from, for `ratify show-config`.
    pub fn origin(&self, setting: Setting) -> &str {
        self.origins.get(setting.key).map(String::as_str).unwrap_or("standardvärde")
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

/// A whole number in `min..=max`; `unit` says what it counts, in the message.
fn number(text: &str, min: u64, max: u64, unit: &str) -> Result<u64, String> {
    let n: u64 = text.trim().parse().map_err(|_| format!("\"{text}\" är inget heltal (ange {unit}, {min}–{max})"))?;
    if !(min..=max).contains(&n) {
        return Err(format!("{n} är utanför det tillåtna {min}–{max} ({unit})"));
    }
    Ok(n)
}

fn parse_database_url(text: &str) -> Result<String, String> {
    crate::db::DatabaseUrl::parse(text)?;
    Ok(text.trim().to_string())
}

fn parse_log(text: &str) -> Result<String, String> {
    tracing_subscriber::EnvFilter::try_new(text.trim())
        .map_err(|_| format!("\"{text}\" är inget giltigt loggfilter (t.ex. info, warn eller ratify=debug,info)"))?;
    Ok(text.trim().to_string())
}

fn parse_session_key(text: &str) -> Result<Option<Secret>, String> {
    let chars = text.chars().count();
    if chars < MIN_SESSION_KEY_LEN {
        return Err(format!(
            "sessionsnyckeln är för kort ({chars} tecken; minst {MIN_SESSION_KEY_LEN} krävs, t.ex. från openssl rand -hex 32)"
        ));
    }
    Ok(Some(Secret::new(text)))
}

fn parse_change_poll(text: &str) -> Result<Option<Duration>, String> {
    let ms = number(text, 0, 60_000, "millisekunder")?;
    if ms != 0 && ms < 50 {
        return Err("ska vara 0 (av) eller minst 50 millisekunder".into());
    }
    Ok((ms > 0).then(|| Duration::from_millis(ms)))
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

    #[test]
    fn a_report_secret_from_a_file_is_read_by_the_one_loader() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("webhook_secret");
        std::fs::write(&path, "från-fil\n").unwrap();
        let path = path.to_str().unwrap();
        let hooks = ("RATIFY_REPORT_WEBHOOKS", "https://a.example/hook");
        let c = load(&[hooks, ("RATIFY_WEBHOOK_SECRET_FILE", path)], None).unwrap();
        assert_eq!(c.report.webhook_secret.as_ref().map(Secret::expose), Some("från-fil"));
        assert_eq!(c.origin(WEBHOOK_SECRET), "RATIFY_WEBHOOK_SECRET_FILE");
        let c = load(&[hooks], Some(&format!("webhook_secret_file = \"{path}\"\n"))).unwrap();
        assert_eq!(c.report.webhook_secret.as_ref().map(Secret::expose), Some("från-fil"));
        // The report's own entry point reads the same way, with the same messages.
        let lookup = |k: &str| (k == "RATIFY_SMTP_PASSWORD_FILE").then(|| "/nonexistent/pw".to_string());
        let e = crate::reports::ReportConfig::from_lookup(lookup).unwrap_err();
        assert_eq!(e.to_string(), "RATIFY_SMTP_PASSWORD_FILE: kan inte läsa \"/nonexistent/pw\": filen finns inte");
        let both = |k: &str| match k {
            "RATIFY_WEBHOOK_SECRET" => Some("a".to_string()),
            "RATIFY_WEBHOOK_SECRET_FILE" => Some(path.to_string()),
            _ => None,
        };
        let e = crate::reports::ReportConfig::from_lookup(both).unwrap_err();
        assert!(e.to_string().starts_with("RATIFY_WEBHOOK_SECRET_FILE: ange antingen"), "{e}");
    }

    #[test]
    fn the_table_names_each_setting_once_and_alike() {
        for (i, s) in SETTINGS.iter().enumerate() {
            assert_eq!(s.env, format!("RATIFY_{}", s.key.to_uppercase()), "variable and key of {}", s.key);
            assert!(SETTINGS[..i].iter().all(|o| o.key != s.key), "{} twice", s.key);
        }
        let described: Vec<&str> = Config::default().describe().into_iter().map(|(env, _, _)| env).collect();
        assert_eq!(described, SETTINGS.iter().map(|s| s.env).collect::<Vec<_>>());
        // And the README's table has no setting the code lacks.
        for line in include_str!("../README.md").lines().filter(|l| l.starts_with("| `RATIFY_")) {
            let name = line.split('`').nth(1).unwrap_or_default();
            assert!(
                SETTINGS.iter().any(|s| s.env == name) || OTHER_KNOWN_ENV.contains(&name),
                "README lists {name}, which is no setting"
            );
            if let Some(s) = SETTINGS.iter().find(|s| s.env == name) {
                let marked = line.starts_with(&format!("| `{name}` †"));
                assert_eq!(marked, s.secret, "README's † (may come from a file) on {name}");
            }
        }
    }

    #[test]
    fn a_report_webhook_is_checked_by_the_one_url_check() {
        let secret = ("RATIFY_WEBHOOK_SECRET", "s");
        // Addresses the URL parser takes but the project's check refuses: the same message.
        for url in ["https://user:pass@hooks.example/x", "https:hooks.example/x", "https:///x", "ftp://hooks.example/x"]
        {
            let expected = crate::web_address::check_http_url(url).unwrap_err().to_string();
            assert_eq!(
                err(&[("RATIFY_REPORT_WEBHOOKS", url), secret], None),
                format!("RATIFY_REPORT_WEBHOOKS: {expected}")
            );
            let form = crate::reports::config::parse_webhooks("Webhookadresser", url).unwrap_err();
            assert_eq!(form.message, expected, "the staff's form says the same");
        }
        let c = load(&[("RATIFY_REPORT_WEBHOOKS", "https://hooks.example/x"), secret], None).unwrap();
        assert_eq!(c.report.webhooks, ["https://hooks.example/x"]);
    }
}
