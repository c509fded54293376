//! The command line: `ratify [serve]`, `ratify migrate`, `ratify token create|revoke`,
//! `ratify backup|restore PATH`, `ratify show-config`, `ratify agreement add FILE|list`, …. Settings come from [`crate::config`]; the
//! flags here only override them.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use crate::config::{DEFAULT_BIND, DEFAULT_DATABASE_URL};

#[derive(Debug, Parser)]
#[command(
    name = "ratify",
    version,
    about = "Följer hur Västra Götalands 50 parter antar Hälso- och sjukvårdsavtalet 2027.",
    after_help = "Inställningar: miljövariabler RATIFY_* och/eller en TOML-fil (--config); se README."
)]
pub struct Cli {
    /// A TOML file with settings; environment variables win over it.
    #[arg(long, global = true, env = "RATIFY_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Database: a SQLite file path or a postgres:// URL (overrides RATIFY_DATABASE_URL).
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the web service (the default when no command is given).
    Serve {
        /// Address and port to listen on (overrides RATIFY_BIND).
        #[arg(long)]
        bind: Option<String>,
    },
    /// Apply pending database migrations and seed the parties, then exit.
    Migrate,
    /// Manage API tokens for the write API.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Write a consistent copy of the database to PATH while the service runs (SQLite: VACUUM
    /// INTO; PostgreSQL: pg_dump). Never overwrites a file.
    Backup {
        /// Where to write the copy; must not exist.
        path: PathBuf,
    },
    /// Replace the database with the backup at PATH (every instance must be stopped); the
    /// replaced database is kept beside it.
    Restore {
        /// A file written by `ratify backup`.
        path: PathBuf,
    },
    /// Print the effective settings and where each came from (secrets hidden), then exit.
    ShowConfig,
    /// The weekly status report to SRO: generate or send a week's report.
    Report {
        #[command(subcommand)]
        command: crate::reports::cli::ReportCommand,
    },
    /// Agreements: add one from an agreement file (TOML), or list them all.
    Agreement {
        #[command(subcommand)]
        command: crate::agreement::cli::AgreementCommand,
    },
    /// Manage staff accounts (`ratify user add NAME --role editor|admin`).
    User {
        #[command(subcommand)]
        command: crate::accounts::cli::UserCommand,
    },
    /// Fill a new, empty database with a fictional history and an editor account (prints its
    /// password once); every page then shows "Exempeldata – inte verkliga beslut". Refuses a
    /// database that holds real events.
    Demo {
        /// The database to fill (same as --database-url; overrides RATIFY_DATABASE_URL).
        #[arg(long, value_name = "URL")]
        database: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it once (only its hash is stored).
    Create {
        /// A name that says who uses the token, e.g. "import-goteborg".
        #[arg(long)]
        name: String,
    },
    /// Revoke the token with this name.
    Revoke {
        /// The name given at `token create`.
        #[arg(long)]
        name: String,
    },
}
