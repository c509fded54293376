//! Errors of the public pages, mapped once to a Swedish HTML page with the right status code.

use actix_web::http::header::ContentType;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use maud::html;

use crate::db::DbError;
use crate::views::layout::{self, Changed};

#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// A query parameter the page cannot use; the message names it.
    #[error("{message}")]
    BadParameter { param: &'static str, message: String },
    #[error("{0}")]
    NotFound(String),
    #[error("internt fel")]
    Internal(#[source] crate::error::Cause),
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::BadParameter { .. } => StatusCode::BAD_REQUEST,
            PageError::NotFound(_) => StatusCode::NOT_FOUND,
            PageError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (title, message) = match self {
            PageError::BadParameter { message, .. } => ("Felaktig adress", message.clone()),
            PageError::NotFound(message) => ("Sidan finns inte", message.clone()),
            PageError::Internal(cause) => {
                crate::error::log_internal("public page", cause.as_ref());
                ("Något gick fel", "Ett internt fel inträffade. Försök igen om en stund.".to_string())
            }
        };
        let body = layout::page(
            title,
            Changed::NotShown,
            html! {
                h1 { (title) }
                p.error-message { (message) }
                p { a href="/" { "Till startsidan med beslutsläget" } }
            },
        );
        HttpResponse::build(self.status_code()).content_type(ContentType::html()).body(body.into_string())
    }
}

impl From<DbError> for PageError {
    fn from(e: DbError) -> Self {
        if e.is_not_found() {
            PageError::NotFound(crate::error::ROW_NOT_FOUND.into())
        } else {
            PageError::Internal(e.into())
        }
    }
}

impl From<crate::public::place::Refusal> for PageError {
    fn from(r: crate::public::place::Refusal) -> Self {
        match r {
            crate::public::place::Refusal::UnknownSlug(message) => PageError::NotFound(message),
            crate::public::place::Refusal::Db(e) => e.into(),
        }
    }
}

impl From<diesel::result::Error> for PageError {
    fn from(e: diesel::result::Error) -> Self {
        DbError::from(e).into()
    }
}

/// The Swedish 404 for an address the site does not have.
pub async fn not_found() -> Result<HttpResponse, PageError> {
    Err(PageError::NotFound(
        "Det finns ingen sida med den adressen. Kontrollera adressen eller börja om från startsidan.".into(),
    ))
}
