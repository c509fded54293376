//! Noticing writes made by another instance (or another process on the same SQLite file).
//!
//! Triggers move the counters on every write to the public data: `data_changes.counter` for the
//! agreements and parties, `agreement_changes` per agreement for its events (migrations
//! 2026-11-26-000200_data_changes and 2026-12-02-000100_agreements_as_data). A thread of its own
//! reads them every RATIFY_CHANGE_POLL_MS and hands them to `state.notice_counters`, so the
//! caches of what moved go stale within one interval, and no other agreement's. Polling a row per
//! agreement is cheap and works the same on both backends; a difference of any kind counts (a
//! restore can move a counter back).

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::db::{Db, DbError};
use crate::events::write::Counters;
use crate::AppState;

/// The current values of the change counters.
pub fn read_counters(db: &Db) -> Result<Counters, DbError> {
    db.read_blocking(|conn| Ok(Counters::read(conn)?))
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
        let mut last = read_counters(&state.db).ok();
        if let Some(first) = &last {
            state.notice_counters(first);
        }
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new().name("ratify-change-watch".into()).spawn(move || {
            let mut failing = false;
            loop {
                match stopped.recv_timeout(interval) {
                    Err(RecvTimeoutError::Timeout) => {}
                    Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
                }
                match read_counters(&state.db) {
                    Ok(now) => {
                        if failing {
                            tracing::info!("change watcher reads the database again");
                            failing = false;
                        }
                        if last.as_ref() != Some(&now) {
                            state.notice_counters(&now);
                            if last.is_some() {
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
