//! Upgrading in place (issue 17, item 6): a database written by commit 67207a2 (the fixtures in
//! tests/fixtures/upgrade-67207a2, made as its README says) is migrated and seeded by today's
//! code, and then nothing recorded may have changed: every event, audit, report, token and user
//! row is as it was before the upgrade, and every saved response of the public API and open data
//! is answered as that commit answered it on the same data.
//!
//! On the code of 67207a2 itself no migration runs, which shows that the comparison holds; it is
//! there to fail when a migration or a new reading of the data changes what was recorded or
//! what a client reads.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::sql_types::{Bool, Date, Integer, Nullable, Text, Timestamp};
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, SqliteConnection};
use serde_json::Value;

use crate::support::{Backend, TestDb};

/// The public address the responses were saved with (`RATIFY_PUBLIC_URL` in make.sh): feeds and
/// calendars put it in their links.
const PUBLIC_URL: &str = "https://ratify.example.se";

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/upgrade-67207a2")
}

/// A connection of the test's own on either backend, for reading the tables with plain SQL
/// (not through ratify's code, which is what the upgrade may change).
#[derive(diesel::MultiConnection)]
enum RawConn {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

fn raw_conn(backend: Backend, url: &str) -> RawConn {
    match backend {
        Backend::Sqlite => RawConn::Sqlite(SqliteConnection::establish(url).expect("open the SQLite fixture")),
        Backend::Postgres => RawConn::Pg(PgConnection::establish(url).expect("connect to the restored fixture")),
    }
}

#[derive(Debug, PartialEq, QueryableByName)]
struct EventRow {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Integer)]
    agreement_id: i32,
    #[diesel(sql_type = Text)]
    party_code: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Nullable<Text>)]
    body: Option<String>,
    #[diesel(sql_type = Nullable<Date>)]
    decided_on: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    planned_on: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Text>)]
    reference: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    protocol_url: Option<String>,
    #[diesel(sql_type = Nullable<Date>)]
    posted_on: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Text>)]
    note: Option<String>,
    #[diesel(sql_type = Nullable<Integer>)]
    corrects: Option<i32>,
    #[diesel(sql_type = Nullable<Text>)]
    instruments: Option<String>,
    #[diesel(sql_type = Text)]
    recorded_by: String,
    #[diesel(sql_type = Timestamp)]
    recorded_at: NaiveDateTime,
    #[diesel(sql_type = Bool)]
    withdrawal: bool,
}

#[derive(Debug, PartialEq, QueryableByName)]
struct AuditRow {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Timestamp)]
    at: NaiveDateTime,
    #[diesel(sql_type = Text)]
    actor: String,
    #[diesel(sql_type = Text)]
    action: String,
    #[diesel(sql_type = Text)]
    details: String,
    #[diesel(sql_type = Nullable<Text>)]
    client_addr: Option<String>,
}

#[derive(Debug, PartialEq, QueryableByName)]
struct ReportRow {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Integer)]
    number: i32,
    #[diesel(sql_type = Text)]
    iso_week: String,
    #[diesel(sql_type = Date)]
    as_of: NaiveDate,
    #[diesel(sql_type = Timestamp)]
    generated_at: NaiveDateTime,
    #[diesel(sql_type = Timestamp)]
    cutoff: NaiveDateTime,
    #[diesel(sql_type = Text)]
    data: String,
    #[diesel(sql_type = Text)]
    html: String,
    #[diesel(sql_type = Text)]
    text: String,
    #[diesel(sql_type = Nullable<Timestamp>)]
    sent_at: Option<NaiveDateTime>,
}

#[derive(Debug, PartialEq, QueryableByName)]
struct TokenRow {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    token_hash: String,
    #[diesel(sql_type = Timestamp)]
    created_at: NaiveDateTime,
    #[diesel(sql_type = Nullable<Timestamp>)]
    revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, PartialEq, QueryableByName)]
