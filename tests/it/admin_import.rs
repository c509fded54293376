//! CSV import and export through the staff pages: previews with row errors, all-or-nothing
//! commits, Windows-1252 and semicolons, and export → import round trips.

use ratify::accounts::Role;
use serde_json::{json, Value};

use crate::admin_support::{audit_rows, user, Staff};
use crate::support::{Backend, TestApp};

const HEADER: &str = "party_code;status;body;decided_on;planned_on;reference;protocol_url;posted_on;note";

async fn a_file_with_one_bad_row_stores_nothing(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let file = format!(
        "{HEADER}\r\n1480;adopted;KF;2026-03-24;;KF § 45;https://x.se/p.pdf;2026-03-30;\r\n\
         1490;scheduled;KF;;2027-02-01;;;;\r\n1401;adopted;KF;;;KF § 9;;;saknar datum\r\n9999;proposed;KS;;;;;;\r\n"
    );
    let (path, html) = s.preview("kf.csv", file.into_bytes()).await;
    assert!(html.contains("Rad 4, kolumnen beslutsdatum"), "{html}");
    assert!(html.contains("Rad 5, kolumnen kommunkod"), "{html}");
    assert!(!html.contains("Spara alla"), "no commit button while rows are wrong");
    assert_eq!(app.event_count().await, 0, "a preview stores nothing");
    // Committing anyway (a crafted POST) stores nothing and reports the rows again.
    let resp = s.post(&path, &[]).await;
    assert_eq!(resp.status().as_u16(), 422);
    assert!(resp.text().await.unwrap().contains("Rad 4, kolumnen beslutsdatum"));
    assert_eq!(app.event_count().await, 0);
    assert!(audit_rows(&app, "import.commit").is_empty());
    // A file that is not the format is refused at upload, naming the problem.
    let resp = s.upload("fel.csv", b"kommun;beslut\n1480;ja\n".to_vec()).await;
    assert_eq!(resp.status().as_u16(), 422);
    assert!(resp.text().await.unwrap().contains("Kolumnen &quot;kommun&quot; är okänd"));
    let resp = s.upload("tom.csv", format!("{HEADER}\r\n;;;;;;;;\r\n").into_bytes()).await;
    assert_eq!(resp.status().as_u16(), 422);
    assert!(resp.text().await.unwrap().contains("inga händelser att importera"));
}

async fn windows_1252_with_semicolons_imports(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    // As Swedish Excel saves "CSV (semikolonavgränsad)": Windows-1252, `;`, CRLF, Swedish status labels.
    let text = "Party_code;Status;Body;Decided_on;Reference;Note\r\n\
                1480;Antaget;KF;2026-03-24;KF § 45;Beslut i Göteborgs KF – enhälligt, \"åäö\"\r\n\
                14;Föreslaget;RS;;RS § 12;Regionstyrelsen föreslår\r\n;;;;;\r\n";
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
    let (path, html) = s.preview("excel.csv", bytes.into_owned()).await;
    assert!(html.contains("Alla 2 rader är giltiga"), "{html}");
    let resp = s.post(&path, &[]).await;
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.text().await.unwrap().contains("2 händelser"));
    let party = app.get_json("/api/v1/parties/1480", 200).await;
    assert_eq!(party["status"], "adopted");
    assert_eq!(party["events"][0]["note"], "Beslut i Göteborgs KF – enhälligt, \"åäö\"");
    assert_eq!(party["events"][0]["reference"], "KF § 45");
    assert_eq!(app.get_json("/api/v1/parties/14", 200).await["status"], "proposed");
    // A second click stores nothing more.
    let resp = s.post(&path, &[]).await;
    assert!(resp.text().await.unwrap().contains("redan importerats"));
    assert_eq!(app.event_count().await, 2);
    let rows = audit_rows(&app, "import.commit");
    assert_eq!(rows.len(), 1);
    assert!(rows[0].details.contains("excel.csv") && rows[0].details.contains("2 händelser"), "{}", rows[0].details);
    // Another editor cannot open someone else's upload.
    user(&app, "bertil", Role::Editor);
    let b = Staff::login(&app, "bertil").await;
    assert_eq!(b.get(&path).await.status().as_u16(), 404);
}

