//! GET /data/beslut.csv[?datum=YYYY-MM-DD]: the decision log, one row per event in the order
//! recorded, corrected and withdrawn events included (marked in `corrected_by`; a withdrawal has
//! status `withdrawn` and names what it withdraws in `corrects`). With `datum`, the events
//! in effect on or before that day — those `status.csv?datum=` is computed from. Who recorded
//! an event is personal data and is left out.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;

use super::{csv_date_param, opt, text_cell, CsvFile, OpenDataError};
use crate::clock::rfc3339;
use crate::http_cache::{self, CacheKey, Rendered};
use crate::snapshot::Snapshot;
use crate::AppState;

/// The columns, with what each holds (shown on /api). Those of the API's events, without
/// `recorded_by`, plus the party's name.
pub const COLUMNS: [(&str, &str); 17] = [
    ("id", "Händelsens id"),
    ("party_code", "Partens kod"),
    ("party_name", "Partens namn"),
    ("status", "Statuskod; withdrawn: händelsen drar tillbaka den i corrects, som då inte räknas"),
    ("status_label", "Statusen på svenska"),
    ("body", "Organ: KF, KS, RF, RS eller other"),
    ("decided_on", "Beslutsdatum"),
    ("planned_on", "Datum för planerat sammanträde"),
    ("effective_on", "Dagen händelsen gäller från (beslutsdatum, annars registreringsdagen)"),
    ("reference", "Paragraf, t.ex. KF § 45"),
    ("protocol_url", "Länk till protokollet"),
    ("posted_on", "Dagen protokollet anslogs"),
    ("note", "Anteckning"),
    ("corrects", "Id för händelsen som denna rättar"),
    ("corrected_by", "Id för händelsen som rättat (eller dragit tillbaka) denna; en rättad händelse räknas inte"),
    ("instruments", "Delavtalen beslutet gäller, åtskilda med mellanslag"),
    ("recorded_at", "När händelsen registrerades (RFC 3339, UTC)"),
];

pub async fn get(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, OpenDataError> {
    let until = csv_date_param(req.query_string())?;
    let datum = until.map(|d| d.to_string()).unwrap_or_default();
    let params: &[(&str, &str)] = if until.is_some() { &[("datum", &datum)] } else { &[] };
    let key = CacheKey::new(req.path(), params);
    let place = crate::public::place::Place::of(&req, &state).await?;
    let named = !place.is_today();
    http_cache::cached_keyed(&req, &state, &place.agreement, key, move |snapshot| render(snapshot, until, named)).await
}

/// `named`: the file name carries the agreement's slug (as in [`super::status_csv::render`]).
pub fn render(snapshot: &Snapshot, until: Option<NaiveDate>, named: bool) -> Result<Rendered, OpenDataError> {
    let slugs = snapshot.agreement.instrument_slugs();
    let mut file = CsvFile::new(&COLUMNS.map(|(name, _)| name))?;
    let in_range = |e: &&crate::events::Event| until.is_none_or(|d| e.effective_on() <= d);
    for event in snapshot.events.iter().filter(in_range) {
        let party_name = snapshot.party(&event.party_code).map(|p| p.name.clone()).unwrap_or_default();
        let instruments = event.instruments.as_deref().unwrap_or(&slugs).join(" ");
        file.row(&[
            event.id.to_string(),
            event.party_code.clone(),
            party_name,
            event.status.code().to_string(),
            event.status.label_sv().to_string(),
            opt(event.body.as_deref()),
            opt(event.decided_on),
            opt(event.planned_on),
            event.effective_on().to_string(),
            text_cell(event.reference.as_deref()),
            opt(event.protocol_url.as_deref()),
            opt(event.posted_on),
            text_cell(event.note.as_deref()),
            opt(event.corrects),
            opt(snapshot.corrected_by(event.id)),
            instruments,
            rfc3339(event.recorded_at),
        ])?;
    }
    let slug = if named { format!("-{}", snapshot.agreement.slug) } else { String::new() };
    let filename = match until {
        Some(d) => format!("beslut{slug}-{d}.csv"),
        None => format!("beslut{slug}.csv"),
    };
    file.finish(&filename)
}
