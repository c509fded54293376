//! The CSV format of the event import and export (documented in the README, "Import och export").
//!
//! Export writes UTF-8 with a byte-order mark, `;` between fields and CRLF line ends, which is what
//! Swedish Excel reads and writes. Import reads UTF-8 (with or without the mark) or Windows-1252,
//! with `;` or `,` between fields (chosen from the header line), and columns in any order,
//! named as in [`COLUMNS`].

use std::collections::HashMap;

use crate::events::validate::RawEvent;
use crate::events::Event;
use crate::ratification::Status;

/// The columns, in export order. `avtal` (the agreement's slug) comes last, so files made before
/// there were several agreements keep their columns where they were.
pub const COLUMNS: [&str; 15] = [
    "event_id",
    "party_code",
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
    "recorded_by",
    "recorded_at",
    AGREEMENT_COLUMN,
];

/// The column naming the agreement of a row; missing or empty means the featured agreement.
pub const AGREEMENT_COLUMN: &str = "avtal";

/// Swedish column names an import accepts beside the export's, as editors name them in their own
/// spreadsheets: (Swedish, export name).
pub const SWEDISH_COLUMNS: [(&str, &str); 11] = [
    ("kommunkod", "party_code"),
    ("status", "status"),
    ("organ", "body"),
    ("beslutsdatum", "decided_on"),
    ("planerat", "planned_on"),
    ("paragraf", "reference"),
    ("protokoll", "protocol_url"),
    ("anslag", "posted_on"),
    ("anteckning", "note"),
    ("rättar", "corrects"),
    (AGREEMENT_COLUMN, AGREEMENT_COLUMN),
];

/// The export name of a header, Swedish or not (already lower-case).
fn column_of(header: &str) -> Option<&'static str> {
    COLUMNS
        .iter()
        .find(|c| **c == header)
        .copied()
        .or_else(|| SWEDISH_COLUMNS.iter().find(|(sv, _)| *sv == header).map(|(_, c)| *c))
}

/// The Swedish name of a column for messages (the export name when it has none).
pub fn swedish_column(column: &str) -> &str {
    SWEDISH_COLUMNS.iter().find(|(_, c)| *c == column).map_or(column, |(sv, _)| sv)
}

/// Columns an import must have.
pub const REQUIRED: [&str; 2] = ["party_code", "status"];
/// Columns export writes for information; an import reads past them (the importer and the import
/// time are recorded instead).
pub const IGNORED_ON_IMPORT: [&str; 2] = ["recorded_by", "recorded_at"];

/// Characters that make a spreadsheet read a cell as a formula ("CSV injection").
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A free-text cell for a spreadsheet: one that would start a formula gets a leading `'`, which
/// Excel shows as text (so does one that already starts with `'`, to keep it apart). [`unguard`]
/// takes that `'` off again on import, so every value round-trips.
pub fn guard(s: &str) -> String {
    if s.starts_with(FORMULA_STARTS) || s.starts_with('\'') {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// Undoes [`guard`]: `'=…` → `=…`, `''…` → `'…`; everything else unchanged.
pub fn unguard(s: String) -> String {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) || rest.starts_with('\'') => rest.to_string(),
        _ => s,
    }
}

/// The text of an uploaded file: UTF-8 (a byte-order mark is dropped) or else Windows-1252.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

/// One data row of an import, as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    /// The row number as a spreadsheet shows it (the header is row 1).
    pub line: usize,
    /// The row's own id in the file (`event_id`), which `corrects` of a later row may name.
    pub event_id: Option<String>,
    pub party_code: String,
    /// The agreement's slug as written (`avtal`); None for the featured agreement.
    pub agreement: Option<String>,
    /// `corrects` as written: an `event_id` of an earlier row, or the id of a stored event.
    pub corrects: Option<String>,
    /// Everything else, ready for the shared validation (`corrects` is filled in later).
    pub raw: RawEvent,
}

