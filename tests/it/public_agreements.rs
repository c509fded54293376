//! The public site and the open data per agreement: every page of a second agreement under
//! /avtal/{slug} shows that agreement's parties and events only, today's URLs go on showing the
//! featured one, and a write to one agreement leaves the other's cached pages alone.

use serde_json::{json, Value};

use crate::both_backends;
use crate::support::{second_agreement, TestApp};
use ratify::ratification::Threshold;

const SLUG: &str = "fyrbodal-2028";
const FYRBODAL: [&str; 14] =
    ["1421", "1427", "1430", "1435", "1438", "1439", "1460", "1461", "1484", "1485", "1486", "1487", "1488", "1492"];

/// Records an event in the agreement the way every face writes (one write path, invalidating
/// exactly the agreement it wrote to).
async fn record_in(app: &TestApp, agreement_id: i32, code: &str, body: Value) {
    let catalogue = app.state.catalogue().await.expect("catalogue");
    let agreement = catalogue.by_id(agreement_id).expect("agreement").as_ref().clone();
    let raw = ratify::events::validate::raw_from_json(&body).expect("raw event");
    let code = code.to_string();
    ratify::events::write::commit(&app.state, move |c| {
        let writer = ratify::events::store::Writer { name: "test".into(), client_addr: None };
        ratify::events::store::record_in(
            c,
            &agreement,
            &code,
            &raw,
            &writer,
            ratify::clock::today(),
            ratify::events::validate::Audience::Api,
        )
    })
    .await
    .expect("recorded");
}

async fn text(app: &TestApp, path: &str, status: u16) -> String {
    let resp = app.get(path).await;
    assert_eq!(resp.status().as_u16(), status, "GET {path}");
    resp.text().await.expect("body")
}

fn in_days(n: u64) -> String {
    (ratify::clock::today() + chrono::Days::new(n)).to_string()
}

/// hos-2027: Göteborg (not in Fyrbodal) adopted, Munkedal adopted, Borås planned. Fyrbodal:
/// Munkedal adopted, Uddevalla planned.
async fn two_agreements(app: &TestApp) -> i32 {
    let id = app.add_agreement(&second_agreement(SLUG, &FYRBODAL, Threshold::MORE_THAN_HALF));
    let token = app.token("t");
    app.record(
        &token,
        "1480",
        json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-02", "reference": "KF § 80 HOS"}),
    )
    .await;
    app.record(
        &token,
        "1430",
        json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-03", "reference": "KF § 11 HOS"}),
    )
    .await;
    app.record(&token, "1490", json!({"status": "scheduled", "body": "KF", "planned_on": in_days(20)})).await;
    record_in(
        app,
        id,
        "1430",
        json!({"status": "adopted", "body": "KF", "decided_on": "2026-04-07", "reference": "KF § 22 FYR"}),
    )
    .await;
    record_in(app, id, "1485", json!({"status": "scheduled", "body": "KF", "planned_on": in_days(30)})).await;
    id
}

