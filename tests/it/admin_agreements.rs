//! The staff workspace with two agreements: the agreement list on /admin, each agreement's own
//! overview and party pages under /admin/avtal/{slug}, writes that land in that agreement only,
//! and import and export with the `avtal` column.

use ratify::accounts::Role;
use ratify::ratification::Threshold;
use serde_json::json;

use crate::admin_party::latest_in;
use crate::admin_support::{audit_rows, client_from, location, user, Staff};
use crate::both_backends;
use crate::support::{second_agreement, Backend, TestApp};

const FYRBODAL: [&str; 14] =
    ["1421", "1427", "1430", "1435", "1438", "1439", "1460", "1461", "1484", "1485", "1486", "1487", "1488", "1492"];
const SLUG: &str = "fyrbodal-test";

/// Fyrbodal's 14 municipalities, more than half (8) to adopt, no region; returns its id.
fn add_fyrbodal(app: &TestApp) -> i32 {
    app.add_agreement(&second_agreement(SLUG, &FYRBODAL, Threshold::MORE_THAN_HALF))
}

fn events_of(app: &TestApp, agreement_id: i32) -> Vec<ratify::events::Event> {
    app.db.read_blocking(|c| ratify::events::all(c, agreement_id).map_err(ratify::db::DbError::from)).unwrap()
}

fn featured_id(app: &TestApp) -> i32 {
    app.db
        .read_blocking(|c| {
            ratify::agreement::load(c, ratify::agreement::DEFAULT_FEATURED).map_err(ratify::db::DbError::from)
        })
        .unwrap()
        .id
}

/// The part of `html` from `from` to the next `to`.
fn section<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let a = html.find(from).expect(from);
    let b = html[a..].find(to).map(|i| a + i).unwrap_or(html.len());
    &html[a..b]
}

async fn the_overview_lists_the_agreements_and_each_has_its_own_parties(app: TestApp) {
    let id = add_fyrbodal(&app);
    let token = app.token("t");
    app.record(&token, "1480", json!({"status": "proposed", "body": "KS"})).await;
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let html = s.page("/admin").await;
    let list = section(&html, "id=\"avtal\"", "</table>");
    assert!(list.contains("Avtal (2)"), "{list}");
    assert!(list.contains("href=\"/admin/avtal/hos-2027\"") && list.contains("href=\"/admin/avtal/fyrbodal-test\""));
    let row = |slug: &str| {
        let at = list.find(&format!("<code>{slug}</code>")).unwrap_or_else(|| panic!("{slug} listed"));
        &list[at..at + list[at..].find("</tr>").unwrap()]
    };
    // Parties, events, start, featured.
    assert!(row("hos-2027").contains("<td>50</td><td>1</td>") && row("hos-2027").contains("<td>Ja</td>"));
    assert!(row(SLUG).contains("<td>14</td><td>0</td>") && row(SLUG).contains("1 januari 2028"), "{}", row(SLUG));
    assert!(!row(SLUG).contains("<td>Ja</td>"));
    assert!(list.contains("Testavtalet fyrbodal-test</a>"));
    // Today's overview is still the featured agreement's 50 parties.
    assert!(section(&html, "id=\"parter\"", "</table>").contains("Parter (50)"));
    assert!(html.contains("href=\"/admin/parter/1480\""));

    let html = s.page("/admin/avtal/fyrbodal-test").await;
    let parties = section(&html, "id=\"parter\"", "</table>");
    assert!(parties.contains("Parter (14)"), "{parties}");
    assert!(html.contains("0 av 14"), "its own counts");
    assert!(parties.contains("href=\"/admin/avtal/fyrbodal-test/parter/1430\""));
    assert!(!parties.contains(">Göteborg</a>") && !parties.contains("Västra Götalandsregionen"));
    assert!(!html.contains("href=\"/admin/parter/"), "its links stay in the agreement");
    assert!(html.contains("action=\"/admin/avtal/fyrbodal-test\""), "the filters too");
    let html = s.page("/admin/avtal/fyrbodal-test?delregion=Fyrbodal&status=not_started").await;
    assert!(section(&html, "id=\"parter\"", "</table>").contains("Parter (14)"));
    let resp = s.get("/admin/avtal/finns-inte").await;
    assert_eq!(resp.status().as_u16(), 404);
    assert!(resp.text().await.unwrap().contains("finns-inte"));
    assert!(events_of(&app, id).is_empty());
}

