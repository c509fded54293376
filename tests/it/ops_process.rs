//! Running the real `ratify` binary in the ops tests: start it, read the address it prints,
//! signal it, wait for it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_ratify");

/// A running `ratify` process; killed when dropped.
pub struct Instance {
    pub child: Child,
    pub base: String,
}

impl Instance {
    /// Starts `ratify` on `database_url` and a free port, with extra environment variables.
    pub fn start(database_url: &str, env: &[(&str, &str)]) -> Self {
        let mut all = vec![("RATIFY_DATABASE_URL", database_url), ("RATIFY_BIND", "127.0.0.1:0")];
        all.extend_from_slice(env);
        Self::start_with_args(&[], &all)
    }

    /// Starts `ratify` with command-line arguments and environment variables only.
    pub fn start_with_args(args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut cmd = Command::new(BIN);
        cmd.args(args).env("RATIFY_LOG", "warn").stdout(Stdio::piped()).stderr(Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start ratify");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("read the first line");
        let Some(base) = line.split_whitespace().find(|w| w.starts_with("http://")).map(str::to_string) else {
            let status = child.wait().expect("wait");
            panic!("ratify did not start ({status}); it printed {line:?}");
        };
        Instance { child, base }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Sends SIGTERM, as systemd and Docker do to stop a service.
    pub fn terminate(&self) {
        let status = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().expect("kill");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Still running?
    pub fn running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }

    /// Waits for the process to exit, failing the test after `limit`.
    pub fn wait_exit(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "ratify did not exit within {limit:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a `ratify` subcommand to completion.
pub fn ratify(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env("RATIFY_LOG", "warn");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run ratify")
}

/// Creates an API token through the command line.
pub fn token(database_url: &str, name: &str) -> String {
    let out = ratify(&["token", "create", "--name", name], &[("RATIFY_DATABASE_URL", database_url)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8").trim().to_string()
}

/// Polls `check` until it returns true, failing the test after `limit`. For freshness
/// requirements ("within a few seconds"), not for timing.
pub async fn eventually<F, Fut>(limit: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    loop {
        if check().await {
            return;
        }
        assert!(Instant::now() < deadline, "not within {limit:?}: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
