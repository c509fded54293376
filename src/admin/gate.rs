//! The gate in front of every /admin route: who is logged in (reloaded from the database on every
//! request), what the route needs (from the route table), and the CSRF token on every POST.
//! Default deny: a path the table does not know needs a logged-in editor.

use actix_session::SessionExt;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderValue, CACHE_CONTROL, LOCATION};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{web, HttpMessage, HttpResponse, ResponseError};
use futures_util::StreamExt;

use super::error::AdminError;
use super::routes::{access_for, Access};
use super::session::{self, CsrfToken, CurrentUser};
use crate::accounts::{self, Role};
use crate::AppState;

/// The largest form the staff pages accept (a CSV upload).
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;

pub async fn gate(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    // The stylesheet needs no session (and gets no cookie).
    if req.path().starts_with("/admin/static/") && req.method() == Method::GET {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let access = access_for(req.path());
    // Anything but a read changes state: POST (the forms), and PUT, PATCH, DELETE should any appear.
    let is_post = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let session = req.get_session();
    let csrf = session::csrf_token(&session);

    let user = if access == Access::Public { None } else { logged_in_user(&req, &session).await? };
    if access != Access::Public {
        let Some(user) = &user else {
            return Ok(refuse_anonymous(req, is_post));
        };
        if user.must_change_password && access != Access::Account {
            if is_post {
                return Ok(error(req, AdminError::Forbidden("Du måste byta lösenord innan du kan fortsätta.".into())));
            }
            return Ok(redirect(req, "/admin/losenord"));
        }
        if access == Access::Admin && user.role != Role::Admin {
            return Ok(error(
                req,
                AdminError::Forbidden("Sidan är bara för administratörer. Be en administratör om hjälp.".into()),
            ));
        }
    }
    if is_post {
        let body = match read_body(&mut req).await {
            Ok(b) => b,
            Err(e) => return Ok(error(req, e)),
        };
        let given = crate::csrf::token_in_body(req.headers(), &body).await;
        if !given.is_some_and(|g| crate::csrf::matches(&csrf, &g)) {
            return Ok(error(req, AdminError::Csrf));
        }
        req.set_payload(actix_web::dev::Payload::from(body));
    }
    if let Some(user) = user {
        req.extensions_mut().insert(CurrentUser(user));
    }
    req.extensions_mut().insert(CsrfToken(csrf));
    let mut res = next.call(req).await?.map_into_left_body();
    // Staff pages hold form tokens and colleagues' names: no cache keeps them.
    res.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
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
    let user_id = login.user_id;
    let user = state
        .db
        .run(move |db| db.read_blocking(|conn| accounts::find(conn, user_id).map_err(AdminError::from)))
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
fn refuse_anonymous<B>(req: ServiceRequest, is_post: bool) -> ServiceResponse<EitherBody<B>> {
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

fn redirect<B>(req: ServiceRequest, location: &str) -> ServiceResponse<EitherBody<B>> {
    let res = HttpResponse::SeeOther()
        .insert_header((LOCATION, location))
        .insert_header((CACHE_CONTROL, "no-store"))
        .finish();
    req.into_response(res).map_into_right_body()
}

fn error<B>(req: ServiceRequest, e: AdminError) -> ServiceResponse<EitherBody<B>> {
    req.into_response(e.error_response()).map_into_right_body()
}
