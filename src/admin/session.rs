//! The staff session: a signed and encrypted cookie (actix-session's cookie store) holding the
//! user id, the account's session version, the login time and the CSRF token. Nothing else
//! about the user is trusted from the cookie: the gate reloads the account on every request.

use actix_session::config::{BrowserSession, CookieContentSecurity};
use actix_session::storage::CookieSessionStore;
use actix_session::{Session, SessionMiddleware};
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use chrono::{DateTime, Duration, Utc};

use super::error::AdminError;
use crate::accounts::User;
use crate::config::Config;

pub const COOKIE_NAME: &str = "ratify_staff";
/// A login lasts at most this long, whatever the activity.
pub const MAX_SESSION_HOURS: i64 = 12;

const KEY_USER: &str = "uid";
const KEY_VERSION: &str = "sv";
const KEY_LOGIN_AT: &str = "at";
/// The id of the session's row in `staff_sessions` (see [`crate::accounts::sessions`]).
const KEY_SESSION_ID: &str = "sid";

/// The cookie key: derived from the configured `RATIFY_SESSION_KEY` (at least 32 characters,
/// checked by the configuration), or else from a key this database keeps for all its instances
/// (made at the first start), so that several instances, and a restart, read each other's cookies.
pub fn resolve_key(config: &Config, db: &crate::db::Db) -> Result<Key, crate::db::DbError> {
    if let Some(secret) = config.session_key.as_ref().filter(|s| s.expose().len() >= 32) {
        return Ok(Key::derive_from(secret.expose().as_bytes()));
    }
    let mut conn = db.conn()?;
    // Outside a transaction: a losing insert of two instances starting at once must not abort
    // the read that follows it (PostgreSQL).
    let stored = crate::accounts::sessions::instance_secret(&mut conn, "session_key", || {
        let mut bytes = [0u8; 64];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    })?;
    Ok(Key::derive_from(stored.as_bytes()))
}

pub fn is_https(public_url: Option<&str>) -> bool {
    public_url.is_some_and(|u| u.trim().to_ascii_lowercase().starts_with("https://"))
}

/// The session middleware of the /admin scope: HttpOnly, SameSite=Strict, Secure under https
/// (`RATIFY_PUBLIC_URL`), path /admin, content encrypted and authenticated.
pub fn middleware(config: &Config, key: &Key) -> SessionMiddleware<CookieSessionStore> {
    SessionMiddleware::builder(CookieSessionStore::default(), key.clone())
        .cookie_name(COOKIE_NAME.into())
        .cookie_path("/admin".into())
        .cookie_secure(is_https(config.public_url.as_deref()))
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
    pub session_id: String,
    pub user_id: i32,
    pub version: i32,
    pub login_at: DateTime<Utc>,
}

pub fn login_of(session: &Session) -> Option<SessionLogin> {
    let session_id = session.get::<String>(KEY_SESSION_ID).ok()??;
    let user_id = session.get::<i32>(KEY_USER).ok()??;
    let version = session.get::<i32>(KEY_VERSION).ok()??;
    let login_at = DateTime::from_timestamp(session.get::<i64>(KEY_LOGIN_AT).ok()??, 0)?;
    Some(SessionLogin { session_id, user_id, version, login_at })
}

impl SessionLogin {
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        now - self.login_at > Duration::hours(MAX_SESSION_HOURS) || self.login_at > now + Duration::minutes(5)
    }
}

/// Starts a fresh session for `user`, naming its server-side row `session_id` (a new CSRF token
/// too: one from before the login is void).
pub fn start(session: &Session, user: &User, session_id: &str) -> Result<String, AdminError> {
    session.renew();
    session.clear();
    let csrf = crate::csrf::new_token();
    let r = session
        .insert(KEY_SESSION_ID, session_id)
        .and_then(|_| session.insert(KEY_USER, user.id))
        .and_then(|_| session.insert(KEY_VERSION, user.session_version))
        .and_then(|_| session.insert(KEY_LOGIN_AT, Utc::now().timestamp()))
        .and_then(|_| session.insert(crate::csrf::FIELD, &csrf));
    r.map_err(|e| AdminError::Internal(format!("session: {e}").into()))?;
    Ok(csrf)
}

/// After the account's session version changed (own password change): keep this session valid.
pub fn refresh_version(session: &Session, user: &User) -> Result<(), AdminError> {
    session.insert(KEY_VERSION, user.session_version).map_err(|e| AdminError::Internal(format!("session: {e}").into()))
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

impl AsRef<User> for CurrentUser {
    fn as_ref(&self) -> &User {
        &self.0
    }
}

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

/// The logged-in user, who must be an admin: every admin-only handler takes this, so that the
/// gate's check is not the only one between an editor and an admin page.
#[derive(Clone)]
pub struct RequireAdmin(pub CurrentUser);

pub const ADMINS_ONLY: &str = "Sidan är bara för administratörer. Be en administratör om hjälp.";

impl FromRequest for RequireAdmin {
    type Error = AdminError;
    type Future = std::future::Ready<Result<Self, AdminError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let user = req.extensions().get::<CurrentUser>().cloned();
        std::future::ready(match user {
            None => Err(AdminError::NotLoggedIn),
            Some(u) if u.0.role != crate::accounts::Role::Admin => Err(AdminError::Forbidden(ADMINS_ONLY.into())),
            Some(u) => Ok(RequireAdmin(u)),
        })
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
    fn the_configured_key_or_else_the_databases_gives_every_instance_the_same_cookie_key() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::db::Db::open(&dir.path().join("k.sqlite3").to_string_lossy(), 2).unwrap();
        db.migrate().unwrap();
        let with = |k: &str| Config { session_key: Some(crate::config::Secret::new(k)), ..Config::default() };
        let a = "a".repeat(32);
        let key = |c: &Config| resolve_key(c, &db).unwrap().master().to_vec();
        assert_eq!(key(&with(&a)), key(&with(&a)));
        assert_ne!(key(&with(&a)), key(&with(&"b".repeat(32))));
        // Without a key: the one the database keeps, the same for every instance and restart.
        let stored = key(&Config::default());
        assert_eq!(stored, key(&Config::default()));
        assert_ne!(stored, key(&with(&a)));
        let again = crate::db::Db::open(&dir.path().join("k.sqlite3").to_string_lossy(), 2).unwrap();
        assert_eq!(resolve_key(&Config::default(), &again).unwrap().master(), stored.as_slice());
    }
}
