//! Errors of the staff pages, answered as short Swedish HTML pages.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use maud::html;

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("inte inloggad")]
    NotLoggedIn,
    #[error("{0}")]
    Forbidden(String),
    #[error("ogiltig formulärnyckel")]
    Csrf,
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("för stor begäran")]
    TooLarge,
    #[error("internt fel")]
    Internal(#[source] crate::error::Cause),
}

impl From<DbError> for AdminError {
    fn from(e: DbError) -> Self {
        if e.is_not_found() {
            AdminError::NotFound(crate::error::ROW_NOT_FOUND.into())
        } else {
            AdminError::Internal(e.into())
        }
    }
}

impl From<diesel::result::Error> for AdminError {
    fn from(e: diesel::result::Error) -> Self {
        DbError::from(e).into()
    }
}

impl ResponseError for AdminError {
    fn status_code(&self) -> StatusCode {
        match self {
            AdminError::NotLoggedIn => StatusCode::UNAUTHORIZED,
            AdminError::Forbidden(_) | AdminError::Csrf => StatusCode::FORBIDDEN,
            AdminError::NotFound(_) => StatusCode::NOT_FOUND,
            AdminError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AdminError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AdminError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (title, text) = match self {
            AdminError::NotLoggedIn => (
                "Inte inloggad",
                "Du är inte inloggad, eller så har inloggningen gått ut. Logga in och försök igen; \
                 med webbläsarens bakåtknapp finns det du skrev i formuläret kvar."
                    .to_string(),
            ),
            AdminError::Forbidden(why) => ("Åtkomst nekad", why.clone()),
            AdminError::Csrf => (
                "Formuläret kunde inte tas emot",
                "Formuläret saknar en giltig säkerhetsnyckel: det kan ha legat öppet sedan en tidigare \
                 inloggning, eller skickats från en annan webbplats. Ladda om sidan och försök igen."
                    .to_string(),
            ),
            AdminError::NotFound(what) => ("Hittades inte", what.clone()),
            AdminError::BadRequest(what) => ("Felaktig begäran", what.clone()),
            AdminError::TooLarge => ("För stor fil", "Det som skickades är för stort (högst 5 MB).".to_string()),
            AdminError::Internal(cause) => {
                crate::error::log_internal("staff page", cause.as_ref());
                ("Internt fel", "Ett internt fel inträffade och inget sparades. Försök igen om en stund.".to_string())
            }
        };
        let body = super::layout::bare_page(
            title,
            html! {
                h1 { (title) }
                p { (text) }
                p {
                    a href="/admin" { "Till översikten" }
                    // Only to someone not logged in: every other error here reaches a logged-in editor.
                    @if matches!(self, AdminError::NotLoggedIn) { " · " a href="/admin/logga-in" { "Logga in" } }
                }
            },
        );
        HttpResponse::build(self.status_code())
            .content_type("text/html; charset=utf-8")
            .insert_header(("Cache-Control", "no-store"))
            .body(body.into_string())
    }
}
