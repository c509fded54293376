//! Reports per agreement (issue 17): each agreement's reports are numbered, built, archived and
//! delivered apart; the featured agreement's stay where and as they were.

use std::time::Duration;

use serde_json::{json, Value};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use ratify::accounts::Role;
use ratify::agreement::Agreement;
use ratify::ratification::Threshold;
use ratify::reports::settings::{self, AgreementSettings};
use ratify::reports::{service, store};

use crate::admin_support::{location, user, Staff};
use crate::both_backends;
use crate::reports_support::{config, now, worker};
use crate::support::{second_agreement, TestApp};

const FYRBODAL: [&str; 14] =
    ["1421", "1427", "1430", "1435", "1438", "1439", "1460", "1461", "1484", "1485", "1486", "1487", "1488", "1492"];
const SLUG: &str = "fyrbodal-rapport";

fn fyrbodal(app: &TestApp) -> Agreement {
    let id = app.add_agreement(&second_agreement(SLUG, &FYRBODAL, Threshold::MORE_THAN_HALF));
    app.db.read_blocking(|c| ratify::agreement::load_by_id(c, id).map_err(ratify::db::DbError::from)).expect("load")
}

fn adopted() -> Value {
    json!({"status": "adopted", "body": "KF", "decided_on": "2026-03-02", "reference": "KF § 1"})
}

/// An adoption by `code` in `agreement`, written the way every face writes.
fn record_in(app: &TestApp, agreement: &Agreement, code: &str) {
    let writer = ratify::events::store::Writer { name: "test".into(), client_addr: None };
    let raw = ratify::events::validate::raw_from_json(&adopted()).expect("raw");
    app.db
        .write_blocking(|c| {
            ratify::events::store::record_in(
                c,
                agreement,
                code,
                &raw,
                &writer,
                ratify::clock::today(),
                ratify::events::validate::Audience::Api,
            )
            .map_err(|e| ratify::db::DbError::Migration(e.to_string()))
        })
        .expect("recorded");
}

async fn two_agreements_are_numbered_built_and_archived_apart(app: TestApp) {
    let fyr = fyrbodal(&app);
    let token = app.token("test");
    app.record(&token, "1480", adopted()).await;
    record_in(&app, &fyr, "1485");
    let cfg = config(&[], &[], None);
    let week = service::current_week(now());

    // The featured agreement: two reports (last week's, this week's).
    let first = service::release(&app.db, week.previous(), &[], cfg.retry_for, "test", now()).expect("featured 1");
    let second = service::release(&app.db, week, &[], cfg.retry_for, "test", now()).expect("featured 2");
    assert_eq!((first.report.number, second.report.number), (1, 2));
    // Fyrbodal's first report is its no. 1, in a week the featured agreement has a report too.
    let fyr_report = service::release_for(&app.db, &fyr, week, &[], cfg.retry_for, "test", None, now()).expect("fyr");
    assert!(fyr_report.newly_sent);
    assert_eq!(fyr_report.report.number, 1, "numbered within its agreement");
    assert_eq!(fyr_report.report.agreement_id, fyr.id);

    // Contents without bleed: Fyrbodal's report counts its 14 municipalities only.
    let data: Value = serde_json::from_str(&fyr_report.report.data).expect("json");
    assert_eq!(data["status"]["municipalities_total"], 14, "{}", data["status"]);
    assert_eq!(data["status"]["counts"]["adopted"], 1, "1485's adoption, not Göteborg's");
    assert!(fyr_report.report.text.contains("Uddevalla"), "{}", fyr_report.report.text);
    assert!(!fyr_report.report.text.contains("Göteborg"), "{}", fyr_report.report.text);
    assert!(fyr_report.report.html.contains("<title>Lägesrapport vecka"), "the HTML has a title");
    assert!(fyr_report.report.html.contains(&format!("– Testavtalet {SLUG}</title>")), "its title names it");
    let featured: Value = serde_json::from_str(&second.report.data).expect("json");
    assert_eq!(featured["status"]["municipalities_total"], 49);
    assert!(second.report.html.contains("– Hälso- och sjukvårdsavtalet</title>"));
    // The featured agreement's functions still see only its own reports.
    let listed = app.db.read_blocking(|c| store::list(c, true).map_err(ratify::db::DbError::from)).expect("list");
    assert_eq!(listed.iter().map(|r| r.number).collect::<Vec<_>>(), vec![2, 1]);

    // Archives apart; today's /rapporter is the featured agreement's.
    let (w, prev) = (week.to_string(), week.previous().to_string());
    let list = app.get("/rapporter").await.text().await.expect("body");
    assert!(list.contains("Rapport nr 2") && list.contains("Rapport nr 1"), "{list}");
    assert!(list.contains(&format!("href=\"/rapporter/{w}\"")));
    assert!(!list.contains(SLUG), "no other agreement's report in /rapporter: {list}");
    let own = app.get(&format!("/avtal/{SLUG}/rapporter")).await;
    assert_eq!(own.status().as_u16(), 200);
    let own = own.text().await.expect("body");
    assert!(own.contains("Rapport nr 1") && !own.contains("Rapport nr 2"), "{own}");
    assert!(own.contains(&format!("Testavtalet {SLUG}")), "names its agreement");
    assert!(own.contains(&format!("href=\"/avtal/{SLUG}/rapporter/{w}.json\"")), "{own}");
    let json = app.get_json(&format!("/avtal/{SLUG}/rapporter/{w}.json"), 200).await;
    assert_eq!((json["number"].clone(), json["status"]["municipalities_total"].clone()), (json!(1), json!(14)));
    let json = app.get_json(&format!("/rapporter/{w}.json"), 200).await;
    assert_eq!((json["number"].clone(), json["status"]["municipalities_total"].clone()), (json!(2), json!(49)));
    let html = app.get(&format!("/avtal/{SLUG}/rapporter/{w}")).await;
    assert_eq!(html.status().as_u16(), 200);
    assert!(html.text().await.expect("body").contains(&format!("Testavtalet {SLUG}")));
    // Fyrbodal has no report of last week; an unknown agreement has no archive.
    assert_eq!(app.get(&format!("/avtal/{SLUG}/rapporter/{prev}")).await.status().as_u16(), 404);
    assert_eq!(app.get("/avtal/finns-inte/rapporter").await.status().as_u16(), 404);
    assert_eq!(app.get("/avtal/hos-2027/rapporter").await.status().as_u16(), 200, "the featured one by slug too");
}

