//! GET /api/v1/parties and /api/v1/parties/{code}.

use actix_web::{web, HttpRequest, HttpResponse};

use super::dto::{EventDto, PartyDto};
use super::params;
use crate::error::{unknown_party, ApiError};
use crate::snapshot::Snapshot;
use crate::AppState;

pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    params::only(&params::parse_query(req.query_string())?, &[])?;
    let agreement_id = state.catalogue().await?.featured().id;
    let snapshot =
        state.db.run(move |db| db.read_blocking(|c| Snapshot::load(c, agreement_id).map_err(ApiError::from))).await?;
    let as_of = crate::clock::today();
    let eval = snapshot.evaluate(as_of);
    let body: Vec<PartyDto> = snapshot
        .parties
        .iter()
        .zip(&eval.parties)
        .map(|(party, standing)| PartyDto::new(&snapshot, party, standing, as_of))
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

pub async fn get(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    params::only(&params::parse_query(req.query_string())?, &[])?;
    let code = path.into_inner();
    let agreement_id = state.catalogue().await?.featured().id;
    let snapshot =
        state.db.run(move |db| db.read_blocking(|c| Snapshot::load(c, agreement_id).map_err(ApiError::from))).await?;
    let as_of = crate::clock::today();
    let eval = snapshot.evaluate(as_of);
    let Some(index) = snapshot.parties.iter().position(|p| p.code == code) else {
        return Err(ApiError::NotFound(unknown_party(&code)));
    };
    let party = &snapshot.parties[index];
    let mut dto = PartyDto::new(&snapshot, party, &eval.parties[index], as_of);
    let slugs = snapshot.agreement.instrument_slugs();
    dto.events =
        Some(snapshot.events_of(&party.code).map(|e| EventDto::new(e, snapshot.corrected_by(e.id), &slugs)).collect());
    Ok(HttpResponse::Ok().json(dto))
}
