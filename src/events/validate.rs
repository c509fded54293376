//! Validation of a new event, shared by the API and the staff forms: raw input in, a valid event
//! or a list of Swedish messages that each name the field out.

use crate::clock::DateRefusal;
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

/// Who reads the messages. API clients match on field names and status codes, so the API's
/// messages name them; editors on the staff pages see the form's Swedish labels
/// ("Beslutsdatum", "Beslut planerat") and are never shown a code they did not type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Api,
    Staff,
}

/// The label the staff form shows for a field (what a staff message calls it).
pub fn field_label(field: &str) -> &'static str {
    match field {
        "status" => "Status",
        "body" => "Organ",
        "decided_on" => "Beslutsdatum",
        "planned_on" => "Planerat sammanträde",
        "reference" => "Paragraf",
        "protocol_url" => "Länk till protokollet",
        "posted_on" => "Anslaget på anslagstavlan",
        "note" => "Anteckning",
        "corrects" => "Rättar händelse",
        "instruments" => "Beslutet gäller",
        "reason" => "Motivering",
        _ => "Fältet",
    }
}

/// The Swedish name of a body, as the staff form offers it.
pub fn body_label(body: &str) -> &str {
    match body {
        "KF" => "Kommunfullmäktige (KF)",
        "KS" => "Kommunstyrelsen (KS)",
        "RF" => "Regionfullmäktige (RF)",
        "RS" => "Regionstyrelsen (RS)",
        "other" => "Annat organ",
        other => other,
    }
}

impl Audience {
    /// A field as the subject of a sentence: `Fältet decided_on` / `Fältet ”Beslutsdatum”`.
    fn field(self, field: &str) -> String {
        match self {
            Audience::Api => format!("Fältet {field}"),
            Audience::Staff => format!("Fältet ”{}”", field_label(field)),
        }
    }

    /// As [`Audience::field`], with the form's label beside the API's name: `Fältet planned_on
    /// (planerat sammanträde)`.
    fn field_labelled(self, field: &str) -> String {
        match self {
            Audience::Api => format!("Fältet {field} ({})", field_label(field).to_lowercase()),
            Audience::Staff => self.field(field),
        }
    }

    /// The field named for a correction: the staff form's note field is then
    /// "Motivering till rättelsen".
    fn note_field(self, correcting: bool) -> String {
        match (self, correcting) {
            (Audience::Staff, true) => "Fältet ”Motivering till rättelsen”".into(),
            _ => self.field("note"),
        }
    }

    fn status(self, s: Status) -> String {
        match self {
            Audience::Api => format!("{} ({})", s.code(), s.label_sv()),
            Audience::Staff => format!("”{}”", s.label_sv()),
        }
    }

    fn statuses(self) -> String {
        let names: Vec<String> = Status::ALL
            .iter()
            .map(|s| match self {
                Audience::Api => s.code().to_string(),
                Audience::Staff => s.label_sv().to_string(),
            })
            .collect();
        names.join(", ")
    }

    fn body(self, b: &str) -> String {
        match self {
            Audience::Api => b.to_string(),
            Audience::Staff => body_label(b).to_string(),
        }
    }
}