async fn the_agreements_party_page_writes_into_that_agreement_only(app: TestApp) {
    let id = add_fyrbodal(&app);
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let html = s.page("/admin/avtal/fyrbodal-test/parter/1430").await;
    assert!(html.contains("Munkedal") && html.contains("Inga händelser registrerade ännu"));
    assert!(html.contains("action=\"/admin/avtal/fyrbodal-test/parter/1430/handelser\""), "{html}");
    assert!(html.contains("href=\"/admin/avtal/fyrbodal-test\""), "back to its own overview");
    let latest = latest_in(&html);
    let fields = [
        ("latest", latest.as_str()),
        ("status", "adopted"),
        ("body", "KF"),
        ("decided_on", "2026-03-24"),
        ("reference", "KF § 12"),
        ("instruments", "avtal"),
    ];
    let resp = s.post("/admin/avtal/fyrbodal-test/parter/1430/handelser", &fields).await;
    assert_eq!(resp.status().as_u16(), 303, "{}", resp.text().await.unwrap());
    let back = location(&resp);
    assert!(back.starts_with("/admin/avtal/fyrbodal-test/parter/1430?sparad="), "{back}");
    let html = s.page(&back).await;
    assert!(html.contains("är sparad") && html.contains("KF § 12"), "{html}");
    let stored = events_of(&app, id);
    assert_eq!(stored.len(), 1);
    assert_eq!((stored[0].party_code.as_str(), stored[0].reference.as_deref()), ("1430", Some("KF § 12")));
    assert!(events_of(&app, featured_id(&app)).is_empty(), "nothing in hos-2027");
    assert_eq!(app.get_json("/api/v1/parties/1430", 200).await["status"], "not_started");
    assert!(s.page("/admin/parter/1430").await.contains("Inga händelser registrerade ännu"));
    let audit = audit_rows(&app, "event.create");
    assert!(audit[0].details.contains("i avtalet fyrbodal-test för part 1430"), "{}", audit[0].details);
    // The form of the featured agreement, while the other has an event for the party: no conflict.
    let html = s.page("/admin/parter/1430").await;
    assert_eq!(latest_in(&html), "");
    let fields = [("latest", ""), ("status", "proposed"), ("body", "KS"), ("instruments", "avtal")];
    let resp = s.post("/admin/parter/1430/handelser", &fields).await;
    assert_eq!(resp.status().as_u16(), 303, "{}", resp.text().await.unwrap());
    assert_eq!(events_of(&app, featured_id(&app)).len(), 1);

    // Correct and withdraw, from the agreement's own pages.
    let first = stored[0].id;
    let html = s.page(&format!("/admin/avtal/fyrbodal-test/parter/1430/ratta/{first}")).await;
    assert!(html.contains("action=\"/admin/avtal/fyrbodal-test/parter/1430/handelser\""));
    assert!(html.contains(&format!("name=\"corrects\" value=\"{first}\"")), "{html}");
    let page = format!("/admin/avtal/fyrbodal-test/parter/1430/dra-tillbaka/{first}");
    let html = s.page(&page).await;
    assert!(html.contains(&format!("action=\"{page}\"")), "{html}");
    let resp = s.post(&page, &[("reason", "Fel kommun")]).await;
    assert_eq!(resp.status().as_u16(), 303, "{}", resp.text().await.unwrap());
    assert!(location(&resp).starts_with("/admin/avtal/fyrbodal-test/parter/1430?sparad="));
    let stored = events_of(&app, id);
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[1].corrects, Some(first));
    assert!(stored[1].is_withdrawal());
    // A hos-2027 event cannot be withdrawn through the other agreement's page.
    let theirs = events_of(&app, featured_id(&app))[0].id;
    let resp =
        s.post(&format!("/admin/avtal/fyrbodal-test/parter/1430/dra-tillbaka/{theirs}"), &[("reason", "x")]).await;
    assert_eq!(resp.status().as_u16(), 404);
    assert_eq!(events_of(&app, featured_id(&app)).len(), 1);

    // A party outside the agreement: 404 naming both, and nothing stored.
    let resp = s.get("/admin/avtal/fyrbodal-test/parter/1480").await;
    assert_eq!(resp.status().as_u16(), 404);
    let text = resp.text().await.unwrap();
    assert!(text.contains("Göteborg") && text.contains("Testavtalet fyrbodal-test"), "{text}");
    let fields = [("latest", ""), ("status", "proposed"), ("body", "KS"), ("instruments", "avtal")];
    let resp = s.post("/admin/avtal/fyrbodal-test/parter/1480/handelser", &fields).await;
    assert_eq!(resp.status().as_u16(), 404);
    assert!(resp.text().await.unwrap().contains("ingår inte i avtalet Testavtalet fyrbodal-test"));
    let resp = s.post("/admin/avtal/finns-inte/parter/1430/handelser", &fields).await;
    assert_eq!(resp.status().as_u16(), 404);
    assert_eq!(events_of(&app, id).len(), 2);
    assert_eq!(events_of(&app, featured_id(&app)).len(), 1);
}

