//! The command line explains itself: every subcommand, option and argument has a help text,
//! `ratify --help` lists every command, and a wrong command or option is one error line plus the
//! usage, exit code 2, no panic.

use std::process::Command;

use clap::CommandFactory;

const BIN: &str = env!("CARGO_BIN_EXE_ratify");

/// Every command in the tree with its path, e.g. "ratify report send".
fn walk(cmd: &clap::Command, path: String, out: &mut Vec<(String, clap::Command)>) {
    out.push((path.clone(), cmd.clone()));
    for sub in cmd.get_subcommands() {
        walk(sub, format!("{path} {}", sub.get_name()), out);
    }
}

#[test]
fn every_command_option_and_argument_has_help() {
    let mut all = Vec::new();
    walk(&ratify::cli::Cli::command(), "ratify".into(), &mut all);
    assert!(all.len() >= 14, "the command tree: {}", all.len());
    let mut missing = Vec::new();
    for (path, cmd) in &all {
        if path != "ratify" && cmd.get_about().is_none() {
            missing.push(format!("{path}: no about"));
        }
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if ["help", "version"].contains(&id) {
                continue;
            }
            if arg.get_help().is_none() && arg.get_long_help().is_none() {
                missing.push(format!("{path}: argument {id} has no help"));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn help_lists_every_command() {
    let out = Command::new(BIN).arg("--help").output().expect("run ratify --help");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for sub in ratify::cli::Cli::command().get_subcommands() {
        assert!(help.contains(&format!("  {} ", sub.get_name())), "--help lists {}:\n{help}", sub.get_name());
    }
    assert!(help.contains("demo"), "{help}");
}

#[test]
fn a_wrong_command_or_option_is_one_error_line_and_the_usage() {
    for args in [&["frobnicate"][..], &["--nope"], &["demo", "--nope"], &["user", "add"], &["report", "sned"]] {
        let out = Command::new(BIN).args(args).env_remove("RATIFY_DATABASE_URL").output().expect("run ratify");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        let first = stderr.lines().next().unwrap_or_default();
        assert!(first.starts_with("error: "), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().filter(|l| l.starts_with("error")).count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains("Usage: ratify"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}
