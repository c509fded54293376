//! Driver for bench/public_page.sh and bench/write_path.sh: writes SYNTHETIC events (made up,
//! labelled "syntetisk" in their note) through the write API of a running ratify. One thread: the
//! writers only wait on the network, and the cores are left to the server being measured.
//!
//!   bench_writer fill  BASE TOKEN N              N events spread over the 50 parties (4 at a time)
//!   bench_writer write BASE TOKEN WRITERS SECS   WRITERS concurrent writers for SECS seconds; after
//!       each 201 the writer polls /api/v1/status until its `last_change_at` has reached the event's
//!       `recorded_at` (the response cache is dropped by every write, so this is what readers of `/`
//!       and the API see). Prints writes/s, errors and freshness p50/p99/max.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Days, Utc};
use serde_json::{json, Value};
use tokio::sync::Mutex;

type Error = Box<dyn std::error::Error + Send + Sync>;

async fn codes(client: &reqwest::Client, base: &str) -> Result<Vec<String>, Error> {
    let parties: Vec<Value> = client.get(format!("{base}/api/v1/parties")).send().await?.json().await?;
    Ok(parties.iter().filter_map(|p| p["code"].as_str().map(str::to_string)).collect())
}

/// The n-th synthetic event for `code`: a plausible sequence of preparation, schedule, proposal, outcome.
fn event(code: &str, n: usize) -> Value {
    let today = Utc::now().date_naive();
    let past = |d: u64| today.checked_sub_days(Days::new(d)).unwrap_or(today).to_string();
    let ahead = |d: u64| today.checked_add_days(Days::new(d)).unwrap_or(today).to_string();
    let (assembly, board) = if code == "14" { ("RF", "RS") } else { ("KF", "KS") };
    let note = format!("syntetisk benchmarkhändelse {n}");
    match n % 6 {
        0 => json!({"status": "in_preparation", "note": note}),
        1 => json!({"status": "scheduled", "body": assembly, "planned_on": ahead(30 + (n % 60) as u64), "note": note}),
        2 => json!({"status": "proposed", "body": board, "reference": format!("{board} § {}", n % 200), "note": note}),
        3 => json!({"status": "tabled", "body": assembly, "decided_on": past(20 + (n % 40) as u64), "note": note}),
        4 => {
            json!({"status": "referred_back", "body": assembly, "decided_on": past(10 + (n % 9) as u64), "note": note})
        }
        _ => json!({"status": "adopted", "body": assembly, "decided_on": past(1 + (n % 9) as u64),
                    "reference": format!("{assembly} § {}", n % 200),
                    "protocol_url": format!("https://example.se/{code}/protokoll-{n}.pdf"), "note": note}),
    }
}

async fn post(client: &reqwest::Client, base: &str, token: &str, code: &str, body: &Value) -> Result<Value, String> {
    let resp = client
        .post(format!("{base}/api/v1/parties/{code}/events"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let json: Value = resp.json().await.map_err(|e| e.to_string())?;
    if status == 201 {
        Ok(json)
    } else {
        Err(format!("{status}: {json}"))
    }
}

async fn fill(base: String, token: String, n: usize) -> Result<(), Error> {
    let client = reqwest::Client::new();
    let codes = Arc::new(codes(&client, &base).await?);
    let next = Arc::new(Mutex::new(0usize));
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (client, base, token, codes, next) =
            (client.clone(), base.clone(), token.clone(), codes.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = {
                    let mut g = next.lock().await;
                    if *g >= n {
                        return Ok::<_, String>(());
                    }
                    *g += 1;
                    *g - 1
                };
                // Per party the events come in sequence order: party i % 50 gets its (i / 50)-th event.
                let code = &codes[i % codes.len()];
                post(&client, &base, &token, code, &event(code, i / codes.len())).await?;
            }
        }));
    }
    for t in tasks {
        t.await?.map_err(|e| format!("fill: {e}"))?;
    }
    println!("{n} synthetic events recorded");
    Ok(())
}

async fn last_change(client: &reqwest::Client, base: &str) -> Option<DateTime<Utc>> {
    let status: Value = client.get(format!("{base}/api/v1/status")).send().await.ok()?.json().await.ok()?;
    DateTime::parse_from_rfc3339(status["last_change_at"].as_str()?).ok().map(|t| t.with_timezone(&Utc))
}

async fn write(base: String, token: String, writers: usize, secs: u64) -> Result<(), Error> {
    let client = reqwest::Client::builder().pool_max_idle_per_host(writers * 2).build()?;
    let codes = Arc::new(codes(&client, &base).await?);
    let until = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..writers {
        let (client, base, token, codes) = (client.clone(), base.clone(), token.clone(), codes.clone());
        tasks.push(tokio::spawn(async move {
            let (mut ok, mut errors, mut fresh) = (0usize, Vec::new(), Vec::new());
            let mut n = w;
            while Instant::now() < until {
                let code = &codes[n % codes.len()];
                match post(&client, &base, &token, code, &event(code, 1000 + n)).await {
                    Ok(stored) => {
                        ok += 1;
                        let acked = Instant::now();
                        let at = stored["recorded_at"].as_str().and_then(|s| DateTime::parse_from_rfc3339(s).ok());
                        if let Some(at) = at {
                            loop {
                                if last_change(&client, &base).await.is_some_and(|t| t >= at) {
                                    fresh.push(acked.elapsed());
                                    break;
                                }
                                if acked.elapsed() > Duration::from_secs(10) {
                                    errors.push("not visible within 10 s".to_string());
                                    break;
                                }
                                tokio::time::sleep(Duration::from_millis(5)).await;
                            }
                        }
                    }
                    Err(e) => errors.push(e),
                }
                n += writers;
            }
            (ok, errors, fresh)
        }));
    }
    let (mut ok, mut errors, mut fresh) = (0, Vec::new(), Vec::new());
    for t in tasks {
        let (o, e, f) = t.await?;
        ok += o;
        errors.extend(e);
        fresh.extend(f);
    }
    let elapsed = started.elapsed().as_secs_f64();
    fresh.sort();
    let pct = |p: f64| fresh.get(((fresh.len() as f64 * p) as usize).min(fresh.len().saturating_sub(1))).copied();
    let show = |d: Option<Duration>| d.map_or("-".into(), |d| format!("{:.1}", d.as_secs_f64() * 1000.0));
    println!(
        "writes {ok} in {elapsed:.1} s = {:.1}/s; errors {}; freshness ms p50 {} p99 {} max {}",
        ok as f64 / elapsed,
        errors.len(),
        show(pct(0.5)),
        show(pct(0.99)),
        show(fresh.last().copied())
    );
    if let Some(e) = errors.first() {
        println!("first error: {e}");
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg =
        |i: usize| args.get(i).cloned().ok_or_else(|| format!("missing argument {i}; see the file's doc comment"));
    match arg(0)?.as_str() {
        "fill" => fill(arg(1)?, arg(2)?, arg(3)?.parse()?).await,
        "write" => write(arg(1)?, arg(2)?, arg(3)?.parse()?, arg(4)?.parse()?).await,
        other => Err(format!("unknown mode {other}").into()),
    }
}
