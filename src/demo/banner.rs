//! Says "Exempeldata – inte verkliga beslut" on everything a demo database serves: a banner at the
//! top of every HTML page (public, staff, error pages, the embed card), `"demo": true` in the
//! status JSON, the Atom feed's title and the calendar's name. Done once here, on the way out,
//! so no page can forget it. CSV files are left as they are (a comment line breaks CSV parsers).
//! The banner goes right after `<body>`, before the skip link; it is text, not a control, so the
//! skip link is still the first thing the keyboard reaches.
//!
//! Cached responses are marked when they are rendered ([`mark_rendered`], called by the page
//! cache), so the mark is inside their ETag and their compressed forms; the middleware marks what
//! the cache does not hold (staff pages, error pages) and leaves responses tagged [`Marked`].

use actix_web::body::{to_bytes, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::middleware::Next;
use actix_web::web;

use crate::AppState;

pub const TEXT: &str = "Exempeldata – inte verkliga beslut";

/// In a response's extensions: its body is final (marked at render time if need be, perhaps
/// compressed); the middleware leaves it alone.
#[derive(Debug, Clone, Copy)]
pub struct Marked;

/// A rendered body with the demo mark, if its kind has a place for one.
pub fn mark_rendered(path: &str, mut rendered: crate::http_cache::Rendered) -> crate::http_cache::Rendered {
    let Some(kind) = kind(path, &rendered.content_type) else { return rendered };
    if let Ok(text) = std::str::from_utf8(&rendered.body) {
        if kind == Kind::Html && text.contains("class=\"demo-banner\"") {
            return rendered;
        }
        if let Some(marked) = apply(kind, text) {
            rendered.body = marked.into();
        }
    }
    rendered
}

/// The banner, inserted right after `<body>`. Styled by `.demo-banner` in both stylesheets.
/// A landmark of its own (`aside`), so no page gets content outside landmarks.
pub const BANNER_HTML: &str = "<aside class=\"demo-banner\" aria-label=\"Exempeldata\"><p><strong>Exempeldata – inte \
    verkliga beslut.</strong> Den här installationen visar en påhittad historik från <code>ratify demo</code>.</p></aside>";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Html,
    StatusJson,
    Atom,
    Calendar,
}

fn kind(path: &str, content_type: &str) -> Option<Kind> {
    let ct = content_type.split(';').next().unwrap_or("").trim();
    match ct {
        "text/html" => Some(Kind::Html),
        "application/json" if is_status_json(path) => Some(Kind::StatusJson),
        "application/atom+xml" => Some(Kind::Atom),
        "text/calendar" => Some(Kind::Calendar),
        _ => None,
    }
}

/// `/api/v1/status` and each agreement's own, `/api/v1/agreements/{slug}/status`.
fn is_status_json(path: &str) -> bool {
    path == "/api/v1/status"
        || path
            .strip_prefix("/api/v1/agreements/")
            .and_then(|rest| rest.strip_suffix("/status"))
            .is_some_and(|slug| !slug.is_empty() && !slug.contains('/'))
}

/// The middleware (`from_fn`).
pub async fn mark(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    // The path as the router decoded it: `/api/v1/%73tatus` is the status too, and must be marked.
    let path = req.match_info().as_str().to_string();
    let res = next.call(req).await?.map_into_boxed_body();
    let Some(state) = state else { return Ok(res) };
    if res.response().extensions().get::<Marked>().is_some() || res.headers().contains_key(CONTENT_ENCODING) {
        return Ok(res);
    }
    let content_type = res.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let Some(kind) = kind(&path, content_type) else { return Ok(res) };
    if !res.status().is_success() && kind != Kind::Html {
        return Ok(res);
    }
    if !state.demo.get(&state).await {
        return Ok(res);
    }
    let (req, res) = res.into_parts();
    let (mut res, body) = res.into_parts();
    let bytes = match to_bytes(body).await {
        Ok(b) => b,
        Err(e) => return Err(actix_web::error::ErrorInternalServerError(e.to_string())),
    };
    let marked = match std::str::from_utf8(&bytes) {
        // A stored demo report already carries its own banner (see `super::report`).
        Ok(text) if kind == Kind::Html && text.contains("class=\"demo-banner\"") => None,
        Ok(text) if !text.is_empty() => apply(kind, text),
        _ => None,
    };
    res.headers_mut().remove(CONTENT_LENGTH);
    let res = match marked {
        Some(text) => res.set_body(BoxBody::new(text)),
        None => res.set_body(BoxBody::new(bytes)),
    };
    Ok(ServiceResponse::new(req, res))
}