async fn each_agreement_is_delivered_to_its_own_recipients(app: TestApp) {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let fyr = fyrbodal(&app);
    let token = app.token("test");
    app.record(&token, "1480", adopted()).await;
    record_in(&app, &fyr, "1485");
    let mut cfg = config(&[format!("{}/hos", server.uri())], &[], None);
    cfg.enabled = true;
    let stored = AgreementSettings {
        enabled: true,
        schedule: cfg.schedule,
        webhooks: vec![format!("{}/fyr", server.uri())],
        emails: Vec::new(),
    };
    app.db
        .write_blocking(|c| settings::save(c, fyr.id, &stored, "test", now()).map_err(ratify::db::DbError::from))
        .expect("settings");

    let w = worker(&app.db, &cfg, "w1", Duration::from_secs(600));
    let pass = w.pass(now()).await.expect("pass");
    let week = pass.released.clone().expect("the featured agreement's report");
    assert_eq!(pass.released_others, vec![(SLUG.to_string(), week.clone())]);
    assert_eq!(pass.deliveries.delivered, 2, "{pass:?}");
    let again = w.pass(now()).await.expect("pass");
    assert_eq!((again.released, again.released_others.len(), again.deliveries.delivered), (None, 0, 0), "once");

    let requests = server.received_requests().await.expect("requests");
    assert_eq!(requests.len(), 2);
    let to = |p: &str| requests.iter().find(|r| r.url.path() == p).unwrap_or_else(|| panic!("a request to {p}"));
    let (hos, fyr_req) = (to("/hos"), to("/fyr"));
    let body = |r: &wiremock::Request| serde_json::from_slice::<Value>(&r.body).expect("json");
    assert_eq!(body(hos)["status"]["municipalities_total"], 49);
    assert_eq!(body(fyr_req)["status"]["municipalities_total"], 14);
    assert_eq!((body(hos)["number"].clone(), body(fyr_req)["number"].clone()), (json!(1), json!(1)));
    let key =
        |r: &wiremock::Request| r.headers.get("Idempotency-Key").expect("key").to_str().expect("ascii").to_string();
    assert_ne!(key(hos), key(fyr_req), "keys never collide between agreements");
    assert!(key(fyr_req).contains(SLUG), "{}", key(fyr_req));
    assert!(!key(hos).contains(SLUG));
}

