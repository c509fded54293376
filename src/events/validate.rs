//! Validation of a new event, shared by the API and the staff forms: raw input in, a valid event
//! or a list of Swedish messages that each name the field out.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;

use super::BODIES;
use crate::agreement::Agreement;
use crate::parties::Party;
use crate::ratification::{PartyKind, Status};

pub const NOTE_MAX_CHARS: usize = 4000;
pub const REFERENCE_MAX_CHARS: usize = 200;
pub const URL_MAX_CHARS: usize = 2000;

/// The input fields of an event, as text (JSON and forms both reduce to this).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawEvent {
    pub status: Option<String>,
    pub body: Option<String>,
    pub decided_on: Option<String>,
    pub planned_on: Option<String>,
    pub reference: Option<String>,
    pub protocol_url: Option<String>,
    pub posted_on: Option<String>,
    pub note: Option<String>,
    pub corrects: Option<String>,
    pub instruments: Option<Vec<String>>,
}

/// A new event that passed every check that needs no database.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidEvent {
    pub status: Status,
    pub body: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub planned_on: Option<NaiveDate>,
    pub reference: Option<String>,
    pub protocol_url: Option<String>,
    pub posted_on: Option<NaiveDate>,
    pub note: Option<String>,
    pub corrects: Option<i32>,
    /// None: all instruments.
    pub instruments: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self { field, message: message.into() }
    }
}

const FIELDS: [&str; 10] = [
    "status",
    "body",
    "decided_on",
    "planned_on",
    "reference",
    "protocol_url",
    "posted_on",
    "note",
    "corrects",
    "instruments",
];

/// Reads a JSON request body into a RawEvent; wrong types and unknown fields are field errors.
pub fn raw_from_json(value: &Value) -> Result<RawEvent, Vec<FieldError>> {
    let Value::Object(map) = value else {
        return Err(vec![FieldError::new("request", "Begäran ska vara ett JSON-objekt med händelsens fält.")]);
    };
    let mut errors = Vec::new();
    for key in map.keys() {
        if !FIELDS.contains(&key.as_str()) {
            errors.push(FieldError::new(
                "request",
                format!("Fältet \"{}\" är okänt. Kända fält: {}.", clip(key, 40), FIELDS.join(", ")),
            ));
        }
    }
    let mut text = |field: &'static str| -> Option<String> {
        match map.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                errors.push(FieldError::new(field, format!("Fältet {field} ska vara text.")));
                None
            }
        }
    };
    let mut raw = RawEvent {
        status: text("status"),
        body: text("body"),
        decided_on: text("decided_on"),
        planned_on: text("planned_on"),
        reference: text("reference"),
        protocol_url: text("protocol_url"),
        posted_on: text("posted_on"),
        note: text("note"),
        ..RawEvent::default()
    };
    match map.get("corrects") {
        None | Some(Value::Null) => {}
        Some(Value::Number(n)) => raw.corrects = Some(n.to_string()),
        Some(Value::String(s)) => raw.corrects = Some(s.clone()),
        Some(_) => errors.push(FieldError::new("corrects", "Fältet corrects ska vara ett händelse-id (ett heltal).")),
    }
    match map.get("instruments") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            let mut list = Vec::new();
            for item in items {
                match item {
                    Value::String(s) => list.push(s.clone()),
                    _ => {
                        errors.push(FieldError::new(
                            "instruments",
                            "Fältet instruments ska vara en lista med avtalens id (text).",
                        ));
                        break;
                    }
                }
            }
            raw.instruments = Some(list);
        }
        Some(_) => errors.push(FieldError::new("instruments", "Fältet instruments ska vara en lista med avtalens id.")),
    }
    if errors.is_empty() {
        Ok(raw)
    } else {
        Err(errors)
    }
}

