//! Open data: the status and the decision log as files anyone can fetch without an account —
//! CSV for spreadsheets, an Atom feed for feed readers, an iCalendar file of planned meetings.
//! One module per format; all of them are served through [`crate::http_cache`].
//!
//! The feed and the calendar ignore unknown query parameters: feed readers, calendar apps and
//! web-analytics links append their own, and a subscription must keep working. They are not
//! part of the cache key either. The CSV files take a date and refuse anything else, as the
//! JSON API does: a file asked for with `as_of=` or a misspelt `datum=` must not be today's.

mod atom;
mod events_csv;
mod ical;
mod status_csv;

pub use atom::MAX_ENTRIES as FEED_MAX_ENTRIES;

use crate::clock::DateRefusal;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse, ResponseError};
use chrono::NaiveDate;

use crate::db::DbError;
use crate::http_cache::CacheKey;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // Today's addresses show the featured agreement; the same under /avtal/{slug} show that one.
    for prefix in ["", "/avtal/{slug}"] {
        cfg.route(&format!("{prefix}/data/status.csv"), web::get().to(status_csv::get))
            .route(&format!("{prefix}/data/beslut.csv"), web::get().to(events_csv::get))
            .route(&format!("{prefix}/feed.atom"), web::get().to(atom::get))
            .route(&format!("{prefix}/kalender.ics"), web::get().to(ical::get));
    }
}

/// One open-data file, as described to readers on /api.
pub struct FileDoc {
    pub path: &'static str,
    pub title: &'static str,
    pub media_type: &'static str,
    pub description: String,
    /// An example query, if the file takes one.
    pub example_query: Option<&'static str>,
    /// CSV columns with what each holds; empty for other formats.
    pub columns: &'static [(&'static str, &'static str)],
}

/// The open-data files, in the order shown.
pub fn files() -> [FileDoc; 4] {
    [
        FileDoc {
            path: "/data/status.csv",
            title: "Läget per part (CSV)",
            media_type: "text/csv",
            description: "En rad per part (50 rader): status, om parten räknas som antagande, senaste beslut och \
                nästa planerade sammanträde. Med ?datum=ÅÅÅÅ-MM-DD (eller as_of=ÅÅÅÅ-MM-DD, som i API:t) som läget \
                var den dagen. Andra parametrar ger fel 400."
                .to_string(),
            example_query: Some("datum=2026-03-24"),
            columns: &status_csv::COLUMNS,
        },
        FileDoc {
            path: "/data/beslut.csv",
            title: "Alla händelser (CSV)",
            media_type: "text/csv",
            description: "Hela beslutsloggen, en rad per händelse i den ordning de registrerades, även rättade \
                händelser (se kolumnen corrected_by). Med ?datum=ÅÅÅÅ-MM-DD (eller as_of) bara händelser som \
                gäller från den dagen eller tidigare. Andra parametrar ger fel 400."
                .to_string(),
            example_query: Some("datum=2026-03-24"),
            columns: &events_csv::COLUMNS,
        },
        FileDoc {
            path: "/feed.atom",
            title: "Nyhetsflöde (Atom)",
            media_type: "application/atom+xml",
            description: format!(
                "De senaste {} händelserna, nyast först, med länk till partens sida och protokollet. \
                Prenumerera i en flödesläsare.",
                atom::MAX_ENTRIES
            ),
            example_query: None,
            columns: &[],
        },
        FileDoc {
            path: "/kalender.ics",
            title: "Planerade beslut (iCalendar)",
            media_type: "text/calendar",
            description: "Kommande sammanträden i kommunfullmäktige och regionfullmäktige som ska besluta om \
                avtalet, som heldagshändelser. Prenumerera på adressen i Outlook, Google Kalender eller \
                Apples Kalender."
                .to_string(),
            example_query: None,
            columns: &[],
        },
    ]
}

/// The cache key of a response whose body holds the public base URL. Without a configured
/// `RATIFY_PUBLIC_URL` the base comes from the request's Host header, so it is part of the key:
/// an answer made for one host is never served to a request naming another (a forged Host header
/// cannot put its links into everyone's feed). The cache stays bounded, so many hosts only evict.
pub fn base_keyed(path: &str, base: &str) -> CacheKey {
    CacheKey::new(path, &[("base", base)])
}

/// The host name of a base URL (no scheme, port or path): the authority of the identifiers in
/// the feed and the calendar (stable when `RATIFY_PUBLIC_URL` is set).
pub fn host_of(base: &str) -> String {
    let rest = base.split_once("://").map_or(base, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or(rest);
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => authority.split(':').next().unwrap_or(authority),
    };
    host.to_ascii_lowercase()
}

/// A date as Swedish readers write it: "24 mars 2026".
pub fn date_sv(date: NaiveDate) -> String {
    crate::sv::date(date)
}