/// Checks a raw event for `party` under `agreement`, with `today` the current date in Sweden;
/// the messages are phrased for `audience`.
pub fn validate(
    raw: &RawEvent,
    party: &Party,
    agreement: &Agreement,
    today: NaiveDate,
    audience: Audience,
) -> Result<ValidEvent, Vec<FieldError>> {
    let a = audience;
    let mut errors = Vec::new();
    let status = match present(&raw.status) {
        None => {
            let hint = match a {
                Audience::Api => "Ange händelsens status, t.ex. adopted.",
                Audience::Staff => "Välj vad som hände, t.ex. Antaget.",
            };
            errors.push(FieldError::new("status", format!("{} saknas. {hint}", a.field("status"))));
            None
        }
        Some(code) => match Status::parse(code) {
            Some(s) => Some(s),
            None if code == Status::Withdrawn.code() => {
                let how = match a {
                    Audience::Api => {
                        "Dra tillbaka en händelse med POST /api/v1/events/{id}/withdraw och en motivering (reason)."
                    }
                    Audience::Staff => "Dra tillbaka en händelse med knappen ”Dra tillbaka” i partens historik.",
                };
                errors.push(FieldError::new(
                    "status",
                    format!(
                        "{}: en ny händelse kan inte ha status {}. {how}",
                        a.field("status"),
                        a.status(Status::Withdrawn)
                    ),
                ));
                None
            }
            None => {
                errors.push(FieldError::new(
                    "status",
                    format!(
                        "{} har ett okänt värde \"{}\". Tillåtna värden: {}.",
                        a.field("status"),
                        clip(code, 40),
                        a.statuses()
                    ),
                ));
                None
            }
        },
    };
    let body = present(&raw.body).and_then(|b| {
        if !BODIES.contains(&b) {
            let allowed: Vec<String> = BODIES.iter().map(|b| a.body(b)).collect();
            errors.push(FieldError::new(
                "body",
                format!(
                    "{} har ett okänt värde \"{}\". Tillåtna värden: {}.",
                    a.field("body"),
                    clip(b, 40),
                    allowed.join(", ")
                ),
            ));
            return None;
        }
        let fits = match party.kind {
            PartyKind::Municipality => matches!(b, "KF" | "KS" | "other"),
            PartyKind::Region => matches!(b, "RF" | "RS" | "other"),
        };
        if !fits {
            let (assembly, board) = assembly_and_board(party.kind);
            errors.push(FieldError::new(
                "body",
                format!(
                    "{}: {} passar inte för {}, som beslutar i {} eller {}.",
                    a.field("body"),
                    a.body(b),
                    party.name,
                    a.body(assembly),
                    a.body(board)
                ),
            ));
            return None;
        }
        Some(b.to_string())
    });
    if let (Some(status), Some(b)) = (status, body.as_deref()) {
        // KS/RS propose and KF/RF decide: a decision by the board, or a proposal by the assembly,
        // is nearly always the wrong row of the minutes or the wrong choice in the list.
        let (assembly, board) = assembly_and_board(party.kind);
        if status.is_assembly_outcome() && b != assembly {
            errors.push(FieldError::new(
                "body",
                format!(
                    "{}: status {} beslutas av {}, inte av {}. Var det styrelsens förslag, ange status {}.",
                    a.field("body"),
                    a.status(status),
                    a.body(assembly),
                    a.body(b),
                    a.status(Status::Proposed)
                ),
            ));
        } else if status == Status::Proposed && b != board {
            errors.push(FieldError::new(
                "body",
                format!(
                    "{}: status {} gäller förslag från {}, inte från {}. Var det fullmäktiges beslut, ange vad det beslutade.",
                    a.field("body"),
                    a.status(status),
                    a.body(board),
                    a.body(b)
                ),
            ));
        }
    }
    let decided_on = date(&raw.decided_on, "decided_on", a, &mut errors);
    let planned_on = date(&raw.planned_on, "planned_on", a, &mut errors);
    let posted_on = date(&raw.posted_on, "posted_on", a, &mut errors);
    if let Some(status) = status {
        if status.is_assembly_outcome() && decided_on.is_none() && present(&raw.decided_on).is_none() {
            let what = match a {
                Audience::Api => format!("{} (beslutsdatum)", a.field("decided_on")),
                Audience::Staff => a.field("decided_on"),
            };
            errors.push(FieldError::new("decided_on", format!("{what} krävs för status {}.", a.status(status))));
        }
        if status == Status::Scheduled && planned_on.is_none() && present(&raw.planned_on).is_none() {
            let what = match a {
                Audience::Api => format!("{} (planerat sammanträdesdatum)", a.field("planned_on")),
                Audience::Staff => a.field("planned_on"),
            };
            errors.push(FieldError::new(
                "planned_on",
                format!("{what} krävs för status {}.", a.status(Status::Scheduled)),
            ));
        }
    }
    if let Some(d) = decided_on.filter(|d| *d > today) {
        errors.push(FieldError::new(
            "decided_on",
            format!(
                "{} ({d}) ligger efter dagens datum ({today}). Ett planerat beslut anges med status {} och {}.",
                a.field("decided_on"),
                a.status(Status::Scheduled),
                match a {
                    Audience::Api => "planned_on".to_string(),
                    Audience::Staff => format!("”{}”", field_label("planned_on")),
                }
            ),
        ));
    }
    if let Some(p) = posted_on {
        if p > today {
            errors.push(FieldError::new(
                "posted_on",
                format!("{} ({p}) ligger efter dagens datum ({today}).", a.field("posted_on")),
            ));
        } else if let Some(d) = decided_on.filter(|d| p < *d) {
            let decided = match a {
                Audience::Api => "beslutsdatumet decided_on".to_string(),
                Audience::Staff => format!("”{}”", field_label("decided_on")),
            };
            errors.push(FieldError::new(
                "posted_on",
                format!("{} (anslagsdatum {p}) ligger före {decided} ({d}).", a.field("posted_on")),
            ));
        }
    }
    let reference = single_line(&raw.reference, "reference", REFERENCE_MAX_CHARS, a, &mut errors);
    let protocol_url = single_line(&raw.protocol_url, "protocol_url", URL_MAX_CHARS, a, &mut errors);
    if let Some(url) = &protocol_url {
        if !is_http_url(url) {
            errors.push(FieldError::new(
                "protocol_url",
                format!("{} ska vara en webbadress som börjar med http:// eller https://.", a.field("protocol_url")),
            ));
        }
    }
    let correcting = present(&raw.corrects).is_some();
    let note = present(&raw.note).map(str::to_string);
    if let Some(n) = &note {
        let chars = n.chars().count();
        if chars > NOTE_MAX_CHARS {
            errors.push(FieldError::new(
                "note",
                format!("{} får vara högst {NOTE_MAX_CHARS} tecken (nu {chars}).", a.note_field(correcting)),
            ));
        } else if n.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            errors.push(FieldError::new(
                "note",
                format!("{} innehåller otillåtna kontrolltecken.", a.note_field(correcting)),
            ));
        }
    }
    let corrects = present(&raw.corrects).and_then(|c| match c.parse::<i32>() {
        Ok(id) if id > 0 => Some(id),
        _ => {
            errors.push(FieldError::new(
                "corrects",
                format!("{} ska vara numret (ett positivt heltal) på händelsen som rättas.", a.field("corrects")),
            ));
            None
        }
    });
    if corrects.is_some() && note.is_none() {
        let message = match a {
            Audience::Api => {
                "En rättelse kräver en motivering: skriv i fältet note varför händelsen rättas.".to_string()
            }
            Audience::Staff => format!(
                "En rättelse kräver en motivering: skriv i {} varför händelsen rättas.",
                "fältet ”Motivering till rättelsen”"
            ),
        };
        errors.push(FieldError::new("note", message));
    }
    let instruments = match &raw.instruments {
        None => None,
        Some(list) => instrument_subset(list, agreement, a, &mut errors),
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

/// Checks the reason given for withdrawing an event: required, at most [`NOTE_MAX_CHARS`]
/// characters, no control characters but line breaks and tabs. Refusals name the field
/// `reason` (the staff form's "Motivering").
pub fn withdrawal_reason(reason: Option<&str>, a: Audience) -> Result<String, FieldError> {
    let what = match a {
        Audience::Api => "Fältet reason (motivering)".to_string(),
        Audience::Staff => a.field("reason"),
    };
    let Some(reason) = reason.map(str::trim).filter(|r| !r.is_empty()) else {
        return Err(FieldError::new("reason", format!("{what} saknas: skriv varför händelsen dras tillbaka.")));
    };
    let chars = reason.chars().count();
    if chars > NOTE_MAX_CHARS {
        return Err(FieldError::new("reason", format!("{what} får vara högst {NOTE_MAX_CHARS} tecken (nu {chars}).")));
    }
    if reason.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(FieldError::new("reason", format!("{what} innehåller otillåtna kontrolltecken.")));
    }
    Ok(reason.to_string())
}

