//! The gate in front of every /admin route: who is logged in (reloaded from the database on every
//! request), what the route needs, and the CSRF token on every POST.
//!
//! The gate wraps each resource of the route table on its own, with that resource's access: what
//! it checks is what the router matched (after percent-decoding), never the raw request path, so
//! no spelling of a path can reach a handler with another route's access. The scope's fallback
//! (a path no route matches) is gated as `Editor`: 404 for staff, the login form for anyone else.
//! Admin-only handlers check the role once more themselves ([`super::session::RequireAdmin`]).

use actix_session::SessionExt;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderValue, CACHE_CONTROL, LOCATION};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{web, HttpMessage, HttpResponse, ResponseError};
use futures_util::StreamExt;

use super::error::AdminError;
use super::routes::Access;
use super::session::{self, CsrfToken, CurrentUser};
use crate::accounts::sessions::{self, Standing};
use crate::accounts::{self, Role};
use crate::AppState;

/// The largest form the staff pages accept (a CSV upload).
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;

/// What the gate of one resource knows of it, fixed when the routes are registered.
#[derive(Debug, Clone, Copy)]
pub struct Guarded {
    pub access: Access,
    /// A static file (the stylesheet): no session is read or made for it, so it gets no cookie.
    pub asset: bool,
}

/// The gate as middleware of one resource.
pub async fn gate(
    guarded: Guarded,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if guarded.asset && guarded.access == Access::Public && req.method() == Method::GET {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let req = match admit(guarded.access, req).await? {
        Admitted::Yes(req) => req,
        Admitted::No(refusal) => return Ok(refusal),
    };
    Ok(no_store(next.call(req).await?.map_into_boxed_body()))
}

/// The scope's fallback: a path that no route matches, gated as an editor page, then 404.
pub async fn unknown_path(req: ServiceRequest) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    match admit(Access::Editor, req).await? {
        Admitted::Yes(req) => {
            let e = AdminError::NotFound("Det finns ingen sådan sida bland personalsidorna.".into());
            Ok(no_store(error(req, e)))
        }
        Admitted::No(refusal) => Ok(refusal),
    }
}

enum Admitted {
    /// On to the handler, with the user and the CSRF token in the request's extensions.
    Yes(ServiceRequest),
    No(ServiceResponse<BoxBody>),
}

async fn admit(access: Access, mut req: ServiceRequest) -> Result<Admitted, actix_web::Error> {
    use Admitted::No;
    // Anything but a read changes state: POST (the forms), and PUT, PATCH, DELETE should any appear.
    let is_post = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let session = req.get_session();
    let csrf = session::csrf_token(&session);

    let user = if access == Access::Public { None } else { logged_in_user(&req, &session).await? };
    if access != Access::Public {
        let Some(user) = &user else {
            return Ok(No(refuse_anonymous(req, is_post)));
        };
        if user.must_change_password && access != Access::Account {
            if is_post {
                let e = AdminError::Forbidden("Du måste byta lösenord innan du kan fortsätta.".into());
                return Ok(No(error(req, e)));
            }
            return Ok(No(redirect(req, "/admin/losenord")));
        }
        if access == Access::Admin && user.role != Role::Admin {
            return Ok(No(error(req, AdminError::Forbidden(session::ADMINS_ONLY.into()))));
        }
    }
    if is_post {
        let body = match read_body(&mut req).await {
            Ok(b) => b,
            Err(e) => return Ok(No(error(req, e))),
        };
        let given = crate::csrf::token_in_body(req.headers(), &body).await;
        if !given.is_some_and(|g| crate::csrf::matches(&csrf, &g)) {
            return Ok(No(error(req, AdminError::Csrf)));
        }
        req.set_payload(actix_web::dev::Payload::from(body));
    }
    if let Some(user) = user {
        req.extensions_mut().insert(CurrentUser(user));
    }
    req.extensions_mut().insert(CsrfToken(csrf));
    Ok(Admitted::Yes(req))
}

/// Staff pages hold form tokens and colleagues' names: no cache keeps them.
fn no_store(mut res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    res.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The account of the session, if the session is a valid login: the account exists, is active,
/// its session version is the one the session was made with, and the login is not too old.
async fn logged_in_user(
    req: &ServiceRequest,
    session: &actix_session::Session,
) -> Result<Option<accounts::User>, actix_web::Error> {
    let Some(login) = session::login_of(session) else { return Ok(None) };
    if login.expired(chrono::Utc::now()) {
        session.purge();
        return Ok(None);
    }
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AdminError::Internal("no application state".into()))?
        .clone();
    let (user_id, session_id) = (login.user_id, login.session_id);
    let idle = state.config.session_idle;
    let max_age = chrono::Duration::hours(session::MAX_SESSION_HOURS);
    let user = state
        .db
        .run(move |db| {
            let now = crate::clock::now();
            let (user, standing) = db.read_blocking(|conn| {
                let user = accounts::find(conn, user_id)?;
                let standing = sessions::standing(conn, &session_id, user_id, now, idle, max_age)?;
                Ok::<_, AdminError>((user, standing))
            })?;
            if standing == (Standing::Open { touch: true }) {
                db.write_blocking(|conn| sessions::touch(conn, &session_id, now).map_err(AdminError::from))?;
            }
            Ok::<_, AdminError>(user.filter(|_| standing != Standing::Closed))
        })
        .await?;
    match user {
        Some(u) if u.active && u.session_version == login.version => Ok(Some(u)),
        _ => {
            session.purge();
            Ok(None)
        }
    }
}

async fn read_body(req: &mut ServiceRequest) -> Result<Bytes, AdminError> {
    let mut payload = req.take_payload();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AdminError::BadRequest(format!("Formuläret kunde inte läsas: {e}")))?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(AdminError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// A page asked for without login goes to the login form (and back after it); a form sent
/// without login is answered 401, so the browser's back button still has what was typed.
fn refuse_anonymous(req: ServiceRequest, is_post: bool) -> ServiceResponse<BoxBody> {
    if is_post {
        return error(req, AdminError::NotLoggedIn);
    }
    let target = match req.query_string() {
        "" => req.path().to_string(),
        q => format!("{}?{q}", req.path()),
    };
    let location = format!("/admin/logga-in?{}", serde_urlencoded::to_string([("next", &target)]).unwrap_or_default());
    redirect(req, &location)
}

fn redirect(req: ServiceRequest, location: &str) -> ServiceResponse<BoxBody> {
    let res = HttpResponse::SeeOther()
        .insert_header((LOCATION, location))
        .insert_header((CACHE_CONTROL, "no-store"))
        .finish();
    req.into_response(res)
}

fn error(req: ServiceRequest, e: AdminError) -> ServiceResponse<BoxBody> {
    req.into_response(e.error_response())
}
