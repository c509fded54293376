//! The scheduler: a missed week is sent once when the service starts again, not once per missed
//! week; runs follow the Swedish clock; no reports once the agreement applies.

use std::time::Duration;

use chrono::{DateTime, Utc};

use ratify::reports::store;

use crate::reports_support::{config, worker};
use crate::support::TestApp;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn weeks(app: &TestApp) -> Vec<(i32, String)> {
    let list = app.db.read_blocking(|c| store::list(c, true).map_err(ratify::db::DbError::from)).unwrap();
    list.into_iter().map(|r| (r.number, r.week)).collect()
}

async fn a_missed_week_is_sent_once_when_the_service_starts_again(app: TestApp) {
    let mut cfg = config(&[], &[], None);
    cfg.enabled = true;
    let w = worker(&app.db, &cfg, "w1", Duration::from_secs(600));
    // Monday 19 October 07:00 summer time is 05:00 UTC.
    assert_eq!(w.pass(utc("2026-10-19T05:00:00Z")).await.unwrap().released.as_deref(), Some("2026-W43"));
    // Monday 26 October, the day after the change to winter time: 07:00 is 06:00 UTC.
    assert_eq!(w.pass(utc("2026-10-26T05:59:59Z")).await.unwrap().released, None, "not before 07:00");
    assert_eq!(w.pass(utc("2026-10-26T06:00:00Z")).await.unwrap().released.as_deref(), Some("2026-W44"));
    assert_eq!(w.pass(utc("2026-10-26T06:00:30Z")).await.unwrap().released, None, "once");
    // The service was down for weeks 45–47 and starts on Wednesday of week 48: one report.
    assert_eq!(w.pass(utc("2026-11-25T09:00:00Z")).await.unwrap().released.as_deref(), Some("2026-W48"));
    assert_eq!(w.pass(utc("2026-11-25T09:05:00Z")).await.unwrap().released, None);
    assert_eq!(weeks(&app), [(3, "2026-W48".to_string()), (2, "2026-W44".to_string()), (1, "2026-W43".to_string())]);
    // Started again on Monday 30 November just before 07:00: last week's was sent, nothing due.
    assert_eq!(w.pass(utc("2026-11-30T05:59:00Z")).await.unwrap().released, None);
    assert_eq!(w.pass(utc("2026-11-30T06:00:00Z")).await.unwrap().released.as_deref(), Some("2026-W49"));
}

async fn summer_time_runs_at_seven_swedish_time(app: TestApp) {
    let mut cfg = config(&[], &[], None);
    cfg.enabled = true;
    let w = worker(&app.db, &cfg, "w1", Duration::from_secs(600));
    // Monday 30 March 2026, the day after the change to summer time: 07:00 CEST is 05:00 UTC.
    assert_eq!(w.pass(utc("2026-03-30T04:59:00Z")).await.unwrap().released.as_deref(), Some("2026-W13"), "last week's");
    assert_eq!(w.pass(utc("2026-03-30T05:00:00Z")).await.unwrap().released.as_deref(), Some("2026-W14"));
}

async fn no_reports_once_the_agreement_applies(app: TestApp) {
    let mut cfg = config(&[], &[], None);
    cfg.enabled = true;
    let w = worker(&app.db, &cfg, "w1", Duration::from_secs(600));
    assert_eq!(w.pass(utc("2027-01-04T06:00:00Z")).await.unwrap().released, None);
    assert!(weeks(&app).is_empty());
    cfg.enabled = false;
    let off = worker(&app.db, &cfg, "w2", Duration::from_secs(600));
    assert_eq!(off.pass(utc("2026-11-25T09:00:00Z")).await.unwrap().released, None, "schedule off");
    assert!(weeks(&app).is_empty());
}

async fn the_spawned_scheduler_releases_and_stops(app: TestApp) {
    let mut cfg = config(&[], &[], None);
    cfg.enabled = true;
    // On the real clock: the latest run is due unless the agreement has started by then.
    let due = cfg.schedule.latest_due(ratify::clock::now());
    let expected = usize::from(due.date_naive() < chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
    let handle = worker(&app.db, &cfg, "spawned", Duration::from_secs(600)).spawn();
    let mut waited = 0;
    while weeks(&app).len() < expected && waited < 100 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        waited += 1;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    handle.stop().await;
    assert_eq!(weeks(&app).len(), expected, "the due week's report, once");
}

crate::both_backends!(
    a_missed_week_is_sent_once_when_the_service_starts_again,
    summer_time_runs_at_seven_swedish_time,
    no_reports_once_the_agreement_applies,
    the_spawned_scheduler_releases_and_stops,
);
