//! The audit trail: a row for every kind of write (forms, API, command line), append-only, paged,
//! exportable; and `ratify user add`.

use std::io::Write;
use std::process::{Command, Stdio};

use diesel::connection::SimpleConnection;
use ratify::accounts::Role;
use ratify::audit::Action;
use serde_json::json;

use crate::admin_support::{location, user, Staff, PASSWORD};
use crate::support::TestApp;

const BIN: &str = env!("CARGO_BIN_EXE_ratify");

fn cli(app: &TestApp, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("RATIFY_DATABASE_URL", &app.db.url().target)
        .env("RATIFY_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ratify");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn entries(app: &TestApp) -> Vec<ratify::audit::Entry> {
    app.db.read_blocking(|c| ratify::audit::all(c).map_err(ratify::db::DbError::from)).unwrap()
}

async fn every_kind_of_write_leaves_an_audit_row(app: TestApp) {
    // Command line: an admin account and a token.
    let out =
        cli(&app, &["user", "add", "Admin", "--role", "admin", "--password-stdin"], Some(&format!("{PASSWORD}\n")));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = cli(&app, &["token", "create", "--name", "cli-nyckel"], None);
    assert!(out.status.success());
    let out = cli(&app, &["token", "revoke", "--name", "cli-nyckel"], None);
    assert!(out.status.success());
    let admin = Staff::login(&app, "admin").await;
    // Failed and refused logins.
    let x = Staff::anonymous(&app, Some("127.0.0.40")).await;
    for _ in 0..5 {
        x.try_login("nobody", "fel lösenord igen").await;
    }
    assert_eq!(x.try_login("nobody", "fel lösenord igen").await.status().as_u16(), 429);
    // Accounts.
    admin.post("/admin/konton", &[("username", "anna"), ("role", "editor")]).await;
    let id = app.db.read_blocking(|c| ratify::accounts::list(c).map_err(ratify::db::DbError::from)).unwrap();
    let anna = id.iter().find(|u| u.username == "anna").unwrap().id;
    admin.post(&format!("/admin/konton/{anna}/inaktivera"), &[]).await;
    admin.post(&format!("/admin/konton/{anna}/aktivera"), &[]).await;
    admin.post(&format!("/admin/konton/{anna}/losenord"), &[]).await;
    // Tokens from the page.
    let resp = admin.post("/admin/nycklar", &[("name", "sidnyckel")]).await;
    assert!(resp.text().await.unwrap().contains("ratify_"), "the token is shown once");
    let tokens = app.db.read_blocking(|c| ratify::tokens::list(c).map_err(ratify::db::DbError::from)).unwrap();
    let page_token = tokens.iter().find(|t| t.name == "sidnyckel").unwrap().id;
    assert_eq!(admin.post(&format!("/admin/nycklar/{page_token}/aterkalla"), &[]).await.status().as_u16(), 303);
    // Events: form, correction, API, import.
    let fields = [("latest", ""), ("status", "in_preparation"), ("instruments", "avtal")];
    assert_eq!(admin.post("/admin/parter/1480/handelser", &fields).await.status().as_u16(), 303);
    let fix =
        [("latest", "1"), ("status", "proposed"), ("corrects", "1"), ("note", "Fel status"), ("instruments", "avtal")];
    assert_eq!(admin.post("/admin/parter/1480/handelser", &fix).await.status().as_u16(), 303);
    let token = app.token("api");
    app.record(&token, "1490", json!({"status": "in_preparation"})).await;
    let (path, _) = admin.preview("a.csv", b"party_code;status\n1401;proposed\n".to_vec()).await;
    assert_eq!(admin.post(&path, &[]).await.status().as_u16(), 200);
    // The weekly report: sent now (no recipients are configured here), then a failed delivery
    // (an e-mail with no mail server configured) resent.
    assert_eq!(admin.post("/admin/rapporter/skicka", &[]).await.status().as_u16(), 303);
    let delivery = failed_report_delivery(&app).await;
    let resent = admin.post(&format!("/admin/rapporter/leveranser/{delivery}/skicka-igen"), &[]).await;
    assert_eq!(resent.status().as_u16(), 303);
    // Another agreement's report settings, set by an admin.
    let other =
        crate::support::second_agreement("tva-test", &["1401", "1402"], ratify::ratification::Threshold::Count(1));
    app.add_agreement(&other);
    let settings = [("enabled", "ja"), ("schedule", "tisdag 08:30")];
    assert_eq!(admin.post("/admin/rapporter/installningar?avtal=tva-test", &settings).await.status().as_u16(), 303);
    // Password change and logout.
    let new = "ett annat långt lösenord";
    admin.post("/admin/losenord", &[("current", PASSWORD), ("new", new), ("repeat", new)]).await;
    admin.post("/admin/logga-ut", &[]).await;

    let all = entries(&app);
    for action in Action::ALL {
        assert!(all.iter().any(|e| e.action == action.code()), "no audit row for {}", action.code());
    }
    let by = |code: &str| all.iter().filter(|e| e.action == code).collect::<Vec<_>>();
    // One per event, whichever face wrote it (the import has its summary row besides).
    assert_eq!(by("event.create").len(), 3, "the form, the API and the import's one row");
    assert!(by("event.create").iter().any(|e| e.actor == "api:api"));
    assert!(by("event.create").iter().any(|e| e.actor == "admin" && e.details.contains("1401")));
    assert!(by("token.create").iter().any(|e| e.actor == "kommandoraden" && e.client_addr.is_none()));
    assert!(by("token.create").iter().any(|e| e.actor == "admin" && e.client_addr.as_deref() == Some("127.0.0.1")));
    assert!(by("login.refused").iter().all(|e| e.client_addr.as_deref() == Some("127.0.0.40")));
    assert!(by("account.create").iter().any(|e| e.actor == "kommandoraden"));
    // Shown to admins, newest first, and as CSV.
    let admin = Staff::anonymous(&app, None).await;
    admin.try_login("admin", new).await;
    let html = admin.page("/admin/logg").await;
    assert!(html.contains("Utloggning") && html.contains("API-nyckel återkallad") && html.contains("127.0.0.40"));
    let csv = admin.get("/admin/logg.csv").await.text().await.unwrap();
    assert!(csv.contains("import.commit") && csv.contains("account.password_reset"));
    assert_eq!(csv.lines().count(), all.len() + 2, "a header and every row (and the last login)");
}

/// Enqueues an e-mail delivery of the sent report and lets it fail (no SMTP is configured).
async fn failed_report_delivery(app: &TestApp) -> i32 {
    use ratify::reports::delivery::{outbox, Channel, Deliverer};
    use ratify::reports::{service, store, ReportConfig, ReportError};
    let now = ratify::clock::now();
    app.db
        .write_blocking(|c| {
            let report = store::latest_sent(c)?.expect("a sent report");
            let to = [(Channel::Email, "sro@example.se".to_string())];
            outbox::enqueue(c, report.id, report.number, &report.week, &to, now, chrono::Duration::hours(1))?;
            Ok::<_, ReportError>(())
        })
        .unwrap();
    let deliverer = Deliverer::new(&ReportConfig::default()).unwrap();
    for _ in 0..100 {
        service::deliver_due(&app.db, &deliverer, "test", std::time::Duration::from_millis(10)).await.unwrap();
        let history = ratify::reports::admin::history(&app.db, now, std::time::Duration::from_secs(600)).unwrap();
        if let Some(d) = history[0].deliveries.iter().find(|d| d.can_resend) {
            return d.delivery.id;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the delivery did not fail");
}

async fn the_audit_log_cannot_be_changed(app: TestApp) {
    user(&app, "anna", Role::Editor);
    Staff::login(&app, "anna").await;
    let mut conn = app.db.conn().unwrap();
    assert!(conn.batch_execute("UPDATE audit_log SET actor = 'x'").is_err());
    assert!(conn.batch_execute("DELETE FROM audit_log").is_err());
    if app.db.backend() == ratify::db::Backend::Postgres {
        assert!(conn.batch_execute("TRUNCATE audit_log").is_err());
    }
    drop(conn);
    assert_eq!(entries(&app).len(), 1);
    assert_eq!(entries(&app)[0].actor, "anna");
}

async fn the_log_is_paged(app: TestApp) {
    user(&app, "admin", Role::Admin);
    let token = app.token("t");
    for _ in 0..55 {
        app.record(&token, "1480", json!({"status": "in_preparation"})).await;
    }
    let s = Staff::login(&app, "admin").await;
    let first = s.page("/admin/logg").await;
    assert!(first.contains("Sida 1 av 2") && first.contains("?sida=2"));
    let second = s.page("/admin/logg?sida=2").await;
    assert!(second.contains("Sida 2 av 2") && second.contains("kommandoraden"), "the oldest rows come last");
    assert_eq!(s.get("/admin/logg?sida=x").await.status().as_u16(), 400);
}

async fn user_add_prints_a_generated_password_once(app: TestApp) {
    let out = cli(&app, &["user", "add", "cecilia", "--role", "editor"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let password = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(password.len(), 23, "{password}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("visas bara nu"));
    let s = Staff::anonymous(&app, None).await;
    let resp = s.try_login("cecilia", &password).await;
    assert_eq!(location(&resp), "/admin/losenord", "the generated password must be changed first");
    // The same name twice, a bad role, a short password: refused with a message.
    let out = cli(&app, &["user", "add", "Cecilia", "--role", "editor"], None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("finns redan"));
    assert!(!cli(&app, &["user", "add", "dan", "--role", "chef"], None).status.success());
    let out = cli(&app, &["user", "add", "dan", "--role", "admin", "--password-stdin"], Some("kort\n"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("minst 12"));
}

crate::both_backends!(
    every_kind_of_write_leaves_an_audit_row,
    the_audit_log_cannot_be_changed,
    the_log_is_paged,
    user_add_prints_a_generated_password_once,
);
