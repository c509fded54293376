//! Open data and "fast and fresh": the CSV files, the Atom feed, the iCalendar file, the OpenAPI
//! document and the /api page; ETag, 304 and invalidation by writes; the bound on the cache.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Days, NaiveDate};
use serde_json::{json, Value};

use crate::support::{municipality_codes, Backend, TestApp};

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn today() -> NaiveDate {
    ratify::clock::today()
}

fn in_days(n: u64) -> String {
    (today() + Days::new(n)).to_string()
}

async fn get_ok(app: &TestApp, path: &str, content_type: &str) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let resp = app.get(path).await;
    assert_eq!(resp.status().as_u16(), 200, "GET {path}");
    let headers = resp.headers().clone();
    assert_eq!(headers["content-type"], content_type, "GET {path}");
    let body = resp.bytes().await.expect("body").to_vec();
    (headers, body)
}

fn csv_rows(body: &[u8]) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    assert!(body.starts_with(BOM), "CSV starts with a UTF-8 byte order mark");
    let mut reader = csv::Reader::from_reader(&body[BOM.len()..]);
    let header: Vec<String> = reader.headers().expect("header").iter().map(str::to_string).collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.expect("a well-formed row");
            assert_eq!(r.len(), header.len());
            header.iter().cloned().zip(r.iter().map(str::to_string)).collect()
        })
        .collect();
    (header, rows)
}

/// A small but varied log: adoptions (one with minutes), a rejection, a planned region meeting,
/// a rescheduled meeting and a corrected adoption. Returns the ids by name.
async fn varied_log(app: &TestApp) -> BTreeMap<&'static str, i64> {
    let token = app.token("import");
    let mut ids = BTreeMap::new();
    let e = app
        .record(
            &token,
            "1480",
            json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24", "reference": "KF § 45",
                   "protocol_url": "https://example.se/kf-2026-03-24.pdf",
                   "note": "Beslutet, med kommatecken; semikolon och \"citat\"\nsamt en ny rad"}),
        )
        .await;
    ids.insert("goteborg", e["id"].as_i64().unwrap());
    for code in ["1401", "1402"] {
        app.record(&token, code, json!({"status": "adopted", "body": "KF", "decided_on": "2026-04-15"})).await;
    }
    app.record(&token, "1407", json!({"status": "rejected", "body": "KF", "decided_on": "2026-04-20"})).await;
    let e = app.record(&token, "14", json!({"status": "scheduled", "body": "RF", "planned_on": in_days(30)})).await;
    ids.insert("region_planned", e["id"].as_i64().unwrap());
    app.record(&token, "1490", json!({"status": "scheduled", "body": "KF", "planned_on": in_days(10)})).await;
    let e = app
        .record(
            &token,
            "1490",
            json!({"status": "scheduled", "body": "KF", "planned_on": in_days(40), "reference": "KF ärende 7"}),
        )
        .await;
    ids.insert("boras_planned", e["id"].as_i64().unwrap());
    let wrong =
        app.record(&token, "1415", json!({"status": "adopted", "body": "KF", "decided_on": "2026-05-05"})).await;
    ids.insert("wrong", wrong["id"].as_i64().unwrap());
    let fix = app
        .record(
            &token,
            "1415",
            json!({"status": "referred_back", "body": "KF", "decided_on": "2026-05-05",
                   "corrects": wrong["id"], "note": "Återremitterades, antogs inte"}),
        )
        .await;
    ids.insert("fix", fix["id"].as_i64().unwrap());
    ids
}

// ---- status.csv ----------------------------------------------------------------------------

