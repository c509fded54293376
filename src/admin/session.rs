//! The staff session: a signed and encrypted cookie (actix-session's cookie store) holding the
//! user id, the account's session version, the login time and the CSRF token. Nothing else
//! about the user is trusted from the cookie: the gate reloads the account on every request.

use std::sync::OnceLock;

use actix_session::config::{BrowserSession, CookieContentSecurity};
use actix_session::storage::CookieSessionStore;
use actix_session::{Session, SessionMiddleware};
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};

use super::error::AdminError;
use crate::accounts::User;

pub const COOKIE_NAME: &str = "ratify_staff";
/// A login lasts at most this long, whatever the activity.
pub const MAX_SESSION_HOURS: i64 = 12;

const KEY_USER: &str = "uid";
const KEY_VERSION: &str = "sv";
const KEY_LOGIN_AT: &str = "at";

/// Reads `RATIFY_SESSION_KEY`: at least 64 bytes, written as hex or base64. `Ok(None)` when unset.
pub fn session_key_from_env() -> Result<Option<Key>, String> {
    let Ok(text) = std::env::var("RATIFY_SESSION_KEY") else { return Ok(None) };
    parse_session_key(&text).map(Some)
}

pub fn parse_session_key(text: &str) -> Result<Key, String> {
    let text = text.trim();
    let bytes = if text.len() % 2 == 0 && text.chars().all(|c| c.is_ascii_hexdigit()) {
        (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16)).collect::<Result<Vec<_>, _>>().ok()
    } else {
        None
    };
    let bytes = bytes
        .or_else(|| base64::engine::general_purpose::STANDARD.decode(text).ok())
        .or_else(|| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok())
        .ok_or("RATIFY_SESSION_KEY ska vara hex eller base64")?;
    Key::try_from(bytes.as_slice()).map_err(|_| {
        format!("RATIFY_SESSION_KEY ska vara minst 64 byte (nu {}); skapa en med: openssl rand -hex 64", bytes.len())
    })
}

/// The key of this process: from the environment, or a random one (logged: sessions then end
/// when the service restarts, and several instances do not share them).
fn key() -> &'static Key {
    static KEY: OnceLock<Key> = OnceLock::new();
    KEY.get_or_init(|| match session_key_from_env() {
        Ok(Some(key)) => key,
        Ok(None) => {
            tracing::warn!(
                "RATIFY_SESSION_KEY is not set: using a random session key; staff sessions will not survive a restart"
            );
            Key::generate()
        }
        Err(e) => {
            tracing::error!(error = %e, "RATIFY_SESSION_KEY is unusable: using a random session key instead");
            Key::generate()
        }
    })
}

/// Whether the service is reached over https (`RATIFY_PUBLIC_URL`): then the cookie is Secure.
fn secure_cookie() -> bool {
    is_https(std::env::var("RATIFY_PUBLIC_URL").ok().as_deref())
}

pub fn is_https(public_url: Option<&str>) -> bool {
    public_url.is_some_and(|u| u.trim().to_ascii_lowercase().starts_with("https://"))
}

/// The session middleware of the /admin scope: HttpOnly, SameSite=Strict, Secure under https,
/// path /admin, content encrypted and authenticated.
pub fn middleware() -> SessionMiddleware<CookieSessionStore> {
    SessionMiddleware::builder(CookieSessionStore::default(), key().clone())
        .cookie_name(COOKIE_NAME.into())
        .cookie_path("/admin".into())
        .cookie_secure(secure_cookie())
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Strict)
        .cookie_content_security(CookieContentSecurity::Private)
        // The cookie lasts as long as the browser session; the login itself ends after
        // MAX_SESSION_HOURS (checked by the gate).
        .session_lifecycle(BrowserSession::default())
        .build()
}

/// What the session says about who is logged in.
pub struct SessionLogin {
    pub user_id: i32,
    pub version: i32,
    pub login_at: DateTime<Utc>,
}

pub fn login_of(session: &Session) -> Option<SessionLogin> {
    let user_id = session.get::<i32>(KEY_USER).ok()??;
    let version = session.get::<i32>(KEY_VERSION).ok()??;
    let login_at = DateTime::from_timestamp(session.get::<i64>(KEY_LOGIN_AT).ok()??, 0)?;
    Some(SessionLogin { user_id, version, login_at })
}

impl SessionLogin {
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        now - self.login_at > Duration::hours(MAX_SESSION_HOURS) || self.login_at > now + Duration::minutes(5)
    }
}

/// Starts a fresh session for `user` (a new CSRF token too: one from before the login is void).
pub fn start(session: &Session, user: &User) -> Result<String, AdminError> {
    session.renew();
    session.clear();
    let csrf = crate::csrf::new_token();
    let r = session
        .insert(KEY_USER, user.id)
        .and_then(|_| session.insert(KEY_VERSION, user.session_version))
        .and_then(|_| session.insert(KEY_LOGIN_AT, Utc::now().timestamp()))
        .and_then(|_| session.insert(crate::csrf::FIELD, &csrf));
    r.map_err(|e| AdminError::Internal(format!("session: {e}")))?;
    Ok(csrf)
}

/// After the account's session version changed (own password change): keep this session valid.
pub fn refresh_version(session: &Session, user: &User) -> Result<(), AdminError> {
    session.insert(KEY_VERSION, user.session_version).map_err(|e| AdminError::Internal(format!("session: {e}")))
}

/// The session's CSRF token, made if missing.
pub fn csrf_token(session: &Session) -> String {
    if let Ok(Some(t)) = session.get::<String>(crate::csrf::FIELD) {
        return t;
    }
    let t = crate::csrf::new_token();
    let _ = session.insert(crate::csrf::FIELD, &t);
    t
}

/// The logged-in user, put in the request by the gate.
#[derive(Clone)]
pub struct CurrentUser(pub User);

/// The CSRF token to put in the page's forms, put in the request by the gate.
#[derive(Clone)]
pub struct CsrfToken(pub String);

impl FromRequest for CurrentUser {
    type Error = AdminError;
    type Future = std::future::Ready<Result<Self, AdminError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(req.extensions().get::<CurrentUser>().cloned().ok_or(AdminError::NotLoggedIn))
    }
}

impl FromRequest for CsrfToken {
    type Error = AdminError;
    type Future = std::future::Ready<Result<Self, AdminError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            req.extensions()
                .get::<CsrfToken>()
                .cloned()
                .ok_or_else(|| AdminError::Internal("no CSRF token in the request".into())),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_secure_under_https_only() {
        assert!(is_https(Some("https://ratify.vastkom.se")));
        assert!(is_https(Some(" HTTPS://x.se/")));
        assert!(!is_https(Some("http://localhost:8080")));
        assert!(!is_https(None));
    }

    #[test]
    fn session_keys_in_hex_or_base64_of_64_bytes() {
        let hex: String = (0..64).map(|i| format!("{:02x}", i)).collect();
        assert!(parse_session_key(&hex).is_ok());
        let b64 = base64::engine::general_purpose::STANDARD.encode([7u8; 64]);
        assert!(parse_session_key(&b64).is_ok());
        assert!(parse_session_key("abcd").err().is_some_and(|e| e.contains("64")));
        assert!(parse_session_key("!!!").is_err());
    }
}