async fn the_new_routes_are_gated(app: TestApp) {
    add_fyrbodal(&app);
    let client = client_from(None);
    for path in [
        "/admin/avtal/fyrbodal-test",
        "/admin/avtal/fyrbodal-test/parter/1430",
        "/admin/avtal/fyrbodal-test/parter/1430/handelser",
        "/admin/avtal/fyrbodal-test/parter/1430/ratta/1",
        "/admin/avtal/fyrbodal-test/parter/1430/dra-tillbaka/1",
    ] {
        let get = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(get.status().as_u16(), 303, "anonymous GET {path}");
        assert!(location(&get).starts_with("/admin/logga-in?next="), "{path}");
        let post = client.post(app.url(path)).form(&[("status", "adopted"), ("latest", "")]).send().await.unwrap();
        assert_eq!(post.status().as_u16(), 401, "anonymous POST {path}");
    }
    // A logged-in editor without the form's token: refused, nothing stored.
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let fields = [("latest", ""), ("status", "proposed"), ("body", "KS"), ("instruments", "avtal")];
    let resp = s.post_raw("/admin/avtal/fyrbodal-test/parter/1430/handelser", &fields).await;
    assert_eq!(resp.status().as_u16(), 403);
    assert_eq!(app.event_count().await, 0);
    let id = app.db.read_blocking(|c| ratify::agreement::load(c, SLUG).map_err(ratify::db::DbError::from)).unwrap().id;
    assert!(events_of(&app, id).is_empty());
}

