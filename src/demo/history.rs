//! The fictional history `ratify demo` records: who decided what, and when. Plain data plus a few
//! date rules, no randomness, so the resulting status is the same on every run (tests assert it).
//!
//! Shape, for the 49 municipalities: 30 adopted (one after a rejection it later reversed, one after
//! an återremiss — referred back —, one after a bordläggning — tabled), 1 that adopted the
//! agreement but rejected one överenskommelse, 2 referred back, 1 tabled, 5 with a KF meeting
//! planned ahead of today, 3 with a KS proposal, 3 in preparation, 4 not started. The region
//! adopts in RF.

use chrono::{Days, NaiveDate};

use crate::events::validate::RawEvent;

/// One event to record for one party.
pub struct DemoEvent {
    pub party: &'static str,
    pub raw: RawEvent,
}

/// The municipalities that adopt after a KS proposal, in the order of their KS meetings.
pub const ADOPTING: [&str; 27] = [
    "1480", "1481", "1401", "1402", "1482", "1490", "1485", "1488", "1487", "1489", "1496", "1494", "1441", "1440",
    "1415", "1419", "1421", "1407", "1463", "1491", "1493", "1499", "1495", "1470", "1471", "1452", "1443",
];
/// Rejected in KF in November 2025, adopted in March 2026 after a new proposal.
pub const REVERSED: &str = "1484";
/// Referred back (återremiss) in December 2025, adopted in February 2026.
pub const REFERRED_THEN_ADOPTED: &str = "1486";
/// Tabled (bordläggning) in January 2026, adopted in the next meeting.
pub const TABLED_THEN_ADOPTED: &str = "1497";
/// Adopted the agreement and three överenskommelser, rejected the one on hjälpmedel.
pub const PARTLY_REJECTING: &str = "1446";
pub const REJECTED_INSTRUMENT: &str = "ok-hjalpmedel";
/// Referred back, nothing since.
pub const REFERRED_BACK: [&str; 2] = ["1435", "1461"];
/// Tabled, nothing since.
pub const TABLED: [&str; 1] = ["1472"];
/// A KF meeting planned ahead of today (days from today).
pub const SCHEDULED: [(&str, u64); 5] = [("1427", 12), ("1430", 19), ("1444", 26), ("1445", 33), ("1498", 47)];
/// KS has proposed adoption; no KF date yet.
pub const PROPOSED: [&str; 3] = ["1438", "1439", "1442"];
/// The administration prepares the matter.
pub const IN_PREPARATION: [&str; 3] = ["1460", "1462", "1465"];
// Not started: 1447, 1466, 1473, 1492 (no events).

pub const REGION: &str = "14";
const HOST: &str = "https://demo.ratify.example/protokoll";

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    // The dates below are literals; an invalid one is a programming error caught by the tests.
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn plus(d: NaiveDate, days: u64) -> NaiveDate {
    d.checked_add_days(Days::new(days)).unwrap_or(d)
}

fn raw(status: &str, body: &str) -> RawEvent {
    RawEvent { status: Some(status.into()), body: Some(body.into()), ..RawEvent::default() }
}

/// A decision taken at a meeting: `decided_on`, `§` reference, minutes, notice-board date
/// (justering about four days after the meeting, anslag the day after).
fn decision(code: &str, status: &str, body: &str, on: NaiveDate, paragraph: u32) -> RawEvent {
    let mut e = raw(status, body);
    e.decided_on = Some(on.to_string());
    e.reference = Some(format!("{body} § {paragraph}"));
    e.protocol_url = Some(format!("{HOST}/{code}/{}-{on}.pdf", body.to_lowercase()));
    e.posted_on = Some(plus(on, 6).to_string());
    e
}

fn paragraph(i: usize) -> u32 {
    // Plausible paragraph numbers, varying by party.
    u32::try_from(17 + (i * 37) % 180).unwrap_or(17)
}

