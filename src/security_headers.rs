//! Security headers on every response of the service (pages, API, errors, 404s): a
//! Content-Security-Policy that allows no inline script, no MIME sniffing, a referrer policy, and
//! no framing — except the page made to be embedded in the parties' own sites (`/inbaddning`).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;

const CSP: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'";
const CSP_EMBEDDABLE: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors *";

/// Paths that other sites may show in a frame (the public embed card).
pub fn is_embeddable(path: &str) -> bool {
    crate::public::EMBEDDABLE_PATHS
        .iter()
        .any(|p| path == *p || path.strip_prefix(p).is_some_and(|r| r.starts_with('/')))
}

/// Middleware (`actix_web::middleware::from_fn(security_headers::add)`), wrapped around the App.
pub async fn add(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let embeddable = is_embeddable(req.path());
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    let set = |headers: &mut actix_web::http::header::HeaderMap, name: &'static str, value: &'static str| {
        headers.insert(HeaderName::from_static(name), HeaderValue::from_static(value));
    };
    set(headers, "content-security-policy", if embeddable { CSP_EMBEDDABLE } else { CSP });
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "referrer-policy", "strict-origin-when-cross-origin");
    if embeddable {
        headers.remove("x-frame-options");
    } else {
        set(headers, "x-frame-options", "DENY");
    }
    Ok(res)
}