async fn every_page_of_the_second_agreement_shows_its_own_parties_only(app: TestApp) {
    two_agreements(&app).await;
    let home = text(&app, &format!("/avtal/{SLUG}"), 200).await;
    assert!(home.contains("Testavtalet fyrbodal-2028: var står besluten?"), "h1");
    assert!(home.contains("Om minst 8 av 14 kommuner antar avtalet"), "the majority rule");
    assert!(home.contains("1 av 14 kommuner har antagit avtalet"), "the count");
    assert!(home.contains(&format!("href=\"/avtal/{SLUG}/parter/1430\"")), "links stay under the agreement");
    assert!(home.contains("Uddevalla") && home.contains("Munkedal"));
    assert!(home.contains("till exempel Bengtsfors eller 1460."), "the finder's example is one of its own");
    assert_eq!(text(&app, &format!("/avtal/{SLUG}/"), 200).await, home, "with or without the slash");
    // Time travel, as on /.
    let before = text(&app, &format!("/avtal/{SLUG}?datum=2026-04-01"), 200).await;
    assert!(before.contains("0 av 14 kommuner har antagit avtalet"), "{before}");
    assert!(before.contains(&format!("action=\"/avtal/{SLUG}\"")));

    let parties = text(&app, &format!("/avtal/{SLUG}/parter"), 200).await;
    assert!(parties.contains("Uddevalla") && !parties.contains("Göteborg"));
    // The finder searches the agreement's parties only: Göteborg is not one of them.
    let found = app.client.get(app.url(&format!("/avtal/{SLUG}/parter?q=Munkedal"))).send().await.expect("request");
    assert_eq!(found.url().path(), format!("/avtal/{SLUG}/parter/1430"));
    let none = text(&app, &format!("/avtal/{SLUG}/parter?q=G%C3%B6teborg"), 200).await;
    assert!(!none.contains("href=\"/avtal/fyrbodal-2028/parter/1480\""));

    let munkedal = text(&app, &format!("/avtal/{SLUG}/parter/1430"), 200).await;
    assert!(munkedal.contains("KF § 22 FYR") && !munkedal.contains("KF § 11 HOS"), "its own timeline");
    assert!(munkedal.contains(&format!("/avtal/{SLUG}/feed.atom?part=1430")));

    for (what, page) in [("home", &home), ("parter", &parties), ("Munkedal", &munkedal)] {
        assert!(!page.contains("Göteborg"), "{what}: a hos-2027-only party");
        assert!(!page.contains("Västra Götalandsregionen"), "{what}: no region in this agreement");
        assert!(!page.contains("KF § 80") && !page.contains("KF § 11 HOS"), "{what}: a hos-2027 event");
        let at = page.find(" regionen").map(|i| page[i..].chars().take(200).collect::<String>());
        assert!(at.is_none(), "{what}: the agreement has no region: {at:?}");
    }
    let status = text(&app, &format!("/avtal/{SLUG}/data/status.csv"), 200).await;
    assert_eq!(status.lines().count(), 1 + 14, "{status}");
    assert!(!status.contains("1480") && !status.contains("\r\n14,"), "{status}");
    let log = text(&app, &format!("/avtal/{SLUG}/data/beslut.csv"), 200).await;
    assert_eq!(log.lines().count(), 1 + 2, "{log}");
    assert!(log.contains("KF § 22 FYR") && !log.contains("HOS"), "{log}");
    let feed = text(&app, &format!("/avtal/{SLUG}/feed.atom"), 200).await;
    assert!(feed.contains("KF § 22 FYR") && !feed.contains("HOS") && !feed.contains("Göteborg"), "{feed}");
    assert!(feed.contains("Hur de 14 kommunerna beslutar om avtalet"), "{feed}");
    assert!(feed.contains(&format!("{}/avtal/{SLUG}/parter/1430", app.base)), "{feed}");
    let only = text(&app, &format!("/avtal/{SLUG}/feed.atom?part=1480"), 404).await;
    assert!(only.contains("1480"), "{only}");
    let calendar = text(&app, &format!("/avtal/{SLUG}/kalender.ics"), 200).await;
    assert!(calendar.contains("Uddevalla") && !calendar.contains("Borås"), "{calendar}");
    assert!(!calendar.contains("HoS-avtalet"), "{calendar}");
    let card = text(&app, &format!("/avtal/{SLUG}/inbaddning"), 200).await;
    assert!(card.contains("<strong>1 av 14</strong>") && card.contains("minst 8 kommuner)"), "{card}");
    assert!(!card.contains("regionen") && !card.contains("Regionen"), "{card}");
    assert!(card.contains(&format!("{}/avtal/{SLUG}/inbaddning", app.base)), "{card}");
    let framing = app.get(&format!("/avtal/{SLUG}/inbaddning")).await;
    let csp = framing.headers()["content-security-policy"].to_str().expect("csp").to_string();
    assert!(csp.contains("frame-ancestors *"), "{csp}");
    let page = app.get(&format!("/avtal/{SLUG}")).await;
    let csp = page.headers()["content-security-policy"].to_str().expect("csp").to_string();
    assert!(csp.contains("frame-ancestors 'none'"), "only the card may be framed: {csp}");
    let file = app.get(&format!("/avtal/{SLUG}/data/beslut.csv")).await;
    let disposition = file.headers()["content-disposition"].to_str().expect("disposition").to_string();
    assert_eq!(disposition, format!("inline; filename=\"beslut-{SLUG}.csv\""));
    let badge = text(&app, &format!("/avtal/{SLUG}/badge.svg"), 200).await;
    assert!(badge.contains("1/14 kommuner") && !badge.contains("HoS"), "{badge}");

    // And the other way round: hos-2027's files show none of Fyrbodal's events.
    let hos_log = text(&app, "/data/beslut.csv", 200).await;
    assert!(hos_log.contains("KF § 11 HOS") && !hos_log.contains("FYR"), "{hos_log}");
    let hos_feed = text(&app, "/feed.atom", 200).await;
    assert!(!hos_feed.contains("FYR"), "{hos_feed}");
    let hos_calendar = text(&app, "/kalender.ics", 200).await;
    assert!(hos_calendar.contains("Borås") && !hos_calendar.contains("Uddevalla"), "{hos_calendar}");
    let hos_munkedal = text(&app, "/parter/1430", 200).await;
    assert!(hos_munkedal.contains("KF § 11 HOS"), "hos-2027's timeline");
    assert!(!hos_munkedal.contains("KF § 22 FYR"), "Fyrbodal's event is not in hos-2027's timeline");
}

