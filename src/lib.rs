//! ratify: tracks how public bodies ratify joint agreements, decision by decision — first the 50
//! parties of Västra Götaland deciding on the Hälso- och sjukvårdsavtal that is meant to apply
//! from 1 January 2027.
//!
//! Where things are: the rules in [`ratification`] (pure), the agreements in [`agreement`], the
//! decision log and where it is written in [`events`] (`events::write`), the parties in
//! [`parties`], the public pages in [`public`], the JSON API in [`api`], start-up in [`startup`].

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
pub mod generations;
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

use std::sync::Arc;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub db: db::Db,
    /// The configuration, checked at start.
    pub config: Arc<config::Config>,
    /// Counters for /metrics: `state.metrics.cache_hit("pages")` and the like.
    pub metrics: Arc<ops::metrics::Metrics>,
    /// Moved by every write; cached pages compare them to know they are stale.
    generations: Arc<generations::Generations>,
    /// The agreements, read once per epoch.
    catalogue: Arc<agreement::catalogue::CatalogueSlot>,
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
            generations: Arc::default(),
            catalogue: Arc::default(),
            cache: Arc::default(),
            demo: Arc::default(),
        }
    }

    /// After a committed write ([`events::write::commit`]) or when the change watcher reads the
    /// counters: what moved since the last reading goes stale, and nothing else.
    pub fn notice_counters(&self, now: &events::write::Counters) {
        self.generations.notice(now);
    }

    /// After a change that may touch every agreement (a restore, a test's direct write).
    pub fn everything_changed(&self) {
        self.generations.everything_changed();
    }

    /// Moves with every change of any kind.
    pub fn generation(&self) -> u64 {
        self.generations.any()
    }

    pub fn generations(&self) -> &generations::Generations {
        &self.generations
    }

    /// Every agreement and the featured one, read from the database once per epoch.
    pub async fn catalogue(&self) -> Result<Arc<agreement::Catalogue>, db::DbError> {
        let epoch = self.generations.epoch();
        if let Some(held) = self.catalogue.held(epoch) {
            return Ok(held);
        }
        let featured = self.config.featured_agreement.clone();
        let loaded = self
            .db
            .run(move |db| db.read_blocking(|c| agreement::Catalogue::load(c, &featured)))
            .await
            .map(Arc::new)?;
        self.catalogue.keep(epoch, Arc::clone(&loaded));
        Ok(loaded)
    }
}