async fn a_mixed_file_goes_to_each_rows_agreement(app: TestApp) {
    let id = add_fyrbodal(&app);
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let file = "avtal;kommunkod;status;organ;beslutsdatum;paragraf\r\n\
                fyrbodal-test;1430;Antaget;KF;2026-03-02;KF § 1\r\n\
                ;1480;Antaget;KF;2026-03-02;KF § 2\r\n\
                hos-2027;1430;Föreslaget;KS;;KS § 3\r\n\
                fyrbodal-test;1487;Under beredning;;;\r\n";
    let (path, html) = s.preview("blandad.csv", file.as_bytes().to_vec()).await;
    assert!(html.contains("Alla 4 rader är giltiga"), "{html}");
    assert!(events_of(&app, id).is_empty(), "a preview stores nothing");
    let resp = s.post(&path, &[]).await;
    assert_eq!(resp.status().as_u16(), 200);
    let mine: Vec<(String, String)> =
        events_of(&app, id).into_iter().map(|e| (e.party_code, e.status.code().to_string())).collect();
    assert_eq!(mine, [("1430".into(), "adopted".into()), ("1487".into(), "in_preparation".into())]);
    let featured: Vec<(String, String)> =
        events_of(&app, featured_id(&app)).into_iter().map(|e| (e.party_code, e.status.code().to_string())).collect();
    assert_eq!(featured, [("1480".into(), "adopted".into()), ("1430".into(), "proposed".into())]);
    let rows = audit_rows(&app, "import.commit");
    assert!(rows[0].details.contains("i avtalen fyrbodal-test, hos-2027"), "{}", rows[0].details);
    let created = audit_rows(&app, "event.create");
    assert_eq!(created.iter().filter(|r| r.details.contains("i avtalet fyrbodal-test")).count(), 2);

    // A row for a party outside its agreement is a row error, and the file stores nothing.
    let file = "avtal;kommunkod;status\r\n;1480;Föreslaget\r\nfyrbodal-test;1480;Föreslaget\r\n";
    let (path, html) = s.preview("fel.csv", file.as_bytes().to_vec()).await;
    assert!(html.contains("Rad 3, kolumnen kommunkod: Parten Göteborg ingår inte i avtalet"), "{html}");
    assert_eq!(s.post(&path, &[]).await.status().as_u16(), 422);
    assert_eq!(events_of(&app, featured_id(&app)).len(), 2);
}

async fn an_old_file_without_the_column_imports_into_the_featured_agreement(app: TestApp) {
    let id = add_fyrbodal(&app);
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    // 1430 is a party of both: with no avtal column the row is the featured agreement's.
    let file = "kommunkod;status;organ;paragraf\r\n1430;Föreslaget;KS;KS § 9\r\n";
    let (path, html) = s.preview("gammal.csv", file.as_bytes().to_vec()).await;
    assert!(html.contains("Raden är giltig"), "{html}");
    assert_eq!(s.post(&path, &[]).await.status().as_u16(), 200);
    assert_eq!(app.get_json("/api/v1/parties/1430", 200).await["status"], "proposed");
    assert!(events_of(&app, id).is_empty());
    assert!(audit_rows(&app, "import.commit")[0].details.contains("i avtalet hos-2027"));
}

async fn an_unknown_agreement_is_refused_with_nothing_stored(app: TestApp) {
    let id = add_fyrbodal(&app);
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let file = "avtal;kommunkod;status\r\nfyrbodal-test;1430;Föreslaget\r\nfyrbodal;1430;Föreslaget\r\n";
    let (path, html) = s.preview("okant.csv", file.as_bytes().to_vec()).await;
    assert!(html.contains("Rad 3, kolumnen avtal: Kolumnen avtal anger &quot;fyrbodal&quot;"), "{html}");
    assert!(html.contains("hos-2027, fyrbodal-test"), "the known agreements are named");
    assert!(!html.contains("Spara alla"));
    let resp = s.post(&path, &[]).await;
    assert_eq!(resp.status().as_u16(), 422);
    assert_eq!(app.event_count().await, 0);
    assert!(events_of(&app, id).is_empty(), "not even the good row");
    assert!(audit_rows(&app, "import.commit").is_empty());
}

/// The export's rows without the ids (which a new database gives anew), `corrects` as the position
/// of the row corrected.
fn comparable(csv_text: &str) -> Vec<Vec<String>> {
    let text = csv_text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("column {name}"));
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let ids: Vec<String> = records.iter().map(|r| r[col("event_id")].to_string()).collect();
    records
        .iter()
        .map(|r| {
            let mut row: Vec<String> = headers
                .iter()
                .filter(|h| !["event_id", "corrects", "recorded_by", "recorded_at"].contains(h))
                .map(|h| r[col(h)].to_string())
                .collect();
            let c = &r[col("corrects")];
            row.push(if c.is_empty() { String::new() } else { ids.iter().position(|i| i == c).unwrap().to_string() });
            row
        })
        .collect()
}