async fn the_featured_agreement_answers_at_both_addresses_and_unknown_ones_are_404(app: TestApp) {
    two_agreements(&app).await;
    // The same data at /avtal/hos-2027 as at /.
    let today = text(&app, "/data/status.csv", 200).await;
    let own = text(&app, "/avtal/hos-2027/data/status.csv", 200).await;
    assert_eq!(today, own);
    assert_eq!(today.lines().count(), 1 + 50);
    let home = text(&app, "/avtal/hos-2027", 200).await;
    assert!(home.contains("Hälso- och sjukvårdsavtalet 2027: var står besluten?"));
    assert!(home.contains("href=\"/avtal/hos-2027/parter/1480\""), "links stay under /avtal/hos-2027");
    for path in ["/avtal/hos-2027/parter", "/avtal/hos-2027/parter/1480", "/avtal/hos-2027/feed.atom"] {
        text(&app, path, 200).await;
    }

    let unknown = text(&app, "/avtal/finns-inte", 404).await;
    assert!(unknown.contains("Det finns inget avtal med kortadressen ”finns-inte”"), "{unknown}");
    assert!(unknown.contains("lang=\"sv\""));
    let unknown_file = text(&app, "/avtal/finns-inte/data/status.csv", 404).await;
    assert!(unknown_file.contains("Det finns inget avtal med kortadressen"), "{unknown_file}");
    let outside = text(&app, &format!("/avtal/{SLUG}/parter/1480"), 404).await;
    assert!(outside.contains("Göteborg") && outside.contains("Testavtalet fyrbodal-2028"), "{outside}");
    let nobody = text(&app, &format!("/avtal/{SLUG}/parter/9999"), 404).await;
    assert!(nobody.contains("9999") && nobody.contains("i avtalet Testavtalet fyrbodal-2028"), "{nobody}");
    let region = text(&app, &format!("/avtal/{SLUG}/parter/14"), 404).await;
    assert!(region.contains("Västra Götalandsregionen") && region.contains("ingår inte i avtalet"), "{region}");

    // The list of agreements: each with its short title, start and standing.
    let list = text(&app, "/avtal", 200).await;
    assert!(list.contains("href=\"/avtal/hos-2027\"") && list.contains("Hälso- och sjukvårdsavtalet"), "{list}");
    assert!(list.contains(&format!("href=\"/avtal/{SLUG}\"")) && list.contains("Testavtalet fyrbodal-2028"));
    assert!(list.contains("1 januari 2028") && list.contains("1 januari 2027"), "{list}");
}