async fn staff_choose_the_agreement_and_admins_set_its_reports(app: TestApp) {
    let fyr = fyrbodal(&app);
    user(&app, "ada", Role::Admin);
    user(&app, "eva", Role::Editor);
    let admin = Staff::login(&app, "ada").await;

    let page = admin.page("/admin/rapporter").await;
    assert!(page.contains("<h1>Veckorapport till SRO</h1>"), "the featured agreement's page as before");
    assert!(page.contains(&format!("href=\"/admin/rapporter?avtal={SLUG}\"")), "the other agreement is a choice");
    let page = admin.page(&format!("/admin/rapporter?avtal={SLUG}")).await;
    assert!(page.contains(&format!("Veckorapport till SRO – Testavtalet {SLUG}")), "{page}");
    assert!(page.contains("Inställningar för rapporterna") && page.contains("Spara inställningarna"));
    assert!(page.contains(&format!("action=\"/admin/rapporter/skicka?avtal={SLUG}\"")), "sends this agreement's");
    let preview = admin.page(&format!("/admin/rapporter/forhandsvisning?avtal={SLUG}")).await;
    assert!(preview.contains(&format!("– Testavtalet {SLUG}</title>")), "the preview is of this agreement");

    let action = format!("/admin/rapporter/installningar?avtal={SLUG}");
    let bad = admin.post(&action, &[("enabled", "ja"), ("schedule", "ibland"), ("emails", "inte-en-adress")]).await;
    assert_eq!(bad.status().as_u16(), 422);
    let bad = bad.text().await.expect("body");
    assert!(bad.contains("Schema: ogiltigt schema"), "the field by its label: {bad}");
    assert!(bad.contains("E-postadresser: &quot;inte-en-adress&quot; är ingen giltig e-postadress"), "{bad}");
    assert!(bad.contains("aria-invalid=\"true\""));
    let none = app.db.read_blocking(|c| settings::load(c, fyr.id).map_err(ratify::db::DbError::from)).expect("load");
    assert_eq!(none, None, "nothing stored");

    let ok = admin.post(&action, &[("enabled", "ja"), ("schedule", "tisdag 08:30"), ("webhooks", "")]).await;
    assert_eq!(ok.status().as_u16(), 303);
    assert_eq!(location(&ok), format!("/admin/rapporter?sparat=1&avtal={SLUG}"));
    let saved = app.db.read_blocking(|c| settings::load(c, fyr.id).map_err(ratify::db::DbError::from)).expect("load");
    let saved = saved.expect("stored");
    assert!(saved.enabled);
    assert_eq!(saved.schedule.to_string(), "tisdag 08:30");
    // The change is in the audit trail, with who made it.
    let log = admin.page("/admin/logg").await;
    assert!(log.contains(&format!("Rapportinställningar i avtalet {SLUG}: på, schema tisdag 08:30")), "{log}");

    let editor = Staff::login(&app, "eva").await;
    let page = editor.page(&format!("/admin/rapporter?avtal={SLUG}")).await;
    assert!(page.contains("Bara en administratör kan ändra inställningarna"), "{page}");
    assert_eq!(editor.post(&action, &[("schedule", "måndag 07:00")]).await.status().as_u16(), 403);
    assert_eq!(admin.get("/admin/rapporter?avtal=finns-inte").await.status().as_u16(), 404);
}

both_backends!(
    two_agreements_are_numbered_built_and_archived_apart,
    each_agreement_is_delivered_to_its_own_recipients,
    staff_choose_the_agreement_and_admins_set_its_reports
);

/// `ratify report … --avtal SLUG` through the binary: the agreement's own numbering.
fn the_command_line_takes_the_agreement(backend: crate::support::Backend) {
    use std::process::Command;
    let db = crate::support::TestDb::new(backend);
    let ratify = |args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ratify"));
        cmd.args(args).env("RATIFY_DATABASE_URL", &db.url).env("RATIFY_LOG", "warn");
        for var in ["RATIFY_REPORT_WEBHOOKS", "RATIFY_REPORT_EMAILS", "RATIFY_SMTP_URL", "RATIFY_SMTP_FROM"] {
            cmd.env_remove(var);
        }
        let out = cmd.output().expect("run ratify");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, _, err) = ratify(&["report", "send"]);
    assert!(ok, "{err}");
    let opened = ratify::db::Db::open(&db.url, 1).expect("open");
    let new = second_agreement(SLUG, &FYRBODAL, Threshold::MORE_THAN_HALF);
    opened
        .write_blocking(|c| {
            ratify::agreement::define::define(c, &new).map_err(|e| ratify::db::DbError::Migration(e.to_string()))
        })
        .expect("defined");
    let (ok, out, err) = ratify(&["report", "send", "--avtal", SLUG]);
    assert!(ok, "{err}");
    assert!(out.contains("Rapport nr 1 för vecka") && out.contains("inga mottagare"), "{out}");
    let (ok, out, err) = ratify(&["report", "generate", "--avtal", SLUG]);
    assert!(ok, "{err}");
    assert!(
        out.contains("LÄGESRAPPORT NR 1 TILL SRO") && out.contains("Uddevalla") && !out.contains("Göteborg"),
        "{out}"
    );
    let (ok, _, err) = ratify(&["report", "send", "--avtal", "finns-inte"]);
    assert!(!ok && err.contains("det finns inget avtal finns-inte"), "{err}");
}

#[test]
fn the_command_line_takes_the_agreement_on_sqlite() {
    the_command_line_takes_the_agreement(crate::support::Backend::Sqlite);
}

#[test]
fn the_command_line_takes_the_agreement_on_postgres() {
    the_command_line_takes_the_agreement(crate::support::Backend::Postgres);
}