struct UserRow {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Text)]
    username: String,
    #[diesel(sql_type = Text)]
    password_hash: String,
    #[diesel(sql_type = Text)]
    role: String,
    #[diesel(sql_type = Bool)]
    active: bool,
    #[diesel(sql_type = Bool)]
    must_change_password: bool,
    #[diesel(sql_type = Integer)]
    session_version: i32,
    #[diesel(sql_type = Timestamp)]
    created_at: NaiveDateTime,
    #[diesel(sql_type = Timestamp)]
    updated_at: NaiveDateTime,
}

/// What was recorded, read with the columns of 67207a2 (a migration may add columns; it may not
/// change these).
#[derive(Debug)]
struct Recorded {
    events: Vec<EventRow>,
    audit: Vec<AuditRow>,
    reports: Vec<ReportRow>,
    tokens: Vec<TokenRow>,
    users: Vec<UserRow>,
}

fn read_recorded(backend: Backend, url: &str) -> Recorded {
    let mut c = raw_conn(backend, url);
    let events = diesel::sql_query(
        "SELECT id, agreement_id, party_code, status, body, decided_on, planned_on, reference, protocol_url, \
         posted_on, note, corrects, instruments, recorded_by, recorded_at, withdrawal FROM events ORDER BY id",
    )
    .load(&mut c)
    .expect("read events");
    let audit = diesel::sql_query("SELECT id, at, actor, action, details, client_addr FROM audit_log ORDER BY id")
        .load(&mut c)
        .expect("read audit_log");
    let reports = diesel::sql_query(
        "SELECT id, number, iso_week, as_of, generated_at, cutoff, data, html, text, sent_at FROM reports ORDER BY id",
    )
    .load(&mut c)
    .expect("read reports");
    let tokens = diesel::sql_query("SELECT id, name, token_hash, created_at, revoked_at FROM api_tokens ORDER BY id")
        .load(&mut c)
        .expect("read api_tokens");
    let users = diesel::sql_query(
        "SELECT id, username, password_hash, role, active, must_change_password, session_version, created_at, \
         updated_at FROM users ORDER BY id",
    )
    .load(&mut c)
    .expect("read users");
    Recorded { events, audit, reports, tokens, users }
}

/// Rows equal, one by one; otherwise a panic naming the table and the first row that differs.
fn assert_rows_unchanged<T: std::fmt::Debug + PartialEq>(table: &str, before: &[T], after: &[T]) {
    for (i, (b, a)) in before.iter().zip(after).enumerate() {
        if b != a {
            let (b, a) = (format!("{b:?}"), format!("{a:?}"));
            let clip = |s: &str| s.chars().take(2000).collect::<String>();
            panic!(
                "{table}: row {} changed by the upgrade{}\n before: {}\n after:  {}",
                i + 1,
                parting(&b, &a, ("before", "after")),
                clip(&b),
                clip(&a)
            );
        }
    }
    assert_eq!(
        before.len(),
        after.len(),
        "{table}: {} rows before the upgrade, {} after (first extra: {:?})",
        before.len(),
        after.len(),
        after.get(before.len()).map(|r| format!("{r:?}")).or_else(|| before.get(after.len()).map(|r| format!("{r:?}")))
    );
}

/// The fixture of `backend` in a fresh database of its own.
fn restore_fixture(backend: Backend) -> TestDb {
    let db = TestDb::new(backend);
    match backend {
        Backend::Sqlite => {
            std::fs::copy(fixture_dir().join("ratify.sqlite3"), &db.url).expect("copy the SQLite fixture");
        }
        Backend::Postgres => {
            let dump = std::fs::read_to_string(fixture_dir().join("postgres.sql")).expect("read postgres.sql");
            // A connection of its own: the dump empties its search_path.
            let mut conn = PgConnection::establish(&db.url).expect("connect to the new database");
            conn.batch_execute(&dump).expect("restore postgres.sql");
        }
    }
    db
}

/// The server on the upgraded database, as `TestApp::spawn_with` starts it, with the public
/// address the responses were saved with.
async fn serve_upgraded(url: &str) -> String {
    let (db, _seeded) = ratify::startup::prepare_database(url, 4).expect("the fixture migrates and seeds");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let config = ratify::config::Config { public_url: Some(PUBLIC_URL.into()), ..Default::default() };
    let state = ratify::AppState::with_config(db, Arc::new(config));
    let server = ratify::startup::serve(listener, state).expect("server");
    tokio::spawn(server);
    format!("http://127.0.0.1:{port}")
}

