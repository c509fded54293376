//! Cross-site request forgery protection for the staff forms: a random token per session, put in
//! every form as the hidden field `csrf` and checked on every POST (by the admin gate, before any
//! handler runs). The bearer-token API is not cookie-authenticated and needs none.

use actix_multipart::Multipart;
use actix_web::http::header::{HeaderMap, CONTENT_TYPE};
use actix_web::web::Bytes;
use futures_util::StreamExt;
use rand::RngCore;

/// The form field (and session key) that carries the token.
pub const FIELD: &str = "csrf";

/// A new random token (256 bits, hex).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares in time independent of where the strings differ.
pub fn matches(expected: &str, given: &str) -> bool {
    let (a, b) = (expected.as_bytes(), given.as_bytes());
    if a.len() != b.len() || a.is_empty() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The `csrf` field of a form body: URL-encoded or multipart (file uploads).
pub async fn token_in_body(headers: &HeaderMap, body: &Bytes) -> Option<String> {
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).ok()?;
        return pairs.into_iter().find(|(k, _)| k == FIELD).map(|(_, v)| v);
    }
    if content_type.starts_with("multipart/form-data") {
        let body = body.clone();
        let stream = futures_util::stream::once(async move { Ok::<_, actix_web::error::PayloadError>(body) });
        let mut multipart = Multipart::new(headers, stream);
        while let Some(Ok(mut field)) = multipart.next().await {
            let is_token = field.content_disposition().and_then(|cd| cd.get_name()) == Some(FIELD);
            let mut value = Vec::new();
            while let Some(Ok(chunk)) = field.next().await {
                if is_token && value.len() + chunk.len() <= 256 {
                    value.extend_from_slice(&chunk);
                }
            }
            if is_token {
                return String::from_utf8(value).ok();
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_compared_whole() {
        let t = new_token();
        assert_eq!(t.len(), 64);
        assert_ne!(t, new_token());
        assert!(matches(&t, &t.clone()));
        assert!(!matches(&t, &t[..63]));
        assert!(!matches("", ""));
        assert!(!matches(&t, &new_token()));
    }

    #[actix_web::test]
    async fn the_token_is_found_in_both_form_encodings() {
        let mut h = HeaderMap::new();
        h.insert(CONTENT_TYPE, "application/x-www-form-urlencoded".parse().unwrap());
        assert_eq!(token_in_body(&h, &Bytes::from("a=1&csrf=abc")).await.as_deref(), Some("abc"));
        assert_eq!(token_in_body(&h, &Bytes::from("a=1")).await, None);
        let mut m = HeaderMap::new();
        m.insert(CONTENT_TYPE, "multipart/form-data; boundary=XyZ".parse().unwrap());
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nx;y\r\n\
                    --XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok123\r\n--XyZ--\r\n";
        assert_eq!(token_in_body(&m, &Bytes::from(body)).await.as_deref(), Some("tok123"));
    }
}
