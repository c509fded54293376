//! Query parameters of the public pages. Unknown parameters are ignored (links shared with
//! tracking tags must still work); a known one with a bad value gives a 400 page naming it.

use crate::clock::DateRefusal;
use std::collections::HashMap;

use chrono::NaiveDate;

use super::error::PageError;

pub type Query = HashMap<String, String>;

pub fn parse(query_string: &str) -> Result<Query, PageError> {
    serde_urlencoded::from_str(query_string).map_err(|_| PageError::BadParameter {
        param: "query",
        message: "Adressens parametrar (delen efter frågetecknet) kunde inte tolkas.".into(),
    })
}

/// A parameter's value, `None` when absent or empty (a form's "Alla" choice sends it empty).
pub fn value<'a>(query: &'a Query, param: &str) -> Option<&'a str> {
    query.get(param).map(|v| v.trim()).filter(|v| !v.is_empty())
}

fn shown(value: &str) -> String {
    value.chars().take(40).collect()
}

/// `datum=ÅÅÅÅ-MM-DD`: the date to show the page as it stood on.
pub fn date(query: &Query) -> Result<Option<NaiveDate>, PageError> {
    let Some(raw) = value(query, "datum") else { return Ok(None) };
    match crate::clock::parse_input_date(raw) {
        Ok(d) => Ok(Some(d)),
        Err(DateRefusal::OutOfRange(d)) => Err(PageError::BadParameter {
            param: "datum",
            message: format!("Parametern datum ska vara ett datum {} (fick {d}).", crate::clock::accepted_range_sv()),
        }),
        Err(DateRefusal::Malformed) => Err(PageError::BadParameter {
            param: "datum",
            message: format!(
                "Parametern datum ska vara ett giltigt datum i formen ÅÅÅÅ-MM-DD, till exempel 2026-03-24 (fick \"{}\").",
                shown(raw)
            ),
        }),
    }
}

/// Every pair of the query string in order, repeated names kept (`?status=a&status=b`).
pub fn parse_pairs(query_string: &str) -> Result<Vec<(String, String)>, PageError> {
    serde_urlencoded::from_str(query_string).map_err(|_| PageError::BadParameter {
        param: "query",
        message: "Adressens parametrar (delen efter frågetecknet) kunde inte tolkas.".into(),
    })
}

/// Every non-empty value of a repeatable parameter, each one of `allowed`, without repeats.
pub fn choices<'a>(
    pairs: &'a [(String, String)],
    param: &'static str,
    allowed: &[(&str, &str)],
) -> Result<Vec<&'a str>, PageError> {
    let mut chosen: Vec<&str> = Vec::new();
    for raw in pairs.iter().filter(|(k, _)| k == param).map(|(_, v)| v.trim()).filter(|v| !v.is_empty()) {
        let value = check_choice(raw, param, allowed)?;
        if !chosen.contains(&value) {
            chosen.push(value);
        }
    }
    Ok(chosen)
}

/// A parameter that must be one of `allowed` (given as (value, description) pairs).
pub fn choice<'a>(
    query: &'a Query,
    param: &'static str,
    allowed: &[(&str, &str)],
) -> Result<Option<&'a str>, PageError> {
    let Some(raw) = value(query, param) else { return Ok(None) };
    check_choice(raw, param, allowed).map(Some)
}

fn check_choice<'a>(raw: &'a str, param: &'static str, allowed: &[(&str, &str)]) -> Result<&'a str, PageError> {
    if allowed.iter().any(|(v, _)| *v == raw) {
        return Ok(raw);
    }
    let list: Vec<String> = allowed.iter().map(|(v, d)| format!("{v} ({d})")).collect();
    Err(PageError::BadParameter {
        param,
        message: format!(
            "Parametern {param} har ett okänt värde \"{}\". Möjliga värden: {}.",
            shown(raw),
            list.join(", ")
        ),
    })
}

/// `?datum=…` to keep time travel on links, empty when showing today.
pub fn date_suffix(as_of: Option<NaiveDate>) -> String {
    as_of.map(|d| format!("?datum={d}")).unwrap_or_default()
}
