//! Any county (issue 18): a five-line agreement file per county through `ratify agreement add`
//! gives a public page with that county's parties and its map, with no code change; in a real
//! browser the map of four counties passes axe-core and the keyboard reaches every municipality.

use std::collections::BTreeSet;
use std::process::Command;

use crate::browser::{axe_source, axe_violations};
use crate::browser_support::{browser, start_driver};
use crate::support::{Backend, TestApp};

const BIN: &str = env!("CARGO_BIN_EXE_ratify");

/// (code, name, kind, county_code) of the registry.
fn registry() -> Vec<(String, String, String, String)> {
    include_str!("../../assets/registry.csv")
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[0].into(), c[1].into(), c[2].into(), c[3].into())
        })
        .collect()
}

fn counties() -> Vec<String> {
    registry().into_iter().filter(|r| r.2 == "region").map(|r| r.0).collect()
}

/// Adds the county's agreement with the five-line file, as an operator would.
fn add_county(app: &TestApp, url: &str, county: &str) -> String {
    let slug = format!("lan-{county}");
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("avtal.toml");
    std::fs::write(
        &file,
        format!(
            "slug = \"{slug}\"\ntitle = \"Hälso- och sjukvårdsavtal i län {county}\"\nstarts_on = 2028-01-01\ncounty = \"{county}\"\nmajority = \"more_than_half\"\n"
        ),
    )
    .expect("write");
    let out = Command::new(BIN)
        .args(["agreement", "add"])
        .arg(&file)
        .args(["--database-url", url])
        .env("RATIFY_LOG", "warn")
        .output()
        .expect("run ratify");
    assert!(out.status.success(), "agreement add {county}: {}", String::from_utf8_lossy(&out.stderr));
    // The change watcher would notice within one interval; the test server runs without it.
    app.state.everything_changed();
    slug
}

async fn every_county_gets_a_working_page_with_its_parties_and_its_map(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let url = app.db_url().to_string();
    let all = registry();
    for county in counties() {
        let slug = add_county(&app, &url, &county);
        let page = app.get(&format!("/avtal/{slug}")).await;
        assert_eq!(page.status(), 200, "/avtal/{slug}");
        let html = page.text().await.expect("body");
        let members: Vec<_> = all.iter().filter(|r| r.3 == county).collect();
        let municipalities: Vec<_> = members.iter().filter(|r| r.2 == "municipality").collect();
        for m in &municipalities {
            assert!(html.contains(&m.1), "/avtal/{slug} names {}", m.1);
            assert!(html.contains(&format!("id=\"kommun-{}\"", m.0)), "/avtal/{slug} maps {}", m.0);
        }
        let drawn = html.matches("id=\"kommun-").count();
        assert_eq!(drawn, municipalities.len(), "/avtal/{slug}: the county's map, no other county's areas");
        // The map's text alternative names this county, not Västra Götaland.
        let county_name = ratify::parties::county_name(&county).expect("county name");
        let label = html
            .split("aria-label=\"Karta över ")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("/avtal/{slug}: the map has a label"));
        let stem = county_name.trim_end_matches(" län").trim_end_matches('s');
        assert!(label.contains(stem), "/avtal/{slug}: the map's label names {county_name}: {label}");
        assert!(
            label.contains(&format!(" {} kommun", municipalities.len())),
            "/avtal/{slug}: the map's label counts the municipalities: {label}"
        );
        if county != "14" {
            assert!(!label.contains("Västra Götaland"), "/avtal/{slug}: {label}");
        }
        // The region's page locates it on its own county's map, named.
        // Gotland's region is its municipality (0980), the agreement's one party.
        let region = if county == "09" { "0980".to_string() } else { county.clone() };
        let page = app.get(&format!("/avtal/{slug}/parter/{region}")).await;
        assert_eq!(page.status(), 200, "/avtal/{slug}/parter/{region}");
        let html = page.text().await.expect("body");
        assert!(
            html.contains(&format!(" i {county_name}.")) || html.contains(&format!("hela {county_name}.")),
            "{slug}: {county_name}"
        );
        let status = app.get_json(&format!("/api/v1/agreements/{slug}/status"), 200).await;
        let n = municipalities.len() as u64;
        assert_eq!(status["municipalities_total"].as_u64(), Some(n), "{slug}: {status}");
        assert_eq!(status["conditions"]["majority"]["required"].as_u64(), Some(n / 2 + 1), "{slug}: more than half");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_county_sqlite() {
    every_county_gets_a_working_page_with_its_parties_and_its_map(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_county_postgres() {
    every_county_gets_a_working_page_with_its_parties_and_its_map(Backend::Postgres).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_counties_maps_pass_axe_and_the_keyboard_reaches_every_municipality() {
    let axe = axe_source();
    let driver = start_driver().await;
    let app = TestApp::spawn(Backend::Sqlite).await;
    let url = app.db_url().to_string();
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    let all = registry();
    let mut violations = Vec::new();
    // Västra Götaland, Skåne, Stockholm, Norrbotten.
    for county in ["14", "12", "01", "25"] {
        let slug = add_county(&app, &url, county);
        for path in [format!("/avtal/{slug}"), format!("/avtal/{slug}?vy=rutnat")] {
            client.set_window_size(1280, 900).await.unwrap();
            client.goto(&app.url(&path)).await.unwrap();
            violations.extend(axe_violations(&client, &axe, &path).await);
            let hrefs = client
                .execute(
                    "return [...document.querySelectorAll('svg.map > a')].map(a => a.getAttribute('href'));",
                    vec![],
                )
                .await
                .expect("links");
            let linked: BTreeSet<String> = hrefs
                .as_array()
                .expect("array")
                .iter()
                .filter_map(|h| h.as_str())
                .map(|h| h.rsplit('/').next().unwrap_or_default().to_string())
                .collect();
            let expected: BTreeSet<String> =
                all.iter().filter(|r| r.3 == county && r.2 == "municipality").map(|r| r.0.clone()).collect();
            assert_eq!(linked, expected, "{path}: every municipality of the county is a link on the map");
            // Keyboard: Tab from the top reaches every link of the map.
            let mut reached = BTreeSet::new();
            for _ in 0..(expected.len() + 80) {
                crate::browser::press_tab(&client).await;
                let href = client
                    .execute(
                        "const a = document.activeElement; return a && a.closest && a.closest('svg.map') ? a.getAttribute('href') : null;",
                        vec![],
                    )
                    .await
                    .expect("focus");
                if let Some(h) = href.as_str() {
                    reached.insert(h.rsplit('/').next().unwrap_or_default().to_string());
                } else if !reached.is_empty() {
                    break;
                }
            }
            assert_eq!(reached, expected, "{path}: Tab reaches every municipality of the map");
        }
    }
    client.close().await.unwrap();
    assert!(violations.is_empty(), "axe-core found accessibility violations:\n{}", violations.join("\n"));
}
