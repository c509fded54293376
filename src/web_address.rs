//! One check of a web address, for every place that takes one (an event's minutes link, the
//! public base URL): parsed by the `url` crate, not by hand.

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
