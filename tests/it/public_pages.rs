//! The public HTML pages through HTTP: status codes and content types, the numbers on `/` against
//! `/api/v1/status`, the map's links, the table's filters and sorting, time travel, corrections,
//! escaping, the 404 page and the badge.

use chrono::{Days, NaiveDate};
use serde_json::{json, Value};

use crate::support::{municipality_codes, seed_rows, TestApp};

fn today() -> NaiveDate {
    chrono::Utc::now().with_timezone(&chrono_tz::Europe::Stockholm).date_naive()
}

/// GET a page: (status, content type, body).
async fn page(app: &TestApp, path: &str) -> (u16, String, String) {
    let resp = app.get(path).await;
    let status = resp.status().as_u16();
    let content_type = resp.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (status, content_type, resp.text().await.unwrap())
}

/// GET a page that must be 200 HTML.
async fn html(app: &TestApp, path: &str) -> String {
    let (status, content_type, body) = page(app, path).await;
    assert_eq!(status, 200, "GET {path}: {body}");
    assert_eq!(content_type, "text/html; charset=utf-8", "GET {path}");
    body
}

async fn adopt(app: &TestApp, token: &str, code: &str, on: &str) -> Value {
    let body = if code == "14" { "RF" } else { "KF" };
    app.record(
        token,
        code,
        json!({"status": "adopted", "body": body, "decided_on": on, "reference": format!("{body} § 12"),
               "protocol_url": format!("https://example.se/{code}/protokoll.pdf")}),
    )
    .await
}

fn name_of(code: &str) -> String {
    seed_rows().into_iter().find(|r| r.0 == code).map(|r| r.1).unwrap()
}

/// The element that starts with `start` up to the next `end`.
fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let from = body.find(start).unwrap_or_else(|| panic!("{start} not found"));
    let len = body[from..].find(end).unwrap_or_else(|| panic!("{end} not found after {start}"));
    &body[from..from + len]
}

/// `href="/parter/…"` targets in `fragment`, in order.
fn party_links(fragment: &str) -> Vec<String> {
    fragment.split("href=\"/parter/").skip(1).map(|s| s.split(['"', '?']).next().unwrap().to_string()).collect()
}

