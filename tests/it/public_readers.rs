//! What a reader asks first, through HTTP: the answer at the top of each party page, and
//! decisions planned after the agreement's start flagged wherever plans are shown.

use chrono::{Days, NaiveDate};
use serde_json::json;

use crate::support::{municipality_codes, TestApp};

fn today() -> NaiveDate {
    chrono::Utc::now().with_timezone(&chrono_tz::Europe::Stockholm).date_naive()
}

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
}

/// A day `n` days after both today and the start: a meeting planned too late, whenever this runs.
fn after_start(n: u64) -> NaiveDate {
    today().max(start()).checked_add_days(Days::new(n)).unwrap()
}

fn sv(d: NaiveDate) -> String {
    ratify::views::format::date(d)
}

async fn html(app: &TestApp, path: &str) -> String {
    let resp = app.get(path).await;
    assert_eq!(resp.status().as_u16(), 200, "GET {path}");
    resp.text().await.unwrap()
}

/// The text of the answer paragraph on a party page.
fn answer_of(body: &str) -> String {
    let from = body.find("<p class=\"answer-text\">").expect("an answer") + "<p class=\"answer-text\">".len();
    body[from..from + body[from..].find("</p>").unwrap()].to_string()
}

async fn each_party_page_answers_the_question_first(app: TestApp) {
    let token = app.token("t");
    let late = after_start(2);
    app.record(&token, "1445", json!({"status": "scheduled", "body": "KF", "planned_on": late.to_string()})).await;
    let body = html(&app, "/parter/1445").await;
    assert!(body.contains(&format!("<h2 id=\"svar-rubrik\">Gäller avtalet i Essunga från {}?</h2>", sv(start()))));
    // The answer comes before everything else the page says about the party.
    assert!(body.find("svar-rubrik").unwrap() < body.find("status-rubrik").unwrap());
    assert_eq!(
        answer_of(&body),
        format!("Nej, inte ännu: kommunfullmäktige planerar att besluta {}, efter avtalsstarten.", sv(late))
    );

    // The region, rejected: regionfullmäktige, and no new decision planned.
    app.record(&token, "14", json!({"status": "rejected", "body": "RF", "decided_on": "2026-04-21"})).await;
    let body = html(&app, "/parter/14").await;
    assert_eq!(answer_of(&body), "Nej: regionfullmäktige avslog avtalet 21 april 2026. Inget nytt beslut är planerat.");

    // Adopted, and the majority alternative blocked by the region's rejection.
    app.record(&token, "1480", json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24"})).await;
    let body = html(&app, "/parter/1480").await;
    assert_eq!(
        answer_of(&body),
        "Nej: kommunfullmäktige antog avtalet 24 mars 2026, men inget av villkoren kan längre uppfyllas med de beslut som har fattats."
    );
    // The region reverses itself and 24 more municipalities adopt: the majority alternative holds.
    app.record(&token, "14", json!({"status": "adopted", "body": "RF", "decided_on": "2026-06-16"})).await;
    for code in municipality_codes().iter().filter(|c| *c != "1480" && *c != "1445").take(24) {
        app.record(&token, code, json!({"status": "adopted", "body": "KF", "decided_on": "2026-05-05"})).await;
    }
    let body = html(&app, "/parter/1480").await;
    let verb = if today() < start() { "ska gälla" } else { "gäller" };
    assert_eq!(
        answer_of(&body),
        format!("Ja: kommunfullmäktige antog avtalet 24 mars 2026, och Majoritetsalternativet är uppfyllt: avtalet {verb} mellan regionen och de kommuner som har antagit det.")
    );

    // Looking back: as it was, in the past tense.
    let body = html(&app, "/parter/1480?datum=2026-03-01").await;
    assert_eq!(
        answer_of(&body),
        "Som det var 1 mars 2026: nej, inte ännu. Kommunfullmäktige hade inte beslutat, och inget beslut var planerat."
    );
    assert!(body.contains("Du ser läget som det var 1 mars 2026."));

    // Looking ahead: a projection on what is recorded, never "som det var".
    let ahead = after_start(40);
    let body = html(&app, &format!("/parter/1445?datum={ahead}")).await;
    let said = answer_of(&body);
    assert!(said.starts_with(&format!("{}, om inga fler beslut registreras: nej, inte ännu.", sv(ahead))), "{said}");
    assert!(!body.contains("som det var"), "a future date is no memory");
    assert!(body.contains(&format!("Du ser läget {} om inga fler beslut registreras.", sv(ahead))));
    let home = html(&app, &format!("/?datum={ahead}")).await;
    assert!(!home.contains("som det var"), "the status page looks ahead the same way");
}

async fn plans_after_the_start_are_flagged_wherever_plans_are_shown(app: TestApp) {
    let token = app.token("t");
    let late = after_start(3);
    let early = today().checked_add_days(Days::new(1)).unwrap();
    app.record(&token, "1445", json!({"status": "scheduled", "body": "KF", "planned_on": late.to_string()})).await;
    app.record(&token, "1490", json!({"status": "scheduled", "body": "KF", "planned_on": early.to_string()})).await;
    let flag = "<strong class=\"after-start\">efter avtalsstarten</strong>";

    let party = html(&app, "/parter/1445").await;
    assert!(party.contains(&format!(
        "Nästa planerade beslut: sammanträde <time datetime=\"{late}\">{}</time> {flag}",
        sv(late)
    )));
    let timeline = &party[party.find("tidslinje-rubrik").unwrap()..];
    assert!(timeline.contains(flag), "the timeline's planned meeting");

    let home = html(&app, "/").await;
    let row = |code: &str| {
        let at = home.find(&format!("<tr data-code=\"{code}\"")).unwrap();
        home[at..at + home[at..].find("</tr>").unwrap()].to_string()
    };
    assert!(row("1445").contains(flag), "{}", row("1445"));
    if early <= start() {
        assert!(!row("1490").contains("efter avtalsstarten"), "an early plan is not flagged");
    }
    let legend = &home[home.find("<ul class=\"chart-legend\">").unwrap()..];
    let legend = &legend[..legend.find("</ul>").unwrap()];
    assert!(legend.contains(&format!("av dem {flag} {}", sv(start()))), "{legend}");
    let planned_table = &home[home.find("<caption>Planerade beslut framåt</caption>").unwrap()..];
    assert!(planned_table[..planned_table.find("</table>").unwrap()].contains(&format!("{} {flag}", sv(late))));

    let resp = app.get("/kalender.ics").await;
    assert_eq!(resp.status().as_u16(), 200);
    let cal = resp.text().await.unwrap().replace("\r\n ", "");
    let essunga = &cal[cal.find("Kommunfullmäktige i Essunga").unwrap() - 200..];
    let essunga = &essunga[..essunga.find("END:VEVENT").unwrap()];
    assert!(
        essunga.contains(&format!(
            "SUMMARY:Kommunfullmäktige i Essunga beslutar om HoS-avtalet (efter avtalsstarten {})",
            sv(start())
        )),
        "{essunga}"
    );
    assert!(essunga.contains("Mötet är efter avtalsstarten"), "{essunga}");
    let boras = &cal[cal.find("SUMMARY:Kommunfullmäktige i Borås").unwrap()..];
    if early <= start() {
        assert!(!boras[..boras.find('\n').unwrap()].contains("efter avtalsstarten"));
    }
}

async fn the_staff_overview_flags_plans_after_the_start(app: TestApp) {
    use crate::admin_support::{user, Staff};
    let token = app.token("t");
    let late = after_start(5);
    app.record(&token, "1445", json!({"status": "scheduled", "body": "KF", "planned_on": late.to_string()})).await;
    user(&app, "anna", ratify::accounts::Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let page = s.page("/admin").await;
    let attention = &page[page.find("id=\"uppmarksamma\"").unwrap()..];
    let at = attention.find(">Essunga</a>").expect("Essunga needs attention");
    let row = &attention[at..at + attention[at..].find("</tr>").unwrap()];
    assert!(
        row.contains(&format!("Beslutet är planerat till {}, efter avtalsstarten {}.", sv(late), sv(start()))),
        "{row}"
    );
}

async fn the_embed_page_offers_its_snippet_and_may_be_framed(app: TestApp) {
    let body = html(&app, "/inbaddning").await;
    let code = &body[body.find("<textarea id=\"inbaddningskod\" readonly").expect("a snippet to copy")..];
    let code = &code[code.find('>').unwrap() + 1..code.find("</textarea>").unwrap()];
    // Escaped, so it shows as text; unescaped it is the frame to paste, at this site's address.
    assert!(!code.contains('<'), "{code}");
    let pasted = code.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
    assert!(pasted.starts_with(&format!("<iframe src=\"{}/inbaddning\"", app.base)), "{pasted}");
    assert!(pasted.contains("title=\"Beslutsläget för Hälso- och sjukvårdsavtalet 2027\""), "{pasted}");
    assert!(pasted.ends_with("></iframe>"));
    assert!(body.contains("<label for=\"inbaddningskod\">"), "the field has a label");
    // Framing allowed by the CSP, and not forbidden beside it by X-Frame-Options, GET or HEAD.
    for resp in [app.get("/inbaddning").await, app.client.head(app.url("/inbaddning")).send().await.unwrap()] {
        let csp = resp.headers()["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors *"), "{csp}");
        assert!(resp.headers().get("x-frame-options").is_none());
    }
    assert_eq!(app.get("/").await.headers()["x-frame-options"], "DENY");
}

async fn error_pages_offer_no_login_to_a_logged_in_editor(app: TestApp) {
    use crate::admin_support::{user, Staff};
    user(&app, "anna", ratify::accounts::Role::Editor);
    let s = Staff::login(&app, "anna").await;
    for path in ["/finns-inte", "/parter/9999", "/?status=klart", "/admin/parter/9999", "/admin?status=klart"] {
        let resp = s.get(path).await;
        let status = resp.status().as_u16();
        assert!(status == 404 || status == 400, "{path}: {status}");
        let body = resp.text().await.unwrap();
        assert!(!body.contains("Logga in"), "{path} offers a login to someone logged in: {body}");
    }
    // Someone not logged in is still sent to the login.
    let resp = app.get("/admin").await;
    let body = resp.text().await.unwrap();
    assert!(body.contains("Logga in") || body.contains("logga-in"), "{body}");
}

/// The codes of the party table's rows, in order.
fn table_codes(body: &str) -> Vec<String> {
    let table = &body[body.find("<table class=\"party-table\"").expect("the table")..];
    let table = &table[..table.find("</table>").unwrap()];
    table.split("<tr data-code=\"").skip(1).map(|s| s.split('"').next().unwrap().to_string()).collect()
}

async fn repeated_filters_select_each_value(app: TestApp) {
    let token = app.token("t");
    app.record(&token, "1495", json!({"status": "adopted", "body": "KF", "decided_on": "2026-01-15"})).await;
    app.record(&token, "1490", json!({"status": "rejected", "body": "KF", "decided_on": "2026-03-03"})).await;
    app.record(&token, "1480", json!({"status": "tabled", "body": "KF", "decided_on": "2026-03-05"})).await;
    for page in ["/", "/parter"] {
        let both = table_codes(&html(&app, &format!("{page}?status=adopted&status=rejected")).await);
        assert_eq!(both, ["1490", "1495"], "{page}");
        let regions = table_codes(&html(&app, &format!("{page}?delregion=Sjuh%C3%A4rad&delregion=region")).await);
        assert_eq!(regions.len(), 9, "{page}: 8 in Sjuhärad and the region");
        assert!(regions.contains(&"14".to_string()) && regions.contains(&"1490".to_string()));
        let body = html(&app, &format!("{page}?status=adopted&status=rejected&status=tabled")).await;
        assert_eq!(table_codes(&body).len(), 3);
        // The form keeps every choice.
        assert!(body.contains("<select id=\"f-status\" name=\"status\" multiple>"), "{page}");
        assert_eq!(app.get(&format!("{page}?status=adopted&status=klart")).await.status().as_u16(), 400);
    }
    use crate::admin_support::{user, Staff};
    user(&app, "anna", ratify::accounts::Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let overview = s.page("/admin?status=adopted&status=rejected").await;
    assert!(overview.contains("Parter (2)"), "the overview takes both");
    let overview = s.page("/admin?delregion=Sjuh%C3%A4rad&delregion=regionen").await;
    assert!(overview.contains("Parter (9)"));
    assert_eq!(s.get("/admin?status=adopted&status=klart").await.status().as_u16(), 400);
}

async fn find_your_municipality_without_javascript(app: TestApp) {
    let home = html(&app, "/").await;
    let form = &home[home.find("<form class=\"find\"").expect("a find form")..];
    let form = &form[..form.find("</form>").unwrap()];
    assert!(form.contains("method=\"get\" action=\"/parter\""), "{form}");
    assert!(form.contains("<label for=\"f-hitta\">Hitta din kommun</label>"), "{form}");
    assert!(form.contains("name=\"q\""));
    // One match: straight to its page, keeping the date.
    let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for (q, code) in
        [("Essunga", "1445"), ("essunga", "1445"), ("1445", "1445"), ("bor%C3%A5s", "1490"), ("Ale", "1440")]
    {
        let resp = no_redirects.get(app.url(&format!("/parter?q={q}"))).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 303, "q={q}");
        assert_eq!(resp.headers()["location"], format!("/parter/{code}").as_str(), "q={q}");
    }
    let resp = no_redirects.get(app.url("/parter?q=essunga&datum=2026-03-01")).send().await.unwrap();
    assert_eq!(resp.headers()["location"], "/parter/1445?datum=2026-03-01");
    // Several: the table, filtered by the name.
    let body = html(&app, "/parter?q=borg").await;
    let codes = table_codes(&body);
    assert!(codes.len() >= 3 && codes.contains(&"1480".to_string()), "{codes:?}");
    assert!(body.contains("Du sökte på ”borg”."));
    // None: says so, with the form to try again.
    let body = html(&app, "/parter?q=Malm%C3%B6").await;
    assert!(table_codes(&body).is_empty());
    assert!(body.contains("Visar 0 av 50 parter (filtrerat)."), "no match");
    assert!(body.contains("value=\"Malmö\""), "the form keeps what was typed");
    // No search: every party.
    assert_eq!(table_codes(&html(&app, "/parter").await).len(), 50);
}

crate::both_backends!(
    statuses_and_abbreviations_are_explained_on_each_page,
    repeated_filters_select_each_value,
    find_your_municipality_without_javascript,
    error_pages_offer_no_login_to_a_logged_in_editor,
    the_embed_page_offers_its_snippet_and_may_be_framed,
    each_party_page_answers_the_question_first,
    plans_after_the_start_are_flagged_wherever_plans_are_shown,
    the_staff_overview_flags_plans_after_the_start,
    every_get_route_answers_head,
);

/// Every GET route, as clients reach them; `{code}`-style paths with a real party.
async fn get_routes(app: &TestApp) -> Vec<String> {
    let mut paths: Vec<String> = [
        "/",
        "/?status=adopted",
        "/parter",
        "/parter?q=borg",
        "/parter/1480",
        "/parter/14?datum=2026-03-01",
        "/inbaddning",
        "/badge.svg",
        "/tillganglighet",
        "/data/status.csv",
        "/data/status.csv?datum=2026-03-01",
        "/data/beslut.csv",
        "/feed.atom",
        "/feed.atom?part=1480",
        "/kalender.ics",
        "/kalender.ics?part=1480",
        "/api",
        "/rapporter",
        "/healthz",
        "/readyz",
        "/metrics",
        "/admin/logga-in",
        "/finns-inte",
    ]
    .map(String::from)
    .to_vec();
    // The stylesheet at its versioned address.
    let home = html(app, "/").await;
    let css = home.split("href=\"/static/").nth(1).unwrap().split('"').next().unwrap();
    paths.push(format!("/static/{css}"));
    // Every GET path the API documents.
    let doc = app.get_json("/api/v1/openapi.json", 200).await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if item.get("get").is_some() {
            paths.push(path.replace("{slug}", "hos-2027").replace("{code}", "1480"));
        }
    }
    paths
}

