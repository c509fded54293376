//! A real browser (Debian's chromium driven through chromedriver): an editor logs in, records an
//! adoption through the form, and sees it published. SQLite only (the HTTP side is the same on
//! both databases and is covered by the other admin tests).

use fantoccini::Locator;
use ratify::accounts::Role;

use crate::admin_support::{user, PASSWORD};
use crate::browser_support::{browser, start_driver, wait_for_url};
use crate::support::{Backend, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_records_an_adoption_in_a_real_browser() {
    let driver = start_driver().await;
    let app = TestApp::spawn(Backend::Sqlite).await;
    user(&app, "anna", Role::Editor);
    let profile = tempfile::tempdir().unwrap();
    let c = browser(&driver, profile.path()).await;

    // A staff page sends the browser to the login form.
    c.goto(&app.url("/admin/parter/1480")).await.unwrap();
    wait_for_url(&c, "/admin/logga-in").await;
    c.find(Locator::Id("username")).await.unwrap().send_keys("anna").await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    c.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
    // … and back to the page asked for.
    wait_for_url(&c, "/admin/parter/1480").await;
    assert!(c.source().await.unwrap().contains("Registrera en händelse"));

    c.find(Locator::Id("status")).await.unwrap().select_by_value("adopted").await.unwrap();
    c.find(Locator::Id("body")).await.unwrap().select_by_value("KF").await.unwrap();
    // A date field's typing order follows the browser's locale; set its value directly.
    for (id, date) in [("decided_on", "2026-03-24"), ("posted_on", "2026-03-30")] {
        c.execute(&format!("document.getElementById('{id}').value = '{date}';"), vec![]).await.unwrap();
    }
    c.find(Locator::Id("reference")).await.unwrap().send_keys("KF § 45").await.unwrap();
    c.find(Locator::Id("protocol_url"))
        .await
        .unwrap()
        .send_keys("https://goteborg.se/kf-2026-03-24.pdf")
        .await
        .unwrap();
    c.find(Locator::Id("note")).await.unwrap().send_keys("Beslut enligt KS förslag.").await.unwrap();
    c.find(Locator::Css("form[action='/admin/parter/1480/handelser'] button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_url(&c, "sparad=").await;
    let page = c.source().await.unwrap();
    assert!(page.contains("är sparad") && page.contains("KF § 45"), "the timeline shows the new event");

    // The public sees it: the party's own page, and the count on the status page.
    c.goto(&app.url("/parter/1480")).await.unwrap();
    let title = c.title().await.unwrap();
    assert!(title.starts_with("Göteborg"), "{title}");
    let text = c.find(Locator::Css("main")).await.unwrap().text().await.unwrap();
    assert!(text.contains("Antaget") && text.contains("KF § 45"), "the public party page: {text}");
    let minutes = c.find(Locator::Css("a[href='https://goteborg.se/kf-2026-03-24.pdf']")).await;
    assert!(minutes.is_ok(), "the public party page links the minutes");
    c.goto(&app.url("/")).await.unwrap();
    let text = c.find(Locator::Css("main")).await.unwrap().text().await.unwrap();
    assert!(text.contains("1 av 49 kommuner har antagit avtalet"), "the status page counts it: {text}");

    c.close().await.unwrap();
}
