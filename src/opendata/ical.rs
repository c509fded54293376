//! GET /kalender.ics: the planned KF/RF meetings that will decide on the agreement, as an
//! iCalendar file (RFC 5545) to subscribe to: one all-day event per party whose latest
//! `scheduled` event names a meeting date from today on (see `Snapshot::next_planned_on`).
//! Meetings that have passed leave the calendar; what was decided is in the feed and the CSV.
//!
//! Written by hand: the format is small, and the three rules that matter are kept here — CRLF
//! line ends, lines folded at 75 octets, TEXT values escaped.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Days, NaiveDate, Utc};

use super::{date_sv, host_of, OpenDataError};
use crate::events::Event;
use crate::http_cache::{self, CacheKey, Rendered};
use crate::ratification::PartyKind;
use crate::snapshot::Snapshot;
use crate::views::planned;
use crate::web_address::public_base_url;
use crate::AppState;

pub async fn get(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, OpenDataError> {
    let base = public_base_url(&req, &state);
    let part = super::part_param(req.query_string())?;
    let key = CacheKey::new(req.path(), &[("base", &base), ("part", part.as_deref().unwrap_or(""))]);
    let today = crate::clock::today();
    let place = crate::public::place::Place::of(&req, &state).await?;
    let prefix = place.prefix.clone();
    http_cache::cached_keyed(&req, &state, &place.agreement, key, move |snapshot| {
        let only = match &part {
            Some(code) => Some(super::party_named(snapshot, code, &prefix)?.code.clone()),
            None => None,
        };
        let host = host_of(&base);
        Ok(render_for(snapshot, only.as_deref(), today, &format!("{base}{prefix}"), &host))
    })
    .await
}

/// The stable UID of the calendar event made from a `scheduled` event.
pub fn uid(host: &str, agreement_slug: &str, event_id: i32) -> String {
    format!("{agreement_slug}-handelse-{event_id}@{host}")
}

/// The calendar of every party, or of `only` (`?part=CODE`: one party's planned meetings).
/// `base` is where the agreement's pages are (the site's address, and `/avtal/{slug}` there).
pub fn render_for(snapshot: &Snapshot, only: Option<&str>, today: NaiveDate, base: &str, host: &str) -> Rendered {
    let mut cal = Calendar::default();
    cal.line("BEGIN:VCALENDAR");
    cal.line("VERSION:2.0");
    // The product identifier names the software, not the agreement: kept as it always was.
    cal.line("PRODID:-//ratify//Halso- och sjukvardsavtalet//SV");
    cal.line("CALSCALE:GREGORIAN");
    cal.line("METHOD:PUBLISH");
    let agreement_name = lower_first(&snapshot.agreement.short_title);
    let name = match only.and_then(|code| snapshot.parties.iter().find(|p| p.code == code)) {
        Some(party) => format!("Planerade beslut om {agreement_name}: {}", party.name),
        None => format!("Planerade beslut om {agreement_name}"),
    };
    cal.text("NAME", &name);
    // The name calendar apps show: a demo database's says so.
    cal.text("X-WR-CALNAME", &crate::demo::banner::calendar_name(&name));
    cal.line("REFRESH-INTERVAL;VALUE=DURATION:PT1H");
    cal.line("X-PUBLISHED-TTL:PT1H");
    for party in snapshot.parties.iter().filter(|p| only.is_none_or(|code| p.code == code)) {
        let Some(planned_on) = snapshot.next_planned_on(&party.code, today) else { continue };
        let Some(event) = standing_scheduled(snapshot, &party.code, planned_on, today) else { continue };
        let assembly = match party.kind {
            PartyKind::Municipality => "Kommunfullmäktige",
            PartyKind::Region => "Regionfullmäktige",
        };
        let url = format!("{base}/parter/{}", party.code);
        let mut description = format!(
            "{assembly} i {} planerar att den {} besluta om avtalet: {}.",
            party.name,
            date_sv(planned_on),
            snapshot.agreement.title
        );
        // Too late to apply from the start: said in both, so a calendar showing only one says it.
        let late = planned::after_start(planned_on, snapshot.agreement.starts_on);
        let late_note = if late { planned::after_start_note(snapshot.agreement.starts_on) } else { String::new() };
        if late {
            description.push_str(&format!(
                " Mötet är efter avtalsstarten {}: avtalet kan då inte gälla för {} från start.",
                date_sv(snapshot.agreement.starts_on),
                party.name
            ));
        }
        if let Some(reference) = &event.reference {
            description.push_str(&format!(" Ärende: {reference}."));
        }
        description.push_str(&format!("\nLäget för {}: {url}", party.name));
        cal.line("BEGIN:VEVENT");
        cal.text("UID", &uid(host, &snapshot.agreement.slug, event.id));
        cal.line(&format!("DTSTAMP:{}", utc_stamp(event.recorded_at)));
        cal.line(&format!("DTSTART;VALUE=DATE:{}", planned_on.format("%Y%m%d")));
        let end = planned_on.checked_add_days(Days::new(1)).unwrap_or(planned_on);
        cal.line(&format!("DTEND;VALUE=DATE:{}", end.format("%Y%m%d")));
        cal.text("SUMMARY", &format!("{assembly} i {} beslutar om {}{late_note}", party.name, summary_name(snapshot)));
        cal.text("DESCRIPTION", &description);
        cal.line(&format!("URL:{url}"));
        cal.line("TRANSP:TRANSPARENT");
        cal.line("END:VEVENT");
    }
    cal.line("END:VCALENDAR");
    Rendered::new("text/calendar; charset=utf-8", cal.out)
}

/// The `scheduled` event behind `Snapshot::next_planned_on` (the same choice: the latest
/// recorded one that is not corrected).
fn standing_scheduled<'a>(
    snapshot: &'a Snapshot,
    code: &'a str,
    planned_on: NaiveDate,
    today: NaiveDate,
) -> Option<&'a Event> {
    snapshot
        .events_of(code)
        .filter(|e| e.status == crate::ratification::Status::Scheduled && snapshot.corrected_by(e.id).is_none())
        .filter(|e| e.effective_on() <= today)
        .max_by_key(|e| (e.recorded_at, e.id))
        .filter(|e| e.planned_on == Some(planned_on))
}

