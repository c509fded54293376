//! Graceful shutdown: on SIGTERM (or SIGINT) the server stops accepting connections, requests in
//! flight get up to RATIFY_SHUTDOWN_TIMEOUT seconds to finish, then the process exits 0.
//!
//! [`Shutdown`] is also the notice for background work (a report delivery, say): check
//! [`Shutdown::is_requested`] before starting the next piece of work, and leave anything begun in
//! a state the next start can complete.

use std::future::poll_fn;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::Poll;

use actix_web::rt::signal::unix::{signal, SignalKind};

#[derive(Debug, Clone, Default)]
pub struct Shutdown {
    requested: Arc<AtomicBool>,
}

impl Shutdown {
    pub fn new() -> Self {
        Self::default()
    }

    /// True once a stop signal has arrived.
    pub fn is_requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    /// Marks the shutdown as requested (what a signal does; also for tests).
    pub fn request(&self) {
        self.requested.store(true, Ordering::SeqCst);
    }

    /// Starts listening for SIGTERM and SIGINT now (call inside the actix runtime, before telling
    /// anyone the service is up) and returns a future that resolves when one arrives, after
    /// marking the shutdown as requested.
    pub fn listen(self) -> std::io::Result<impl std::future::Future<Output = ()> + Send + 'static> {
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        Ok(async move {
            poll_fn(|cx| {
                if term.poll_recv(cx).is_ready() || int.poll_recv(cx).is_ready() {
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            })
            .await;
            tracing::info!("stop signal received: finishing requests in flight, then exiting");
            self.request();
        })
    }
}
