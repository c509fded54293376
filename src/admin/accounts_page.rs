//! /admin/konton (admins): list accounts, add one, disable or enable, reset a password. A password
//! an admin sets is generated, shown once, and must be changed at the next login.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;

use super::error::AdminError;
use super::format;
use super::layout::{self, csrf_field, field_error};
use super::session::{CsrfToken, CurrentUser, RequireAdmin};
use crate::accounts::{self, password, AccountError, Role, User};
use crate::audit::{self, Action};
use crate::AppState;

async fn list(state: &AppState) -> Result<Vec<User>, AdminError> {
    state.db.run(|db| db.read_blocking(|c| accounts::list(c).map_err(AdminError::from))).await
}

pub async fn page(
    RequireAdmin(user): RequireAdmin,
    csrf: CsrfToken,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let users = list(&state).await?;
    Ok(layout::respond(accounts_page(&user, &csrf.0, &users, &NewAccount::default(), None, None)))
}

#[derive(Deserialize, Default)]
pub struct NewAccount {
    #[serde(default)]
    username: String,
    #[serde(default)]
    role: String,
}

/// A freshly set password, shown once.
struct Shown {
    username: String,
    password: String,
    what: &'static str,
}

/// After a committed change that made a password: the list with the password shown once.
async fn show_password(
    state: &AppState,
    user: &CurrentUser,
    csrf: &str,
    shown: &Shown,
) -> Result<HttpResponse, AdminError> {
    let users = list(state).await?;
    Ok(layout::respond(accounts_page(user, csrf, &users, &NewAccount::default(), None, Some(shown))))
}

/// 422: the list with a message about the whole page (not one field); nothing was changed.
async fn refuse(state: &AppState, user: &CurrentUser, csrf: &str, message: &str) -> Result<HttpResponse, AdminError> {
    let users = list(state).await?;
    let page = accounts_page(user, csrf, &users, &NewAccount::default(), Some(("general", message)), None);
    Ok(layout::respond_status(StatusCode::UNPROCESSABLE_ENTITY, page))
}

