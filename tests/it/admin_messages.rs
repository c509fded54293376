//! Issue 14, part 2: every message on a staff page names fields and statuses by the form's
//! Swedish labels, never by the API's codes. Each validation error is walked through the staff
//! form (and the correction form), and the visible text of the page is searched for codes.

use chrono::Days;
use ratify::accounts::Role;
use serde_json::json;

use crate::admin_party::latest_in;
use crate::admin_support::{user, Staff};
use crate::support::TestApp;

/// Field names and status codes of the API, which an editor never types.
const CODES: [&str; 22] = [
    "decided_on",
    "planned_on",
    "posted_on",
    "protocol_url",
    "corrects",
    "instruments",
    "note",
    "body",
    "reference",
    "latest",
    "party_code",
    "other",
    "not_started",
    "in_preparation",
    "scheduled",
    "proposed",
    "adopted",
    "rejected",
    "referred_back",
    "tabled",
    "appealed",
    "request",
];

/// The text a reader sees in the page's main content (tags and attributes left out).
fn visible_text(html: &str) -> String {
    let main = html.find("<main").map_or(html, |i| &html[i..]);
    let mut out = String::new();
    let mut in_tag = false;
    for c in main.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn assert_no_codes(case: &str, html: &str) {
    let text = visible_text(html);
    for word in text.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
        assert!(!CODES.contains(&word.to_lowercase().as_str()), "{case}: the page shows the code {word:?}: {text}");
    }
}

