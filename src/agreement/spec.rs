//! What an agreement file (`ratify agreement add FILE`, TOML) may say, checked key by key.
//!
//! [`parse`] reads the file alone (types, dates, unknown keys); [`resolve`] turns it into a
//! [`NewAgreement`] against the party registry (a county's parties, the codes in `parties`).
//! The file is parsed to a `toml::Table` and each key checked here, so that every message is
//! Swedish and names its key (toml's own messages are English).

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use diesel::prelude::*;

use super::define::NewAgreement;
use super::Instrument;
use crate::db::schema::parties;
use crate::db::{DbConn, DbError};
use crate::ratification::{PartyKind, RuleConfig, Threshold};

/// The keys an agreement file may have, in the order the README lists them.
pub const KEYS: [&str; 14] = [
    "slug",
    "title",
    "short_title",
    "starts_on",
    "decision_period_ends_on",
    "county",
    "subregion",
    "parties",
    "region",
    "majority",
    "region_required",
    "legal_force_required",
    "appeal_period_days",
    "instruments",
];
const INSTRUMENT_KEYS: [&str; 2] = ["slug", "title"];

/// The instrument an agreement gets when its file lists none.
pub const DEFAULT_INSTRUMENT: &str = "avtal";
pub const DEFAULT_APPEAL_PERIOD_DAYS: u32 = 21;
const MAX_TITLE: usize = 300;

