//! GET /api/v1/parties and /api/v1/parties/{code}, and the same under
//! /api/v1/agreements/{slug}: the agreement's own parties only.

use actix_web::{web, HttpRequest, HttpResponse};

use super::dto::{EventDto, PartyDto};
use super::{params, segment, Target};
use crate::error::{not_in_agreement, unknown_party, ApiError};
use crate::snapshot::Snapshot;
use crate::AppState;

pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let target = Target::of(&req, &state).await?;
    params::only(&params::parse_query(req.query_string())?, &[])?;
    let agreement_id = target.agreement.id;
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

pub async fn get(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let target = Target::of(&req, &state).await?;
    params::only(&params::parse_query(req.query_string())?, &[])?;
    let code = segment(&req, "code");
    let agreement_id = target.agreement.id;
    let short_title = target.agreement.short_title.clone();
    let wanted = code.clone();
    let (snapshot, outside) = state
        .db
        .run(move |db| {
            db.read_blocking(|c| {
                let snapshot = Snapshot::load(c, agreement_id)?;
                // A party of the registry outside the agreement is told apart from a code nobody has.
                let outside = if snapshot.parties.iter().any(|p| p.code == wanted) {
                    None
                } else {
                    Some(match crate::parties::find(c, &wanted)? {
                        Some(party) => not_in_agreement(&party.name, &short_title),
                        None => unknown_party(&wanted),
                    })
                };
                Ok::<_, ApiError>((snapshot, outside))
            })
        })
        .await?;
    if let Some(message) = outside {
        return Err(ApiError::NotFound(message));
    }
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