async fn today_s_pages_link_the_other_agreement_and_a_party_lists_both(app: TestApp) {
    two_agreements(&app).await;
    let home = text(&app, "/", 200).await;
    assert!(home.contains(&format!("<a href=\"/avtal/{SLUG}\">Testavtalet fyrbodal-2028</a>")), "{home}");
    assert!(home.contains("href=\"/parter/1480\""), "today's links stay today's");
    let fyrbodal = text(&app, &format!("/avtal/{SLUG}"), 200).await;
    assert!(fyrbodal.contains("<a href=\"/avtal/hos-2027\">Hälso- och sjukvårdsavtalet</a>"), "{fyrbodal}");

    // Munkedal is in both: each page names its standing in the other.
    let today = text(&app, "/parter/1430", 200).await;
    assert!(today.contains(&format!("href=\"/avtal/{SLUG}/parter/1430\"")), "{today}");
    assert!(today.contains("Munkedal i andra avtal") && today.contains("1 av 14 kommuner"), "{today}");
    let other = text(&app, &format!("/avtal/{SLUG}/parter/1430"), 200).await;
    assert!(other.contains("href=\"/avtal/hos-2027/parter/1430\""), "{other}");
    assert!(other.contains("2 av 49 kommuner"), "{other}");
    // Göteborg is in hos-2027 only: no such list.
    let goteborg = text(&app, "/parter/1480", 200).await;
    assert!(!goteborg.contains("i andra avtal"));
}

async fn a_write_to_the_second_agreement_leaves_the_featured_pages_cached(app: TestApp) {
    let id = two_agreements(&app).await;
    let fyrbodal_path = format!("/avtal/{SLUG}");
    let _ = app.get("/").await;
    let _ = app.get(&fyrbodal_path).await;
    let first = app.get("/").await;
    assert_eq!(first.headers()["x-cache"], "hit");
    let etag = first.headers()["etag"].clone();
    let cached = app.get(&fyrbodal_path).await;
    assert_eq!(cached.headers()["x-cache"], "hit");

    record_in(
        &app,
        id,
        "1492",
        json!({"status": "adopted", "body": "KF", "decided_on": "2026-05-05", "reference": "KF § 33 FYR"}),
    )
    .await;
    let after = app.get("/").await;
    assert_eq!(after.headers()["x-cache"], "hit", "a Fyrbodal write leaves hos-2027's / cached");
    assert_eq!(after.headers()["etag"], etag);
    let csv = app.get("/data/status.csv").await;
    let _ = csv.text().await;
    let fresh = app.get(&fyrbodal_path).await;
    assert_eq!(fresh.headers()["x-cache"], "miss", "Fyrbodal's page is rendered again");
    let body = fresh.text().await.expect("body");
    assert!(body.contains("2 av 14 kommuner har antagit avtalet"), "{body}");
    // The party page lists its standing in every agreement: a Fyrbodal write renders it again.
    let _ = app.get("/parter/1430").await;
    let hit = app.get("/parter/1430").await;
    assert_eq!(hit.headers()["x-cache"], "hit");
    record_in(&app, id, "1430", json!({"status": "appealed", "body": "other", "decided_on": "2026-04-20"})).await;
    let again = app.get("/parter/1430").await;
    assert_eq!(again.headers()["x-cache"], "miss");
    assert!(again.text().await.expect("body").contains("Överklagat"));
}

both_backends!(
    every_page_of_the_second_agreement_shows_its_own_parties_only,
    the_featured_agreement_answers_at_both_addresses_and_unknown_ones_are_404,
    today_s_pages_link_the_other_agreement_and_a_party_lists_both,
    a_write_to_the_second_agreement_leaves_the_featured_pages_cached
);
