//! GET /data/status.csv[?datum=YYYY-MM-DD]: one row per party with its status at the date
//! (default today, Europe/Stockholm), the same evaluation as `/api/v1/status?as_of=`.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;

use super::{csv_date_param, opt, text_cell, CsvFile, OpenDataError};
use crate::http_cache::{self, CacheKey, Rendered};
use crate::snapshot::Snapshot;
use crate::AppState;

/// The columns, with what each holds (shown on /api).
pub const COLUMNS: [(&str, &str); 12] = [
    ("code", "Kommunkod (fyra siffror, SCB) eller 14 för regionen"),
    ("name", "Partens namn"),
    ("kind", "municipality (kommun) eller region"),
    ("subregion", "Delregion (kommunalförbund); tom för regionen"),
    ("population", "Folkmängd 31 december 2025 (SCB)"),
    ("status", "Statuskod, t.ex. adopted"),
    ("status_label", "Statusen på svenska, t.ex. Antaget"),
    ("counts_as_adopted", "true om parten räknas som antagande vid datumet, annars false"),
    ("latest_decided_on", "Datum för det senaste beslutet i KF/RF (eller överklagandet)"),
    ("latest_reference", "Paragraf för det senaste beslutet, t.ex. KF § 45"),
    ("latest_protocol_url", "Länk till protokollet för det senaste beslutet"),
    ("next_planned_on", "Datum för nästa planerade sammanträde som ska besluta"),
];

pub async fn get(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, OpenDataError> {
    let as_of = csv_date_param(req.query_string())?.unwrap_or_else(crate::clock::today);
    let key = CacheKey::new(req.path(), &[("datum", &as_of.to_string())]);
    let place = crate::public::place::Place::of(&req, &state).await?;
    let named = !place.is_today();
    http_cache::cached_keyed(&req, &state, &place.agreement, key, move |snapshot| render(snapshot, as_of, named)).await
}

/// `named`: the file name carries the agreement's slug (under /avtal/{slug}, so that files of
/// two agreements saved side by side keep apart).
pub fn render(snapshot: &Snapshot, as_of: NaiveDate, named: bool) -> Result<Rendered, OpenDataError> {
    let eval = snapshot.evaluate(as_of);
    let mut file = CsvFile::new(&COLUMNS.map(|(name, _)| name))?;
    for (party, standing) in snapshot.parties.iter().zip(&eval.parties) {
        let latest = snapshot.latest_decision(&party.code, as_of);
        file.row(&[
            party.code.clone(),
            party.name.clone(),
            party.kind.code().to_string(),
            opt(party.subregion.as_deref()),
            party.population.to_string(),
            standing.status.code().to_string(),
            standing.status.label_sv().to_string(),
            standing.counts_as_adopted.to_string(),
            opt(latest.and_then(|e| e.decided_on)),
            text_cell(latest.and_then(|e| e.reference.as_deref())),
            opt(latest.and_then(|e| e.protocol_url.as_deref())),
            opt(snapshot.next_planned_on(&party.code, as_of)),
        ])?;
    }
    let slug = if named { format!("{}-", snapshot.agreement.slug) } else { String::new() };
    file.finish(&format!("status-{slug}{as_of}.csv"))
}