async fn upgrade_changes_nothing(backend: Backend, responses: &str) {
    let db = restore_fixture(backend);
    let before = read_recorded(backend, &db.url);
    // The fixture is what its README says, or the comparisons below prove little.
    assert_eq!(before.events.len(), 98, "events in the fixture");
    for status in ["not_started", "in_preparation", "proposed", "scheduled", "adopted", "rejected", "referred_back"] {
        let n = before.events.iter().filter(|e| e.status == status).count();
        assert!(status == "not_started" || n > 0, "the fixture has a {status} event");
    }
    for status in ["tabled", "appealed"] {
        assert!(before.events.iter().any(|e| e.status == status), "the fixture has a {status} event");
    }
    assert!(before.events.iter().any(|e| e.withdrawal), "the fixture has a withdrawal");
    assert!(before.events.iter().any(|e| e.corrects.is_some() && !e.withdrawal), "the fixture has a correction");
    assert!(before.audit.iter().any(|a| a.actor == "api:fixture-import"), "an audit row of the API token");
    assert_eq!(before.reports.len(), 2, "reports in the fixture");
    assert!(before.reports.iter().any(|r| r.sent_at.is_some()), "a sent report");
    assert_eq!(before.tokens.len(), 1, "tokens in the fixture");

    let base = serve_upgraded(&db.url).await;
    let after = read_recorded(backend, &db.url);
    assert_rows_unchanged("events", &before.events, &after.events);
    assert_rows_unchanged("audit_log", &before.audit, &after.audit);
    assert_rows_unchanged("reports", &before.reports, &after.reports);
    assert_rows_unchanged("api_tokens", &before.tokens, &after.tokens);
    assert_rows_unchanged("users", &before.users, &after.users);

    let dir = fixture_dir().join("responses");
    let index = std::fs::read_to_string(dir.join("index.tsv")).expect("read responses/index.tsv");
    let client = reqwest::Client::new();
    let today = ratify::clock::today();
    let mut compared = 0;
    for line in index.lines().skip(1).filter(|l| !l.is_empty()) {
        let (path, file) = line.split_once('\t').expect("index.tsv: path<TAB>file");
        let saved_path = dir.join(responses).join(file);
        let saved =
            std::fs::read_to_string(&saved_path).unwrap_or_else(|e| panic!("read {}: {e}", saved_path.display()));
        let resp = client.get(format!("{base}{path}")).send().await.expect("request");
        assert_eq!(resp.status().as_u16(), 200, "GET {path} after the upgrade");
        let fresh = resp.text().await.expect("body");
        let kind = file.rsplit_once('.').map_or("", |(_, ext)| ext);
        match kind {
            "json" => compare_json(path, &saved, &fresh, today),
            "csv" => compare_csv(path, &saved, &fresh),
            "atom" => compare_atom(path, &saved, &fresh),
            "ics" => compare_ics(path, &saved, &fresh, today),
            _ => compare_lines(path, &saved, &fresh),
        }
        compared += 1;
    }
    assert!(compared >= 20, "responses compared: {compared}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    upgrade_changes_nothing(Backend::Sqlite, "sqlite").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    upgrade_changes_nothing(Backend::Postgres, "postgres").await
}

// ---- comparing a saved response with the fresh one ----

/// The one clock field of the JSON answers: `next_planned_on` of /api/v1/parties and
/// /api/v1/parties/{code} (they take no date) is a planned meeting "still ahead" of today, so a
/// meeting that was ahead when the response was saved is null once its day has passed.
fn normalise_json(path: &str, saved: &mut Value, today: NaiveDate) {
    if !path.starts_with("/api/v1/parties") {
        return;
    }
    let parties: Vec<&mut Value> = match saved {
        Value::Array(items) => items.iter_mut().collect(),
        one => vec![one],
    };
    for party in parties {
        let passed = party
            .get("next_planned_on")
            .and_then(Value::as_str)
            .and_then(|d| d.parse::<NaiveDate>().ok())
            .is_some_and(|d| d < today);
        if passed {
            party["next_planned_on"] = Value::Null;
        }
    }
}

fn compare_json(path: &str, saved: &str, fresh: &str, today: NaiveDate) {
    let mut saved: Value = serde_json::from_str(saved).unwrap_or_else(|e| panic!("{path}: saved JSON: {e}"));
    let fresh: Value = serde_json::from_str(fresh).unwrap_or_else(|e| panic!("{path}: fresh answer is not JSON: {e}"));
    normalise_json(path, &mut saved, today);
    if let Some((pointer, was, now)) = first_json_difference("", &saved, &fresh) {
        panic!("GET {path} answers differently after the upgrade, first at {pointer}:\n saved: {was}\n now:   {now}");
    }
}

/// The JSON pointer of the first difference, with both values (`-` for a missing one).
fn first_json_difference(at: &str, a: &Value, b: &Value) -> Option<(String, String, String)> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|k| {
                let here = format!("{at}/{k}");
                match (x.get(k), y.get(k)) {
                    (Some(v), Some(w)) => first_json_difference(&here, v, w),
                    (v, w) => Some((here, shown(v), shown(w))),
                }
            })
        }
        (Value::Array(x), Value::Array(y)) => (0..x.len().max(y.len())).find_map(|i| {
            let here = format!("{at}/{i}");
            match (x.get(i), y.get(i)) {
                (Some(v), Some(w)) => first_json_difference(&here, v, w),
                (v, w) => Some((here, shown(v), shown(w))),
            }
        }),
        _ if a == b => None,
        _ => Some((if at.is_empty() { "/".into() } else { at.into() }, a.to_string(), b.to_string())),
    }
}