/// Fills a database through the API with every kind of field, a subset and a correction.
async fn fill(app: &TestApp) {
    let token = app.token("fill");
    app.record(&token, "1480", json!({"status": "in_preparation", "note": "Rad 1\nRad 2; med \"citat\""})).await;
    app.record(&token, "1480", json!({"status": "scheduled", "body": "KF", "planned_on": "2027-03-01"})).await;
    app.record(
        &token,
        "1480",
        json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24", "reference": "KF § 45",
               "protocol_url": "https://goteborg.se/p.pdf", "posted_on": "2026-03-30"}),
    )
    .await;
    app.record(
        &token,
        "1480",
        json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24", "reference": "KF § 46",
               "corrects": 3, "note": "Fel paragraf"}),
    )
    .await;
    app.record(
        &token,
        "1490",
        json!({"status": "rejected", "body": "KF", "decided_on": "2026-04-02",
               "instruments": ["ok-hjalpmedel", "avtal"]}),
    )
    .await;
    app.record(&token, "14", json!({"status": "proposed", "body": "RS", "reference": "RS, § 3"})).await;
    // Text a spreadsheet would take for a formula.
    app.record(&token, "1401", json!({"status": "proposed", "reference": "-", "note": "=HYPERLINK(\"http://x.se\")"}))
        .await;
}

/// The export's rows with the columns that must survive (ids compared through their position).
fn comparable(csv_text: &str) -> Vec<Vec<String>> {
    let text = csv_text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
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
            // `corrects` as the position of the corrected row.
            let c = &r[col("corrects")];
            row.push(if c.is_empty() { String::new() } else { ids.iter().position(|i| i == c).unwrap().to_string() });
            row
        })
        .collect()
}