fn instruments(html: &str) -> Vec<String> {
    html.match_indices("name=\"instruments\" value=\"")
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

/// Sends the form with these fields (plus `latest` and every instrument unless given) and checks
/// the refusal: 422 (or `status`), the expected words present, no code shown.
async fn refused(s: &Staff, code: &str, case: &str, fields: &[(&str, &str)], expect: &[&str]) {
    let page = s.page(&format!("/admin/parter/{code}")).await;
    let latest = latest_in(&page);
    let insts = instruments(&page);
    let mut all: Vec<(&str, &str)> = Vec::new();
    if !fields.iter().any(|(k, _)| *k == "latest") {
        all.push(("latest", &latest));
    }
    if !fields.iter().any(|(k, _)| *k == "instruments" || *k == "no-instruments") {
        all.extend(insts.iter().map(|i| ("instruments", i.as_str())));
    }
    all.extend(fields.iter().filter(|(k, _)| *k != "no-instruments").copied());
    let resp = s.post(&format!("/admin/parter/{code}/handelser"), &all).await;
    let status = resp.status().as_u16();
    let html = resp.text().await.unwrap();
    assert!(status == 422 || status == 400, "{case}: {status} {html}");
    assert!(html.contains("inte sparad") || status == 400, "{case}: {html}");
    let text = visible_text(&html);
    for e in expect {
        assert!(text.contains(e), "{case}: the message should say {e:?}: {text}");
    }
    assert_no_codes(case, &html);
}

/// (what is wrong, the fields sent, words the message must use).
type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Vec<&'a str>);

async fn every_staff_form_error_is_in_swedish_labels(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let today = ratify::clock::today();
    let tomorrow = (today + Days::new(1)).to_string();
    let long_reference = "§".repeat(201);
    let long_url = format!("https://x.se/{}", "a".repeat(2000));
    let long_note = "x".repeat(4001);
    let m = "1480";
    let cases: Vec<Case> = vec![
        ("no status", vec![], vec!["Status", "Antaget"]),
        ("unknown status", vec![("status", "approved")], vec!["Status", "Beslut planerat", "Ej påbörjat"]),
        ("unknown body", vec![("status", "proposed"), ("body", "KFX")], vec!["Organ", "Annat organ"]),
        ("region body", vec![("status", "proposed"), ("body", "RF")], vec!["Organ", "Regionfullmäktige (RF)"]),
        (
            "adoption by the board",
            vec![("status", "adopted"), ("body", "KS"), ("decided_on", "2026-03-24")],
            vec!["Organ", "Kommunfullmäktige (KF)", "Kommunstyrelsen (KS)", "Föreslaget"],
        ),
        (
            "proposal by the assembly",
            vec![("status", "proposed"), ("body", "KF")],
            vec!["Organ", "Kommunstyrelsen (KS)"],
        ),
        ("adoption without date", vec![("status", "adopted"), ("body", "KF")], vec!["Beslutsdatum", "Antaget"]),
        ("rejection without date", vec![("status", "rejected")], vec!["Beslutsdatum", "Avslaget"]),
        ("referral without date", vec![("status", "referred_back")], vec!["Beslutsdatum", "Återremitterat"]),
        ("tabling without date", vec![("status", "tabled")], vec!["Beslutsdatum", "Bordlagt"]),
        (
            "decision in the future",
            vec![("status", "adopted"), ("decided_on", &tomorrow)],
            vec!["Beslutsdatum", "Beslut planerat", "Planerat sammanträde"],
        ),
        (
            "impossible date",
            vec![("status", "adopted"), ("decided_on", "2026-02-30")],
            vec!["Beslutsdatum", "ÅÅÅÅ-MM-DD"],
        ),
        ("schedule without date", vec![("status", "scheduled")], vec!["Planerat sammanträde", "Beslut planerat"]),
        ("bad planned date", vec![("status", "scheduled"), ("planned_on", "snart")], vec!["Planerat sammanträde"]),
        (
            "notice in the future",
            vec![("status", "proposed"), ("posted_on", &tomorrow)],
            vec!["Anslaget på anslagstavlan"],
        ),
        (
            "notice before the decision",
            vec![("status", "adopted"), ("decided_on", "2026-03-24"), ("posted_on", "2026-03-20")],
            vec!["Anslaget på anslagstavlan", "Beslutsdatum"],
        ),
        ("long reference", vec![("status", "proposed"), ("reference", &long_reference)], vec!["Paragraf"]),
        ("reference on two lines", vec![("status", "proposed"), ("reference", "KF\n§ 5")], vec!["Paragraf"]),
        (
            "not a web address",
            vec![("status", "proposed"), ("protocol_url", "ftp://x.se/p.pdf")],
            vec!["Länk till protokollet"],
        ),
        ("long web address", vec![("status", "proposed"), ("protocol_url", &long_url)], vec!["Länk till protokollet"]),
        ("long note", vec![("status", "proposed"), ("note", &long_note)], vec!["Anteckning"]),
        ("control character in note", vec![("status", "proposed"), ("note", "a\u{7}b")], vec!["Anteckning"]),
        ("nothing ticked", vec![("status", "proposed"), ("no-instruments", "")], vec!["Beslutet gäller"]),
        ("unknown instrument", vec![("status", "proposed"), ("instruments", "nope")], vec!["Beslutet gäller"]),
        ("missing form state", vec![("status", "proposed"), ("latest", "x")], vec!["Ladda om"]),
    ];
    for (case, fields, expect) in &cases {
        refused(&s, m, case, fields, expect).await;
    }

    // The correction form: its note field is "Motivering till rättelsen", its refusals say "Rättelse".
    let token = app.token("t");
    let first = app.record(&token, m, json!({"status": "in_preparation"})).await;
    let other = app.record(&token, "1490", json!({"status": "in_preparation"})).await;
    let id = first["id"].to_string();
    let other_id = other["id"].to_string();
    refused(
        &s,
        m,
        "correction without reason",
        &[("status", "proposed"), ("corrects", &id)],
        &["Motivering till rättelsen"],
    )
    .await;
    refused(
        &s,
        m,
        "long correction reason",
        &[("status", "proposed"), ("corrects", &id), ("note", &long_note)],
        &["Motivering till rättelsen"],
    )
    .await;
    refused(
        &s,
        m,
        "correction of nothing",
        &[("status", "proposed"), ("corrects", "x"), ("note", "fel")],
        &["Rättar händelse"],
    )
    .await;
    refused(
        &s,
        m,
        "correction of a missing event",
        &[("status", "proposed"), ("corrects", "999"), ("note", "fel")],
        &["Rättelsen"],
    )
    .await;
    refused(
        &s,
        m,
        "correction of another party's event",
        &[("status", "proposed"), ("corrects", &other_id), ("note", "fel")],
        &["Rättelsen", "annan part"],
    )
    .await;
    app.record(&token, m, json!({"status": "proposed", "corrects": first["id"], "note": "Fel status."})).await;
    refused(
        &s,
        m,
        "correction of a corrected event",
        &[("status", "scheduled"), ("planned_on", &tomorrow), ("corrects", &id), ("note", "fel")],
        &["Rättelsen", "redan rättad"],
    )
    .await;
    // The correction page itself, and the party page with its history, show no code either.
    assert_no_codes("correction page", &s.page(&format!("/admin/parter/{m}/ratta/{}", app.event_count().await)).await);
    assert_no_codes("party page", &s.page(&format!("/admin/parter/{m}")).await);
}

async fn the_api_keeps_its_codes(app: TestApp) {
    let token = app.token("t");
    let resp = app.post_event(&token, "1480", &json!({"status": "adopted", "body": "KF"})).await;
    assert_eq!(resp.status().as_u16(), 422);
    let body: serde_json::Value = resp.json().await.unwrap();
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("decided_on") && message.contains("adopted"), "{message}");
}

