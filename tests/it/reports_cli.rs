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
    assert!(text(&sent.stdout).contains("är skickad till 0 mottagare"), "{}", text(&sent.stdout));
    let again = ratify(&db, &["report", "send"]);
    assert!(text(&again.stdout).contains("var redan skickad"), "{}", text(&again.stdout));

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