fn shown(v: Option<&Value>) -> String {
    v.map_or_else(|| "-".into(), Value::to_string)
}

/// Row by row (the files take a date, so nothing in them depends on the day).
fn compare_csv(path: &str, saved: &str, fresh: &str) {
    let saved: Vec<&str> = saved.split("\r\n").collect();
    let fresh: Vec<&str> = fresh.split("\r\n").collect();
    for (i, (s, f)) in saved.iter().zip(&fresh).enumerate() {
        assert!(
            s == f,
            "GET {path}: row {} differs after the upgrade{}\n saved: {s}\n now:   {f}",
            i + 1,
            column(s, f)
        );
    }
    assert_eq!(saved.len(), fresh.len(), "GET {path}: number of rows after the upgrade");
}

/// Where two differing lines part, for long lines (the badge is one).
fn column(a: &str, b: &str) -> String {
    parting(a, b, ("saved", "now"))
}

fn parting(a: &str, b: &str, (la, lb): (&str, &str)) -> String {
    let at = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let from = at.saturating_sub(20);
    let near = |s: &str| s.chars().skip(from).take(60).collect::<String>();
    format!(" at character {}: {la} …{}… {lb} …{}…", at + 1, near(a), near(b))
}

/// Line by line, exactly (the badge and the report archive).
fn compare_lines(path: &str, saved: &str, fresh: &str) {
    for (i, (s, f)) in saved.lines().zip(fresh.lines()).enumerate() {
        assert!(
            s == f,
            "GET {path}: line {} differs after the upgrade{}\n saved: {s}\n now:   {f}",
            i + 1,
            column(s, f)
        );
    }
    assert_eq!(saved.lines().count(), fresh.lines().count(), "GET {path}: number of lines after the upgrade");
}

/// The feed's entries as a set, and the feed's own elements around them exactly. Nothing in the
/// feed comes from the clock: `updated` of the feed is the newest event's recording time and
/// each entry's is its own (stored data), so nothing is normalised.
fn compare_atom(path: &str, saved: &str, fresh: &str) {
    // The feed is written on one line: one element a line, so that a difference names its element.
    let one_a_line = |s: &str| s.replace("><", ">\n<");
    let (saved_head, saved_entries) = split_blocks(&one_a_line(saved), "<entry>", "</entry>");
    let (fresh_head, fresh_entries) = split_blocks(&one_a_line(fresh), "<entry>", "</entry>");
    compare_lines(&format!("{path} (the feed outside its entries)"), &saved_head, &fresh_head);
    compare_sets(path, "entry", &saved_entries, &fresh_entries);
}