async fn status_csv_has_one_row_per_party_matching_the_api(app: TestApp) {
    varied_log(&app).await;
    let (headers, body) = get_ok(&app, "/data/status.csv", "text/csv; charset=utf-8").await;
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert_eq!(disposition, format!("inline; filename=\"status-{}.csv\"", today()));
    let (header, rows) = csv_rows(&body);
    assert_eq!(
        header,
        [
            "code",
            "name",
            "kind",
            "subregion",
            "population",
            "status",
            "status_label",
            "counts_as_adopted",
            "latest_decided_on",
            "latest_reference",
            "latest_protocol_url",
            "next_planned_on"
        ]
    );
    assert_eq!(rows.len(), 50);
    let codes: Vec<&str> = rows.iter().map(|r| r["code"].as_str()).collect();
    assert_eq!(codes[0], "14");
    let mut expected = municipality_codes();
    expected.insert(0, "14".to_string());
    assert_eq!(codes, expected);

    let status = app.get_json("/api/v1/status", 200).await;
    for (code, n) in status["counts"].as_object().unwrap() {
        let in_csv = rows.iter().filter(|r| &r["status"] == code).count();
        assert_eq!(in_csv as u64, n.as_u64().unwrap(), "parties with status {code}");
    }
    let adopting_municipalities =
        rows.iter().filter(|r| r["kind"] == "municipality" && r["counts_as_adopted"] == "true").count();
    assert_eq!(adopting_municipalities as u64, status["municipalities_adopted"].as_u64().unwrap());
    assert_eq!(adopting_municipalities, 3);
    assert_eq!(rows[0]["status"], status["region_status"].as_str().unwrap());

    // Every row agrees with /api/v1/parties.
    let parties = app.get_json("/api/v1/parties", 200).await;
    for (row, party) in rows.iter().zip(parties.as_array().unwrap()) {
        assert_eq!(row["code"], party["code"].as_str().unwrap());
        assert_eq!(row["name"], party["name"].as_str().unwrap());
        assert_eq!(row["population"], party["population"].to_string());
        assert_eq!(row["status_label"], party["status_label"].as_str().unwrap());
        assert_eq!(row["counts_as_adopted"], party["counts_as_adopted"].to_string());
        let text = |v: &Value| v.as_str().unwrap_or("").to_string();
        assert_eq!(row["latest_decided_on"], text(&party["latest_decision"]["decided_on"]));
        assert_eq!(row["latest_reference"], text(&party["latest_decision"]["reference"]));
        assert_eq!(row["latest_protocol_url"], text(&party["latest_decision"]["protocol_url"]));
        assert_eq!(row["next_planned_on"], text(&party["next_planned_on"]));
    }
    let goteborg = rows.iter().find(|r| r["code"] == "1480").unwrap();
    assert_eq!(goteborg["name"], "Göteborg");
    assert_eq!(goteborg["status_label"], "Antaget");
    assert_eq!(goteborg["latest_reference"], "KF § 45");
    assert_eq!(goteborg["latest_protocol_url"], "https://example.se/kf-2026-03-24.pdf");
    assert_eq!(rows.iter().find(|r| r["code"] == "1490").unwrap()["next_planned_on"], in_days(40));
}

async fn status_csv_travels_in_time_and_refuses_a_bad_date(app: TestApp) {
    varied_log(&app).await;
    for date in ["2026-03-23", "2026-03-24", "2026-04-16", "2026-05-05"] {
        let (headers, body) = get_ok(&app, &format!("/data/status.csv?datum={date}"), "text/csv; charset=utf-8").await;
        assert_eq!(headers["content-disposition"], format!("inline; filename=\"status-{date}.csv\"").as_str());
        let (_, rows) = csv_rows(&body);
        assert_eq!(rows.len(), 50);
        let status = app.get_json(&format!("/api/v1/status?as_of={date}"), 200).await;
        let adopted = rows.iter().filter(|r| r["kind"] == "municipality" && r["counts_as_adopted"] == "true").count();
        assert_eq!(adopted as u64, status["municipalities_adopted"].as_u64().unwrap(), "on {date}");
        for (code, n) in status["counts"].as_object().unwrap() {
            assert_eq!(rows.iter().filter(|r| &r["status"] == code).count() as u64, n.as_u64().unwrap(), "{date}");
        }
    }
    let before = csv_rows(&get_ok(&app, "/data/status.csv?datum=2026-03-23", "text/csv; charset=utf-8").await.1).1;
    assert!(before.iter().all(|r| r["status"] == "not_started" && r["latest_decided_on"].is_empty()));

    for bad in ["2026-13-01", "igår", "2026-3-24", ""] {
        let resp = app.get(&format!("/data/status.csv?datum={bad}")).await;
        assert_eq!(resp.status().as_u16(), 400, "datum={bad}");
        assert_eq!(resp.headers()["content-type"], "text/plain; charset=utf-8");
        let text = resp.text().await.unwrap();
        assert!(text.contains("Parametern datum") && text.contains("ÅÅÅÅ-MM-DD"), "{text}");
    }
    // The API's name for the date gives the same file as the pages' name.
    let (_, by_datum) = get_ok(&app, "/data/status.csv?datum=2026-03-23", "text/csv; charset=utf-8").await;
    let (headers, by_as_of) = get_ok(&app, "/data/status.csv?as_of=2026-03-23", "text/csv; charset=utf-8").await;
    assert_eq!(by_as_of, by_datum);
    assert_eq!(headers["content-disposition"], "inline; filename=\"status-2026-03-23.csv\"");
    assert_ne!(by_as_of, get_ok(&app, "/data/status.csv", "text/csv; charset=utf-8").await.1, "not today's file");
    let (_, log_as_of) = get_ok(&app, "/data/beslut.csv?as_of=2026-04-15", "text/csv; charset=utf-8").await;
    assert_eq!(log_as_of, get_ok(&app, "/data/beslut.csv?datum=2026-04-15", "text/csv; charset=utf-8").await.1);
    // Unknown parameters are refused, as the API refuses them, naming the parameter.
    for path in ["/data/status.csv?utm_source=kommunen", "/data/status.csv?date=2026-03-01", "/data/beslut.csv?x=1"] {
        let resp = app.get(path).await;
        assert_eq!(resp.status().as_u16(), 400, "{path}");
        assert_eq!(resp.headers()["content-type"], "text/plain; charset=utf-8");
        let text = resp.text().await.unwrap();
        assert!(text.contains("är okänd") && text.contains("datum, as_of"), "{path}: {text}");
    }
    let resp = app.get("/data/status.csv?datum=2026-03-01&as_of=2026-03-02").await;
    assert_eq!(resp.status().as_u16(), 400);
}

