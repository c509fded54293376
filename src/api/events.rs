//! GET /api/v1/events, POST /api/v1/parties/{code}/events and POST /api/v1/events/{id}/withdraw,
//! and the same under /api/v1/agreements/{slug}.

use actix_web::{web, HttpRequest, HttpResponse};

use super::dto::EventDto;
use super::{auth, params, segment, Target};
use crate::error::ApiError;
use crate::events::{self, store, validate, write};
use crate::AppState;

pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let agreement = Target::of(&req, &state).await?.agreement;
    let query = params::parse_query(req.query_string())?;
    params::only(&query, &["since"])?;
    let since = params::timestamp(&query, "since")?;
    let body = state
        .db
        .run(move |db| {
            db.read_blocking(|conn| {
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

pub async fn create(req: HttpRequest, body: web::Bytes, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let token = auth::token_name(&req, &state).await?;
    let target = Target::of(&req, &state).await?;
    let code = segment(&req, "code");
    let json = json_body(&body)?;
    let raw = validate::raw_from_json(&json).map_err(ApiError::Invalid)?;
    let writer = store::Writer { name: format!("api:{token}"), client_addr: Some(crate::audit::client_addr(&req)) };
    let agreement = std::sync::Arc::clone(&target.agreement);
    let slugs = agreement.instrument_slugs();
    let event = write::commit(&state, move |conn| {
        store::record_in(conn, &agreement, &code, &raw, &writer, crate::clock::today(), validate::Audience::Api)
    })
    .await?;
    let mut dto = EventDto::new(&event, None, &slugs);
    dto.recorded_by = Some(event.recorded_by.clone());
    Ok(HttpResponse::Created().insert_header(("Location", target.party_url(&event.party_code))).json(dto))
}

/// POST /api/v1/events/{id}/withdraw with `{"reason": "…"}`: withdraws an event entered by
/// mistake (a correction that replaces it with nothing). 201 with the withdrawal, 404 for an
/// unknown event (or one of another agreement), 422 naming `reason` or `id` otherwise.
pub async fn withdraw(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let token = auth::token_name(&req, &state).await?;
    let target = Target::of(&req, &state).await?;
    // Today's address keeps its message; the agreement's own address names the agreement.
    let within = match req.match_info().get("slug") {
        Some(_) => format!(" i avtalet {}", target.agreement.short_title),
        None => String::new(),
    };
    let unknown = |id: &str| {
        ApiError::NotFound(format!("Det finns ingen händelse {}{within}.", id.chars().take(20).collect::<String>()))
    };
    let raw_id = segment(&req, "id");
    let id: i32 = raw_id.parse().ok().filter(|id| *id > 0).ok_or_else(|| unknown(&raw_id))?;
    let json = json_body(&body)?;
    let reason = withdrawal_reason_from_json(&json).map_err(|e| ApiError::Invalid(vec![e]))?;
    let writer = store::Writer { name: format!("api:{token}"), client_addr: Some(crate::audit::client_addr(&req)) };
    let agreement = std::sync::Arc::clone(&target.agreement);
    let slugs = agreement.instrument_slugs();
    let outcome = write::commit(&state, move |conn| {
        store::withdraw_in(conn, &agreement, None, id, reason.as_deref(), &writer, validate::Audience::Api)
    })
    .await;
    let event = match outcome {
        Ok(event) => event,
        Err(store::WithdrawError::UnknownEvent(id)) => return Err(unknown(&id.to_string())),
        Err(store::WithdrawError::Invalid(fields)) => return Err(ApiError::Invalid(fields)),
        Err(store::WithdrawError::Db(e)) => return Err(e.into()),
    };
    let mut dto = EventDto::new(&event, None, &slugs);
    dto.recorded_by = Some(event.recorded_by.clone());
    Ok(HttpResponse::Created().insert_header(("Location", target.party_url(&event.party_code))).json(dto))
}

/// The `reason` of a withdrawal request; anything but one optional text field is refused.
fn withdrawal_reason_from_json(json: &serde_json::Value) -> Result<Option<String>, validate::FieldError> {
    let serde_json::Value::Object(map) = json else {
        return Err(validate::FieldError::new("request", "Begäran ska vara ett JSON-objekt med fältet reason."));
    };
    if let Some(key) = map.keys().find(|k| k.as_str() != "reason") {
        let key: String = key.chars().take(40).collect();
        return Err(validate::FieldError::new("request", format!("Fältet \"{key}\" är okänt. Känt fält: reason.")));
    }
    match map.get("reason") {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(validate::FieldError::new("reason", "Fältet reason (motivering) ska vara text.")),
    }
}

/// The request body as JSON, or a 400 saying where it stops being JSON.
fn json_body(body: &[u8]) -> Result<serde_json::Value, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError::BadRequest(format!("Begäran är inte giltig JSON (rad {}, kolumn {}).", e.line(), e.column()))
    })
}
