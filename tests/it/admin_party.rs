//! The party page: recording through the form, errors beside the fields, corrections, the
//! lost-update guard between two editors, and escaping of what editors type.

use ratify::accounts::Role;
use serde_json::{json, Value};

use crate::admin_support::{audit_rows, location, user, Staff};
use crate::support::TestApp;

/// The `latest` value the party page's form carries.
pub fn latest_in(html: &str) -> String {
    let at = html.find("name=\"latest\" value=\"").expect("a latest field");
    let rest = &html[at + "name=\"latest\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

const ALL_INSTRUMENTS: [&str; 5] = ["avtal", "ok-1", "ok-2", "ok-3", "ok-4"];

fn instruments(app_html: &str) -> Vec<String> {
    // The checkbox values, as the page offers them.
    app_html
        .match_indices("name=\"instruments\" value=\"")
        .map(|(i, m)| {
            let rest = &app_html[i + m.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

async fn adoption_fields<'a>(latest: &'a str, insts: &'a [String], reference: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("latest", latest),
        ("status", "adopted"),
        ("body", "KF"),
        ("decided_on", "2026-03-24"),
        ("reference", reference),
        ("protocol_url", "https://goteborg.se/kf-2026-03-24.pdf"),
        ("posted_on", "2026-03-30"),
        ("note", "Enligt KS förslag."),
    ];
    for i in insts {
        f.push(("instruments", i));
    }
    f
}

async fn an_editor_records_an_adoption(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let html = s.page("/admin/parter/1480").await;
    assert!(html.contains("Göteborg") && html.contains("Inga händelser registrerade ännu"));
    let insts = instruments(&html);
    assert_eq!(insts.len(), ALL_INSTRUMENTS.len(), "{insts:?}");
    let latest = latest_in(&html);
    assert_eq!(latest, "");
    let resp = s.post("/admin/parter/1480/handelser", &adoption_fields(&latest, &insts, "KF § 45").await).await;
    assert_eq!(resp.status().as_u16(), 303);
    assert!(location(&resp).starts_with("/admin/parter/1480?sparad="));
    let html = s.page(&location(&resp)).await;
    assert!(html.contains("är sparad") && html.contains("KF § 45") && html.contains("Antaget"));
    let party = app.get_json("/api/v1/parties/1480", 200).await;
    assert_eq!(party["status"], "adopted");
    assert_eq!(party["events"][0]["reference"], "KF § 45");
    assert_eq!(party["events"][0]["instruments"].as_array().unwrap().len(), 5, "all ticked = the whole agreement");
    let stored =
        app.db.read_blocking(|c| ratify::events::find(c, 1).map_err(ratify::db::DbError::from)).unwrap().unwrap();
    assert_eq!(stored.recorded_by, "anna");
    assert_eq!(stored.instruments, None);
    let rows = audit_rows(&app, "event.create");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].actor, "anna");
    assert_eq!(rows[0].client_addr.as_deref(), Some("127.0.0.1"));
    // A subset of the instruments.
    let html = s.page("/admin/parter/1490").await;
    let latest = latest_in(&html);
    let subset = vec![insts[0].clone(), insts[2].clone()];
    let resp = s.post("/admin/parter/1490/handelser", &adoption_fields(&latest, &subset, "KF § 7").await).await;
    assert_eq!(resp.status().as_u16(), 303);
    let party = app.get_json("/api/v1/parties/1490", 200).await;
    assert_eq!(party["events"][0]["instruments"], json!(subset));
    // The overview shows the change and who made it.
    let overview = s.page("/admin").await;
    assert!(overview.contains("av anna"));
}

async fn errors_are_shown_beside_the_fields_with_the_values_kept(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let html = s.page("/admin/parter/1480").await;
    let insts = instruments(&html);
    let mut fields = vec![
        ("latest", ""),
        ("status", "adopted"),
        ("body", "KF"),
        ("reference", "KF § 99 behålls"),
        ("protocol_url", "ftp://fel.se/p.pdf"),
        ("note", "Min anteckning"),
    ];
    for i in &insts {
        fields.push(("instruments", i));
    }
    let resp = s.post("/admin/parter/1480/handelser", &fields).await;
    assert_eq!(resp.status().as_u16(), 422);
    let body = resp.text().await.unwrap();
    assert!(body.contains("id=\"decided_on-fel\""), "the date error is beside the date field");
    assert!(body.contains("id=\"protocol_url-fel\""));
    assert!(body.contains("Fältet ”Beslutsdatum” krävs") && body.contains("http:// eller https://"), "{body}");
    assert!(
        body.contains("value=\"KF § 99 behålls\"")
            && body.contains("Min anteckning")
            && body.contains("value=\"ftp://fel.se/p.pdf\"")
    );
    assert!(body.contains("<option value=\"adopted\" selected>"), "the chosen status is kept");
    // No instrument ticked.
    let resp = s.post("/admin/parter/1480/handelser", &[("latest", ""), ("status", "proposed")]).await;
    assert_eq!(resp.status().as_u16(), 422);
    assert!(resp.text().await.unwrap().contains("Välj minst ett"));
    assert_eq!(app.event_count().await, 0);
    assert!(audit_rows(&app, "event.create").is_empty());
}

async fn a_correction_references_the_event_and_needs_a_reason(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let html = s.page("/admin/parter/1480").await;
    let insts = instruments(&html);
    s.post("/admin/parter/1480/handelser", &adoption_fields("", &insts, "KF § 45").await).await;
    let html = s.page("/admin/parter/1480/ratta/1").await;
    assert!(html.contains("name=\"corrects\" value=\"1\""));
    assert!(html.contains("value=\"KF § 45\""), "prefilled with the event's values");
    let latest = latest_in(&html);
    assert_eq!(latest, "1");
    let mut fields = vec![
        ("latest", latest.as_str()),
        ("corrects", "1"),
        ("status", "adopted"),
        ("body", "KF"),
        ("decided_on", "2026-03-24"),
        ("reference", "KF § 46"),
    ];
    for i in &insts {
        fields.push(("instruments", i));
    }
    let resp = s.post("/admin/parter/1480/handelser", &fields).await;
    assert_eq!(resp.status().as_u16(), 422, "a correction needs a reason");
    let body = resp.text().await.unwrap();
    assert!(body.contains("motivering") && body.contains("Rätta händelse 1"), "{body}");
    fields.push(("note", "Fel paragraf angavs."));
    let resp = s.post("/admin/parter/1480/handelser", &fields).await;
    assert_eq!(resp.status().as_u16(), 303);
    let party = app.get_json("/api/v1/parties/1480", 200).await;
    assert_eq!(party["events"][0]["corrected_by"], 2);
    assert_eq!(party["events"][1]["corrects"], 1);
    assert_eq!(party["latest_decision"]["reference"], "KF § 46");
    let html = s.page("/admin/parter/1480").await;
    assert!(html.contains("Rättad av") && html.contains("class=\"corrected\""));
    // Correcting it again is refused with a message; the correction can itself be corrected.
    let html = s.page("/admin/parter/1480/ratta/1").await;
    assert!(html.contains("redan rättad av händelse 2"));
    assert_eq!(audit_rows(&app, "event.correct").len(), 1);
    assert!(audit_rows(&app, "event.correct")[0].details.contains("Fel paragraf"));
}

async fn two_editors_on_one_party_lose_nothing(app: TestApp) {
    user(&app, "anna", Role::Editor);
    user(&app, "bertil", Role::Editor);
    let anna = Staff::login(&app, "anna").await;
    let bertil = Staff::login(&app, "bertil").await;
    let anna_page = anna.page("/admin/parter/1480").await;
    let bertil_page = bertil.page("/admin/parter/1480").await;
    let insts = instruments(&anna_page);
    let resp = anna
        .post("/admin/parter/1480/handelser", &adoption_fields(&latest_in(&anna_page), &insts, "KF § 45 (Anna)").await)
        .await;
    assert_eq!(resp.status().as_u16(), 303);
    let mut bertil_fields = vec![
        ("latest", latest_in(&bertil_page)),
        ("status", "scheduled".to_string()),
        ("body", "KF".to_string()),
        ("planned_on", "2027-02-01".to_string()),
        ("reference", "Bertils inmatning".to_string()),
    ];
    for i in &insts {
        bertil_fields.push(("instruments", i.clone()));
    }
    let as_refs = |f: &[(&'static str, String)]| f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let send = |f: Vec<(&'static str, String)>| {
        let b = &bertil;
        async move {
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            b.post("/admin/parter/1480/handelser", &pairs).await
        }
    };
    let resp = send(as_refs(&bertil_fields)).await;
    assert_eq!(resp.status().as_u16(), 409, "a stale form stores nothing");
    let body = resp.text().await.unwrap();
    assert_eq!(app.event_count().await, 1);
    assert!(body.contains("KF § 45 (Anna)") && body.contains("anna"), "the colleague's event is shown");
    assert!(
        body.contains("value=\"Bertils inmatning\"") && body.contains("value=\"2027-02-01\""),
        "and Bertil's entry, kept"
    );
    assert_eq!(latest_in(&body), "1", "the form now carries the new latest id");
    // Sending it again from the conflict page stores it.
    bertil_fields[0].1 = latest_in(&body);
    let resp = send(as_refs(&bertil_fields)).await;
    assert_eq!(resp.status().as_u16(), 303);
    assert_eq!(app.event_count().await, 2);
    // An API write in between is a colleague's write too.
    let page = anna.page("/admin/parter/1480").await;
    let token = app.token("import");
    app.record(&token, "1480", json!({"status": "appealed"})).await;
    let resp =
        anna.post("/admin/parter/1480/handelser", &adoption_fields(&latest_in(&page), &insts, "KF § 50").await).await;
    assert_eq!(resp.status().as_u16(), 409);
    assert!(resp.text().await.unwrap().contains("api:import"));
    assert_eq!(app.event_count().await, 3);
}

async fn simultaneous_submits_with_the_same_latest_store_one(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let html = s.page("/admin/parter/1401").await;
    let insts = instruments(&html);
    let fields = adoption_fields("", &insts, "KF § 1").await;
    let sends = (0..8).map(|_| s.post("/admin/parter/1401/handelser", &fields));
    let statuses: Vec<u16> = futures_util::future::join_all(sends).await.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 303).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 7, "{statuses:?}");
    assert_eq!(app.event_count().await, 1);
}

async fn what_editors_type_is_shown_escaped(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let html = s.page("/admin/parter/1480").await;
    let insts = instruments(&html);
    let mut fields = adoption_fields("", &insts, "<b>KF</b> § 45 <script>alert(1)</script>").await;
    fields.retain(|(k, _)| *k != "note");
    fields.push(("note", "Anteckning <script>alert('x')</script> & <img src=x onerror=alert(2)>"));
    assert_eq!(s.post("/admin/parter/1480/handelser", &fields).await.status().as_u16(), 303);
    for path in ["/admin/parter/1480", "/admin", "/admin/parter/1480/ratta/1"] {
        let html = s.page(path).await;
        assert!(!html.contains("<script>alert"), "{path}");
        assert!(!html.contains("<img src=x"), "{path}");
        assert!(!html.contains("<b>KF</b>"), "{path}");
        assert!(html.contains("&lt;b&gt;KF&lt;/b&gt; § 45 &lt;script&gt;alert(1)&lt;/script&gt;"), "{path}");
    }
    let party = s.page("/admin/parter/1480").await;
    assert!(
        party.contains("Anteckning &lt;script&gt;alert('x')&lt;/script&gt; &amp; &lt;img src=x onerror=alert(2)&gt;")
    );
    // In the API's JSON it is data, returned as written.
    let json: Value = app.get_json("/api/v1/parties/1480", 200).await;
    assert_eq!(json["events"][0]["reference"], "<b>KF</b> § 45 <script>alert(1)</script>");
}

async fn a_full_length_note_in_swedish_fits_the_form(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let note = format!("{}å", "åäö".repeat(1333));
    assert_eq!(note.chars().count(), 4000);
    let send = |note: String| {
        let s = &s;
        async move {
            let f = [("latest", ""), ("status", "proposed"), ("instruments", "avtal"), ("note", note.as_str())];
            s.post("/admin/parter/1480/handelser", &f).await
        }
    };
    let resp = send(note.clone()).await;
    assert_eq!(resp.status().as_u16(), 303, "4 000 characters are allowed");
    let resp = send(format!("{note}x")).await;
    assert_eq!(resp.status().as_u16(), 409, "the form is stale now");
    let html = s.page("/admin/parter/1480").await;
    let latest = latest_in(&html);
    let f =
        [("latest", latest.as_str()), ("status", "proposed"), ("instruments", "avtal"), ("note", &format!("{note}x"))];
    let resp = s.post("/admin/parter/1480/handelser", &f).await;
    assert_eq!(resp.status().as_u16(), 422);
    assert!(resp.text().await.unwrap().contains("högst 4000 tecken"));
    assert_eq!(app.event_count().await, 1);
}

/// The parties (code, name) in the overview's order.
async fn in_swedish_order(app: &TestApp) -> Vec<(String, String)> {
    let parties = app.get_json("/api/v1/parties", 200).await;
    let mut list: Vec<(String, String)> = parties
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["code"].as_str().unwrap().to_string(), p["name"].as_str().unwrap().to_string()))
        .collect();
    list.sort_by_key(|(_, name)| ratify::sv::swedish_key(name));
    list
}

