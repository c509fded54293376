//! ratify: tracks how the 50 parties of Västra Götaland decide on the Hälso- och sjukvårdsavtal
//! that is meant to apply from 1 January 2027.
//!
//! Where things are: the rules in [`ratification`] (pure), the decision log in [`events`], the
//! parties in [`parties`], the JSON API in [`api`], start-up in [`startup`].

pub mod accounts;
pub mod admin;
pub mod agreement;
pub mod api;
pub mod audit;
pub mod cli;
pub mod clock;
pub mod compression;
pub mod config;
pub mod csrf;
pub mod db;
pub mod demo;
pub mod error;
pub mod events;
pub mod http_cache;
pub mod opendata;
pub mod ops;
pub mod parties;
pub mod public;
pub mod ratification;
pub mod reports;
pub mod security_headers;
pub mod snapshot;
pub mod startup;
pub mod sv;
pub mod telemetry;
pub mod tokens;
pub mod views;
pub mod web_address;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub db: db::Db,
    /// The configuration, checked at start.
    pub config: Arc<config::Config>,
    /// Counters for /metrics: `state.metrics.cache_hit("pages")` and the like.
    pub metrics: Arc<ops::metrics::Metrics>,
    /// Bumped by every write; cached pages compare it to know they are stale.
    generation: Arc<AtomicU64>,
    /// Rendered GET responses of the current generation (see [`http_cache`]).
    pub cache: Arc<http_cache::ResponseCache>,
    /// Whether the database holds `ratify demo` data, read once per generation.
    pub demo: Arc<demo::flag::DemoFlag>,
}

impl AppState {
    /// With the default configuration (unit tests).
    #[cfg(test)]
    pub fn new(db: db::Db) -> Self {
        Self::with_config(db, Arc::new(config::Config::default()))
    }

    pub fn with_config(db: db::Db, config: Arc<config::Config>) -> Self {
        Self {
            db,
            config,
            metrics: Arc::new(ops::metrics::Metrics::new()),
            generation: Arc::new(AtomicU64::new(0)),
            cache: Arc::default(),
            demo: Arc::default(),
        }
    }

    /// Call after every committed write.
    pub fn changed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }
}