/// Every event, in the order to record them. `today` places the planned meetings ahead of it.
pub fn events(today: NaiveDate) -> Vec<DemoEvent> {
    let mut out = Vec::new();
    let mut push = |party: &'static str, raw: RawEvent| out.push(DemoEvent { party, raw });

    // The region first: RS proposes in February, RF adopts in March 2026.
    push(REGION, decision(REGION, "proposed", "RS", date(2026, 2, 10), 21));
    push(REGION, decision(REGION, "adopted", "RF", date(2026, 3, 17), 45));

    // KS meetings every week from 8 September 2025; KF three weeks later.
    let first_ks = date(2025, 9, 8);
    for (i, &code) in ADOPTING.iter().enumerate() {
        let ks = plus(first_ks, 7 * i as u64);
        push(code, decision(code, "proposed", "KS", ks, paragraph(i)));
        push(code, decision(code, "adopted", "KF", plus(ks, 22), paragraph(i + 50)));
    }

    push(REVERSED, decision(REVERSED, "proposed", "KS", date(2025, 10, 20), 112));
    let mut no = decision(REVERSED, "rejected", "KF", date(2025, 11, 11), 140);
    no.note = Some("Fullmäktige avslog förslaget med röstsiffrorna 26–25.".into());
    push(REVERSED, no);
    push(REVERSED, decision(REVERSED, "proposed", "KS", date(2026, 2, 16), 31));
    let mut yes = decision(REVERSED, "adopted", "KF", date(2026, 3, 10), 45);
    yes.note = Some("Nytt beslut efter förtydliganden om hjälpmedelsansvaret; avslaget i november upphävt.".into());
    push(REVERSED, yes);

    let code = REFERRED_THEN_ADOPTED;
    push(code, decision(code, "proposed", "KS", date(2025, 11, 24), 201));
    let mut back = decision(code, "referred_back", "KF", date(2025, 12, 15), 230);
    back.note = Some("Återremitterat för en konsekvensanalys av kostnaderna.".into());
    push(code, back);
    push(code, decision(code, "adopted", "KF", date(2026, 2, 23), 18));

    let code = TABLED_THEN_ADOPTED;
    push(code, decision(code, "proposed", "KS", date(2025, 12, 8), 176));
    let mut tabled = decision(code, "tabled", "KF", date(2026, 1, 26), 9);
    tabled.note = Some("Bordlagt till nästa sammanträde.".into());
    push(code, tabled);
    push(code, decision(code, "adopted", "KF", date(2026, 2, 23), 27));

    let code = PARTLY_REJECTING;
    push(code, decision(code, "proposed", "KS", date(2026, 3, 30), 58));
    let kf = date(2026, 4, 20);
    let mut adopted = decision(code, "adopted", "KF", kf, 61);
    adopted.instruments = Some(
        ["avtal", "ok-psykisk-funktionsnedsattning", "ok-barn-och-unga", "ok-utskrivning"].map(String::from).to_vec(),
    );
    push(code, adopted);
    let mut rejected = decision(code, "rejected", "KF", kf, 62);
    rejected.instruments = Some(vec![REJECTED_INSTRUMENT.to_string()]);
    rejected.note = Some("Överenskommelsen om hjälpmedel avslogs; övriga delar antogs (§ 61).".into());
    push(code, rejected);

    for (i, &code) in REFERRED_BACK.iter().enumerate() {
        let ks = plus(date(2026, 3, 2), 14 * i as u64);
        push(code, decision(code, "proposed", "KS", ks, paragraph(i + 90)));
        let mut back = decision(code, "referred_back", "KF", plus(ks, 29), paragraph(i + 120));
        back.note = Some("Återremitterat: fullmäktige vill se avtalets effekter på hemsjukvården.".into());
        push(code, back);
    }
    for &code in &TABLED {
        push(code, decision(code, "proposed", "KS", date(2026, 4, 13), 77));
        push(code, decision(code, "tabled", "KF", date(2026, 5, 11), 88));
    }
    for (i, &(code, ahead)) in SCHEDULED.iter().enumerate() {
        push(code, decision(code, "proposed", "KS", plus(date(2026, 4, 27), 7 * i as u64), paragraph(i + 140)));
        let mut planned = raw("scheduled", "KF");
        planned.planned_on = Some(plus(today, ahead).to_string());
        planned.note = Some("Ärendet står på fullmäktiges preliminära föredragningslista.".into());
        push(code, planned);
    }
    for (i, &code) in PROPOSED.iter().enumerate() {
        push(code, decision(code, "proposed", "KS", plus(date(2026, 5, 4), 7 * i as u64), paragraph(i + 160)));
    }
    for &code in &IN_PREPARATION {
        let mut prep = raw("in_preparation", "KS");
        prep.note = Some("Tjänsteskrivelse under arbete.".into());
        push(code, prep);
    }
    out
}

/// The second, fictional agreement `ratify demo` defines: docs/avtal-fyrbodal.toml (Fyrbodal's 14
/// municipalities, no region, 10 must adopt, decisions count only with legal force).
pub const SECOND_AGREEMENT_FILE: &str = include_str!("../../docs/avtal-fyrbodal.toml");

