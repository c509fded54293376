//! The scheduler loop, started with the server (`ratify serve`) when RATIFY_REPORT_ENABLED is on.
//! Each pass: put webhook deliveries a dead worker left half-done back in the queue; if the latest
//! scheduled run (weekday + time, Europe/Stockholm) has no sent report, release one — only the
//! latest, so a service that was down for three weeks sends one report when it starts, not three;
//! if it has one, enqueue it for any recipient configured since; then deliver what is due.
//! The featured agreement (hos-2027) goes by RATIFY_REPORT_*; every other agreement whose
//! settings are switched on (`settings`) by its own schedule and recipients, numbered apart.
//! RATIFY_REPORT_ENABLED=false stops the scheduler itself, and so every agreement's reports. Several instances may run it against one PostgreSQL: generation is
//! serialised by a table lock and every delivery is claimed in the database.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Europe::Stockholm;
use rand::Rng;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::config::ReportConfig;
use super::delivery::{outbox, Deliverer, SetupError};
use super::schedule::Schedule;
use super::service::{self, DeliverySummary};
use super::{settings, store, ReportError};
use crate::agreement;
use crate::db::Db;
use crate::ops::shutdown::Shutdown;

/// How long a claim may stand before it is taken as abandoned (see [`WorkerOptions::claim_lease`]).
pub const CLAIM_LEASE: Duration = Duration::from_secs(600);

#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Names this worker in the claims it makes (`claimed_by`).
    pub id: String,
    /// Longest sleep between passes (pending retries and stale claims are looked at this often).
    pub poll: Duration,
    /// A webhook claim older than this is taken as abandoned by a dead worker; an e-mail claim
    /// older than this is shown as "okänt utfall". Far longer than a send can take (30 s timeout).
    pub claim_lease: Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        Self { id: new_worker_id(), poll: Duration::from_secs(30), claim_lease: CLAIM_LEASE }
    }
}

pub fn new_worker_id() -> String {
    format!("worker-{}-{:08x}", std::process::id(), rand::rng().random::<u32>())
}

/// What a pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pass {
    /// The week of the featured agreement's report released by the schedule in this pass, if any.
    pub released: Option<String>,
    /// Other agreements' reports released in this pass: (slug, week).
    pub released_others: Vec<(String, String)>,
    pub recovered: usize,
    pub deliveries: DeliverySummary,
}

pub struct Worker {
    db: Db,
    config: Arc<ReportConfig>,
    deliverer: Arc<Deliverer>,
    options: WorkerOptions,
    shutdown: Shutdown,
}

impl Worker {
    pub fn new(db: Db, config: ReportConfig, options: WorkerOptions) -> Result<Self, SetupError> {
        let deliverer = Deliverer::new(&config)?;
        Ok(Self { db, config: Arc::new(config), deliverer: Arc::new(deliverer), options, shutdown: Shutdown::new() })
    }

    /// Takes on no new delivery once `shutdown` is requested (the process got SIGTERM).
    pub fn with_shutdown(mut self, shutdown: Shutdown) -> Self {
        self.shutdown = shutdown;
        self
    }

    pub fn id(&self) -> &str {
        &self.options.id
    }

    /// One pass at `now` (the schedule is evaluated at `now`; deliveries use the real clock).
    pub async fn pass(&self, now: DateTime<Utc>) -> Result<Pass, ReportError> {
        let lease = chrono::Duration::from_std(self.options.claim_lease).unwrap_or(chrono::Duration::minutes(10));
        let stale_before = service::truncate(crate::clock::now()) - lease;
        let recovered = self
            .db
            .run(move |db| {
                db.write_blocking(|c| {
                    outbox::release_stale_webhooks(c, stale_before, service::truncate(crate::clock::now()))
                        .map_err(ReportError::from)
                })
            })
            .await?;
        let featured_slug = self.config.featured_agreement.clone();
        let featured = self
            .db
            .run(move |db| db.read_blocking(|c| agreement::load(c, &featured_slug).map_err(ReportError::from)))
            .await?;
        let released = if self.config.enabled {
            self.run_schedule(&featured, self.config.as_ref().clone(), now).await?
        } else {
            None
        };
        let mut released_others = Vec::new();
        for (other, config) in self.others().await? {
            // One agreement's failure does not hold up the others' reports.
            match self.run_schedule(&other, config, now).await {
                Ok(Some(week)) => released_others.push((other.slug.clone(), week)),
                Ok(None) => {}
                Err(e) => tracing::error!(agreement = %other.slug, error = %e, "weekly report of an agreement failed"),
            }
        }
        let deliveries = service::deliver_due_until(
            &self.db,
            &self.deliverer,
            &self.options.id,
            self.config.retry_base,
            &self.shutdown,
        )
        .await?;
        Ok(Pass { released, released_others, recovered, deliveries })
    }

    /// Every agreement but the featured one whose reports are switched on, with the settings they
    /// go by ([`settings::config_for`]).
    async fn others(&self) -> Result<Vec<(agreement::Agreement, ReportConfig)>, ReportError> {
        let base = self.config.clone();
        self.db
            .run(move |db| {
                db.read_blocking(|c| {
                    let mut out = Vec::new();
                    for (id, stored) in settings::all(c)? {
                        if !stored.enabled {
                            continue;
                        }
                        let a = agreement::load_by_id(c, id)?;
                        if a.slug == base.featured_agreement {
                            continue;
                        }
                        let config = settings::config_for(&base, &base.featured_agreement, &a, Some(&stored));
                        out.push((a, config));
                    }
                    Ok::<_, ReportError>(out)
                })
            })
            .await
    }