/// Why an open-data request failed. Answered as Swedish plain text: these addresses serve
/// files, not JSON.
#[derive(Debug, thiserror::Error)]
pub enum OpenDataError {
    #[error("{0}")]
    BadParameter(String),
    #[error("{0}")]
    NotFound(String),
    #[error("internt fel")]
    Internal(#[source] crate::error::Cause),
}

impl ResponseError for OpenDataError {
    fn status_code(&self) -> StatusCode {
        match self {
            OpenDataError::BadParameter(_) => StatusCode::BAD_REQUEST,
            OpenDataError::NotFound(_) => StatusCode::NOT_FOUND,
            OpenDataError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let message = match self {
            OpenDataError::BadParameter(message) | OpenDataError::NotFound(message) => message.clone(),
            OpenDataError::Internal(cause) => {
                crate::error::log_internal("open data", cause.as_ref());
                "Ett internt fel inträffade. Försök igen om en stund.".to_string()
            }
        };
        HttpResponse::build(self.status_code()).content_type("text/plain; charset=utf-8").body(message + "\n")
    }
}

impl From<DbError> for OpenDataError {
    fn from(e: DbError) -> Self {
        if e.is_not_found() {
            OpenDataError::NotFound(crate::error::ROW_NOT_FOUND.into())
        } else {
            OpenDataError::Internal(e.into())
        }
    }
}

impl From<crate::public::place::Refusal> for OpenDataError {
    fn from(r: crate::public::place::Refusal) -> Self {
        match r {
            crate::public::place::Refusal::UnknownSlug(message) => OpenDataError::NotFound(message),
            crate::public::place::Refusal::Db(e) => e.into(),
        }
    }
}

impl From<diesel::result::Error> for OpenDataError {
    fn from(e: diesel::result::Error) -> Self {
        DbError::from(e).into()
    }
}

impl From<csv::Error> for OpenDataError {
    fn from(e: csv::Error) -> Self {
        OpenDataError::Internal(e.into())
    }
}

/// The optional `part=CODE` of the feed and the calendar (to follow one party): its form is
/// checked here, before the cache; whether a party has that code, when rendering
/// ([`party_named`]). Other parameters are ignored.
pub fn part_param(query_string: &str) -> Result<Option<String>, OpenDataError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query_string)
        .map_err(|_| OpenDataError::BadParameter("Frågesträngen kunde inte tolkas.".into()))?;
    let mut values = pairs.iter().filter(|(k, _)| k == "part").map(|(_, v)| v.trim());
    let Some(value) = values.next() else { return Ok(None) };
    if values.next().is_some() {
        return Err(OpenDataError::BadParameter("Parametern part får bara anges en gång.".into()));
    }
    if value.is_empty() || value.len() > 10 || !value.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(OpenDataError::BadParameter(format!(
            "Parametern part ska vara en parts kod, t.ex. 1480 för Göteborg (fick \"{}\").",
            value.chars().take(40).collect::<String>()
        )));
    }
    Ok(Some(value.to_string()))
}

/// The party `code` names in the snapshot, or 404 naming the code: never the whole log instead.
/// `prefix` ("" or "/avtal/{slug}") is where the agreement's files are.
pub fn party_named<'a>(
    snapshot: &'a crate::snapshot::Snapshot,
    code: &str,
    prefix: &str,
) -> Result<&'a crate::parties::Party, OpenDataError> {
    snapshot.parties.iter().find(|p| p.code == code).ok_or_else(|| {
        OpenDataError::NotFound(format!(
            "Det finns ingen part med koden {code} i {}. Koderna finns i {prefix}/data/status.csv.",
            snapshot.agreement.title
        ))
    })
}

/// The parameters of the CSV files: the date, as the pages name it (`datum`) or as the API does
/// (`as_of`).
const CSV_PARAMS: [&str; 2] = ["datum", "as_of"];

/// The optional date of a CSV file, `datum=YYYY-MM-DD` or `as_of=YYYY-MM-DD` (the same day if
/// both are given). Any other parameter is refused, as the API refuses it: a misspelt `datum`
/// must not silently give today's file.
fn csv_date_param(query_string: &str) -> Result<Option<NaiveDate>, OpenDataError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query_string)
        .map_err(|_| OpenDataError::BadParameter("Frågesträngen kunde inte tolkas.".into()))?;
    if let Some((key, _)) = pairs.iter().find(|(k, _)| !CSV_PARAMS.contains(&k.as_str())) {
        return Err(OpenDataError::BadParameter(format!(
            "Parametern \"{}\" är okänd. Kända parametrar: {}.",
            key.chars().take(40).collect::<String>(),
            CSV_PARAMS.join(", ")
        )));
    }
    let mut date = None;
    for name in CSV_PARAMS {
        let mut values = pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v);
        let Some(value) = values.next() else { continue };
        if values.next().is_some() {
            return Err(OpenDataError::BadParameter(format!("Parametern {name} får bara anges en gång.")));
        }
        let parsed = date_value(name, value)?;
        if date.is_some_and(|d| d != parsed) {
            return Err(OpenDataError::BadParameter(
                "Parametrarna datum och as_of anger olika datum: ange bara den ena.".into(),
            ));
        }
        date = Some(parsed);
    }
    Ok(date)
}

