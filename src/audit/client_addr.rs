//! The client address recorded in the audit trail and used for login throttling.
//!
//! The peer address of the connection, unless that peer is a reverse proxy named (by address or
//! network) in the setting `RATIFY_TRUSTED_PROXIES` (`Config::trusted_proxies`): then the last address that proxy put in
//! `X-Forwarded-For`. Trusting the header from anyone would let a client choose its own address
//! and slip past the per-address throttle.

use std::net::IpAddr;

use actix_web::HttpRequest;

/// The client's IP address as text ("okänd" if the connection has none, as in some unit tests).
pub fn client_addr(req: &HttpRequest) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "okänd".to_string();
    };
    let trusted = req
        .app_data::<actix_web::web::Data<crate::AppState>>()
        .is_some_and(|state| crate::config::is_trusted_proxy(&state.config.trusted_proxies, peer));
    if trusted {
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
