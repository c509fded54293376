//! `ratify demo` through the real binary: the history it records (status numbers), the mark on
//! every page and format, the refusal on a database with real events, the example import file of
//! the guide, and every command shown in README.md and docs/api.md run against a demo instance.

use std::process::{Command, Output};

use diesel::prelude::*;
use ratify::accounts::Role;
use ratify::db::schema::{events, users};
use ratify::db::DbError;
use serde_json::{json, Value};

use crate::admin_support::{client_from, csrf_in, user, Staff};
use crate::support::TestApp;

const BIN: &str = env!("CARGO_BIN_EXE_ratify");
const BANNER: &str = "Exempeldata – inte verkliga beslut";
const DEMO_EVENTS: i64 = 91;
/// The fictional second agreement's (exempel-fyrbodal-hjalpmedel).
const SECOND_EVENTS: i64 = 22;

fn db_url(app: &TestApp) -> String {
    app.db.url().target.clone()
}

fn demo(url: &str) -> Output {
    Command::new(BIN)
        .args(["demo", "--database", url])
        .env_remove("RATIFY_DATABASE_URL")
        .env_remove("RATIFY_CONFIG")
        .env("RATIFY_LOG", "warn")
        .output()
        .expect("run ratify demo")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The editor's password from the line `ratify demo` prints once.
fn printed_password(out: &Output) -> String {
    let stdout = text(&out.stdout);
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("Lösenord (visas bara nu): "))
        .unwrap_or_else(|| panic!("no password line in {stdout}"))
        .trim()
        .to_string()
}

fn stored_events(app: &TestApp) -> i64 {
    app.db.read_blocking(|c| events::table.count().get_result::<i64>(c).map_err(DbError::from)).expect("count")
}

fn accounts(app: &TestApp) -> i64 {
    app.db.read_blocking(|c| users::table.count().get_result::<i64>(c).map_err(DbError::from)).expect("count")
}

fn is_demo(app: &TestApp) -> bool {
    app.db.read_blocking(|c| ratify::demo::flag::is_demo(c).map_err(DbError::from)).expect("flag")
}

/// Logs in with the name and password on the real login form; the session client.
async fn login(app: &TestApp, name: &str, password: &str) -> reqwest::Client {
    let client = client_from(None);
    let html = client.get(app.url("/admin/logga-in")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(BANNER), "the login page carries the banner too");
    let form = [("csrf", csrf_in(&html)), ("username", name.to_string()), ("password", password.to_string())];
    let resp = client.post(app.url("/admin/logga-in")).form(&form).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 303, "login: {}", resp.text().await.unwrap());
    client
}

/// Fyrbodal's 14, no region, 10 needed, legal force required: seven adoptions have it, two are
/// still within the appeal period, so the majority is open at 7 of 10.
fn second_agreement_is_fyrbodal_with_its_own_rules(app: &TestApp) {
    let (agreement, codes, eval, own_events) = app
        .db
        .read_blocking(|c| -> Result<_, DbError> {
            let a = ratify::agreement::load(c, "exempel-fyrbodal-hjalpmedel")?;
            let codes = ratify::agreement::party_codes(c, a.id)?;
            let snapshot = ratify::snapshot::Snapshot::load(c, a.id)?;
            let n: i64 = events::table.filter(events::agreement_id.eq(a.id)).count().get_result(c)?;
            Ok((a, codes, snapshot.evaluate(ratify::clock::today()), n))
        })
        .expect("the second agreement");
    assert!(agreement.title.starts_with("Exempel:"), "{}", agreement.title);
    let fyrbodal = "1421 1427 1430 1435 1438 1439 1460 1461 1484 1485 1486 1487 1488 1492";
    assert_eq!(codes.join(" "), fyrbodal);
    assert_eq!(own_events, SECOND_EVENTS);
    assert!(!agreement.rules.region_required && agreement.rules.legal_force_required);
    assert_eq!((eval.municipalities_total, eval.majority.required), (14, 10));
    assert_eq!(eval.majority.municipalities_adopted, 7, "the two recent adoptions have no legal force yet");
    assert_eq!(eval.majority.state, ratify::ratification::ConditionState::Open);
}