/// The assembly that decides and the board that proposes, for a kind of party.
fn assembly_and_board(kind: PartyKind) -> (&'static str, &'static str) {
    match kind {
        PartyKind::Municipality => ("KF", "KS"),
        PartyKind::Region => ("RF", "RS"),
    }
}

/// What looks like a mistake in a valid event but may be right: the staff form and the import ask
/// the editor to confirm before saving. The API does not ask (a client has no one to confirm).
pub fn warnings(valid: &ValidEvent, today: NaiveDate, a: Audience) -> Vec<FieldError> {
    let mut out = Vec::new();
    if let Some(d) = valid.planned_on.filter(|d| valid.status == Status::Scheduled && *d < today) {
        out.push(FieldError::new(
            "planned_on",
            format!(
                "{} ({}) har redan varit. Har sammanträdet hållits, registrera vad det beslutade i stället.",
                a.field("planned_on"),
                crate::sv::date(d)
            ),
        ));
    }
    if let (Some(reference), Some(body)) = (&valid.reference, &valid.body) {
        let named = reference
            .split(|c: char| !c.is_alphanumeric())
            .find(|w| ["KF", "KS", "RF", "RS"].contains(w) && *w != body.as_str());
        if let Some(named) = named {
            out.push(FieldError::new(
                "reference",
                format!(
                    "{} ”{}” anger {}, men organet är {}. Kontrollera att paragrafen och organet hör ihop.",
                    a.field("reference"),
                    clip(reference, 60),
                    a.body(named),
                    a.body(body)
                ),
            ));
        }
    }
    out
}

