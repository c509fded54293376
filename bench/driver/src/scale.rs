//! bench/scale.sh's driver: a SYNTHETIC national-scale instance in memory — 311 parties (290
//! municipalities + 21 regions) with N events spread over two years — and the time to compute the
//! status (`ratification::evaluate`), the as-of status for every day of a year (`adoption_history`,
//! and 365 separate evaluates for comparison). Each both cold (from the raw log, as a single call
//! pays) and on a `PreparedLog` (as the service pays per page after the first: it prepares the log
//! once per write). Nothing here is real data.
//!
//! Usage: cargo run --release -p ratify-bench --bin scale -- [EVENTS ...]   (default 10000 100000 1000000)

use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate, TimeZone, Utc};
use ratify::ratification::{
    adoption_history, evaluate, EventInput, PartyInput, PartyKind, PreparedLog, RuleConfig, Status,
};

const MUNICIPALITIES: usize = 290;
const REGIONS: usize = 21;

/// A small deterministic generator (xorshift), so every run measures the same instance.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn instance(events: usize, instruments: &[String]) -> Vec<PartyInput> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).expect("date");
    let statuses = [
        Status::InPreparation,
        Status::Scheduled,
        Status::Proposed,
        Status::Adopted,
        Status::Adopted,
        Status::Rejected,
        Status::ReferredBack,
        Status::Tabled,
        Status::Appealed,
    ];
    let mut parties: Vec<PartyInput> = (0..MUNICIPALITIES + REGIONS)
        .map(|i| PartyInput {
            code: format!("{i:04}"),
            kind: if i < REGIONS { PartyKind::Region } else { PartyKind::Municipality },
            population: 1_000 + rng.below(1_000_000),
            events: Vec::new(),
        })
        .collect();
    let mut per_party_ids: Vec<Vec<i64>> = vec![Vec::new(); parties.len()];
    for id in 0..events as i64 {
        let p = rng.below(parties.len() as u64) as usize;
        let day = rng.below(730);
        let decided_on = start.checked_add_days(Days::new(day)).expect("date");
        let status = statuses[rng.below(statuses.len() as u64) as usize];
        let dated = matches!(status, Status::Adopted | Status::Rejected | Status::ReferredBack | Status::Tabled);
        // Every 50th event corrects an earlier one of its party; every 7th covers two instruments only.
        let corrects = if id % 50 == 49 { per_party_ids[p].last().copied() } else { None };
        let subset = (id % 7 == 3).then(|| instruments[..2].to_vec());
        parties[p].events.push(EventInput {
            id,
            status,
            decided_on: dated.then_some(decided_on),
            posted_on: dated.then(|| decided_on.checked_add_days(Days::new(5)).expect("date")),
            recorded_at: Utc.from_utc_datetime(&decided_on.and_hms_opt(12, 0, 0).expect("time"))
                + Duration::from_secs(id as u64 % 3600),
            corrects,
            instruments: subset,
        });
        per_party_ids[p].push(id);
    }
    parties
}

/// Median of `runs` timings of `f`.
fn median<F: FnMut()>(runs: usize, mut f: F) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let sizes: Vec<usize> = {
        let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
        if args.is_empty() {
            vec![10_000, 100_000, 1_000_000]
        } else {
            args
        }
    };
    let config = RuleConfig::default();
    let instruments: Vec<String> = ["hsa", "ok-1", "ok-2", "ok-3", "ok-4"].iter().map(|s| s.to_string()).collect();
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 26).expect("date");
    let year_from = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    let year_to = NaiveDate::from_ymd_opt(2026, 12, 31).expect("date");
    println!(
        "SYNTHETIC instance: {} parties ({MUNICIPALITIES} municipalities + {REGIONS} regions)",
        MUNICIPALITIES + REGIONS
    );
    println!("cold: from the raw log; prepared: on a PreparedLog, made once per write (its cost: \"prepare\")");
    println!(
        "{:>9}  {:>10}  {:>12}  {:>16}  {:>10}  {:>12}  {:>16}",
        "events", "prepare", "status cold", "status prepared", "year cold", "year prepared", "365 evaluates"
    );
    for events in sizes {
        let parties = instance(events, &instruments);
        let runs = if events >= 1_000_000 { 3 } else { 11 };
        let mut sink = 0u64;
        // Timed without cloning the input before and dropping the log after.
        let prepare = {
            let mut times: Vec<Duration> = (0..runs)
                .map(|_| {
                    let input = parties.clone();
                    let t = Instant::now();
                    let log = PreparedLog::new(instruments.clone(), input);
                    let elapsed = t.elapsed();
                    drop(std::hint::black_box(log));
                    elapsed
                })
                .collect();
            times.sort();
            times[times.len() / 2]
        };
        let prepared = PreparedLog::new(instruments.clone(), parties.clone());
        let status_cold =
            median(runs, || sink += u64::from(evaluate(&config, &instruments, &parties, as_of).municipalities_adopted));
        let status_prepared =
            median(runs, || sink += u64::from(prepared.evaluate(&config, as_of).municipalities_adopted));
        let year_cold = median(runs, || {
            sink += adoption_history(&config, &instruments, &parties, year_from, year_to).len() as u64;
        });
        let year_prepared =
            median(runs, || sink += prepared.adoption_history(&config, year_from, year_to).len() as u64);
        let evaluates = median(if events >= 1_000_000 { 1 } else { 3 }, || {
            let mut day = year_from;
            while day <= year_to {
                sink += u64::from(prepared.evaluate(&config, day).municipalities_adopted);
                day = day.succ_opt().expect("date");
            }
        });
        println!(
            "{events:>9}  {:>10}  {:>12}  {:>16}  {:>10}  {:>12}  {:>16}",
            ms(prepare),
            ms(status_cold),
            ms(status_prepared),
            ms(year_cold),
            ms(year_prepared),
            ms(evaluates)
        );
        std::hint::black_box(sink);
    }
}