/// A slug: 1–64 characters of a–z, 0–9 and inner hyphens ("hos-2027"); it is part of URLs.
pub fn parse_slug(text: &str) -> Result<String, String> {
    let ok = !text.is_empty()
        && text.len() <= 64
        && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !text.starts_with('-')
        && !text.ends_with('-');
    if ok {
        Ok(text.to_string())
    } else {
        Err(format!(
            "\"{text}\" är ingen giltig kortadress för ett avtal (1–64 tecken a–z, 0–9 och bindestreck, t.ex. hos-2027)"
        ))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// What is wrong, starting with the key ("majority: …").
    #[error("{key}: {message}")]
    Invalid { key: String, message: String },
    /// The file is not TOML at all.
    #[error("{0}")]
    Syntax(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for SpecError {
    fn from(e: diesel::result::Error) -> Self {
        SpecError::Db(DbError::Query(e))
    }
}

fn invalid(key: &str, message: impl Into<String>) -> SpecError {
    SpecError::Invalid { key: key.to_string(), message: message.into() }
}

/// An agreement file as written, before its parties are looked up.
#[derive(Debug, Clone, PartialEq)]
pub struct AgreementFile {
    pub slug: String,
    pub title: String,
    pub short_title: String,
    pub starts_on: NaiveDate,
    pub decision_period_ends_on: NaiveDate,
    pub county: Option<String>,
    pub subregion: Option<String>,
    pub parties: Vec<String>,
    /// `None`: the default (the county's region when `county` is given).
    pub region: Option<bool>,
    pub majority: Threshold,
    /// `None`: the default (required when the agreement has a region).
    pub region_required: Option<bool>,
    pub legal_force_required: bool,
    pub appeal_period_days: u32,
    pub instruments: Vec<Instrument>,
}

/// Reads an agreement file: every key checked, defaults filled in.
pub fn parse(text: &str) -> Result<AgreementFile, SpecError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| syntax_error(text, &e))?;
    let unknown: Vec<&str> = table.keys().map(String::as_str).filter(|k| !KEYS.contains(k)).collect();
    if !unknown.is_empty() {
        return Err(unknown_keys("", &unknown, &KEYS));
    }
    let slug = parse_slug(&required_text(&table, "slug")?).map_err(|m| invalid("slug", m))?;
    let title = title_text(&table, "title")?.ok_or_else(|| missing("title"))?;
    let short_title = title_text(&table, "short_title")?.unwrap_or_else(|| title.clone());
    let starts_on = date(&table, "starts_on")?.ok_or_else(|| missing("starts_on"))?;
    let decision_period_ends_on = match date(&table, "decision_period_ends_on")? {
        Some(d) if d > starts_on => {
            return Err(invalid(
                "decision_period_ends_on",
                format!("beslutsperioden ska sluta senast den dag avtalet börjar gälla ({starts_on}), inte {d}"),
            ))
        }
        Some(d) => d,
        None => starts_on.checked_sub_days(Days::new(1)).unwrap_or(starts_on),
    };
    let county = optional_text(&table, "county")?;
    if let Some(c) = &county {
        if !(c.len() == 2 && c.bytes().all(|b| b.is_ascii_digit())) {
            return Err(invalid(
                "county",
                format!("\"{c}\" är ingen länskod; ange två siffror, t.ex. \"12\" för Skåne"),
            ));
        }
    }
    let subregion = optional_text(&table, "subregion")?;
    if subregion.is_some() && county.is_none() {
        return Err(invalid("subregion", "en delregion avgränsar ett läns kommuner; ange också county"));
    }
    let parties = party_list(&table)?;
    let region = boolean(&table, "region")?;
    if region == Some(true) && county.is_none() {
        return Err(invalid("region", "region = true tar med länets region; ange också county"));
    }
    let majority = match table.get("majority") {
        None => Threshold::MORE_THAN_HALF,
        Some(v) => majority(v)?,
    };
    let region_required = boolean(&table, "region_required")?;
    let legal_force_required = boolean(&table, "legal_force_required")?.unwrap_or(false);
    let appeal_period_days = match table.get("appeal_period_days") {
        None => DEFAULT_APPEAL_PERIOD_DAYS,
        Some(toml::Value::Integer(n)) if (1..=365).contains(n) => {
            u32::try_from(*n).unwrap_or(DEFAULT_APPEAL_PERIOD_DAYS)
        }
        Some(_) => return Err(invalid("appeal_period_days", "ska vara ett antal dagar, ett heltal från 1 till 365")),
    };
    let instruments = match table.get("instruments") {
        None => vec![Instrument { slug: DEFAULT_INSTRUMENT.into(), title: title.clone() }],
        Some(v) => instruments(v)?,
    };
    Ok(AgreementFile {
        slug,
        title,
        short_title,
        starts_on,
        decision_period_ends_on,
        county,
        subregion,
        parties,
        region,
        majority,
        region_required,
        legal_force_required,
        appeal_period_days,
        instruments,
    })
}

/// TOML's own message is English: say where the file breaks, and which key is on that line.
fn syntax_error(text: &str, e: &toml::de::Error) -> SpecError {
    let Some(span) = e.span() else {
        return SpecError::Syntax("filen följer inte TOML-formatet".into());
    };
    let before = text.get(..span.start).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map(|l| l.chars().count() + 1).unwrap_or(1);
    let line_text = text.lines().nth(line - 1).unwrap_or_default();
    let key = line_text.split_once('=').map(|(k, _)| k.trim().trim_matches('"')).filter(|k| !k.is_empty());
    let at = match key {
        Some(k) => format!(" vid nyckeln {k}"),
        None => String::new(),
    };
    SpecError::Syntax(format!(
        "filen följer inte TOML-formatet: rad {line}, kolumn {column}{at}. Kontrollera citattecken, \
         likhetstecken och hakparenteser, och att ingen nyckel står två gånger."
    ))
}

fn unknown_keys(prefix: &str, unknown: &[&str], allowed: &[&str]) -> SpecError {
    let named: Vec<String> = unknown.iter().map(|k| format!("{prefix}{k}")).collect();
    let (word, key) =
        if unknown.len() == 1 { ("okänd nyckel", named.join("")) } else { ("okända nycklar", named.join(", ")) };
    SpecError::Invalid { key, message: format!("{word} i avtalsfilen; tillåtna nycklar: {}", allowed.join(", ")) }
}

fn missing(key: &str) -> SpecError {
    invalid(key, "saknas; den måste anges")
}

fn optional_text(table: &toml::Table, key: &str) -> Result<Option<String>, SpecError> {
    match table.get(key) {
        None => Ok(None),
        Some(toml::Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
        Some(toml::Value::String(_)) => Err(invalid(key, "är tom; skriv en text eller ta bort raden")),
        Some(_) => Err(invalid(key, "ska vara en text inom citattecken")),
    }
}

fn required_text(table: &toml::Table, key: &str) -> Result<String, SpecError> {
    optional_text(table, key)?.ok_or_else(|| missing(key))
}

fn title_text(table: &toml::Table, key: &str) -> Result<Option<String>, SpecError> {
    let Some(text) = optional_text(table, key)? else { return Ok(None) };
    check_title(key, &text)?;
    Ok(Some(text))
}

fn check_title(key: &str, text: &str) -> Result<(), SpecError> {
    if text.chars().count() > MAX_TITLE {
        return Err(invalid(key, format!("är för lång (högst {MAX_TITLE} tecken)")));
    }
    if text.chars().any(char::is_control) {
        return Err(invalid(key, "får inte innehålla radbrytningar eller andra styrtecken"));
    }
    Ok(())
}

fn boolean(table: &toml::Table, key: &str) -> Result<Option<bool>, SpecError> {
    match table.get(key) {
        None => Ok(None),
        Some(toml::Value::Boolean(b)) => Ok(Some(*b)),
        Some(_) => Err(invalid(key, "ska vara true eller false (utan citattecken)")),
    }
}

/// A TOML date (2028-01-01) or the same as text ("2028-01-01").
fn date(table: &toml::Table, key: &str) -> Result<Option<NaiveDate>, SpecError> {
    let bad = |shown: &str| invalid(key, format!("{shown} är inget giltigt datum; skriv ÅÅÅÅ-MM-DD, t.ex. 2028-01-01"));
    match table.get(key) {
        None => Ok(None),
        Some(toml::Value::Datetime(dt)) => match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                .map(Some)
                .ok_or_else(|| bad(&dt.to_string())),
            _ => Err(invalid(key, format!("{dt} har en tid; ange bara datumet, ÅÅÅÅ-MM-DD"))),
        },
        Some(toml::Value::String(s)) => {
            let s = s.trim();
            let shaped = s.len() == 10 && s.as_bytes().get(4) == Some(&b'-') && s.as_bytes().get(7) == Some(&b'-');
            match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) if shaped => Ok(Some(d)),
                _ => Err(bad(&format!("\"{s}\""))),
            }
        }
        Some(_) => Err(bad("värdet")),
    }
}