    /// Releases the report of the latest scheduled run unless it (or a later one) was sent, or the
    /// agreement has started (the reports run until then). When that week's report is frozen
    /// already, enqueues it for the recipients configured since, if any.
    async fn run_schedule(
        &self,
        agreement: &agreement::Agreement,
        config: ReportConfig,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, ReportError> {
        let due = config.schedule.latest_due(now);
        let week = Schedule::week_of_run(due);
        let key = week.to_string();
        let recipients = config.recipients();
        let wanted = recipients.clone();
        let (agreement_id, starts_on) = (agreement.id, agreement.starts_on);
        // A read first: most passes find nothing to do and take no lock.
        let skip = self
            .db
            .run(move |db| {
                db.read_blocking(|c| {
                    if due.with_timezone(&Stockholm).date_naive() >= starts_on {
                        return Ok::<_, ReportError>(true);
                    }
                    match store::latest_sent_in(c, agreement_id)? {
                        Some(last) if last.week > key => Ok(true),
                        Some(last) if last.week == key => {
                            Ok(service::recipient_plan_in(c, agreement_id, week, &wanted)?.to_send.is_empty())
                        }
                        _ => Ok(false),
                    }
                })
            })
            .await?;
        if skip {
            return Ok(None);
        }
        let retry_for = config.retry_for;
        let actor = format!("schema:{}", self.options.id);
        let a = agreement.clone();
        let released = self
            .db
            .run(move |db| service::release_for(db, &a, week, &recipients, retry_for, &actor, None, now))
            .await?;
        if released.newly_sent {
            tracing::info!(agreement = %agreement.slug, week = %released.report.week, number = released.report.number,
                deliveries = released.enqueued, "weekly report released");
            Ok(Some(released.report.week))
        } else {
            if released.enqueued > 0 {
                tracing::info!(week = %released.report.week, number = released.report.number,
                    deliveries = released.enqueued, "weekly report sent to recipients configured since its release");
            }
            Ok(None)
        }
    }

    /// When the loop should wake next: the next run, the next retry, or the poll interval.
    async fn next_wake(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let poll = chrono::Duration::from_std(self.options.poll).unwrap_or(chrono::Duration::seconds(30));
        let mut wake = now + poll;
        if self.config.enabled {
            wake = wake.min(self.config.schedule.next_after(now));
        }
        if let Ok(others) = self.others().await {
            for (_, config) in others {
                wake = wake.min(config.schedule.next_after(now));
            }
        }
        let next_retry =
            self.db.run(|db| db.read_blocking(|c| outbox::next_due_at(c).map_err(ReportError::from))).await;
        if let Ok(Some(t)) = next_retry {
            wake = wake.min(t.max(now));
        }
        wake
    }

    /// Runs passes until stopped.
    pub fn spawn(self) -> WorkerHandle {
        let (stop_tx, mut stop_rx) = watch::channel(false);
        let (db, id) = (self.db.clone(), self.options.id.clone());
        let join = tokio::spawn(async move {
            tracing::info!(worker = %self.options.id, schedule = %self.config.schedule, "report scheduler started");
            loop {
                if self.shutdown.is_requested() {
                    break;
                }
                let now = crate::clock::now();
                if let Err(e) = self.pass(now).await {
                    tracing::error!(error = %e, "report scheduler pass failed; trying again later");
                }
                let wake = self.next_wake(crate::clock::now()).await;
                let sleep =
                    (wake - crate::clock::now()).to_std().unwrap_or(Duration::ZERO).max(Duration::from_millis(50));
                tokio::select! {
                    _ = tokio::time::sleep(sleep) => {}
                    _ = stop_rx.changed() => break,
                }
            }
        });
        WorkerHandle { stop: stop_tx, join, db, id }
    }
}

/// A running worker; `stop` ends it after the current pass.
pub struct WorkerHandle {
    stop: watch::Sender<bool>,
    join: JoinHandle<()>,
    db: Db,
    id: String,
}

impl WorkerHandle {
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.join.await;
    }

    /// Ends it after the delivery in flight, waiting at most `limit` for that. If the send takes
    /// longer, it is cut off and this worker's webhook claims go back to the queue (resent with
    /// the same Idempotency-Key); an e-mail cut off mid-send stays "okänt utfall" and is logged.
    /// Returns whether the worker ended by itself.
    pub async fn stop_within(self, limit: Duration) -> bool {
        let _ = self.stop.send(true);
        let mut join = self.join;
        if tokio::time::timeout(limit, &mut join).await.is_ok() {
            return true;
        }
        join.abort();
        let _ = join.await;
        let worker = self.id.clone();
        let released = self
            .db
            .run(move |db| {
                db.write_blocking(|c| {
                    outbox::release_claims_of(c, &worker, service::truncate(crate::clock::now()))
                        .map_err(ReportError::from)
                })
            })
            .await;
        match released {
            Ok(n) => tracing::warn!(worker = %self.id, webhooks_requeued = n,
                "report worker did not finish its send in time; cut off"),
            Err(e) => tracing::error!(worker = %self.id, error = %e,
                "report worker cut off; its webhook claims are recovered after the lease"),
        }
        false
    }
}

/// Starts the scheduler if it is enabled; called from start-up. Once `shutdown` is requested it
/// claims no new delivery; stop it with [`WorkerHandle::stop_within`].
pub fn start(db: Db, config: ReportConfig, shutdown: Shutdown) -> Result<Option<WorkerHandle>, SetupError> {
    if !config.enabled {
        tracing::info!("report scheduler is off (RATIFY_REPORT_ENABLED=false)");
        return Ok(None);
    }
    Ok(Some(Worker::new(db, config, WorkerOptions::default())?.with_shutdown(shutdown).spawn()))
}