/// The calendar's VEVENTs as a set (lines unfolded), and its own lines exactly. The one clock
/// dependence: the calendar lists meetings from today on, so a VEVENT saved for a meeting whose
/// DTSTART has passed since is no longer expected. DTSTAMP is the event's recording time, stored.
fn compare_ics(path: &str, saved: &str, fresh: &str, today: NaiveDate) {
    let unfold = |s: &str| s.replace("\r\n ", "").replace("\r\n", "\n");
    let (saved_head, saved_events) = split_blocks(&unfold(saved), "BEGIN:VEVENT", "END:VEVENT");
    let (fresh_head, fresh_events) = split_blocks(&unfold(fresh), "BEGIN:VEVENT", "END:VEVENT");
    let today = today.format("%Y%m%d").to_string();
    let still_ahead = |event: &String| {
        event
            .lines()
            .find_map(|l| l.strip_prefix("DTSTART;VALUE=DATE:"))
            .is_none_or(|start| start.trim() >= today.as_str())
    };
    let saved_events: Vec<String> = saved_events.into_iter().filter(still_ahead).collect();
    compare_lines(&format!("{path} (the calendar outside its events)"), &saved_head, &fresh_head);
    compare_sets(path, "VEVENT", &saved_events, &fresh_events);
}

/// `text` split into what lies outside the `open`…`close` blocks and the blocks themselves.
fn split_blocks(text: &str, open: &str, close: &str) -> (String, Vec<String>) {
    let mut outside = String::new();
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        outside.push_str(&rest[..start]);
        let Some(len) = rest[start..].find(close) else { break };
        let end = start + len + close.len();
        blocks.push(rest[start..end].to_string());
        rest = &rest[end..];
    }
    outside.push_str(rest);
    (outside, blocks)
}

fn multiset(items: &[String]) -> BTreeMap<&str, usize> {
    let mut m = BTreeMap::new();
    for i in items {
        *m.entry(i.as_str()).or_default() += 1;
    }
    m
}

fn compare_sets(path: &str, what: &str, saved: &[String], fresh: &[String]) {
    let (saved_set, fresh_set) = (multiset(saved), multiset(fresh));
    let differs = |k: &&str| saved_set.get(k) != fresh_set.get(k);
    let Some(odd) = saved_set.keys().find(|k| differs(k)).or_else(|| fresh_set.keys().find(|k| differs(k))) else {
        return;
    };
    // The block on the other side with the same identifier (<id> of an entry, UID of a VEVENT),
    // to show the first line that differs.
    let key = |block: &str| block.lines().find(|l| l.starts_with("<id>") || l.starts_with("UID:")).map(str::to_string);
    let in_saved = saved_set.contains_key(odd) && saved_set.get(odd) > fresh_set.get(odd);
    let others = if in_saved { fresh } else { saved };
    let twin = others.iter().find(|o| key(o).is_some() && key(o) == key(odd)).map_or("", String::as_str);
    let (line, a, b) = odd
        .lines()
        .zip(twin.lines().chain(std::iter::repeat("")))
        .enumerate()
        .find(|(_, (a, b))| a != b)
        .map_or((0, "", ""), |(i, (a, b))| (i + 1, a, b));
    let (side, other) = if in_saved { ("saved", "now") } else { ("now", "saved") };
    panic!(
        "GET {path}: one {what} differs after the upgrade ({} saved, {} now); first at line {line} of the {what}\n \
         {side}: {a}\n {other}: {}\nthe whole {what} ({side}):\n{odd}",
        saved.len(),
        fresh.len(),
        if twin.is_empty() { format!("(no {what} with its identifier)") } else { b.to_string() },
    );
}