fn party_list(table: &toml::Table) -> Result<Vec<String>, SpecError> {
    let Some(value) = table.get("parties") else { return Ok(Vec::new()) };
    let shape = || invalid("parties", "ska vara en lista med partskoder inom citattecken, t.ex. [\"1480\", \"14\"]");
    let toml::Value::Array(items) = value else { return Err(shape()) };
    let mut codes = Vec::new();
    for item in items {
        let toml::Value::String(code) = item else { return Err(shape()) };
        let code = code.trim();
        let shaped = (code.len() == 2 || code.len() == 4) && code.bytes().all(|b| b.is_ascii_digit());
        if !shaped {
            return Err(invalid(
                "parties",
                format!("\"{code}\" är ingen partskod (två siffror för en region, fyra för en kommun)"),
            ));
        }
        if codes.iter().any(|c| c == code) {
            return Err(invalid("parties", format!("koden \"{code}\" står två gånger")));
        }
        codes.push(code.to_string());
    }
    Ok(codes)
}

fn majority(value: &toml::Value) -> Result<Threshold, SpecError> {
    match value {
        toml::Value::Integer(n) if *n >= 1 => {
            u32::try_from(*n).map(Threshold::Count).map_err(|_| invalid("majority", format!("{n} är för stort")))
        }
        toml::Value::String(s) if matches!(s.trim(), "more_than_half" | "mer än hälften") => {
            Ok(Threshold::MORE_THAN_HALF)
        }
        _ => Err(invalid(
            "majority",
            "ska vara ett antal kommuner (ett heltal, minst 1) eller \"more_than_half\" (\"mer än hälften\")",
        )),
    }
}