/// Saves through the form (all instruments unless `only` is given); the page shown after it.
async fn save(s: &Staff, code: &str, fields: &[(&str, &str)], only: Option<&str>) -> String {
    let page = s.page(&format!("/admin/parter/{code}")).await;
    let latest = latest_in(&page);
    let insts = instruments(&page);
    let mut all: Vec<(&str, &str)> = vec![("latest", &latest)];
    match only {
        Some(i) => all.push(("instruments", i)),
        None => all.extend(insts.iter().map(|i| ("instruments", i.as_str()))),
    }
    all.extend_from_slice(fields);
    let resp = s.post(&format!("/admin/parter/{code}/handelser"), &all).await;
    assert_eq!(resp.status().as_u16(), 303, "{}", resp.text().await.unwrap());
    let notice = s.page(&crate::admin_support::location(&resp)).await;
    let at = notice.find("class=\"notice\"").expect("a notice after saving");
    notice[at..at + notice[at..].find("</p>").unwrap()].to_string()
}

async fn the_saved_message_says_what_changed_or_why_not(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let m = "1460";
    let n = save(&s, m, &[("status", "in_preparation")], None).await;
    assert!(n.contains("Bengtsfors: Under beredning (var Ej påbörjat)."), "{n}");
    let n = save(&s, m, &[("status", "in_preparation")], None).await;
    assert!(
        n.contains("Bengtsfors: fortfarande Under beredning: den nya händelsen har samma status som förut."),
        "{n}"
    );
    let n = save(&s, m, &[("status", "adopted"), ("body", "KF"), ("decided_on", "2026-11-25")], None).await;
    assert!(n.contains("Bengtsfors: Antaget (var Under beredning)."), "{n}");
    let n = save(&s, m, &[("status", "proposed"), ("body", "KS")], None).await;
    assert!(
        n.contains("Bengtsfors: fortfarande Antaget: ett steg (Föreslaget) ändrar inte ett beslut som Antaget. Är beslutet fel: rätta det."),
        "{n}"
    );
    let n = save(&s, m, &[("status", "rejected"), ("body", "KF"), ("decided_on", "2026-11-01")], None).await;
    assert!(
        n.contains("Bengtsfors: fortfarande Antaget: händelsen Antaget (25 november 2026) är senare och gäller."),
        "{n}"
    );
    let page = s.page(&format!("/admin/parter/{m}")).await;
    let one = instruments(&page).pop().unwrap();
    let n = save(&s, m, &[("status", "appealed"), ("decided_on", "2026-11-26")], Some(&one)).await;
    assert!(n.contains("Bengtsfors: Överklagat (var Antaget)."), "{n}");
    assert_no_codes("notice", &n);
}

