//! `ratify report generate|send` through the binary.

use std::process::{Command, Output};

use crate::support::{Backend, TestDb};

const BIN: &str = env!("CARGO_BIN_EXE_ratify");

fn ratify(db: &TestDb, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env("RATIFY_DATABASE_URL", &db.url).env("RATIFY_LOG", "warn");
    for var in [
        "RATIFY_REPORT_WEBHOOKS",
        "RATIFY_REPORT_EMAILS",
        "RATIFY_SMTP_URL",
        "RATIFY_SMTP_FROM",
        "RATIFY_WEBHOOK_SECRET",
        "RATIFY_REPORT_SCHEDULE",
    ] {
        cmd.env_remove(var);
    }
    cmd.output().expect("run ratify")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn generate_and_send(backend: Backend) {
    let db = TestDb::new(backend);
    let gen = ratify(&db, &["report", "generate"]);
    assert!(gen.status.success(), "{}", text(&gen.stderr));
    assert!(text(&gen.stdout).contains("LÄGESRAPPORT NR 1 TILL SRO"), "{}", text(&gen.stdout));
    assert!(text(&gen.stderr).contains("utkast"), "{}", text(&gen.stderr));

    let dry = ratify(&db, &["report", "send", "--dry-run"]);
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    assert!(text(&dry.stderr).contains("Provkörning") && text(&dry.stderr).contains("Inga mottagare"));

    let sent = ratify(&db, &["report", "send"]);
    assert!(sent.status.success(), "{}", text(&sent.stderr));
    assert!(text(&sent.stdout).contains("sparad men inte skickad: inga mottagare"), "{}", text(&sent.stdout));
    let again = ratify(&db, &["report", "send"]);
    assert!(text(&again.stdout).contains("inga mottagare"), "{}", text(&again.stdout));

    let a = ratify(&db, &["report", "generate"]);
    let b = ratify(&db, &["report", "generate"]);
    assert!(text(&a.stderr).contains("ändras inte"), "{}", text(&a.stderr));
    assert_eq!(a.stdout, b.stdout, "a sent report prints the same every time");

    let future = ratify(&db, &["report", "generate", "--week", "2099-W01"]);
    assert!(!future.status.success());
    assert!(text(&future.stderr).contains("har inte börjat"), "{}", text(&future.stderr));
    let bad = ratify(&db, &["report", "send", "--week", "vecka 48"]);
    assert!(!bad.status.success());
    assert!(text(&bad.stderr).contains("2026-W48"), "{}", text(&bad.stderr));
}

#[test]
fn report_commands_on_sqlite() {
    generate_and_send(Backend::Sqlite);
}

#[test]
fn report_commands_on_postgres() {
    generate_and_send(Backend::Postgres);
}

/// Issue 15: a report frozen with no recipient configured is stored, and no command says it was
/// sent: not `report send` (again), not `report generate`.
fn a_report_frozen_for_nobody_is_not_called_sent(backend: Backend) {
    let db = TestDb::new(backend);
    let first = ratify(&db, &["report", "send"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    for args in [&["report", "send"][..], &["report", "generate"][..], &["report", "send", "--dry-run"][..]] {
        let out = ratify(&db, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        let said = format!("{}{}", text(&out.stderr), text(&out.stdout).lines().next().unwrap_or_default());
        let said = said.replace("inte skickad", "");
        assert!(!said.contains("skickad") && !said.contains("Redan"), "{args:?} calls it sent: {said}");
    }
    let gen = ratify(&db, &["report", "generate"]);
    assert!(text(&gen.stderr).contains("inte skickad"), "{}", text(&gen.stderr));
    assert!(text(&gen.stderr).contains("ändras inte"), "{}", text(&gen.stderr));
}

#[test]
fn a_report_frozen_for_nobody_on_sqlite() {
    a_report_frozen_for_nobody_is_not_called_sent(Backend::Sqlite);
}

#[test]
fn a_report_frozen_for_nobody_on_postgres() {
    a_report_frozen_for_nobody_is_not_called_sent(Backend::Postgres);
}

/// `ratify` with the report variables cleared and then `env` set (the operator's configuration).
fn ratify_with(db: &TestDb, args: &[&str], env: &[(&str, String)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env("RATIFY_DATABASE_URL", &db.url).env("RATIFY_LOG", "warn");
    for var in [
        "RATIFY_REPORT_WEBHOOKS",
        "RATIFY_REPORT_EMAILS",
        "RATIFY_SMTP_URL",
        "RATIFY_SMTP_FROM",
        "RATIFY_WEBHOOK_SECRET",
        "RATIFY_REPORT_SCHEDULE",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run ratify")
}

/// Issue 15: the week's report is frozen while nobody is configured (a server started on a
/// Tuesday); the operator then configures a webhook and an e-mail address. Each gets this week's
/// report once — at `report send`, and a recipient added later at the scheduler's next tick —
/// and the dry run names exactly those the send then delivers to.
fn recipients_added_after_the_freeze_get_the_report_once(backend: Backend) {
    use std::time::Duration;
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let server = rt.block_on(MockServer::start());
    rt.block_on(Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).mount(&server));
    let sink = rt.block_on(crate::reports_support::SmtpSink::start());
    let hits = |p: &str| {
        let requests = rt.block_on(server.received_requests()).unwrap_or_default();
        requests.iter().filter(|r| r.url.path() == p).count()
    };
    let db = TestDb::new(backend);
    crate::reports_support::agreement_starts_later(&db.url);
    let week = ratify::reports::service::current_week(ratify::clock::now()).to_string();

    // Nobody configured: the report is stored, and not said to be sent.
    let frozen = ratify_with(&db, &["report", "send", "--week", &week], &[]);
    assert!(frozen.status.success(), "{}", text(&frozen.stderr));
    let out = text(&frozen.stdout);
    assert!(out.contains("inga mottagare") && !out.contains("är skickad"), "{out}");

    let hook_a = format!("{}/a", server.uri());
    let mut env = vec![
        ("RATIFY_REPORT_WEBHOOKS", hook_a.clone()),
        ("RATIFY_WEBHOOK_SECRET", crate::reports_support::SECRET.to_string()),
        ("RATIFY_REPORT_EMAILS", "sro@example.se".to_string()),
        ("RATIFY_SMTP_URL", format!("smtp://127.0.0.1:{}", sink.port)),
        ("RATIFY_SMTP_FROM", "Ratify <noreply@vastkom.example>".to_string()),
    ];
    let dry = ratify_with(&db, &["report", "send", "--week", &week, "--dry-run"], &env);
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    let said = text(&dry.stderr);
    assert!(said.contains(&format!("Skulle skickas till Webhook {hook_a}")), "{said}");
    assert!(said.contains("Skulle skickas till E-post sro@example.se"), "{said}");

    let sent = ratify_with(&db, &["report", "send", "--week", &week], &env);
    assert!(sent.status.success(), "{}", text(&sent.stderr));
    let out = text(&sent.stdout);
    assert!(out.contains("Levererade nu: 2,"), "{out}");
    assert_eq!((hits("/a"), sink.received().len()), (1, 1), "{out}");

    // Dry run and send agree: nobody is left to send to, and nobody gets it twice.
    let dry = ratify_with(&db, &["report", "send", "--week", &week, "--dry-run"], &env);
    let said = text(&dry.stderr);
    assert!(!said.contains("Skulle skickas till"), "{said}");
    assert!(said.contains(&format!("Redan skickad till Webhook {hook_a}")), "{said}");
    let again = ratify_with(&db, &["report", "send", "--week", &week], &env);
    assert!(text(&again.stdout).contains("Levererade nu: 0,"), "{}", text(&again.stdout));
    assert_eq!((hits("/a"), sink.received().len()), (1, 1));

    // A second webhook is configured and the server started: its scheduler delivers this week's
    // report to the new one at its first tick, and to nobody else again.
    let hook_b = format!("{}/b", server.uri());
    env[0].1 = format!("{hook_a},{hook_b}");
    let mut server_env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    server_env.push(("RATIFY_REPORT_ENABLED", "true"));
    let instance = crate::ops_process::Instance::start(&db.url, &server_env);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while hits("/b") == 0 {
        assert!(std::time::Instant::now() < deadline, "the scheduler never delivered to the added webhook");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    drop(instance);
    assert_eq!((hits("/a"), hits("/b"), sink.received().len()), (1, 1, 1));
}

#[test]
fn recipients_added_after_the_freeze_on_sqlite() {
    recipients_added_after_the_freeze_get_the_report_once(Backend::Sqlite);
}

#[test]
fn recipients_added_after_the_freeze_on_postgres() {
    recipients_added_after_the_freeze_get_the_report_once(Backend::Postgres);
}