fn instruments(value: &toml::Value) -> Result<Vec<Instrument>, SpecError> {
    let shape = || invalid("instruments", "ska vara delavtal skrivna som [[instruments]] med slug och title");
    let toml::Value::Array(items) = value else { return Err(shape()) };
    if items.is_empty() {
        return Err(invalid(
            "instruments",
            "ett avtal har minst ett delavtal; ta bort nyckeln för ett enda (\"avtal\")",
        ));
    }
    let mut out: Vec<Instrument> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let toml::Value::Table(t) = item else { return Err(shape()) };
        let prefix = format!("instruments[{}].", i + 1);
        let unknown: Vec<&str> = t.keys().map(String::as_str).filter(|k| !INSTRUMENT_KEYS.contains(k)).collect();
        if !unknown.is_empty() {
            return Err(unknown_keys(&prefix, &unknown, &INSTRUMENT_KEYS));
        }
        let key = |k: &str| format!("{prefix}{k}");
        let text = |k: &str| -> Result<String, SpecError> {
            match t.get(k) {
                Some(toml::Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
                Some(toml::Value::String(_)) => Err(invalid(&key(k), "är tom")),
                Some(_) => Err(invalid(&key(k), "ska vara en text inom citattecken")),
                None => Err(invalid(&key(k), "saknas; varje delavtal har slug och title")),
            }
        };
        let slug = parse_slug(&text("slug")?).map_err(|m| invalid(&key("slug"), m))?;
        let title = text("title")?;
        check_title(&key("title"), &title)?;
        if out.iter().any(|o| o.slug == slug) {
            return Err(invalid(&key("slug"), format!("delavtalet \"{slug}\" står två gånger")));
        }
        out.push(Instrument { slug, title });
    }
    Ok(out)
}

