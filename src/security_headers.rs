//! Security headers on every response of the service (pages, API, errors, 404s): a
//! Content-Security-Policy that allows no inline script, no MIME sniffing, a referrer policy, and
//! no framing — except the page made to be embedded in the parties' own sites (`/inbaddning`).
//!
//! One deliberate exception to `style-src 'self'`: a weekly report is one self-contained HTML
//! document (the same bytes are the e-mail's HTML part, and e-mail clients load no style sheets),
//! so its handler marks the response with [`InlineStyles`] and the policy then allows exactly
//! that document's inline styles by their SHA-256 hashes — nothing else changes. Handlers never
//! write the header themselves: the policy is composed here only.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::HttpResponse;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The only paths other sites may show in a frame (the status card of `public::embed`): framing
/// is allowed for these (`frame-ancestors *`) and forbidden everywhere else.
pub const EMBEDDABLE_PATHS: &[&str] = &["/inbaddning"];

// form-action, base-uri and frame-ancestors do not fall back to default-src, so each is named:
// no form may post elsewhere, no injected <base> may redirect relative links and scripts, and no
// plugin content loads at all (object-src 'none' also covers <embed>).
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'";
const CSP_EMBEDDABLE: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                              form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors *";

/// Marks a response whose HTML carries its own inline styles; put in the response's extensions by
/// [`allow_inline_styles`] and honoured by [`add`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineStyles {
    /// `'sha256-…'` sources of each `<style>` element's content.
    elements: Vec<String>,
    /// `'sha256-…'` sources of each `style="…"` attribute's value (these need `'unsafe-hashes'`).
    attributes: Vec<String>,
}

impl InlineStyles {
    /// The hashes of the inline styles of `html` (as the browser hashes them: the element's text,
    /// the attribute's decoded value).
    pub fn of(html: &str) -> Self {
        let mut elements = std::collections::BTreeSet::new();
        let mut rest = html;
        while let Some(at) = rest.find("<style") {
            let after = &rest[at + "<style".len()..];
            let Some(open_end) = after.find('>') else { break };
            // `<styles>` or `<style-x>` are other elements.
            if !after.starts_with(['>', ' ', '\t', '\n', '\r', '/']) {
                rest = after;
                continue;
            }
            let body = &after[open_end + 1..];
            let Some(close) = body.find("</style") else { break };
            elements.insert(source(&body[..close]));
            rest = &body[close..];
        }
        let mut attributes = std::collections::BTreeSet::new();
        for quote in ['"', '\''] {
            let needle = format!(" style={quote}");
            let mut rest = html;
            while let Some(at) = rest.find(&needle) {
                let value = &rest[at + needle.len()..];
                let Some(end) = value.find(quote) else { break };
                attributes.insert(source(&decode_entities(&value[..end])));
                rest = &value[end..];
            }
        }
        Self { elements: elements.into_iter().collect(), attributes: attributes.into_iter().collect() }
    }

    /// The `style-src` directive allowing these styles (and the site's own style sheets).
    pub fn style_src(&self) -> String {
        let mut out = String::from("style-src 'self'");
        for s in &self.elements {
            out.push(' ');
            out.push_str(s);
        }
        if !self.attributes.is_empty() {
            out.push_str(" 'unsafe-hashes'");
            for s in &self.attributes {
                out.push(' ');
                out.push_str(s);
            }
        }
        out
    }
}

/// Lets this response's own inline styles (those of `html`, its body) through the policy.
pub fn allow_inline_styles(res: &mut HttpResponse, html: &str) {
    res.extensions_mut().insert(InlineStyles::of(html));
}

fn source(content: &str) -> String {
    let digest = Sha256::digest(content.as_bytes());
    format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest))
}

/// The few entities an attribute written by maud can hold.
fn decode_entities(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// The policy for a response: the base one, or with a report's inline styles allowed.
fn policy(embeddable: bool, styles: Option<&InlineStyles>) -> HeaderValue {
    let base = if embeddable { CSP_EMBEDDABLE } else { CSP };
    match styles {
        None => HeaderValue::from_static(base),
        Some(styles) => HeaderValue::from_str(&base.replace("style-src 'self'", &styles.style_src()))
            .unwrap_or_else(|_| HeaderValue::from_static(base)),
    }
}

/// Paths that other sites may show in a frame (the public embed card).
pub fn is_embeddable(path: &str) -> bool {
    // Each agreement's own card too: /avtal/{slug}/inbaddning.
    let path = match path.strip_prefix("/avtal/").and_then(|rest| rest.split_once('/')) {
        Some((slug, rest)) if !slug.is_empty() => &path[path.len() - rest.len() - 1..],
        _ => path,
    };
    EMBEDDABLE_PATHS.iter().any(|p| path == *p || path.strip_prefix(p).is_some_and(|r| r.starts_with('/')))
}

/// Middleware (`actix_web::middleware::from_fn(security_headers::add)`), wrapped around the App.
pub async fn add(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    // The path as the router decoded it (`/inbaddnin%67` is the embed page too).
    let embeddable = is_embeddable(req.match_info().as_str());
    let mut res = next.call(req).await?;
    let csp = policy(embeddable, res.response().extensions().get::<InlineStyles>());
    let headers = res.headers_mut();
    let set = |headers: &mut actix_web::http::header::HeaderMap, name: &'static str, value: &'static str| {
        headers.insert(HeaderName::from_static(name), HeaderValue::from_static(value));
    };
    headers.insert(HeaderName::from_static("content-security-policy"), csp);
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "referrer-policy", "strict-origin-when-cross-origin");
    if embeddable {
        headers.remove("x-frame-options");
    } else {
        set(headers, "x-frame-options", "DENY");
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_each_style_element_and_attribute() {
        let html = r#"<html><head><style>b{color:red}</style></head><body><span style="background:#fff">x</span>
            <span style="background:#fff"></span><style media="print">i{}</style><styles>no</styles></body></html>"#;
        let styles = InlineStyles::of(html);
        assert_eq!(styles.elements.len(), 2);
        assert!(styles.elements.contains(&source("b{color:red}")) && styles.elements.contains(&source("i{}")));
        assert_eq!(styles.attributes, vec![source("background:#fff")]);
        // Known value: echo -n 'b{color:red}' | openssl dgst -sha256 -binary | base64
        assert_eq!(source("b{color:red}"), "'sha256-ypIZpeWh67Lh3q46jpjGW7VCAJpmEqcFe8Dl5B2rXQU='");
        let csp = policy(false, Some(&styles));
        let csp = csp.to_str().unwrap();
        assert!(csp.contains("script-src 'self';") && csp.ends_with("frame-ancestors 'none'"), "{csp}");
        assert!(csp.contains("'unsafe-hashes'") && !csp.contains("unsafe-inline"), "{csp}");
    }

    #[test]
    fn every_policy_restricts_forms_base_and_plugins() {
        let styles = InlineStyles::of("<style>b{}</style>");
        for embeddable in [false, true] {
            for styles in [None, Some(&styles)] {
                let csp = policy(embeddable, styles);
                let directives: Vec<&str> = csp.to_str().unwrap().split(';').map(str::trim).collect();
                for d in ["form-action 'self'", "base-uri 'none'", "object-src 'none'"] {
                    assert!(directives.contains(&d), "{d} in {directives:?}");
                }
            }
        }
    }

    #[test]
    fn no_styles_no_change() {
        assert_eq!(policy(false, None), CSP);
        assert_eq!(policy(false, Some(&InlineStyles::of("<p>x</p>"))), CSP);
    }
}