/// The codes of the table's rows, in order.
fn table_codes(body: &str) -> Vec<String> {
    between(body, "<table class=\"party-table\"", "</table>")
        .split("<tr data-code=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect()
}

fn swedish_date(d: NaiveDate) -> String {
    ratify::views::format::date(d)
}

async fn every_page_answers_with_its_type(app: TestApp) {
    for path in ["/", "/?vy=rutnat", "/parter/1480", "/parter/14", "/tillganglighet", "/inbaddning"] {
        let body = html(&app, path).await;
        assert!(body.starts_with("<!DOCTYPE html><html lang=\"sv\">"), "{path}");
        // A strict CSP comes later: no inline script or style anywhere.
        assert!(!body.contains("<script"), "{path} has a script");
        assert!(!body.contains("<style"), "{path} has a style block");
        assert!(!body.contains(" style="), "{path} has an inline style");
    }
    for path in ["/", "/parter/1480", "/tillganglighet"] {
        let body = html(&app, path).await;
        for landmark in ["<header", "<nav", "<main", "<footer", "class=\"skip-link\" href=\"#innehall\""] {
            assert!(body.contains(landmark), "{path} lacks {landmark}");
        }
        assert!(body.contains("href=\"/tillganglighet\""), "{path} links the accessibility statement");
        for open_data in ["/data/status.csv", "/data/beslut.csv", "/feed.atom", "/kalender.ics", "href=\"/api\""] {
            assert!(body.contains(open_data), "{path} links {open_data}");
        }
        assert!(body.contains("Källa: SCB"), "{path} credits the map's source");
        assert!(body.contains("Inga beslut är registrerade ännu."), "{path} says the data has not changed yet");
    }
    let statement = html(&app, "/tillganglighet").await;
    for part in ["Tillsyn", "Digg", "Rapportera brister", "Hur vi testat webbplatsen", "delvis förenlig"] {
        assert!(statement.contains(part), "the statement has {part}");
    }

    // The embeddable card is the one page that allows framing.
    let resp = app.get("/inbaddning").await;
    let csp = resp.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors *") && !csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(resp.headers().get("x-frame-options").is_none());
    let csp = app.get("/").await.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(ratify::security_headers::EMBEDDABLE_PATHS.contains(&"/inbaddning"));

    // The stylesheet: at a versioned address, cacheable for a year.
    let body = html(&app, "/").await;
    let css = between(&body, "href=\"/static/site-", ".css\"").trim_start_matches("href=\"").to_string() + ".css";
    let resp = app.get(&css).await;
    assert_eq!(resp.status().as_u16(), 200, "{css}");
    assert_eq!(resp.headers()["content-type"], "text/css; charset=utf-8");
    assert!(resp.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    assert!(resp.text().await.unwrap().contains("@media print"));
    let (status, content_type, _) = page(&app, "/static/site-000000000000.css").await;
    assert_eq!((status, content_type.as_str()), (404, "text/html; charset=utf-8"));

    // HEAD works for link checkers: the headers without the body.
    let resp = app.client.head(app.url("/")).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.headers()["content-type"], "text/html; charset=utf-8");
    assert!(resp.text().await.unwrap().is_empty());

    // Any other address: a Swedish 404 page; the API keeps its JSON errors.
    let (status, content_type, body) = page(&app, "/finns-inte").await;
    assert_eq!(status, 404);
    assert_eq!(content_type, "text/html; charset=utf-8");
    assert!(body.contains("Sidan finns inte"));
    let (status, content_type, _) = page(&app, "/api/v1/finns-inte").await;
    assert_eq!((status, content_type.as_str()), (404, "application/json"));
}

async fn home_numbers_match_the_status_api(app: TestApp) {
    let token = app.token("t");
    let codes = municipality_codes();
    for code in &codes[..24] {
        adopt(&app, &token, code, "2026-03-10").await;
    }
    app.record(&token, &codes[30], json!({"status": "rejected", "body": "KF", "decided_on": "2026-04-01"})).await;

    let check = |status: Value, body: String| {
        let m = status["municipalities_adopted"].as_u64().unwrap();
        let u = status["conditions"]["unanimity"]["adopted"].as_u64().unwrap();
        assert!(body.contains(&format!("{m} av 49 kommuner har antagit avtalet")), "municipalities {m}");
        assert!(body.contains(&format!("{u} av 50 parter har antagit avtalet")), "parties {u}");
        assert!(body.contains("Gränsen för majoritet är 25 kommuner"));
        let changed = chrono::DateTime::parse_from_rfc3339(status["last_change_at"].as_str().unwrap()).unwrap();
        let shown = ratify::views::format::date_time(changed.with_timezone(&chrono::Utc));
        assert!(body.contains("Uppgifterna senast ändrade <time datetime="), "changed line");
        assert!(body.contains(&shown), "last change {shown}");
        (m, u)
    };
    let status = app.get_json("/api/v1/status", 200).await;
    assert_eq!(status["conditions"]["majority"]["state"], "open");
    let body = html(&app, "/").await;
    assert_eq!(check(status, body.clone()), (24, 24));
    assert!(body.contains("Inte uppfyllt än – kan fortfarande uppfyllas"), "majority open");
    assert!(body.contains("Kan inte uppfyllas med de beslut som har fattats"), "unanimity blocked by the rejection");
    assert!(body.contains(&format!("Avslag från {} gör att villkoret inte kan uppfyllas", name_of(&codes[30]))));
    assert!(body.contains(
        "Om inget ändras gäller avtalet inte för någon part från 1 januari 2027: 24 av de 25 kommuner som krävs har antagit det, och Västra Götalandsregionen har inte antagit det."
    ) || today() >= NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
    assert!(body.contains("1 januari 2027"));
    assert!(body.contains("Beslutsperioden slut"));

    // The 25th municipality and the region: the majority holds, for the adopting parties.
    adopt(&app, &token, &codes[24], "2026-04-20").await;
    adopt(&app, &token, "14", "2026-04-21").await;
    let status = app.get_json("/api/v1/status", 200).await;
    assert_eq!(status["conditions"]["majority"]["state"], "satisfied");
    let body = html(&app, "/").await;
    assert_eq!(check(status.clone(), body.clone()), (25, 26));
    let share = ratify::views::format::percent(status["outcome"]["population_share"].as_f64().unwrap());
    assert!(
        body.contains(&format!("mellan Västra Götalandsregionen och de 25 kommuner som har antagit det, med {share}"))
    );
    assert!(body.contains("Majoritetsalternativet är redan uppfyllt."));
    // The region's badge beside the map, with its status.
    let badge = between(&body, "<a class=\"region-badge\"", "</a>");
    assert!(badge.contains("href=\"/parter/14\"") && badge.contains("Antaget"), "{badge}");
    // The legend counts municipalities per status.
    assert!(body.contains("Antaget: <strong>25</strong> kommuner"));
    assert!(body.contains("Avslaget: <strong>1</strong> kommun"));
    assert!(body.contains("Ej påbörjat: <strong>23</strong> kommuner"));
}

async fn the_map_links_all_49_municipalities(app: TestApp) {
    let mut expected = municipality_codes();
    expected.sort();
    for path in ["/", "/?vy=rutnat"] {
        let body = html(&app, path).await;
        let map = between(&body, "<svg class=\"map ", "</svg>");
        let mut links = party_links(map);
        assert_eq!(links.len(), 49, "{path}: one link per municipality");
        links.sort();
        assert_eq!(links, expected, "{path}");
        assert_eq!(map.matches("<title>").count(), 49, "{path}: every area has a title");
        assert!(map.contains("<title>Göteborg: Ej påbörjat</title>"), "{path}");
        assert!(map.contains("fill=\"url(#st-not_started)\""), "{path}: filled by status pattern");
    }
    // The view switch marks the current view.
    let body = html(&app, "/?vy=rutnat").await;
    assert!(body.contains("aria-current=\"true\">Lika stora rutor</a>"));
    assert!(body.contains("class=\"tile-label\""));

    let token = app.token("t");
    adopt(&app, &token, "1490", "2026-02-02").await;
    let body = html(&app, "/").await;
    assert!(body.contains("<title>Borås: Antaget</title>"));
}

async fn the_table_filters_and_sorts_by_query(app: TestApp) {
    let token = app.token("t");
    // Skara (Skaraborg) first, Ale (Göteborgsregionen) later, Borås (Sjuhärad) rejects.
    adopt(&app, &token, "1495", "2026-01-15").await;
    adopt(&app, &token, "1440", "2026-02-20").await;
    app.record(&token, "1490", json!({"status": "rejected", "body": "KF", "decided_on": "2026-03-03"})).await;
    let planned = today().checked_add_days(Days::new(30)).unwrap();
    app.record(&token, "1480", json!({"status": "scheduled", "body": "KF", "planned_on": planned.to_string()})).await;

    let all = table_codes(&html(&app, "/").await);
    assert_eq!(all.len(), 50);
    // By name by default, in Swedish order: Ale first, Öckerö last.
    assert_eq!(all.first().unwrap(), "1440");
    assert_eq!(all.last().unwrap(), "1407");

    assert_eq!(table_codes(&html(&app, "/?status=adopted").await), ["1440", "1495"]);
    assert_eq!(table_codes(&html(&app, "/?status=rejected").await), ["1490"]);
    assert_eq!(table_codes(&html(&app, "/?delregion=region").await), ["14"]);
    let skaraborg = table_codes(&html(&app, "/?delregion=Skaraborg").await);
    assert_eq!(skaraborg.len(), 15);
    assert!(skaraborg.contains(&"1495".to_string()) && !skaraborg.contains(&"1440".to_string()));
    assert_eq!(table_codes(&html(&app, "/?delregion=Skaraborg&status=adopted").await), ["1495"]);
    // The form's "Alla" sends empty values: no filter.
    assert_eq!(table_codes(&html(&app, "/?delregion=&status=").await).len(), 50);

    let by_date = table_codes(&html(&app, "/?sortera=beslutsdatum").await);
    assert_eq!(by_date[..3], ["1495", "1440", "1490"]);
    let by_date_desc = table_codes(&html(&app, "/?sortera=beslutsdatum&ordning=fallande").await);
    assert_eq!(by_date_desc[..3], ["1490", "1440", "1495"], "newest first, undecided still last");
    assert_eq!(table_codes(&html(&app, "/?sortera=planerat").await)[0], "1480");
    let desc = table_codes(&html(&app, "/?ordning=fallande").await);
    assert_eq!(desc.first().unwrap(), "1407");

    // The form keeps the other choices; the headers say how the table is sorted.
    let body = html(&app, "/?sortera=status&ordning=fallande&vy=rutnat").await;
    let form = between(&body, "<form class=\"filters\"", "</form>");
    assert!(form.contains("name=\"sortera\" value=\"status\""));
    assert!(form.contains("name=\"vy\" value=\"rutnat\""));
    assert!(body.contains("aria-sort=\"descending\""));

    for (path, param) in
        [("/?status=antaget", "status"), ("/?delregion=Sk%C3%A5ne", "delregion"), ("/?sortera=x", "sortera")]
    {
        let (status, content_type, body) = page(&app, path).await;
        assert_eq!(status, 400, "{path}");
        assert_eq!(content_type, "text/html; charset=utf-8");
        assert!(body.contains(&format!("Parametern {param}")), "{path}: {body}");
    }
}

async fn time_travel_shows_the_past_and_refuses_bad_dates(app: TestApp) {
    let token = app.token("t");
    adopt(&app, &token, "1480", "2026-01-10").await;
    adopt(&app, &token, "1490", "2026-02-10").await;

    let body = html(&app, "/?datum=2026-01-09").await;
    assert!(body.contains("Du ser läget som det var 9 januari 2026."));
    assert!(body.contains("0 av 49 kommuner har antagit avtalet"));
    assert!(body.contains("<title>Göteborg: Ej påbörjat</title>"));
    assert!(body.contains("href=\"/\">Visa dagens läge</a>"));
    // Links keep the date.
    assert!(body.contains("href=\"/parter/1480?datum=2026-01-09\""));

    let body = html(&app, "/?datum=2026-01-10").await;
    assert!(body.contains("1 av 49 kommuner har antagit avtalet"));
    assert!(body.contains("<title>Göteborg: Antaget</title>"));
    let api = app.get_json("/api/v1/status?as_of=2026-01-10", 200).await;
    assert_eq!(api["municipalities_adopted"], 1);

    let body = html(&app, "/").await;
    assert!(body.contains("2 av 49 kommuner har antagit avtalet"));
    assert!(!body.contains("Du ser läget som det var"));
    assert!(body.contains("name=\"datum\""), "a date form");

    // The party page travels too.
    let body = html(&app, "/parter/1490?datum=2026-02-09").await;
    assert!(body.contains("Du ser läget som det var 9 februari 2026."));
    assert!(body.contains("Borås har inte antagit avtalet."));

    for bad in ["2026-02-30", "igår", "2026-1-5", "20260105"] {
        let (status, content_type, body) = page(&app, &format!("/?datum={bad}")).await;
        assert_eq!(status, 400, "{bad}");
        assert_eq!(content_type, "text/html; charset=utf-8");
        assert!(body.contains("Parametern datum ska vara ett giltigt datum"), "{body}");
        assert!(body.contains("lang=\"sv\""));
    }
    let (status, _, _) = page(&app, "/parter/1480?datum=igår").await;
    assert_eq!(status, 400);
}

async fn a_party_page_shows_its_timeline_and_corrections(app: TestApp) {
    let token = app.token("t");
    let planned = today().checked_add_days(Days::new(20)).unwrap();
    app.record(&token, "1490", json!({"status": "in_preparation"})).await;
    let wrong = adopt(&app, &token, "1490", "2026-03-24").await;
    app.record(
        &token,
        "1490",
        json!({"status": "rejected", "body": "KF", "decided_on": "2026-03-24", "reference": "KF § 45",
               "protocol_url": "https://boras.se/kf-2026-03-24.pdf", "posted_on": "2026-03-30",
               "corrects": wrong["id"], "note": "Fel utfall registrerat: fullmäktige avslog."}),
    )
    .await;
    app.record(&token, "1490", json!({"status": "scheduled", "body": "KF", "planned_on": planned.to_string()})).await;

    let body = html(&app, "/parter/1490").await;
    assert!(body.contains("<h1>Borås</h1>"));
    assert!(body.contains("Sjuhärad"));
    // The corrected event stays visible, struck through and marked, with the correction and its reason.
    let corrected = between(&body, &format!("<li class=\"event corrected\" id=\"h{}\"", wrong["id"]), "</li>");
    assert!(corrected.contains("Rättad"), "{corrected}");
    assert!(corrected.contains("<s class=\"event-body\">"), "{corrected}");
    assert!(corrected.contains("Antaget"), "{corrected}");
    assert!(corrected.contains("Skäl: Fel utfall registrerat: fullmäktige avslog."), "{corrected}");
    assert!(body.contains("Rättelse</span>"));
    assert!(body.contains(&format!("href=\"#h{}\"", wrong["id"])));
    // The latest decision with its reference and minutes.
    let latest = between(&body, "<h2 id=\"senaste-rubrik\">", "</section>");
    assert!(latest.contains("Avslaget"), "{latest}");
    assert!(latest.contains("KF § 45"), "{latest}");
    assert!(latest.contains("href=\"https://boras.se/kf-2026-03-24.pdf\""), "{latest}");
    assert!(latest.contains("30 mars 2026"), "{latest}");
    assert!(body.contains(&format!(
        "Nästa planerade beslut: sammanträde <time datetime=\"{planned}\">{}</time>",
        swedish_date(planned)
    )));
    // The locator map highlights Borås.
    assert!(body.contains("class=\"locator\""));
    assert!(body.contains("Karta: Borås markerad i Västra Götalands län."));
    assert_eq!(between(&body, "<svg class=\"locator\"", "</svg>").matches("class=\"on").count(), 2);

    // Per-instrument status when a decision covers only some of them.
    app.record(
        &token,
        "1401",
        json!({"status": "adopted", "body": "KF", "decided_on": "2026-04-01", "instruments": ["avtal", "ok-hjalpmedel"]}),
    )
    .await;
    let body = html(&app, "/parter/1401").await;
    assert!(body.contains("Status per del av avtalet"));
    assert!(body.contains("Överenskommelse om hjälpmedel"));
    let body = html(&app, "/parter/1490").await;
    assert!(!body.contains("Status per del av avtalet"));

    // The region: the whole county is its area.
    let body = html(&app, "/parter/14").await;
    assert!(body.contains("Västra Götalandsregionen"));
    assert!(body.contains("Karta: regionen omfattar hela Västra Götalands län."));
    assert!(body.contains("Inget beslut av fullmäktige är registrerat."));
}

async fn user_text_is_escaped(app: TestApp) {
    let token = app.token("t");
    app.record(
        &token,
        "1480",
        json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24",
               "reference": "<b>KF</b> § 1", "note": "<script>alert('x')</script> & <img src=x onerror=alert(1)>"}),
    )
    .await;
    for path in ["/", "/parter/1480"] {
        let body = html(&app, path).await;
        assert!(body.contains("&lt;b&gt;KF&lt;/b&gt; § 1"), "{path}");
        assert!(!body.contains("<b>KF</b>"), "{path}");
        assert!(!body.contains("<script"), "{path}");
        assert!(!body.contains("<img"), "{path}");
    }
    let body = html(&app, "/parter/1480").await;
    assert!(body.contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;"));
}

async fn unknown_party_is_a_swedish_404(app: TestApp) {
    for code in ["9999", "abc", "%3Cscript%3E"] {
        let (status, content_type, body) = page(&app, &format!("/parter/{code}")).await;
        assert_eq!(status, 404, "{code}");
        assert_eq!(content_type, "text/html; charset=utf-8");
        assert!(body.contains("lang=\"sv\""));
        assert!(body.contains("Det finns ingen part med koden"), "{body}");
        assert!(!body.contains("<script>"));
    }
}

async fn the_badge_is_svg(app: TestApp) {
    let (status, content_type, body) = page(&app, "/badge.svg").await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "image/svg+xml; charset=utf-8");
    assert!(body.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(body.contains("<title>"));
    assert!(body.contains("0/49 kommuner"));
    let token = app.token("t");
    adopt(&app, &token, "1480", "2026-03-24").await;
    let (_, _, body) = page(&app, "/badge.svg").await;
    assert!(body.contains("1/49 kommuner"));
    assert!(body.contains("1 av 49 kommuner har antagit avtalet"));
    let card = html(&app, "/inbaddning").await;
    assert!(card.contains("<strong>1 av 49</strong> kommuner har antagit avtalet"));
}

async fn the_chart_projects_planned_decisions(app: TestApp) {
    let token = app.token("t");
    let codes = municipality_codes();
    for code in &codes[..24] {
        adopt(&app, &token, code, "2026-03-10").await;
    }
    let body = html(&app, "/").await;
    assert!(body.contains("Inga beslut är planerade framåt"));

    let first = today().checked_add_days(Days::new(10)).unwrap();
    let second = today().checked_add_days(Days::new(20)).unwrap();
    app.record(&token, &codes[30], json!({"status": "scheduled", "body": "KF", "planned_on": first.to_string()})).await;
    let body = html(&app, "/").await;
    assert!(body.contains(
        "Om alla planerade beslut blir antaganden nås majoriteten ändå inte: då har 25 av de 25 kommuner som krävs antagit avtalet, och regionen har inte antagit det."
    ));
    app.record(&token, "14", json!({"status": "scheduled", "body": "RF", "planned_on": second.to_string()})).await;
    let body = html(&app, "/").await;
    // A meeting after the agreement's start (1 January 2027) is flagged as such.
    let start = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    let late = |d: NaiveDate| d > start;
    let sentence = if late(second) {
        format!(
            "Om alla planerade beslut blir antaganden nås majoriteten den {}, efter avtalsstarten 1 januari 2027.",
            swedish_date(second)
        )
    } else {
        format!("Om alla planerade beslut blir antaganden nås majoriteten den {}.", swedish_date(second))
    };
    assert!(body.contains(&sentence), "{sentence}");
    let chart = between(&body, "<svg class=\"chart-svg\"", "</svg>");
    assert!(chart.contains("<title id=\"chart-title\">") && chart.contains("<desc id=\"chart-desc\">"));
    assert!(chart.contains("class=\"projection-line\""));
    assert!(chart.contains("class=\"adopted-line\""));
    assert!(chart.contains("Majoritet: 25 kommuner"));
    assert!(chart.contains("Avtalet börjar 1 januari 2027"));
    assert!(chart.contains("Beslutsperioden slut 31 maj 2026"));
    // The table equivalent lists the history and the planned meetings.
    let table = between(&body, "<details class=\"chart-table\">", "</details>");
    assert!(table.contains("<td>10 mars 2026</td><td>24</td>"), "{table}");
    let flag = if late(first) { " <strong class=\"after-start\">efter avtalsstarten</strong>" } else { "" };
    assert!(table.contains(&format!("<td>{}{flag}</td><td>{}</td>", swedish_date(first), name_of(&codes[30]))));
    assert!(table.contains("Västra Götalandsregionen"));
}

async fn pages_are_cached_with_etags_and_fresh_after_a_write(app: TestApp) {
    for path in ["/", "/?status=adopted", "/parter/1480", "/inbaddning", "/badge.svg", "/tillganglighet"] {
        let resp = app.get(path).await;
        assert_eq!(resp.status().as_u16(), 200, "{path}");
        let etag = resp.headers()["etag"].to_str().unwrap().to_string();
        let again = app.client.get(app.url(path)).header("If-None-Match", &etag).send().await.unwrap();
        assert_eq!(again.status().as_u16(), 304, "{path}");
    }
    let resp = app.get("/").await;
    let etag = resp.headers()["etag"].to_str().unwrap().to_string();
    assert!(resp.text().await.unwrap().contains("0 av 49 kommuner har antagit avtalet"));
    // A write shows on the very next request, even to a client holding the old copy.
    let token = app.token("t");
    adopt(&app, &token, "1480", "2026-03-24").await;
    let resp = app.client.get(app.url("/")).header("If-None-Match", &etag).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_ne!(resp.headers()["etag"].to_str().unwrap(), etag);
    assert!(resp.text().await.unwrap().contains("1 av 49 kommuner har antagit avtalet"));
    // Tracking parameters share the entry of the page they decorate; a refused query is not cached.
    let plain = app.get("/").await.headers()["etag"].to_str().unwrap().to_string();
    let tagged = app.get("/?utm_source=kommun").await.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(plain, tagged);
    for _ in 0..2 {
        assert_eq!(page(&app, "/?delregion=Halland").await.0, 400);
        assert_eq!(page(&app, "/parter/9999").await.0, 404);
    }
}

async fn every_link_in_the_footer_works(app: TestApp) {
    let body = html(&app, "/").await;
    let footer = between(&body, "<footer", "</footer>");
    let links: Vec<&str> = footer.split("href=\"").skip(1).map(|s| s.split('"').next().unwrap()).collect();
    assert!(links.len() >= 7, "{links:?}");
    for link in links.iter().filter(|l| l.starts_with('/')) {
        let resp = app.get(link).await;
        assert_eq!(resp.status().as_u16(), 200, "footer link {link}");
    }
}

crate::both_backends!(
    pages_are_cached_with_etags_and_fresh_after_a_write,
    every_link_in_the_footer_works,
    every_page_answers_with_its_type,
    home_numbers_match_the_status_api,
    the_map_links_all_49_municipalities,
    the_table_filters_and_sorts_by_query,
    time_travel_shows_the_past_and_refuses_bad_dates,
    a_party_page_shows_its_timeline_and_corrections,
    user_text_is_escaped,
    unknown_party_is_a_swedish_404,
    the_badge_is_svg,
    the_chart_projects_planned_decisions,
);