/// Reads the rows of a file. An error here concerns the whole file (Swedish, ready to show).
pub fn parse(text: &str) -> Result<Vec<ImportRow>, String> {
    let first_line = text.lines().next().unwrap_or("");
    if first_line.trim().is_empty() {
        return Err(
            "Filen är tom eller saknar rubrikrad. Första raden ska ha kolumnnamnen, t.ex. party_code;status;….".into(),
        );
    }
    let delimiter = if first_line.matches(';').count() >= first_line.matches(',').count() { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("Rubrikraden kunde inte läsas: {e}"))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            continue;
        }
        let Some(known) = column_of(h) else {
            let swedish: Vec<&str> = SWEDISH_COLUMNS.iter().map(|(sv, _)| *sv).collect();
            return Err(format!(
                "Kolumnen \"{}\" är okänd. Kända kolumner: {} (eller som i exporten: {}).",
                h.chars().take(40).collect::<String>(),
                swedish.join(", "),
                COLUMNS.join(", ")
            ));
        };
        if index.insert(known, i).is_some() {
            return Err(format!("Kolumnen \"{h}\" finns två gånger i rubrikraden (under det namnet eller ett annat)."));
        }
    }
    let missing: Vec<&str> = REQUIRED.iter().filter(|c| !index.contains_key(**c)).copied().collect();
    if !missing.is_empty() {
        let named: Vec<String> = missing
            .iter()
            .map(|c| match SWEDISH_COLUMNS.iter().find(|(_, e)| e == c) {
                Some((sv, _)) if sv != c => format!("{sv} (eller {c})"),
                _ => c.to_string(),
            })
            .collect();
        return Err(format!("Kolumnen {} saknas i rubrikraden.", named.join(" och ")));
    }
    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let record = record.map_err(|e| format!("Rad {line} kunde inte läsas: {e}"))?;
        if record.iter().all(|f| f.trim().is_empty()) {
            continue; // Excel leaves empty rows like ";;;;" at the end.
        }
        let get = |col: &str| -> Option<String> {
            index.get(col).and_then(|i| record.get(*i)).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
        };
        let status = get("status").map(|s| status_code(&s));
        let instruments = get("instruments").map(|s| {
            s.split(|c: char| c == ',' || c == ';' || c == '|' || c.is_whitespace())
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        });
        rows.push(ImportRow {
            line,
            event_id: get("event_id"),
            party_code: get("party_code").unwrap_or_default(),
            agreement: get(AGREEMENT_COLUMN),
            corrects: get("corrects"),
            raw: RawEvent {
                status,
                body: get("body"),
                decided_on: get("decided_on"),
                planned_on: get("planned_on"),
                reference: get("reference").map(unguard),
                protocol_url: get("protocol_url"),
                posted_on: get("posted_on"),
                note: get("note").map(unguard),
                corrects: None,
                instruments: instruments.filter(|l| !l.is_empty()),
            },
        });
    }
    Ok(rows)
}

/// Other Swedish forms editors write for a status: the common gender ("avtalet är antaget",
/// "överenskommelsen är antagen") and the plain participle.
const STATUS_VARIANTS: [(&str, Status); 10] = [
    ("antagen", Status::Adopted),
    ("avslagen", Status::Rejected),
    ("återremitterad", Status::ReferredBack),
    ("återremiss", Status::ReferredBack),
    ("bordlagd", Status::Tabled),
    ("bordläggning", Status::Tabled),
    ("överklagad", Status::Appealed),
    ("föreslagen", Status::Proposed),
    ("planerat", Status::Scheduled),
    ("ej påbörjad", Status::NotStarted),
];

/// A status code, or a Swedish label ("Antaget", "antagen", any case) turned into its code;
/// anything else unchanged (validation then names it and lists the labels).
fn status_code(s: &str) -> String {
    let lower = s.trim().to_lowercase();
    Status::ALL
        .into_iter()
        .find(|st| st.code() == lower || st.label_sv().to_lowercase() == lower)
        .or_else(|| STATUS_VARIANTS.iter().find(|(v, _)| *v == lower).map(|(_, st)| *st))
        .map(|st| st.code().to_string())
        .unwrap_or_else(|| s.to_string())
}

