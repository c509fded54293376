//! Logging: tracing to stderr, filtered by RATIFY_LOG (checked by [`crate::config`]), default `info`.

use std::io::IsTerminal;

use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::EnvFilter;

pub fn init(filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    // try_init: tests may call this more than once.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        // One line per request when its span closes (tracing-actix-web's span, with request_id).
        .with_span_events(FmtSpan::CLOSE)
        .try_init();
}