/// [`warnings`] for an event already stored (an import previews its rows by storing them in a
/// transaction it then rolls back).
pub fn warnings_of_stored(e: &super::Event, today: NaiveDate, a: Audience) -> Vec<FieldError> {
    let valid = ValidEvent {
        status: e.status,
        body: e.body.clone(),
        decided_on: e.decided_on,
        planned_on: e.planned_on,
        reference: e.reference.clone(),
        protocol_url: e.protocol_url.clone(),
        posted_on: e.posted_on,
        note: e.note.clone(),
        corrects: e.corrects,
        instruments: e.instruments.clone(),
    };
    warnings(&valid, today, a)
}

/// A blank value counts as absent.
fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn date(v: &Option<String>, field: &'static str, a: Audience, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let s = present(v)?;
    match crate::clock::parse_input_date(s) {
        Ok(d) => Some(d),
        // Out of range: every page would otherwise compute and draw up to that date.
        Err(DateRefusal::OutOfRange(d)) => {
            errors.push(FieldError::new(
                field,
                format!(
                    "{} ska vara ett datum {} (fick {d}).",
                    a.field_labelled(field),
                    crate::clock::accepted_range_sv()
                ),
            ));
            None
        }
        Err(DateRefusal::Malformed) => {
            errors.push(FieldError::new(
                field,
                format!("{} ska vara ett datum i formen ÅÅÅÅ-MM-DD (fick \"{}\").", a.field(field), clip(s, 40)),
            ));
            None
        }
    }
}

fn single_line(
    v: &Option<String>,
    field: &'static str,
    max: usize,
    a: Audience,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let s = present(v)?;
    let chars = s.chars().count();
    if chars > max {
        errors.push(FieldError::new(field, format!("{} får vara högst {max} tecken (nu {chars}).", a.field(field))));
        return None;
    }
    if s.chars().any(char::is_control) {
        errors.push(FieldError::new(
            field,
            format!("{} får inte innehålla radbrytningar eller kontrolltecken.", a.field(field)),
        ));
        return None;
    }
    Some(s.to_string())
}

fn is_http_url(s: &str) -> bool {
    crate::web_address::http_url(s).is_some()
}

