//! /admin/nycklar (admins): API tokens for the write API. A new token is shown once (only its hash
//! is stored); a token can be revoked.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;

use super::error::AdminError;
use super::format;
use super::layout::{self, csrf_field, field_error};
use super::session::{CsrfToken, CurrentUser, RequireAdmin};
use crate::audit::{self, Action};
use crate::tokens::{self, TokenError, TokenInfo};
use crate::AppState;

async fn list(state: &AppState) -> Result<Vec<TokenInfo>, AdminError> {
    state.db.run(|db| db.read_blocking(|c| tokens::list(c).map_err(AdminError::from))).await
}

pub async fn page(
    RequireAdmin(user): RequireAdmin,
    csrf: CsrfToken,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let all = list(&state).await?;
    Ok(layout::respond(tokens_page(&user, &csrf.0, &all, "", None, None)))
}

fn tokens_page(
    user: &CurrentUser,
    csrf: &str,
    all: &[TokenInfo],
    name: &str,
    error: Option<&str>,
    created: Option<(&str, &str)>,
) -> Markup {
    let content = html! {
        h1 { "API-nycklar" }
        p { "En API-nyckel ger ett annat system rätt att registrera händelser via " code { "POST /api/v1/parties/{kod}/events" } "." }
        @if let Some((n, token)) = created {
            div.notice role="status" {
                p { "API-nyckeln " strong { (n) } " är skapad. Den visas bara nu; kopiera den och förvara den säkert." }
                p { span.secret { (token) } }
            }
        }
        table {
            thead { tr { th scope="col" { "Namn" } th scope="col" { "Skapad" } th scope="col" { "Status" } th scope="col" { "Åtgärd" } } }
            tbody {
                @for t in all {
                    tr {
                        td { (t.name) }
                        td { (format::timestamp(t.created_at)) }
                        td {
                            @if let Some(r) = t.revoked_at { "Återkallad " (format::timestamp(r)) } @else { "Aktiv" }
                        }
                        td {
                            @if t.revoked_at.is_none() {
                                form.inline method="post" action=(format!("/admin/nycklar/{}/aterkalla", t.id)) {
                                    (csrf_field(csrf))
                                    button.secondary type="submit" { "Återkalla " span.visually-hidden { (t.name) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Skapa en API-nyckel" }
        form method="post" action="/admin/nycklar" {
            (csrf_field(csrf))
            label for="name" { "Namn " span.hint { "(vem som använder nyckeln, t.ex. import-goteborg)" } }
            (field_error("name", error))
            input type="text" id="name" name="name" value=(name) required;
            p { button type="submit" { "Skapa nyckeln" } }
        }
    };
    layout::page("API-nycklar", user, csrf, content)
}

#[derive(Deserialize)]
pub struct NewToken {
    #[serde(default)]
    name: String,
}

pub async fn create(
    RequireAdmin(user): RequireAdmin,
    req: HttpRequest,
    csrf: CsrfToken,
    form: web::Form<NewToken>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let name = form.into_inner().name;
    let (actor, addr) = (user.0.username.clone(), audit::client_addr(&req));
    let n = name.clone();
    let result = state
        .db
        .run(move |db| {
            Ok::<_, AdminError>(db.write_blocking(|conn| {
                let token = tokens::create_in(conn, &n)?;
                audit::record(
                    conn,
                    &actor,
                    Action::TokenCreate,
                    &format!("API-nyckeln \"{}\" skapad.", n.trim()),
                    Some(&addr),
                )?;
                Ok::<_, TokenError>(token)
            }))
        })
        .await?;
    let all = list(&state).await?;
    match result {
        Ok(token) => Ok(layout::respond(tokens_page(&user, &csrf.0, &all, "", None, Some((name.trim(), &token))))),
        Err(e @ (TokenError::BadName | TokenError::NameTaken(_))) => {
            let message = match e {
                TokenError::BadName => "Ange ett namn på högst 100 tecken.".to_string(),
                other => format!("{}.", capitalize(&other.to_string())),
            };
            let page = tokens_page(&user, &csrf.0, &all, &name, Some(&message), None);
            Ok(layout::respond_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(AdminError::Internal(e.into())),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

pub async fn revoke(
    RequireAdmin(user): RequireAdmin,
    req: HttpRequest,
    path: web::Path<i32>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let id = path.into_inner();
    let all = list(&state).await?;
    let Some(token) = all.into_iter().find(|t| t.id == id) else {
        return Err(AdminError::NotFound("API-nyckeln finns inte.".into()));
    };
    let (actor, addr) = (user.0.username.clone(), audit::client_addr(&req));
    let name = token.name.clone();
    let result = state
        .db
        .run(move |db| {
            Ok::<_, AdminError>(db.write_blocking(|conn| {
                tokens::revoke_in(conn, &name)?;
                audit::record(
                    conn,
                    &actor,
                    Action::TokenRevoke,
                    &format!("API-nyckeln \"{name}\" återkallad."),
                    Some(&addr),
                )?;
                Ok::<_, TokenError>(())
            }))
        })
        .await?;
    match result {
        Ok(()) => {}
        // Already revoked (another admin, another tab): nothing to do.
        Err(TokenError::NotFound(_)) => {}
        Err(e) => return Err(AdminError::Internal(e.into())),
    }
    Ok(HttpResponse::SeeOther().insert_header(("Location", "/admin/nycklar")).finish())
}