async fn export_then_import_round_trips(app: TestApp) {
    fill(&app).await;
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let resp = s.get("/admin/export.csv").await;
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(resp.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
    let exported = resp.bytes().await.unwrap().to_vec();
    assert!(exported.starts_with(b"\xEF\xBB\xBF"), "a BOM so Excel reads UTF-8");
    let first = String::from_utf8(exported.clone()).unwrap();
    assert_eq!(comparable(&first).len(), 7);
    assert!(first.contains("'=HYPERLINK"), "no formula reaches a spreadsheet");

    let backend = if app.db.backend() == ratify::db::Backend::Sqlite { Backend::Sqlite } else { Backend::Postgres };
    let fresh = TestApp::spawn(backend).await;
    user(&fresh, "anna", Role::Editor);
    let f = Staff::login(&fresh, "anna").await;
    let (path, html) = f.preview("export.csv", exported).await;
    assert!(html.contains("Alla 7 rader är giltiga"), "{html}");
    assert_eq!(f.post(&path, &[]).await.status().as_u16(), 200);
    let second = f.get("/admin/export.csv").await.text().await.unwrap();
    assert_eq!(comparable(&first), comparable(&second), "the same events, the same corrections");
    // And the same picture: statuses, latest decisions, corrections.
    let a: Value = app.get_json("/api/v1/parties/1480", 200).await;
    let b: Value = fresh.get_json("/api/v1/parties/1480", 200).await;
    assert_eq!(a["status"], b["status"]);
    assert_eq!(a["latest_decision"]["reference"], b["latest_decision"]["reference"]);
    assert_eq!(b["events"][2]["corrected_by"], b["events"][3]["id"]);
    assert_eq!(fresh.get_json("/api/v1/parties/1401", 200).await["events"][0]["note"], "=HYPERLINK(\"http://x.se\")");
    for code in ["1490", "14", "1401"] {
        let a = app.get_json(&format!("/api/v1/parties/{code}"), 200).await;
        let b = fresh.get_json(&format!("/api/v1/parties/{code}"), 200).await;
        assert_eq!(a["status"], b["status"], "{code}");
        assert_eq!(a["instruments"], b["instruments"], "{code}");
    }
}

async fn an_exported_withdrawal_imports_as_a_withdrawal(app: TestApp) {
    let token = app.token("t");
    app.record(&token, "1460", json!({"status": "in_preparation"})).await;
    let wrong =
        app.record(&token, "1460", json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24"})).await;
    let resp = app
        .client
        .post(app.url(&format!("/api/v1/events/{}/withdraw", wrong["id"])))
        .bearer_auth(&token)
        .json(&json!({"reason": "Fel kommun"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let first = s.get("/admin/export.csv").await.text().await.unwrap();
    assert!(first.contains(";withdrawn;"), "{first}");
    let backend = if app.db.backend() == ratify::db::Backend::Sqlite { Backend::Sqlite } else { Backend::Postgres };
    let fresh = TestApp::spawn(backend).await;
    user(&fresh, "anna", Role::Editor);
    let f = Staff::login(&fresh, "anna").await;
    let (path, html) = f.preview("export.csv", first.clone().into_bytes()).await;
    assert!(html.contains("Alla 3 rader är giltiga"), "{html}");
    assert_eq!(f.post(&path, &[]).await.status().as_u16(), 200);
    let second = f.get("/admin/export.csv").await.text().await.unwrap();
    assert_eq!(comparable(&first), comparable(&second), "the same events, the same withdrawal");
    let party = fresh.get_json("/api/v1/parties/1460", 200).await;
    assert_eq!(party["status"], "in_preparation", "{party}");
    assert_eq!(party["events"][2]["status"], "withdrawn");
    // A withdrawal row must name what it withdraws, and why.
    let step = &party["events"][0]["id"];
    let file = format!("kommunkod;status;rättar;anteckning\r\n1460;Tillbakadragen;;Fel\r\n1460;withdrawn;{step};\r\n");
    let (_, html) = f.preview("fel.csv", file.into_bytes()).await;
    assert!(html.contains("Rad 2, kolumnen rättar: En rad med status Tillbakadragen ska"), "{html}");
    assert!(html.contains("Rad 3, kolumnen anteckning: Fältet ”Motivering” saknas"), "{html}");
}

async fn corrections_in_a_file_point_backwards_or_at_stored_events(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let token = app.token("t");
    app.record(&token, "1480", json!({"status": "in_preparation"})).await;
    let file = "event_id;party_code;status;decided_on;corrects;note\n\
                a;1480;adopted;2026-03-24;;\n\
                b;1480;rejected;2026-03-24;a;Fel utfall\n\
                c;1480;proposed;;1;Fel status i den sparade\n\
                d;1490;proposed;;e;Pekar framåt\n\
                e;1490;scheduled;;;\n";
    let (_, html) = s.preview("r.csv", file.as_bytes().to_vec()).await;
    assert!(html.contains("Rad 5, kolumnen rättar"), "{html}");
    assert!(html.contains("kommer senare i filen"), "{html}");
    assert!(html.contains("Rad 6, kolumnen planerat"), "{html}");
    assert!(!html.contains("Rad 3,") && !html.contains("Rad 4,"), "backward and stored references are fine");
    assert_eq!(app.event_count().await, 1);
}

/// The href of the link whose text starts with `text`.
fn link_to(html: &str, text: &str) -> String {
    let end = html.find(&format!(">{text}")).unwrap_or_else(|| panic!("a link {text}: {html}"));
    let start = html[..end].rfind("href=\"").expect("href") + "href=\"".len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

async fn the_import_page_links_the_example_file_and_the_guide(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let page = s.page("/admin/import").await;
    let example = link_to(&page, "Ladda ned en exempelfil");
    let guide = link_to(&page, "användarhandledningen");
    let resp = s.get(&example).await;
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(resp.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let body = resp.text().await.unwrap();
    let file = std::fs::read_to_string(format!("{}/docs/exempel-import.csv", env!("CARGO_MANIFEST_DIR"))).unwrap();
    assert_eq!(body, file);
    let resp = s.get(&guide).await;
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.headers()["content-type"], "text/plain; charset=utf-8");
    let body = resp.text().await.unwrap();
    let file = std::fs::read_to_string(format!("{}/docs/anvandarhandledning.md", env!("CARGO_MANIFEST_DIR"))).unwrap();
    assert_eq!(body, file);
    assert!(body.contains("## 5. Importera ett kalkylark"));
    // The example file imports as it is, as the guide says.
    let (path, preview) = s.preview("exempel-import.csv", file_bytes("docs/exempel-import.csv")).await;
    assert!(!preview.contains("class=\"error\""), "{preview}");
    assert_eq!(s.post(&path, &[]).await.status().as_u16(), 200);
    // Behind the staff login.
    let anonymous = Staff::anonymous(&app, None).await;
    for path in [example, guide] {
        let resp = anonymous.get(&path).await;
        assert_eq!(resp.status().as_u16(), 303, "{path}");
        assert!(crate::admin_support::location(&resp).starts_with("/admin/logga-in?next="), "{path}");
    }
}

fn file_bytes(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

async fn rows_with_warnings_need_the_editors_confirmation(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let past = ratify::clock::today() - chrono::Days::new(3);
    // Header = row 1. Row 2 is fine; row 3 plans a meeting already held; row 4 names KF in a KS proposal.
    let file = format!(
        "kommunkod;status;organ;planerat;paragraf\r\n\
         1480;Under beredning;;;\r\n\
         1490;Beslut planerat;KF;{past};\r\n\
         1460;Föreslaget;KS;;KF § 5\r\n"
    );
    let (path, html) = s.preview("varningar.csv", file.into_bytes()).await;
    let box_ = &html[html.find("id=\"varningar\"").expect("the warnings")..];
    assert!(box_.contains("2 rader ser ut att innehålla fel"), "{box_}");
    assert!(box_.contains("Rad 3, kolumnen planerat: Fältet ”Planerat sammanträde”"), "{box_}");
    assert!(box_.contains("har redan varit"), "{box_}");
    assert!(
        box_.contains("Rad 4, kolumnen paragraf: Fältet ”Paragraf” ”KF § 5” anger Kommunfullmäktige (KF)"),
        "{box_}"
    );
    assert!(!box_.contains("Rad 2,"), "row 2 has nothing to warn of");
    assert!(box_.contains("name=\"bekraftat\" value=\"ja\""), "a confirmation box");
    // Beside each row too.
    let table = &html[html.find("<table").unwrap()..];
    let row = |line: &str| {
        let at = table.find(&format!("<tr><td>{line}</td>")).unwrap_or_else(|| panic!("row {line}: {table}"));
        table[at..at + table[at..].find("</tr>").unwrap()].to_string()
    };
    assert!(row("3").contains("class=\"warning\">Varning: Fältet ”Planerat sammanträde”"), "{}", row("3"));
    assert!(row("4").contains("class=\"warning\">Varning: Fältet ”Paragraf”"), "{}", row("4"));
    assert!(!row("2").contains("Varning"));
    // Saved without confirming: nothing stored, the page says why beside the box.
    let resp = s.post(&path, &[]).await;
    assert_eq!(resp.status().as_u16(), 422);
    let body = resp.text().await.unwrap();
    assert!(body.contains("<p class=\"error\" id=\"bekraftat-fel\">Inget är sparat."), "{body}");
    assert!(body.contains("aria-describedby=\"bekraftat-fel\""));
    assert_eq!(app.event_count().await, 0);
    assert!(audit_rows(&app, "import.commit").is_empty());
    // Confirmed: all three stored, once.
    let resp = s.post(&path, &[("bekraftat", "ja")]).await;
    assert_eq!(resp.status().as_u16(), 200, "{}", resp.text().await.unwrap());
    assert_eq!(app.event_count().await, 3);
    let again = s.post(&path, &[("bekraftat", "ja")]).await.text().await.unwrap();
    assert!(again.contains("redan importerats"));
    assert_eq!(app.event_count().await, 3);
}

crate::both_backends!(
    an_exported_withdrawal_imports_as_a_withdrawal,
    rows_with_warnings_need_the_editors_confirmation,
    the_import_page_links_the_example_file_and_the_guide,
    a_file_with_one_bad_row_stores_nothing,
    windows_1252_with_semicolons_imports,
    export_then_import_round_trips,
    corrections_in_a_file_point_backwards_or_at_stored_events,
);
