//! Query parameters, parsed by hand so that every refusal names the parameter in Swedish.

use crate::clock::DateRefusal;
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::error::ApiError;

pub type Query = HashMap<String, String>;

pub fn parse_query(query_string: &str) -> Result<Query, ApiError> {
    serde_urlencoded::from_str(query_string)
        .map_err(|_| ApiError::BadRequest("Frågesträngen kunde inte tolkas.".into()))
}

pub fn only(query: &Query, allowed: &[&str]) -> Result<(), ApiError> {
    for key in query.keys() {
        if !allowed.contains(&key.as_str()) {
            let shown: String = key.chars().take(40).collect();
            let message = if allowed.is_empty() {
                format!("Parametern \"{shown}\" är okänd: adressen tar inga parametrar.")
            } else {
                format!("Parametern \"{shown}\" är okänd. Kända parametrar: {}.", allowed.join(", "))
            };
            return Err(ApiError::BadParameter { param: "query", message });
        }
    }
    Ok(())
}

pub fn date(query: &Query, param: &'static str) -> Result<Option<NaiveDate>, ApiError> {
    let Some(value) = query.get(param) else { return Ok(None) };
    match crate::clock::parse_input_date(value) {
        Ok(d) => Ok(Some(d)),
        Err(DateRefusal::OutOfRange(d)) => Err(ApiError::BadParameter {
            param,
            message: format!("Parametern {param} ska vara ett datum {} (fick {d}).", crate::clock::accepted_range_sv()),
        }),
        Err(DateRefusal::Malformed) => Err(ApiError::BadParameter {
            param,
            message: format!(
                "Parametern {param} ska vara ett giltigt datum i formen ÅÅÅÅ-MM-DD (fick \"{}\").",
                value.chars().take(40).collect::<String>()
            ),
        }),
    }
}

pub fn timestamp(query: &Query, param: &'static str) -> Result<Option<DateTime<Utc>>, ApiError> {
    let Some(value) = query.get(param) else { return Ok(None) };
    DateTime::parse_from_rfc3339(value).map(|t| Some(t.with_timezone(&Utc))).map_err(|_| ApiError::BadParameter {
        param,
        message: format!(
            "Parametern {param} ska vara en tidpunkt enligt RFC 3339, t.ex. 2026-03-24T10:00:00Z (fick \"{}\").",
            value.chars().take(40).collect::<String>()
        ),
    })
}
