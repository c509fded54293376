//! The weekly report printed on A4 in the real browser (issue 15): Chromium prints the report
//! page to PDF through WebDriver's "Print Page" command, and the PDF is looked at — a sane
//! number of A4 pages, every link of the report still in it (nothing cut at a page's edge or
//! left off), and no line wider than an A4 page's text area. The archive and the report page pass
//! axe-core.
//!
//! SQLite only, like the other browser tests: the page is the same from either backend.

use std::time::Duration;

use fantoccini::wd::PrintConfiguration;
use serde_json::json;

use crate::browser_support::{browser, start_driver};
use crate::support::{municipality_codes, Backend, TestApp};

/// `/Type /Page` objects (not the `/Type /Pages` tree nodes).
fn page_count(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/Type /Page").filter(|(i, _)| !text[i + 11..].starts_with('s')).count()
}

/// The sizes of the pages' media boxes, in points, e.g. `[0 0 594.96 841.92]`.
fn media_boxes(pdf: &[u8]) -> Vec<(f64, f64)> {
    let text = String::from_utf8_lossy(pdf);
    text.split("/MediaBox [")
        .skip(1)
        .filter_map(|rest| {
            let nums: Vec<f64> = rest.split(']').next()?.split_whitespace().filter_map(|n| n.parse().ok()).collect();
            (nums.len() == 4).then(|| (nums[2] - nums[0], nums[3] - nums[1]))
        })
        .collect()
}

/// A report with something in every section: last week's report exists, so this week's lists
/// each change with its minutes' link.
async fn report_with_changes(app: &TestApp) -> (String, Vec<String>) {
    let now = ratify::clock::now();
    let week = ratify::reports::service::current_week(now);
    let a_minute = Duration::from_secs(60);
    ratify::reports::service::release(&app.db, week.previous(), &[], a_minute, "test", now - chrono::Duration::days(7))
        .unwrap();
    let token = app.token("print");
    let mut links = Vec::new();
    for (i, code) in municipality_codes().iter().enumerate().take(30) {
        let day = format!("2026-{:02}-{:02}", 1 + i % 5, 3 + i % 25);
        let url = format!("https://example.se/protokoll/{code}.pdf");
        app.record(
            &token,
            code,
            json!({"status": "adopted", "body": "KF", "decided_on": day, "reference": format!("KF § {}", 10 + i),
                   "protocol_url": url, "note": "Beslutet gäller avtalet och alla fyra överenskommelser."}),
        )
        .await;
        links.push(url);
    }
    let codes = municipality_codes();
    app.record(&token, &codes[30], json!({"status": "rejected", "body": "KF", "decided_on": "2026-04-20"})).await;
    app.record(&token, &codes[31], json!({"status": "referred_back", "body": "KF", "decided_on": "2026-03-16"})).await;
    let now = ratify::clock::now();
    ratify::reports::service::release(&app.db, week, &[], a_minute, "test", now).unwrap();
    (format!("/rapporter/{week}"), links)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_prints_on_a4_with_nothing_cut() {
    let driver = start_driver().await;
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (path, links) = report_with_changes(&app).await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    // The archive and the report page pass axe-core, as the other public pages do.
    let axe = crate::browser::axe_source();
    let mut violations = Vec::new();
    for page in ["/rapporter", path.as_str()] {
        client.set_window_size(1280, 900).await.unwrap();
        client.goto(&app.url(page)).await.unwrap();
        violations.extend(crate::browser::axe_violations(&client, &axe, page).await);
    }
    assert!(violations.is_empty(), "axe-core found accessibility violations:\n{}", violations.join("\n"));

    // An A4 page's text area is 180 mm wide (15 mm margins): about 680 CSS pixels. At that
    // width no line of the report may stick out.
    client.set_window_size(680, 900).await.unwrap();
    let inner = client.execute("return window.innerWidth;", vec![]).await.unwrap().as_u64().unwrap();
    let extra = 680 - inner.min(680);
    client.set_window_size(680 + extra as u32, 900).await.unwrap();
    let wide = client
        .execute(
            "return [...document.querySelectorAll('main *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .map(e => e.tagName + '.' + e.className).slice(0, 10);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(wide, json!([]), "elements wider than an A4 page's text area");

    // The report's own print rules are in force (its inline <style>, allowed by the CSP).
    let rules = client
        .execute(
            "const rules = [...document.styleSheets].flatMap(s => [...s.cssRules]);
             return {page: rules.filter(r => r instanceof CSSPageRule).map(r => r.style.size),
                     print: rules.filter(r => r instanceof CSSMediaRule && r.media.mediaText === 'print').length};",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(rules, json!({"page": ["a4"], "print": 1}), "the report's @page and @media print rules");

    let pdf = client.print(PrintConfiguration::default()).await.expect("print to PDF");
    client.close().await.unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("report-a4.pdf"), &pdf).unwrap();

    assert!(pdf.starts_with(b"%PDF"), "not a PDF");
    let pages = page_count(&pdf);
    // 30 changes, the risks, 49 municipalities in four tables and the map: a few pages, not one
    // page per table row nor everything squeezed onto one.
    assert!((3..=10).contains(&pages), "{pages} pages");
    let boxes = media_boxes(&pdf);
    assert_eq!(boxes.len(), pages, "one media box per page");
    for (w, h) in boxes {
        assert!((w - 595.0).abs() < 2.0 && (h - 842.0).abs() < 2.0, "not A4 portrait: {w} × {h} pt");
    }
    let text = String::from_utf8_lossy(&pdf);
    let missing: Vec<&String> = links.iter().filter(|l| !text.contains(l.as_str())).collect();
    assert!(missing.is_empty(), "links not in the PDF (cut or left off): {missing:?}");
}
