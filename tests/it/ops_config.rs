//! Configuration through the real binary: a bad setting stops the start with one line naming it
//! (and before anything is touched), a TOML file with the environment winning over it.

use std::path::Path;

use crate::ops_process::{ratify, Instance};

/// Runs `ratify` (serve) with `env` and expects it to stop at once with exactly `expected`.
fn refused(env: &[(&str, &str)], expected: &str) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ratify.sqlite3");
    let mut all = vec![("RATIFY_DATABASE_URL", db.to_str().unwrap()), ("RATIFY_BIND", "127.0.0.1:0")];
    all.extend_from_slice(env);
    let out = ratify(&[], &all);
    assert_eq!(out.status.code(), Some(1), "exit code 1 for {env:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end(), expected, "one line naming the setting");
    assert!(out.stdout.is_empty(), "nothing served: {}", String::from_utf8_lossy(&out.stdout));
    assert!(!db.exists(), "the database is not touched when the configuration is wrong");
}

#[test]
fn bad_settings_stop_the_start_with_one_line() {
    refused(&[("RATIFY_BIND", "abc")], "ratify: RATIFY_BIND: \"abc\" är ingen giltig adress (värd:port)");
    refused(
        &[("RATIFY_DB_POOL_SIZE", "ten")],
        "ratify: RATIFY_DB_POOL_SIZE: \"ten\" är inget heltal (ange anslutningar, 1–100)",
    );
    refused(
        &[("RATIFY_DB_POOL_SIZE", "0")],
        "ratify: RATIFY_DB_POOL_SIZE: 0 är utanför det tillåtna 1–100 (anslutningar)",
    );
    refused(
        &[("RATIFY_SESSION_KEY_FILE", "/nonexistent/session.key")],
        "ratify: RATIFY_SESSION_KEY_FILE: kan inte läsa \"/nonexistent/session.key\": filen finns inte",
    );
    refused(
        &[("RATIFY_WEBHOOK_SECRET_FILE", "/nonexistent/webhook")],
        "ratify: RATIFY_WEBHOOK_SECRET_FILE: kan inte läsa \"/nonexistent/webhook\": filen finns inte",
    );
    refused(
        &[("RATIFY_METRICS_ALLOW", "everyone")],
        "ratify: RATIFY_METRICS_ALLOW: \"everyone\" är ingen IP-adress eller nätmask (t.ex. 127.0.0.1, 10.0.0.0/8 eller ::1)",
    );
    refused(
        &[("RATIFY_CONFIG", "/nonexistent/ratify.toml")],
        "ratify: --config: kan inte läsa \"/nonexistent/ratify.toml\": filen finns inte",
    );
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_toml_file_with_the_environment_winning() {
    let dir = tempfile::tempdir().unwrap();
    let from_file = dir.path().join("from-file.sqlite3");
    let key = dir.path().join("session.key");
    write(&key, &format!("{}\n", "s".repeat(48)));
    let toml = dir.path().join("ratify.toml");
    write(
        &toml,
        &format!(
            "database_url = \"{}\"\nbind = \"127.0.0.1:9\"\ndb_pool_size = 3\nlog = \"warn\"\n\
             metrics_allow = [\"10.0.0.0/8\"]\nsession_key_file = \"{}\"\n",
            from_file.display(),
            key.display()
        ),
    );
    let toml_arg = toml.to_str().unwrap();
    let out =
        ratify(&["--config", toml_arg, "show-config"], &[("RATIFY_BIND", "127.0.0.1:0"), ("RATIFY_DB_POOL_SIZE", "")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let shown = String::from_utf8(out.stdout).unwrap();
    let line = |name: &str| {
        shown
            .lines()
            .find(|l| l.starts_with(&format!("{name} = ")))
            .unwrap_or_else(|| panic!("{name} in {shown}"))
            .to_string()
    };
    assert_eq!(line("RATIFY_BIND"), "RATIFY_BIND = 127.0.0.1:0    (RATIFY_BIND)", "environment wins");
    assert_eq!(
        line("RATIFY_DB_POOL_SIZE"),
        format!("RATIFY_DB_POOL_SIZE = 3    (db_pool_size i {toml_arg})"),
        "an empty variable is unset"
    );
    assert_eq!(
        line("RATIFY_METRICS_ALLOW"),
        format!("RATIFY_METRICS_ALLOW = 10.0.0.0/8    (metrics_allow i {toml_arg})")
    );
    assert_eq!(
        line("RATIFY_SESSION_KEY"),
        format!("RATIFY_SESSION_KEY = (satt, visas inte)    (session_key_file i {toml_arg})")
    );
    assert_eq!(line("RATIFY_BODY_LIMIT"), "RATIFY_BODY_LIMIT = 262144    (standardvärde)");
    assert!(!shown.contains("ssssssss"), "secrets are never printed");

    // The file's settings take effect: the database named only in the file is the one served,
    // on the port from the environment (the file says port 9).
    let instance = Instance::start_with_args(&["--config", toml_arg], &[("RATIFY_BIND", "127.0.0.1:0")]);
    assert!(!instance.base.ends_with(":9"), "{}", instance.base);
    assert!(from_file.is_file(), "the database from the file is created");
    let r = reqwest::get(instance.url("/metrics")).await.unwrap();
    assert_eq!(r.status().as_u16(), 403, "metrics_allow from the file applies (loopback is not in it)");

    // RATIFY_CONFIG names the file too; a bad value in it is named with the file.
    write(&toml, "bind = \"nowhere\"\n");
    let out = ratify(&["show-config"], &[("RATIFY_CONFIG", toml_arg), ("RATIFY_BIND", "")]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim_end(),
        format!("ratify: bind i {toml_arg}: \"nowhere\" är ingen giltig adress (värd:port)")
    );
    write(&toml, "bind = \"127.0.0.1:0\"\nworkers = 2\nmystery = 1\n");
    let out = ratify(&["--config", toml_arg, "show-config"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with(&format!("ratify: {toml_arg}: okänd inställning \"mystery\"")), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1);
}

/// Issue 19, defect 3: passwords written with a raw `@` (not percent-encoded) in the database URL
/// and the SMTP URL never show in `show-config`, whole or in part.
#[test]
fn show_config_hides_passwords_with_a_raw_at_sign() {
    let out = ratify(
        &["show-config"],
        &[
            ("RATIFY_DATABASE_URL", "postgres://ratify:p@ss:w@rd@db.example:5432/ratify"),
            ("RATIFY_SMTP_URL", "smtp://mailer:hem@ligt@relay.example.se:587"),
            ("RATIFY_SMTP_FROM", "Ratify <noreply@vastkom.example>"),
        ],
    );
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(shown.contains("db.example:5432/ratify") && shown.contains("relay.example.se"), "{shown}");
    for part in ["p@ss", "w@rd", "hem@", "ligt@"] {
        assert!(!shown.contains(part), "{part} shows in:\n{shown}");
    }
}