/// Adopted long enough ago that the appeal period has run out (laga kraft).
pub const SECOND_IN_FORCE: [&str; 7] = ["1421", "1427", "1430", "1438", "1439", "1460", "1484"];
/// Adopted twelve days ago; the notice went up six days ago, so no legal force yet.
pub const SECOND_RECENT: [&str; 2] = ["1485", "1486"];
pub const SECOND_REJECTED: &str = "1461";
pub const SECOND_PROPOSED: &str = "1492";
pub const SECOND_IN_PREPARATION: &str = "1435";
// Not started: 1487, 1488.

fn minus(d: NaiveDate, days: u64) -> NaiveDate {
    d.checked_sub_days(Days::new(days)).unwrap_or(d)
}

/// The second agreement's history, every date counted back from `today` so that it is always
/// in the past and the legal force of the two recent adoptions is always still pending.
pub fn second_events(today: NaiveDate) -> Vec<DemoEvent> {
    let mut out = Vec::new();
    let mut push = |party: &'static str, raw: RawEvent| out.push(DemoEvent { party, raw });
    for (i, &code) in SECOND_IN_FORCE.iter().enumerate() {
        let ks = minus(today, 150 - 7 * i as u64);
        push(code, decision(code, "proposed", "KS", ks, paragraph(i + 20)));
        push(code, decision(code, "adopted", "KF", plus(ks, 21), paragraph(i + 70)));
    }
    for (i, &code) in SECOND_RECENT.iter().enumerate() {
        push(code, decision(code, "proposed", "KS", minus(today, 40), paragraph(i + 30)));
        push(code, decision(code, "adopted", "KF", minus(today, 12), paragraph(i + 80)));
    }
    push(SECOND_REJECTED, decision(SECOND_REJECTED, "proposed", "KS", minus(today, 70), 64));
    let mut no = decision(SECOND_REJECTED, "rejected", "KF", minus(today, 50), 91);
    no.note = Some("Fullmäktige vill behålla den egna hjälpmedelsverksamheten.".into());
    push(SECOND_REJECTED, no);
    push(SECOND_PROPOSED, decision(SECOND_PROPOSED, "proposed", "KS", minus(today, 20), 140));
    let mut prep = raw("in_preparation", "KS");
    prep.note = Some("Kostnadsfördelningen utreds.".into());
    push(SECOND_IN_PREPARATION, prep);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_history_is_in_the_past_and_covers_fyrbodal_once_each() {
        let today = date(2026, 12, 2);
        let file = crate::agreement::spec::parse(SECOND_AGREEMENT_FILE).expect("the example file parses");
        assert!(file.slug.starts_with("exempel-") && file.title.starts_with("Exempel:"));
        let mut codes: Vec<&str> = SECOND_IN_FORCE.to_vec();
        codes.extend(SECOND_RECENT);
        codes.extend([SECOND_REJECTED, SECOND_PROPOSED, SECOND_IN_PREPARATION]);
        let n = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(n + 2, 14, "with the two not started, once each");
        assert_eq!(codes.len(), n);
        for e in second_events(today) {
            for d in [&e.raw.decided_on, &e.raw.posted_on].into_iter().flatten() {
                assert!(d.parse::<NaiveDate>().expect("date") < today, "{} on {d}", e.party);
            }
        }
    }

    #[test]
    fn covers_49_municipalities_once_each_and_stays_in_the_period() {
        let mut codes: Vec<&str> = ADOPTING.to_vec();
        codes.extend([REVERSED, REFERRED_THEN_ADOPTED, TABLED_THEN_ADOPTED, PARTLY_REJECTING]);
        codes.extend(REFERRED_BACK);
        codes.extend(TABLED);
        codes.extend(SCHEDULED.iter().map(|(c, _)| *c));
        codes.extend(PROPOSED);
        codes.extend(IN_PREPARATION);
        let n = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), n, "a municipality appears twice");
        assert_eq!(n + 4, 49, "with the four not started");
        let today = date(2026, 11, 26);
        for e in events(today) {
            if let Some(d) = &e.raw.decided_on {
                let d: NaiveDate = d.parse().expect("date");
                assert!(d >= date(2025, 9, 1) && d <= date(2026, 5, 31), "{} decided {d}", e.party);
            }
            if let Some(p) = &e.raw.planned_on {
                assert!(p.parse::<NaiveDate>().expect("date") > today);
            }
        }
    }
}
