//! Building the service: database ready (migrated, seeded), then the one App used by the binary
//! and by the tests, and the binary's start-up sequence ([`run`]).

use std::future::Future;
use std::net::TcpListener;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use tracing_actix_web::TracingLogger;

use crate::config::Config;
use crate::db::{DatabaseUrl, Db, DbError};
use crate::ops::change_watch::ChangeWatcher;
use crate::ops::instance_lock::{InstanceLock, LockError};
use crate::ops::shutdown::Shutdown;
use crate::parties::seed::{self, SeedError, Seeded};
use crate::AppState;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Seed(#[from] SeedError),
    #[error("kan inte lyssna på {addr}: {reason}")]
    Bind { addr: String, reason: String },
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error("servern: {0}")]
    Server(#[from] std::io::Error),
}

/// Opens the database, applies pending migrations and seeds what is missing.
pub fn prepare_database(url: &str, pool_size: u32) -> Result<(Db, Seeded), StartError> {
    let db = Db::open(url, pool_size)?;
    db.migrate()?;
    let seeded = seed::seed(&db)?;
    Ok((db, seeded))
}

/// Routes of the whole service.
pub fn configure(cfg: &mut web::ServiceConfig, config: &Config, session_key: &actix_web::cookie::Key) {
    crate::ops::configure(cfg);
    crate::api::configure(cfg);
    crate::public::configure(cfg);
    crate::opendata::configure(cfg);
    crate::reports::configure(cfg);
    crate::admin::configure(cfg, config, session_key);
}

pub fn bind(addr: &str) -> Result<TcpListener, StartError> {
    TcpListener::bind(addr).map_err(|e| StartError::Bind { addr: addr.to_string(), reason: e.to_string() })
}

/// The HTTP server on `listener`; await it (or spawn it) to serve. Stops gracefully on SIGTERM
/// (actix's own signal handling).
pub fn serve(listener: TcpListener, state: AppState) -> std::io::Result<actix_web::dev::Server> {
    build_server(listener, state, None)
}

type StopSignal = Pin<Box<dyn Future<Output = ()> + Send>>;

fn build_server(
    listener: TcpListener,
    state: AppState,
    stop: Option<StopSignal>,
) -> std::io::Result<actix_web::dev::Server> {
    let config = state.config.clone();
    let body_limit = config.body_limit;
    let session_key = crate::admin::session::resolve_key(&config, &state.db).map_err(std::io::Error::other)?;
    // Static files are compressed once, here, not on the first request that asks.
    std::sync::LazyLock::force(&crate::public::static_files::CSS_ENCODED);
    std::sync::LazyLock::force(&crate::admin::layout::STYLESHEET_ENCODED);
    let data = web::Data::new(state);
    let app_config = config.clone();
    let mut server = HttpServer::new(move || {
        let config = app_config.clone();
        App::new()
            .wrap(from_fn(crate::public::head::as_get))
            // Whether the database is a demo's, for everything the request renders.
            .wrap(from_fn(crate::demo::banner::scope))
            // Compresses what the handler rendered (uncached responses only).
            .wrap(from_fn(crate::compression::compress_uncached))
            .wrap(from_fn(crate::ops::metrics::track))
            .wrap(actix_web::middleware::from_fn(crate::security_headers::add))
            .wrap(TracingLogger::<crate::telemetry::RequestSpan>::new())
            .app_data(data.clone())
            .app_data(web::PayloadConfig::new(body_limit))
            .configure(|cfg| configure(cfg, &config, &session_key))
    })
    .shutdown_timeout(config.shutdown_timeout.as_secs());
    if let Some(workers) = config.workers {
        server = server.workers(workers);
    }
    if let Some(stop) = stop {
        server = server.shutdown_signal(stop);
    }
    Ok(server.listen(listener)?.run())
}

/// The binary's start-up sequence: lock, migrate and seed, listen, watch for other instances'
/// writes, serve until SIGTERM/SIGINT, let requests in flight finish, return.
pub fn run(config: Arc<Config>) -> Result<(), StartError> {
    let url = DatabaseUrl::parse(&config.database_url).map_err(DbError::BadUrl)?;
    let db = Db::open(&config.database_url, config.db_pool_size)?;
    // Before migrating: a restore that is running must finish first.
    let lock = InstanceLock::shared(&url)?;
    db.migrate()?;
    let seeded = seed::seed(&db)?;
    if seeded.parties > 0 {
        tracing::info!(parties = seeded.parties, "seeded the parties");
    }
    // A featured agreement that is not there would fail every request: refuse to start instead.
    db.read_blocking(|c| crate::agreement::Catalogue::load(c, &config.featured_agreement))?;
    let listener = bind(&config.bind)?;
    let addr = listener.local_addr()?;
    let db_for_reports = db.clone();
    let report_config = config.report.clone();
    let state = AppState::with_config(db, config.clone());
    let watcher = match config.change_poll {
        Some(interval) => Some(ChangeWatcher::start(state.clone(), interval)?),
        None => None,
    };
    // Background work started here (the report scheduler) gets `shutdown.clone()` and checks
    // `is_requested()` before taking on the next piece of work.
    let shutdown = Shutdown::new();
    let shutdown_timeout = config.shutdown_timeout;
    actix_web::rt::System::new().block_on(async move {
        // Listen for SIGTERM before saying we are up: a stop that comes at once is still graceful.
        let stop = shutdown.clone().listen()?;
        let server = build_server(listener, state, Some(Box::pin(stop)))?;
        // The weekly report's scheduler (RATIFY_REPORT_ENABLED).
        let reports = crate::reports::worker::start(db_for_reports, report_config, shutdown.clone())
            .map_err(std::io::Error::other)?;
        println!("ratify serves http://{addr} (database: {})", url.redacted());
        let served = server.await;
        // Leaving block_on drops the runtime and every task on it: a delivery in flight would
        // stay claimed ("okänt utfall" for an e-mail). Let it finish first.
        if let Some(reports) = reports {
            reports.stop_within(shutdown_timeout).await;
        }
        served
    })?;
    drop(watcher);
    drop(lock);
    tracing::info!("stopped");
    Ok(())
}