async fn fills_an_empty_database_and_marks_everything(app: TestApp) {
    let out = demo(&db_url(&app));
    assert!(out.status.success(), "ratify demo: {}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!("{DEMO_EVENTS} påhittade händelser")), "{}", text(&out.stdout));
    let password = printed_password(&out);
    assert!(text(&out.stdout).contains(&format!("{SECOND_EVENTS} i det påhittade avtalet exempel-fyrbodal-hjalpmedel")));
    assert_eq!(stored_events(&app), DEMO_EVENTS + SECOND_EVENTS);
    assert!(is_demo(&app));
    second_agreement_is_fyrbodal_with_its_own_rules(&app);

    let status = app.get_json("/api/v1/status", 200).await;
    assert_eq!(status["demo"], true, "the API says it is demo data");
    assert_eq!(status["parties_total"], 50, "the contract's fields are all still there");
    assert_eq!(
        status["counts"],
        json!({"not_started": 4, "in_preparation": 3, "scheduled": 5, "proposed": 3, "adopted": 31,
               "rejected": 1, "referred_back": 2, "tabled": 1, "appealed": 0})
    );
    assert_eq!(status["municipalities_adopted"], 30);
    assert_eq!(status["region_status"], "adopted");
    assert_eq!(status["conditions"]["majority"]["state"], "satisfied");
    assert_eq!(status["conditions"]["majority"]["region_adopted"], true);
    assert_eq!(status["conditions"]["unanimity"]["state"], "blocked");
    assert_eq!(status["conditions"]["unanimity"]["blocking"], json!(["1446"]), "the party that rejected hjälpmedel");
    assert_eq!(status["outcome"]["applies_to"], "adopting_parties");
    let instruments = status["instruments"].as_array().expect("instruments");
    let adopted = |id: &str| instruments.iter().find(|i| i["id"] == id).map(|i| i["adopted"].clone());
    assert_eq!(adopted("avtal"), Some(json!(32)), "1446 adopted the agreement itself");
    assert_eq!(adopted("ok-hjalpmedel"), Some(json!(31)), "but not the överenskommelse on hjälpmedel");
    // The history as it stood: at the end of 2025 nine municipalities had adopted (the reversed
    // rejection was still a rejection), the region not yet.
    let early = app.get_json("/api/v1/status?as_of=2025-12-31", 200).await;
    assert_eq!(early["region_status"], "not_started");
    assert_eq!(early["counts"]["rejected"], 1);
    assert_eq!(early["conditions"]["majority"]["state"], "open");
    // The reversed rejection and the planned meetings ahead of today.
    let reversed = app.get_json("/api/v1/parties/1484", 200).await;
    assert_eq!(reversed["status"], "adopted");
    let today = ratify::clock::today();
    let parties = app.get_json("/api/v1/parties", 200).await;
    let ahead = parties
        .as_array()
        .expect("parties")
        .iter()
        .filter_map(|p| p["next_planned_on"].as_str())
        .filter(|d| d.parse::<chrono::NaiveDate>().expect("date") > today)
        .count();
    assert_eq!(ahead, 5, "five KF meetings planned ahead of today");

    // The banner on the public pages, the embed card, the feeds.
    for path in ["/", "/parter/1480", "/inbaddning", "/tillganglighet", "/parter/9999"] {
        let body = app.get(path).await.text().await.unwrap();
        assert!(body.contains(BANNER), "{path} shows the banner");
    }
    let atom = app.get("/feed.atom").await.text().await.unwrap();
    assert!(atom.contains(&format!("<title>{BANNER}: ")), "the feed's title says it");
    let ics = app.get("/kalender.ics").await.text().await.unwrap();
    assert!(ics.contains(&format!("X-WR-CALNAME:{BANNER}")), "the calendar's name says it");
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 5);

    // The printed editor account logs in; the staff pages carry the banner.
    let staff = login(&app, ratify::demo::EDITOR, &password).await;
    for path in ["/admin", "/admin/parter/1446", "/admin/import"] {
        let resp = staff.get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 200, "GET {path}");
        assert!(resp.text().await.unwrap().contains(BANNER), "{path} shows the banner");
    }

    // The weekly report of a demo database says so in its text (and HTML and JSON).
    let report = Command::new(BIN)
        .args(["report", "generate"])
        .env("RATIFY_DATABASE_URL", db_url(&app))
        .env("RATIFY_LOG", "warn")
        .output()
        .expect("run ratify report generate");
    assert!(report.status.success(), "{}", text(&report.stderr));
    assert!(text(&report.stdout).starts_with("EXEMPELDATA – INTE VERKLIGA BESLUT"), "{}", text(&report.stdout));

    // A second run on the demo database changes nothing and says so.
    let again = demo(&db_url(&app));
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(text(&again.stdout).contains("ingenting har ändrats"), "{}", text(&again.stdout));
    assert_eq!(stored_events(&app), DEMO_EVENTS + SECOND_EVENTS);
    assert_eq!(accounts(&app), 1);
}