async fn export_then_import_round_trips_both_agreements(app: TestApp) {
    add_fyrbodal(&app);
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let token = app.token("t");
    app.record(&token, "1480", json!({"status": "proposed", "body": "KS", "reference": "KS § 4"})).await;
    // The other agreement's events, one corrected, one withdrawn, through its pages.
    let base = "/admin/avtal/fyrbodal-test/parter/1430";
    let adopted = [
        ("latest", ""),
        ("status", "adopted"),
        ("body", "KF"),
        ("decided_on", "2026-03-24"),
        ("reference", "KF § 12"),
        ("instruments", "avtal"),
    ];
    assert_eq!(s.post(&format!("{base}/handelser"), &adopted).await.status().as_u16(), 303);
    let html = s.page(base).await;
    let latest = latest_in(&html);
    let corrected = [
        ("latest", latest.as_str()),
        ("corrects", latest.as_str()),
        ("status", "adopted"),
        ("body", "KF"),
        ("decided_on", "2026-03-24"),
        ("reference", "KF § 13"),
        ("note", "Fel paragraf"),
        ("instruments", "avtal"),
    ];
    let resp = s.post(&format!("{base}/handelser"), &corrected).await;
    assert_eq!(resp.status().as_u16(), 303, "{}", resp.text().await.unwrap());
    let fields = [("latest", ""), ("status", "in_preparation"), ("instruments", "avtal")];
    assert_eq!(s.post("/admin/avtal/fyrbodal-test/parter/1487/handelser", &fields).await.status().as_u16(), 303);
    let html = s.page("/admin/avtal/fyrbodal-test/parter/1487").await;
    let step = latest_in(&html);
    let resp =
        s.post(&format!("/admin/avtal/fyrbodal-test/parter/1487/dra-tillbaka/{step}"), &[("reason", "Fel")]).await;
    assert_eq!(resp.status().as_u16(), 303);
    app.record(&token, "14", json!({"status": "proposed", "body": "RS"})).await;

    let first = s.get("/admin/export.csv").await.text().await.unwrap();
    let header = first.trim_start_matches('\u{feff}').lines().next().unwrap().to_string();
    assert!(header.ends_with(";avtal"), "{header}");
    let rows = comparable(&first);
    assert_eq!(rows.len(), 6, "{first}");
    let slugs: Vec<&str> = rows.iter().map(|r| r[r.len() - 2].as_str()).collect();
    assert_eq!(slugs, ["hos-2027", SLUG, SLUG, SLUG, SLUG, "hos-2027"], "{first}");
    // One agreement only.
    let only = s.get("/admin/export.csv?avtal=fyrbodal-test").await;
    assert_eq!(only.status().as_u16(), 200);
    assert!(only.headers()["content-disposition"].to_str().unwrap().contains("fyrbodal-test"));
    let only = only.text().await.unwrap();
    assert_eq!(comparable(&only).len(), 4);
    assert!(!only.contains(";hos-2027"), "{only}");
    assert_eq!(s.get("/admin/export.csv?avtal=finns-inte").await.status().as_u16(), 404);

    let backend = if app.db.backend() == ratify::db::Backend::Sqlite { Backend::Sqlite } else { Backend::Postgres };
    let fresh = TestApp::spawn(backend).await;
    add_fyrbodal(&fresh);
    user(&fresh, "anna", Role::Editor);
    let f = Staff::login(&fresh, "anna").await;
    let (path, html) = f.preview("export.csv", first.clone().into_bytes()).await;
    assert!(html.contains("Alla 6 rader är giltiga"), "{html}");
    assert_eq!(f.post(&path, &[]).await.status().as_u16(), 200);
    let second = f.get("/admin/export.csv").await.text().await.unwrap();
    assert_eq!(comparable(&first), comparable(&second), "the same events in the same agreements");
    let fyrbodal =
        fresh.db.read_blocking(|c| ratify::agreement::load(c, SLUG).map_err(ratify::db::DbError::from)).unwrap().id;
    let events = events_of(&fresh, fyrbodal);
    assert_eq!(events.len(), 4);
    assert_eq!(events[1].corrects, Some(events[0].id));
    assert!(events[3].is_withdrawal() && events[3].corrects == Some(events[2].id));
}

