//! The command line: `ratify [serve]`, `ratify token create|revoke`, `ratify migrate`.

use clap::{Parser, Subcommand};

pub const DEFAULT_DATABASE_URL: &str = "data/ratify.sqlite3";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

#[derive(Debug, Parser)]
#[command(
    name = "ratify",
    version,
    about = "Följer hur Västra Götalands 50 parter antar Hälso- och sjukvårdsavtalet 2027."
)]
pub struct Cli {
    /// Database: a SQLite file path (default) or a postgres:// URL.
    #[arg(long, global = true, env = "RATIFY_DATABASE_URL", default_value = DEFAULT_DATABASE_URL, hide_env_values = true)]
    pub database_url: String,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the web service (the default when no command is given).
    Serve {
        /// Address and port to listen on.
        #[arg(long, env = "RATIFY_BIND", default_value = DEFAULT_BIND)]
        bind: String,
    },
    /// Apply pending database migrations and seed the parties, then exit.
    Migrate,
    /// Manage API tokens for the write API.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Manage staff accounts (`ratify user add NAME --role editor|admin`).
    User {
        #[command(subcommand)]
        command: crate::accounts::cli::UserCommand,
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
        #[arg(long)]
        name: String,
    },
}