async fn refuses_a_database_with_a_real_event(app: TestApp) {
    let token = app.token("kommunen");
    app.record(&token, "1480", json!({"status": "proposed", "body": "KS", "decided_on": "2026-02-11"})).await;
    let before: Value = app.get_json("/api/v1/status", 200).await;
    assert!(before.get("demo").is_none(), "a real database does not say demo");
    let out = demo(&db_url(&app));
    assert_eq!(out.status.code(), Some(1), "refused with exit code 1");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("som inte kommer från `ratify demo`"), "{stderr}");
    assert!(stderr.contains("Ingenting har ändrats"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(out.stdout.is_empty(), "no password printed");
    // Nothing written: no events, no flag, no account, the same status.
    assert_eq!(stored_events(&app), 1);
    assert!(!is_demo(&app));
    assert_eq!(accounts(&app), 0);
    app.state.everything_changed(); // as if another instance had written: the server reads everything again
    let after: Value = app.get_json("/api/v1/status", 200).await;
    assert_eq!(after["last_change_at"], before["last_change_at"]);
    assert_eq!(after["counts"], before["counts"]);
    assert!(after.get("demo").is_none());
    assert!(!app.get("/").await.text().await.unwrap().contains(BANNER));
}

async fn the_guides_example_file_imports_cleanly(app: TestApp) {
    user(&app, "anna", Role::Editor);
    let s = Staff::login(&app, "anna").await;
    let file = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/exempel-import.csv")).expect("example file");
    let rows = text(&file).lines().count() - 1;
    let (path, html) = s.preview("exempel-import.csv", file).await;
    assert!(html.contains(&format!("Alla {rows} rader är giltiga")), "{html}");
    let resp = s.post(&path, &[]).await;
    assert_eq!(resp.status().as_u16(), 200, "commit");
    assert_eq!(app.event_count().await, rows);
    let goteborg = app.get_json("/api/v1/parties/1480", 200).await;
    assert_eq!(goteborg["latest_decision"]["reference"], "KF § 46", "the correction in the file took");
    assert_eq!(app.get_json("/api/v1/parties/1446", 200).await["status"], "rejected");
    assert_eq!(app.get_json("/api/v1/parties/14", 200).await["status"], "adopted");
}

/// Marks the test's database as a demo's (what `ratify demo` does last), as if another
/// instance had written it, so the same data can be read both ways.
fn make_demo(app: &TestApp) {
    app.db.write_blocking(|c| ratify::demo::flag::mark_demo(c).map_err(DbError::from)).expect("flag");
    app.state.everything_changed();
}

/// GET with extra headers: (status, ETag, body bytes).
async fn fetch(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> (u16, String, Vec<u8>) {
    let mut req = app.client.get(app.url(path));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let etag = resp.headers().get("etag").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (status, etag, resp.bytes().await.unwrap().to_vec())
}

/// The cache's tag of a body: the first 128 bits of its SHA-256, in quotes.
fn tag_of(body: &[u8]) -> String {
    use sha2::Digest;
    let hex: String = sha2::Sha256::digest(body).iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// The mark is rendered into the body the cache tags and compresses: the same data gets another
/// `ETag` once the database is a demo's, that tag is the marked body's, revalidating with it is a
/// 304, and the gzip form holds the mark too.
async fn the_mark_is_inside_the_cached_body_its_etag_and_its_compressed_form(app: TestApp) {
    let token = app.token("kommunen");
    app.record(&token, "1480", json!({"status": "proposed", "body": "KS", "decided_on": "2026-02-11"})).await;
    let pages = ["/", "/parter/1480", "/inbaddning", "/api/v1/status", "/feed.atom", "/kalender.ics"];
    let mut real = Vec::new();
    for path in pages {
        let (status, etag, body) = fetch(&app, path, &[]).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(etag, tag_of(&body), "{path}: the tag is the body's");
        assert!(!String::from_utf8_lossy(&body).contains(BANNER), "{path} is not a demo's yet");
        real.push((etag, body));
    }
    make_demo(&app);
    for (path, (real_etag, real_body)) in pages.into_iter().zip(real) {
        let (status, etag, body) = fetch(&app, path, &[]).await;
        assert_eq!(status, 200, "{path}");
        let text = String::from_utf8(body.clone()).unwrap();
        let mark = if path == "/api/v1/status" { "\"demo\":true" } else { BANNER };
        assert!(text.contains(mark), "{path} carries the mark");
        assert_ne!(etag, real_etag, "{path}: the same data, marked, is another entity");
        assert_eq!(etag, tag_of(&body), "{path}: the tag is the marked body's");
        let (status_304, etag_304, empty) = fetch(&app, path, &[("If-None-Match", &etag)]).await;
        assert_eq!((status_304, etag_304.as_str(), empty.len()), (304, etag.as_str(), 0), "{path}");
        let (stale, _, _) = fetch(&app, path, &[("If-None-Match", &real_etag)]).await;
        assert_eq!(stale, 200, "{path}: the unmarked copy is not current");
        assert!(body.len() > real_body.len());
        if path == "/" || path == "/inbaddning" {
            let (status, gzip_etag, gzipped) = fetch(&app, path, &[("Accept-Encoding", "gzip")]).await;
            assert_eq!(status, 200);
            assert_ne!(gzip_etag, etag, "a tag of its own");
            let mut unzipped = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gzipped[..]), &mut unzipped).unwrap();
            assert_eq!(unzipped, body, "{path}: the compressed form is the marked body");
        }
        if path == "/inbaddning" {
            assert!(text.contains("<body class=\"embed\"><aside class=\"demo-banner\""), "{text}");
        }
        if path == "/" {
            // Exactly the banner, right after `<body>`: nothing else about the page changed.
            let real_text = String::from_utf8_lossy(&real_body);
            let start = text.find("<aside class=\"demo-banner\"").unwrap();
            let end = start + text[start..].find("</aside>").unwrap() + "</aside>".len();
            assert_eq!(format!("{}{}", &text[..start], &text[end..]), real_text);
            assert!(text[..start].ends_with("<body>"));
        }
        if path == "/api/v1/status" {
            // The same JSON with the field first, as the old splice wrote it.
            let real_text = String::from_utf8_lossy(&real_body);
            assert_eq!(text, format!("{{\"demo\":true,{}", &real_text[1..]));
        }
    }
}

/// Every agreement's status says it is a demo's; the other JSON does not get the field.
async fn every_status_and_only_the_status_says_demo(app: TestApp) {
    make_demo(&app);
    for path in ["/api/v1/status", "/api/v1/agreements/hos-2027/status", "/api/v1/%73tatus"] {
        assert_eq!(app.get_json(path, 200).await["demo"], true, "{path}");
    }
    let agreement = app.get_json("/api/v1/agreements/hos-2027", 200).await;
    assert!(agreement.get("demo").is_none(), "{agreement}");
    let list = app.get_json("/api/v1/agreements", 200).await;
    assert!(list.as_array().is_some_and(|l| l.iter().all(|a| a.get("demo").is_none())), "{list}");
    let party = app.get_json("/api/v1/parties/1480", 200).await;
    assert!(party.get("demo").is_none());
    // An error is no status: not marked.
    let refused = app.get_json("/api/v1/status?as_of=igår", 400).await;
    assert!(refused.get("demo").is_none(), "{refused}");
}

/// A real database's status JSON is as it was before the field existed: no `demo`, the same keys
/// in the same order.
async fn a_real_status_has_no_demo_field(app: TestApp) {
    let resp = app.get("/api/v1/status").await;
    assert_eq!(resp.status().as_u16(), 200);
    let body = resp.text().await.unwrap();
    assert!(!body.contains("\"demo\""), "{body}");
    let keys = [
        "agreement",
        "as_of",
        "last_change_at",
        "parties_total",
        "municipalities_total",
        "counts",
        "municipalities_adopted",
        "region_status",
        "conditions",
        "outcome",
        "instruments",
    ];
    let mut at = 0;
    for key in keys {
        let found = body[at..].find(&format!("\"{key}\":")).unwrap_or_else(|| panic!("{key} after {at}: {body}"));
        at += found;
    }
    assert!(body.starts_with("{\"agreement\":{\"id\":\"hos-2027\","), "{body}");
    let value: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(value.as_object().unwrap().len(), keys.len(), "{body}");
}

crate::both_backends!(
    fills_an_empty_database_and_marks_everything,
    refuses_a_database_with_a_real_event,
    the_guides_example_file_imports_cleanly,
    the_mark_is_inside_the_cached_body_its_etag_and_its_compressed_form,
    every_status_and_only_the_status_says_demo,
    a_real_status_has_no_demo_field
);

/// The ```sh blocks that follow a `<!-- testad -->` line.
fn tested_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "<!-- testad -->" {
            continue;
        }
        assert_eq!(lines.next().map(str::trim), Some("```sh"), "a marker must come right before a ```sh block");
        let block: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
        blocks.push(block.join("\n"));
    }
    blocks
}