async fn warnings_are_confirmed_before_saving(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let yesterday = (ratify::clock::today() - Days::new(1)).to_string();
    let past = [("status", "scheduled"), ("body", "KF"), ("planned_on", yesterday.as_str())];
    let mixed = [("status", "proposed"), ("body", "KS"), ("reference", "KF § 5")];
    for (case, fields, expect) in [
        ("a meeting in the past", &past[..], "”Planerat sammanträde”"),
        (
            "a reference to another body",
            &mixed[..],
            "anger Kommunfullmäktige (KF), men organet är Kommunstyrelsen (KS)",
        ),
    ] {
        refused(&s, "1480", case, fields, &[expect, "vill spara ändå"]).await;
        assert_eq!(app.event_count().await, 0, "{case}: a warning stores nothing until confirmed");
    }
    // Confirmed, each is stored.
    for fields in [&past[..], &mixed[..]] {
        let mut confirmed = fields.to_vec();
        confirmed.push(("bekraftat", "ja"));
        save(&s, "1480", &confirmed, None).await;
    }
    assert_eq!(app.event_count().await, 2);
    // The API has no one to ask: it stores at once.
    let token = app.token("t");
    app.record(&token, "1490", json!({"status": "scheduled", "planned_on": yesterday})).await;
}

/// The party links of the overview's main table, in order.
fn overview_names(html: &str) -> Vec<String> {
    let from = html.find("id=\"parter\"").expect("the parties table");
    let to = html[from..].find("id=\"uppmarksamma\"").map_or(html.len(), |i| from + i);
    html[from..to]
        .split("<a href=\"/admin/parter/")
        .skip(1)
        .map(|s| {
            let name = &s[s.find('>').unwrap() + 1..];
            name[..name.find('<').unwrap()].to_string()
        })
        .collect()
}

async fn the_overview_is_in_swedish_order_with_a_name_filter(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let names = overview_names(&s.page("/admin").await);
    assert_eq!(names.len(), 50);
    let mut expected = names.clone();
    expected.sort_by_key(|n| ratify::sv::swedish_key(n));
    assert_eq!(names, expected, "Swedish order");
    let z = names.iter().position(|n| n.starts_with('V')).unwrap();
    let a = names.iter().position(|n| n.starts_with('Å')).unwrap();
    let o = names.iter().position(|n| n.starts_with('Ö')).unwrap();
    assert!(z < a && a < o && o == names.len() - 1, "å, ä, ö last: {names:?}");
    assert_eq!(overview_names(&s.page("/admin?namn=borå").await), ["Borås"]);
    assert_eq!(overview_names(&s.page("/admin?namn=1460").await), ["Bengtsfors"]);
    assert_eq!(overview_names(&s.page("/admin?namn=lilla").await), ["Lilla Edet"]);
    assert!(overview_names(&s.page("/admin?namn=ingen+sådan").await).is_empty());

    // After saving, the next party in that order that needs attention is offered.
    let n = save(&s, "1460", &[("status", "in_preparation")], None).await;
    let next = names[names.iter().position(|n| n == "Bengtsfors").unwrap() + 1].clone();
    assert!(n.contains("Nästa part som behöver uppmärksamhet: <a href=\"/admin/parter/"), "{n}");
    assert!(n.contains(&format!(">{next}</a> (Inget beslut planerat.)")), "{next}: {n}");
}