fn instrument_subset(
    list: &[String],
    agreement: &Agreement,
    a: Audience,
    errors: &mut Vec<FieldError>,
) -> Option<Vec<String>> {
    let known = agreement.instrument_slugs();
    if list.is_empty() {
        let message = match a {
            Audience::Api => {
                "Fältet instruments får inte vara en tom lista: utelämna fältet för att beslutet gäller alla avtal."
                    .into()
            }
            Audience::Staff => format!("{}: välj minst ett av avtalen som beslutet gäller.", a.field("instruments")),
        };
        errors.push(FieldError::new("instruments", message));
        return None;
    }
    for slug in list {
        if !known.contains(slug) {
            let listed = match a {
                Audience::Api => known.join(", "),
                Audience::Staff => {
                    agreement.instruments.iter().map(|i| i.title.as_str()).collect::<Vec<_>>().join("; ")
                }
            };
            errors.push(FieldError::new(
                "instruments",
                format!(
                    "{} innehåller ett okänt avtal \"{}\". Kända: {listed}.",
                    a.field("instruments"),
                    clip(slug, 60)
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
            short_title: "HoS".into(),
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
            county_code: None,
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    fn check(raw: RawEvent) -> Result<ValidEvent, Vec<FieldError>> {
        validate(&raw, &party(PartyKind::Municipality), &agreement(), today(), Audience::Api)
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
            Audience::Api,
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
    fn the_assembly_decides_and_the_board_proposes() {
        for status in ["adopted", "rejected", "referred_back", "tabled"] {
            for body in ["KS", "other"] {
                let raw =
                    RawEvent { status: s(status), body: s(body), decided_on: s("2026-03-24"), ..Default::default() };
                assert_eq!(fields(check(raw)), ["body"], "{status} by {body}");
            }
            let raw = RawEvent { status: s(status), body: s("KF"), decided_on: s("2026-03-24"), ..Default::default() };
            assert!(check(raw).is_ok(), "{status} by KF");
        }
        for body in ["KF", "other"] {
            let raw = RawEvent { status: s("proposed"), body: s(body), ..Default::default() };
            assert_eq!(fields(check(raw)), ["body"], "proposed by {body}");
        }
        assert!(check(RawEvent { status: s("proposed"), body: s("KS"), ..Default::default() }).is_ok());
        // Steps and appeals may name any body of the party, or none.
        assert!(check(RawEvent {
            status: s("scheduled"),
            body: s("KF"),
            planned_on: s("2027-01-10"),
            ..Default::default()
        })
        .is_ok());
        assert!(check(RawEvent { status: s("appealed"), body: s("other"), ..Default::default() }).is_ok());
        let region = validate(
            &RawEvent { status: s("adopted"), body: s("RS"), decided_on: s("2026-03-24"), ..Default::default() },
            &party(PartyKind::Region),
            &agreement(),
            today(),
            Audience::Staff,
        );
        let message = &region.unwrap_err()[0].message;
        assert!(message.contains("Regionfullmäktige (RF)") && message.contains("”Föreslaget”"), "{message}");
    }

    #[test]
    fn a_past_meeting_and_a_reference_to_another_body_are_warnings() {
        let past =
            check(RawEvent { status: s("scheduled"), planned_on: s("2026-11-25"), ..Default::default() }).unwrap();
        let w = warnings(&past, today(), Audience::Staff);
        assert_eq!(w.iter().map(|w| w.field).collect::<Vec<_>>(), ["planned_on"]);
        assert!(w[0].message.contains("”Planerat sammanträde”") && w[0].message.contains("25 november 2026"), "{w:?}");
        let coming =
            check(RawEvent { status: s("scheduled"), planned_on: s("2026-11-26"), ..Default::default() }).unwrap();
        assert!(warnings(&coming, today(), Audience::Staff).is_empty(), "today is not past");
        let mixed =
            check(RawEvent { status: s("proposed"), body: s("KS"), reference: s("KF § 5"), ..Default::default() })
                .unwrap();
        let w = warnings(&mixed, today(), Audience::Staff);
        assert_eq!(w.iter().map(|w| w.field).collect::<Vec<_>>(), ["reference"]);
        assert!(w[0].message.contains("Kommunfullmäktige (KF)") && w[0].message.contains("Kommunstyrelsen (KS)"));
        let matching =
            check(RawEvent { status: s("proposed"), body: s("KS"), reference: s("KS § 5"), ..Default::default() })
                .unwrap();
        assert!(warnings(&matching, today(), Audience::Staff).is_empty());
        // Words that merely contain the letters are not a body.
        let word = check(RawEvent {
            status: s("proposed"),
            body: s("KS"),
            reference: s("KFS-beslut § 5"),
            ..Default::default()
        })
        .unwrap();
        assert!(warnings(&word, today(), Audience::Staff).is_empty());
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
