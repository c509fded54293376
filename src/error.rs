//! The HTTP error type of the JSON API, mapped to responses in one place. Every body is
//! `{"error":{"code":"…","message":"…"}}` with the message in Swedish, naming the parameter or
//! field at fault.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

use crate::db::DbError;
use crate::events::store::RecordError;
use crate::events::validate::FieldError;

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
    Internal(String),
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
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
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
        ApiError::Internal(e.to_string())
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl From<RecordError> for ApiError {
    fn from(e: RecordError) -> Self {
        match e {
            RecordError::UnknownParty(code) => ApiError::NotFound(unknown_party(&code)),
            RecordError::Invalid(fields) => ApiError::Invalid(fields),
            RecordError::Db(e) => e.into(),
        }
    }
}

pub fn unknown_party(code: &str) -> String {
    let shown: String = code.chars().take(20).collect();
    format!(
        "Det finns ingen part med koden \"{shown}\". Kommunkoder har fyra siffror (t.ex. 1480), regionen har koden 14."
    )
}