/// Every marked command in README.md and docs/api.md, run by bash against a demo instance, with
/// the local address replaced by the instance's; each block must exit 0, and every curl in it
/// uses `-f`, so an HTTP error fails the block.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documented_commands_run_against_a_demo_instance() {
    let app = TestApp::spawn(crate::support::Backend::Sqlite).await;
    let url = db_url(&app);
    let out = demo(&url);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ran = 0;
    for doc in ["README.md", "docs/api.md", "docs/anvandarhandledning.md"] {
        let markdown = std::fs::read_to_string(format!("{}/{doc}", env!("CARGO_MANIFEST_DIR"))).expect(doc);
        let blocks = tested_blocks(&markdown);
        if doc == "docs/api.md" {
            assert!(blocks.len() >= 9, "docs/api.md: every example is marked");
            for path in [
                "/api/v1/status",
                "/api/v1/parties",
                "/api/v1/events",
                "/api/v1/openapi.json",
                "/data/status.csv",
                "/data/beslut.csv",
                "/feed.atom",
                "/kalender.ics",
                "/inbaddning",
                "/badge.svg",
                "/rapporter",
            ] {
                assert!(blocks.iter().any(|b| b.contains(path)), "docs/api.md has a tested example for {path}");
            }
        }
        for block in blocks {
            for line in block.lines().filter(|l| l.trim_start().starts_with("curl ") || l.contains("$(curl ")) {
                assert!(line.contains(" -f"), "{doc}: curl without -f cannot fail on an HTTP error: {line}");
            }
            let script = block
                .replace("http://127.0.0.1:8080", &app.base)
                .replace("cargo run --release --", "\"$RATIFY_BIN\"")
                .replace("cargo run --release", "\"$RATIFY_BIN\"");
            let out = Command::new("bash")
                .args(["-euo", "pipefail", "-c", &script])
                .current_dir(dir.path())
                .env("RATIFY_BIN", BIN)
                .env("RATIFY_DATABASE_URL", &url)
                .env("RATIFY_LOG", "warn")
                .output()
                .expect("bash");
            assert!(
                out.status.success(),
                "{doc}:\n{script}\nstdout: {}\nstderr: {}",
                text(&out.stdout),
                text(&out.stderr)
            );
            // Writes by the blocks come from another process: let the server see them.
            app.state.everything_changed();
            ran += 1;
        }
    }
    assert!(ran >= 11, "ran {ran} blocks");
}

