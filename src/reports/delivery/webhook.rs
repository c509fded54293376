//! Webhook delivery: POST of the report's JSON (exactly the stored bytes) with an
//! `Idempotency-Key` that is the same on every attempt for this (report, recipient), and an
//! HMAC-SHA256 signature of the body with the shared secret, so the receiver can check who sent
//! it and drop a repeat.

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::outbox::AttemptResult;
use crate::reports::config::Secret;
use crate::reports::store::StoredReport;

/// `sha256=<hex of HMAC-SHA256(secret, body)>`.
pub const SIGNATURE_HEADER: &str = "X-Ratify-Signature";
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";
/// The ISO week the report is for, e.g. `2026-W48`.
pub const WEEK_HEADER: &str = "X-Ratify-Report-Week";
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// The signature header's value for `body`.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    // HMAC accepts a key of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    mac.update(body);
    let bytes = mac.finalize().into_bytes();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

pub async fn post(
    client: &reqwest::Client,
    url: &str,
    report: &StoredReport,
    key: &str,
    secret: &Secret,
) -> AttemptResult {
    let body = report.data.clone().into_bytes();
    let sig = signature(secret.expose().as_bytes(), &body);
    let sent = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json; charset=utf-8")
        .header(IDEMPOTENCY_HEADER, key)
        .header(SIGNATURE_HEADER, sig)
        .header(WEEK_HEADER, &report.week)
        .body(body)
        .send()
        .await;
    match sent {
        Ok(resp) => {
            let status = resp.status();
            if status.is_success() {
                AttemptResult::Delivered { detail: format!("HTTP {}", status.as_u16()) }
            } else if status.is_server_error() || status.as_u16() == 408 || status.as_u16() == 429 {
                AttemptResult::Retry(format!("mottagaren svarade HTTP {}", status.as_u16()))
            } else {
                AttemptResult::Permanent(format!("mottagaren avvisade leveransen med HTTP {}", status.as_u16()))
            }
        }
        Err(e) => AttemptResult::Retry(format!("kunde inte nå mottagaren: {}", one_line(&e))),
    }
}

fn one_line(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_rfc_4231_case_2() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            signature(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
