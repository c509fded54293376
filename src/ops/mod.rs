//! Operations: health and readiness, metrics, backup and restore, graceful shutdown, the lock
//! that keeps a restore and a running instance apart, and the watcher that notices writes made by
//! other instances.

pub mod backup;
pub mod change_watch;
pub mod health;
pub mod instance_lock;
pub mod metrics;
pub mod shutdown;

pub use health::configure;
