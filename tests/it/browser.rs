//! The public pages in a real browser: headless Chromium driven through chromedriver (WebDriver).
//! axe-core (from the npm registry, `tests/browser/`) checks each page for accessibility
//! violations; the keyboard must reach every municipality of the map; screenshots at 1280 and
//! 360 px width are saved under `target/test-artifacts/` for people to look at.
//!
//! Runs on SQLite only: the pages render the same data from either backend (the HTTP tests check
//! both), and one browser run is enough. Needs /usr/bin/chromium, /usr/bin/chromedriver
//! (`apt-get install chromium chromium-driver`) and `npm ci --prefix tests/browser`; without them
//! the test fails saying so rather than skipping.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::Client;
use serde_json::{json, Value};

use crate::browser_support::{browser, start_driver};
use crate::support::{municipality_codes, Backend, TestApp};

fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

pub(crate) fn axe_source() -> String {
    let path = repo_path("tests/browser/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core is missing ({}: {e}). Install it from the npm registry with: npm ci --prefix tests/browser",
            path.display()
        )
    })
}

/// Runs axe-core on the loaded page; returns the violations as readable lines.
pub(crate) async fn axe_violations(client: &Client, axe: &str, page: &str) -> Vec<String> {
    client.execute(&format!("{axe}\nreturn true;"), vec![]).await.expect("inject axe-core");
    let result = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {resultTypes: ['violations']})
                .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}))))
                .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));",
            vec![],
        )
        .await
        .expect("run axe-core");
    result
        .as_array()
        .expect("violations array")
        .iter()
        .map(|v| {
            let nodes: Vec<String> =
                v["nodes"].as_array().unwrap().iter().take(5).map(|n| format!("    {}", n.as_str().unwrap())).collect();
            format!("{page}: [{}] {} ({})\n{}", v["impact"], v["id"], v["help"], nodes.join("\n"))
        })
        .collect()
}

async fn js(client: &Client, script: &str) -> Value {
    client.execute(script, vec![]).await.unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

pub(crate) async fn press_tab(client: &Client) {
    let tab: char = Key::Tab.into();
    let keys =
        KeyActions::new("keyboard".into()).then(KeyAction::Down { value: tab }).then(KeyAction::Up { value: tab });
    client.perform_actions(keys).await.expect("press Tab");
}

/// Saves a screenshot of the whole page at `width` CSS pixels; checks the page does not scroll
/// sideways at that width.
async fn screenshot(client: &Client, width: u32, name: &str) {
    client.set_window_size(width, 900).await.expect("window size");
    let inner = js(client, "return window.innerWidth;").await.as_u64().unwrap();
    let height = js(client, "return document.documentElement.scrollHeight;").await.as_u64().unwrap();
    // The window's frame takes a few pixels: grow it so the viewport is `width` wide and shows it all.
    let extra_w = u64::from(width) - inner.min(u64::from(width));
    client.set_window_size(width + extra_w as u32, (height + 100).min(16_000) as u32).await.expect("window size");
    let inner = js(client, "return window.innerWidth;").await.as_u64().unwrap();
    assert_eq!(inner, u64::from(width), "{name}: viewport width");
    let scroll_width = js(client, "return document.documentElement.scrollWidth;").await.as_u64().unwrap();
    if scroll_width > inner {
        let culprits = js(
            client,
            "return [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .filter(e => !e.parentElement.closest('.table-scroll'))
                .sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right)
                .slice(0, 10)
                .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));",
        )
        .await;
        panic!("{name}: the page scrolls sideways at {width} px ({scroll_width} px wide): {culprits}");
    }
    let png = client.screenshot().await.expect("screenshot");
    let dir = repo_path("target/test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}-{width}.png"));
    std::fs::write(&file, png).unwrap();
    eprintln!("screenshot: {}", file.display());
}