/// The export: each event with its agreement's slug, in the order given (the order recorded).
pub fn write(events: &[(String, Event)]) -> Result<Vec<u8>, csv::Error> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(&mut out);
        w.write_record(COLUMNS)?;
        for (slug, e) in events {
            let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
            w.write_record([
                e.id.to_string(),
                e.party_code.clone(),
                e.status.code().to_string(),
                e.body.clone().unwrap_or_default(),
                date(e.decided_on),
                date(e.planned_on),
                guard(e.reference.as_deref().unwrap_or_default()),
                e.protocol_url.clone().unwrap_or_default(),
                date(e.posted_on),
                guard(e.note.as_deref().unwrap_or_default()),
                e.corrects.map(|c| c.to_string()).unwrap_or_default(),
                e.instruments.as_ref().map(|l| l.join(",")).unwrap_or_default(),
                guard(&e.recorded_by),
                crate::clock::rfc3339(e.recorded_at),
                slug.clone(),
            ])?;
        }
        w.flush()?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_and_utf8_with_bom_decode_alike() {
        let cp1252 = b"party_code;note\r\n1480;G\xf6teborg \xe5\xe4\r\n";
        assert_eq!(decode(cp1252), "party_code;note\r\n1480;Göteborg åä\r\n");
        let utf8 = "\u{feff}party_code;note\r\n1480;Göteborg åä\r\n";
        assert_eq!(decode(utf8.as_bytes()), "party_code;note\r\n1480;Göteborg åä\r\n");
    }

    #[test]
    fn either_delimiter_any_order_labels_and_blank_rows() {
        let rows = parse("Status,party_code,instruments\nAntaget,1480,\"avtal, ok-a\"\n,,\n").unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].party_code, "1480");
        assert_eq!(rows[0].raw.status.as_deref(), Some("adopted"));
        assert_eq!(rows[0].raw.instruments, Some(vec!["avtal".to_string(), "ok-a".to_string()]));
        assert_eq!(rows[0].agreement, None, "no avtal column: the featured agreement");
        let rows = parse("avtal;kommunkod;status\nfyrbodal;1430;Antaget\n;1480;Antaget\n").unwrap();
        assert_eq!(rows[0].agreement.as_deref(), Some("fyrbodal"));
        assert_eq!(rows[1].agreement, None, "an empty cell: the featured agreement");
        let rows = parse("party_code;status;note\n14;proposed;\"a; b\"\n1401;in_preparation;\n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].raw.note.as_deref(), Some("a; b"));
        assert_eq!(rows[1].line, 3);
    }

    #[test]
    fn swedish_headers_and_labels() {
        let text = "Kommunkod;Status;Organ;Beslutsdatum;Planerat;Paragraf;Protokoll;Anslag;Anteckning;Rättar\n\
                    1460;Antaget;KF;2026-11-25;;KF § 112;https://x.se/p.pdf;2026-11-30;Enhälligt;\n\
                    1462;ANTAGEN;KF;2026-11-24;;;;;;\n\
                    1401;återremitterad;KF;2026-11-02;;;;;;\n\
                    1402;Beslut planerat;KF;;2027-02-01;;;;;\n";
        let rows = parse(text).unwrap();
        let statuses: Vec<&str> = rows.iter().map(|r| r.raw.status.as_deref().unwrap()).collect();
        assert_eq!(statuses, ["adopted", "adopted", "referred_back", "scheduled"]);
        let r = &rows[0];
        assert_eq!((r.party_code.as_str(), r.line), ("1460", 2));
        assert_eq!(r.raw.body.as_deref(), Some("KF"));
        assert_eq!(r.raw.decided_on.as_deref(), Some("2026-11-25"));
        assert_eq!(r.raw.reference.as_deref(), Some("KF § 112"));
        assert_eq!(r.raw.protocol_url.as_deref(), Some("https://x.se/p.pdf"));
        assert_eq!(r.raw.posted_on.as_deref(), Some("2026-11-30"));
        assert_eq!(r.raw.note.as_deref(), Some("Enhälligt"));
        assert_eq!(rows[3].raw.planned_on.as_deref(), Some("2027-02-01"));
        // Unknown values pass through for validation to name.
        assert_eq!(parse("kommunkod;status\n1460;klart\n").unwrap()[0].raw.status.as_deref(), Some("klart"));
        // One column under two names is refused; a missing one is named in Swedish.
        assert!(parse("kommunkod;party_code;status\n1460;1460;Antaget\n").unwrap_err().contains("två gånger"));
        assert!(parse("status\nAntaget\n").unwrap_err().contains("kommunkod"));
        assert!(parse("kommun;status\n1460;Antaget\n").unwrap_err().contains("beslutsdatum"));
    }

    #[test]
    fn formulas_are_defused_and_round_trip() {
        assert_eq!(guard("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(guard("- punkt ett"), "'- punkt ett");
        assert_eq!(guard("KF § 45"), "KF § 45");
        for s in ["=1+1", "@SUM(A1)", "+46", "-", "'citat'", "'=x", "''", "vanlig text"] {
            assert_eq!(unguard(guard(s)), s);
        }
        let rows = parse("party_code;status;note\n1480;proposed;'=1+1\n").unwrap();
        assert_eq!(rows[0].raw.note.as_deref(), Some("=1+1"));
    }

    #[test]
    fn file_level_errors() {
        assert!(parse("").is_err());
        assert!(parse("party_code;bogus\n1480;x\n").unwrap_err().contains("bogus"));
        assert!(parse("party_code;note\n1480;x\n").unwrap_err().contains("status"));
    }
}
