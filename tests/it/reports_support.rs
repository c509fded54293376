//! Helpers for the report tests: a configuration, a tiny SMTP receiver on a loopback port, and a
//! decoder for the parts of the mails it receives.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use ratify::reports::config::{ReportConfig, Secret, SmtpConfig};
use ratify::reports::delivery::outbox::Delivery;
use ratify::reports::worker::{Worker, WorkerOptions};

pub const SECRET: &str = "delad-hemlighet-för-test";

/// A configuration with these recipients, fast retries, and the schedule off (tests release by
/// hand unless they test the schedule).
pub fn config(webhooks: &[String], emails: &[&str], smtp_port: Option<u16>) -> ReportConfig {
    ReportConfig {
        enabled: false,
        webhooks: webhooks.to_vec(),
        webhook_secret: Some(Secret::new(SECRET)),
        emails: emails.iter().map(|s| s.to_string()).collect(),
        smtp: smtp_port.map(|port| SmtpConfig {
            url: format!("smtp://127.0.0.1:{port}"),
            from: "Ratify <noreply@vastkom.example>".into(),
            password: None,
        }),
        retry_base: Duration::from_millis(100),
        ..ReportConfig::default()
    }
}

pub fn worker(db: &ratify::db::Db, config: &ReportConfig, id: &str, lease: Duration) -> Worker {
    let options = WorkerOptions { id: id.into(), poll: Duration::from_millis(100), claim_lease: lease };
    Worker::new(db.clone(), config.clone(), options).expect("worker")
}

pub fn now() -> DateTime<Utc> {
    ratify::clock::now()
}

/// Every delivery of every report, oldest first.
pub fn deliveries(db: &ratify::db::Db) -> Vec<Delivery> {
    let history = ratify::reports::admin::history(db, now(), Duration::from_secs(600)).expect("history");
    let mut all: Vec<Delivery> =
        history.into_iter().flat_map(|h| h.deliveries.into_iter().map(|d| d.delivery)).collect();
    all.sort_by_key(|d| d.id);
    all
}

/// A minimal SMTP server: accepts every message and keeps its DATA.
pub struct SmtpSink {
    pub port: u16,
    messages: Arc<Mutex<Vec<Received>>>,
}

#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    pub data: String,
}

impl SmtpSink {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind smtp");
        let port = listener.local_addr().expect("addr").port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let store = messages.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(session(socket, store.clone()));
            }
        });
        Self { port, messages }
    }

    pub fn received(&self) -> Vec<Received> {
        self.messages.lock().unwrap().clone()
    }
}

async fn session(socket: tokio::net::TcpStream, store: Arc<Mutex<Vec<Received>>>) -> std::io::Result<()> {
    let (r, mut w) = socket.into_split();
    let mut r = BufReader::new(r);
    w.write_all(b"220 localhost test SMTP\r\n").await?;
    let mut current = Received { mail_from: String::new(), rcpt_to: Vec::new(), data: String::new() };
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let upper = line.trim_end().to_uppercase();
        if upper.starts_with("EHLO") {
            w.write_all(b"250-localhost\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n").await?;
        } else if upper.starts_with("HELO") {
            w.write_all(b"250 localhost\r\n").await?;
        } else if upper.starts_with("MAIL FROM:") {
            current.mail_from = line.trim_end()[10..].trim().to_string();
            w.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            current.rcpt_to.push(line.trim_end()[8..].trim().to_string());
            w.write_all(b"250 OK\r\n").await?;
        } else if upper == "DATA" {
            w.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
            let mut data = String::new();
            loop {
                line.clear();
                if r.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                // Undo dot-stuffing.
                data.push_str(line.strip_prefix('.').filter(|_| line.starts_with("..")).unwrap_or(&line));
            }
            current.data = data;
            store.lock().unwrap().push(current.clone());
            current = Received { mail_from: String::new(), rcpt_to: Vec::new(), data: String::new() };
            w.write_all(b"250 OK queued\r\n").await?;
        } else if upper == "QUIT" {
            w.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else if upper == "RSET" || upper == "NOOP" {
            w.write_all(b"250 OK\r\n").await?;
        } else {
            w.write_all(b"502 Command not implemented\r\n").await?;
        }
    }
}

/// The parts of a multipart message: (content-type header value, decoded body).
pub fn parts(message: &str) -> (String, Vec<(String, String)>) {
    let (head, body) = message.split_once("\r\n\r\n").expect("headers and body");
    let head = unfold(head);
    let content_type = header(&head, "Content-Type").expect("Content-Type");
    let boundary = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_string())
        .expect("boundary");
    let mut out = Vec::new();
    for chunk in body.split(&format!("--{boundary}")).skip(1) {
        if chunk.starts_with("--") {
            break;
        }
        let chunk = chunk.trim_start_matches("\r\n");
        let Some((h, b)) = chunk.split_once("\r\n\r\n") else { continue };
        let h = unfold(h);
        let ct = header(&h, "Content-Type").unwrap_or_default();
        let cte = header(&h, "Content-Transfer-Encoding").unwrap_or_default().to_lowercase();
        let decoded = match cte.as_str() {
            "quoted-printable" => quoted_printable(b),
            "base64" => base64(b),
            _ => b.to_string(),
        };
        out.push((ct, decoded));
    }
    (content_type, out)
}

pub fn header(head: &str, name: &str) -> Option<String> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
    })
}

fn unfold(head: &str) -> String {
    head.replace("\r\n ", " ").replace("\r\n\t", " ")
}

fn quoted_printable(s: &str) -> String {
    let s = s.replace("=\r\n", "");
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).expect("utf-8")
}

fn base64(s: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        let v = ALPHABET.iter().position(|a| *a == c).expect("base64") as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    String::from_utf8(out).expect("utf-8")
}

/// The tests that run the real binary's scheduler run on the real clock, and the scheduler sends
/// no report once the agreement applies (1 January 2027). Moves the start far ahead, so that
/// they keep testing delivery after that date.
pub fn agreement_starts_later(url: &str) {
    use diesel::prelude::*;
    use ratify::db::schema::agreements;
    let (db, _) = ratify::startup::prepare_database(url, 1).expect("database ready");
    let mut conn = db.conn().expect("connection");
    let later = chrono::NaiveDate::from_ymd_opt(2099, 1, 1).expect("date");
    let n = diesel::update(agreements::table.filter(agreements::slug.eq(ratify::agreement::DEFAULT_FEATURED)))
        .set(agreements::starts_on.eq(later))
        .execute(&mut *conn)
        .expect("move the agreement's start");
    assert_eq!(n, 1);
}
