//! The integration suite: the real HTTP interface on a real database, each test on SQLite and on
//! PostgreSQL (RATIFY_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres).
//! One test binary, so the suite links once.

// A failed unwrap here is a failed test, which is what it should be (the service itself may not
// unwrap: Cargo.toml's [lints]).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod admin_agreements;
mod admin_audit;
mod admin_auth;
mod admin_browser;
mod admin_import;
mod admin_messages;
mod admin_overview;
mod admin_party;
mod admin_reports;
mod admin_routes;
mod admin_security;
mod admin_support;
mod agreement_cli;
mod agreements_core;

mod api_agreements;
mod api_events;
mod api_parties;
mod api_status;
mod browser;
mod browser_support;
mod cli;
mod cli_help;
mod compression;
mod counties;
mod demo;
mod hardening_crash;
mod hardening_input;
mod hardening_load;
mod migrations;
mod open_data;
mod ops_backup;
mod ops_config;
mod ops_health;
mod ops_instances;
mod ops_process;
mod ops_shutdown;
mod public_agreements;
mod public_pages;
mod public_readers;
mod report_print;
mod reports_admin;
mod reports_agreements;
mod reports_archive;
mod reports_cli;
mod reports_content;
mod reports_email;
mod reports_schedule;
mod reports_support;
mod reports_webhook;
mod security_review;
mod standing_decision;
mod upgrade;
mod withdraw;