/// Checks a raw event for `party` under `agreement`, with `today` the current date in Sweden.
pub fn validate(
    raw: &RawEvent,
    party: &Party,
    agreement: &Agreement,
    today: NaiveDate,
) -> Result<ValidEvent, Vec<FieldError>> {
    let mut errors = Vec::new();
    let status = match present(&raw.status) {
        None => {
            errors.push(FieldError::new("status", "Fältet status saknas. Ange händelsens status, t.ex. adopted."));
            None
        }
        Some(code) => match Status::parse(code) {
            Some(s) => Some(s),
            None => {
                errors.push(FieldError::new(
                    "status",
                    format!(
                        "Fältet status har ett okänt värde \"{}\". Tillåtna värden: {}.",
                        clip(code, 40),
                        Status::ALL.iter().map(|s| s.code()).collect::<Vec<_>>().join(", ")
                    ),
                ));
                None
            }
        },
    };
    let body = present(&raw.body).and_then(|b| {
        if !BODIES.contains(&b) {
            errors.push(FieldError::new(
                "body",
                format!("Fältet body har ett okänt värde \"{}\". Tillåtna värden: {}.", clip(b, 40), BODIES.join(", ")),
            ));
            return None;
        }
        let fits = match party.kind {
            PartyKind::Municipality => matches!(b, "KF" | "KS" | "other"),
            PartyKind::Region => matches!(b, "RF" | "RS" | "other"),
        };
        if !fits {
            let (assembly, board) = match party.kind {
                PartyKind::Municipality => ("KF", "KS"),
                PartyKind::Region => ("RF", "RS"),
            };
            errors.push(FieldError::new(
                "body",
                format!("Fältet body: {b} passar inte för {}, som beslutar i {assembly} eller {board}.", party.name),
            ));
            return None;
        }
        Some(b.to_string())
    });
    let decided_on = date(&raw.decided_on, "decided_on", "beslutsdatum", &mut errors);
    let planned_on = date(&raw.planned_on, "planned_on", "planerat sammanträde", &mut errors);
    let posted_on = date(&raw.posted_on, "posted_on", "anslagsdatum", &mut errors);
    if let Some(status) = status {
        if status.is_assembly_outcome() && decided_on.is_none() && present(&raw.decided_on).is_none() {
            errors.push(FieldError::new(
                "decided_on",
                format!("Fältet decided_on (beslutsdatum) krävs för status {} ({}).", status.code(), status.label_sv()),
            ));
        }
        if status == Status::Scheduled && planned_on.is_none() && present(&raw.planned_on).is_none() {
            errors.push(FieldError::new(
                "planned_on",
                "Fältet planned_on (planerat sammanträdesdatum) krävs för status scheduled (Beslut planerat).",
            ));
        }
    }
    if let Some(d) = decided_on.filter(|d| *d > today) {
        errors.push(FieldError::new(
            "decided_on",
            format!("Fältet decided_on ({d}) ligger efter dagens datum ({today}). Ett planerat beslut anges med status scheduled och planned_on."),
        ));
    }
    if let Some(p) = posted_on {
        if p > today {
            errors.push(FieldError::new(
                "posted_on",
                format!("Fältet posted_on ({p}) ligger efter dagens datum ({today})."),
            ));
        } else if let Some(d) = decided_on.filter(|d| p < *d) {
            errors.push(FieldError::new(
                "posted_on",
                format!("Fältet posted_on (anslagsdatum {p}) ligger före beslutsdatumet decided_on ({d})."),
            ));
        }
    }
    let reference = single_line(&raw.reference, "reference", REFERENCE_MAX_CHARS, &mut errors);
    let protocol_url = single_line(&raw.protocol_url, "protocol_url", URL_MAX_CHARS, &mut errors);
    if let Some(url) = &protocol_url {
        if !is_http_url(url) {
            errors.push(FieldError::new(
                "protocol_url",
                "Fältet protocol_url ska vara en webbadress som börjar med http:// eller https://.",
            ));
        }
    }
    let note = present(&raw.note).map(str::to_string);
    if let Some(n) = &note {
        let chars = n.chars().count();
        if chars > NOTE_MAX_CHARS {
            errors.push(FieldError::new(
                "note",
                format!("Fältet note får vara högst {NOTE_MAX_CHARS} tecken (nu {chars})."),
            ));
        } else if n.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            errors.push(FieldError::new("note", "Fältet note innehåller otillåtna kontrolltecken."));
        }
    }
    let corrects = present(&raw.corrects).and_then(|c| match c.parse::<i32>() {
        Ok(id) if id > 0 => Some(id),
        _ => {
            errors.push(FieldError::new(
                "corrects",
                "Fältet corrects ska vara id:t (ett positivt heltal) för händelsen som rättas.",
            ));
            None
        }
    });
    if corrects.is_some() && note.is_none() {
        errors.push(FieldError::new(
            "note",
            "En korrigering kräver en motivering: skriv i fältet note varför händelsen rättas.",
        ));
    }
    let instruments = match &raw.instruments {
        None => None,
        Some(list) => instrument_subset(list, agreement, &mut errors),
    };
    match status {
        Some(status) if errors.is_empty() => Ok(ValidEvent {
            status,
            body,
            decided_on,
            planned_on,
            reference,
            protocol_url,
            posted_on,
            note,
            corrects,
            instruments,
        }),
        _ => Err(errors),
    }
}