fn date_value(name: &str, value: &str) -> Result<NaiveDate, OpenDataError> {
    match crate::clock::parse_input_date(value) {
        Ok(date) => Ok(date),
        Err(DateRefusal::OutOfRange(date)) => Err(OpenDataError::BadParameter(format!(
            "Parametern {name} ska vara ett datum {} (fick {date}).",
            crate::clock::accepted_range_sv()
        ))),
        Err(DateRefusal::Malformed) => Err(OpenDataError::BadParameter(format!(
            "Parametern {name} ska vara ett giltigt datum i formen ÅÅÅÅ-MM-DD, t.ex. 2026-03-24 (fick \"{}\").",
            value.chars().take(40).collect::<String>()
        ))),
    }
}

/// A CSV file: UTF-8 with a byte order mark, comma separated, CRLF line ends (RFC 4180).
// The BOM is what makes Excel (the Swedish one included) read the file as UTF-8, so that
// å, ä and ö come out right; the csv crate, pandas and R's readr skip it.
struct CsvFile {
    writer: csv::Writer<Vec<u8>>,
}

impl CsvFile {
    fn new(header: &[&str]) -> Result<Self, OpenDataError> {
        let mut writer =
            csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(b"\xEF\xBB\xBF".to_vec());
        writer.write_record(header)?;
        Ok(Self { writer })
    }

    fn row(&mut self, fields: &[String]) -> Result<(), OpenDataError> {
        self.writer.write_record(fields)?;
        Ok(())
    }

    /// The file as a response body served inline under `filename`.
    fn finish(self, filename: &str) -> Result<crate::http_cache::Rendered, OpenDataError> {
        let body = self.writer.into_inner().map_err(|e| OpenDataError::Internal(e.into()))?;
        let disposition = format!("inline; filename=\"{filename}\"");
        let value = actix_web::http::header::HeaderValue::from_str(&disposition)
            .map_err(|e| OpenDataError::Internal(e.into()))?;
        Ok(crate::http_cache::Rendered::new("text/csv; charset=utf-8", body)
            .with_header(actix_web::http::header::CONTENT_DISPOSITION, value))
    }
}

/// Free text as a spreadsheet cell that cannot be read as a formula: a leading `=`, `+`, `-`,
/// `@`, tab or CR gets a `'` in front (OWASP's advice against CSV injection).
fn text_cell(value: Option<&str>) -> String {
    match value {
        Some(v) if v.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{v}"),
        Some(v) => v.to_string(),
        None => String::new(),
    }
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_dates() {
        assert_eq!(date_sv(NaiveDate::from_ymd_opt(2026, 3, 24).unwrap()), "24 mars 2026");
        assert_eq!(date_sv(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()), "1 januari 2027");
    }

    #[test]
    fn the_csv_date_is_optional_strict_and_other_parameters_are_refused() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 24);
        assert_eq!(csv_date_param("").unwrap(), None);
        assert_eq!(csv_date_param("datum=2026-03-24").unwrap(), day);
        assert_eq!(csv_date_param("as_of=2026-03-24").unwrap(), day);
        assert_eq!(csv_date_param("as_of=2026-03-24&datum=2026-03-24").unwrap(), day);
        for (bad, named) in [
            ("datum=2026-3-24", "datum"),
            ("datum=igår", "datum"),
            ("as_of=2026-02-30", "as_of"),
            ("datum=2026-03-24&datum=2026-03-25", "datum"),
            ("datum=2026-03-24&as_of=2026-03-25", "as_of"),
            ("utm_source=x", "utm_source"),
            ("datum=2026-03-24&x=1", "\"x\""),
        ] {
            let err = csv_date_param(bad).unwrap_err();
            assert!(matches!(err, OpenDataError::BadParameter(ref m) if m.contains(named)), "{bad}: {err}");
        }
    }

    #[test]
    fn formulas_are_neutralised_in_free_text() {
        assert_eq!(text_cell(Some("=HYPERLINK(\"x\")")), "'=HYPERLINK(\"x\")");
        assert_eq!(text_cell(Some("-1")), "'-1");
        assert_eq!(text_cell(Some("KF § 45")), "KF § 45");
        assert_eq!(text_cell(None), "");
    }

    #[test]
    fn the_host_of_the_public_url() {
        assert_eq!(host_of("http://127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(host_of("https://Avtal.Vastkom.se/hos"), "avtal.vastkom.se");
        assert_eq!(host_of("http://[::1]:8080"), "::1");
        assert_eq!(host_of("avtal.example"), "avtal.example");
    }
}