/// The party the notice after a save offers next.
fn offered_next(html: &str) -> Option<String> {
    let at = html.find("Nästa part som behöver uppmärksamhet: <a href=\"/admin/parter/")?;
    let rest = &html[at..];
    let name = &rest[rest.find('>')? + 1..];
    Some(name[..name.find('<')?].to_string())
}

async fn after_saving_the_next_party_needing_attention_is_offered(app: TestApp) {
    let order = in_swedish_order(&app).await;
    let token = app.token("t");
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let at = order.iter().position(|(_, name)| name == "Bengtsfors").unwrap();
    let (settled, after) = (&order[at + 1], &order[at + 2]);
    // The party right after is settled: adopted, with the minutes linked. It is skipped.
    app.record(
        &token,
        &settled.0,
        json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24", "protocol_url": "https://example.se/p.pdf"}),
    )
    .await;
    let html = s.page("/admin/parter/1460").await;
    let mut fields = vec![("latest", latest_in(&html)), ("status", "in_preparation".to_string())];
    fields.extend(instruments(&html).into_iter().map(|i| ("instruments", i)));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let resp = s.post("/admin/parter/1460/handelser", &fields).await;
    assert_eq!(resp.status().as_u16(), 303);
    let saved = s.page(&location(&resp)).await;
    assert_eq!(offered_next(&saved).as_deref(), Some(after.1.as_str()), "{saved}");
    assert!(saved.contains(&format!("href=\"/admin/parter/{}\"", after.0)));
    // An adoption without the minutes' link still needs attention, and says why.
    app.record(&token, &after.0, json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24"})).await;
    let saved = s.page(&location(&resp)).await;
    assert_eq!(offered_next(&saved).as_deref(), Some(after.1.as_str()));
    assert!(saved.contains("(Antagandet saknar länk till protokollet.)"), "{saved}");
    // From the last party in order, the search goes round to the first.
    let (last_code, _) = order.last().unwrap();
    let html = s.page(&format!("/admin/parter/{last_code}")).await;
    let mut fields = vec![("latest", latest_in(&html)), ("status", "in_preparation".to_string())];
    fields.extend(instruments(&html).into_iter().map(|i| ("instruments", i)));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let resp = s.post(&format!("/admin/parter/{last_code}/handelser"), &fields).await;
    assert_eq!(resp.status().as_u16(), 303);
    let saved = s.page(&location(&resp)).await;
    assert_eq!(offered_next(&saved).as_deref(), Some(order[0].1.as_str()), "{saved}");
    // A withdrawal is a save too.
    let id = location(&resp).split("sparad=").nth(1).unwrap().split('#').next().unwrap().to_string();
    let resp = s.post(&format!("/admin/parter/{last_code}/dra-tillbaka/{id}"), &[("reason", "Fel part")]).await;
    assert_eq!(resp.status().as_u16(), 303);
    let saved = s.page(&location(&resp)).await;
    assert_eq!(offered_next(&saved).as_deref(), Some(order[0].1.as_str()), "{saved}");
}

crate::both_backends!(
    after_saving_the_next_party_needing_attention_is_offered,
    a_full_length_note_in_swedish_fits_the_form,
    an_editor_records_an_adoption,
    errors_are_shown_beside_the_fields_with_the_values_kept,
    a_correction_references_the_event_and_needs_a_reason,
    two_editors_on_one_party_lose_nothing,
    simultaneous_submits_with_the_same_latest_store_one,
    what_editors_type_is_shown_escaped,
);