/// A blank value counts as absent.
fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// `label` is the field's name on the staff form, so that a refusal names it both ways.
fn date(v: &Option<String>, field: &'static str, label: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let s = present(v)?;
    match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) if s.len() == 10 && crate::clock::is_accepted(d) => Some(d),
        // Out of range: every page would otherwise compute and draw up to that date.
        Ok(d) if s.len() == 10 => {
            errors.push(FieldError::new(
                field,
                format!(
                    "Fältet {field} ({label}) ska vara ett datum {} (fick {d}).",
                    crate::clock::accepted_range_sv()
                ),
            ));
            None
        }
        _ => {
            errors.push(FieldError::new(
                field,
                format!("Fältet {field} ska vara ett datum i formen ÅÅÅÅ-MM-DD (fick \"{}\").", clip(s, 40)),
            ));
            None
        }
    }
}

fn single_line(v: &Option<String>, field: &'static str, max: usize, errors: &mut Vec<FieldError>) -> Option<String> {
    let s = present(v)?;
    let chars = s.chars().count();
    if chars > max {
        errors.push(FieldError::new(field, format!("Fältet {field} får vara högst {max} tecken (nu {chars}).")));
        return None;
    }
    if s.chars().any(char::is_control) {
        errors.push(FieldError::new(
            field,
            format!("Fältet {field} får inte innehålla radbrytningar eller kontrolltecken."),
        ));
        return None;
    }
    Some(s.to_string())
}

fn is_http_url(s: &str) -> bool {
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://")).or_else(|| {
        let lower = s.get(..8).map(str::to_ascii_lowercase)?;
        if lower == "https://" {
            s.get(8..)
        } else if lower.starts_with("http://") {
            s.get(7..)
        } else {
            None
        }
    });
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !s.contains(char::is_whitespace) && !host.contains('@')
        }
        None => false,
    }
}

fn instrument_subset(list: &[String], agreement: &Agreement, errors: &mut Vec<FieldError>) -> Option<Vec<String>> {
    let known = agreement.instrument_slugs();
    if list.is_empty() {
        errors.push(FieldError::new(
            "instruments",
            "Fältet instruments får inte vara en tom lista: utelämna fältet för att beslutet gäller alla avtal.",
        ));
        return None;
    }
    for slug in list {
        if !known.contains(slug) {
            errors.push(FieldError::new(
                "instruments",
                format!(
                    "Fältet instruments innehåller ett okänt avtal \"{}\". Kända: {}.",
                    clip(slug, 60),
                    known.join(", ")
                ),
            ));
            return None;
        }
    }
    // In the agreement's order, each once; naming all of them is the same as naming none.
    let chosen: Vec<String> = known.iter().filter(|k| list.contains(k)).cloned().collect();
    if chosen.len() == known.len() {
        None
    } else {
        Some(chosen)
    }
}