async fn record_some_decisions(app: &TestApp) -> String {
    let token = app.token("browser");
    let codes = municipality_codes();
    for (i, code) in codes.iter().take(20).enumerate() {
        let day = format!("2026-{:02}-{:02}", 1 + i % 5, 3 + i);
        app.record(
            &token,
            code,
            json!({"status": "adopted", "body": "KF", "decided_on": day, "reference": format!("KF § {}", 10 + i),
                   "protocol_url": format!("https://example.se/{code}.pdf"), "posted_on": day}),
        )
        .await;
    }
    app.record(
        &token,
        &codes[20],
        json!({"status": "rejected", "body": "KF", "decided_on": "2026-04-20", "reference": "KF § 7"}),
    )
    .await;
    app.record(&token, &codes[21], json!({"status": "referred_back", "body": "KF", "decided_on": "2026-03-16"})).await;
    app.record(&token, &codes[22], json!({"status": "tabled", "body": "KF", "decided_on": "2026-05-11"})).await;
    app.record(&token, &codes[23], json!({"status": "proposed", "body": "KS", "decided_on": "2026-05-04"})).await;
    app.record(&token, &codes[24], json!({"status": "in_preparation"})).await;
    let soon = (chrono::Utc::now() + chrono::Duration::days(12)).date_naive().to_string();
    for code in &codes[25..30] {
        app.record(&token, code, json!({"status": "scheduled", "body": "KF", "planned_on": soon})).await;
    }
    app.record(&token, "14", json!({"status": "scheduled", "body": "RF", "planned_on": soon})).await;
    // A correction, for the party page's timeline.
    let corrected_party = codes[30].clone();
    let wrong = app
        .record(
            &token,
            &corrected_party,
            json!({"status": "adopted", "body": "KF", "decided_on": "2026-02-02", "reference": "KF § 5"}),
        )
        .await;
    app.record(
        &token,
        &corrected_party,
        json!({"status": "rejected", "body": "KF", "decided_on": "2026-02-02", "reference": "KF § 5",
               "protocol_url": "https://example.se/p.pdf", "corrects": wrong["id"],
               "note": "Fel utfall registrerat: fullmäktige avslog <b>inte</b> enhälligt."}),
    )
    .await;
    corrected_party
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_pass_axe_and_the_keyboard_reaches_the_map() {
    let axe = axe_source();
    let driver = start_driver().await;
    let app = TestApp::spawn(Backend::Sqlite).await;
    let party = record_some_decisions(&app).await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;

    let mut violations = Vec::new();
    let pages = [
        ("status", "/".to_string()),
        ("status-tiles", "/?vy=rutnat".to_string()),
        ("party", format!("/parter/{party}")),
        ("region", "/parter/14".to_string()),
        ("time-travel", "/?datum=2026-03-01&status=adopted".to_string()),
        ("accessibility-statement", "/tillganglighet".to_string()),
        ("embed", "/inbaddning".to_string()),
        ("not-found", "/parter/9999".to_string()),
    ];
    for (name, path) in &pages {
        client.set_window_size(1280, 900).await.unwrap();
        client.goto(&app.url(path)).await.unwrap();
        violations.extend(axe_violations(&client, &axe, path).await);
        if matches!(*name, "status" | "status-tiles" | "party") {
            for width in [1280, 360] {
                screenshot(&client, width, name).await;
            }
            client.set_window_size(1280, 900).await.unwrap();
            // Narrow screens shouldn't bring new violations (e.g. reflowed content).
            client.set_window_size(360, 900).await.unwrap();
            violations.extend(axe_violations(&client, &axe, &format!("{path} at 360 px")).await);
        }
    }

    // Styles under the strict CSP: /api uses the site's stylesheet only, and a sent report's own
    // inline styles (its <style> block and the legend's style attributes) are allowed by hash. A
    // blocked style would leave the browser's defaults.
    client.set_window_size(1280, 900).await.unwrap();
    client.goto(&app.url("/api")).await.unwrap();
    violations.extend(axe_violations(&client, &axe, "/api").await);
    let pre = js(&client, "return getComputedStyle(document.querySelector('.api-doc pre')).backgroundColor;").await;
    assert_eq!(pre, "rgb(242, 242, 242)", "/api is styled by the site's stylesheet");
    let now = ratify::clock::now();
    let week = ratify::reports::service::current_week(now);
    ratify::reports::service::release(&app.db, week, &[], Duration::from_secs(60), "test", now).unwrap();
    client.goto(&app.url(&format!("/rapporter/{week}"))).await.unwrap();
    let width = js(&client, "return getComputedStyle(document.querySelector('main')).maxWidth;").await;
    assert_eq!(width, "736px", "the report's <style> block applies (46rem)");
    let swatch =
        js(&client, "return getComputedStyle(document.querySelector('.legend .swatch')).backgroundColor;").await;
    assert!(swatch.as_str().is_some_and(|c| c != "rgba(0, 0, 0, 0)"), "the legend's style attributes apply: {swatch}");

    // Keyboard: Tab from the top of `/` must reach every municipality link of the map, and the
    // focused area must look focused.
    client.set_window_size(1280, 900).await.unwrap();
    client.goto(&app.url("/")).await.unwrap();
    let mut reached = BTreeSet::new();
    let mut focus_style_checked = false;
    let mut left_the_map = false;
    for _ in 0..200 {
        press_tab(&client).await;
        let focused = js(
            &client,
            "const a = document.activeElement;
             const inMap = !!(a && a.closest && a.closest('svg.map'));
             const path = inMap ? a.querySelector('path, polygon') : null;
             // The county map repeats the focused area on top (a focus layer), so neighbours
             // drawn later do not hide its outline.
             const links = inMap ? [...a.closest('svg.map').querySelectorAll(':scope > a')] : [];
             const ring = inMap ? a.closest('svg.map').querySelectorAll('.focus-layer > use')[links.indexOf(a)] : null;
             return {href: a ? a.getAttribute('href') : null, inMap,
                     stroke: path ? getComputedStyle(path).strokeWidth : null,
                     ring: ring ? getComputedStyle(ring).strokeWidth : null};",
        )
        .await;
        if focused["inMap"] == true {
            let href = focused["href"].as_str().unwrap_or_default();
            reached.insert(href.trim_start_matches("/parter/").to_string());
            if !focus_style_checked {
                assert_eq!(focused["stroke"], "5px", "a focused municipality gets a thick outline");
                assert_eq!(focused["ring"], "5px", "and its outline is drawn again on top of the map");
                focus_style_checked = true;
                // For people to see what keyboard focus looks like on the map.
                let png = client.screenshot().await.expect("screenshot");
                std::fs::write(repo_path("target/test-artifacts/map-focus-1280.png"), png).unwrap();
            }
        } else if !reached.is_empty() {
            left_the_map = true;
            break;
        }
    }
    client.close().await.unwrap();

    let expected: BTreeSet<String> = municipality_codes().into_iter().collect();
    let missing: Vec<_> = expected.difference(&reached).cloned().collect();
    assert!(missing.is_empty(), "Tab never reached these municipalities on the map: {missing:?}");
    assert_eq!(reached, expected);
    assert!(left_the_map, "Tab moves on past the map");
    assert!(violations.is_empty(), "axe-core found accessibility violations:\n{}", violations.join("\n"));
}

/// Makes the viewport exactly `width` CSS pixels wide (the window's frame takes a few).
async fn viewport(client: &Client, width: u32) {
    client.set_window_size(width, 900).await.expect("window size");
    let inner = js(client, "return window.innerWidth;").await.as_u64().unwrap();
    let extra = u64::from(width).saturating_sub(inner);
    client.set_window_size(width + extra as u32, 900).await.expect("window size");
    assert_eq!(js(client, "return window.innerWidth;").await.as_u64().unwrap(), u64::from(width));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_360_px_each_status_shows_and_a_municipality_is_found_without_scrolling() {
    let axe = axe_source();
    let driver = start_driver().await;
    let app = TestApp::spawn(Backend::Sqlite).await;
    record_some_decisions(&app).await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    let mut violations = Vec::new();
    client.goto(&app.url("/")).await.unwrap();
    viewport(&client, 360).await;
    for path in ["/", "/parter", "/?vy=rutnat", "/parter/1445", "/inbaddning"] {
        client.goto(&app.url(path)).await.unwrap();
        let scroll_width = js(&client, "return document.documentElement.scrollWidth;").await.as_u64().unwrap();
        assert!(scroll_width <= 360, "{path} scrolls sideways at 360 px: {scroll_width} px wide");
        violations.extend(axe_violations(&client, &axe, &format!("{path} at 360 px")).await);
    }
    for path in ["/", "/parter"] {
        client.goto(&app.url(path)).await.unwrap();
        // Every row's status is on screen, inside the viewport, with its text.
        let rows = js(
            &client,
            "return [...document.querySelectorAll('.party-table tbody tr')].map(tr => {
                 const s = tr.querySelector('.status');
                 const r = s.getBoundingClientRect();
                 return {code: tr.dataset.code, text: s.innerText.trim(), left: r.left, right: r.right,
                         width: r.width, shown: s.checkVisibility()};
             });",
        )
        .await;
        let rows = rows.as_array().unwrap();
        assert_eq!(rows.len(), 50, "{path}");
        for row in rows {
            assert!(row["shown"] == true && row["width"].as_f64().unwrap() > 0.0, "{path}: {row}");
            assert!(row["left"].as_f64().unwrap() >= 0.0 && row["right"].as_f64().unwrap() <= 360.0, "{path}: {row}");
            assert!(!row["text"].as_str().unwrap().is_empty(), "{path}: {row}");
        }
        let codes = municipality_codes();
        for (code, status) in [(&codes[0], "Antaget"), (&codes[20], "Avslaget"), (&codes[21], "Återremitterat")] {
            let row = rows.iter().find(|r| r["code"] == code.as_str()).unwrap();
            assert_eq!(row["text"], status, "{path}: {row}");
        }
    }
    // The tiles' names are too small at this width: hidden, and the list offered instead.
    client.goto(&app.url("/?vy=rutnat")).await.unwrap();
    let labels =
        js(&client, "return [...document.querySelectorAll('.tile-label')].some(e => e.checkVisibility());").await;
    assert_eq!(labels, false, "no unreadable names on the tiles");
    let note = js(&client, "return document.querySelector('.map-note.narrow-only').checkVisibility();").await;
    assert_eq!(note, true, "the map points to the list");
    // "Hitta din kommun": a plain form, typed into and sent.
    client.goto(&app.url("/")).await.unwrap();
    let field = client.find(fantoccini::Locator::Id("f-hitta")).await.expect("the find field");
    field.send_keys("essunga").await.unwrap();
    client.find(fantoccini::Locator::Css("form.find button")).await.unwrap().click().await.unwrap();
    let at = crate::browser_support::wait_for_url(&client, "/parter/").await;
    assert!(at.ends_with("/parter/1445"), "{at}");
    let heading = js(&client, "return document.querySelector('#svar-rubrik').innerText;").await;
    assert_eq!(heading, "Gäller avtalet i Essunga från 1 januari 2027?");
    client.close().await.unwrap();
    assert!(violations.is_empty(), "axe-core found accessibility violations:\n{}", violations.join("\n"));
}
