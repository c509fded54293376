//! Logging: tracing to stderr, filtered by RATIFY_LOG (checked by [`crate::config`]), default `info`.

use std::io::IsTerminal;

use actix_web::HttpMessage;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::EnvFilter;

/// Starts logging. Lines are written by a thread of their own (tracing-appender's non-blocking
/// writer), so a request never waits for stderr; keep the guard until the process ends, since
/// dropping it flushes what is still queued.
pub fn init(filter: &str) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let ansi = std::io::stderr().is_terminal();
    // Buffered: the writer thread drains every line queued and then flushes, so under load one
    // write(2) carries many lines (as nginx's `access_log … buffer=`), and when idle a line is
    // written at once.
    let (writer, guard) =
        tracing_appender::non_blocking(std::io::BufWriter::with_capacity(64 * 1024, std::io::stderr()));
    // try_init: tests may call this more than once.
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(ansi)
        // One line per request when its span closes (tracing-actix-web's span, with request_id).
        .with_span_events(FmtSpan::CLOSE)
        .try_init()
        .ok()
        .map(|_| guard)
}

/// The request log's span: tracing-actix-web's fields, except that the client address follows the
/// same rule as the audit trail ([`crate::audit::client_addr`]): `X-Forwarded-For` only from a
/// trusted proxy. (The default builder believes the header from anyone.)
pub struct RequestSpan;

impl tracing_actix_web::RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &actix_web::dev::ServiceRequest) -> tracing::Span {
        let client = crate::audit::client_addr(request.request());
        let route = request.match_pattern().unwrap_or_else(|| "default".into());
        let request_id = request.extensions().get::<tracing_actix_web::RequestId>().copied();
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %route,
            http.client_ip = %client,
            http.target = %request.uri().path_and_query().map(|p| p.as_str()).unwrap_or(""),
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            request_id = %request_id.map(|r| r.to_string()).unwrap_or_default(),
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    fn on_request_end<B: actix_web::body::MessageBody>(
        span: tracing::Span,
        outcome: &Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>,
    ) {
        tracing_actix_web::DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}
