//! Building the service: database ready (migrated, seeded), then the one App used by the binary
//! and by the tests.

use std::net::TcpListener;

use actix_web::{web, App, HttpServer};
use tracing_actix_web::TracingLogger;

use crate::db::{Db, DbError};
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
}

/// Opens the database, applies pending migrations and seeds what is missing.
pub fn prepare_database(url: &str, pool_size: u32) -> Result<(Db, Seeded), StartError> {
    let db = Db::open(url, pool_size)?;
    db.migrate()?;
    let seeded = seed::seed(&db)?;
    Ok((db, seeded))
}

/// Routes of the whole service.
pub fn configure(cfg: &mut web::ServiceConfig) {
    crate::api::configure(cfg);
    crate::admin::configure(cfg);
}

pub fn bind(addr: &str) -> Result<TcpListener, StartError> {
    TcpListener::bind(addr).map_err(|e| StartError::Bind { addr: addr.to_string(), reason: e.to_string() })
}

/// The HTTP server on `listener`; await it (or spawn it) to serve.
pub fn serve(listener: TcpListener, state: AppState) -> std::io::Result<actix_web::dev::Server> {
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .wrap(actix_web::middleware::from_fn(crate::security_headers::add))
            .wrap(TracingLogger::default())
            .app_data(data.clone())
            .app_data(web::PayloadConfig::new(256 * 1024))
            .configure(configure)
    })
    .listen(listener)?
    .run();
    Ok(server)
}