/// Looks the file's parties up in the registry: the county's municipalities (narrowed to the
/// subregion), its region unless `region = false`, and the codes in `parties`.
///
/// Gotland: Region Gotland (09) is Gotland Municipality (0980) under another name, one body
/// deciding in KF (the registry says so in `same_body_as`). A county-09 agreement has the one
/// party 0980, and no separate region to require.
pub fn resolve(conn: &mut DbConn, file: &AgreementFile) -> Result<NewAgreement, SpecError> {
    let mut codes: BTreeSet<String> = BTreeSet::new();
    let mut region_is_municipality = None;
    if let Some(county) = &file.county {
        let rows: Vec<(String, String, Option<String>)> = parties::table
            .filter(parties::county_code.eq(county))
            .select((parties::code, parties::kind, parties::subregion))
            .order(parties::code.asc())
            .load(conn)?;
        if rows.is_empty() {
            return Err(invalid("county", format!("det finns inget län med koden \"{county}\" i registret")));
        }
        let municipalities: Vec<&(String, String, Option<String>)> =
            rows.iter().filter(|r| PartyKind::parse(&r.1) == Some(PartyKind::Municipality)).collect();
        let chosen: Vec<&String> = match &file.subregion {
            None => municipalities.iter().map(|r| &r.0).collect(),
            Some(sub) => {
                let chosen: Vec<&String> = municipalities
                    .iter()
                    .filter(|r| r.2.as_deref().is_some_and(|s| s.to_lowercase() == sub.to_lowercase()))
                    .map(|r| &r.0)
                    .collect();
                if chosen.is_empty() {
                    let known: BTreeSet<&str> = municipalities.iter().filter_map(|r| r.2.as_deref()).collect();
                    let known = if known.is_empty() {
                        format!("registret har inga delregioner för län {county}")
                    } else {
                        format!("delregionerna i län {county} är {}", known.into_iter().collect::<Vec<_>>().join(", "))
                    };
                    return Err(invalid(
                        "subregion",
                        format!("ingen kommun i län {county} hör till \"{sub}\"; {known}"),
                    ));
                }
                chosen
            }
        };
        codes.extend(chosen.into_iter().cloned());
        if file.region.unwrap_or(true) {
            let region = rows.iter().find(|r| PartyKind::parse(&r.1) == Some(PartyKind::Region));
            match region {
                None => return Err(invalid("region", format!("registret har ingen region för län {county}"))),
                Some((code, _, _)) => match crate::parties::seed::same_body_as(code) {
                    Some(municipality) => {
                        codes.insert(municipality.to_string());
                        region_is_municipality = Some((code.clone(), municipality.to_string()));
                    }
                    None => {
                        codes.insert(code.clone());
                    }
                },
            }
        }
    }
    if !file.parties.is_empty() {
        let found: Vec<(String, String)> = parties::table
            .filter(parties::code.eq_any(&file.parties))
            .select((parties::code, parties::kind))
            .load(conn)?;
        for code in &file.parties {
            if !found.iter().any(|(c, _)| c == code) {
                return Err(invalid("parties", format!("det finns ingen part med koden \"{code}\" i registret")));
            }
            if let Some(municipality) = crate::parties::seed::same_body_as(code) {
                return Err(invalid(
                    "parties",
                    format!(
                        "\"{code}\" och \"{municipality}\" är samma organisation, som beslutar i kommunfullmäktige; \
                         ange bara \"{municipality}\""
                    ),
                ));
            }
            codes.insert(code.clone());
        }
    }
    let kinds: Vec<(String, String)> = if codes.is_empty() {
        Vec::new()
    } else {
        parties::table.filter(parties::code.eq_any(&codes)).select((parties::code, parties::kind)).load(conn)?
    };
    let has_region = kinds.iter().any(|(_, k)| PartyKind::parse(k) == Some(PartyKind::Region));
    let region_required = match file.region_required {
        None => has_region,
        Some(true) if !has_region => {
            let message = match &region_is_municipality {
                Some((region, municipality)) => format!(
                    "region {region} är samma organisation som kommunen {municipality}, vars beslut i \
                     kommunfullmäktige också är regionens; det finns ingen separat region att kräva (ta bort \
                     nyckeln eller ange false)"
                ),
                None => "regionen krävs, men avtalet har ingen region bland sina parter (ange county, eller \
                         regionens kod i parties)"
                    .to_string(),
            };
            return Err(invalid("region_required", message));
        }
        Some(b) => b,
    };
    Ok(NewAgreement {
        slug: file.slug.clone(),
        title: file.title.clone(),
        short_title: file.short_title.clone(),
        starts_on: file.starts_on,
        decision_period_ends_on: file.decision_period_ends_on,
        rules: RuleConfig {
            majority_threshold: file.majority,
            region_required,
            legal_force_required: file.legal_force_required,
            appeal_period_days: file.appeal_period_days,
        },
        instruments: file.instruments.clone(),
        parties: codes.into_iter().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_words_joined_by_hyphens() {
        assert_eq!(parse_slug("hos-2027").as_deref(), Ok("hos-2027"));
        for bad in ["", "-a", "a-", "Hos", "a b", "å", &"a".repeat(65)] {
            assert!(parse_slug(bad).is_err(), "{bad:?}");
        }
    }

    const FIVE_LINES: &str = "slug = \"hos-skane-2028\"\n\
        title = \"Hälso- och sjukvårdsavtal mellan Region Skåne och kommunerna i Skåne\"\n\
        starts_on = 2028-01-01\n\
        county = \"12\"\n\
        majority = \"more_than_half\"\n";

    #[test]
    fn five_lines_are_enough_and_the_rest_has_defaults() {
        let f = parse(FIVE_LINES).unwrap();
        assert_eq!(f.slug, "hos-skane-2028");
        assert_eq!(f.short_title, f.title);
        assert_eq!(f.starts_on, NaiveDate::from_ymd_opt(2028, 1, 1).unwrap());
        assert_eq!(f.decision_period_ends_on, NaiveDate::from_ymd_opt(2027, 12, 31).unwrap());
        assert_eq!(f.county.as_deref(), Some("12"));
        assert_eq!(f.majority, Threshold::MORE_THAN_HALF);
        assert_eq!((f.region, f.region_required, f.legal_force_required), (None, None, false));
        assert_eq!(f.appeal_period_days, 21);
        assert_eq!(f.instruments, vec![Instrument { slug: "avtal".into(), title: f.title.clone() }]);
    }

    #[test]
    fn dates_as_text_and_the_swedish_majority_are_accepted() {
        let text =
            FIVE_LINES.replace("2028-01-01", "\"2028-01-01\"").replace("\"more_than_half\"", "\"mer än hälften\"");
        let f = parse(&text).unwrap();
        assert_eq!(f.starts_on, NaiveDate::from_ymd_opt(2028, 1, 1).unwrap());
        assert_eq!(f.majority, Threshold::MORE_THAN_HALF);
        let f = parse(&FIVE_LINES.replace("\"more_than_half\"", "10")).unwrap();
        assert_eq!(f.majority, Threshold::Count(10));
    }

    #[test]
    fn every_error_names_its_key_in_swedish() {
        let cases: &[(&str, &str)] = &[
            ("slug = \"Skåne\"", "slug:"),
            ("titel = \"x\"", "titel: okänd nyckel"),
            ("starts_on = 2028-02-30", "rad 3"),
            ("starts_on = \"2028-13-01\"", "starts_on:"),
            ("starts_on = 2028-01-01T10:00:00", "starts_on:"),
            ("county = 12", "county: ska vara en text"),
            ("county = \"Skåne\"", "county:"),
            ("majority = \"flertalet\"", "majority:"),
            ("majority = 0", "majority:"),
            ("region = \"ja\"", "region: ska vara true eller false"),
            ("appeal_period_days = 0", "appeal_period_days:"),
            ("parties = [1480]", "parties:"),
            ("parties = [\"148\"]", "\"148\""),
            ("legal_force_required = 1", "legal_force_required:"),
            ("decision_period_ends_on = 2029-01-01", "decision_period_ends_on:"),
            ("instruments = []", "instruments:"),
            ("[[instruments]]\nslug = \"a\"\nrubrik = \"b\"", "instruments[1].rubrik: okänd nyckel"),
            ("[[instruments]]\nslug = \"a\"", "instruments[1].title: saknas"),
        ];
        for (line, expected) in cases {
            let text = format!("{FIVE_LINES}{line}\n");
            // A key given twice is TOML's error; replace the five-line key instead.
            let key = line.split(['=', '\n']).next().unwrap().trim();
            let text = if FIVE_LINES.lines().any(|l| l.starts_with(&format!("{key} ="))) {
                FIVE_LINES
                    .lines()
                    .map(|l| if l.starts_with(&format!("{key} =")) { (*line).to_string() } else { l.to_string() })
                    .collect::<Vec<_>>()
                    .join("\n")
            } else {
                text
            };
            let err = parse(&text).expect_err(line).to_string();
            assert!(err.contains(expected), "{line}: {err}");
            assert!(!err.contains("expected") && !err.contains("invalid"), "English in {err}");
        }
        let err = parse("slug = \"a\"\ntitle = \"b\"\n").unwrap_err().to_string();
        assert_eq!(err, "starts_on: saknas; den måste anges");
        let err = parse(&format!("{FIVE_LINES}farg = 1\nform = 2\n")).unwrap_err().to_string();
        assert!(err.starts_with("farg, form: okända nycklar"), "{err}");
        let err = parse("slug = \"a\"\ntitle = Avtal om hjälpmedel\n").unwrap_err().to_string();
        assert!(err.contains("rad 2") && err.contains("nyckeln title"), "{err}");
    }
}
