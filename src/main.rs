use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use ratify::cli::{Cli, Command, TokenCommand};
use ratify::config::{Config, Overrides};
use ratify::ops::backup;
use ratify::{startup, tokens};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let overrides = Overrides {
        database_url: match &cli.command {
            Some(Command::Demo { database: Some(url) }) => Some(url.clone()),
            _ => cli.database_url.clone(),
        },
        bind: match &cli.command {
            Some(Command::Serve { bind }) => bind.clone(),
            _ => None,
        },
    };
    let config = match Config::load(cli.config.as_deref(), &overrides) {
        Ok(config) => Arc::new(config),
        Err(e) => return fail(e.to_string()),
    };
    // Held to the end of main: dropping it flushes the log lines still queued.
    let _log_guard = ratify::telemetry::init(&config.log);
    for name in Config::unknown_env_vars() {
        tracing::warn!(variable = %name, "unknown RATIFY_ variable ignored (misspelt?)");
    }
    match run(cli.command.unwrap_or(Command::Serve { bind: None }), config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(message),
    }
}

fn fail(message: String) -> ExitCode {
    eprintln!("ratify: {message}");
    ExitCode::FAILURE
}

fn run(command: Command, config: Arc<Config>) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| e.to_string();
    match command {
        Command::Serve { .. } => startup::run(config).map_err(|e| err(&e)),
        Command::Migrate => {
            let (_, seeded) = startup::prepare_database(&config.database_url, 1).map_err(|e| err(&e))?;
            println!(
                "Databasen är uppdaterad ({} avtal, {} delavtal, {} parter tillagda).",
                seeded.agreements, seeded.instruments, seeded.parties
            );
            Ok(())
        }
        Command::Token { command } => {
            let (db, _) = startup::prepare_database(&config.database_url, 1).map_err(|e| err(&e))?;
            match command {
                TokenCommand::Create { name } => {
                    let token = tokens::create(&db, &name).map_err(|e| err(&e))?;
                    eprintln!("API-nyckeln \"{}\" är skapad. Den visas bara nu; spara den säkert:", name.trim());
                    println!("{token}");
                }
                TokenCommand::Revoke { name } => {
                    tokens::revoke(&db, &name).map_err(|e| err(&e))?;
                    println!("API-nyckeln \"{name}\" är återkallad.");
                }
            }
            Ok(())
        }
        Command::Backup { path } => {
            let done = backup::backup(&config.database_url, &path).map_err(|e| format!("backup: {e}"))?;
            let events = done.events.map(|n| format!("{n} händelser, ")).unwrap_or_default();
            println!("Säkerhetskopian är skriven: {} ({events}{} byte).", done.path.display(), done.bytes);
            Ok(())
        }
        Command::Restore { path } => {
            let done = backup::restore(&config.database_url, &path).map_err(|e| format!("restore: {e}"))?;
            println!("Databasen är återställd från {} ({} händelser).", path.display(), done.events);
            if let Some(previous) = done.previous {
                println!("Den ersatta databasen sparades som {}.", previous.display());
            }
            if done.pending_migrations > 0 {
                println!("{} migrering(ar) körs när tjänsten startar.", done.pending_migrations);
            }
            Ok(())
        }
        Command::ShowConfig => {
            for (name, value, origin) in config.describe() {
                println!("{name} = {value}    ({origin})");
            }
            Ok(())
        }
        Command::Report { command } => {
            let (db, _) = startup::prepare_database(&config.database_url, 2).map_err(|e| err(&e))?;
            print!("{}", ratify::reports::cli::run(&db, &config.report, command)?);
            Ok(())
        }
        Command::Agreement { command } => {
            let (db, _) = startup::prepare_database(&config.database_url, 1).map_err(|e| err(&e))?;
            print!("{}", ratify::agreement::cli::run(&db, &config.featured_agreement, command)?);
            Ok(())
        }
        Command::User { command } => {
            let (db, _) = startup::prepare_database(&config.database_url, 1).map_err(|e| err(&e))?;
            ratify::accounts::cli::run(&db, command)
        }
        Command::Demo { .. } => {
            let (db, _) = startup::prepare_database(&config.database_url, 1).map_err(|e| err(&e))?;
            ratify::demo::run(&db)
        }
    }
}