/// "Hälso- och sjukvårdsavtalet" as running text: "hälso- och sjukvårdsavtalet". A title
/// starting with an abbreviation ("VG-avtalet") keeps its capitals.
fn lower_first(title: &str) -> String {
    let mut chars = title.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => {
            first.to_lowercase().chain(std::iter::once(second)).chain(chars).collect()
        }
        _ => title.to_string(),
    }
}

/// The agreement in a calendar event's one-line summary: hos-2027 by the abbreviation readers
/// know it by, any other by its short title.
fn summary_name(snapshot: &Snapshot) -> String {
    snapshot.agreement.definite_abbreviation().unwrap_or_else(|| lower_first(&snapshot.agreement.short_title))
}

fn utc_stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Content lines, CRLF-terminated and folded.
#[derive(Default)]
struct Calendar {
    out: String,
}

impl Calendar {
    /// A property with a TEXT value, escaped.
    fn text(&mut self, name: &str, value: &str) {
        self.line(&format!("{name}:{}", escape_text(value)));
    }

    fn line(&mut self, line: &str) {
        fold_into(&mut self.out, line);
    }
}

/// RFC 5545 §3.3.11: backslash, semicolon, comma and newline are escaped in TEXT.
pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// RFC 5545 §3.1: lines of at most 75 octets (CRLF excluded); a longer one continues on the next
/// line after a single space. Never splits a UTF-8 character.
fn fold_into(out: &mut String, line: &str) {
    const LIMIT: usize = 75;
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > LIMIT {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_demo_calendar_is_named_by_the_mark_on_one_line() {
        let snapshot = crate::snapshot::tests::snapshot_with_events(1);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).expect("date");
        let render = || {
            let r = render_for(&snapshot, None, today, "https://x.example", "x.example");
            String::from_utf8(r.body.to_vec()).expect("utf-8")
        };
        let real = render();
        let demo = crate::demo::banner::rendering(true, render);
        let line = "X-WR-CALNAME:Exempeldata – inte verkliga beslut (planerade beslut)\r\n";
        assert!(demo.contains(&format!("\r\n{line}")), "{demo}");
        assert!(!real.contains("Exempeldata"));
        // Only the calendar's name differs; the real one's (perhaps folded) is replaced whole.
        let name_at = real.find("\r\nX-WR-CALNAME:").expect("name") + 2;
        let name_end = name_at + real[name_at..].find("\r\nREFRESH-INTERVAL").expect("next") + 2;
        assert_eq!(demo, format!("{}{line}{}", &real[..name_at], &real[name_end..]));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape_text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "å".repeat(100));
        fold_into(&mut out, &line);
        assert!(out.ends_with("\r\n"));
        let physical: Vec<&str> = out.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(physical.len() > 1);
        for (i, l) in physical.iter().enumerate() {
            assert!(l.len() <= 75, "line {i} has {} octets", l.len());
            if i > 0 {
                assert!(l.starts_with(' '));
            }
        }
        let unfolded: String = physical.iter().enumerate().map(|(i, l)| if i == 0 { *l } else { &l[1..] }).collect();
        assert_eq!(unfolded, line);
    }
}
