//! Hostile input against the running server: arbitrary JSON and bytes to the write API, over-long
//! fields, invalid UTF-8, SQL and HTML payloads, bodies over the limit, junk in the staff forms, the
//! CSV import and the public pages' query strings. Never a 500, never a dropped connection, never a
//! partial write, never an unescaped echo.
//!
//! The cases are drawn with proptest's strategies and a fixed number of cases per property (no
//! shrinking: each case is a real HTTP round trip, and a failure names its input in full).

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config as PropConfig, TestRunner};
use ratify::accounts::Role;
use serde_json::{json, Value};

use crate::admin_support::{user, Staff};
use crate::support::TestApp;

const CASES: usize = 64;

const SQL: &str = "'; DROP TABLE events; --";
const HTML: &str = "<script>alert('x')</script>";

/// `CASES` values from a strategy, reproducible (proptest's deterministic RNG).
fn draw<S: Strategy>(strategy: S) -> Vec<S::Value> {
    let mut runner = TestRunner::new(PropConfig { cases: CASES as u32, ..PropConfig::default() });
    (0..CASES).map(|_| strategy.new_tree(&mut runner).expect("a value").current()).collect()
}

/// Arbitrary JSON values, biased towards objects with the API's own field names.
fn json_value() -> impl Strategy<Value = Value> {
    let field = prop_oneof![
        Just("status".to_string()),
        Just("body".to_string()),
        Just("decided_on".to_string()),
        Just("planned_on".to_string()),
        Just("reference".to_string()),
        Just("protocol_url".to_string()),
        Just("posted_on".to_string()),
        Just("note".to_string()),
        Just("corrects".to_string()),
        Just("instruments".to_string()),
        ".{0,12}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        ".{0,40}".prop_map(Value::String),
        prop_oneof![
            Just("adopted"),
            Just("scheduled"),
            Just("proposed"),
            Just("2026-03-24"),
            Just("2999-01-01"),
            Just("0000-00-00"),
            Just("KF"),
            Just("https://example.se/p.pdf"),
            Just("javascript:alert(1)"),
            Just(SQL),
            Just(HTML),
        ]
        .prop_map(|s| Value::String(s.to_string())),
    ];
    let value = leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((".{0,8}", inner), 0..4).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    });
    prop_oneof![
        3 => prop::collection::vec((field, value.clone()), 0..6).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        1 => value,
    ]
}

fn assert_no_server_error(status: u16, what: &str, body: &str) {
    assert!(status < 500, "{what} → {status}: {body}");
}

async fn post_raw(app: &TestApp, token: &str, code: &str, content_type: &str, body: Vec<u8>) -> (u16, String) {
    let resp = app
        .client
        .post(app.url(&format!("/api/v1/parties/{code}/events")))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("the connection failed instead of an answer: {e}"));
    let status = resp.status().as_u16();
    (status, resp.text().await.unwrap_or_default())
}

/// Each accepted write adds exactly one event; each refusal adds none.
async fn api_arbitrary_json_never_500_and_never_partial(app: TestApp) {
    let token = app.token("fuzz");
    let mut stored = 0;
    for (i, value) in draw(json_value()).into_iter().enumerate() {
        let code = ["1480", "14", "9999", "x"][i % 4];
        let (status, body) =
            post_raw(&app, &token, code, "application/json", serde_json::to_vec(&value).unwrap()).await;
        assert_no_server_error(status, &format!("POST {code} {value}"), &body);
        assert!([201, 400, 404, 409, 422].contains(&status), "POST {code} {value} → {status}: {body}");
        if status == 201 {
            stored += 1;
        }
        assert_eq!(app.event_count().await, stored, "after POST {code} {value} → {status}");
    }
}

async fn api_arbitrary_bytes_never_500(app: TestApp) {
    let token = app.token("fuzz");
    let bytes = draw(prop::collection::vec(any::<u8>(), 0..2048));
    for (i, b) in bytes.into_iter().enumerate() {
        let content_type = ["application/json", "text/plain", "application/x-www-form-urlencoded"][i % 3];
        let (status, body) = post_raw(&app, &token, "1480", content_type, b.clone()).await;
        assert_no_server_error(status, &format!("{} bytes as {content_type}", b.len()), &body);
        assert_ne!(status, 201, "random bytes were stored: {b:?}");
    }
    assert_eq!(app.event_count().await, 0);
}

