//! Web addresses: one check of an address for every place that takes one (an event's minutes
//! link, the public base URL), parsed by the `url` crate, not by hand; and the service's own
//! public address, which the pages, the open data and the API all put in their links.

use url::Url;

/// `s` as an `http`/`https` address with a host and no user name or password in it, or `None`.
/// Whitespace anywhere is refused rather than percent-encoded: in a pasted link it is a mistake.
pub fn http_url(s: &str) -> Option<Url> {
    if s.is_empty() || s.contains(char::is_whitespace) {
        return None;
    }
    // The URL standard repairs `https:example.se` and `https:///path` into addresses with a host;
    // typed into a form they are mistakes.
    let (_, after_scheme) = s.split_once("://")?;
    if after_scheme.starts_with('/') {
        return None;
    }
    let url = Url::parse(s).ok()?;
    let web = matches!(url.scheme(), "http" | "https");
    let host = url.host_str().is_some_and(|h| !h.is_empty());
    let no_credentials = url.username().is_empty() && url.password().is_none();
    (web && host && no_credentials).then_some(url)
}

/// The address the service is reached at from outside, without a trailing slash: feeds,
/// calendars, the OpenAPI document and the /api page's examples need absolute links.
/// `RATIFY_PUBLIC_URL` (`state.config.public_url`) when set; otherwise the request's own scheme and
/// host (as a reverse proxy reports them in `Forwarded`/`X-Forwarded-*`, else the `Host` header).
pub fn public_base_url(req: &actix_web::HttpRequest, state: &crate::AppState) -> String {
    match &state.config.public_url {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => {
            let info = req.connection_info();
            format!("{}://{}", info.scheme(), info.host())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::http_url;

    #[test]
    fn web_addresses_with_a_host_and_nothing_else() {
        for good in [
            "https://www.bengtsfors.se/protokoll/kf-2026-11-25.pdf",
            "http://example.se",
            "HTTPS://Example.se/a?b=c#d",
            "https://xn--lilla-ed-x2a.se/",
        ] {
            assert!(http_url(good).is_some(), "{good}");
        }
        for bad in [
            "",
            "www.example.se",
            "ftp://example.se/x",
            "javascript:alert(1)",
            "https://",
            "https:///path",
            "https:example.se",
            "https://user:pass@example.se/",
            "https://user@example.se/",
            "https://example.se/a b",
            " https://example.se",
            "https://exa\tmple.se",
        ] {
            assert!(http_url(bad).is_none(), "{bad:?}");
        }
    }
}
