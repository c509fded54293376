//! Prometheus metrics: the families, the tiny API the rest of the service calls to count things,
//! and the middleware that times every request by its route pattern.
//!
//! Labels are bounded on purpose: the route label is the matched pattern
//! (`/api/v1/parties/{code}`), never the raw path, and unknown methods become `other`.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, Error};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::AppState;

/// The content type of Prometheus' text format 0.0.4.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// Request latency buckets, in seconds.
const LATENCY_BUCKETS: [f64; 12] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DeliveryLabels {
    channel: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheLabels {
    cache: String,
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: &'static str,
}

/// The report channels and outcomes shown (at zero) before the first delivery.
pub const DELIVERY_CHANNELS: [&str; 2] = ["email", "webhook"];
pub const DELIVERY_OUTCOMES: [&str; 2] = ["sent", "failed"];
/// The name of the public page cache in `ratify_cache_lookups_total{cache=...}`.
pub const PAGE_CACHE: &str = "pages";

type LatencyFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

/// The service's metrics. Shared through `AppState::metrics`.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    events_recorded: Counter,
    report_deliveries: Family<DeliveryLabels, Counter>,
    cache_lookups: Family<CacheLabels, Counter>,
    changes_noticed: Counter,
    snapshot_loads: Family<SnapshotLabels, Counter>,
}

/// How an agreement's snapshot was brought up to date: `full` (its whole log read) or
/// `appended` (only the events written since the one held).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SnapshotLabels {
    how: &'static str,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("ratify");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests by method, route pattern and status", requests.clone());
        let latency: LatencyFamily = Family::new_with_constructor(|| Histogram::new(LATENCY_BUCKETS));
        registry.register(
            "http_request_duration_seconds",
            "Time from request to response, by method and route pattern",
            latency.clone(),
        );
        let events_recorded = Counter::default();
        registry.register(
            "events_recorded",
            "Events recorded in the decision log by this instance",
            events_recorded.clone(),
        );
        let report_deliveries = Family::<DeliveryLabels, Counter>::default();
        registry.register(
            "report_deliveries",
            "Weekly report deliveries by channel and outcome",
            report_deliveries.clone(),
        );
        let cache_lookups = Family::<CacheLabels, Counter>::default();
        registry.register(
            "cache_lookups",
            "Page cache lookups by cache and result (hit or miss)",
            cache_lookups.clone(),
        );
        let changes_noticed = Counter::default();
        registry.register(
            "data_changes_noticed",
            "Data changes noticed by polling the database (writes by this or another instance)",
            changes_noticed.clone(),
        );
        let snapshot_loads = Family::<SnapshotLabels, Counter>::default();
        registry.register(
            "snapshot_loads",
            "Agreement snapshots brought up to date: the whole log read (full) or only the new events (appended)",
            snapshot_loads.clone(),
        );
        for how in ["full", "appended"] {
            let _ = snapshot_loads.get_or_create(&SnapshotLabels { how });
        }
        // Series at zero from the start: families without a series are not written at all, and
        // rate() needs the zero before the first increment.
        for channel in DELIVERY_CHANNELS {
            for outcome in DELIVERY_OUTCOMES {
                let _ = report_deliveries
                    .get_or_create(&DeliveryLabels { channel: channel.into(), outcome: outcome.into() });
            }
        }
        for result in ["hit", "miss"] {
            let _ = cache_lookups.get_or_create(&CacheLabels { cache: PAGE_CACHE.into(), result });
        }
        let build = Family::<BuildLabels, Gauge>::default();
        build.get_or_create(&BuildLabels { version: env!("CARGO_PKG_VERSION") }).set(1);
        registry.register("build_info", "The running version of ratify (always 1)", build);
        Self {
            registry,
            requests,
            latency,
            events_recorded,
            report_deliveries,
            cache_lookups,
            changes_noticed,
            snapshot_loads,
        }
    }

    /// `n` events stored, counted by [`crate::events::write::commit`] after the commit.
    pub fn events_recorded(&self, n: u64) {
        self.events_recorded.inc_by(n);
    }

    /// One report delivery finished: `channel` e.g. "email" or "webhook", `outcome` e.g. "sent",
    /// "failed" or "skipped". Keep both to a small fixed set of values.
    pub fn report_delivery(&self, channel: &str, outcome: &str) {
        self.report_deliveries
            .get_or_create(&DeliveryLabels { channel: channel.into(), outcome: outcome.into() })
            .inc();
    }

    /// A page cache answered from memory. `cache` names the cache (a fixed word, e.g. "pages").
    pub fn cache_hit(&self, cache: &str) {
        self.cache_lookups.get_or_create(&CacheLabels { cache: cache.into(), result: "hit" }).inc();
    }

    /// A page cache had to render.
    pub fn cache_miss(&self, cache: &str) {
        self.cache_lookups.get_or_create(&CacheLabels { cache: cache.into(), result: "miss" }).inc();
    }

    /// An agreement's snapshot was read whole (`appended` false) or brought up to date with the
    /// events written since.
    pub fn snapshot_loaded(&self, appended: bool) {
        let how = if appended { "appended" } else { "full" };
        self.snapshot_loads.get_or_create(&SnapshotLabels { how }).inc();
    }

    /// The change watcher saw the data move.
    pub fn change_noticed(&self) {
        self.changes_noticed.inc();
    }

    fn observe_request(&self, method: &'static str, route: String, status: u16, seconds: f64) {
        self.requests.get_or_create(&RequestLabels { method, route: route.clone(), status }).inc();
        self.latency.get_or_create(&RouteLabels { method, route }).observe(seconds);
    }

    /// The metrics in Prometheus' text format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry);
        out
    }
}