/// At most `n` characters of user input, for echoing it in a message.
fn clip(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        format!("{}…", s.chars().take(n).collect::<String>())
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreement::Instrument;
    use crate::ratification::RuleConfig;

    fn agreement() -> Agreement {
        Agreement {
            id: 1,
            slug: "hos-2027".into(),
            title: "HoS".into(),
            starts_on: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
            decision_period_ends_on: NaiveDate::from_ymd_opt(2026, 5, 31).unwrap(),
            rules: RuleConfig::default(),
            instruments: ["avtal", "ok-a", "ok-b", "ok-c", "ok-d"]
                .iter()
                .map(|s| Instrument { slug: s.to_string(), title: s.to_string() })
                .collect(),
        }
    }

    fn party(kind: PartyKind) -> Party {
        Party {
            code: if kind == PartyKind::Region { "14" } else { "1480" }.into(),
            name: if kind == PartyKind::Region { "Västra Götalandsregionen" } else { "Göteborg" }.into(),
            kind,
            subregion: None,
            population: 1,
            population_year: 2025,
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    fn check(raw: RawEvent) -> Result<ValidEvent, Vec<FieldError>> {
        validate(&raw, &party(PartyKind::Municipality), &agreement(), today())
    }

    fn fields(r: Result<ValidEvent, Vec<FieldError>>) -> Vec<&'static str> {
        r.unwrap_err().into_iter().map(|e| e.field).collect()
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn minimal_and_full_events_pass() {
        let ok = check(RawEvent { status: s("in_preparation"), ..Default::default() }).unwrap();
        assert_eq!(ok.status, Status::InPreparation);
        let full = check(RawEvent {
            status: s("adopted"),
            body: s("KF"),
            decided_on: s("2026-03-24"),
            reference: s(" KF § 45 "),
            protocol_url: s("https://example.se/protokoll.pdf"),
            posted_on: s("2026-03-30"),
            note: s("Beslut enligt KS förslag"),
            instruments: Some(vec!["ok-b".into(), "avtal".into()]),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(full.reference.as_deref(), Some("KF § 45"));
        assert_eq!(full.instruments, Some(vec!["avtal".to_string(), "ok-b".to_string()]));
    }

    #[test]
    fn each_refusal_names_its_field() {
        assert_eq!(fields(check(RawEvent::default())), ["status"]);
        assert_eq!(fields(check(RawEvent { status: s("approved"), ..Default::default() })), ["status"]);
        assert_eq!(fields(check(RawEvent { status: s("proposed"), body: s("XX"), ..Default::default() })), ["body"]);
        assert_eq!(fields(check(RawEvent { status: s("proposed"), body: s("RF"), ..Default::default() })), ["body"]);
        let region = validate(
            &RawEvent { status: s("proposed"), body: s("KS"), ..Default::default() },
            &party(PartyKind::Region),
            &agreement(),
            today(),
        );
        assert_eq!(fields(region), ["body"]);
        for status in ["adopted", "rejected", "referred_back", "tabled"] {
            assert_eq!(fields(check(RawEvent { status: s(status), ..Default::default() })), ["decided_on"]);
        }
        assert_eq!(
            fields(check(RawEvent { status: s("adopted"), decided_on: s("2026-11-27"), ..Default::default() })),
            ["decided_on"]
        );
        assert!(check(RawEvent { status: s("adopted"), decided_on: s("2026-11-26"), ..Default::default() }).is_ok());
        assert_eq!(
            fields(check(RawEvent { status: s("adopted"), decided_on: s("2026-13-40"), ..Default::default() })),
            ["decided_on"]
        );
        assert_eq!(fields(check(RawEvent { status: s("scheduled"), ..Default::default() })), ["planned_on"]);
        assert_eq!(
            fields(check(RawEvent { status: s("proposed"), protocol_url: s("ftp://x.se/a"), ..Default::default() })),
            ["protocol_url"]
        );
        assert_eq!(
            fields(check(RawEvent {
                status: s("proposed"),
                protocol_url: s("javascript:alert(1)"),
                ..Default::default()
            })),
            ["protocol_url"]
        );
        assert_eq!(
            fields(check(RawEvent { status: s("proposed"), note: Some("x".repeat(4001)), ..Default::default() })),
            ["note"]
        );
        assert!(check(RawEvent { status: s("proposed"), note: Some("å".repeat(4000)), ..Default::default() }).is_ok());
        assert_eq!(
            fields(check(RawEvent {
                status: s("proposed"),
                instruments: Some(vec!["nope".into()]),
                ..Default::default()
            })),
            ["instruments"]
        );
        assert_eq!(fields(check(RawEvent { status: s("proposed"), corrects: s("7"), ..Default::default() })), ["note"]);
        assert_eq!(
            fields(check(RawEvent { status: s("proposed"), corrects: s("x"), note: s("fel"), ..Default::default() })),
            ["corrects"]
        );
        assert_eq!(
            fields(check(RawEvent {
                status: s("adopted"),
                decided_on: s("2026-03-24"),
                posted_on: s("2026-03-20"),
                ..Default::default()
            })),
            ["posted_on"]
        );
    }

    #[test]
    fn naming_every_instrument_means_all() {
        let all = agreement().instrument_slugs();
        let ok = check(RawEvent { status: s("proposed"), instruments: Some(all), ..Default::default() }).unwrap();
        assert_eq!(ok.instruments, None);
    }

    #[test]
    fn json_types_and_unknown_fields_are_field_errors() {
        let raw =
            raw_from_json(&serde_json::json!({"status": "adopted", "corrects": 3, "instruments": ["avtal"]})).unwrap();
        assert_eq!(raw.corrects.as_deref(), Some("3"));
        let err = raw_from_json(&serde_json::json!({"status": 5})).unwrap_err();
        assert_eq!(err[0].field, "status");
        let err = raw_from_json(&serde_json::json!({"status": "adopted", "decidedOn": "2026-01-01"})).unwrap_err();
        assert!(err[0].message.contains("decidedOn"));
        assert!(raw_from_json(&serde_json::json!([1])).is_err());
    }
}
