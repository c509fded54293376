//! The client address recorded in the audit trail and used for login throttling.
//!
//! The peer address of the connection, unless that peer is a reverse proxy named in
//! `RATIFY_TRUSTED_PROXIES` (comma-separated IP addresses): then the last address that proxy put
//! in `X-Forwarded-For`. Trusting the header from anyone would let a client choose its own address
//! and slip past the per-address throttle.

use std::net::IpAddr;
use std::sync::OnceLock;

use actix_web::HttpRequest;

fn trusted_proxies() -> &'static [IpAddr] {
    static PROXIES: OnceLock<Vec<IpAddr>> = OnceLock::new();
    PROXIES.get_or_init(|| {
        std::env::var("RATIFY_TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect()
    })
}

/// The client's IP address as text ("okänd" if the connection has none, as in some unit tests).
pub fn client_addr(req: &HttpRequest) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "okänd".to_string();
    };
    if trusted_proxies().contains(&peer) {
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|s| s.trim().parse::<IpAddr>().ok())
            .last();
        if let Some(ip) = forwarded {
            return ip.to_string();
        }
    }
    peer.to_string()
}
