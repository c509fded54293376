//! GET /api/v1/events and POST /api/v1/parties/{code}/events.

use actix_web::{web, HttpRequest, HttpResponse};

use super::dto::EventDto;
use super::{auth, params};
use crate::agreement::{self, AGREEMENT_SLUG};
use crate::error::ApiError;
use crate::events::{self, store, validate};
use crate::AppState;

pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let query = params::parse_query(req.query_string())?;
    params::only(&query, &["since"])?;
    let since = params::timestamp(&query, "since")?;
    let body = state
        .db
        .run(move |db| {
            db.read_blocking(|conn| {
                let agreement = agreement::load(conn, AGREEMENT_SLUG)?;
                let slugs = agreement.instrument_slugs();
                let all = events::all(conn, agreement.id)?;
                let listed = events::recorded_since(conn, agreement.id, since)?;
                Ok::<_, ApiError>(
                    listed
                        .iter()
                        .map(|e| {
                            let corrected_by = all.iter().find(|c| c.corrects == Some(e.id)).map(|c| c.id);
                            EventDto::new(e, corrected_by, &slugs)
                        })
                        .collect::<Vec<_>>(),
                )
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

pub async fn create(
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let token = auth::token_name(&req, &state).await?;
    let code = path.into_inner();
    let json: serde_json::Value = serde_json::from_slice(&body).map_err(|e| {
        ApiError::BadRequest(format!("Begäran är inte giltig JSON (rad {}, kolumn {}).", e.line(), e.column()))
    })?;
    let raw = validate::raw_from_json(&json).map_err(ApiError::Invalid)?;
    let recorded_by = format!("api:{token}");
    let client_addr = crate::audit::client_addr(&req);
    let (event, slugs) = state
        .db
        .run(move |db| {
            // The event and its audit row in one transaction.
            let event = db.write_blocking(|conn| {
                let event =
                    store::record_in(conn, &code, &raw, &recorded_by, crate::clock::today(), validate::Audience::Api)?;
                crate::audit::record_event(conn, &recorded_by, &event, Some(&client_addr))?;
                Ok::<_, store::RecordError>(event)
            })?;
            let slugs =
                db.read_blocking(|c| agreement::load(c, AGREEMENT_SLUG).map_err(ApiError::from))?.instrument_slugs();
            Ok::<_, ApiError>((event, slugs))
        })
        .await?;
    state.changed();
    state.metrics.event_recorded();
    let mut dto = EventDto::new(&event, None, &slugs);
    dto.recorded_by = Some(event.recorded_by.clone());
    Ok(HttpResponse::Created().insert_header(("Location", format!("/api/v1/parties/{}", event.party_code))).json(dto))
}