/// Middleware: counts and times every request by its route pattern.
pub async fn track(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let method = method_label(req.method());
    // The pattern comes from the route table, so it is known before the handler runs.
    let route = req.match_pattern().unwrap_or_else(|| "(unmatched)".to_string());
    let metrics = req.app_data::<web::Data<AppState>>().map(|s| s.metrics.clone());
    let result = next.call(req).await;
    if let Some(metrics) = metrics {
        let status = match &result {
            Ok(res) => res.status().as_u16(),
            Err(e) => e.as_response_error().status_code().as_u16(),
        };
        metrics.observe_request(method, route, status, started.elapsed().as_secs_f64());
    }
    result
}

fn method_label(m: &actix_web::http::Method) -> &'static str {
    use actix_web::http::Method;
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_is_listed_even_before_it_counts() {
        let m = Metrics::new();
        m.observe_request("GET", "/healthz".into(), 200, 0.002);
        let text = m.encode();
        assert!(
            text.contains(
                "ratify_http_request_duration_seconds_bucket{le=\"0.005\",method=\"GET\",route=\"/healthz\"} 1"
            ) || text.contains(
                "ratify_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",le=\"0.005\"} 1"
            ),
            "{text}"
        );
        assert!(text.contains("ratify_report_deliveries_total{channel=\"email\",outcome=\"failed\"} 0"), "{text}");
        for family in [
            "ratify_http_requests_total",
            "ratify_http_request_duration_seconds",
            "ratify_events_recorded_total",
            "ratify_report_deliveries_total",
            "ratify_cache_lookups_total",
            "ratify_data_changes_noticed_total",
        ] {
            assert!(text.contains(&format!("# TYPE {family} ")), "{family} missing in\n{text}");
        }
        m.cache_hit("pages");
        m.cache_miss("pages");
        m.cache_hit("pages");
        m.report_delivery("webhook", "sent");
        m.events_recorded(1);
        let text = m.encode();
        assert!(text.contains("ratify_cache_lookups_total{cache=\"pages\",result=\"hit\"} 2"), "{text}");
        assert!(text.contains("ratify_cache_lookups_total{cache=\"pages\",result=\"miss\"} 1"), "{text}");
        assert!(text.contains("ratify_report_deliveries_total{channel=\"webhook\",outcome=\"sent\"} 1"), "{text}");
        assert!(text.contains("ratify_events_recorded_total 1"), "{text}");
    }
}