async fn every_get_route_answers_head(app: TestApp) {
    let token = app.token("t");
    app.record(&token, "1480", json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24"})).await;
    let paths = get_routes(&app).await;
    assert!(paths.iter().any(|p| p == "/api/v1/status"), "{paths:?}");
    for path in &paths {
        let get = app.get(path).await;
        let head = app.client.head(app.url(path)).send().await.unwrap();
        assert_eq!(head.status(), get.status(), "HEAD {path}");
        for name in [
            "content-type",
            "content-length",
            "etag",
            "cache-control",
            "content-disposition",
            "content-security-policy",
        ] {
            // The metrics count the GET just made: their length moves between two requests.
            if path == "/metrics" && name == "content-length" {
                continue;
            }
            assert_eq!(head.headers().get(name), get.headers().get(name), "HEAD {path}: {name}");
        }
        assert!(get.headers().get("content-type").is_some(), "{path}");
        assert!(head.bytes().await.unwrap().is_empty(), "HEAD {path} sends no body");
    }
}

async fn statuses_and_abbreviations_are_explained_on_each_page(app: TestApp) {
    let token = app.token("t");
    app.record(&token, "1445", json!({"status": "referred_back", "body": "KF", "decided_on": "2026-05-12"})).await;
    for path in ["/", "/parter", "/parter/1445", "/parter/14"] {
        let body = html(&app, path).await;
        let glossary = &body[body.find("<section class=\"glossary-section\" id=\"ordlista\"").expect(path)..];
        let glossary = &glossary[..glossary.find("</section>").unwrap()];
        assert!(
            glossary.contains("<dt id=\"ord-referred_back\"><dfn>Återremitterat</dfn></dt><dd>Fullmäktige skickade tillbaka ärendet för mer beredning.</dd>"),
            "{path}: {glossary}"
        );
        assert_eq!(glossary.matches("<dt id=\"ord-").count(), 9, "{path}: every status");
        for spelled in [
            "Hälso- och sjukvårdsavtalet",
            "Politiskt samrådsorgan",
            "<dfn>SRO</dfn>",
            "<dfn>HoS-avtalet</dfn>",
            "<dfn>Majoritetsalternativet</dfn>",
        ] {
            assert!(glossary.contains(spelled), "{path}: {spelled}");
        }
    }
    // Where the party's status is shown, it says what it means and links the glossary.
    let body = html(&app, "/parter/1445").await;
    assert!(body.contains(
        "<p class=\"status-explained\"><a href=\"#ord-referred_back\">Återremitterat</a>: fullmäktige skickade tillbaka ärendet för mer beredning.</p>"
    ));
    let home = html(&app, "/").await;
    assert!(home.contains("<a href=\"#ordlista\">Vad statusarna betyder</a>"), "the legend links the glossary");
    // One name for the majority alternative on the site and the card.
    for path in ["/", "/inbaddning", "/parter/1445"] {
        let body = html(&app, path).await;
        assert!(!body.contains("Majoritetsvillkoret") && !body.contains("Majoriteten är"), "{path}");
    }
    assert!(html(&app, "/inbaddning").await.contains("Majoritetsalternativet är inte uppfyllt än"));
}
