//! Logging in and out, and changing one's own password.

use actix_session::Session;
use actix_web::http::header::LOCATION;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;

use super::error::AdminError;
use super::layout::{self, bare_page, csrf_field, field_error};
use super::session::{self, CsrfToken, CurrentUser};
use crate::accounts::login::{login as check_login, LoginError};
use crate::accounts::{self, password, sessions, AccountError};
use crate::audit::{self, Action};
use crate::AppState;

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

pub async fn login_page(query: web::Query<LoginQuery>, csrf: CsrfToken) -> HttpResponse {
    let next = safe_next(query.next.as_deref());
    layout::respond(login_form(&csrf.0, "", &next, None))
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

pub async fn login(
    req: HttpRequest,
    form: web::Form<LoginForm>,
    session: Session,
    csrf: CsrfToken,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let LoginForm { username, password, next } = form.into_inner();
    let next = safe_next(next.as_deref());
    let addr = audit::client_addr(&req);
    let name = username.clone();
    let result = state.db.run(move |db| Ok::<_, AdminError>(check_login(db, &name, &password, &addr))).await?;
    let (status, message) = match result {
        Ok(user) => {
            let user_id = user.id;
            let now = crate::clock::now();
            let session_id = state
                .db
                .run(move |db| db.write_blocking(|c| sessions::open(c, user_id, now).map_err(AdminError::from)))
                .await?;
            session::start(&session, &user, &session_id)?;
            let to = if user.must_change_password { "/admin/losenord".to_string() } else { next };
            return Ok(HttpResponse::SeeOther().insert_header((LOCATION, to)).finish());
        }
        Err(LoginError::Locked { until }) => (
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "För många misslyckade inloggningsförsök. Av säkerhetsskäl är inloggningen spärrad i 15 minuter, \
                 till kl. {}. Försök igen då, eller be en administratör om hjälp.",
                super::format::clock(until)
            ),
        ),
        Err(LoginError::BadCredentials) => (
            StatusCode::UNAUTHORIZED,
            "Fel användarnamn eller lösenord. Efter fem misslyckade försök spärras inloggningen i 15 minuter.".into(),
        ),
        Err(LoginError::Disabled) => {
            (StatusCode::FORBIDDEN, "Kontot är inaktiverat. Kontakta en administratör om du behöver åtkomst.".into())
        }
        Err(LoginError::Db(e)) => return Err(e.into()),
    };
    Ok(layout::respond_status(status, login_form(&csrf.0, &username, &next, Some(&message))))
}

fn login_form(csrf: &str, username: &str, next: &str, message: Option<&str>) -> Markup {
    bare_page(
        "Logga in",
        html! {
            h1 { "Logga in" }
            @if let Some(m) = message { p.alert role="alert" { (m) } }
            form method="post" action="/admin/logga-in" {
                (csrf_field(csrf))
                input type="hidden" name="next" value=(next);
                label for="username" { "Användarnamn" }
                input type="text" id="username" name="username" value=(username) autocomplete="username" required;
                label for="password" { "Lösenord" }
                input type="password" id="password" name="password" autocomplete="current-password" required;
                p { button type="submit" { "Logga in" } }
            }
        },
    )
}

/// Where to go after login: a staff page of this site, never another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with("/admin") && !n.contains("//") && !n.contains('\\') && !n.contains(':') => n.into(),
        _ => "/admin".into(),
    }
}

pub async fn logout(
    req: HttpRequest,
    user: CurrentUser,
    session: Session,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let addr = audit::client_addr(&req);
    let name = user.0.username.clone();
    // Ended on the server: a copy of the cookie no longer logs anyone in.
    let session_id = session::login_of(&session).map(|l| l.session_id);
    let now = crate::clock::now();
    state
        .db
        .run(move |db| {
            db.write_blocking(|conn| {
                if let Some(id) = &session_id {
                    sessions::close(conn, id, now)?;
                }
                audit::record(conn, &name, Action::Logout, "Utloggad.", Some(&addr)).map_err(AdminError::from)
            })
        })
        .await?;
    session.purge();
    Ok(HttpResponse::SeeOther().insert_header((LOCATION, "/admin/logga-in")).finish())
}

