//! Noticing writes made by another instance (or another process on the same SQLite file).
//!
//! Triggers move the one-row counter `data_changes.counter` on every write to the public data
//! (migration 2026-11-26-000200_data_changes). A thread of its own reads it every
//! RATIFY_CHANGE_POLL_MS and calls `state.changed()` when it differs from the last reading, so
//! caches keyed on the generation go stale within one interval. Polling one row is cheap and works
//! the same on both backends; a difference of any kind counts (a restore can move it back).

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use diesel::prelude::*;

use crate::db::schema::data_changes;
use crate::db::{Db, DbError};
use crate::AppState;

/// The current value of the change counter.
pub fn read_counter(db: &Db) -> Result<i64, DbError> {
    db.read_blocking(|conn| Ok(data_changes::table.select(data_changes::counter).first::<i64>(conn)?))
}

/// A running watcher; dropping it stops the thread.
pub struct ChangeWatcher {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl ChangeWatcher {
    /// Reads the counter once now (so a write after this call is noticed), then polls every
    /// `interval`.
    pub fn start(state: AppState, interval: Duration) -> std::io::Result<Self> {
        let mut last = read_counter(&state.db).ok();
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new().name("ratify-change-watch".into()).spawn(move || {
            let mut failing = false;
            loop {
                match stopped.recv_timeout(interval) {
                    Err(RecvTimeoutError::Timeout) => {}
                    Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
                }
                match read_counter(&state.db) {
                    Ok(now) => {
                        if failing {
                            tracing::info!("change watcher reads the database again");
                            failing = false;
                        }
                        if last != Some(now) {
                            if last.is_some() {
                                state.changed();
                                state.metrics.change_noticed();
                            }
                            last = Some(now);
                        }
                    }
                    // Logged once per outage, not every interval.
                    Err(e) if !failing => {
                        tracing::warn!(error = %e, "change watcher cannot read the database");
                        failing = true;
                    }
                    Err(_) => {}
                }
            }
        })?;
        Ok(Self { stop: Some(stop), thread: Some(thread) })
    }
}

impl Drop for ChangeWatcher {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