// ---- beslut.csv ----------------------------------------------------------------------------

async fn beslut_csv_has_every_event_corrected_ones_included(app: TestApp) {
    let ids = varied_log(&app).await;
    let (headers, body) = get_ok(&app, "/data/beslut.csv", "text/csv; charset=utf-8").await;
    assert_eq!(headers["content-disposition"], "inline; filename=\"beslut.csv\"");
    let (header, rows) = csv_rows(&body);
    assert_eq!(
        header,
        [
            "id",
            "party_code",
            "party_name",
            "status",
            "status_label",
            "body",
            "decided_on",
            "planned_on",
            "effective_on",
            "reference",
            "protocol_url",
            "posted_on",
            "note",
            "corrects",
            "corrected_by",
            "instruments",
            "recorded_at"
        ]
    );
    assert!(!header.iter().any(|h| h == "recorded_by"), "no personal data");
    assert!(!String::from_utf8_lossy(&body).contains("import"), "the token's name is not published");

    // Same events as the API, oldest first, field by field.
    let mut events: Vec<Value> = app.get_json("/api/v1/events", 200).await.as_array().unwrap().clone();
    events.reverse();
    assert_eq!(rows.len(), events.len());
    assert_eq!(rows.len(), 9);
    for (row, event) in rows.iter().zip(&events) {
        let text = |v: &Value| match v {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        for column in ["id", "party_code", "status", "status_label", "body", "decided_on", "planned_on", "effective_on"]
        {
            assert_eq!(row[column], text(&event[column]), "{column} of event {}", event["id"]);
        }
        for column in ["reference", "protocol_url", "posted_on", "note", "corrects", "corrected_by", "recorded_at"] {
            assert_eq!(row[column], text(&event[column]), "{column} of event {}", event["id"]);
        }
        let instruments: Vec<String> = event["instruments"].as_array().unwrap().iter().map(text).collect();
        assert_eq!(row["instruments"], instruments.join(" "));
    }
    let wrong = rows.iter().find(|r| r["id"] == ids["wrong"].to_string()).unwrap();
    assert_eq!(wrong["corrected_by"], ids["fix"].to_string());
    let fix = rows.iter().find(|r| r["id"] == ids["fix"].to_string()).unwrap();
    assert_eq!(fix["corrects"], ids["wrong"].to_string());
    let goteborg = rows.iter().find(|r| r["id"] == ids["goteborg"].to_string()).unwrap();
    assert_eq!(goteborg["party_name"], "Göteborg");
    assert_eq!(goteborg["note"], "Beslutet, med kommatecken; semikolon och \"citat\"\nsamt en ny rad");

    // With datum: the events in effect by then.
    let (_, until) = csv_rows(&get_ok(&app, "/data/beslut.csv?datum=2026-04-15", "text/csv; charset=utf-8").await.1);
    assert_eq!(until.len(), 3, "Göteborg on 24 March, Härryda and Partille on 15 April");
    assert!(until.iter().all(|r| r["effective_on"].as_str() <= "2026-04-15"));
    assert_eq!(app.get("/data/beslut.csv?datum=15/4").await.status().as_u16(), 400);
}

async fn a_formula_in_free_text_is_neutralised(app: TestApp) {
    let token = app.token("t");
    app.record(&token, "1480", json!({"status": "in_preparation", "note": "=HYPERLINK(\"http://x\")"})).await;
    let (_, rows) = csv_rows(&get_ok(&app, "/data/beslut.csv", "text/csv; charset=utf-8").await.1);
    assert_eq!(rows[0]["note"], "'=HYPERLINK(\"http://x\")");
}

// ---- the Atom feed ---------------------------------------------------------------------------

async fn atom_feed_has_one_entry_per_event(app: TestApp) {
    let ids = varied_log(&app).await;
    let (_, body) = get_ok(&app, "/feed.atom", "application/atom+xml; charset=utf-8").await;
    let feed = atom_syndication::Feed::read_from(&body[..]).expect("a valid Atom feed");
    let events = app.get_json("/api/v1/events", 200).await;
    let events = events.as_array().unwrap();
    assert_eq!(feed.entries.len(), events.len());

    // RFC 4287: the feed has an id, a title, updated, an author, a self link.
    assert!(feed.id.starts_with("tag:") && feed.id.contains(",2026:"), "{}", feed.id);
    assert!(!feed.title.value.is_empty());
    assert!(!feed.authors.is_empty());
    assert!(feed.links.iter().any(|l| l.rel == "self" && l.href.ends_with("/feed.atom")));
    let status = app.get_json("/api/v1/status", 200).await;
    let last_change = DateTime::parse_from_rfc3339(status["last_change_at"].as_str().unwrap()).unwrap();
    assert_eq!(feed.updated, last_change);

    let mut seen = HashSet::new();
    for (entry, event) in feed.entries.iter().zip(events) {
        // Newest first, like /api/v1/events; updated is when the event was recorded.
        assert_eq!(entry.id, format!("tag:127.0.0.1,2026:hos-2027:handelse:{}", event["id"]));
        assert!(seen.insert(entry.id.clone()), "ids are unique");
        assert_eq!(entry.updated, DateTime::parse_from_rfc3339(event["recorded_at"].as_str().unwrap()).unwrap());
        let party = entry.links.iter().find(|l| l.rel == "alternate").expect("a link to the party page");
        // No RATIFY_PUBLIC_URL here: links are made from the request's own host.
        assert_eq!(party.href, format!("{}/parter/{}", app.base, event["party_code"].as_str().unwrap()));
        assert!(entry.summary.as_ref().is_some_and(|s| !s.value.is_empty()));
    }
    let goteborg = feed.entries.iter().find(|e| e.id.ends_with(&format!(":{}", ids["goteborg"]))).unwrap();
    assert_eq!(goteborg.title.value, "Göteborg: Antaget (KF § 45, 24 mars 2026)");
    let minutes = goteborg.links.iter().find(|l| l.rel == "related").expect("a link to the minutes");
    assert_eq!(minutes.href, "https://example.se/kf-2026-03-24.pdf");
    let wrong = feed.entries.iter().find(|e| e.id.ends_with(&format!(":{}", ids["wrong"]))).unwrap();
    assert!(wrong.title.value.contains("rättad"), "{}", wrong.title.value);
    assert!(wrong.summary.as_ref().unwrap().value.contains(&format!("händelse {}", ids["fix"])));
    // The ids do not change between fetches.
    let again = atom_syndication::Feed::read_from(
        &get_ok(&app, "/feed.atom", "application/atom+xml; charset=utf-8").await.1[..],
    )
    .unwrap();
    assert_eq!(
        again.entries.iter().map(|e| &e.id).collect::<Vec<_>>(),
        feed.entries.iter().map(|e| &e.id).collect::<Vec<_>>()
    );
}

async fn atom_feed_of_an_empty_log_is_valid_and_the_feed_is_capped(app: TestApp) {
    let feed = atom_syndication::Feed::read_from(
        &get_ok(&app, "/feed.atom", "application/atom+xml; charset=utf-8").await.1[..],
    )
    .expect("valid");
    assert!(feed.entries.is_empty());
    let token = app.token("t");
    let cap = ratify::opendata::FEED_MAX_ENTRIES;
    for n in 0..=cap {
        let code = &municipality_codes()[n % 49];
        app.record(&token, code, json!({"status": "in_preparation", "note": format!("steg {n}")})).await;
    }
    let feed = atom_syndication::Feed::read_from(
        &get_ok(&app, "/feed.atom", "application/atom+xml; charset=utf-8").await.1[..],
    )
    .expect("valid");
    assert_eq!(feed.entries.len(), cap, "the newest {cap} of {} events", cap + 1);
    assert!(feed.entries[0].summary.as_ref().unwrap().value.contains(&format!("steg {cap}")));
    assert!(!feed.entries.iter().any(|e| e.summary.as_ref().unwrap().value.ends_with("Anteckning: steg 0")));
    assert!(feed.entries.last().unwrap().summary.as_ref().unwrap().value.ends_with("Anteckning: steg 1"));
}

// ---- the calendar ----------------------------------------------------------------------------

async fn calendar_has_one_event_per_planned_meeting(app: TestApp) {
    let ids = varied_log(&app).await;
    let token = app.token("t2");
    // A planned meeting entered by mistake and corrected away is not in the calendar.
    let mistaken = app.record(&token, "1441", json!({"status": "scheduled", "planned_on": in_days(5)})).await;
    app.record(
        &token,
        "1441",
        json!({"status": "in_preparation", "corrects": mistaken["id"], "note": "Inget datum är bestämt"}),
    )
    .await;
    let (_, body) = get_ok(&app, "/kalender.ics", "text/calendar; charset=utf-8").await;
    let text = String::from_utf8(body.clone()).expect("UTF-8");

    // RFC 5545 §3.1: CRLF line ends only, lines of at most 75 octets, continuation lines start
    // with one space.
    assert!(text.ends_with("\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n') && !text.replace("\r\n", "").contains('\r'), "CRLF only");
    let physical: Vec<&str> = text.trim_end_matches("\r\n").split("\r\n").collect();
    for line in &physical {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
    }
    assert!(physical.iter().any(|l| l.starts_with(' ')), "long lines were folded");
    let mut unfolded: Vec<String> = Vec::new();
    for line in &physical {
        match line.strip_prefix(' ') {
            Some(rest) => unfolded.last_mut().expect("a line to continue").push_str(rest),
            None => unfolded.push(line.to_string()),
        }
    }
    let mut open: Vec<&str> = Vec::new();
    for line in &unfolded {
        if let Some(name) = line.strip_prefix("BEGIN:") {
            open.push(name);
        } else if let Some(name) = line.strip_prefix("END:") {
            assert_eq!(open.pop(), Some(name), "BEGIN/END pairs nest");
        }
    }
    assert!(open.is_empty());
    assert_eq!(unfolded.first().map(String::as_str), Some("BEGIN:VCALENDAR"));

    // And an independent parser reads it the same way.
    let calendars: Vec<_> = ical::IcalParser::new(&body[..]).collect::<Result<_, _>>().expect("parses");
    assert_eq!(calendars.len(), 1);
    let cal = &calendars[0];
    let prop = |props: &[ical::property::Property], name: &str| {
        props.iter().find(|p| p.name == name).and_then(|p| p.value.clone()).unwrap_or_default()
    };
    assert_eq!(prop(&cal.properties, "VERSION"), "2.0");
    assert!(!prop(&cal.properties, "PRODID").is_empty());
    // Planned: the region (in 30 days) and Borås (rescheduled from 10 to 40 days); Lerum's
    // meeting was corrected away.
    assert_eq!(cal.events.len(), 2, "{text}");
    let by_uid: BTreeMap<String, &ical::parser::ical::component::IcalEvent> =
        cal.events.iter().map(|e| (prop(&e.properties, "UID"), e)).collect();
    assert_eq!(by_uid.len(), 2, "UIDs are unique");
    let boras = by_uid[&format!("hos-2027-handelse-{}@127.0.0.1", ids["boras_planned"])];
    let region = by_uid[&format!("hos-2027-handelse-{}@127.0.0.1", ids["region_planned"])];
    // A meeting after the agreement's start (1 January 2027) says so in its summary.
    let late =
        |days: u64| if in_days(days).as_str() > "2027-01-01" { " (efter avtalsstarten 1 januari 2027)" } else { "" };
    assert_eq!(
        prop(&boras.properties, "SUMMARY"),
        format!("Kommunfullmäktige i Borås beslutar om HoS-avtalet{}", late(40))
    );
    assert_eq!(
        prop(&region.properties, "SUMMARY"),
        format!("Regionfullmäktige i Västra Götalandsregionen beslutar om HoS-avtalet{}", late(30))
    );
    for (event, days) in [(boras, 40), (region, 30)] {
        let start = event.properties.iter().find(|p| p.name == "DTSTART").expect("DTSTART");
        assert_eq!(start.params, Some(vec![("VALUE".to_string(), vec!["DATE".to_string()])]));
        assert_eq!(start.value.as_deref(), Some(in_days(days).replace('-', "").as_str()));
        let stamp = prop(&event.properties, "DTSTAMP");
        assert!(chrono::NaiveDateTime::parse_from_str(&stamp, "%Y%m%dT%H%M%SZ").is_ok(), "{stamp}");
        assert!(prop(&event.properties, "URL").starts_with(&format!("{}/parter/", app.base)));
        // TEXT escaping: the description's newline comes escaped.
        assert!(prop(&event.properties, "DESCRIPTION").contains("\\n"));
    }
}

// ---- OpenAPI and /api ------------------------------------------------------------------------

async fn openapi_document_lists_every_route(app: TestApp) {
    let (_, body) = get_ok(&app, "/api/v1/openapi.json", "application/json").await;
    let doc: Value = serde_json::from_slice(&body).expect("JSON");
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{}", doc["openapi"]);
    let mut declared = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            declared.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    declared.sort();
    assert_eq!(
        declared,
        [
            "GET /api/v1/agreements",
            "GET /api/v1/agreements/{slug}",
            "GET /api/v1/agreements/{slug}/events",
            "GET /api/v1/agreements/{slug}/parties",
            "GET /api/v1/agreements/{slug}/parties/{code}",
            "GET /api/v1/agreements/{slug}/status",
            "GET /api/v1/events",
            "GET /api/v1/openapi.json",
            "GET /api/v1/parties",
            "GET /api/v1/parties/{code}",
            "GET /api/v1/status",
            "POST /api/v1/agreements/{slug}/events/{id}/withdraw",
            "POST /api/v1/agreements/{slug}/parties/{code}/events",
            "POST /api/v1/events/{id}/withdraw",
            "POST /api/v1/parties/{code}/events",
        ]
    );
    for schema in ["StatusDto", "PartyDto", "EventDto", "ErrorBody", "NewEvent", "Status", "EventStatus", "Withdrawal"]
    {
        assert!(doc["components"]["schemas"][schema].is_object(), "schema {schema}");
    }
    // Every declared route is served (not the API's "no such address").
    for entry in &declared {
        let (method, path) = entry.split_once(' ').unwrap();
        let url = app.url(&path.replace("{slug}", "hos-2027").replace("{code}", "1480").replace("{id}", "1"));
        let resp = match method {
            "GET" => app.client.get(&url).send().await.unwrap(),
            _ => app.client.post(&url).json(&json!({})).send().await.unwrap(),
        };
        let status = resp.status().as_u16();
        assert!(status == 200 || status == 401, "{entry}: {status}");
    }
}

async fn api_page_describes_the_api_and_the_files(app: TestApp) {
    let (_, body) = get_ok(&app, "/api", "text/html; charset=utf-8").await;
    let html = String::from_utf8(body).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"sv\">"));
    assert!(!html.to_lowercase().contains("<script"), "no script");
    // The CSP allows no inline style: the page uses the site's stylesheet only.
    assert!(!html.to_lowercase().contains("<style") && !html.contains(" style="), "no inline style");
    assert!(html.contains("rel=\"stylesheet\" href=\"/static/site-"), "the shared stylesheet");
    for path in ["/api/v1/status", "/api/v1/parties/{code}/events", "/api/v1/events", "/api/v1/openapi.json"] {
        assert!(html.contains(path), "{path}");
    }
    for file in ["/data/status.csv", "/data/beslut.csv", "/feed.atom", "/kalender.ics"] {
        assert!(html.contains(&format!("href=\"{file}\"")), "links {file}");
    }
    assert!(html.contains("curl -X POST"));
    assert!(html.contains("Authorization: Bearer"));
}

// ---- fast and fresh --------------------------------------------------------------------------

const CACHED: [&str; 7] = [
    "/data/status.csv",
    "/data/beslut.csv",
    "/feed.atom",
    "/kalender.ics",
    "/api/v1/status",
    "/api/v1/openapi.json",
    "/api",
];

async fn etag_gives_304_and_a_write_shows_at_once(app: TestApp) {
    let token = app.token("t");
    app.record(&token, "1480", json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24"})).await;
    let mut tags = BTreeMap::new();
    for path in CACHED {
        let resp = app.get(path).await;
        assert_eq!(resp.status().as_u16(), 200, "{path}");
        assert_eq!(resp.headers()["cache-control"], "public, max-age=0, must-revalidate", "{path}");
        let etag = resp.headers()["etag"].to_str().unwrap().to_string();
        assert!(etag.starts_with('"') && etag.ends_with('"') && etag.len() > 10, "strong tag on {path}: {etag}");
        let conditional = app.client.get(app.url(path)).header("If-None-Match", &etag).send().await.unwrap();
        assert_eq!(conditional.status().as_u16(), 304, "{path}");
        assert_eq!(conditional.headers()["etag"], etag.as_str());
        assert!(conditional.bytes().await.unwrap().is_empty(), "304 has no body");
        let other = app.client.get(app.url(path)).header("If-None-Match", "\"nope\"").send().await.unwrap();
        assert_eq!(other.status().as_u16(), 200, "{path}");
        tags.insert(path, etag);
    }
    // Served from memory the second time.
    assert_eq!(app.get("/api/v1/status").await.headers()["x-cache"], "hit");

    // A write through the API: new numbers and new tags at once.
    app.record(&token, "1490", json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-25"})).await;
    let resp = app
        .client
        .get(app.url("/api/v1/status"))
        .header("If-None-Match", &tags["/api/v1/status"])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200, "the old tag no longer matches");
    assert_ne!(resp.headers()["etag"].to_str().unwrap(), tags["/api/v1/status"]);
    let status: Value = resp.json().await.unwrap();
    assert_eq!(status["municipalities_adopted"], 2);
    let (_, rows) = csv_rows(&get_ok(&app, "/data/status.csv", "text/csv; charset=utf-8").await.1);
    assert_eq!(rows.iter().filter(|r| r["counts_as_adopted"] == "true").count(), 2);
    for path in ["/data/status.csv", "/data/beslut.csv", "/feed.atom"] {
        let resp = app.client.get(app.url(path)).header("If-None-Match", &tags[path]).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{path} changed");
    }
    // What the write did not change keeps its tag, so clients keep their copies.
    for path in ["/kalender.ics", "/api/v1/openapi.json", "/api", "/data/status.csv?datum=2026-03-01"] {
        let first = app.get(path).await.headers()["etag"].to_str().unwrap().to_string();
        app.record(&token, "1401", json!({"status": "in_preparation"})).await;
        let resp = app.client.get(app.url(path)).header("If-None-Match", &first).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 304, "{path} unchanged by an unrelated write");
    }
}

async fn the_cache_is_bounded(app: TestApp) {
    let cap = ratify::http_cache::DEFAULT_MAX_ENTRIES;
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let path = |n: usize| format!("/data/status.csv?datum={}", start + Days::new(n as u64));
    for n in 0..=cap {
        let resp = app.get(&path(n)).await;
        assert_eq!(resp.status().as_u16(), 200);
        assert_eq!(resp.headers()["x-cache"], "miss", "{}", path(n));
    }
    assert_eq!(app.get(&path(cap)).await.headers()["x-cache"], "hit");
    // The first was pushed out when the cap was reached.
    assert_eq!(app.get(&path(0)).await.headers()["x-cache"], "miss");
    // Parameters a file ignores make no entries of their own.
    app.get("/feed.atom").await;
    for n in 0..20 {
        assert_eq!(app.get(&format!("/feed.atom?utm_campaign={n}")).await.headers()["x-cache"], "hit");
    }
}

/// With RATIFY_PUBLIC_URL set, every absolute link and identifier uses it, whatever the request's
/// Host; without it, each host gets its own links, never another's (they are cached per host).
async fn links_use_the_public_url_or_the_requests_own_host(backend: Backend) {
    let config = ratify::config::Config {
        public_url: Some("https://avtal.example.se".into()),
        ..ratify::config::Config::default()
    };
    let app = TestApp::spawn_with(backend, config).await;
    let token = app.token("t");
    app.record(&token, "1490", json!({"status": "scheduled", "body": "KF", "planned_on": in_days(30)})).await;
    let plain = TestApp::spawn(backend).await;
    plain
        .record(&plain.token("t"), "1490", json!({"status": "scheduled", "body": "KF", "planned_on": in_days(30)}))
        .await;
    let forged = |app: &TestApp, path: &str| app.client.get(app.url(path)).header("Host", "evil.example").send();
    for path in ["/feed.atom", "/kalender.ics", "/api/v1/openapi.json", "/api", "/inbaddning"] {
        for body in [app.get(path).await.text().await.unwrap(), forged(&app, path).await.unwrap().text().await.unwrap()]
        {
            assert!(body.contains("https://avtal.example.se"), "{path}: {body}");
            assert!(!body.contains("127.0.0.1") && !body.contains("evil.example"), "{path}: {body}");
        }
        // Unset: the request's host, and a forged Host header does not reach anyone else.
        let own = plain.get(path).await.text().await.unwrap();
        assert!(own.contains(&plain.base), "{path}: {own}");
        let evil = forged(&plain, path).await.unwrap().text().await.unwrap();
        assert!(evil.contains("http://evil.example") && !evil.contains(&plain.base), "{path}: {evil}");
        let again = plain.get(path).await;
        assert_eq!(again.headers()["x-cache"], "hit", "{path}");
        let again = again.text().await.unwrap();
        assert!(again.contains(&plain.base) && !again.contains("evil.example"), "{path}: {again}");
    }
    let doc: Value = serde_json::from_str(&app.get("/api/v1/openapi.json").await.text().await.unwrap()).unwrap();
    assert_eq!(doc["servers"][0]["url"], "https://avtal.example.se");
    let feed = app.get("/feed.atom").await.text().await.unwrap();
    assert!(feed.contains("tag:avtal.example.se,2026:hos-2027:handelse:"), "stable identifiers: {feed}");
    assert!(app.get("/api").await.text().await.unwrap().contains("curl 'https://avtal.example.se/api/v1/status'"));
}

mod links_use_the_public_url_or_the_requests_own_host {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::links_use_the_public_url_or_the_requests_own_host(crate::support::Backend::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::links_use_the_public_url_or_the_requests_own_host(crate::support::Backend::Postgres).await
    }
}

crate::both_backends!(
    status_csv_has_one_row_per_party_matching_the_api,
    status_csv_travels_in_time_and_refuses_a_bad_date,
    beslut_csv_has_every_event_corrected_ones_included,
    a_formula_in_free_text_is_neutralised,
    atom_feed_has_one_entry_per_event,
    atom_feed_of_an_empty_log_is_valid_and_the_feed_is_capped,
    calendar_has_one_event_per_planned_meeting,
    openapi_document_lists_every_route,
    api_page_describes_the_api_and_the_files,
    etag_gives_304_and_a_write_shows_at_once,
    the_cache_is_bounded,
);

/// Following one party: `?part=CODE` on the feed and the calendar gives that party's entries
/// only; an unknown or malformed code is refused, never answered with everything.
async fn the_feed_and_the_calendar_follow_one_party(app: TestApp) {
    let token = app.token("t");
    app.record(&token, "1480", json!({"status": "scheduled", "body": "KF", "planned_on": "2099-01-20"})).await;
    app.record(&token, "1490", json!({"status": "scheduled", "body": "KF", "planned_on": "2099-02-17"})).await;
    app.record(&token, "1490", json!({"status": "in_preparation"})).await;
    let text = |path: &'static str| {
        let url = app.url(path);
        let client = app.client.clone();
        async move {
            let resp = client.get(url).send().await.unwrap();
            (resp.status().as_u16(), resp.text().await.unwrap())
        }
    };
    let (status, feed) = text("/feed.atom?part=1490").await;
    assert_eq!(status, 200);
    assert_eq!(feed.matches("<entry>").count(), 2, "{feed}");
    assert!(feed.contains("Borås") && !feed.contains("Göteborg"), "{feed}");
    assert!(feed.contains("/feed.atom?part=1490"), "its own self link");
    let (_, all) = text("/feed.atom").await;
    assert_eq!(all.matches("<entry>").count(), 3);
    let (status, cal) = text("/kalender.ics?part=1480").await;
    assert_eq!(status, 200);
    assert_eq!(cal.matches("BEGIN:VEVENT").count(), 1, "{cal}");
    assert!(cal.contains("DTSTART;VALUE=DATE:20990120"), "{cal}");
    for (path, expected) in [
        ("/feed.atom?part=9999", 404),
        ("/kalender.ics?part=9999", 404),
        ("/feed.atom?part=%3Cscript%3E", 400),
        ("/kalender.ics?part=", 400),
    ] {
        let (status, body) = text(path).await;
        assert_eq!(status, expected, "{path}: {body}");
        assert!(body.contains("part") || body.contains("9999"), "{path}: {body}");
    }
    let page = text("/parter/1490").await.1;
    assert!(page.contains("href=\"/feed.atom?part=1490\"") && page.contains("href=\"/kalender.ics?part=1490\""));
}

crate::both_backends!(the_feed_and_the_calendar_follow_one_party);