async fn the_audit_trail_filters_by_agreement(app: TestApp) {
    add_fyrbodal(&app);
    user(&app, "ada", Role::Admin);
    let s = Staff::login(&app, "ada").await;
    let fields = [("latest", ""), ("status", "proposed"), ("body", "KS"), ("instruments", "avtal")];
    assert_eq!(s.post("/admin/avtal/fyrbodal-test/parter/1430/handelser", &fields).await.status().as_u16(), 303);
    let html = s.page("/admin/parter/1480").await;
    let insts: Vec<(&str, &str)> = ["avtal", "ok-1", "ok-2", "ok-3", "ok-4"]
        .iter()
        .filter(|i| html.contains(&format!("value=\"{i}\"")))
        .map(|i| ("instruments", *i))
        .collect();
    let mut hos = vec![("latest", ""), ("status", "proposed"), ("body", "KS")];
    hos.extend(insts);
    assert_eq!(s.post("/admin/parter/1480/handelser", &hos).await.status().as_u16(), 303);
    let file = "avtal;kommunkod;status\r\nfyrbodal-test;1487;Föreslaget\r\nhos-2027;1401;Föreslaget\r\n";
    let (path, _) = s.preview("tva.csv", file.as_bytes().to_vec()).await;
    assert_eq!(s.post(&path, &[]).await.status().as_u16(), 200);

    let all = s.page("/admin/logg").await;
    assert!(all.contains("i avtalet fyrbodal-test för part 1430") && all.contains("i avtalet hos-2027 för part 1480"));
    assert!(all.contains("Inloggning"));
    let only = s.page("/admin/logg?avtal=fyrbodal-test").await;
    assert!(only.contains("i avtalet fyrbodal-test för part 1430"), "{only}");
    assert!(only.contains("i avtalet fyrbodal-test för part 1487"), "{only}");
    assert!(only.contains("tva.csv"), "the import that went to both");
    assert!(!only.contains("i avtalet hos-2027 för part"), "{only}");
    assert!(!only.contains("<td>Inloggning</td>"), "{only}");
    assert!(only.contains("(3 rader)"), "{only}");
    assert!(only.contains("<option value=\"fyrbodal-test\" selected"), "{only}");
    let featured = s.page("/admin/logg?avtal=hos-2027").await;
    assert!(featured.contains("i avtalet hos-2027 för part 1480") && featured.contains("tva.csv"));
    assert!(!featured.contains("i avtalet fyrbodal-test för part"), "{featured}");
    let resp = s.get("/admin/logg?avtal=finns-inte").await;
    assert_eq!(resp.status().as_u16(), 400);
    assert!(resp.text().await.unwrap().contains("Okänt avtal"));
}

both_backends!(
    the_audit_trail_filters_by_agreement,
    the_overview_lists_the_agreements_and_each_has_its_own_parties,
    the_agreements_party_page_writes_into_that_agreement_only,
    the_new_routes_are_gated,
    a_mixed_file_goes_to_each_rows_agreement,
    an_old_file_without_the_column_imports_into_the_featured_agreement,
    an_unknown_agreement_is_refused_with_nothing_stored,
    export_then_import_round_trips_both_agreements,
);