/// The banner must not cost the pages their accessibility: axe-core finds nothing on demo pages,
/// public and staff, at 1280 and 360 px.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_pages_with_the_banner_pass_axe() {
    let axe = crate::browser::axe_source();
    let driver = crate::browser_support::start_driver().await;
    let app = TestApp::spawn(crate::support::Backend::Sqlite).await;
    let out = demo(&db_url(&app));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let password = printed_password(&out);
    let profile = tempfile::tempdir().expect("profile");
    let client = crate::browser_support::browser(&driver, profile.path()).await;
    let mut violations = Vec::new();
    for path in ["/", "/parter/1446", "/inbaddning", "/admin/logga-in"] {
        for width in [1280, 360] {
            client.set_window_size(width, 900).await.expect("size");
            client.goto(&app.url(path)).await.expect("goto");
            let banner = client.find(fantoccini::Locator::Css("aside.demo-banner")).await.expect("the banner");
            assert!(banner.text().await.expect("text").contains(BANNER));
            violations.extend(crate::browser::axe_violations(&client, &axe, &format!("{path} at {width} px")).await);
        }
    }
    // Logged in as the printed editor: the staff overview.
    client.goto(&app.url("/admin/logga-in")).await.expect("goto");
    client
        .find(fantoccini::Locator::Id("username"))
        .await
        .expect("field")
        .send_keys(ratify::demo::EDITOR)
        .await
        .expect("type");
    client.find(fantoccini::Locator::Id("password")).await.expect("field").send_keys(&password).await.expect("type");
    client
        .find(fantoccini::Locator::Css("form button[type=submit]"))
        .await
        .expect("button")
        .click()
        .await
        .expect("click");
    client.goto(&app.url("/admin")).await.expect("goto");
    assert!(client.source().await.expect("source").contains("demo-redaktor"), "logged in");
    violations.extend(crate::browser::axe_violations(&client, &axe, "/admin").await);
    client.close().await.expect("close");
    assert!(violations.is_empty(), "axe-core violations:\n{}", violations.join("\n"));
}
