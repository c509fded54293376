//! Compressed responses: every text response the service keeps is sent in the best coding the
//! request allows (brotli, gzip or none), with `Vary`, a tag per coding, and 304 per coding.

use std::io::Read;

use crate::support::TestApp;

const PATHS: [&str; 8] = [
    "/",
    "/api/v1/status",
    "/data/status.csv",
    "/data/beslut.csv",
    "/feed.atom",
    "/kalender.ics",
    "/parter/1480",
    "/inbaddning",
];

async fn get(app: &TestApp, path: &str, accept: Option<&str>, tag: Option<&str>) -> reqwest::Response {
    let mut req = app.client.get(app.url(path));
    if let Some(a) = accept {
        req = req.header("Accept-Encoding", a);
    }
    if let Some(t) = tag {
        req = req.header("If-None-Match", t);
    }
    req.send().await.unwrap()
}

fn header(resp: &reqwest::Response, name: &str) -> String {
    resp.headers().get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

fn decode(coding: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match coding {
        "br" => brotli::Decompressor::new(bytes, 4096).read_to_end(&mut out).unwrap(),
        "gzip" => flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).unwrap(),
        "" => return bytes.to_vec(),
        other => panic!("unexpected coding {other}"),
    };
    out
}

async fn every_text_response_comes_in_the_best_coding_the_client_allows(app: TestApp) {
    let token = app.token("t");
    app.record(&token, "1480", serde_json::json!({"status": "scheduled", "planned_on": "2026-12-15"})).await;
    let stylesheet = {
        let html = app.get("/").await.text().await.unwrap();
        let at = html.find("/static/site-").expect("a stylesheet link");
        html[at..at + html[at..].find('"').unwrap()].to_string()
    };
    let mut paths: Vec<String> = PATHS.iter().map(|p| p.to_string()).collect();
    paths.push(stylesheet);
    paths.push("/admin/static/admin.css".into());
    for path in &paths {
        let plain = get(&app, path, None, None).await;
        assert_eq!(plain.status().as_u16(), 200, "{path}");
        assert_eq!(header(&plain, "content-encoding"), "", "{path}: no Accept-Encoding, no coding");
        assert!(header(&plain, "vary").to_ascii_lowercase().contains("accept-encoding"), "{path}");
        let plain_tag = header(&plain, "etag");
        let body = plain.bytes().await.unwrap().to_vec();
        let mut tags = vec![plain_tag.clone()];
        for (accept, coding) in [
            ("gzip, deflate, br", "br"),
            ("gzip", "gzip"),
            ("br;q=0.5, gzip;q=0.9", "gzip"),
            ("gzip;q=0, br;q=0", ""),
            ("identity;q=0, gzip", "gzip"),
            ("*", "br"),
        ] {
            let resp = get(&app, path, Some(accept), None).await;
            assert_eq!(resp.status().as_u16(), 200, "{path} {accept}");
            assert_eq!(header(&resp, "content-encoding"), coding, "{path} with Accept-Encoding: {accept}");
            assert!(header(&resp, "vary").to_ascii_lowercase().contains("accept-encoding"), "{path}");
            let tag = header(&resp, "etag");
            let bytes = resp.bytes().await.unwrap();
            if !coding.is_empty() {
                assert!(bytes.len() < body.len(), "{path} {coding}: {} of {} bytes", bytes.len(), body.len());
            }
            assert_eq!(decode(coding, &bytes), body, "{path} {coding} decodes to the same body");
            if !tag.is_empty() && !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        let refused = get(&app, path, Some("identity;q=0"), None).await;
        assert_eq!(refused.status().as_u16(), 406, "{path}: every coding refused");
        if plain_tag.is_empty() {
            continue; // the stylesheets are immutable by address, not revalidated
        }
        assert_eq!(tags.len(), 3, "{path}: a strong tag per coding: {tags:?}");
        // 304 for each coding with its own tag; another coding's tag is not a match.
        for (accept, tag) in [(None, &tags[0]), (Some("br"), &tags[1]), (Some("gzip"), &tags[2])] {
            let resp = get(&app, path, accept, Some(tag)).await;
            assert_eq!(resp.status().as_u16(), 304, "{path} {accept:?} {tag}");
            assert_eq!(header(&resp, "etag"), *tag);
        }
        let other = get(&app, path, Some("br"), Some(&tags[0])).await;
        assert_eq!(other.status().as_u16(), 200, "{path}: the identity tag does not match the br body");
    }
}

crate::both_backends!(every_text_response_comes_in_the_best_coding_the_client_allows);

/// Responses the cache does not keep (staff pages, the report archive, the metrics) are
/// compressed per response for a client that accepts it, and sent as they are for one that does
/// not (issue 16: "a browser gets compressed bytes for every text response").
async fn uncached_text_responses_are_compressed_too(app: TestApp) {
    use ratify::accounts::Role;
    crate::admin_support::user(&app, "anna", Role::Admin);
    let staff = crate::admin_support::Staff::login(&app, "anna").await;
    for path in ["/admin", "/admin/logg", "/admin/import", "/rapporter", "/metrics"] {
        let plain = staff.client.get(staff.url(path)).header("Accept-Encoding", "identity").send().await.unwrap();
        assert_eq!(plain.status().as_u16(), 200, "{path}");
        assert_eq!(header(&plain, "content-encoding"), "", "{path}: identity asked for");
        let body = plain.bytes().await.unwrap().to_vec();
        assert!(body.len() > 1000, "{path}: a page worth compressing ({} bytes)", body.len());
        let gz = staff.client.get(staff.url(path)).header("Accept-Encoding", "gzip").send().await.unwrap();
        assert_eq!(gz.status().as_u16(), 200, "{path}");
        assert_eq!(header(&gz, "content-encoding"), "gzip", "{path}");
        assert!(header(&gz, "vary").to_ascii_lowercase().contains("accept-encoding"), "{path}");
        let bytes = gz.bytes().await.unwrap();
        assert!(bytes.len() < body.len(), "{path}: {} of {} bytes", bytes.len(), body.len());
        let decoded = String::from_utf8(decode("gzip", &bytes)).unwrap();
        // The page, not an error (the CSRF token and timings differ between two staff pages).
        assert!(decoded.len() > body.len() / 2, "{path}");
    }
}

crate::both_backends!(uncached_text_responses_are_compressed_too);