async fn editors_see_the_partys_changes(app: TestApp) {
    user(&app, "anna", Role::Editor);
    user(&app, "bertil", Role::Editor);
    let a = Staff::login(&app, "anna").await;
    save(&a, "1460", &[("status", "in_preparation"), ("note", "Tjänsteskrivelse klar.")], None).await;
    let b = Staff::login(&app, "bertil").await;
    let page = b.page("/admin/parter/1460/ratta/1").await;
    let mut fields = vec![("latest", latest_in(&page)), ("status", "proposed".to_string()), ("body", "KS".into())];
    fields.push(("corrects", "1".into()));
    fields.push(("note", "Det var KS förslag.".into()));
    fields.extend(instruments(&page).into_iter().map(|i| ("instruments", i)));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let resp = b.post("/admin/parter/1460/handelser", &fields).await;
    assert_eq!(resp.status().as_u16(), 303, "{}", resp.text().await.unwrap());
    let html = a.page("/admin/parter/1460").await;
    let changes = &html[html.find("id=\"andringar\"").expect("a changes section")..];
    let text = visible_text(changes);
    let corrected = text.find("bertil  rättade händelse 1 (Under beredning) till Föreslaget (händelse 2). Motivering: Det var KS förslag. Den rättade händelsens anteckning: Tjänsteskrivelse klar.");
    let recorded = text.find("anna  registrerade händelse 1: Under beredning.");
    assert!(corrected.is_some() && recorded.is_some() && corrected < recorded, "newest first: {text}");
    assert!(!changes.contains("127.0.0.1"), "no client addresses for editors");
    assert_no_codes("changes", &html);
}

async fn an_import_with_swedish_headers_and_labels(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let on = (ratify::clock::today() - Days::new(7)).to_string();
    let planned = (ratify::clock::today() + Days::new(20)).to_string();
    let one = format!(
        "Kommunkod;Status;Organ;Beslutsdatum;Paragraf;Protokoll;Anslag;Anteckning\r\n\
         1462;antagen;KF;{on};KF § 87;https://lillaedet.se/kf.pdf;{on};Enhälligt.\r\n"
    );
    let (path, html) = s.preview("lilla-edet.csv", one.into_bytes()).await;
    assert!(html.contains("Raden är giltig.") && html.contains("Spara händelsen"), "{html}");
    let table = &html[html.find("<table class=\"import-rows\"").unwrap()..];
    for shown in [
        "Lilla Edet (1462)",
        "<td>Antaget</td>",
        "Kommunfullmäktige (KF)",
        "KF § 87",
        "href=\"https://lillaedet.se/kf.pdf\"",
        "Enhälligt.",
    ] {
        assert!(table.contains(shown), "the preview shows {shown}: {table}");
    }
    let date = ratify::views::format::date(ratify::clock::today() - Days::new(7));
    assert_eq!(table.matches(&format!("<td>{date}</td>")).count(), 2, "decision and notice dates");
    assert_no_codes("import preview", &html);
    let resp = s.post(&path, &[]).await;
    let done = resp.text().await.unwrap();
    assert!(done.contains("1 händelse från lilla-edet.csv är sparad."), "{done}");
    assert_eq!(app.get_json("/api/v1/parties/1462", 200).await["status"], "adopted");

    // Errors name the Swedish column and list the Swedish labels; counts are Swedish plurals.
    let two = format!(
        "kommunkod;status;planerat\r\n1460;klar;\r\n;;\r\n1401;Beslut planerat;{planned}\r\n1402;beslut planerat;\r\n"
    );
    let (_, html) = s.preview("fel.csv", two.into_bytes()).await;
    assert!(html.contains("Filen har fel på 2 rader."), "{html}");
    assert!(html.contains("Rad 2, kolumnen status:") && html.contains("Antaget, Avslaget"), "{html}");
    assert!(html.contains("Rad 5, kolumnen planerat:"), "the blank row 3 still counts: {html}");
    assert_no_codes("import errors", &html);
}

crate::both_backends!(
    an_import_with_swedish_headers_and_labels,
    the_overview_is_in_swedish_order_with_a_name_filter,
    editors_see_the_partys_changes,
    warnings_are_confirmed_before_saving,
    every_staff_form_error_is_in_swedish_labels,
    the_api_keeps_its_codes,
    the_saved_message_says_what_changed_or_why_not
);
