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

/// Why [`check_http_url`] refused an address, in the words the settings and the staff's report
/// form show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotWebAddress {
    /// A URL, but not a web one (`ftp://…`, `mailto:…`).
    #[error("\"{0}\" måste börja med http:// eller https://")]
    Scheme(String),
    #[error("\"{0}\" är ingen giltig adress")]
    Invalid(String),
}

/// [`http_url`], saying why when it refuses.
pub fn check_http_url(s: &str) -> Result<Url, NotWebAddress> {
    http_url(s).ok_or_else(|| match Url::parse(s) {
        Ok(url) if !matches!(url.scheme(), "http" | "https") => NotWebAddress::Scheme(s.to_string()),
        _ => NotWebAddress::Invalid(s.to_string()),
    })
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
    use super::{check_http_url, http_url, NotWebAddress};

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

    #[test]
    fn a_refusal_says_why() {
        assert!(check_http_url("https://example.se/hook").is_ok());
        assert_eq!(check_http_url("ftp://example.se/x"), Err(NotWebAddress::Scheme("ftp://example.se/x".into())));
        assert_eq!(
            check_http_url("ftp://example.se/x").unwrap_err().to_string(),
            "\"ftp://example.se/x\" måste börja med http:// eller https://"
        );
        for bad in ["hook", "https://user:pass@example.se/", "https:example.se", "https://example.se/a b"] {
            assert_eq!(check_http_url(bad), Err(NotWebAddress::Invalid(bad.into())), "{bad}");
            assert_eq!(check_http_url(bad).unwrap_err().to_string(), format!("\"{bad}\" är ingen giltig adress"));
        }
    }
}