pub async fn password_page(user: CurrentUser, csrf: CsrfToken) -> HttpResponse {
    layout::respond(password_form(&user, &csrf.0, &PasswordErrors::default(), None))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    repeat: String,
}

#[derive(Default)]
struct PasswordErrors {
    current: Option<String>,
    new: Option<String>,
    repeat: Option<String>,
}

pub async fn change_password(
    req: HttpRequest,
    user: CurrentUser,
    csrf: CsrfToken,
    session: Session,
    form: web::Form<PasswordForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let PasswordForm { current, new, repeat } = form.into_inner();
    let mut errors = PasswordErrors::default();
    let id = user.0.id;
    let stored = state
        .db
        .run(move |db| db.read_blocking(|c| accounts::password_hash(c, id).map_err(AdminError::from)))
        .await?
        .unwrap_or_default();
    let current_ok =
        web::block(move || password::verify(&current, &stored)).await.map_err(|e| AdminError::Internal(e.into()))?;
    if !current_ok {
        errors.current = Some("Det nuvarande lösenordet stämmer inte.".into());
    }
    if let Err(m) = password::check_policy(&new, &user.0.username) {
        errors.new = Some(m);
    } else if new != repeat {
        errors.repeat = Some("Lösenorden är inte lika. Skriv det nya lösenordet två gånger.".into());
    }
    if errors.current.is_some() || errors.new.is_some() || errors.repeat.is_some() {
        let page = password_form(&user, &csrf.0, &errors, None);
        return Ok(layout::respond_status(StatusCode::UNPROCESSABLE_ENTITY, page));
    }
    let hashed = web::block(move || password::hash(&new))
        .await
        .map_err(|e| AdminError::Internal(e.into()))?
        .map_err(|e| AdminError::Internal(e.into()))?;
    let addr = audit::client_addr(&req);
    let name = user.0.username.clone();
    let updated = state
        .db
        .run(move |db| {
            db.write_blocking(|conn| {
                let u = accounts::set_password_in(conn, id, &hashed, false)?;
                audit::record(conn, &name, Action::PasswordChange, "Bytte sitt lösenord.", Some(&addr))?;
                Ok::<_, AccountError>(u)
            })
        })
        .await
        .map_err(|e| AdminError::Internal(e.into()))?;
    // Other sessions of the account end; this one goes on.
    session::refresh_version(&session, &updated)?;
    let user = CurrentUser(updated);
    Ok(layout::respond(password_form(&user, &csrf.0, &PasswordErrors::default(), Some("Lösenordet är bytt."))))
}

fn password_form(user: &CurrentUser, csrf: &str, errors: &PasswordErrors, done: Option<&str>) -> Markup {
    let err = |id: &str, m: &Option<String>| field_error(id, m.as_deref());
    layout::page(
        "Byt lösenord",
        user,
        csrf,
        html! {
            h1 { "Byt lösenord" }
            @if let Some(d) = done { p.notice role="status" { (d) " " a href="/admin" { "Till översikten" } } }
            @if user.0.must_change_password {
                p.notice { "Ditt lösenord sattes av en administratör. Välj ett eget innan du fortsätter." }
            }
            form method="post" action="/admin/losenord" {
                (csrf_field(csrf))
                label for="current" { "Nuvarande lösenord" }
                (err("current", &errors.current))
                input type="password" id="current" name="current" autocomplete="current-password" required;
                label for="new" { "Nytt lösenord " span.hint { "(minst " (password::MIN_CHARS) " tecken)" } }
                (err("new", &errors.new))
                input type="password" id="new" name="new" autocomplete="new-password" required;
                label for="repeat" { "Upprepa det nya lösenordet" }
                (err("repeat", &errors.repeat))
                input type="password" id="repeat" name="repeat" autocomplete="new-password" required;
                p { button type="submit" { "Byt lösenord" } }
            }
        },
    )
}