async fn api_refuses_bad_encodings_long_fields_and_big_bodies(app: TestApp) {
    let token = app.token("fuzz");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("invalid UTF-8 in a string", b"{\"status\":\"proposed\",\"note\":\"\xff\xfe\xc3\x28\"}".to_vec()),
        ("Latin-1 encoded", encoding_rs::WINDOWS_1252.encode("{\"status\":\"proposed\",\"note\":\"åäö\"}").0.to_vec()),
        ("UTF-16", "{\"status\":\"proposed\"}".encode_utf16().flat_map(|u| u.to_le_bytes()).collect()),
        ("lone surrogate escape", br#"{"status":"proposed","note":"\ud800"}"#.to_vec()),
        ("NUL in a field", br#"{"status":"proposed","reference":"KF \u0000 45"}"#.to_vec()),
        ("note over 4000", serde_json::to_vec(&json!({"status":"proposed","note":"ö".repeat(4001)})).unwrap()),
        (
            "reference of 100 kB",
            serde_json::to_vec(&json!({"status":"proposed","reference":"x".repeat(100_000)})).unwrap(),
        ),
        (
            "url of 100 kB",
            serde_json::to_vec(
                &json!({"status":"proposed","protocol_url":format!("https://e.se/{}", "a".repeat(100_000))}),
            )
            .unwrap(),
        ),
        ("deep nesting", format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes()),
        ("huge number", br#"{"status":"proposed","corrects":1e999999}"#.to_vec()),
        ("corrects out of range", br#"{"status":"proposed","corrects":99999999999999,"note":"x"}"#.to_vec()),
        ("duplicate fields", br#"{"status":"proposed","status":"adopted"}"#.to_vec()),
        ("2000 instruments", serde_json::to_vec(&json!({"status":"proposed","instruments":vec!["a"; 2000]})).unwrap()),
    ];
    for (what, body) in cases {
        let (status, text) = post_raw(&app, &token, "1480", "application/json", body).await;
        assert_no_server_error(status, what, &text);
        assert!([400, 413, 422].contains(&status), "{what} → {status}: {text}");
        assert_eq!(app.event_count().await, 0, "{what} stored something");
    }
    // Over the configured limit (default 256 KiB): 413, nothing stored.
    let limit = app.state.config.body_limit;
    let huge = serde_json::to_vec(&json!({"status":"proposed","note":"x".repeat(limit + 1)})).unwrap();
    let (status, text) = post_raw(&app, &token, "1480", "application/json", huge).await;
    assert_eq!(status, 413, "{text}");
    assert_eq!(app.event_count().await, 0);
}

/// SQL and HTML are data: stored exactly as sent, harmless to the database, escaped on every page.
async fn sql_and_html_payloads_are_stored_verbatim_and_escaped(app: TestApp) {
    let token = app.token("fuzz");
    let stored = app
        .record(
            &token,
            "1480",
            json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-24", "reference": HTML, "note": SQL,
                   "protocol_url": "https://example.se/\"><script>alert(1)</script>"}),
        )
        .await;
    let again = app.record(&token, "1480", json!({"status": "proposed", "reference": SQL, "note": HTML})).await;
    let party = app.get_json("/api/v1/parties/1480", 200).await;
    let events = party["events"].as_array().unwrap();
    assert_eq!(events.len(), 2, "the events table survived: {party}");
    assert!(events.iter().any(|e| e["id"] == stored["id"] && e["reference"] == HTML && e["note"] == SQL));
    assert!(events.iter().any(|e| e["id"] == again["id"] && e["reference"] == SQL && e["note"] == HTML));
    user(&app, "anna", Role::Editor);
    let staff = Staff::login(&app, "anna").await;
    for path in ["/", "/parter/1480", "/inbaddning", "/admin", "/admin/parter/1480"] {
        let body =
            if path.starts_with("/admin") { staff.page(path).await } else { app.get(path).await.text().await.unwrap() };
        assert!(!body.contains("<script>alert"), "{path} echoes the payload unescaped");
        if path.ends_with("1480") {
            assert!(body.contains("&lt;script&gt;alert"), "{path} shows the payload, escaped");
        }
    }
}

/// Junk in every query parameter and path segment of the public pages: 2xx/3xx/4xx, and the junk
/// is never echoed raw.
async fn public_pages_with_junk_parameters(app: TestApp) {
    let junk = draw(prop_oneof![".{0,30}", "[<>\"'&%;=/\\\\]{1,12}", Just("9999-99-99".to_string())]);
    let params = ["datum", "vy", "delregion", "status", "sortera", "ordning", "x"];
    for (i, j) in junk.into_iter().enumerate() {
        let marked = format!("<script>j{i}</script>{j}");
        let param = params[i % params.len()];
        let query = serde_urlencoded::to_string([(param, marked.as_str())]).unwrap();
        let encoded = &query[query.find('=').map_or(0, |at| at + 1)..];
        let party_path = format!("/parter/{encoded}");
        for path in [format!("/?{query}"), format!("/parter/1480?{query}"), format!("/inbaddning?{query}"), party_path]
        {
            let resp = app.get(&path).await;
            let status = resp.status().as_u16();
            let body = resp.text().await.unwrap();
            assert_no_server_error(status, &path, &body);
            assert!(!body.contains(&format!("<script>j{i}")), "{path} echoes its input raw: {body}");
        }
        for path in [format!("/api/v1/status?as_of={encoded}"), format!("/data/status.csv?{query}")] {
            let status = app.get(&path).await.status().as_u16();
            assert!(status < 500, "{path} → {status}");
        }
    }
}

/// The staff event form with arbitrary values in every field, and raw bytes as the form body.
async fn staff_form_with_arbitrary_fields(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let staff = Staff::login(&app, "anna").await;
    let value = prop_oneof![".{0,40}", Just(HTML.to_string()), Just(SQL.to_string()), Just("adopted".to_string())];
    let forms = draw(prop::collection::vec((0usize..8, value), 0..8));
    let names = ["status", "body", "decided_on", "planned_on", "reference", "note", "latest", "instruments"];
    let mut stored = 0;
    for fields in forms {
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (names[*n], v.as_str())).collect();
        let resp = staff.post("/admin/parter/1480/handelser", &pairs).await;
        let status = resp.status().as_u16();
        let body = resp.text().await.unwrap();
        assert_no_server_error(status, &format!("{pairs:?}"), &body);
        assert!(!body.contains("<script>alert"), "the form echoes a payload raw: {pairs:?}");
        if status == 303 {
            stored += 1;
        }
        assert_eq!(app.event_count().await, stored, "after {pairs:?} → {status}");
    }
    for bytes in draw(prop::collection::vec(any::<u8>(), 0..1024)) {
        let mut body = format!("csrf={}&", staff.csrf).into_bytes();
        body.extend_from_slice(&bytes);
        let resp = staff
            .client
            .post(staff.url("/admin/parter/1480/handelser"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("an answer, not a dropped connection");
        let status = resp.status().as_u16();
        assert_no_server_error(status, &format!("{bytes:?}"), &resp.text().await.unwrap());
        if status == 303 {
            stored += 1;
        }
        assert_eq!(app.event_count().await, stored);
    }
}

/// The login form with arbitrary names and passwords (NUL, long, HTML): a refusal, never a 500,
/// and the name typed is never echoed raw.
async fn login_form_with_arbitrary_fields(app: TestApp) {
    let value = prop_oneof![".{0,40}", "[\\x00-\\x1f<>&\"']{0,10}", Just(HTML.to_string()), Just("x".repeat(5000))];
    for (i, (name, password)) in draw((value.clone(), value)).into_iter().enumerate() {
        // Each from its own address would need many; one session, so the throttle takes over soon:
        // its 4xx is a fine answer too.
        let s = Staff::anonymous(&app, None).await;
        let resp = s.try_login(&name, &password).await;
        let status = resp.status().as_u16();
        let body = resp.text().await.unwrap();
        assert_no_server_error(status, &format!("login {i} {name:?} / {password:?}"), &body);
        assert!(!body.contains("<script>alert"), "the login form echoes the name raw");
    }
}

/// The admin's forms for accounts and API tokens with arbitrary names.
async fn admin_forms_with_arbitrary_names(app: TestApp) {
    user(&app, "admin", Role::Admin);
    let admin = Staff::login(&app, "admin").await;
    let value = prop_oneof![".{0,40}", "[\\x00-\\x1f<>&\"']{1,10}", Just(HTML.to_string()), Just("x".repeat(5000))];
    for name in draw(value) {
        for (path, fields) in [
            ("/admin/nycklar", vec![("name", name.as_str())]),
            ("/admin/konton", vec![("username", name.as_str()), ("role", "editor")]),
        ] {
            let resp = admin.post(path, &fields).await;
            let status = resp.status().as_u16();
            let body = resp.text().await.unwrap();
            assert_no_server_error(status, &format!("{path} {name:?}"), &body);
            assert!(!body.contains("<script>alert"), "{path} echoes the name raw");
        }
    }
}

/// The CSV import with arbitrary bytes (and arbitrary rows under a valid header): the upload and
/// the preview never 500 and never store anything.
async fn csv_import_with_arbitrary_bytes(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let staff = Staff::login(&app, "anna").await;
    let header = "party_code;status;body;decided_on;reference;note\r\n";
    let files = draw(prop_oneof![
        prop::collection::vec(any::<u8>(), 0..4096),
        prop::collection::vec(any::<u8>(), 0..1024).prop_map(move |b| [header.as_bytes(), &b].concat()),
        "[0-9a-z;,\"\r\n<>' ]{0,400}".prop_map(move |s| format!("{header}{s}").into_bytes()),
    ]);
    for bytes in files {
        let resp = staff.upload("fuzz.csv", bytes.clone()).await;
        let status = resp.status().as_u16();
        let location = crate::admin_support::location(&resp);
        let body = resp.text().await.unwrap();
        assert_no_server_error(status, &format!("upload of {bytes:?}"), &body);
        assert!(!body.contains("<script>"), "the import echoes raw HTML");
        if status == 303 {
            let resp = staff.get(&location).await;
            let status = resp.status().as_u16();
            let body = resp.text().await.unwrap();
            assert_no_server_error(status, &format!("preview of {bytes:?}"), &body);
            assert!(!body.contains("<script>"), "the preview echoes raw HTML");
        }
        assert_eq!(app.event_count().await, 0, "an upload or a preview stored events");
    }
}

crate::both_backends!(
    api_arbitrary_json_never_500_and_never_partial,
    api_arbitrary_bytes_never_500,
    api_refuses_bad_encodings_long_fields_and_big_bodies,
    sql_and_html_payloads_are_stored_verbatim_and_escaped,
    public_pages_with_junk_parameters,
    staff_form_with_arbitrary_fields,
    login_form_with_arbitrary_fields,
    admin_forms_with_arbitrary_names,
    csv_import_with_arbitrary_bytes,
);