fn accounts_page(
    user: &CurrentUser,
    csrf: &str,
    users: &[User],
    form: &NewAccount,
    error: Option<(&str, &str)>,
    shown: Option<&Shown>,
) -> Markup {
    let err = |field: &str| field_error(field, error.filter(|(f, _)| *f == field).map(|(_, m)| m));
    let content = html! {
        h1 { "Konton" }
        @if let Some(s) = shown {
            div.notice role="status" {
                p { (s.what) " för " strong { (s.username) } ". Lösenordet visas bara nu; ge det till personen på ett säkert sätt. "
                    "Det måste bytas vid första inloggningen." }
                p { span.secret { (s.password) } }
            }
        }
        @if let Some(("general", m)) = error { p.alert role="alert" { (m) } }
        table {
            thead {
                tr {
                    th scope="col" { "Användarnamn" }
                    th scope="col" { "Roll" }
                    th scope="col" { "Status" }
                    th scope="col" { "Skapat" }
                    th scope="col" { "Åtgärder" }
                }
            }
            tbody {
                @for u in users {
                    tr {
                        td { (u.username) }
                        td { (u.role.label_sv()) }
                        td {
                            @if !u.active { "Inaktiverat" }
                            @else if u.must_change_password { "Aktivt (måste byta lösenord)" }
                            @else { "Aktivt" }
                        }
                        td { (format::timestamp(u.created_at)) }
                        td {
                            @let (path, label) = if u.active { ("inaktivera", "Inaktivera ") } else { ("aktivera", "Aktivera ") };
                            form.inline method="post" action=(format!("/admin/konton/{}/{path}", u.id)) {
                                (csrf_field(csrf))
                                button.secondary type="submit" { (label) span.visually-hidden { (u.username) } }
                            }
                            " "
                            form.inline method="post" action=(format!("/admin/konton/{}/losenord", u.id)) {
                                (csrf_field(csrf))
                                button.secondary type="submit" { "Nytt lösenord " span.visually-hidden { (u.username) } }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Lägg till ett konto" }
        form method="post" action="/admin/konton" {
            (csrf_field(csrf))
            label for="username" { "Användarnamn " span.hint { "(a–ö, siffror, . _ - @)" } }
            (err("username"))
            input type="text" id="username" name="username" value=(form.username) required;
            label for="role" { "Roll" }
            (err("role"))
            select id="role" name="role" {
                option value="editor" selected[form.role != "admin"] { "Redaktör – registrerar händelser och importerar" }
                option value="admin" selected[form.role == "admin"] { "Administratör – även konton och API-nycklar" }
            }
            p { button type="submit" { "Skapa kontot" } }
        }
    };
    layout::page("Konton", user, csrf, content)
}

/// A new generated password and its hash (hashing is slow on purpose: off the async workers).
async fn generated_password() -> Result<(String, password::Hashed), AdminError> {
    let clear = password::generate();
    let to_hash = clear.clone();
    let hashed = web::block(move || password::hash(&to_hash))
        .await
        .map_err(|e| AdminError::Internal(e.into()))?
        .map_err(|e| AdminError::Internal(e.into()))?;
    Ok((clear, hashed))
}

pub async fn create(
    RequireAdmin(user): RequireAdmin,
    req: HttpRequest,
    csrf: CsrfToken,
    form: web::Form<NewAccount>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let form = form.into_inner();
    let fail = |users: &[User], field: &str, message: &str| {
        let page = accounts_page(&user, &csrf.0, users, &form, Some((field, message)), None);
        layout::respond_status(StatusCode::UNPROCESSABLE_ENTITY, page)
    };
    let Some(role) = Role::parse(&form.role) else {
        return Ok(fail(&list(&state).await?, "role", "Välj rollen redaktör eller administratör."));
    };
    let username = accounts::normalize_username(&form.username);
    if let Err(m) = accounts::check_username(&username) {
        return Ok(fail(&list(&state).await?, "username", &m));
    }
    let (clear, hashed) = generated_password().await?;
    let (actor, addr) = (user.0.username.clone(), audit::client_addr(&req));
    let name = username.clone();
    let created = state
        .db
        .run(move |db| {
            Ok::<_, AdminError>(db.write_blocking(|conn| {
                let u = accounts::create_in(conn, &name, &hashed, role, true)?;
                audit::record(
                    conn,
                    &actor,
                    Action::AccountCreate,
                    &format!("Konto {} ({}) skapat.", u.username, role.label_sv()),
                    Some(&addr),
                )?;
                Ok::<_, AccountError>(u)
            }))
        })
        .await?;
    match created {
        Ok(u) => {
            let shown = Shown { username: u.username, password: clear, what: "Kontot är skapat" };
            show_password(&state, &user, &csrf.0, &shown).await
        }
        Err(AccountError::NameTaken(n)) => {
            Ok(fail(&list(&state).await?, "username", &format!("Det finns redan ett konto med användarnamnet {n}.")))
        }
        Err(AccountError::BadUsername(m)) => Ok(fail(&list(&state).await?, "username", &m)),
        Err(e) => Err(AdminError::Internal(e.into())),
    }
}

pub async fn disable(
    RequireAdmin(user): RequireAdmin,
    req: HttpRequest,
    path: web::Path<i32>,
    csrf: CsrfToken,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    set_active(req, path.into_inner(), false, user, csrf, state).await
}

pub async fn enable(
    RequireAdmin(user): RequireAdmin,
    req: HttpRequest,
    path: web::Path<i32>,
    csrf: CsrfToken,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    set_active(req, path.into_inner(), true, user, csrf, state).await
}

async fn set_active(
    req: HttpRequest,
    id: i32,
    active: bool,
    user: CurrentUser,
    csrf: CsrfToken,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    if !active && id == user.0.id {
        return refuse(&state, &user, &csrf.0, "Du kan inte inaktivera ditt eget konto.").await;
    }
    let (actor, addr) = (user.0.username.clone(), audit::client_addr(&req));
    let result = state
        .db
        .run(move |db| {
            Ok::<_, AdminError>(db.write_blocking(|conn| {
                let u = accounts::set_active_in(conn, id, active)?;
                let (action, what) =
                    if active { (Action::AccountEnable, "aktiverat") } else { (Action::AccountDisable, "inaktiverat") };
                audit::record(conn, &actor, action, &format!("Konto {} {what}.", u.username), Some(&addr))?;
                Ok::<_, AccountError>(u)
            }))
        })
        .await?;
    match result {
        Ok(_) => Ok(HttpResponse::SeeOther().insert_header(("Location", "/admin/konton")).finish()),
        Err(AccountError::NotFound) => Err(AdminError::NotFound("Kontot finns inte.".into())),
        Err(AccountError::Refused(m)) => refuse(&state, &user, &csrf.0, &m).await,
        Err(e) => Err(AdminError::Internal(e.into())),
    }
}

pub async fn reset_password(
    RequireAdmin(user): RequireAdmin,
    req: HttpRequest,
    path: web::Path<i32>,
    csrf: CsrfToken,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let id = path.into_inner();
    let (clear, hashed) = generated_password().await?;
    let (actor, addr) = (user.0.username.clone(), audit::client_addr(&req));
    let result = state
        .db
        .run(move |db| {
            Ok::<_, AdminError>(db.write_blocking(|conn| {
                let u = accounts::set_password_in(conn, id, &hashed, true)?;
                audit::record(
                    conn,
                    &actor,
                    Action::AccountPasswordReset,
                    &format!("Nytt lösenord för konto {}.", u.username),
                    Some(&addr),
                )?;
                Ok::<_, AccountError>(u)
            }))
        })
        .await?;
    match result {
        Ok(u) => {
            let shown = Shown { username: u.username, password: clear, what: "Ett nytt lösenord är satt" };
            show_password(&state, &user, &csrf.0, &shown).await
        }
        Err(AccountError::NotFound) => Err(AdminError::NotFound("Kontot finns inte.".into())),
        Err(e) => Err(AdminError::Internal(e.into())),
    }
}
