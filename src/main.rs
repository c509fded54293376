use std::process::ExitCode;

use clap::Parser;
use ratify::cli::{Cli, Command, TokenCommand, DEFAULT_BIND};
use ratify::{startup, tokens, AppState};

fn main() -> ExitCode {
    let cli = Cli::parse();
    ratify::telemetry::init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("ratify: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command.unwrap_or(Command::Serve { bind: env_or("RATIFY_BIND", DEFAULT_BIND) }) {
        Command::Serve { bind } => serve(&cli.database_url, &bind),
        Command::Migrate => {
            let (_, seeded) = startup::prepare_database(&cli.database_url, 1).map_err(|e| e.to_string())?;
            println!(
                "Databasen är uppdaterad ({} avtal, {} delavtal, {} parter tillagda).",
                seeded.agreements, seeded.instruments, seeded.parties
            );
            Ok(())
        }
        Command::Token { command } => {
            let (db, _) = startup::prepare_database(&cli.database_url, 1).map_err(|e| e.to_string())?;
            match command {
                TokenCommand::Create { name } => {
                    let token = tokens::create(&db, &name).map_err(|e| e.to_string())?;
                    eprintln!("API-nyckeln \"{}\" är skapad. Den visas bara nu; spara den säkert:", name.trim());
                    println!("{token}");
                }
                TokenCommand::Revoke { name } => {
                    tokens::revoke(&db, &name).map_err(|e| e.to_string())?;
                    println!("API-nyckeln \"{name}\" är återkallad.");
                }
            }
            Ok(())
        }
        Command::User { command } => ratify::accounts::cli::run(&cli.database_url, command),
    }
}

fn env_or(key: &str, default: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| default.to_string())
}

fn serve(database_url: &str, bind: &str) -> Result<(), String> {
    let (db, seeded) = startup::prepare_database(database_url, 8).map_err(|e| e.to_string())?;
    if seeded.parties > 0 {
        tracing::info!(parties = seeded.parties, "seeded the parties");
    }
    let listener = startup::bind(bind).map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let url = db.url().redacted();
    println!("ratify serves http://{addr} (database: {url})");
    actix_web::rt::System::new()
        .block_on(async move {
            let server = startup::serve(listener, AppState::new(db))?;
            server.await
        })
        .map_err(|e| e.to_string())
}