/// The marked body, or None when it has no place for the mark.
fn apply(kind: Kind, text: &str) -> Option<String> {
    match kind {
        Kind::Html => {
            // After the opening tag, which may carry attributes (`<body class="embed">`).
            let start = text.find("<body")?;
            let at = start + text[start..].find('>')? + 1;
            Some(format!("{}{BANNER_HTML}{}", &text[..at], &text[at..]))
        }
        Kind::StatusJson => text.strip_prefix('{').map(|rest| {
            let sep = if rest.trim_start().starts_with('}') { "" } else { "," };
            format!("{{\"demo\":true{sep}{rest}")
        }),
        Kind::Atom => {
            let start = text.find("<title")?;
            let close = start + text[start..].find('>')? + 1;
            Some(format!("{}{TEXT}: {}", &text[..close], &text[close..]))
        }
        Kind::Calendar => {
            // Replace the whole (possibly folded) X-WR-CALNAME line; the new one fits in 75 octets.
            let start = text.find("\r\nX-WR-CALNAME:")? + 2;
            let mut end = start;
            loop {
                let next = end + text[end..].find("\r\n")?;
                end = next + 2;
                if !text[end..].starts_with(' ') && !text[end..].starts_with('\t') {
                    break;
                }
            }
            Some(format!("{}X-WR-CALNAME:{TEXT} (planerade beslut)\r\n{}", &text[..start], &text[end..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_each_kind() {
        let html = apply(Kind::Html, "<!DOCTYPE html><html><body><p>x</p></body></html>").expect("html");
        assert!(html.contains("<body><aside class=\"demo-banner\""));
        let embed = apply(Kind::Html, "<html><body class=\"embed\"><p>x</p></body></html>").expect("embed");
        assert!(embed.contains("<body class=\"embed\"><aside class=\"demo-banner\""));
        let json = apply(Kind::StatusJson, "{\"as_of\":\"2026-11-26\"}").expect("json");
        let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(v["demo"], true);
        assert_eq!(v["as_of"], "2026-11-26");
        let atom = apply(Kind::Atom, "<feed><title type=\"text\">Beslut</title></feed>").expect("atom");
        assert!(atom.contains(">Exempeldata – inte verkliga beslut: Beslut</title>"));
        let ics = "BEGIN:VCALENDAR\r\nX-WR-CALNAME:Planerade beslut om hälso- och sjukvårdsavtalet lång\r\n rad\r\nEND:VCALENDAR\r\n";
        let marked = apply(Kind::Calendar, ics).expect("ics");
        assert_eq!(
            marked,
            "BEGIN:VCALENDAR\r\nX-WR-CALNAME:Exempeldata – inte verkliga beslut (planerade beslut)\r\nEND:VCALENDAR\r\n"
        );
        assert!("X-WR-CALNAME:Exempeldata – inte verkliga beslut (planerade beslut)".len() <= 75);
    }

    #[test]
    fn every_agreements_status_json_is_marked() {
        let json = "application/json";
        assert_eq!(kind("/api/v1/status", json), Some(Kind::StatusJson));
        assert_eq!(kind("/api/v1/agreements/hos-2027/status", json), Some(Kind::StatusJson));
        for other in ["/api/v1/agreements", "/api/v1/agreements//status", "/api/v1/agreements/a/parties/status"] {
            assert_eq!(kind(other, json), None, "{other}");
        }
    }
}
