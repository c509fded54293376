//! The HTTP error type of the JSON API, mapped to responses in one place. Every body is
//! `{"error":{"code":"…","message":"…"}}` with the message in Swedish, naming the parameter or
//! field at fault.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

use crate::db::DbError;
use crate::events::store::RecordError;
use crate::events::validate::FieldError;

/// What caused an internal error (500): kept as the error's source, so the log gets the whole
/// chain ([`log_internal`]); never shown to the user.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The Swedish answer for a row the database does not have (diesel's `NotFound`): a 404 on every
/// face, not an internal error.
pub const ROW_NOT_FOUND: &str = "Uppgiften finns inte. Kontrollera adressen eller numret.";

/// Writes an internal error to the log with every source in its chain.
pub fn log_internal(face: &'static str, cause: &(dyn std::error::Error + 'static)) {
    let mut chain = cause.to_string();
    let mut source = cause.source();
    while let Some(e) = source {
        chain.push_str(": ");
        chain.push_str(&e.to_string());
        source = e.source();
    }
    tracing::error!(face, error = %chain, "internal error");
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    BadParameter { param: &'static str, message: String },
    #[error("{0}")]
    BadRequest(String),
    #[error("en giltig API-nyckel krävs")]
    Unauthorized,
    #[error("{0}")]
    NotFound(String),
    #[error("ogiltiga fält")]
    Invalid(Vec<FieldError>),
    #[error("internt fel")]
    Internal(#[source] Cause),
}

impl ApiError {
    fn code(&self) -> &'static str {
        match self {
            ApiError::BadParameter { .. } => "bad_parameter",
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Unauthorized => "unauthorized",
            ApiError::NotFound(_) => "not_found",
            ApiError::Invalid(_) => "invalid_field",
            ApiError::Internal(_) => "internal",
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadParameter { .. } | ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut error = json!({ "code": self.code() });
        match self {
            ApiError::BadParameter { param, message } => {
                error["message"] = json!(message);
                error["parameter"] = json!(param);
            }
            ApiError::Invalid(fields) => {
                let message = fields.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join(" ");
                error["message"] = json!(message);
                if let Some(first) = fields.first() {
                    error["field"] = json!(first.field);
                }
                error["fields"] = json!(fields);
            }
            ApiError::Internal(cause) => {
                log_internal("api", cause.as_ref());
                error["message"] = json!("Ett internt fel inträffade. Försök igen om en stund.");
            }
            ApiError::Unauthorized => {
                error["message"] = json!("En giltig API-nyckel krävs: skicka rubriken Authorization: Bearer <nyckel>.");
            }
            other => error["message"] = json!(other.to_string()),
        }
        let mut response = HttpResponse::build(self.status_code());
        if matches!(self, ApiError::Unauthorized) {
            response.insert_header(("WWW-Authenticate", "Bearer"));
        }
        response.json(json!({ "error": error }))
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        if e.is_not_found() {
            ApiError::NotFound(ROW_NOT_FOUND.into())
        } else {
            ApiError::Internal(e.into())
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        DbError::from(e).into()
    }
}

impl From<RecordError> for ApiError {
    fn from(e: RecordError) -> Self {
        match e {
            RecordError::UnknownParty(code) => ApiError::NotFound(unknown_party(&code)),
            RecordError::NotInAgreement { party, agreement } => {
                ApiError::NotFound(not_in_agreement(&party, &agreement))
            }
            RecordError::Invalid(fields) => ApiError::Invalid(fields),
            RecordError::Db(e) => e.into(),
        }
    }
}

/// A party of the registry that is not one of the agreement's (`agreement`: its short title).
pub fn not_in_agreement(party: &str, agreement: &str) -> String {
    format!("Parten {party} ingår inte i avtalet {agreement}.")
}

/// No agreement has the slug the address names.
pub fn unknown_agreement(slug: &str) -> String {
    let shown: String = slug.chars().take(40).collect();
    format!("Det finns inget avtal med beteckningen \"{shown}\". Se /api/v1/agreements för alla avtal.")
}

pub fn unknown_party(code: &str) -> String {
    let shown: String = code.chars().take(20).collect();
    format!(
        "Det finns ingen part med koden \"{shown}\". Kommunkoder har fyra siffror (t.ex. 1480), regionen har koden 14."
    )
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use actix_web::http::StatusCode;
    use actix_web::ResponseError;
    use diesel::result::Error as Diesel;

    use super::*;
    use crate::admin::error::AdminError;
    use crate::opendata::OpenDataError;
    use crate::public::error::PageError;

    /// Issue 19, defect 4: a row that is not there was a 500 on every face, and the 500 kept only
    /// the text of its cause.
    #[test]
    fn a_missing_row_is_a_404_on_every_face() {
        assert_eq!(ApiError::from(Diesel::NotFound).status_code(), StatusCode::NOT_FOUND);
        assert_eq!(AdminError::from(Diesel::NotFound).status_code(), StatusCode::NOT_FOUND);
        assert_eq!(PageError::from(Diesel::NotFound).status_code(), StatusCode::NOT_FOUND);
        assert_eq!(OpenDataError::from(Diesel::NotFound).status_code(), StatusCode::NOT_FOUND);
        assert_eq!(ApiError::from(DbError::Query(Diesel::NotFound)).status_code(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn an_internal_error_keeps_its_cause_on_every_face() {
        fn chain(e: &dyn std::error::Error) -> Vec<String> {
            let mut out = Vec::new();
            let mut next = e.source();
            while let Some(cause) = next {
                out.push(cause.to_string());
                next = cause.source();
            }
            out
        }
        let errors: Vec<Box<dyn std::error::Error>> = vec![
            Box::new(ApiError::from(Diesel::RollbackTransaction)),
            Box::new(AdminError::from(Diesel::RollbackTransaction)),
            Box::new(PageError::from(Diesel::RollbackTransaction)),
            Box::new(OpenDataError::from(Diesel::RollbackTransaction)),
        ];
        for e in errors {
            let causes = chain(e.as_ref());
            // The database error, then diesel's own.
            assert_eq!(causes.len(), 2, "{e}: {causes:?}");
            assert!(causes[0].starts_with("databasfel"), "{causes:?}");
            assert_eq!(causes[1], Diesel::RollbackTransaction.to_string());
        }
        let api = ApiError::from(Diesel::RollbackTransaction);
        assert_eq!(api.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(api.source().is_some());
    }
}
