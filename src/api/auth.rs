//! Bearer-token authentication for the machine write API.

use actix_web::HttpRequest;

use crate::error::ApiError;
use crate::tokens;
use crate::AppState;

/// The name of the token the request carries, or 401.
pub async fn token_name(req: &HttpRequest, state: &AppState) -> Result<String, ApiError> {
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or(ApiError::Unauthorized)?;
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(ApiError::Unauthorized)?
        .to_string();
    let name = state.db.run(move |db| db.read_blocking(|c| tokens::verify(c, &token).map_err(ApiError::from))).await?;
    name.ok_or(ApiError::Unauthorized)
}
